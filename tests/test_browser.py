"""The built book read in headless Chromium with the network off.

Every HTML page of ``_build/html`` is served from ``127.0.0.1`` and opened in Debian's
Chromium (``apt-get install chromium chromium-driver``, driven by selenium) whose host
resolver maps every other host to "not found", so that nothing can come from a CDN.
Each page must

* typeset its math (every Sphinx math node holds a MathJax container, no ``merror``,
  no raw ``\\(``, ``\\[`` or ``$$`` left in the text outside code),
* load every image (``naturalWidth > 0``), each with alt text; figures have an opaque
  background, so that they stay readable in the theme's dark mode,
* have scrubbers (matplotlib ``to_jshtml`` animations) that change frame when stepped
  with their "Next frame" button and their slider,
* request nothing from outside the book, and every request to the book succeeds,
* log no JavaScript error,

and every internal link (page and anchor) resolves. A negative control runs the same
math check on a copy of a chapter whose local MathJax is removed: it must fail.

The book is built by ``tests/test_book_build.py`` (which runs before this module);
if ``_build/html`` is missing or predates the offline assets, it is built here.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import subprocess
import threading
import urllib.parse
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# BOOK_HTML: test another build folder (e.g. one made with --path-output)
HTML = Path(os.environ.get("BOOK_HTML", ROOT / "_build" / "html"))
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")

webdriver = pytest.importorskip("selenium.webdriver", reason="pip install -r requirements.txt (selenium)")
if not (CHROMIUM and CHROMEDRIVER):  # pragma: no cover - CI installs them (.ci/run)
    pytest.fail("Debian's chromium and chromium-driver are needed: apt-get install -y chromium chromium-driver",
                pytrace=False)


def _build_book() -> None:
    env = {k: v for k, v in os.environ.items() if k != "LRNN_FAST"}
    proc = subprocess.run(["jupyter-book", "build", ".", "-W", "-n", "--keep-going"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=3600)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]


@pytest.fixture(scope="module")
def book() -> Path:
    if not (HTML / "index.html").exists() or not (HTML / "_static/offline/mathjax/tex-mml-chtml.js").exists():
        _build_book()
    return HTML


def pages(root: Path) -> list[str]:
    """Every HTML page of the built book (not the theme's static files or page sources)."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*.html")
                  if not p.relative_to(root).parts[0].startswith(("_static", "_sources", "_images")))


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest's output clean
        pass


@pytest.fixture(scope="module")
def server(book):
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(book)))
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}/", srv
    srv.shutdown()
    srv.server_close()


def _driver(tmp: Path):
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    opts = Options()
    opts.binary_location = CHROMIUM
    for arg in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-quic", "--no-first-run", "--disable-extensions", "--window-size=1280,1600",
                f"--user-data-dir={tmp}",
                # the network is off: every host but the book's own server fails to resolve
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]:
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    drv = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    drv.set_page_load_timeout(120)
    drv.set_script_timeout(60)
    return drv


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    drv = _driver(tmp_path_factory.mktemp("chromium-profile"))
    yield drv
    drv.quit()


# -- checks run inside the page ------------------------------------------------------------

WAIT_FOR_MATH = """
const done = arguments[arguments.length - 1];
const hasMath = document.querySelector('.math') !== null;
if (!hasMath) { done('no-math'); return; }
const t0 = Date.now();
(function poll() {
  const mj = window.MathJax;
  if (mj && mj.startup && mj.startup.promise) {
    mj.startup.promise.then(() => done('typeset'), e => done('error: ' + e));
  } else if (Date.now() - t0 > 20000) { done('mathjax-not-loaded'); }
  else { setTimeout(poll, 100); }
})();
"""

MATH_REPORT = """
const nodes = Array.from(document.querySelectorAll('.math'));
const untypeset = nodes.filter(n => !n.querySelector('mjx-container')).map(n => n.textContent.slice(0, 80));
const errors = Array.from(document.querySelectorAll('mjx-merror, [data-mjx-error]'))
  .map(e => (e.getAttribute('data-mjx-error') || e.textContent).slice(0, 80));
// visible prose: the article without code, scripts and styles
const art = (document.querySelector('article') || document.body).cloneNode(true);
art.querySelectorAll('pre, code, script, style, textarea, mjx-container').forEach(e => e.remove());
const text = art.textContent;
const raw = [];
for (const pat of ['\\\\(', '\\\\)', '\\\\[', '\\\\]', '$$', '\\\\begin{']) {
  const i = text.indexOf(pat);
  if (i >= 0) raw.push(text.slice(Math.max(0, i - 40), i + 40));
}
return {n: nodes.length, untypeset: untypeset, errors: errors, raw: raw};
"""

