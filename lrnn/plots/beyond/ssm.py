r"""SSM initialisations: their discrete eigenvalues and the best fit with their rates."""

from __future__ import annotations

import numpy as np

from ... import ssm_init
from ..._validation import as_choice, as_real_array, as_size
from ...kernels import require_kernel
from .._common import discard_on_error, log_ticks
from .._style import COLORS, new_figure


__all__ = ["ssm_fit", "draw_ssm_init", "ssm_figure"]


def ssm_fit(target, rates):
    r"""The best :math:`L^2` fit of ``target`` with the decay rates fixed at ``rates``, and its relative error.

    The weights solve the Gram system in extended precision (:func:`lrnn.rates.exact_fit`): rates of SSM
    initialisations lie close together, and the Gram matrix :math:`1/(\lambda_i+\lambda_j)` is then too badly
    conditioned for double precision.

    Parameters
    ----------
    target : Kernel
        The target kernel.
    rates : array_like, shape (m,)
        The fixed decay rates λ > 0.

    Returns
    -------
    (LinearRNN, float)
        The fit and its relative :math:`L^2` error.
    """
    from ...rates import exact_fit
    from ...rnn import LinearRNN

    rates = as_real_array("rates", rates, ndim=1, nonempty=True)
    weights, err = exact_fit(target, rates)
    return LinearRNN.diagonal(rates, weights), float(err)


def draw_ssm_init(axes, scheme: str, m: int, target) -> float:
    r"""Left: the discrete eigenvalues :math:`e^{\mu}` of an initialisation in the unit disk.
    Right: the target and the best :math:`L^2` fit with the (distinct) decay rates :math:`-\mathrm{Re}\,\mu`
    as fixed rates.

    Parameters
    ----------
    axes : pair of matplotlib Axes
        Where to draw (unit disk, fit).
    scheme : str
        One of :data:`lrnn.ssm_init.SCHEMES`.
    m : int
        The number of modes (at most 64: one extended-precision fit).
    target : Kernel
        The kernel the rates are fitted to.

    Returns
    -------
    float
        The relative :math:`L^2` error of the fit.
    """
    scheme = as_choice("scheme", scheme, ssm_init.SCHEMES)
    m = as_size("m", m, limit=64, why="modes of one extended-precision fit")
    target = require_kernel(target, "target")
    mu = ssm_init.ssm_eigenvalues(scheme, m)
    lam = np.exp(mu)
    ax_d, ax_f = axes
    th = np.linspace(0, 2 * np.pi, 400)
    ax_d.plot(np.cos(th), np.sin(th), color="0.6", lw=1)
    ax_d.plot(lam.real, lam.imag, "o", color=COLORS["blue"])
    ax_d.set_aspect("equal")
    ax_d.set_xlim(-1.1, 1.1)
    ax_d.set_ylim(-1.1, 1.1)
    ax_d.set_xlabel(r"$\mathrm{Re}\,\bar\lambda$")
    ax_d.set_ylabel(r"$\mathrm{Im}\,\bar\lambda$")
    ax_d.set_title(f"{scheme}, $m={m}$")
    rates = np.unique(np.round(-mu.real, 14))
    model, err = ssm_fit(target, rates)
    t = np.geomspace(0.1, 1e4, 300)
    ax_f.loglog(t, np.abs(target(t)), color=COLORS["black"], lw=2, label="target")
    ax_f.loglog(t, np.abs(model.kernel(t)).ravel(), color=COLORS["vermillion"], ls="--", lw=2,
                label=f"fit: {rates.size} rates,\nrel. $L^2$ error {err:.2g}")
    log_ticks(ax_f)
    ax_f.set_ylim(1e-8, 2)
    ax_f.set_xlabel("time (samples)")
    ax_f.set_ylabel(r"$|\rho(t)|$")
    ax_f.legend(loc="lower left")
    return err


@discard_on_error
def ssm_figure(scheme: str, m: int, target):
    """The static figure of :func:`draw_ssm_init`.

    Parameters
    ----------
    scheme : str
        One of :data:`lrnn.ssm_init.SCHEMES`.
    m : int
        The number of modes.
    target : Kernel
        The kernel the rates are fitted to.

    Returns
    -------
    (matplotlib.figure.Figure, float)
        The figure and the relative :math:`L^2` error of the fit.
    """
    fig, axes = new_figure(2, 1, width=3.4, height=3.2)
    err = draw_ssm_init(axes, scheme, m, target)
    return fig, err
