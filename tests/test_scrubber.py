"""Kernel-free scrubbers (``lrnn.plots.scrubber``): painted without a script, fixed axes, hi-dpi, fit the column.

The player's HTML is parsed here (first frame embedded in the ``<img>``, frames decoded and measured); the axes'
limits are read from the axes the frames were drawn on and compared with matplotlib's own autoscaling of each
frame drawn separately; in headless Chromium (when installed) the player is shown with JavaScript disabled
(the first frame must still be painted) and at a 390 px wide phone column (nothing may overflow).
"""

from __future__ import annotations

import base64
import re
import shutil
import struct

import matplotlib.pyplot as plt
import numpy as np
import pytest

from lrnn.plots import _scrubber, scrubber

T = np.linspace(0.0, 5.0, 200)


def _frames(html: str) -> list[tuple[str, bytes]]:
    out = []
    for m in re.finditer(r'frames\[(\d+)\] = "data:image/([\w.+-]+);base64,((?:[A-Za-z0-9+/=]|\\\n)*)"', html):
        out.append((m.group(2), base64.b64decode(m.group(3).replace("\\\n", ""))))
    return out


def _img(html: str) -> str:
    return re.search(r'<img id="_anim_img[0-9a-f]+"[^>]*>', html).group(0)


def _draw_growing(recorded):
    def draw(ax, k):
        recorded.append(ax)
        ax.plot(T, k * np.exp(-T / k))
    return draw


def test_first_frame_is_embedded_and_every_frame_is_in_the_player():
    html = scrubber(lambda ax, k: ax.plot(T, np.sin(k * T)), [1, 2, 3], alt='A "sine" wave, faster each frame.').data
    img = _img(html)
    frames = _frames(html)
    assert len(frames) == 3 and all(fmt == "svg+xml" for fmt, _ in frames)
    src = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', img).group(1)
    assert base64.b64decode(src) == frames[0][1], "the <img> must show the first frame before any script runs"
    assert len({data for _, data in frames}) == 3, "frames must differ"
    assert 'alt="A &quot;sine&quot; wave, faster each frame."' in img
    # the player's controls are matplotlib's: the browser test and readers step with them
    uid = re.search(r'id="_anim_img([0-9a-f]+)"', img).group(1)
    for needle in (f'id="_anim_slider{uid}"', f'onclick="anim{uid}.next_frame()"', f'onclick="anim{uid}.faster()"'):
        assert needle in html


def test_axes_are_fixed_to_the_union_of_the_frames():
    recorded = []
    values = [1.0, 2.0, 4.0]
    scrubber(_draw_growing(recorded), values)
    assert len(recorded) == 3
    limits = {(ax.get_xlim(), ax.get_ylim()) for ax in recorded}
    assert len(limits) == 1, "every frame must have the same axes"
    # independent reference: matplotlib's autoscaling of each frame alone, then the union
    lows, highs = [], []
    for k in values:
        fig, ax = plt.subplots()
        ax.plot(T, k * np.exp(-T / k))
        lo, hi = ax.get_ylim()
        lows.append(lo)
        highs.append(hi)
        plt.close(fig)
    (_, ylim), = limits
    assert ylim == pytest.approx((min(lows), max(highs)))
    assert ylim[1] >= 4.0 and ylim[0] <= np.exp(-5.0)          # contains every frame's data


def test_explicit_limits_and_inverted_or_log_axes():
    recorded = []
    scrubber(_draw_growing(recorded), [1.0, 3.0], xlim=(0, 10), ylim=[(-1, 5)])
    assert {ax.get_xlim() for ax in recorded} == {(0.0, 10.0)}
    assert {ax.get_ylim() for ax in recorded} == {(-1.0, 5.0)}

    seen = []

    def log_inverted(axes, k):
        seen.append(axes)
        left, right = axes
        left.semilogy(T, np.exp(-k * T))
        right.plot(T, k * T)
        right.invert_yaxis()

    scrubber(log_inverted, [1.0, 2.0], ncols=2, width=3.0)
    lefts = {a[0].get_ylim() for a in seen}
    rights = {a[1].get_ylim() for a in seen}
    assert len(lefts) == 1 and len(rights) == 1
    (lo, hi), = lefts
    assert 0 < lo < np.exp(-10.0) and hi >= 1.0                # log axis: positive union
    (top, bottom), = rights
    assert top > bottom and top >= 10.0                         # inverted axis stays inverted


@pytest.mark.parametrize("kwargs, message", [
    ({"values": []}, "at least one"),
    ({"frame_format": "gif"}, "frame_format"),
    ({"interval": 0}, "interval"),
    ({"ylim": (1, 1)}, "ylim"),
    ({"xlim": [(0, 1), (0, 2)]}, "xlim"),
    ({"ylim": (0, np.inf)}, "ylim"),
])
def test_bad_input_is_rejected(kwargs, message):
    args = {"values": [1, 2]}
    args.update(kwargs)
    values = args.pop("values")
    with pytest.raises(ValueError, match=message):
        scrubber(lambda ax, k: ax.plot(T, k * T), values, **args)


def test_frames_are_hidpi_and_sized_to_the_design_width():
    width, ncols = 3.0, 2
    design = round(width * ncols * _scrubber.CSS_PX_PER_INCH)
    html = scrubber(lambda axes, k: [a.plot(T, k * T) for a in axes], [1, 2], ncols=ncols, width=width,
                    frame_format="png").data
    img = _img(html)
    assert f'width="{design}"' in img and "max-width:100%" in img and "height:auto" in img
    for fmt, data in _frames(html):
        assert fmt == "png" and data[:8] == b"\x89PNG\r\n\x1a\n"
        px_width = struct.unpack(">I", data[16:20])[0]
        assert px_width == pytest.approx(2 * design, abs=2), "PNG frames carry twice the displayed pixels"
    svg = scrubber(lambda axes, k: [a.plot(T, k * T) for a in axes], [1], ncols=ncols, width=width).data
    (fmt, data), = _frames(svg)
    pt = float(re.search(rb'<svg[^>]*\swidth="([0-9.]+)pt"', data).group(1))
    assert fmt == "svg+xml" and pt == pytest.approx(width * ncols * 72)     # vector, at the design size


