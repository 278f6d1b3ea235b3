"""Chapter 1 figures (lrnn.plots.memory): they run, label their axes, fit the page and reject bad input, and the
numbers they draw are compared with independent references: closed forms, scipy quadrature, scipy.linalg.expm and
scipy.signal.lsim. (The numbers themselves are tested in test_views.py, the widgets in test_widgets_memory.py.)
"""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from scipy import integrate, linalg, signal, special  # noqa: E402

import lrnn  # noqa: E402
from lrnn import kernels  # noqa: E402
from lrnn.plots import memory as pm  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _assert_labelled(fig):
    axes = [ax for ax in fig.axes if ax.get_visible()]
    assert axes, "figure has no axes"
    for ax in axes:
        assert ax.get_xlabel().strip(), f"axes {ax} has no x label"
        assert ax.get_ylabel().strip(), f"axes {ax} has no y label"


# ------------------------------------------------------------------ gallery
def test_kernel_gallery_figure_and_norms():
    fig = pm.kernel_gallery()
    assert len(fig.axes) == 4                              # a 2 × 2 grid: at most three panels a row
    assert {ax.get_subplotspec().colspan.start for ax in fig.axes} == {0, 1}
    _assert_labelled(fig)
    fig2, axes = pm.new_figure(ncols=4)
    norms = pm.draw_kernel_gallery(axes)
    expected_l1 = [2.0, 2.0, np.sqrt(np.pi) / 2 * (1 + special.erf(5.0)), None]
    expected_l2 = [1.0, 1 / np.sqrt(2.0),
                   np.sqrt(integrate.quad(lambda t: np.exp(-2 * (t - 5) ** 2), 0, 40, epsabs=0, epsrel=1e-13)[0]),
                   np.sqrt(integrate.quad(lambda t: special.airy(t - 5)[0] ** 2, 0, 40, points=[0.91, 2.66, 5.0],
                                          epsabs=0, epsrel=1e-13)[0])]
    for i in range(3):
        assert norms[i, 0] == pytest.approx(expected_l1[i], rel=1e-12)
    for i in range(4):
        assert norms[i, 1] == pytest.approx(expected_l2[i], rel=1e-9)


def test_kernel_gallery_with_log_panel_and_tails_figure():
    fig = pm.kernel_gallery(log_panel=True)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == 5
    assert max(ax.get_subplotspec().colspan.stop for ax in fig.axes) <= 3
    assert visible[-1].get_xscale() == "log" and visible[-1].get_yscale() == "log"
    tails = pm.kernel_tails()
    (ax,) = tails.axes
    _assert_labelled(tails)
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert set(lines) == {"exponential", "power law", "delayed", "Airy"}
    t, v = (np.asarray(a, dtype=float) for a in lines["power law"].get_data())
    np.testing.assert_allclose(v, (1 + t) ** -1.5, rtol=1e-13)        # the straight line of slope −3/2
    slope = np.polyfit(np.log(t[t > 100]), np.log(v[t > 100]), 1)[0]
    assert slope == pytest.approx(-1.5, abs=0.02)
    with pytest.raises(ValueError, match="gallery"):
        pm.kernel_tails([])
    with pytest.raises(TypeError, match="kernel"):
        pm.kernel_tails([("x", 3.0)])


# ------------------------------------------------------------------ diagrams
def test_temporal_map_diagram_shows_the_convolution():
    """The diagram's output at the present equals ∫₀^t ρ(s) x(t − s) ds by scipy quad, and its product row
    integrates to the same number."""
    t = 8.0
    fig = pm.temporal_map_diagram(t)
    ax_x, ax_k, ax_p, ax_y = fig.axes

    def rho(s):
        return (s / 1.2) * np.exp(1 - s / 1.2) if s >= 0 else 0.0

    def x(u):
        return 0.55 * np.sin(1.3 * u) + 0.35 * np.sin(0.45 * u + 1.0) + 0.2

    ref = integrate.quad(lambda s: rho(s) * x(t - s), 0, t, epsabs=0, epsrel=1e-12)[0]
    dot = [line for line in ax_y.get_lines() if len(line.get_xdata()) == 1]
    assert len(dot) == 1 and float(dot[0].get_xdata()[0]) == t
    assert float(dot[0].get_ydata()[0]) == pytest.approx(ref, rel=1e-4)
    u, prod = (np.asarray(a, dtype=float) for a in ax_p.get_lines()[-1].get_data())
    assert np.trapezoid(prod, u) == pytest.approx(ref, rel=1e-4)
    assert np.all(prod[u > t] == 0.0)                        # causal: no weight on the future
    u, flipped = (np.asarray(a, dtype=float) for a in ax_k.get_lines()[-1].get_data())
    assert u[np.argmax(flipped)] == pytest.approx(t - 1.2, abs=0.011)
    texts = " ".join(txt.get_text() for ax in fig.axes for txt in ax.texts)
    for phrase in ("input path", "kernel, flipped", "product", "output"):
        assert phrase in texts
    with pytest.raises(ValueError, match="t must lie"):
        pm.temporal_map_diagram(20.0)