WAIT_FOR_IMAGES = """
const done = arguments[arguments.length - 1];
const imgs = Array.from(document.images);
Promise.all(imgs.map(img => img.complete ? null :
   new Promise(r => { img.addEventListener('load', r); img.addEventListener('error', r); setTimeout(r, 20000); })))
  .then(() => done(true));
"""

IMAGE_REPORT = """
const out = [];
for (const img of Array.from(document.images)) {
  const rec = {src: (img.getAttribute('src') || '').slice(0, 80), id: img.id, alt: img.getAttribute('alt'),
               ok: img.complete && img.naturalWidth > 0, opaque: null, content: !!img.closest('article')};
  if (rec.ok && !/\\.svg/.test(img.src)) {
    // corners of the picture: an opaque background keeps dark-mode pages readable
    const c = document.createElement('canvas');
    c.width = img.naturalWidth; c.height = img.naturalHeight;
    const ctx = c.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const w = c.width - 1, h = c.height - 1;
    rec.opaque = [[0, 0], [w, 0], [0, h], [w, h]].every(([x, y]) => ctx.getImageData(x, y, 1, 1).data[3] === 255);
  }
  out.push(rec);
}
return out;
"""

SCRUBBER_REPORT = """
const done = arguments[arguments.length - 1];
const imgs = Array.from(document.querySelectorAll('img[id^="_anim_img"]'));
const out = [];
const sleep = ms => new Promise(r => setTimeout(r, ms));
(async () => {
  await sleep(50);  // the animations are created in a setTimeout(0)
  for (const img of imgs) {
    const id = img.id.slice('_anim_img'.length);
    const slider = document.getElementById('_anim_slider' + id);
    const next = Array.from(document.querySelectorAll('button'))
      .find(b => (b.getAttribute('onclick') || '') === 'anim' + id + '.next_frame()');
    const rec = {id: id, frames: slider ? Number(slider.max) + 1 : 0, hasNext: !!next,
                 initial: !!img.getAttribute('src'), stepped: false, slid: false, err: null};
    try {
      const first = img.src;
      next.click();
      await sleep(30);
      rec.stepped = img.src !== first && img.src.length > 0 && slider.value === '1';
      slider.value = String(slider.max);
      slider.dispatchEvent(new Event('input', {bubbles: true}));
      await sleep(30);
      const last = img.src;
      slider.value = '0';
      slider.dispatchEvent(new Event('input', {bubbles: true}));
      await sleep(30);
      rec.slid = last !== img.src && img.src === first;
    } catch (e) { rec.err = String(e); }
    out.push(rec);
  }
  done(out);
})();
"""

PAGE_LINKS = """
return {
  links: Array.from(document.querySelectorAll('a[href]')).map(a => a.href),
  ids: Array.from(document.querySelectorAll('[id], a[name]')).map(e => e.id || e.getAttribute('name')),
};
"""


def _network_log(drv) -> tuple[list[str], list[str]]:
    """(requests to other hosts, failed requests to the book) from Chromium's performance log."""
    import json

    urls, failed_ids, id_url = [], set(), {}
    bad_status = []
    for entry in drv.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        method, params = msg.get("method"), msg.get("params", {})
        if method == "Network.requestWillBeSent":
            url = params["request"]["url"]
            id_url[params["requestId"]] = url
            urls.append(url)
        elif method == "Network.loadingFailed" and not params.get("canceled"):
            failed_ids.add(params["requestId"])
        elif method == "Network.responseReceived":
            resp = params["response"]
            if (resp["url"].startswith("http") and resp["status"] >= 400
                    and not resp["url"].endswith("/favicon.ico")):  # the browser's own request
                bad_status.append(f"{resp['status']} {resp['url']}")
    external = [u for u in urls if u.startswith(("http://", "https://", "ws://", "wss://"))
                and urllib.parse.urlsplit(u).hostname != "127.0.0.1"]
    failed = [id_url.get(i, i) for i in failed_ids if id_url.get(i, "").startswith("http://127.0.0.1")]
    return external, failed + bad_status


