"""Sphinx settings of the course site, built by `make site` (tools/build_site.py) from the learner
versions of the notebooks, with their committed outputs, never executing them."""

project = "Sequence models, one exercise at a time"
html_title = project
author = "the course's authors"
copyright = "the course's authors, Apache-2.0"

extensions = ["myst_nb", "sphinx-mathjax-offline"]  # MathJax served from the site itself
nb_execution_mode = "off"  # the committed standard-profile outputs are the page's outputs
myst_enable_extensions = ["dollarmath"]
# A widget's live view needs a kernel; the site shows its static snapshot (image or HTML) instead.
nb_mime_priority_overrides = [("html", "application/vnd.jupyter.widget-view+json", None)]
suppress_warnings = ["mystnb.unknown_mime_type"]

html_theme = "sphinx_book_theme"
html_theme_options = {
    "show_prev_next": True,
    "home_page_in_toc": True,
    "use_download_button": False,
    "use_fullscreen_button": False,
    "navigation_with_keys": False,
}
html_static_path = ["_static"]
html_css_files = ["course.css"]
html_show_sourcelink = False
html_copy_source = False
nb_render_error_lexer = "text"  # errors shown on purpose are one plain line
html_context = {"default_mode": "light"}  # a mode the theme knows, so that it logs no error