def test_rnn_block_diagram_has_the_blocks():
    fig = pm.rnn_block_diagram()
    (ax,) = fig.axes
    assert not ax.axison
    texts = [txt.get_text() for txt in ax.texts]
    for block in ("$U$", "$W$", r"$c^\top$", r"$\int\!dt$", "$x(t)$", r"$\hat y(t)$"):
        assert block in texts, block
    assert any(r"c^\top e^{Ws}U" in txt for txt in texts)
    assert len(ax.patches) >= 10                            # boxes, the summing junction and arrows


def test_figures_fit_the_page():
    """Every figure of the chapter is at most one text column wide with at most three panels a row."""
    figures = [pm.temporal_map_diagram(), pm.rnn_block_diagram(), pm.norm_attainment_figure(widths=(0.5, 0.05)),
               pm.kernel_gallery(), pm.kernel_tails(), pm.kernel_response(), pm.rnn_response(),
               pm.three_views_figure()]
    for fig in figures:
        assert fig.get_figwidth() <= 6.8 + 1e-9
        cols = [ax.get_subplotspec().colspan.stop for ax in fig.axes if ax.get_subplotspec() is not None]
        assert max(cols) <= 3


def test_kernel_gallery_rejects_bad_input():
    fig, axes = pm.new_figure(ncols=2)
    with pytest.raises(ValueError, match="axes"):
        pm.draw_kernel_gallery(axes)                      # 4 kernels, 2 axes
    with pytest.raises(ValueError, match="gallery"):
        pm.kernel_gallery([])
    with pytest.raises(TypeError, match="kernel"):
        pm.kernel_gallery([("not a kernel", lambda t: t)], log_panel=False)
    with pytest.raises(ValueError, match="t_max"):
        pm.kernel_gallery(t_max=-1.0)


# ------------------------------------------------------------------ experiment (a)
@pytest.mark.parametrize("family", pm.FAMILIES)
def test_kernel_response_matches_quadrature(family):
    """y[n] = Σ_j (∫_cell ρ) x_j with cell integrals by scipy quad and a direct convolution."""
    dt, t_max, memory = 0.1, 6.0, 2.0
    fig, axes = pm.new_figure(ncols=2)
    res = pm.draw_kernel_response(axes, family, memory, "smooth random", t_max=t_max, dt=dt, seed=4)
    _assert_labelled(fig)
    k = pm.memory_kernel(family, memory)
    l1 = k.norm(1)
    n = res["x"].size
    assert n == 60
    cells = np.array([integrate.quad(lambda s: float(k(s)), j * dt, (j + 1) * dt, epsabs=0, epsrel=1e-12)[0]
                      for j in range(n)]) / l1
    ref = np.convolve(cells, res["x"])[:n]
    np.testing.assert_allclose(res["y"], ref, atol=1e-12)
    np.testing.assert_allclose(res["t"], dt * np.arange(1, n + 1))
    assert np.max(np.abs(res["y"])) <= np.max(np.abs(res["x"])) + 1e-12     # unit L1 kernel


@pytest.mark.parametrize("signal_name", pm.SIGNALS)
def test_kernel_response_figure_for_every_signal(signal_name):
    fig = pm.kernel_response("airy", 3.0, signal_name, t_max=10.0)
    assert len(fig.axes) == 2
    _assert_labelled(fig)


def test_kernel_response_unnormalised_step_is_step_response():
    fig, axes = pm.new_figure(ncols=2)
    res = pm.draw_kernel_response(axes, "power law", 2.0, "step", t_max=10.0, dt=0.05, normalise=False)
    t = res["t"]
    np.testing.assert_allclose(res["y"], 2.0 * (1 - (1 + t) ** -0.5), atol=1e-12)


def test_kernel_response_rejects_bad_input():
    with pytest.raises(ValueError, match="signal must"):
        pm.kernel_response("exponential", 1.0, "chirp")
    with pytest.raises(ValueError, match="dt"):
        pm.kernel_response("exponential", 1.0, "step", dt=0.0)
    with pytest.raises(ValueError, match="t_max"):
        pm.kernel_response("exponential", 1.0, "step", t_max=0.05, dt=0.05)