def inspect_page(drv, url: str) -> dict:
    """Load ``url`` and return everything the tests assert on."""
    drv.get_log("browser"), drv.get_log("performance")  # drop the previous page's logs
    drv.get(url)
    math_state = drv.execute_async_script(WAIT_FOR_MATH)
    math = drv.execute_script(MATH_REPORT)
    drv.execute_async_script(WAIT_FOR_IMAGES)
    images = drv.execute_script(IMAGE_REPORT)
    scrubbers = drv.execute_async_script(SCRUBBER_REPORT)
    links = drv.execute_script(PAGE_LINKS)
    external, failed = _network_log(drv)
    console = [e for e in drv.get_log("browser") if e["level"] == "SEVERE"
               and not e["message"].split(" ", 1)[0].endswith("/favicon.ico")  # the browser's own request
               # pydata-sphinx-theme's notice on a fresh profile (no stored colour mode), not an error
               and "Got invalid theme mode: . Resetting to auto." not in e["message"]]
    return dict(math_state=math_state, math=math, images=images, scrubbers=scrubbers, links=links,
                external=external, failed=failed, errors=[e["message"][:300] for e in console])


@pytest.fixture(scope="module")
def report(browser, server, book):
    base, _ = server
    return {page: inspect_page(browser, base + page) for page in pages(book)}


# -- the tests ------------------------------------------------------------------------------

def test_the_book_has_its_pages(book):
    got = pages(book)
    for page in ["index.html", "intro.html", "pages/bibliography.html"]:
        assert page in got
    chapters = [p for p in got if p.startswith("chapters/")]
    toc = (ROOT / "_toc.yml").read_text()
    listed = [p for p in sorted((ROOT / "chapters").glob("*.md")) if f"chapters/{p.stem}" in toc]
    assert chapters == [f"chapters/{p.stem}.html" for p in listed], chapters


def test_math_is_typeset_offline(report):
    bad = {}
    for page, r in report.items():
        m = r["math"]
        if r["math_state"] not in ("typeset", "no-math") or m["untypeset"] or m["errors"] or m["raw"]:
            bad[page] = {"state": r["math_state"], **{k: m[k][:3] for k in ("untypeset", "errors", "raw")}}
    assert not bad, f"math not typeset: {bad}"
    assert sum(r["math"]["n"] for r in report.values()) > 50, "the book has almost no math: wrong pages?"


def test_every_image_loads_has_alt_text_and_an_opaque_background(report):
    broken = {p: [i["src"] for i in r["images"] if not i["ok"]] for p, r in report.items()}
    no_alt = {p: [i["src"] or i["id"] for i in r["images"] if i["content"] and not (i["alt"] or "").strip()]
              for p, r in report.items()}
    clear = {p: [i["src"] or i["id"] for i in r["images"] if i["content"] and i["opaque"] is False]
             for p, r in report.items()}
    assert not {p: v for p, v in broken.items() if v}, f"images that did not load: {broken}"
    assert not {p: v for p, v in no_alt.items() if v}, f"images without alt text: {no_alt}"
    assert not {p: v for p, v in clear.items() if v}, f"figures with a transparent background (dark mode): {clear}"
    assert sum(len(r["images"]) for r in report.values()) >= 4


def test_every_scrubber_changes_frame_when_stepped(report):
    scrubbers = [(p, s) for p, r in report.items() for s in r["scrubbers"]]
    assert scrubbers, "no scrubber found in the book"
    bad = [(p, s) for p, s in scrubbers
           if not (s["hasNext"] and s["initial"] and s["frames"] >= 2 and s["stepped"] and s["slid"]) or s["err"]]
    assert not bad, f"scrubbers that do not step: {bad}"


def test_nothing_is_requested_from_the_network_and_every_resource_loads(report):
    external = {p: r["external"] for p, r in report.items() if r["external"]}
    failed = {p: r["failed"] for p, r in report.items() if r["failed"]}
    assert not external, f"pages request resources from outside the book: {external}"
    assert not failed, f"resources of the book that failed to load: {failed}"


def test_no_javascript_errors(report):
    errors = {p: r["errors"] for p, r in report.items() if r["errors"]}
    assert not errors, f"JavaScript errors: {errors}"