def test_no_figure_left_open_and_interactive_mode_kept():
    before = plt.get_fignums()
    was = plt.isinteractive()
    try:
        plt.ion()
        scrubber(lambda ax, k: ax.plot(T, k * T), [1, 2])
        assert plt.isinteractive(), "rendering must not switch pyplot's interactive mode off"
        plt.ioff()
        scrubber(lambda ax, k: ax.plot(T, k * T), [1, 2])
        assert not plt.isinteractive()
    finally:
        plt.interactive(was)
    assert plt.get_fignums() == before


def test_controls_wrap_inside_the_column():
    html = scrubber(lambda ax, k: ax.plot(T, k * T), [1, 2]).data
    uid = re.search(r'id="_anim_img([0-9a-f]+)"', html).group(1)
    box = f"#_anim_box{uid}"
    assert f'<div class="animation" id="_anim_box{uid}">' in html
    assert f"{box} input[type=range].anim-slider{{width:100%;max-width:374px" in html
    assert f"{box} .anim-buttons{{display:flex;flex-wrap:wrap" in html


# ----------------------------------------------------------------------------------------- in a real browser
PAGE = """<!doctype html><html><head><meta name="viewport" content="width=device-width, initial-scale=1">
<style>body {{ margin: 0; }} main {{ width: {column}px; margin: 0 24px; overflow: visible; }}</style></head>
<body><main>{body}</main></body></html>"""


def _chromium(tmp_path, width: int, scripts: bool):
    from tests._system import require

    require("chromium", "chromedriver", packages="chromium chromium-driver")
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    opts = Options()
    opts.binary_location = shutil.which("chromium")
    for arg in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                f"--window-size={width},900", f"--user-data-dir={tmp_path / 'profile'}",
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]:
        opts.add_argument(arg)
    if not scripts:
        opts.add_argument("--blink-settings=scriptEnabled=false")
    return webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=opts)


def test_painted_without_javascript_and_fits_a_phone_column(tmp_path):
    html = scrubber(lambda axes, k: [a.plot(T, k * T) for a in axes], [1, 2, 3], ncols=2, width=3.4,
                    alt="Two lines, steeper each frame.").data
    page = tmp_path / "scrubber.html"
    column = 342                                    # the book's column on a 390 px wide phone
    page.write_text(PAGE.format(column=column, body=html))
    drv = _chromium(tmp_path, 390, scripts=False)
    try:
        drv.get(page.as_uri())
        img = drv.find_element("css selector", 'img[id^="_anim_img"]')
        natural = img.get_property("naturalWidth")
        rect = img.rect
        assert natural > 0, "the first frame must be painted without any script"
        assert 0 < rect["width"] <= column + 0.5, f"image {rect['width']} px wide in a {column} px column"
        for el in drv.find_elements("css selector", ".anim-controls button, .anim-controls input, .anim-state label"):
            r = el.rect
            assert r["x"] >= 0 and r["x"] + r["width"] <= 24 + column + 1, \
                f"control {el.get_attribute('title') or el.tag_name} overflows the column: {r}"
    finally:
        drv.quit()


def test_steps_in_a_browser(tmp_path):
    html = scrubber(lambda ax, k: ax.plot(T, k * T), [1, 2, 3]).data
    page = tmp_path / "scrubber.html"
    page.write_text(PAGE.format(column=690, body=html))
    drv = _chromium(tmp_path, 1280, scripts=True)
    try:
        drv.get(page.as_uri())
        first = drv.execute_script("return document.querySelector('img[id^=_anim_img]').src")
        drv.execute_script("document.querySelector('button[title=\"Next frame\"]').click()")
        second = drv.execute_script("return document.querySelector('img[id^=_anim_img]').src")
        assert first and second and first != second
    finally:
        drv.quit()


def test_png_frames_match_savefig_pixel_for_pixel():
    """Frames are drawn in one pass on an Agg canvas; the picture must be what ``savefig`` would write."""
    import io

    from PIL import Image

    from lrnn.plots import new_figure

    def draw(fig_axes):
        fig, ax = fig_axes
        ax.plot(T, np.exp(-T), label=r"$e^{-t}$")
        ax.set_yscale("log")
        ax.set_title(r"$\rho(t)=(t-1)_+^{1.5}e^{-t}$")
        ax.legend()
        return fig

    ours = Image.open(io.BytesIO(_scrubber._png(draw(new_figure()), 2 * _scrubber.CSS_PX_PER_INCH)))
    buf = io.BytesIO()
    fig = draw(new_figure())
    fig.savefig(buf, format="png", dpi=2 * _scrubber.CSS_PX_PER_INCH)
    plt.close("all")
    theirs = Image.open(io.BytesIO(buf.getvalue()))
    assert ours.mode == "RGB", "an opaque frame is written without an alpha channel"
    assert ours.size == theirs.size
    assert np.array_equal(np.asarray(ours), np.asarray(theirs.convert("RGB")))


def test_png_frames_keep_transparency():
    from lrnn.plots import new_figure

    fig, ax = new_figure()
    fig.patch.set_alpha(0.0)
    ax.plot(T, T)
    data = _scrubber._png(fig, 96)
    plt.close(fig)
    assert data[25] == 6, "a figure with transparent pixels is written as RGBA (PNG colour type 6)"
