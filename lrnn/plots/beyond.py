"""Figures of the "beyond the paper" chapter: memory functions, perturbation errors,
reparameterised training and SSM initialisations.

Each function computes what it shows from :mod:`lrnn.memory`, :mod:`lrnn.reparam`
and :mod:`lrnn.nonlinear`; :mod:`lrnn.widgets.beyond` wraps them.
"""

from __future__ import annotations

import numpy as np

from .. import memory as mem
from .. import reparam as rp
from .._validation import as_real_array, as_real_scalar
from ..approximation import fit
from ..distance import distance
from ._style import COLORS, CYCLE, LINESTYLES, new_figure

__all__ = ["draw_memory_functions", "memory_figure", "perturbation_curves", "draw_perturbation",
           "perturbation_figure", "perturbation_scrubber", "draw_reparam_runs", "reparam_figure",
           "reparam_scrubber", "ratio_figure", "draw_ssm_init", "ssm_figure"]


# ----------------------------------------------------------------------------- memory functions
def draw_memory_functions(axes, kernels_: dict, net, t, amplitudes=(0.1, 1.0, 3.0)) -> dict:
    r"""Left: :math:`|\rho(t)|` (lines) and the memory function from step responses (markers) of linear kernels.
    Right: the memory function of a :class:`~lrnn.nonlinear.TanhRNN` for each step amplitude, with the
    asymptote :math:`e^{-st}` of its linearisation (:math:`s` = minus the spectral abscissa of :math:`W`).

    Returns ``{"tanh": {amplitude: M(t)}, "abscissa": float}``.
    """
    t = as_real_array("t", t, ndim=1)
    ax_l, ax_r = axes
    for i, (label, k) in enumerate(kernels_.items()):
        ax_l.semilogy(t, np.abs(k(t)), color=CYCLE[i], ls=LINESTYLES[i], lw=2, label=rf"$|\rho(t)|$: {label}")
        ax_l.semilogy(t[::8], mem.memory_function(k, t[::8]), "o", color=CYCLE[i], ms=4,
                      label=r"$\mathcal{M}(t)$ from step responses")
    ax_l.set_xlabel("time $t$")
    ax_l.set_ylabel("memory")
    ax_l.legend(fontsize=7, loc="lower left")
    out = {"tanh": {}}
    for i, x in enumerate(amplitudes):
        M = mem.memory_function(net, t, [x])
        out["tanh"][x] = M
        ax_r.semilogy(t, M, color=CYCLE[i], ls=LINESTYLES[i], lw=2, label=f"step height $x={x:g}$")
    s = -float(np.max(np.linalg.eigvals(net.W).real))
    out["abscissa"] = -s
    M1 = out["tanh"][amplitudes[len(amplitudes) // 2]]
    anchor = M1[-1] * np.exp(s * t[-1])
    ax_r.semilogy(t, anchor * np.exp(-s * t), color=COLORS["black"], ls=":", lw=1.2,
                  label=rf"$\propto e^{{-{s:.3g}\,t}}$ (linearisation)")
    ax_r.set_xlabel("time $t$")
    ax_r.set_ylabel(r"$|\frac{d}{dt}\hat H_t(x\mathbf{1})|/|x|$")
    ax_r.legend(fontsize=7, loc="lower left")
    return out


def memory_figure(kernels_: dict, net, *, t_max: float = 20.0, amplitudes=(0.1, 1.0, 3.0)):
    """The static figure of :func:`draw_memory_functions`. Returns ``(figure, data)``."""
    t = np.linspace(0.0, as_real_scalar("t_max", t_max, positive=True), 161)
    fig, axes = new_figure(2, 1, width=4.4, height=3.3)
    data = draw_memory_functions(axes, kernels_, net, t, amplitudes)
    return fig, data


# ----------------------------------------------------------------------------- perturbation error
def perturbation_curves(target, widths, betas, *, n_samples: int = 32) -> dict:
    r"""Fit width-m models (free rates, :func:`lrnn.fit`) and compute :math:`E_m(\beta)` for each width.

    Returns ``{m: {"E": E_m(betas), "min_rate": min r_i, "error": relative L² error at β=0}}``.
    """
    betas = as_real_array("betas", betas, ndim=1)
    out = {}
    for m in widths:
        model = fit(target, int(m))
        r = -np.diag(np.asarray(model.W))
        out[int(m)] = {"E": mem.perturbation_error(target, model, betas, n_samples=n_samples),
                       "min_rate": float(r.min()),
                       "error": float(distance(target, model, 2) / target.norm(2))}
    return out


def draw_perturbation(ax, betas, curves: dict, *, title: str = "", beta_marker: float | None = None) -> None:
    r""":math:`E_m(\beta)` against :math:`\beta` (log–log), one curve per width; ``inf`` drawn as a jump to the top."""
    betas = as_real_array("betas", betas, ndim=1)
    top = 1.0
    for i, (m, c) in enumerate(sorted(curves.items())):
        E = np.where(np.isfinite(c["E"]), c["E"], top)
        ax.loglog(betas, np.clip(E, 1e-9, top), color=CYCLE[i % len(CYCLE)], ls=LINESTYLES[i % 7], lw=1.8,
                  label=f"$m={m}$")
        if np.isfinite(c["min_rate"]) and c["min_rate"] < betas[-1]:
            ax.axvline(c["min_rate"], color=CYCLE[i % len(CYCLE)], lw=0.6, alpha=0.6)
    if beta_marker is not None:
        ax.axvline(beta_marker, color=COLORS["black"], ls=":", lw=1)
    ax.set_ylim(1e-9, 2 * top)
    ax.set_xlabel(r"perturbation size $\beta$")
    ax.set_ylabel(r"$E_m(\beta)$ (relative $L^2$; top = unstable)")
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=7, loc="lower right", ncol=2)


def perturbation_figure(targets: dict, widths=(2, 4, 6, 8), betas=None):
    """Two panels of :func:`draw_perturbation` (e.g. exponential versus power-law memory). Returns ``(figure, data)``."""
    betas = np.geomspace(1e-6, 0.5, 60) if betas is None else as_real_array("betas", betas, ndim=1)
    fig, axes = new_figure(len(targets), 1, width=4.4, height=3.4)
    data = {}
    for ax, (label, target) in zip(np.atleast_1d(axes), targets.items()):
        data[label] = perturbation_curves(target, widths, betas)
        draw_perturbation(ax, betas, data[label], title=label)
    return fig, data


def perturbation_scrubber(data: dict, betas):
    """Scrubber over the width: frame k shows the curves of the first k widths (precomputed ``data``)."""
    import matplotlib.pyplot as plt

    from ._scrubber import scrubber

    labels = list(data)
    widths = sorted(data[labels[0]])
    was = plt.isinteractive()

    def draw(axes, k):
        for ax, lab in zip(np.atleast_1d(axes), labels):
            draw_perturbation(ax, betas, {m: data[lab][m] for m in widths[:k]}, title=lab)

    html = scrubber(draw, list(range(1, len(widths) + 1)), ncols=len(labels), width=4.4, height=3.4,
                    alt="Perturbation error against perturbation size for fits of growing width, exponential versus "
                        "power-law memory; for the power law the curves jump at zero as the width grows.")
    if was:
        plt.ion()
    return html


# ----------------------------------------------------------------------------- reparameterised training
def draw_reparam_runs(ax, target, init, lr: float, steps: int, names=rp.NAMES, optimizer: str = "gd") -> dict:
    """Loss against step for each parameterisation at one learning rate. Returns ``{name: ReparamRun}``."""
    runs = {}
    for i, name in enumerate(names):
        run = rp.train_reparameterised(target, init, name, steps, lr, optimizer)
        runs[name] = run
        ok = np.isfinite(run.loss)
        k = np.arange(run.loss.size)[ok]
        lab = name if run.stable else f"{name}: stopped at step {run.stopped_at} ({run.reason})"
        ax.loglog(k + 1, run.loss[ok], color=CYCLE[i], ls=LINESTYLES[i], lw=2, label=lab,
                  marker="x" if not run.stable else None, markevery=[-1] if not run.stable else None)
    ax.set_xlabel("step $k+1$")
    ax.set_ylabel(r"loss $J_k$")
    ax.set_title(rf"{optimizer.upper()}, $\eta={lr:g}$", fontsize=9)
    ax.legend(fontsize=7, loc="lower left")
    return runs


def reparam_figure(target, init, lrs=(0.01, 0.03, 0.3), steps: int = 2000):
    """One panel of :func:`draw_reparam_runs` per learning rate. Returns ``(figure, {lr: runs})``."""
    fig, axes = new_figure(len(lrs), 1, width=3.6, height=3.3, sharey=True)
    data = {}
    for ax, lr in zip(np.atleast_1d(axes), lrs):
        data[lr] = draw_reparam_runs(ax, target, init, lr, steps)
    return fig, data


def reparam_scrubber(target, init, lrs, steps: int = 2000):
    """Scrubber over the learning rate (one frame of :func:`draw_reparam_runs` per value)."""
    import matplotlib.pyplot as plt

    from ._scrubber import scrubber

    was = plt.isinteractive()
    html = scrubber(lambda ax, lr: draw_reparam_runs(ax, target, init, lr, steps), list(lrs), width=5.0,
                    height=3.4, alt="Training curves of the four parameterisations at one learning rate per frame; "
                                    "at large rates the direct parameterisation leaves the stable region.")
    if was:
        plt.ion()
    return html


def ratio_figure(rates=None, *, alpha: float = 1.0, beta: float = 0.1):
    r"""The gradient-to-weight ratio :math:`|f'(v)|/(f(v)^2|v|)` against the rate :math:`r=f(v)`, per parameterisation."""
    r = np.geomspace(1e-3, 5.0, 200) if rates is None else as_real_array("rates", rates, ndim=1)
    fig, ax = new_figure(1, 1, width=5.0, height=3.4)
    for i, name in enumerate(rp.NAMES):
        p = rp.parameterisation(name, alpha=alpha, beta=beta)
        ok = (r < p.max_rate) & (np.abs(p.inverse(np.minimum(r, p.max_rate))) > 1e-12)
        v = p.inverse(r[ok])
        ax.loglog(r[ok], rp.gradient_weight_ratio(p, v), color=CYCLE[i], ls=LINESTYLES[i], lw=2, label=name)
    ax.set_xlabel(r"rate $r=f(v)$ (eigenvalue $\lambda=-r$)")
    ax.set_ylabel(r"$|f'(v)|\,/\,(f(v)^2|v|)$")
    ax.legend(fontsize=8)
    return fig


# ----------------------------------------------------------------------------- SSM initialisations
def draw_ssm_init(axes, scheme: str, m: int, target) -> float:
    r"""Left: the discrete eigenvalues :math:`e^{\mu}` of an initialisation in the unit disk.
    Right: the target and the best :math:`L^2` fit with the (distinct) decay rates :math:`-\mathrm{Re}\,\mu`
    as fixed exponents. Returns the relative :math:`L^2` error of that fit.
    """
    mu = rp.ssm_eigenvalues(scheme, m)
    lam = np.exp(mu)
    ax_d, ax_f = axes
    th = np.linspace(0, 2 * np.pi, 400)
    ax_d.plot(np.cos(th), np.sin(th), color="0.6", lw=1)
    ax_d.plot(lam.real, lam.imag, "o", color=COLORS["blue"], ms=4)
    ax_d.set_aspect("equal")
    ax_d.set_xlim(-1.1, 1.1)
    ax_d.set_ylim(-1.1, 1.1)
    ax_d.set_xlabel(r"$\mathrm{Re}\,\bar\lambda$")
    ax_d.set_ylabel(r"$\mathrm{Im}\,\bar\lambda$")
    ax_d.set_title(f"{scheme}, $m={m}$", fontsize=9)
    rates = np.unique(np.round(-mu.real, 14))
    model = fit(target, rates.size, exponents=rates)
    err = float(distance(target, model, 2) / target.norm(2))
    t = np.geomspace(0.1, 1e4, 300)
    ax_f.loglog(t, np.abs(target(t)), color=COLORS["black"], lw=2, label="target")
    ax_f.loglog(t, np.abs(model.kernel(t)).ravel(), color=COLORS["vermillion"], ls="--", lw=2,
                label=f"fit, {rates.size} distinct rates, rel. error {err:.2g}")
    ax_f.set_ylim(1e-8, 2)
    ax_f.set_xlabel("time (samples)")
    ax_f.set_ylabel(r"$|\rho(t)|$")
    ax_f.legend(fontsize=7, loc="lower left")
    return err


def ssm_figure(scheme: str, m: int, target):
    """The static figure of :func:`draw_ssm_init`. Returns ``(figure, error)``."""
    fig, axes = new_figure(2, 1, width=4.2, height=3.4)
    err = draw_ssm_init(axes, scheme, m, target)
    return fig, err
