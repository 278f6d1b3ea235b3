"""The built book read in headless Chromium with the network off, on a desktop and on a phone.

Every HTML page of ``_build/html`` is served from ``127.0.0.1`` and opened in Debian's
Chromium (``apt-get install chromium chromium-driver``, driven by selenium) whose host
resolver maps every other host to "not found", so that nothing can come from a CDN.
Each page is read twice: in a 1280 px desktop window and in a 390 px phone viewport
(device emulation: a headless window cannot be narrower than 500 px). Each page must

* typeset its math with MathJax 4 (every Sphinx math node holds a MathJax container, no
  ``merror``, no raw ``\\(``, ``\\[`` or ``$$`` left in the text outside code);
  on the phone, no formula is clipped: a display formula fits the column (MathJax breaks
  it) or scrolls inside it, with the scroll shadows of ``_static/book.css``;
* load every image (``naturalWidth > 0``); figures have an opaque background, so that
  they stay readable in the theme's dark mode;
* show every figure as a *figure*: inside a ``<figure>`` with a numbered caption
  ("Fig. 3.2") and alt text that describes it (not a file name), scrubbers included;
* show figures at their design size on the desktop: no image below 75 % of its width
  (an SVG's intrinsic width, or a PNG's declared width), every image vector (SVG) or
  hi-dpi (a PNG with at least 1.5 image pixels per CSS pixel), and every text of an SVG
  figure at least 9 CSS px high as shown;
* not overflow horizontally at either width (the page body is no wider than the
  window), and keep every scrubber's image and controls inside the text column;
* have scrubbers (matplotlib ``to_jshtml`` animations) that change frame when stepped
  with their "Next frame" button and their slider,
* request nothing from outside the book, and every request to the book succeeds,
* log no JavaScript error,

and every internal link (page and anchor) resolves. The search page typesets the math of
its result snippets; the bibliography shows no raw TeX and links the public code it cites.
A negative control runs the same math check on a copy of a chapter whose local MathJax is
removed: it must fail.

Some checks depend on the chapters' figures and captions; ``BOOK_HTML`` tests another
build folder (e.g. one made with ``--path-output``).

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

from tests._system import require  # noqa: E402

require("chromium", "chromedriver", packages="chromium chromium-driver")
CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")
webdriver = pytest.importorskip("selenium.webdriver", reason="pip install -r requirements.txt (selenium)")

#: The two readers: a desktop window and a phone (iPhone 12–15 width, 3x screen).
DESKTOP = {"width": 1280, "height": 1600}
PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 3, "mobile": True}
#: The smallest share of its design width a figure may be shown at on the desktop.
MIN_FIGURE_SCALE = 0.75
#: The smallest text, in CSS px, of an SVG figure as shown on the desktop.
MIN_TEXT_PX = 9.0


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


def _driver(tmp: Path, device: dict | None = None):
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
    if device is not None:  # a phone: viewport narrower than any window Chromium draws
        drv.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", device)
        drv.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": True})
    drv.set_page_load_timeout(120)
    drv.set_script_timeout(180)  # a loaded machine typesets a long chapter slowly
    return drv


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    drv = _driver(tmp_path_factory.mktemp("chromium-profile"))
    yield drv
    drv.quit()


@pytest.fixture(scope="module")
def phone(tmp_path_factory):
    drv = _driver(tmp_path_factory.mktemp("chromium-phone"), PHONE)
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
  } else if (Date.now() - t0 > 60000) { done('mathjax-not-loaded'); }
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


LAYOUT_REPORT = """
const art = document.querySelector('article.bd-article') || document.querySelector('article') || document.body;
const box = art.getBoundingClientRect(), cs = getComputedStyle(art);
const colLeft = box.left + parseFloat(cs.paddingLeft), colRight = box.right - parseFloat(cs.paddingRight);
const inSolution = e => !!e.closest('.solution, details:not([open])');
const out = {viewport: window.innerWidth, scrollWidth: document.documentElement.scrollWidth,
             mathjax: (window.MathJax && window.MathJax.version) || null, column: [colLeft, colRight],
             images: [], math: [], scrubbers: []};