# ------------------------------------------------------------------ operator norm
def test_norm_attainment_figure_draws_the_numbers():
    fig = pm.norm_attainment_figure(widths=(0.5, 0.05), t=12.0, dt=0.01)
    _assert_labelled(fig)
    ax_x, ax_v = fig.axes
    widths, values = (np.asarray(a, dtype=float) for a in ax_v.get_lines()[0].get_data())
    np.testing.assert_allclose(values, pm.norm_attainment(kernels.Airy(5.0), widths, t=12.0, dt=0.01))
    levels = sorted(float(line.get_ydata()[0]) for line in ax_v.get_lines()[1:])
    airy = kernels.Airy(5.0)
    np.testing.assert_allclose(levels, sorted([airy.norm(1), float(airy.step_response(12.0))]), rtol=1e-12)
    with pytest.raises(ValueError, match="widths"):
        pm.norm_attainment_figure(widths=(-0.1,))
    with pytest.raises(TypeError, match="kernel"):
        pm.norm_attainment_figure(kernel=lrnn.LinearRNN.diagonal([1.0], [1.0]))


# ------------------------------------------------------------------ experiment (b)
@pytest.mark.parametrize("model", [
    pm.modal_rnn([1.0], [1.0], pair=(0.3, 1.5)),
    pm.modal_rnn([0.2, 1.0, 5.0], [1.0, -2.0, 3.0]),
    lrnn.LinearRNN([[-1.0, 1.0, 0.3], [-2.0, -1.0, 0.5], [0.1, 0.0, -3.0]], [1.0, 2.0, 3.0], [1.0, 0.0, 1.0]),
    lrnn.LinearRNN([[-1.0, 1.0], [0.0, -1.0]], [0.0, 1.0], [1.0, 0.0]),      # Jordan block
])
def test_rnn_response_modes_and_output(model):
    fig, axes = pm.new_figure(ncols=3)
    res = pm.draw_rnn_response(axes, model, "smooth random", t_max=10.0, dt=0.05, seed=2)
    _assert_labelled(fig)
    W, U, c = np.array(model.W), np.array(model.U), np.array(model.c)
    via_expm = np.array([c @ linalg.expm(W * s) @ U for s in res["t"]])
    np.testing.assert_allclose(res["kernel"], via_expm, atol=1e-12)
    np.testing.assert_allclose(res["modes"].sum(axis=0), via_expm, atol=1e-12)
    n = res["x"].size
    tl = 0.05 * np.arange(n + 1)
    _, y_lsim, _ = signal.lsim((W, U[:, None], c[None, :], 0.0), np.append(res["x"], 0.0), tl, interp=False)
    np.testing.assert_allclose(res["y"], y_lsim[1:], atol=1e-9)


def test_rnn_response_figure_and_bad_input():
    fig = pm.rnn_response()
    assert len(fig.axes) == 3
    _assert_labelled(fig)
    with pytest.raises(TypeError, match="model"):
        pm.rnn_response(kernels.Exponential(1.0))
    with pytest.raises(ValueError, match="model"):
        pm.rnn_response(lrnn.LinearRNN(-np.eye(2), np.eye(2), np.ones(2)))
    with pytest.raises(ValueError, match="signal must"):
        pm.rnn_response(signal="impulse")


# ------------------------------------------------------------------ three views
def test_three_views_figure_draws_the_three_outputs():
    fig = pm.three_views_figure()
    _assert_labelled(fig)
    ax, ax_d = fig.axes
    model = pm.modal_rnn([0.5, 2.0], [1.0, -0.5], pair=(0.2, 1.0))
    x = lrnn.signals.smooth_random(200, 0.1, correlation_time=1.0, seed=1)
    out = pm.three_views(model, x, 0.1)
    drawn = {line.get_label(): np.asarray(line.get_ydata(), dtype=float) for line in ax.get_lines()}
    for name, y in out.items():
        np.testing.assert_array_equal(drawn[name], y)
    with pytest.raises(TypeError, match="model"):
        pm.three_views_figure(kernels.Exponential(1.0))
    with pytest.raises(ValueError, match="dt"):
        pm.three_views_figure(dt=-1.0)


