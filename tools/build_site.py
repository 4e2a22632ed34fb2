"""Build the course site: static HTML of every notebook as a learner receives it, with its outputs.

Usage: python tools/build_site.py [--out _site]

Each page is the learner's version of a notebook (solutions stubbed and hidden tests removed, by
the same nbgrader steps as `course release`) with the committed standard-profile outputs of its
lesson cells; the outputs of answer and check cells, and of the cells that read an answer, are
left out, since they come from the reference solution. A widget shows its static snapshot with a
label saying what it does live. The home page is the README's course map. Sphinx with MyST-NB
renders the pages (site/conf.py); nothing is executed.
"""

import argparse
import copy
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from course_utils.course_map import NOTEBOOKS  # noqa: E402
from course_utils.grading import cells, release  # noqa: E402

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
CONTROLS = {  # ipywidgets' model names, as a learner calls the control
    "IntSliderModel": "slider",
    "FloatSliderModel": "slider",
    "FloatLogSliderModel": "slider",
    "IntRangeSliderModel": "slider",
    "SelectionSliderModel": "slider",
    "DropdownModel": "menu",
    "ToggleButtonsModel": "buttons",
    "RadioButtonsModel": "choice",
    "CheckboxModel": "checkbox",
    "ToggleButtonModel": "toggle",
    "ButtonModel": "button",
    "PlayModel": "play button",
    "IntTextModel": "box",
    "BoundedIntTextModel": "box",
    "TextModel": "box",
}


def learner_page(nb):
    """The learner's version of ``nb`` with the outputs of its lesson cells kept."""
    outputs = {cell.id: copy.deepcopy(cell.get("outputs", [])) for cell in nb.cells}
    tags = {cell.id: set(cell.metadata.get("tags", [])) for cell in nb.cells}
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    page = release.student_version(nb)
    page.metadata.pop("widgets", None)
    new_cells = []
    for cell in page.cells:
        new_cells.append(cell)
        if cell.cell_type != "code":
            continue
        # student_version tags the cells that read an answer's names `raises-exception`.
        reads_answer = "raises-exception" in set(cell.metadata.get("tags", [])) - tags[cell.id]
        if cells.is_answer(cell) or cells.is_test(cell) or reads_answer:
            continue
        cell.outputs = outputs[cell.id]
        for output in cell.outputs:
            view = output.get("data", {}).pop(WIDGET_VIEW, None)
            if view is not None:
                new_cells.append(nbformat.v4.new_markdown_cell(snapshot_label(view, state)))
    page.cells = new_cells
    return page


def controls(model_id, state):
    """[(description, kind)] of the controls in the widget ``model_id``, in display order."""
    model = state.get(model_id)
    if model is None:
        return []
    found = []
    kind = CONTROLS.get(model["model_name"])
    if kind:
        name = model["state"].get("description") or model["state"].get("tooltip") or ""
        found.append((name.rstrip(": "), kind))
    for child in model["state"].get("children", []):
        found += controls(child.removeprefix("IPY_MODEL_"), state)
    return found


def snapshot_label(view, state):
    """A note under a widget's snapshot: what the reader sees, and how to move it in the lab."""
    named = [
        f"the *{name}* {kind}" if name and name.lower() != kind.split()[0] else f"the {kind}"
        for name, kind in controls(view["model_id"], state)
    ]
    use = " and ".join([", ".join(named[:-1]), named[-1]] if len(named) > 1 else named)
    return (
        "```{admonition} A snapshot of a live widget\n:class: snapshot-label\n"
        "Above is a still picture of this cell's widget, as the notebook left it. In JupyterLab "
        f"(`make lab`), run the notebook and use {use or 'its controls'}: the widget redraws as "
        f"you change {'it' if len(named) == 1 else 'them'}.\n```"
    )


def home_page(readme):
    """The home page: the README's opening, its two commands and its course map, linked."""
    opening = readme.split("\n## ", 1)[0].split("\n", 1)[1].strip()
    commands = re.search(r"## Two commands\n\n(```bash\n.*?```)", readme, re.S).group(1)
    table = re.search(r"## The course map\n\n((?:\|.*\n)+)", readme).group(1)
    titles = {nb.stem: nb.title for nb in NOTEBOOKS}
    linked = re.sub(
        r"^\| `(\d\d_\w+)` \|",
        lambda m: f"| [{m.group(1)[:2]} · {titles[m.group(1)]}]({m.group(1)}.ipynb) |",
        table,
        flags=re.M,
    )
    toctree = "\n".join(nb.stem for nb in NOTEBOOKS)
    return f"""# Sequence models, one exercise at a time

{opening}

These pages show each notebook as a learner receives it, with the outputs of a run in the
`standard` profile on a CPU: the exercises are left for you to answer, and no solution is shown.

## Run the notebooks yourself

Clone the course's repository and, in its folder:

{commands}

Both need Python 3.11–3.13 with `venv` and GNU make. `make lab` opens JupyterLab on your own copies
of the notebooks, where the widgets move, the exercises check your answers as you run them, and
every number can be re-run. Start with `00_start_here.ipynb`.

## The course map

{linked}
```{{toctree}}
:hidden:
:maxdepth: 1

{toctree}
```
"""


def build(out):
    """Render the site into the folder ``out`` (replaced); a warning fails the build."""
    with tempfile.TemporaryDirectory() as temporary:
        source = Path(temporary) / "site"
        shutil.copytree(ROOT / "site", source)
        (source / "index.md").write_text(
            home_page((ROOT / "README.md").read_text(encoding="utf-8")), encoding="utf-8"
        )
        for notebook in NOTEBOOKS:
            nb = nbformat.read(ROOT / "notebooks" / notebook.filename, as_version=4)
            nbformat.write(learner_page(nb), source / notebook.filename)
        html = Path(temporary) / "html"  # MyST-NB writes its own files beside the output
        command = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-W", "--keep-going"]
        subprocess.run(
            [*command, "-d", str(source / ".doctrees"), str(source), str(html)], check=True
        )
        shutil.rmtree(out, ignore_errors=True)
        shutil.copytree(html, out)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "_site", help="the site's folder")
    out = build(parser.parse_args().out.resolve())
    print(f"The course site is in {out}: open {out / 'index.html'}")


if __name__ == "__main__":
    main()
