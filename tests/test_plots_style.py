"""The book's figure style (lrnn.plots._style) and the landing page's figure (lrnn.plots.overview).

The sizes are checked against the page they are designed for: a figure is never wider than
the text column (PAGE_WIDTH inches = ~650 CSS px), so that it is shown at its design size and
its smallest font (in points) reads at 4/3 of that in CSS px. The overview's numbers are
checked against independent closed forms.
"""

from __future__ import annotations

import math
import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from lrnn import plots  # noqa: E402
from lrnn.plots import _style, overview  # noqa: E402


@pytest.fixture(autouse=True)
def _book_style():
    with matplotlib.rc_context(_style.STYLE):
        yield
    plt.close("all")


@pytest.mark.parametrize("ncols, width", [(1, 4.2), (2, 4.4), (3, 3.3), (4, 3.0), (1, 9.0)])
def test_figures_fit_the_page(ncols, width):
    fig, _ = plots.new_figure(ncols, 1, width, 3.0)
    w, h = fig.get_size_inches()
    assert w <= _style.PAGE_WIDTH + 1e-9
    scale = min(1.0, _style.PAGE_WIDTH / (ncols * width))
    assert math.isclose(w, scale * ncols * width)
    assert math.isclose(h, max(scale, _style.MIN_HEIGHT_SCALE) * 3.0)


def test_a_narrow_figure_keeps_its_design_size():
    fig, ax = plots.new_figure(width=4.2, height=3.2)
    assert tuple(fig.get_size_inches()) == pytest.approx((4.2, 3.2))
    assert ax.get_facecolor()[:3] == (1.0, 1.0, 1.0)


@pytest.mark.parametrize("bad, exc", [(dict(ncols=0), ValueError), (dict(ncols=1.5), TypeError),
                                      (dict(nrows=True), TypeError), (dict(width=-1.0), ValueError),
                                      (dict(height="3"), TypeError), (dict(width=float("inf")), ValueError)])
def test_bad_sizes_are_rejected_with_the_argument_named(bad, exc):
    name = next(iter(bad))
    with pytest.raises(exc, match=name):
        plots.new_figure(**bad)


def test_style_fonts_read_at_9px_at_the_design_size():
    """Every font size of the style sheet is at least 7 pt = 9.33 CSS px at 96 px per inch."""
    sizes = [v for k, v in _style.STYLE.items()
             if k.endswith(("font.size", "labelsize", "titlesize", "fontsize")) and isinstance(v, (int, float))]
    assert len(sizes) == 8
    assert sizes and min(sizes) * 4 / 3 >= 9
    assert _style.STYLE["figure.facecolor"] == "white" and _style.STYLE["svg.fonttype"] == "path"


def test_svg_text_is_measurable_and_large_enough():
    """The SVG a figure turns into carries its font sizes as text-group scales (what the browser test reads)."""
    import io

    fig, axes = plots.new_figure(3, 1, 3.3, 3.0)
    for ax in axes:
        ax.plot([1, 2, 3], [1, 4, 9], label=r"$e^{-t}$")
        ax.set_xlabel("lag $t$")
        ax.legend()
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    svg = buf.getvalue()
    width_pt = float(re.search(r'<svg[^>]*\swidth="([0-9.]+)pt"', svg).group(1))
    sizes = [100 * float(s) for s in re.findall(r'<!-- .+? -->\s*<g (?:[a-z-]+="[^"]*" )*?transform="[^"]*?'
                                                r'scale\(([0-9.]+) -[0-9.]+\)"', svg)]
    assert min(sizes) == pytest.approx(_style.STYLE["xtick.labelsize"])
    shown = min(660.0, width_pt * 4 / 3)  # the desktop column is ~660 CSS px
    assert min(sizes) * shown / width_pt >= 9


def test_figure_formats_come_from_the_environment(monkeypatch):
    monkeypatch.delenv(_style.FORMATS_ENV, raising=False)
    assert _style.figure_formats() == ("png",)
    monkeypatch.setenv(_style.FORMATS_ENV, "svg, PDF")
    assert _style.figure_formats() == ("svg", "pdf")
    monkeypatch.setenv(_style.FORMATS_ENV, "svg,tiff")
    with pytest.raises(ValueError, match=_style.FORMATS_ENV):
        _style.figure_formats()


