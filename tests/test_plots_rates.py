"""Chapter 3 figures (lrnn.plots.rates): the data wrappers validate and share one cache, the widths read from the
curves agree with lrnn.rates.required_width (an independent search), the asymptotic laws are their formulas, and
the figures refuse bad input without leaving a figure open."""

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from lrnn import kernels as K  # noqa: E402
from lrnn import rates as R  # noqa: E402
from lrnn.plots import rates as P  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_asymptotic_laws_are_their_formulas():
    m, om = np.array([16.0, 1e8]), np.array([0.25, 1.0])
    np.testing.assert_allclose(P.asymptotic_fixed_error(m, om),
                               (2 * np.log(m) + 2 * np.euler_gamma + 1) ** -(om + 0.5), rtol=1e-15)
    np.testing.assert_allclose(P.asymptotic_fixed_l1_error(m, om, 0.5), (1 + 2 * np.log1p(m) / 0.5) ** -om,
                               rtol=1e-15)
    assert P.asymptotic_fixed_l1_error(10.0, 0.5, 1e-310) == 0.0     # the horizon is infinite: nothing lost
    with pytest.raises(ValueError, match="omega"):
        P.asymptotic_fixed_error([1.0, 2.0], [0.5, 0.5, 0.5])
    with pytest.raises(ValueError, match="width"):
        P.asymptotic_fixed_error(0.5, 0.5)


def test_widths_read_from_the_curves_agree_with_required_width():
    data = P.curse_data()
    for eps in (1e-1, 1e-2):
        w = P.widths_from_curves(data, eps)
        for i, om in enumerate(data["omegas"]):
            if om < 0.15:
                continue                                                 # beyond what the exact search reaches
            ref = R.required_width(K.PowerLaw(float(om)), eps, max_width=1e300)   # L2: bisection on the formula
            exact = math.log10(ref.width) if ref.width is not None else ref.log10_width
            if exact is None or not np.isfinite(w["log10_l2"][i]):
                continue
            # widths up to 512 are integers (exact); larger ones agree to 3e-3 decades (0.7 % of the width)
            assert w["log10_l2"][i] == pytest.approx(exact, abs=3e-3 if exact > math.log10(512) else 1e-9), (eps, om)
    # beyond the curves (a width above 10^300 in L2): NaN by design, documented
    far = P.widths_from_curves(data, 1e-3)
    assert np.isnan(far["log10_l2"][0]) and np.all(np.isfinite(far["log10_l2"][-2:]))
    with pytest.raises(ValueError, match="epsilon"):
        P.widths_from_curves(data, 1.5)
    with pytest.raises(TypeError, match="data"):
        P.widths_from_curves({"omegas": [0.5]}, 1e-2)


def test_data_functions_validate_and_share_one_cache():
    first = P.delay_line_data()
    assert P.delay_line_data(2.0, 3.0, 1.0, (10, 20, 40, 80)) is first      # the chapter's call hits the cache
    assert P.delay_line_data(a=2, g=3, beta=1, widths=[10, 20, 40, 80]) is first
    with pytest.raises(ValueError, match="a must exceed"):
        P.delay_line_data(a=0.4, beta=1.0)
    with pytest.raises(ValueError, match="widths"):
        P.delay_line_data(widths=(10, 5))
    with pytest.raises(ValueError, match="widths"):
        P.jackson_data(1.5, 1.0, (4, 10**9))
    with pytest.raises(ValueError, match="power"):
        P.jackson_data(0.0, 1.0)
    with pytest.raises(TypeError, match="omegas"):
        P.curse_data(("0.5",))
    with pytest.raises(ValueError, match="free_max"):
        P.width_data(0.5, free_max=10**6)
    assert callable(P.jackson_data.cache_clear) and P.motivation_data.cache_info().maxsize == 2


def test_figures_refuse_bad_input_without_leaving_figures_open():
    n_open = len(plt.get_fignums())
    for call, match in [(lambda: P.required_width_versus_omega(2.0), "epsilon"),
                        (lambda: P.jackson_slopes(-1.0), "power"),
                        (lambda: P.errors_versus_width(np.nan), "omega"),
                        (lambda: P.grids_diagram(width=10**6), "width")]:
        with pytest.raises(ValueError, match=match):
            call()
    assert len(plt.get_fignums()) == n_open


def test_required_width_figure_draws_only_what_fits_the_axis():
    fig = P.required_width_versus_omega(1e-12)                            # widths beyond 10^(10^40)
    ax = fig.axes[0]
    for line in ax.get_lines():
        y = np.asarray(line.get_ydata(), dtype=float)
        assert np.all(np.isnan(y) | ((y > 0) & (y < 1e41)))
