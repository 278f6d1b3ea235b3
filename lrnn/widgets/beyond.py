"""Live experiments of the "beyond the paper" chapter (wrapping :mod:`lrnn.plots.beyond`).

Each widget builds its figure once, with the drawing functions of the static
figures, and a control change only replaces the data of the existing artists
and re-encodes the figure as a PNG shown by an ``ipywidgets.Image``. The layout
is computed on the first rendering and then frozen, and only the changing
artists are redrawn on the saved background (blitting, by the book's shared
renderer :class:`lrnn.widgets._base.FigureImage`), so an update costs a partial
Agg draw plus whatever new numbers it needs:

* :func:`perturbation_widget` — every target is computed when the widget is
  created (the chapter passes the curves it has already computed), so moving a
  control never fits anything;
* :func:`reparam_widget` — one batched training run of the four
  parameterisations per (learning rate, optimiser), cached;
* :func:`ssm_widget` — one fixed-rate fit per (scheme, modes), cached.

Each returned box has ``redraw()``, which performs one update with the current
control values and returns the CPU seconds it took (used by the benchmarks).
These need ``ipywidgets`` and a running kernel (Binder, Colab, local Jupyter).
"""

from __future__ import annotations

import numpy as np

from .. import kernels as K
from ..plots import beyond as bp
from ..plots._style import new_figure
from ._base import DPI, FigureImage, live_figure

__all__ = ["reparam_widget", "ssm_widget", "perturbation_widget", "DPI", "OMEGAS", "SSM_MAX_MODES"]

#: Power-law exponents offered by :func:`perturbation_widget`.
OMEGAS = (0.25, 0.5, 1.0)
#: Largest number of modes of :func:`ssm_widget`.
SSM_MAX_MODES = 24


def _live(fig, dynamic, update, controls: dict):
    """Controls (one wrapping row) above an image of ``fig``; a change calls ``update(**values)`` and blits.

    Only the ``dynamic`` artists are redrawn (:class:`lrnn.widgets._base.FigureImage`), so the
    axes must keep their limits. The box has ``redraw()``, ``image`` and ``controls``.
    """
    import ipywidgets as widgets

    header = [widgets.HBox(list(controls.values()), layout=widgets.Layout(flex_flow="row wrap"))]
    return live_figure(FigureImage(fig, dynamic, dpi=DPI), update, controls, header=header)


# ----------------------------------------------------------------------------- perturbation error
def _exponential_memory_target():
    rates = np.linspace(1.0, 10.0, 40)
    return K.ExponentialSum(rates, np.full(40, 1 / 40))


def perturbation_widget(widths=(2, 4, 6, 8), *, data: dict | None = None, deltas=None):
    r"""Target (exponential memory or a power law of exponent ω) and a perturbation size δ → :math:`E_m(\delta)`.

    Parameters
    ----------
    widths : sequence of int
        Widths of the best fits.
    data : dict, optional
        Curves already computed by :func:`lrnn.plots.beyond.perturbation_figure` for the same ``widths``
        and ``deltas``: ``{"exponential memory": ..., "power law ...": ...}``; entries whose label starts with
        "exponential" or "power law" (ω = 0.5) are reused, the rest of :data:`OMEGAS` is computed here once.
    deltas : array_like, optional
        Perturbation sizes (default: 60 values log-spaced in [1e-6, 0.5]).

    Returns
    -------
    ipywidgets.VBox
        Controls above the image; the dotted line marks δ and the title reads :math:`E_m(\delta)` there.
    """
    import ipywidgets as widgets

    deltas = np.geomspace(1e-6, 0.5, 60) if deltas is None else np.asarray(deltas, dtype=float)
    widths = tuple(int(m) for m in widths)
    curves: dict[str, dict] = {}
    for label, c in (data or {}).items():
        if sorted(c) != sorted(widths) or len(c[widths[0]]["E"]) != deltas.size:
            continue
        if label.startswith("exponential"):
            curves["exponential"] = c
        elif label.startswith("power law") and "3/2" in label:
            curves["power law, ω = 0.5"] = c
    options = ["exponential"] + [f"power law, ω = {w:g}" for w in OMEGAS]
    for key in options:
        if key not in curves:
            target = _exponential_memory_target() if key == "exponential" else K.PowerLaw(float(key.split("= ")[1]))
            curves[key] = bp.perturbation_curves(target, widths, deltas)

    fig, ax = new_figure(1, 1, width=5.2, height=3.4)
    artists = bp.draw_perturbation(ax, deltas, curves[options[1]], title=f"{options[1]}\n ", delta_marker=1e-3)
    log_d = np.log(deltas)

    def update(target=options[1], delta=1e-3):
        c = curves[target]
        values = []
        for m, line in artists["curves"].items():
            E = np.where(np.isfinite(c[m]["E"]), c[m]["E"], 1.0)
            line.set_ydata(np.clip(E, 1e-9, 1.0))
            lam = c[m]["min_rate"]
            inside = lam < deltas[-1]
            artists["thresholds"][m].set_xdata([lam if inside else deltas[0]] * 2)
            artists["thresholds"][m].set_alpha(0.7 if inside else 0.0)
            e = np.interp(np.log(delta), log_d, np.log(np.clip(E, 1e-300, None)))
            values.append(f"{np.exp(e):.1e}" if delta < lam else "inf")
        artists["marker"].set_xdata([delta, delta])
        ax.title.set_text(f"{target}\nat δ = {delta:.1e}: "
                          + ", ".join(f"E_{m} = {v}" for m, v in zip(widths, values)))

    dynamic = [*artists["curves"].values(), *artists["thresholds"].values(), artists["marker"], ax.title]
    return _live(fig, dynamic, update, {
        "target": widgets.Dropdown(options=options, value=options[1], description="target"),
        "delta": widgets.FloatLogSlider(value=1e-3, base=10, min=-6, max=np.log10(0.5), step=0.25,
                                        continuous_update=False, description="δ"),
    })