def test_every_internal_link_resolves(report, server, book):
    base, _ = server
    ids = {page: set(r["links"]["ids"]) for page, r in report.items()}
    bad = []
    for page, r in report.items():
        for href in r["links"]["links"]:
            if not href.startswith(base):
                continue  # external (GitHub, Binder, Colab) or javascript:/mailto:
            parts = urllib.parse.urlsplit(href)
            path = urllib.parse.unquote(parts.path[1:]) or "index.html"
            if path.endswith("/"):
                path += "index.html"
            target = book / path
            if not target.is_file():
                bad.append(f"{page}: {href} (no such file)")
            elif parts.fragment and path in ids and urllib.parse.unquote(parts.fragment) not in ids[path]:
                bad.append(f"{page}: {href} (no such anchor)")
    assert not bad, "broken internal links:\n" + "\n".join(bad[:30])
    assert sum(len(r["links"]["links"]) for r in report.values()) > 100


def test_the_math_check_fails_without_local_mathjax(browser, book, tmp_path):
    """Negative control: the same page with its MathJax removed is reported as untypeset."""
    chapter = next(p for p in pages(book) if p.startswith("chapters/"))
    copy = tmp_path / "html"
    shutil.copytree(book, copy, ignore=shutil.ignore_patterns("_images", "_sources", "jupyter_execute"))
    shutil.rmtree(copy / "_static" / "offline" / "mathjax")
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(copy)))
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        r = inspect_page(browser, f"http://127.0.0.1:{srv.server_address[1]}/{chapter}")
    finally:
        srv.shutdown()
        srv.server_close()
    assert r["math_state"] == "mathjax-not-loaded"
    assert r["math"]["untypeset"] and r["math"]["raw"], "raw TeX must be detected when MathJax is missing"
    assert r["failed"], "the missing MathJax file must be reported as a failed request"


def test_figures_use_no_rainbow_colour_maps():
    """Colour maps readable by colour-blind readers: no jet/rainbow/hsv in the book or in lrnn."""
    offenders = []
    for f in list((ROOT / "chapters").glob("*.md")) + list((ROOT / "lrnn").rglob("*.py")):
        for m in re.finditer(r"""cmap\s*=\s*["'](jet|rainbow|hsv|gist_rainbow|nipy_spectral|gist_ncar|spectral)""",
                             f.read_text()):
            offenders.append(f"{f.relative_to(ROOT)}: {m.group(0)}")
    assert not offenders, offenders


def test_every_chapter_launches_its_ipynb_in_binder_and_colab(report):
    """The rocket menu of each chapter opens the chapter's own .ipynb twin (JupyterLab on Binder, and Colab)."""
    import yaml

    repo = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"].removeprefix("https://github.com/")
    chapters = [p for p in report if p.startswith("chapters/")]
    assert chapters
    for page in chapters:
        stem = page.removesuffix(".html")
        assert (ROOT / f"{stem}.ipynb").exists(), f"{stem}.ipynb twin missing"
        links = report[page]["links"]["links"]
        binder = f"https://mybinder.org/v2/gh/{repo}/main?urlpath=lab/tree/{stem}.ipynb"
        colab = f"https://colab.research.google.com/github/{repo}/blob/main/{stem}.ipynb"
        assert binder in links, f"{page}: no Binder button opening {stem}.ipynb in JupyterLab"
        assert colab in links, f"{page}: no Colab button opening {stem}.ipynb"


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        m = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s;#]+)", line.strip())
        if m:
            pins[m.group(1).lower()] = m.group(2)
    return pins


def test_binder_installs_the_cpu_torch_and_the_pinned_stack():
    binder = ROOT / "binder"
    req = (binder / "requirements.txt").read_text()
    assert re.search(r"^--extra-index-url https://download\.pytorch\.org/whl/cpu\s*$", req, flags=re.M)
    assert re.search(r"^-r \.\./requirements\.txt\s*$", req, flags=re.M), "Binder must install the root pins (and -e .)"
    root_pins = _pins(ROOT / "requirements.txt")
    binder_torch = _pins(binder / "requirements.txt")["torch"]
    assert binder_torch == root_pins["torch"] + "+cpu", (binder_torch, root_pins["torch"])
    assert re.search(r"^-e \.\s*$", (ROOT / "requirements.txt").read_text(), flags=re.M), "lrnn must be installed"
    assert (binder / "runtime.txt").read_text().strip() == "python-3.11"
    assert re.search(r"image size.*\d", (binder / "README.md").read_text(), flags=re.I | re.S)
