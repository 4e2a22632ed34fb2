"""The course site (`make site`) in Debian's Chromium, served from 127.0.0.1 with every other
request refused, as on a machine with no network.

Every page loads without a console error or a failed request, every image loads, every internal
link leads to a page (and its anchor) of the site, the home page's course map links every notebook,
math is rendered by the site's own MathJax, the search finds a notebook, and each notebook page
has links to the previous and the next one. Screenshots of the home page and two notebook pages
are saved under test-artifacts/.
"""

import functools
import http.server
import importlib.util
import re
import shutil
import threading
from urllib.parse import urldefrag, urlparse

import pytest

from course_utils.course_map import NOTEBOOKS
from tests.course_files import ROOT

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = ROOT / "test-artifacts"
if CHROMIUM is None:
    pytest.skip(
        "Debian's Chromium is not installed (`apt-get install chromium`; .ci/run installs it)",
        allow_module_level=True,
    )
playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

spec = importlib.util.spec_from_file_location("build_site", ROOT / "tools" / "build_site.py")
build_site = importlib.util.module_from_spec(spec)
spec.loader.exec_module(build_site)

PAGES = ["index.html", *(f"{nb.stem}.html" for nb in NOTEBOOKS), "search.html"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The site, built afresh, served on a free port of 127.0.0.1; yields its address."""
    folder = build_site.build(tmp_path_factory.mktemp("site") / "html")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        yield browser
        browser.close()


@pytest.fixture
def visit(site, browser):
    """Open a page of the site; returns (page, problems): console errors, failed requests and
    requests that tried to leave 127.0.0.1 (refused)."""
    context = browser.new_context(viewport={"width": 1300, "height": 900})
    problems = []

    def route(request_route):
        url = request_route.request.url
        if url.startswith(("http://127.0.0.1", "data:", "blob:")):
            request_route.continue_()
        else:
            problems.append(f"request outside 127.0.0.1: {url}")
            request_route.abort()

    context.route("**/*", route)

    def open_page(name):
        page = context.new_page()
        page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))
        page.on("response", lambda r: r.status >= 400 and problems.append(f"{r.status}: {r.url}"))
        page.goto(site + name)
        page.wait_for_load_state("networkidle")
        return page, problems

    yield open_page
    context.close()


@pytest.mark.parametrize("name", PAGES)
def test_a_page_loads_offline_with_every_image(visit, name):
    page, problems = visit(name)
    broken = page.eval_on_selector_all(
        "img", "images => images.filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src)"
    )
    assert not broken, f"images that did not load: {broken}"
    assert not problems, problems


def test_every_internal_link_resolves(visit, site):
    page, _ = visit("index.html")
    ids, checked, broken = {}, set(), []
    for name in PAGES:
        page.goto(site + name)
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            if urlparse(href).netloc != urlparse(site).netloc:
                continue  # links out of the site (a paper, an issue) are not requests it makes
            target, anchor = urldefrag(href)
            if (target, anchor) in checked:
                continue
            checked.add((target, anchor))
            if target not in ids:
                response = page.request.get(target)
                ids[target] = (
                    set(re.findall(r'\bid="([^"]+)"', response.text())) if response.ok else None
                )
            if ids[target] is None:
                broken.append(f"{name} → {href}: not found")
            elif anchor and anchor not in ids[target]:
                broken.append(f"{name} → {href}: no such anchor")
    assert len(checked) > 100
    assert not broken, broken[:10]


def test_the_course_map_links_every_notebook(visit, site):
    page, _ = visit("index.html")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "site-home.png", full_page=True)
    linked = page.eval_on_selector_all(
        "article table a", "links => links.map(a => a.getAttribute('href'))"
    )
    assert linked == [f"{nb.stem}.html" for nb in NOTEBOOKS]


def test_a_notebook_page_has_its_question_previous_next_and_math(visit):
    page, problems = visit("05_training_difficulties.html")
    page.wait_for_selector("mjx-container", timeout=20_000)
    assert page.locator("mjx-container").count() > 5
    assert page.locator("mjx-merror").count() == 0, "math that MathJax could not render"
    assert "What are the main difficulties when training RNNs?" in page.inner_text("article")
    assert page.locator("a.left-prev").get_attribute("href") == "04_forecasting_seven_days.html"
    assert page.locator("a.right-next").get_attribute("href") == "06_lstm_cell.html"
    page.screenshot(path=ARTIFACTS / "site-05.png", full_page=False)
    assert not problems, problems


def test_a_widget_snapshot_is_labelled_and_audio_plays_offline(visit):
    page, problems = visit("12_bach_chorales.html")
    label = page.locator(".snapshot-label").first
    label.scroll_into_view_if_needed()
    assert "make lab" in label.inner_text()
    page.screenshot(path=ARTIFACTS / "site-12-snapshot.png", full_page=False)
    durations = page.eval_on_selector_all(
        "audio",
        "players => Promise.all(players.map(a => a.readyState >= 1 ? a.duration :"
        " new Promise(done => a.addEventListener('loadedmetadata', () => done(a.duration)))))",
    )
    assert durations and all(d > 1 for d in durations), durations
    assert not problems, problems


def test_search_finds_a_notebook(visit):
    page, problems = visit("search.html?q=cuDNN")
    page.wait_for_selector("#search-results li", timeout=20_000)
    found = page.eval_on_selector_all(
        "#search-results li a", "links => links.map(a => a.getAttribute('href'))"
    )
    assert any(href.startswith("10_variable_length_and_unrolling.html") for href in found), found
    assert not problems, problems
