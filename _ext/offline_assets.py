"""Serve the book's JavaScript from its own ``_static`` folder, so that pages render offline.

Sphinx loads MathJax from a CDN, myst-nb loads require.js and the ipywidgets HTML
manager from CDNs, and matplotlib's ``to_jshtml`` scrubbers link Font Awesome from a
CDN. A reader with no network (a classroom with poor internet, a downloaded copy of
``_build/html``) then sees raw TeX and blank scrubber buttons. This Sphinx extension

1. fetches pinned packages (MathJax 4 and its font, require.js, the widget manager, Font Awesome) from the npm registry **at build time** with ``npm pack``
   (checking each tarball against the registry's sha512 integrity), caches them in
   ``$XDG_CACHE_HOME/curse-of-memory/offline-assets`` (``~/.cache/...`` by default),
2. unpacks the files the pages need into a folder added to ``html_static_path``
   (served as ``_static/offline/...``),
3. points ``mathjax_path`` and myst-nb's ``nb_ipywidgets_js`` at those copies, and
4. rewrites the Font Awesome ``<link>`` of the scrubbers to the local copy.

MathJax is loaded on every page (also those without math of their own: the search page
typesets the math in its result snippets, see ``_static/search-math.js``). It is registered
through ``sphinx.local_extensions`` in ``_config.yml``; the browser test
(``tests/test_browser.py``) checks the result with the network off.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
import urllib.request
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging

logger = logging.getLogger(__name__)

#: Where the unpacked files are served from, relative to ``_static``.
PREFIX = "offline"

#: name, version, sha512 integrity (from the registry), files to keep:
#: {path inside the package: destination below ``_static/offline``}.
PACKAGES = [
    {
        "name": "mathjax",
        "version": "4.1.3",
        "integrity": "sha512-BN/8Pkgn7G1pIDYJqd9md+JHsE/jydSYbyOZnSdSA0WziuVO8mRxdYiWFumkVVly/8U+hm9DpIIoWuvySverzw==",
        # the combined component and what it loads relative to itself: TeX extensions,
        # the accessibility explorer and its speech worker with the speech rule maps
        "files": {"tex-mml-chtml.js": "mathjax/tex-mml-chtml.js", "LICENSE": "mathjax/LICENSE",
                  "input/": "mathjax/input/", "output/": "mathjax/output/", "a11y/": "mathjax/a11y/",
                  "ui/": "mathjax/ui/", "sre/": "mathjax/sre/", "adaptors/": "mathjax/adaptors/"},
    },
    {
        "name": "@mathjax/mathjax-newcm-font",
        "version": "4.1.3",
        # MathJax 4's default font: its CHTML woff2 files and dynamically loaded ranges
        "integrity": "sha512-gzAB3dFHilHX1l5x2xUqRL+1jDQt3Fyza1DkEMVXWC4E8SvsGdlgEza47HYi2WhVcgfkvf4zgUGzuhbq3Pjlew==",
        "files": {"chtml/": "mathjax-newcm-font/chtml/", "chtml.js": "mathjax-newcm-font/chtml.js",
                  "package.json": "mathjax-newcm-font/package.json"},
    },
    {
        "name": "requirejs",
        "version": "2.3.7",
        "integrity": "sha512-DouTG8T1WanGok6Qjg2SXuCMzszOo0eHeH9hDZ5Y4x8Je+9JB38HdTLT4/VA8OaUhBa0JPVHJ0pyBkM1z+pDsw==",
        "files": {"require.js": "requirejs/require.js"},
    },
    {
        "name": "@jupyter-widgets/html-manager",
        "version": "1.0.6",
        # the version myst-nb 1.x links from its CDN; embed-amd.js bundles base and controls
        "integrity": "sha512-+Mn+Ra8wyIHrYaUpfmf9A3dsLkt/NuwzPQN8sthdxBD35VV5cOJbpmgMhNR27n/rmP3mKyEe0PWCJrtZrXTXDQ==",
        "files": {"dist/": "html-manager/"},
        "exclude_suffixes": (".map", "embed.js", "libembed-amd.js"),
    },
    {
        "name": "font-awesome",
        "version": "4.7.0",
        # matplotlib's jshtml scrubbers use Font Awesome 4 icon classes for their buttons
        "integrity": "sha512-U6kGnykA/6bFmg1M/oT9EkFeIYv7JlX3bozwQJWiiLz6L0w3F5vBVPxHlwyX/vtNq1ckcpRKOB9f2Qal/VtFpg==",
        "files": {"css/font-awesome.min.css": "font-awesome/css/font-awesome.min.css",
                  "fonts/": "font-awesome/fonts/"},
    },
]

#: Loaded between require.js and embed-amd.js: webpack inside embed-amd.js finds its fonts
#: next to the AMD module "@jupyter-widgets/html-manager/dist/...", which require.js would
#: otherwise resolve against the page's folder.
WIDGETS_CONFIG_JS = """\
// Written by _ext/offline_assets.py: resolve the ipywidgets HTML manager to this folder.
(function () {
  var here = document.currentScript.src.replace(/[^/]*$/, "");
  window.require.config({paths: {"@jupyter-widgets/html-manager/dist": here + "html-manager"}});
})();
"""
WIDGETS_CONFIG = f"{PREFIX}/widgets-config.js"
MATHJAX = f"{PREFIX}/mathjax/tex-mml-chtml.js"
#: MathJax 4 loads its fonts from ``[fonts]/mathjax-newcm-font/...`` (a CDN by default): the folder
#: beside ``mathjax/``, resolved against the URL of ``tex-mml-chtml.js`` (``[mathjax]``).
MATHJAX_LOADER = {"paths": {"fonts": "[mathjax]/.."}}
REQUIREJS = f"{PREFIX}/requirejs/require.js"
HTML_MANAGER = f"{PREFIX}/html-manager/embed-amd.js"
FONT_AWESOME = f"_static/{PREFIX}/font-awesome/css/font-awesome.min.css"
#: CDN stylesheet that matplotlib's ``Animation.to_jshtml`` links (any 4.x version).
FONT_AWESOME_CDN = "https://maxcdn.bootstrapcdn.com/font-awesome/"


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "curse-of-memory" / "offline-assets"


def _tarball_name(name: str, version: str) -> str:
    # npm pack's naming: "@scope/pkg" -> "scope-pkg-1.0.0.tgz"
    return f"{name.lstrip('@').replace('/', '-')}-{version}.tgz"


def _check_integrity(path: Path, integrity: str) -> bool:
    algo, _, expected = integrity.partition("-")
    digest = hashlib.new(algo, path.read_bytes()).digest()
    return base64.b64encode(digest).decode() == expected


def fetch(pkg: dict, dest: Path) -> Path:
    """The package's tarball in ``dest``, fetched from the npm registry if not cached.

    ``npm pack name@version`` is used when npm is installed; otherwise the tarball is
    downloaded from the registry's own tarball address. Either way its sha512 must
    match ``pkg["integrity"]``.
    """
    dest.mkdir(parents=True, exist_ok=True)
    tgz = dest / _tarball_name(pkg["name"], pkg["version"])
    if tgz.exists() and _check_integrity(tgz, pkg["integrity"]):
        return tgz
    spec = f"{pkg['name']}@{pkg['version']}"
    npm = shutil.which("npm")
    with tempfile.TemporaryDirectory(dir=dest) as tmp:
        if npm:
            proc = subprocess.run([npm, "pack", "--silent", spec, "--pack-destination", tmp],
                                  capture_output=True, text=True, timeout=600)
            if proc.returncode != 0:
                raise ExtensionError(f"offline_assets: `npm pack {spec}` failed:\n{proc.stderr[-2000:]}")
            got = Path(tmp) / _tarball_name(pkg["name"], pkg["version"])
        else:
            bare = pkg["name"].split("/")[-1]
            url = f"https://registry.npmjs.org/{pkg['name']}/-/{bare}-{pkg['version']}.tgz"
            got = Path(tmp) / "pkg.tgz"
            try:
                with urllib.request.urlopen(url, timeout=300) as r, open(got, "wb") as f:
                    shutil.copyfileobj(r, f)
            except OSError as exc:
                raise ExtensionError(f"offline_assets: cannot fetch {spec} from the npm registry: {exc}") from exc
        if not got.exists() or not _check_integrity(got, pkg["integrity"]):
            raise ExtensionError(f"offline_assets: {spec} does not match its registry integrity {pkg['integrity']}")
        os.replace(got, tgz)
    return tgz


def unpack(pkg: dict, tgz: Path, static: Path) -> None:
    """Copy the kept files of ``tgz`` (paths below ``package/``) into ``static``."""
    exclude = tuple(pkg.get("exclude_suffixes", ()))
    with tarfile.open(tgz, "r:gz") as tar:
        for member in tar.getmembers():
            if not member.isfile():
                continue
            rel = member.name.split("/", 1)[1]  # strip the "package/" root
            if exclude and rel.endswith(exclude):
                continue
            for src, dst in pkg["files"].items():
                if (src.endswith("/") and rel.startswith(src)) or rel == src:
                    target = static / (dst + rel[len(src):] if src.endswith("/") else dst)
                    if ".." in Path(target).relative_to(static).parts:
                        raise ExtensionError(f"offline_assets: unsafe path {member.name} in {tgz.name}")
                    target.parent.mkdir(parents=True, exist_ok=True)
                    with tar.extractfile(member) as fsrc, open(target, "wb") as fdst:
                        shutil.copyfileobj(fsrc, fdst)
                    break


def prepare() -> Path:
    """Fetch and unpack every package; return the folder to add to ``html_static_path``."""
    root = cache_dir()
    stamp_text = "\n".join(f"{p['name']}@{p['version']} {p['integrity']}" for p in PACKAGES) + WIDGETS_CONFIG_JS
    static_root = root / "static"
    stamp = static_root / ".stamp"
    if stamp.exists() and stamp.read_text() == stamp_text:
        return static_root
    tarballs = [(pkg, fetch(pkg, root / "tarballs")) for pkg in PACKAGES]
    # unpack beside, then swap in: a build running at the same time never sees half a folder
    fresh = Path(tempfile.mkdtemp(prefix="static-", dir=root))
    for pkg, tgz in tarballs:
        unpack(pkg, tgz, fresh / PREFIX)
    (fresh / WIDGETS_CONFIG).write_text(WIDGETS_CONFIG_JS)
    (fresh / ".stamp").write_text(stamp_text)
    fresh.chmod(0o755)
    old = root / f"static-old-{os.getpid()}"
    if static_root.exists():
        os.replace(static_root, old)
    os.replace(fresh, static_root)
    shutil.rmtree(old, ignore_errors=True)
    return static_root


def on_config_inited(app: Sphinx, config) -> None:
    static_root = prepare()
    config.html_static_path = list(config.html_static_path) + [str(static_root)]
    config.mathjax_path = MATHJAX
    mj = dict(config.mathjax3_config or {})
    mj["loader"] = {**MATHJAX_LOADER, **(mj.get("loader") or {}),
                    "paths": {**MATHJAX_LOADER["paths"], **((mj.get("loader") or {}).get("paths") or {})}}
    config.mathjax3_config = mj
    # myst-nb adds these (paths relative to _static) to pages that carry widget state.
    config.nb_ipywidgets_js = {REQUIREJS: {}, WIDGETS_CONFIG: {}, HTML_MANAGER: {}}


#: matplotlib's jshtml frame ``<img>`` carries no alt text.
SCRUBBER_IMG = re.compile(r'<img id="(_anim_img[0-9a-f]+)">')
SCRUBBER_ALT = ("Frame of a scrubber: a pre-computed figure for one value of the experiment's parameter; "
                "the slider and the buttons below step through the values")


def on_html_page_context(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """Point the scrubbers' Font Awesome at the local copy and give their frames alt text.

    Also drops repeated inline scripts: jupyter-book 1.x registers sphinx-thebe's and
    sphinx-togglebutton's set-up twice, and the second ``const THEBE_JS_URL`` raises a
    SyntaxError in every page.
    """
    scripts = context.get("script_files")
    if scripts:
        seen, unique = set(), []
        for js in scripts:
            # the same script is registered once with filename None and once with ""
            key = (str(getattr(js, "filename", js) or ""), getattr(js, "priority", None),
                   tuple(sorted((k, str(v)) for k, v in (getattr(js, "attributes", None) or {}).items())))
            if key in seen:
                continue
            seen.add(key)
            unique.append(js)
        scripts[:] = unique  # in place: it is the builder's own list
    body = context.get("body")
    if not body:
        return
    if FONT_AWESOME_CDN in body:
        local = context["pathto"](FONT_AWESOME, 1)
        body = re.sub(r"https://maxcdn\.bootstrapcdn\.com/font-awesome/[0-9.]+/css/font-awesome(\.min)?\.css",
                      local, body)
    body = SCRUBBER_IMG.sub(lambda m: f'<img id="{m.group(1)}" alt="{SCRUBBER_ALT}">', body)
    context["body"] = body


def setup(app: Sphinx) -> dict:
    app.set_html_assets_policy("always")  # MathJax on every page (search snippets, bibliography)
    # after myst-nb has registered nb_ipywidgets_js, before sphinx.ext.mathjax reads mathjax_path
    app.connect("config-inited", on_config_inited, priority=900)
    app.connect("html-page-context", on_html_page_context, priority=900)  # after myst-nb's per-page scripts
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