def test_setup_notebook_applies_the_style_outside_ipython():
    matplotlib.rcParams["font.size"] = 13
    plots.setup_notebook()
    assert matplotlib.rcParams["font.size"] == _style.STYLE["font.size"]
    assert np.get_printoptions()["legacy"] == "1.25"


# -- the landing page's figure -------------------------------------------------------------

def test_overview_numbers_match_closed_forms():
    d = overview.story_data()
    # exponential e^{-κt} on λ_k = k: the best relative L² error is the Blaschke product ∏ |k-κ|/(k+κ)
    kappa = overview.SHORT_RATE
    for m, err in zip(d["widths"][:6], d["err_short"][:6]):
        k = np.arange(1.0, m + 1)
        assert err == pytest.approx(np.prod(np.abs(k - kappa) / (k + kappa)), rel=1e-9)
    blaschke = [np.prod(np.abs(np.arange(1.0, m + 1) - kappa) / (np.arange(1.0, m + 1) + kappa)) for m in (2, 3)]
    assert blaschke[1] <= overview.EPSILON < blaschke[0]
    assert d["need_short"] == 3
    # the power law barely moves: still above ε at 10^8 units; the width it needs, as the figure prints it
    assert d["err_long"][-1] > overview.EPSILON
    assert f"{float(d['need_long']):.1e}" == "1.8e+21"
    # kernels at t = 0 and the power law's tail
    assert d["short"][0] == pytest.approx(math.exp(-kappa * d["t"][0]))
    assert d["long"][-1] == pytest.approx((1 + d["t"][-1]) ** -(1 + overview.LONG_OMEGA))


def test_overview_plateaus_grow_exponentially():
    d = overview.story_data()
    assert np.all(d["tau_lower"] <= d["tau"]) and np.all(np.diff(np.log(d["tau"])) > 0)
    slopes = np.diff(np.log(d["tau"])) / np.diff(d["lags"])
    assert 1.3 < d["growth"] < 2.0 and np.all(slopes < 2.0)  # below the limit 2 w0 = 2 of Chapter 4
    assert f"{d['growth']:.1f}" == "1.6"  # printed in the figure as τ ≈ e^{1.6 ℓ}


def test_overview_figure_fits_the_page():
    fig = overview.story()
    assert len(fig.axes) == 3
    assert fig.get_size_inches()[0] == pytest.approx(_style.PAGE_WIDTH)
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert "3 units" in " ".join(texts) and r"1.8\times10^{21}" in " ".join(texts)


def test_mathtext_layouts_are_shared_without_changing_a_pixel():
    """Agg renderers share one mathtext parser (a formula is laid out once per session); pictures are unchanged."""
    import subprocess
    import sys

    code = r"""
import io, matplotlib
matplotlib.use("Agg")
import numpy as np
from matplotlib.backends import backend_agg
from matplotlib.figure import Figure
from PIL import Image

def png():
    fig = Figure(figsize=(3, 2), layout="constrained")
    ax = fig.subplots()
    ax.plot([1, 10, 100], [1e-3, 1e-1, 1.0], label=r"$\rho(t)=(t-1)_+^{1.5}e^{-\kappa t}$")
    ax.set_xscale("log"); ax.set_yscale("log"); ax.set_title(r"$\|\rho-\hat\rho\|_{L^1}$"); ax.legend()
    buf = io.BytesIO(); fig.savefig(buf, format="png", dpi=150)
    return np.asarray(Image.open(buf))

before = png()
from lrnn.plots._style import share_mathtext_layouts
share_mathtext_layouts(); share_mathtext_layouts()
a, b = backend_agg.RendererAgg(10, 10, 72), backend_agg.RendererAgg(20, 20, 100)
assert a.mathtext_parser is b.mathtext_parser
after, again = png(), png()
assert np.array_equal(before, after) and np.array_equal(after, again)
print("ok")
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr[-2000:]