# ----------------------------------------------------------------------------- reparameterised training
def reparam_widget(target, init, steps: int = 2000):
    """Parameterisation × learning rate × optimiser → the loss curve and the rates during training.

    Left: the loss of the chosen parameterisation (the other three faint, for comparison); right: its rates
    :math:`\\lambda_i` against the step, with a cross where a run left the stable region. Every
    (parameterisation, learning rate, optimiser) of the controls is trained when the widget is created, in two
    batched runs (:func:`lrnn.reparam.train_reparameterised_many`), so moving a control only redraws.

    Parameters
    ----------
    target : Kernel
        The target kernel of the training.
    init : LinearRNN
        The diagonal model every run starts from.
    steps : int, default 2000
        Steps of every run (at most 20 000: 2 × 8 × 4 runs are trained when the widget is created).

    Returns
    -------
    ipywidgets.VBox
        The controls (map f, η, optimiser) above the image; ``redraw()`` as in :func:`_live`.
    """
    import ipywidgets as widgets

    from .._validation import as_size
    from ..reparam import NAMES, train_reparameterised_many
    from ..rnn import diagonal_parameters

    steps = as_size("steps", steps, limit=20_000, why="64 runs are trained when the widget is created")
    diagonal_parameters(init, "init")
    slider = widgets.FloatLogSlider(value=10**-1.5, base=10, min=-3, max=0.5, step=0.5, continuous_update=False,
                                    description="η")
    lrs = [float(x) for x in 10.0 ** np.arange(slider.min, slider.max + 1e-9, slider.step)]
    runs: dict[tuple[str, float, str], object] = {}
    for optimizer in ("gd", "adam"):
        batch = train_reparameterised_many(target, init, [n for _ in lrs for n in NAMES],
                                           [lr for lr in lrs for _ in NAMES], steps, optimizer)
        for k, run in enumerate(batch):
            runs[(NAMES[k % len(NAMES)], lrs[k // len(NAMES)], optimizer)] = run

    def lookup(param, lr, optimizer):
        nearest = lrs[int(np.argmin(np.abs(np.log(lrs) - np.log(lr))))]
        return runs[(param, nearest, optimizer)]

    fig, (ax_l, ax_r) = new_figure(2, 1, width=3.4, height=3.1)
    ks = np.arange(1, steps + 2)
    loss_lines = {n: ax_l.loglog(ks, np.ones(ks.size), color=bp.PARAM_STYLES[n][0], ls=bp.PARAM_STYLES[n][1],
                                 label=n)[0] for n in NAMES}
    cross_l, = ax_l.plot([], [], "x", color="0.2", ms=9, mew=2)
    m = init.hidden_size
    rate_lines = [ax_r.loglog(ks, np.ones(ks.size), color="0.2", ls=("-", "--", "-.", ":")[i % 4],
                              label=f"$\\lambda_{i + 1}$")[0] for i in range(m)]
    cross_r, = ax_r.plot([], [], "x", color="0.2", ms=9, mew=2, ls="none")
    ax_l.set_xlabel("step $k+1$")
    ax_l.set_ylabel(r"loss $J_k$")
    ax_l.legend(loc="lower left")
    ax_r.set_xlabel("step $k+1$")
    ax_r.set_ylabel(r"rates $\lambda_i=f(v_i)$")
    ax_r.legend(loc="lower left")
    # fixed limits (the picture is blitted): losses from the best reached to 10x the initial loss,
    # rates over the range of the initial rates widened by 100 (curves leaving it are cut at the frame)
    j0 = next(iter(runs.values())).loss[0]
    j_min = min(float(np.min(r.loss[np.isfinite(r.loss)])) for r in runs.values())
    r0 = -np.diag(np.asarray(init.W))
    ax_l.set_xlim(1, steps + 1)
    ax_r.set_xlim(1, steps + 1)
    ax_l.set_ylim(0.5 * j_min, 10 * j0)
    ax_r.set_ylim(0.01 * r0.min(), 100 * r0.max())
    ax_l.set_title(" ")
    ax_r.set_title(" ")

    def update(param="best", lr=10**-1.5, optimizer="gd"):
        for n, line in loss_lines.items():
            k, J = bp.loss_curve(lookup(n, lr, optimizer))
            line.set_data(k, J)
            line.set_alpha(1.0 if n == param else 0.3)
            line.set_linewidth(2.2 if n == param else 1.0)
        run = lookup(param, lr, optimizer)
        ok = np.isfinite(run.loss)
        k = ks[ok]
        for i, line in enumerate(rate_lines):
            line.set_data(k, np.clip(run.rates[ok, i], 1e-300, None))
        if run.stable:
            cross_l.set_data([], [])
            cross_r.set_data([], [])
            status = f"stable; J = {run.loss[-1]:.2e} after {steps} steps"
        else:
            cross_l.set_data(k[-1:], run.loss[ok][-1:])
            cross_r.set_data(np.repeat(k[-1], m), np.clip(run.rates[ok][-1], 1e-300, None))
            status = f"stopped at step {run.stopped_at} ({run.reason})"
        ax_l.title.set_text(f"{param}, {optimizer.upper()}, η = {lr:.3g}")
        ax_r.title.set_text(status)

    dynamic = [*loss_lines.values(), cross_l, *rate_lines, cross_r, ax_l.title, ax_r.title]
    return _live(fig, dynamic, update, {
        "param": widgets.Dropdown(options=list(NAMES), value="best", description="f"),
        "lr": slider,
        "optimizer": widgets.Dropdown(options=["gd", "adam"], value="gd", description="optimiser"),
    })


# ----------------------------------------------------------------------------- SSM initialisations
def ssm_widget(target, m: int = 16):
    """Initialisation scheme and number of modes → eigenvalues in the unit disk and the fixed-rate fit.

    One fixed-rate fit per (scheme, modes) (:func:`lrnn.plots.beyond.ssm_fit`, extended precision), cached;
    at most :data:`SSM_MAX_MODES` modes.

    Parameters
    ----------
    target : Kernel
        The kernel the initialisations' rates are fitted to.
    m : int, default 16
        The initial number of modes, 2 ≤ m ≤ :data:`SSM_MAX_MODES` (larger values are clipped).

    Returns
    -------
    ipywidgets.VBox
        The controls (scheme, modes) above the image; ``redraw()`` as in :func:`_live`.
    """
    import ipywidgets as widgets

    from .. import reparam as rp

    cache: dict[tuple[str, int], tuple] = {}

    def compute(scheme, modes):
        key = (scheme, int(modes))
        if key not in cache:
            mu = rp.ssm_eigenvalues(scheme, key[1])
            rates = np.unique(np.round(-mu.real, 14))
            model, err = bp.ssm_fit(target, rates)
            cache[key] = (np.exp(mu), rates.size, model, err)
        return cache[key]

    from .._validation import as_size

    K.require_kernel(target, "target")
    m = min(as_size("m", m, limit=2**20, why="a number of modes", minimum=2), SSM_MAX_MODES)
    fig, axes = new_figure(2, 1, width=3.4, height=3.2)
    bp.draw_ssm_init(axes, "s4d-lin-layer", m, target)
    ax_d, ax_f = axes
    points = ax_d.lines[1]
    fit_line = ax_f.lines[1]
    fit_line.set_label("best fit with these rates")
    ax_f.legend(loc="lower left")
    t = fit_line.get_xdata()

    def update(scheme="s4d-lin-layer", modes=m):
        lam, n_rates, model, err = compute(scheme, modes)
        points.set_data(lam.real, lam.imag)
        with np.errstate(over="ignore"):
            fit_line.set_ydata(np.abs(model.kernel(t)).ravel())
        ax_d.title.set_text(f"{scheme}, $m={modes}$")
        ax_f.title.set_text(f"{n_rates} distinct rates: rel. $L^2$ error {err:.2g}")

    dynamic = [points, fit_line, ax_d.title, ax_f.title]
    return _live(fig, dynamic, update, {
        "scheme": widgets.Dropdown(options=list(rp.SCHEMES), value="s4d-lin-layer", description="scheme"),
        "modes": widgets.IntSlider(value=m, min=2, max=SSM_MAX_MODES, continuous_update=False,
                                   description="modes m"),
    })