# ------------------------------------------------------------------ views (static figure, scrubber and widget)
def test_kernel_response_view_updates_its_artists_in_place():
    view = pm.KernelResponseView()
    first = view.update("exponential", 2.0, "step")
    lines = [line for ax in view.axes for line in ax.get_lines()]
    second = view.update("power law", 7.0, "sinusoid", seed=3)
    assert [line for ax in view.axes for line in ax.get_lines()] == lines    # same artists, new data
    assert len(view.figure.axes) == 2
    k = pm.memory_kernel("power law", 7.0)
    s, rho = (np.asarray(a, dtype=float) for a in lines[1].get_data())
    np.testing.assert_allclose(rho, k(s) / k.norm(1), rtol=1e-12)
    t, y = (np.asarray(a, dtype=float) for a in view._output.get_data())
    np.testing.assert_array_equal(y, second["y"])
    np.testing.assert_allclose(t, 0.05 * np.arange(1, 801))
    assert view._legend.texts[0].get_text() == "input $x(t)$: sinusoid"
    assert "power law" in view.axes[0].get_title()
    assert not np.array_equal(first["y"], second["y"])
    lo, hi = view.axes[1].get_ylim()
    assert lo <= min(second["x"].min(), second["y"].min()) and hi >= max(second["x"].max(), second["y"].max())
    with pytest.raises(TypeError, match="normalise"):
        view.update(normalise="yes")
    with pytest.raises(ValueError, match="axes"):
        pm.KernelResponseView(view.axes[:1])


def test_rnn_response_view_shows_only_the_modes_in_use():
    view = pm.RNNResponseView()
    res4 = view.update(pm.modal_rnn([0.2, 1.0, 5.0], [1.0, -2.0, 3.0], pair=(0.3, 2.0)))
    assert res4["modes"].shape[0] == 4
    res1 = view.update(pm.modal_rnn([], pair=(0.3, 2.0)), "sinusoid")
    assert res1["modes"].shape[0] == 1
    visible = [line for line in view._modes if line.get_visible()]
    assert len(visible) == 1 and len(view._modes) == 4
    t, kern = (np.asarray(a, dtype=float) for a in view._kernel.get_data())
    np.testing.assert_allclose(kern, np.exp(-0.3 * t) * np.cos(2.0 * t), atol=1e-13)
    z = np.asarray(view._eigs.get_xdata(), dtype=float) + 1j * np.asarray(view._eigs.get_ydata(), dtype=float)
    np.testing.assert_allclose(np.sort_complex(z), [-0.3 - 2j, -0.3 + 2j], atol=1e-14)
    assert view._legend.texts[0].get_text() == "input: sinusoid"
    with pytest.raises(ValueError, match="axes"):
        pm.RNNResponseView(view.axes[:2])


@pytest.mark.parametrize("fast", [False, True])
def test_scrubbers_frames_and_alt_text(monkeypatch, fast):
    if fast:
        monkeypatch.setenv("LRNN_FAST", "1")
    else:
        monkeypatch.delenv("LRNN_FAST", raising=False)
    seen = {"memory": set(), "decay": set()}
    draw_a, draw_b = pm.draw_kernel_response, pm.draw_rnn_response

    def spy_a(axes, family, memory, signal, *args, **kwargs):
        seen["memory"].add(memory)
        return draw_a(axes, family, memory, signal, *args, **kwargs)

    def spy_b(axes, model, *args, **kwargs):
        seen["decay"].add(round(-float(np.max(model.eigenvalues.real)), 12))
        return draw_b(axes, model, *args, **kwargs)

    monkeypatch.setattr(pm.responses, "draw_kernel_response", spy_a)    # what the scrubbers call
    monkeypatch.setattr(pm.responses, "draw_rnn_response", spy_b)
    was = plt.isinteractive()
    plt.ion()
    try:
        html_a = pm.memory_scrubber()
        html_b = pm.pair_scrubber()
        assert plt.isinteractive()                        # later cells of the notebook still show figures
    finally:
        if not was:
            plt.ioff()
    expect_a = {0.5, 2.0, 8.0} if fast else {0.5, 1.0, 2.0, 4.0, 8.0, 16.0}
    expect_b = {1.0, 0.25, 0.05} if fast else {1.0, 0.5, 0.25, 0.1, 0.05}
    assert seen["memory"] == expect_a and seen["decay"] == expect_b
    assert "as M grows the kernel flattens" in html_a.data
    assert "approach the" in html_b.data and "imaginary axis" in html_b.data


def test_scrubbers_reject_bad_input():
    with pytest.raises(ValueError, match="memories"):
        pm.memory_scrubber([0.0, 1.0])
    with pytest.raises(ValueError, match="decays"):
        pm.pair_scrubber([])
    with pytest.raises(ValueError, match="frequency"):
        pm.pair_scrubber([1.0], frequency=-1.0)
