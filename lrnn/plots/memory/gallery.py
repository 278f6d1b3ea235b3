"""Chapter 1's gallery of kernels: four memory kernels side by side, and their tails on log–log axes."""

from __future__ import annotations

import numpy as np

from ... import kernels as _kernels
from ..._validation import as_real_scalar
from .._common import COLUMN, discard_on_error
from .._style import CYCLE, LINESTYLES, new_figure

__all__ = ["default_gallery", "draw_kernel_gallery", "kernel_gallery", "kernel_tails"]


def default_gallery() -> list[tuple[str, _kernels.Kernel]]:
    """The four kernels of the chapter's gallery, as ``(label, kernel)`` pairs."""
    return [
        (r"exponential $e^{-t/2}$", _kernels.Exponential(rate=0.5)),
        (r"power law $(1+t)^{-3/2}$", _kernels.PowerLaw(omega=0.5)),
        (r"delayed $e^{-(t-5)^2}$", _kernels.Delayed(lag=5.0)),
        (r"Airy $\mathrm{Ai}(t-5)$", _kernels.Airy(lag=5.0)),
    ]


def _short(label: str) -> str:
    """The family name of a gallery label (the text before the formula)."""
    return label.split(" $")[0]


def draw_kernel_gallery(axes, gallery=None, t_max: float = 20.0) -> np.ndarray:
    r"""Draw each kernel of ``gallery`` on its own axes, titled by its label.

    Parameters
    ----------
    axes : sequence of matplotlib Axes
        One per kernel.
    gallery : list of (str, Kernel), optional
        Labelled kernels; default :func:`default_gallery`.
    t_max : float, default 20
        Right end of the time axis.

    Returns
    -------
    numpy.ndarray, shape (len(gallery), 2)
        The norms :math:`(\|\rho\|_{L^1}, \|\rho\|_{L^2})` of the kernels
        (``k.norm(1)``, ``k.norm(2)``), for a table beside the figure.
    """
    gallery = default_gallery() if gallery is None else list(gallery)
    t_max = as_real_scalar("t_max", t_max, positive=True)
    axes = list(np.ravel(axes))
    if len(axes) != len(gallery):
        raise ValueError(f"axes must provide one Axes per kernel ({len(gallery)}), got {len(axes)}")
    t = np.linspace(0.0, t_max, 801)
    norms = np.empty((len(gallery), 2))
    for i, (ax, (label, k)) in enumerate(zip(axes, gallery)):
        _kernels.require_kernel(k, f"gallery[{i}] kernel")
        norms[i] = k.norm(1), k.norm(2)
        ax.axhline(0.0, color="0.6", lw=0.8)
        ax.plot(t, k(t), color=CYCLE[i % len(CYCLE)], ls=LINESTYLES[i % len(LINESTYLES)], lw=1.8)
        ax.set_title(label)
        ax.set_xlabel("lag $t$")
        ax.set_ylabel(r"$\rho(t)$")
    return norms


def _draw_tails(ax, gallery) -> None:
    t = np.geomspace(0.1, 1000.0, 600)
    for i, (label, k) in enumerate(gallery):
        v = np.abs(k(t))
        v = np.where(v > 1e-12, v, np.nan)
        ax.loglog(t, v, color=CYCLE[i % len(CYCLE)], ls=LINESTYLES[i % len(LINESTYLES)], lw=1.8,
                  label=_short(label))
    ax.set_ylim(1e-10, 3.0)
    ax.set_xlabel("lag $t$")
    ax.set_ylabel(r"$|\rho(t)|$")
    ax.legend(loc="lower right")


@discard_on_error
def kernel_gallery(gallery=None, t_max: float = 20.0, log_panel: bool = False):
    r"""The kernels in a grid of at most three panels a row (two for four kernels).

    Parameters
    ----------
    gallery : list of (str, Kernel), optional
        Labelled kernels; default :func:`default_gallery` (exponential, power
        law, delayed, Airy).
    t_max : float, default 20
        Right end of the linear time axes.
    log_panel : bool, default False
        Add a panel with :math:`|\rho(t)|` on log–log axes (see
        :func:`kernel_tails`, which draws it as a figure of its own).

    Returns
    -------
    matplotlib.figure.Figure
    """
    gallery = default_gallery() if gallery is None else list(gallery)
    if len(gallery) == 0:
        raise ValueError("gallery must contain at least one (label, kernel) pair")
    panels = len(gallery) + (1 if log_panel else 0)
    ncols = 2 if panels in (2, 4) else min(3, panels)
    nrows = -(-panels // ncols)
    fig, axes = new_figure(ncols=ncols, nrows=nrows, width=COLUMN / ncols, height=2.3)
    axes = np.ravel(np.atleast_1d(axes))
    draw_kernel_gallery(axes[: len(gallery)], gallery, t_max)
    if log_panel:
        _draw_tails(axes[len(gallery)], gallery)
    for ax in axes[panels:]:
        ax.set_visible(False)
    return fig


@discard_on_error
def kernel_tails(gallery=None):
    r"""The tails :math:`|\rho(t)|` of the gallery's kernels on log–log axes, :math:`t\in[0.1, 10^3]`.

    A power law is a straight line there; exponential and super-exponential
    tails plunge (values below :math:`10^{-12}` are not drawn).

    Parameters
    ----------
    gallery : list of (str, Kernel), optional
        Labelled kernels; default :func:`default_gallery`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    gallery = default_gallery() if gallery is None else list(gallery)
    if len(gallery) == 0:
        raise ValueError("gallery must contain at least one (label, kernel) pair")
    for i, (_, k) in enumerate(gallery):
        _kernels.require_kernel(k, f"gallery[{i}] kernel")
    fig, ax = new_figure(width=4.8, height=3.2)
    _draw_tails(ax, gallery)
    return fig