for (const img of art.querySelectorAll('img')) {
  const r = img.getBoundingClientRect();
  const src = img.currentSrc || img.src || '';
  const fig = img.closest('figure');
  const cap = fig ? fig.querySelector('figcaption') : null;
  const num = cap ? cap.querySelector('.caption-number') : null;
  out.images.push({src: src, id: img.id, alt: img.getAttribute('alt') || '', shown: r.width,
    natural: img.naturalWidth, declared: parseFloat(img.getAttribute('width')) || null,
    svg: /[.]svg([?#]|$)/i.test(src) || src.startsWith('data:image/svg'),
    scrubber: img.id.startsWith('_anim_img'), solution: inSolution(img), figure: !!fig,
    number: num ? num.textContent.trim() : null,
    caption: cap ? cap.textContent.replace(num ? num.textContent : '', '').trim().length : 0,
    left: r.left, right: r.right, visible: r.width > 0 && r.height > 0});
}
for (const c of art.querySelectorAll('mjx-container')) {
  const r = c.getBoundingClientRect();
  if (!(r.width > 0) || inSolution(c)) continue;
  const st = getComputedStyle(c), display = c.getAttribute('display') === 'true';
  const overflowing = c.scrollWidth > c.clientWidth + 1;
  const scrolls = ['auto', 'scroll'].includes(st.overflowX) && overflowing;
  const shadowed = st.backgroundImage.includes('gradient');
  // the nearest ancestor below the article that hides what sticks out of it
  let clipped = false;
  for (let e = c.parentElement; e && e !== art; e = e.parentElement) {
    const es = getComputedStyle(e);
    if (es.overflowX !== 'visible') {
      const er = e.getBoundingClientRect();
      // a container that scrolls, with scroll shadows (a wide table), shows that there is more
      const visiblyScrolls = ['auto', 'scroll'].includes(es.overflowX) && es.backgroundImage.includes('gradient');
      if ((r.right > er.right + 1 || r.left < er.left - 1) && !visiblyScrolls) clipped = true;
      break;
    }
  }
  const inScroller = !!c.closest('.pst-scrollable-table-container');
  // API entries (pages/api.md, autodoc): their descriptions are nested three or four levels deep, and at phone
  // width MathJax 4 can set an inline formula that ends a line a few pixels past the narrow column it measured;
  // there a formula must stay on the screen (it may reach into the page's padding, not past the viewport)
  const inApi = !!c.closest('dl.py');
  const outside = !inScroller && (inApi ? (r.right > window.innerWidth || r.left < 0)
                                        : (r.right > colRight + 1 || r.left < colLeft - 1));
  const bad = outside || clipped || (overflowing && !(display && scrolls && shadowed));
  out.math.push({display: display, overflowing: overflowing, scrolls: scrolls, bad: bad,
                 // whole code points only: half a surrogate pair cannot be returned to Python
                 tex: Array.from(c.getAttribute('aria-label') || c.textContent || '').slice(0, 60).join('')});
}
for (const anim of art.querySelectorAll('.animation')) {
  const parts = [anim.querySelector('img'), ...anim.querySelectorAll('input, button')].filter(Boolean);
  const outside = parts.filter(e => {
    const r = e.getBoundingClientRect();
    return r.width > 0 && (r.right > colRight + 1 || r.left < colLeft - 1);
  }).map(e => e.tagName.toLowerCase() + (e.title ? ':' + e.title : '') + (e.className ? '.' + e.className : ''));
  out.scrubbers.push({id: (anim.querySelector('img') || {}).id || '', parts: parts.length, outside: outside});
}
return out;
"""


def svg_min_font_pt(svg_text: str) -> tuple[float, float] | None:
    """(smallest text size in points, figure width in points) of a matplotlib SVG, or None.

    matplotlib writes each text artist (``svg.fonttype: path``) as a comment with the text
    followed by a group ``transform="translate(x y) [rotate(a)] scale(s -s)"`` whose ``s`` is
    the font size in points over 100; the SVG's user unit is the point.
    """
    width = re.search(r'<svg[^>]*\swidth="([0-9.]+)pt"', svg_text)
    sizes = [100 * float(m.group(2)) for m in re.finditer(
        r'<!-- (.*?) -->\s*<g (?:[a-z-]+="[^"]*" )*?transform="[^"]*?scale\(([0-9.]+) -[0-9.]+\)"', svg_text)
        if m.group(1).strip()]
    if not width or not sizes:
        return None
    return min(sizes), float(width.group(1))


def svg_has_opaque_background(svg_text: str) -> bool:
    """The figure's background patch (matplotlib's first ``patch``) is filled with an opaque colour."""
    m = re.search(r'<g id="patch_1">\s*<path [^>]*style="([^"]*)"', svg_text)
    return bool(m) and "fill: #ffffff" in m.group(1) and "fill-opacity" not in m.group(1)


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
    """Load ``url`` and return everything the tests assert on (at the driver's window or device size)."""
    drv.get_log("browser"), drv.get_log("performance")  # drop the previous page's logs
    drv.get(url)
    math_state = drv.execute_async_script(WAIT_FOR_MATH)
    math = drv.execute_script(MATH_REPORT)
    drv.execute_async_script(WAIT_FOR_IMAGES)
    images = drv.execute_script(IMAGE_REPORT)
    layout = drv.execute_script(LAYOUT_REPORT)
    scrubbers = drv.execute_async_script(SCRUBBER_REPORT)
    links = drv.execute_script(PAGE_LINKS)
    external, failed = _network_log(drv)
    console = [e for e in drv.get_log("browser") if e["level"] == "SEVERE"
               and not e["message"].split(" ", 1)[0].endswith("/favicon.ico")  # the browser's own request
               # pydata-sphinx-theme's notice on a fresh profile (no stored colour mode), not an error
               and "Got invalid theme mode: . Resetting to auto." not in e["message"]]
    return dict(math_state=math_state, math=math, images=images, scrubbers=scrubbers, links=links, layout=layout,
                external=external, failed=failed, errors=[e["message"][:300] for e in console])


@pytest.fixture(scope="module")
def report(browser, server, book):
    base, _ = server
    return {page: inspect_page(browser, base + page) for page in pages(book)}


@pytest.fixture(scope="module")
def phone_report(phone, server, book):
    base, _ = server
    return {page: inspect_page(phone, base + page) for page in pages(book)}


def _book_file(book: Path, url: str) -> Path:
    return book / urllib.parse.unquote(urllib.parse.urlsplit(url).path.lstrip("/"))


def _svg_text(book: Path, src: str) -> str | None:
    """The SVG source of an image: a file of the book, or a ``data:`` URI (scrubber frames)."""
    import base64

    if src.startswith("data:image/svg+xml"):
        head, _, data = src.partition(",")
        return base64.b64decode(data).decode() if head.endswith(";base64") else urllib.parse.unquote(data)
    if src.startswith("http"):
        path = _book_file(book, src)
        return path.read_text() if path.is_file() else None
    return None


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
    versions = {page: r["layout"]["mathjax"] for page, r in report.items() if r["math"]["n"]}
    old = {page: v for page, v in versions.items() if not str(v).startswith("4.")}
    assert not old, f"pages not typeset by MathJax 4 (which breaks long formulas): {old}"


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_no_formula_is_clipped(device, report, phone_report):
    """Every formula fits the column, or (a display formula) scrolls inside it with visible shadows."""
    rep = report if device == "desktop" else phone_report
    bad = {page: [m["tex"] for m in r["layout"]["math"] if m["bad"]][:5] for page, r in rep.items()}
    bad = {p: v for p, v in bad.items() if v}
    assert not bad, f"formulas cut off at the {device} width: {bad}"
    assert sum(len(r["layout"]["math"]) for r in rep.values()) > 50


def test_every_image_loads_has_alt_text_and_an_opaque_background(report, book):
    broken = {p: [i["src"] for i in r["images"] if not i["ok"]] for p, r in report.items()}
    no_alt = {p: [i["src"] or i["id"] for i in r["images"] if i["content"] and not (i["alt"] or "").strip()]
              for p, r in report.items()}
    clear = {p: [i["src"] or i["id"] for i in r["images"] if i["content"] and i["opaque"] is False]
             for p, r in report.items()}
    for page, r in report.items():  # SVG figures: matplotlib's background patch is opaque white
        for img in r["layout"]["images"]:
            svg = _svg_text(book, img["src"]) if img["svg"] else None
            if svg is not None and not svg_has_opaque_background(svg):
                clear.setdefault(page, []).append(img["id"] or img["src"][:80])
    assert not {p: v for p, v in broken.items() if v}, f"images that did not load: {broken}"
    assert not {p: v for p, v in no_alt.items() if v}, f"images without alt text: {no_alt}"
    assert not {p: v for p, v in clear.items() if v}, f"figures with a transparent background (dark mode): {clear}"
    assert sum(len(r["images"]) for r in report.values()) >= 4


#: An alt text that is a file name or path, not a description.
FILE_ALT = re.compile(r"(^|/)[^/\s]+\.(png|jpe?g|svg|gif|pdf)$|^_images/|^[0-9a-f]{16,}", re.I)


def test_every_figure_is_numbered_with_a_caption_and_real_alt_text(report):
    """Figures and scrubbers sit in a numbered, captioned <figure>; alt text describes the picture.

    Images inside exercise solutions need alt text but no number (they are part of a solution).
    """
    no_figure, bad_alt = {}, {}
    for page, r in report.items():
        for img in r["layout"]["images"]:
            name = img["id"] or img["src"].rsplit("/", 1)[-1][:24]
            alt = img["alt"].strip()
            if not alt or FILE_ALT.search(alt) or alt == img["src"].rsplit("/", 1)[-1]:
                bad_alt.setdefault(page, []).append(f"{name}: {alt[:40]!r}")
            if not img["solution"] and not (img["figure"] and img["number"] and img["caption"] > 0):
                no_figure.setdefault(page, []).append(name)
    assert not bad_alt, f"images whose alt text is missing or a file name: {bad_alt}"
    assert not no_figure, f"images (figures, scrubbers) without a numbered caption: {no_figure}"


def test_figures_are_shown_at_their_design_size_and_sharp(report):
    """Desktop: no figure below 75 % of its design width; every figure vector or hi-dpi."""
    small, blurry = {}, {}
    for page, r in report.items():
        for img in r["layout"]["images"]:
            if not img["visible"] or not img["natural"]:
                continue
            name = img["id"] or img["src"].rsplit("/", 1)[-1][:24]
            design = img["declared"] or img["natural"]
            if img["shown"] < MIN_FIGURE_SCALE * design - 0.5:
                small.setdefault(page, []).append(f"{name}: {img['shown']:.0f} of {design:.0f} px")
            if not img["svg"] and img["natural"] < 1.5 * img["shown"]:
                blurry.setdefault(page, []).append(f"{name}: {img['natural']} px image shown {img['shown']:.0f} px wide")
    assert not small, f"figures shrunk below {MIN_FIGURE_SCALE:.0%} of their design width: {small}"
    assert not blurry, f"raster images that are not hi-dpi (less than 1.5 px per CSS px): {blurry}"


def test_text_in_svg_figures_reads_at_9px(report, book):
    """Desktop: the smallest text of each SVG figure, as shown, is at least 9 CSS px high."""
    tiny, measured = {}, 0
    for page, r in report.items():
        for img in r["layout"]["images"]:
            svg = _svg_text(book, img["src"]) if img["svg"] and img["visible"] else None
            found = svg_min_font_pt(svg) if svg else None
            if found is None:
                continue
            name = img["id"] or img["src"].rsplit("/", 1)[-1][:12]
            measured += 1
            size_pt, width_pt = found
            px = size_pt * img["shown"] / width_pt
            if px < MIN_TEXT_PX - 0.05:
                tiny.setdefault(page, []).append(f"{name}: {size_pt:.1f} pt shown at {px:.1f} px")
    assert measured, "no SVG figure found: are the figures still PNG (LRNN_FIGURE_FORMATS)?"
    assert not tiny, f"figure text smaller than {MIN_TEXT_PX} CSS px on the desktop: {tiny}"


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_pages_do_not_overflow_horizontally(device, report, phone_report):
    rep = report if device == "desktop" else phone_report
    wide = {p: f"{r['layout']['scrollWidth']} px body in a {r['layout']['viewport']} px window"
            for p, r in rep.items() if r["layout"]["scrollWidth"] > r["layout"]["viewport"] + 1}
    assert not wide, f"pages wider than the {device} screen: {wide}"


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_scrubbers_fit_the_column(device, report, phone_report):
    """Each scrubber's frame, slider and every button lie inside the text column."""
    rep = report if device == "desktop" else phone_report
    scrubbers = [(p, s) for p, r in rep.items() for s in r["layout"]["scrubbers"]]
    assert scrubbers, "no scrubber found"
    bad = {p: s["outside"] for p, s in scrubbers if s["outside"]}
    assert not bad, f"scrubber parts outside the {device} column: {bad}"


def test_no_javascript_errors_on_the_phone(phone_report):
    errors = {p: r["errors"] for p, r in phone_report.items() if r["errors"]}
    assert not errors, f"JavaScript errors at phone width: {errors}"


SEARCH_REPORT = r"""
const done = arguments[arguments.length - 1];
const t0 = Date.now();
(function poll() {
  const items = document.querySelectorAll('#search-results li p.context');
  const pending = Array.from(items).some(p => p.querySelector('span.math:not(:has(mjx-container))'));
  if ((items.length >= 3 && !pending) || Date.now() - t0 > 30000) {
    const texts = Array.from(items).map(p => {
      const c = p.cloneNode(true);
      c.querySelectorAll('mjx-container').forEach(e => e.remove());
      return c.textContent;
    });
    done({n: items.length, typeset: document.querySelectorAll('#search-results mjx-container').length,
          raw: texts.filter(t => /\\[()[\]]|\$/.test(t)).map(t => Array.from(t).slice(0, 120).join(''))});
  } else { setTimeout(poll, 200); }
})();
"""


def test_search_snippets_typeset_their_math(browser, server):
    """The search page shows formulas in result snippets typeset, never as raw TeX."""
    base, _ = server
    browser.get(base + "search.html?q=Hurwitz")  # a word whose snippets hold formulas
    got = browser.execute_async_script(SEARCH_REPORT)
    assert got["n"] >= 3, f"the search for 'Hurwitz' found {got['n']} results with snippets"
    assert got["typeset"] > 0, "no formula typeset in the search snippets"
    assert not got["raw"], f"raw TeX in search snippets: {got['raw'][:3]}"


def test_bibliography_typesets_titles_and_links_the_code_it_cites(report, book):
    html = (book / "pages" / "bibliography.html").read_text()
    citations = re.findall(r'<div class="citation".*?</div>', html, flags=re.S)
    assert len(citations) >= 10
    raw = [c for c in citations if "$" in re.sub(r'<span class="math[^"]*">.*?</span>', "", c, flags=re.S)]
    assert not raw, f"raw TeX in bibliography entries: {[re.sub('<[^>]+>', '', c)[:100] for c in raw]}"
    bib = (ROOT / "references.bib").read_text()
    for url in re.findall(r"url\s*=\s*\{(https://github\.com/[^}]+)\}", bib):
        assert f'href="{url}"' in html, f"the bibliography does not link {url}"
    assert report["pages/bibliography.html"]["layout"]["mathjax"], "no MathJax on the bibliography page"


def test_the_instructors_guide_is_out_of_the_students_reading_path(book):
    """The guide is its own part after the appendix: no chapter links to it as "previous" or "next"."""
    import yaml

    parts = yaml.safe_load((ROOT / "_toc.yml").read_text())["parts"]
    where = [i for i, p in enumerate(parts) for ch in p["chapters"] if ch["file"] == "pages/instructors_guide"]
    assert where == [len(parts) - 1], "the instructor's guide must be the last part of the table of contents"
    for page in sorted((book / "chapters").glob("*.html")):
        nav = re.findall(r'class="(?:left-prev|right-next)"[^>]*href="([^"]+)"|href="([^"]+)"[^>]*class="(?:left-prev|right-next)"',
                         page.read_text())
        targets = [a or b for a, b in nav]
        assert not any("instructors_guide" in t for t in targets), f"{page.name} links to the guide: {targets}"


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
