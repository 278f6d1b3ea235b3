r"""Figures of Chapter 2: universal approximation of linear functionals by linear RNNs.

The experiments with a live widget are drawn by *views*: objects that create
their artists once and replace their data in :meth:`update`, so that the static
figure, every scrubber frame and every slider move of the widget go through one
code path, and a widget update costs one re-rendering, not a new figure:

* :class:`WidthFitView` — a target kernel and its width-m fit, with the error
  against m (:func:`width_fit_figure`, :func:`width_scrubber`);
* :class:`MuntzView` — best errors for :math:`e^{-\kappa t}` with fixed
  sequences of rates and with grids that move with m (:func:`muntz_figure`,
  :func:`muntz_scrubber`).

The other figures are drawn once: :func:`substitution_diagram` (the picture of
the substitution :math:`u=e^{-t}` behind the proof), :func:`delta_figure`,
:func:`error_curves_figure` and :func:`rates_figure`. The numerical helpers are
public so that the chapter can check the figures' numbers independently:
:func:`target_kernel`, :func:`width_fit`, :func:`width_error`,
:func:`sequence_rates`, :func:`muntz_errors`, :func:`muntz_plateau`,
:func:`narrow_bump`.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from functools import lru_cache

import numpy as np
from matplotlib.ticker import NullLocator

from .. import kernels as _kernels
from .._validation import as_real_scalar
from ..approximation import fit, l2_error, log_spaced_rates
from ..rnn import LinearRNN
from ._scrubber import scrubber
from ._style import COLORS, CYCLE, LINESTYLES, fast_mode, new_figure

__all__ = [
    "TARGETS",
    "SEQUENCES",
    "SEQUENCE_LABELS",
    "COLUMN",
    "target_kernel",
    "width_fit",
    "width_error",
    "WidthFitView",
    "draw_width_fit",
    "width_fit_figure",
    "width_scrubber",
    "sequence_rates",
    "muntz_errors",
    "muntz_plateau",
    "MuntzView",
    "draw_muntz",
    "muntz_figure",
    "muntz_scrubber",
    "substitution_diagram",
    "draw_error_curves",
    "error_curves_figure",
    "draw_rates",
    "rates_figure",
    "narrow_bump",
    "draw_delta",
    "delta_figure",
]

#: Target kernels of :func:`target_kernel`, in the order of the widgets.
TARGETS = ("oscillatory", "delayed", "airy", "power law", "exponential")
#: Rate sequences of :func:`sequence_rates` (keys; the legends use :data:`SEQUENCE_LABELS`).
SEQUENCES = ("k", "k^2", "2^k", "log-spaced")
#: How the figures name the sequences (``"2^k"`` is :math:`\lambda_k=2^{k-1}`, starting at 1).
SEQUENCE_LABELS = {
    "k": r"$\lambda_k=k$",
    "k^2": r"$\lambda_k=k^2$",
    "2^k": r"$\lambda_k=2^{k-1}$",
    "log-spaced": r"log-spaced on $[1/m,\,m]$",
}
# The views' texts are plain Unicode (no mathtext): a scrubber renders every frame with a new renderer, whose
# mathtext cache starts empty, so each math string would be parsed again for every frame and every update.
_PLAIN_LABELS = {"k": "λₖ = k", "k^2": "λₖ = k²", "2^k": "λₖ = 2ᵏ⁻¹", "log-spaced": "log-spaced on [1/m, m]"}
#: Width (inches) of a figure that fills the book's text column.
COLUMN = 6.8

_TIME = {"oscillatory": 8.0, "delayed": 12.0, "airy": 12.0, "power law": 20.0, "exponential": 6.0}
# Fixed log-spaced rates per target for the widget views (reciprocal time scales of the kernel).
_RANGE = {"delayed": (0.02, 20.0), "airy": (0.05, 20.0), "power law": (1e-3, 10.0)}
_CURVE_WIDTHS = (1, 2, 4, 8, 16, 32)
_MAX_WIDTH = 32
_FLOOR = 1e-300  # an exact zero error is drawn at the bottom of a log axis


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _decade_label(value: float, _pos=None) -> str:
    """``10⁻³`` in plain Unicode text (no mathtext to parse when a frame is drawn)."""
    if not value > 0:
        return ""
    k = int(round(np.log10(value)))
    if abs(np.log10(value) - k) > 1e-6:
        return ""
    return "1" if k == 0 else "10" + str(k).translate(_SUPERSCRIPT)


def _light_log_axis(axis, every: int = 1) -> None:
    """Major ticks every ``every`` decades, plain-text labels, no minor ticks: a log axis cheap to redraw."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator

    axis.set_major_locator(LogLocator(base=10.0 ** every, numticks=12))
    axis.set_major_formatter(FuncFormatter(_decade_label))
    axis.set_minor_locator(NullLocator())


def _as_name(name, choices, what: str = "name") -> str:
    if not isinstance(name, str):
        raise TypeError(f"{what} must be a string, one of {list(choices)}, got {type(name).__name__}")
    if name not in choices:
        raise ValueError(f"{what} must be one of {list(choices)}, got {name!r}")
    return name


def _as_width(m, maximum: int | None = None) -> int:
    if isinstance(m, (bool, np.bool_)) or not isinstance(m, numbers.Integral):
        raise TypeError(f"m must be an integer width, got {type(m).__name__}")
    if m < 1 or (maximum is not None and m > maximum):
        bound = f" and at most {maximum}" if maximum is not None else ""
        raise ValueError(f"m must be at least 1{bound}, got {m}")
    return int(m)


def _kappa(kappa, gamma) -> float:
    """The target rate κ; ``gamma`` is the keyword of earlier versions (same meaning)."""
    if gamma is not None:
        kappa = gamma
    return as_real_scalar("kappa", kappa, positive=True)


# ----------------------------------------------------------------------------- targets and width fits
def target_kernel(name: str) -> _kernels.Kernel:
    r"""The chapter's target kernels.

    ``"exponential"``: :math:`e^{-1.5t}`; ``"oscillatory"``: :math:`e^{-t}\cos t`;
    ``"delayed"``: :math:`e^{-(t-4)^2}`; ``"airy"``: :math:`\mathrm{Ai}(t-4)`;
    ``"power law"``: :math:`(1+t)^{-1.5}`.
    """
    table = {
        "exponential": lambda: _kernels.Exponential(1.5),
        "oscillatory": lambda: _kernels.DampedOscillation(1.0, 1.0),
        "delayed": lambda: _kernels.Delayed(4.0, 1.0),
        "airy": lambda: _kernels.Airy(4.0),
        "power law": lambda: _kernels.PowerLaw(0.5),
    }
    return table[_as_name(name, sorted(table))]()


@lru_cache(maxsize=None)
def _target(name: str) -> _kernels.Kernel:
    return target_kernel(name)


@lru_cache(maxsize=None)
def _width_fit(name: str, m: int) -> LinearRNN:
    rho = _target(name)
    if name in _RANGE:
        lo, hi = _RANGE[name]
        return fit(rho, m, log_spaced_rates(lo, hi, m) if m > 1 else [np.sqrt(lo * hi)])
    return fit(rho, m)


def width_fit(name: str, m: int) -> LinearRNN:
    """The fit shown by the width experiment (cached).

    Free rates (:func:`lrnn.fit`) for the exponential-sum targets, whose rates are found
    in closed form; for the others the best weights for ``m`` rates log-spaced on a range
    set by the kernel's time scales (delayed: [0.02, 20], Airy: [0.05, 20], power law:
    [1e-3, 10]), so that every update of the widget stays fast.
    """
    return _width_fit(_as_name(name, TARGETS), _as_width(m))


@lru_cache(maxsize=None)
def _width_error(name: str, m: int) -> float:
    return l2_error(_target(name), _width_fit(name, m), relative=True)


def width_error(name: str, m: int) -> float:
    r"""Relative :math:`L^2` error :math:`\|\rho-\hat\rho_m\|_2/\|\rho\|_2` of :func:`width_fit` (cached)."""
    return _width_error(_as_name(name, TARGETS), _as_width(m))


@lru_cache(maxsize=None)
def _kernel_samples(name: str) -> tuple[np.ndarray, np.ndarray, tuple[float, float]]:
    t = np.linspace(0.0, _TIME[name], 600)
    v = np.asarray(_target(name)(t), dtype=float)
    lo, hi = min(float(v.min()), 0.0), float(v.max())
    pad = 0.12 * (hi - lo)
    return t, v, (lo - pad, hi + pad)


class WidthFitView:
    """Experiment (a): a target kernel and its width-m fit (left), the relative L² error against m (right).

    The artists are created once; :meth:`update` replaces their data, so the static figure,
    the scrubber's frames and the live widget share this code. Axis limits depend only on
    the target, not on m, so that frames of one target line up.

    Parameters
    ----------
    axes : pair of matplotlib Axes, optional
        Where to draw; default a new figure one text column wide.
    widths : sequence of int, default (1, 2, 4, 8, 16, 32)
        The widths of the error curve.

    Attributes
    ----------
    figure : matplotlib.figure.Figure
    axes : tuple of two Axes
    """

    def __init__(self, axes=None, widths: Sequence[int] = _CURVE_WIDTHS):
        if axes is None:
            _, axes = new_figure(ncols=2, width=COLUMN / 2, height=2.9)
        axes = list(np.ravel(axes))
        if len(axes) < 2:
            raise ValueError(f"axes must provide two Axes, got {len(axes)}")
        self.widths = tuple(_as_width(int(k)) for k in widths)
        ax_k, ax_e = axes[:2]
        self.axes = (ax_k, ax_e)
        self.figure = ax_k.figure
        ax_k.axhline(0.0, color="0.6", lw=0.8)
        (self._target,) = ax_k.plot([], [], color=COLORS["black"], lw=2.2, label="target ρ")
        (self._fit,) = ax_k.plot([], [], color=COLORS["vermillion"], ls="--", lw=1.8, label="fit")
        ax_k.set_xlabel("lag t")
        ax_k.set_ylabel("kernel ρ(t)")
        self._legend = ax_k.legend(loc="upper right")
        (self._curve,) = ax_e.plot([], [], "o-", color=COLORS["blue"], lw=1.6, ms=5)
        (self._mark,) = ax_e.plot([], [], "s", ms=11, mfc="none", mec=COLORS["vermillion"], mew=2)
        ax_e.set_xscale("log")
        ax_e.set_yscale("log")
        ax_e.set_xticks([1, 2, 4, 8, 16, 32], ["1", "2", "4", "8", "16", "32"])
        ax_e.xaxis.set_minor_locator(NullLocator())
        ax_e.set_xlim(0.8, 1.25 * _MAX_WIDTH)
        ax_e.set_xlabel("width m")
        ax_e.set_ylabel("relative L² error")

    def update(self, name: str = "airy", m: int = 8) -> dict:
        """Show the fit of width ``m`` to the target ``name`` (one of :data:`TARGETS`, 1 ≤ m ≤ 32).

        Returns
        -------
        dict
            ``model`` (the fit), ``error`` (its relative L² error) and ``errors`` (``{width: error}``
            of the curve).
        """
        name = _as_name(name, TARGETS)
        m = _as_width(m, _MAX_WIDTH)
        ax_k, ax_e = self.axes
        t, v, ylim = _kernel_samples(name)
        model = width_fit(name, m)
        self._target.set_data(t, v)
        self._fit.set_data(t, model.kernel(t))
        self._legend.texts[1].set_text(f"fit, m = {m}")  # plain text: no mathtext parse per update
        ax_k.set_xlim(0.0, t[-1])
        ax_k.set_ylim(*ylim)
        rule = "free rates" if name not in _RANGE else "log-spaced rates"
        ax_k.set_title(f"{name}: {rule}")
        errors = {k: width_error(name, k) for k in self.widths}
        err = width_error(name, m)
        ks = sorted(errors)
        self._curve.set_data(ks, [max(errors[k], _FLOOR) for k in ks])
        self._mark.set_data([m], [max(err, _FLOOR)])
        positive = [e for e in errors.values() if e > 0]
        low = min(positive) / 4 if positive else 1e-16
        ax_e.set_ylim(max(low, 1e-17), 2.0)
        _light_log_axis(ax_e.yaxis, every=1 if low > 1e-6 else 2)
        ax_e.set_title(f"error at m = {m}: {err:.2e}")
        return {"model": model, "error": err, "errors": errors}


def draw_width_fit(axes, name: str, m: int, widths: Sequence[int] = _CURVE_WIDTHS) -> dict:
    """Left: the target kernel and its width-m fit; right: relative L² error against m (current m marked).

    A :class:`WidthFitView` on ``axes``. Returns the numbers drawn: ``{"error": ..., "errors": {m: ...}}``.
    """
    out = WidthFitView(axes, widths).update(name, m)
    return {"error": out["error"], "errors": out["errors"]}


def width_fit_figure(name: str = "airy", m: int = 8):
    """Figure of :class:`WidthFitView` for one target and width."""
    view = WidthFitView()
    view.update(name, m)
    return view.figure


def width_scrubber(name: str = "airy"):
    """Kernel-free scrubber over the width m of :class:`WidthFitView` (m = 1 … 32; fewer frames under LRNN_FAST).

    Returns
    -------
    IPython.display.HTML
    """
    name = _as_name(name, TARGETS)
    frames = [1, 4, 16] if fast_mode() else [1, 2, 3, 4, 6, 8, 12, 16, 24, 32]
    alt = (f"The {name} kernel (solid) and its best width-m fit (dashed), next to the relative L2 error "
           "against the width; frame by frame m grows from 1 to 32, the fit follows more of the kernel's "
           "shape and the marked error moves down the error curve.")
    return scrubber(lambda axes, m: WidthFitView(axes).update(name, m), frames, ncols=2, width=COLUMN / 2,
                    height=2.9, alt=alt)


# ----------------------------------------------------------------------------- Müntz–Szász
def sequence_rates(name: str, m: int) -> np.ndarray:
    r"""The first m rates of a named sequence.

    ``"k"``: :math:`\lambda_k=k` (:math:`\sum1/\lambda_k=\infty`); ``"k^2"``:
    :math:`k^2`; ``"2^k"``: :math:`2^{k-1}` (both :math:`\sum1/\lambda_k<\infty`);
    ``"log-spaced"``: m rates evenly spaced in :math:`\log\lambda` on
    :math:`[1/m, m]` — a new grid for every m, not a sequence.
    """
    name = _as_name(name, SEQUENCES)
    m = _as_width(m)
    k = np.arange(1.0, m + 1)
    if name == "k":
        return k
    if name == "k^2":
        return k**2
    if name == "2^k":
        return 2.0 ** (k - 1)
    return log_spaced_rates(1.0 / m, float(m), m) if m > 1 else np.array([1.0])


def _log_factors(kappa: float, lam: np.ndarray) -> np.ndarray:
    r"""log of |κ − λ_k|/(κ + λ_k) = log1p(−2 min(κ, λ_k)/(κ + λ_k)) (−inf where λ_k = κ)."""
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        q = 2.0 * np.minimum(kappa, lam) / (kappa + lam)
        q = np.where(np.isfinite(lam), q, 0.0)
        return np.log1p(-q)


def muntz_errors(name: str, widths: Sequence[int], kappa: float = 0.37, *, gamma: float | None = None) -> np.ndarray:
    r"""Exact best relative :math:`L^2` errors for :math:`e^{-\kappa t}`, one per width m.

    The Blaschke product :math:`\prod_{k\le m}|\kappa-\lambda_k|/(\kappa+\lambda_k)`
    (:func:`lrnn.approximation.blaschke_error`), computed as a cumulative sum of
    :math:`\log(1-2\min(\kappa,\lambda_k)/(\kappa+\lambda_k))` for the nested sequences
    (one pass for all widths) and per width for the log-spaced grids. It is exactly 0
    when κ is one of the rates. ``gamma`` is the keyword of earlier versions (= κ).
    """
    name = _as_name(name, SEQUENCES)
    g = _kappa(kappa, gamma)
    ms = [_as_width(int(m)) for m in widths]
    if not ms:
        return np.array([])
    if name == "log-spaced":
        return np.array([float(np.exp(np.sum(_log_factors(g, sequence_rates(name, m))))) for m in ms])
    m_max = max(ms)
    k = np.arange(1.0, m_max + 1)
    with np.errstate(over="ignore"):
        lam = {"k": k, "k^2": k**2, "2^k": 2.0 ** (k - 1)}[name]
    cum = np.cumsum(_log_factors(g, lam))
    return np.exp(cum[np.asarray(ms) - 1])


def muntz_plateau(name: str, kappa: float = 0.37) -> float:
    r"""The limit :math:`\prod_{k\ge1}|\kappa-\lambda_k|/(\kappa+\lambda_k)` of a sequence with :math:`\sum1/\lambda_k<\infty`.

    ``"k^2"``: Euler's product gives :math:`|\sin\pi\sqrt\kappa|/\sinh\pi\sqrt\kappa`;
    ``"2^k"``: the product of the first 1100 factors (the rest differ from one by less than
    :math:`2^{-1000}`). ``"k"`` has limit 0 (its rates satisfy Müntz's condition).
    """
    name = _as_name(name, ("k", "k^2", "2^k"))
    g = as_real_scalar("kappa", kappa, positive=True)
    if name == "k":
        return 0.0
    if name == "k^2":
        s = np.pi * np.sqrt(g)
        return float(abs(np.sin(s)) / np.sinh(s))
    return float(muntz_errors("2^k", [1100], g)[0])


def _widths(m_max: int, n: int) -> np.ndarray:
    return np.unique(np.round(np.geomspace(1, m_max, n)).astype(int))


class MuntzView:
    r"""Experiment (b): best errors for :math:`e^{-\kappa t}` against the width, for four choices of rates.

    Left, the fixed sequences :math:`\lambda_k = k, k^2, 2^{k-1}` up to m = 1000 on a zoomed
    axis, with the plateaus of the two sequences whose reciprocals have a finite sum
    (dotted); right, :math:`\lambda_k=k` against grids log-spaced on :math:`[1/m, m]` (a new
    grid for each m), on an axis that reaches 1e-16. Axis limits are fixed, so scrubber
    frames and widget updates line up. All errors are exact (Blaschke products).

    Parameters
    ----------
    axes : pair of matplotlib Axes, optional
        Where to draw; default a new figure one text column wide.
    """

    LEFT = ("k", "k^2", "2^k")
    RIGHT = ("k", "log-spaced")
    M_LEFT, M_RIGHT = 1000, 64

    def __init__(self, axes=None):
        if axes is None:
            _, axes = new_figure(ncols=2, width=COLUMN / 2, height=3.1)
        axes = list(np.ravel(axes))
        if len(axes) < 2:
            raise ValueError(f"axes must provide two Axes, got {len(axes)}")
        ax_a, ax_b = axes[:2]
        self.axes = (ax_a, ax_b)
        self.figure = ax_a.figure
        self._wl = _widths(self.M_LEFT, 48)
        self._wr = np.arange(1, self.M_RIGHT + 1)
        self._lines, self._plateaus = {}, {}
        for panel, names in (("a", self.LEFT), ("b", self.RIGHT)):
            ax = ax_a if panel == "a" else ax_b
            for name in names:
                i = SEQUENCES.index(name)
                (line,) = ax.plot([], [], color=CYCLE[i], ls=LINESTYLES[i], lw=2.0, label=_PLAIN_LABELS[name])
                self._lines[panel, name] = line
        self._plateau_text = {}
        for name in ("k^2", "2^k"):
            i = SEQUENCES.index(name)
            self._plateaus[name] = ax_a.axhline(1.0, color=CYCLE[i], ls=":", lw=1.2)
            self._plateau_text[name] = ax_a.text(0.97 * self.M_LEFT, 1.0, "", color=CYCLE[i], ha="right")
        for ax, m_max, ylim, every in ((ax_a, self.M_LEFT, (1e-4, 1.5), 1), (ax_b, self.M_RIGHT, (1e-16, 5.0), 3)):
            ax.set_xscale("log")
            ax.set_yscale("log")
            ax.set_xlim(0.9, 1.15 * m_max)
            ax.set_ylim(*ylim)
            _light_log_axis(ax.yaxis, every)
            _light_log_axis(ax.xaxis)
            ax.set_xlabel("width m")
        ax_a.set_xticks([1, 10, 100, 1000], ["1", "10", "100", "1000"])
        ax_b.set_xticks([1, 2, 4, 8, 16, 32, 64], ["1", "2", "4", "8", "16", "32", "64"])
        ax_a.set_ylabel("best relative L² error")
        ax_a.set_title("(a) fixed sequences of rates")
        ax_b.set_title("(b) grids that move with m")
        self._legends, self._shown = (None, None), None
        self._title = self.figure.suptitle(" ")  # plain text: no mathtext parse per update
        self._zero_note = ax_a.text(0.5, 0.55, "", transform=ax_a.transAxes, ha="center", va="center")

    def update(self, sequences: Sequence[str] = SEQUENCES, kappa: float = 0.37, *, gamma: float | None = None) -> dict:
        """Show the sequences in ``sequences`` (names of :data:`SEQUENCES`) for the target :math:`e^{-\\kappa t}`.

        Returns
        -------
        dict
            ``{name: errors}`` for the shown sequences (widths ``widths_left``/``widths_right``),
            and ``plateaus`` (``{"k^2": ..., "2^k": ...}``).
        """
        g = _kappa(kappa, gamma)
        shown = [_as_name(s, SEQUENCES, "sequences") for s in sequences]
        out = {"widths_left": self._wl, "widths_right": self._wr}
        for (panel, name), line in self._lines.items():
            widths = self._wl if panel == "a" else self._wr
            visible = name in shown
            line.set_visible(visible)
            if visible:
                errs = muntz_errors(name, widths, g)
                out.setdefault(name, {})[panel] = errs
                line.set_data(widths, np.maximum(errs, _FLOOR))
        plateaus = {name: muntz_plateau(name, g) for name in self._plateaus}
        top = max(plateaus, key=plateaus.get)
        for name, line in self._plateaus.items():
            level = plateaus[name]
            line.set_ydata([max(level, _FLOOR)] * 2)
            line.set_visible(name in shown)
            text = self._plateau_text[name]
            text.set_y(max(level, _FLOOR))
            text.set_va("bottom" if name == top else "top")
            text.set_text(f"plateau {level:.3f}")
            text.set_visible(name in shown and level > 1e-4)
        if tuple(shown) != self._shown:  # rebuild the legends only when the set of curves changes
            for legend in self._legends:
                if legend is not None:
                    legend.remove()
            legends = []
            for ax, panel, names in zip(self.axes, "ab", (self.LEFT, self.RIGHT)):
                handles = [self._lines[panel, n] for n in names if n in shown]
                legends.append(ax.legend(handles=handles, loc="lower left") if handles else None)
            self._legends, self._shown = tuple(legends), tuple(shown)
        self._title.set_text(f"target exp(−κt) with κ = {g:g}")
        exact = [n for n in self.LEFT if n in shown and np.any(out.get(n, {}).get("a", np.ones(1)) == 0)]
        self._zero_note.set_text(f"κ = {g:g} is one of the rates:\nthe best error is exactly 0" if exact else "")
        out["plateaus"] = plateaus
        return out


def draw_muntz(ax, names: Sequence[str] = SEQUENCES, kappa: float = 0.37, m_max: int = 64, *,
               gamma: float | None = None) -> dict:
    r"""All named sequences on one axes: best relative L² error for :math:`e^{-\kappa t}` against m ≤ ``m_max``.

    The single-panel form of earlier versions (kept for compatibility; the book uses
    :class:`MuntzView`). Returns ``{name: errors}``.
    """
    g = _kappa(kappa, gamma)
    widths = _widths(_as_width(m_max), 24)
    out = {}
    for name in names:
        name = _as_name(name, SEQUENCES)
        errs = muntz_errors(name, widths, g)
        out[name] = errs
        i = SEQUENCES.index(name)
        ax.loglog(widths, np.maximum(errs, 1e-17), color=CYCLE[i], ls=LINESTYLES[i], lw=2,
                  label=SEQUENCE_LABELS[name])
    ax.set_xlabel("width $m$")
    ax.set_ylabel(r"best $\|\rho-\hat\rho_m\|_2/\|\rho\|_2$")
    ax.set_title(rf"target $e^{{-{g:g}t}}$")
    ax.legend(loc="lower left")
    return out


def muntz_figure(names: Sequence[str] = SEQUENCES, kappa: float = 0.37, m_max: int | None = None, *,
                 gamma: float | None = None):
    """Figure of :class:`MuntzView` (``m_max`` is ignored: the panels have fixed ranges)."""
    view = MuntzView()
    view.update(names, _kappa(kappa, gamma))
    return view.figure


def muntz_scrubber(kappas: Sequence[float] | None = None):
    r"""Kernel-free scrubber over the target rate κ of :class:`MuntzView` (fewer frames under LRNN_FAST).

    The default frames avoid values of κ that are rates of the sequences (1, 2, 4, …), where
    the best error is exactly zero.
    """
    if kappas is None:
        kappas = [0.1, 0.37, 0.9, 2.5] if fast_mode() else [0.1, 0.2, 0.37, 0.6, 0.9, 1.5, 2.5, 3.7]
    alt = ("Two log-log panels of the best relative error for the target e^(-kappa t) against the width, one "
           "frame per target rate kappa. Left: the rates k keep decreasing while k squared and 2^(k-1) level "
           "off at their dotted plateaus; right: grids log-spaced on [1/m, m] plunge towards 1e-16. As kappa "
           "grows, every curve falls faster and the plateaus drop.")
    return scrubber(lambda axes, g: MuntzView(axes).update(SEQUENCES, g), list(kappas), ncols=2,
                    width=COLUMN / 2, height=3.1, alt=alt)


# ----------------------------------------------------------------------------- the substitution u = e^{-t}
def substitution_diagram():
    r"""Diagram of the substitution :math:`u=e^{-t}` behind the universal approximation theorem.

    Top: the exponentials :math:`e^{-t}, e^{-2t}, e^{-3t}` on :math:`t\in[0,\infty)`; bottom: the
    same functions as monomials :math:`u, u^2, u^3` on :math:`u\in(0,1]`, with the u axis running
    from 1 to 0 so that it lines up with t. Grey connectors join t = 0, 1, 2, 3, 5 to
    :math:`u=e^{-t}`: the whole tail :math:`t\ge3` lands in :math:`(0, 0.05]`. The formula in
    the middle says how the measure changes, :math:`dt = du/u`, so :math:`L^1(dt)` becomes
    :math:`L^1(du/u)`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from matplotlib.patches import ConnectionPatch

    fig, (ax_t, ax_u) = new_figure(ncols=1, nrows=2, width=COLUMN, height=1.85)
    fig.get_layout_engine().set(hspace=0.3)
    t = np.linspace(0.0, 5.2, 400)
    u = np.linspace(0.0, 1.0, 400)
    for k in (1, 2, 3):
        i = k - 1
        ax_t.plot(t, np.exp(-k * t), color=CYCLE[i], ls=LINESTYLES[i], lw=2.0,
                  label=r"$e^{-t}=u$" if k == 1 else rf"$e^{{-{k}t}}=u^{{{k}}}$")
        ax_u.plot(u, u**k, color=CYCLE[i], ls=LINESTYLES[i], lw=2.0)
    ax_t.set_xlim(0.0, 5.2)
    ax_u.set_xlim(1.0, 0.0)  # reversed: u = 1 under t = 0
    for ax in (ax_t, ax_u):
        ax.set_ylim(0.0, 1.08)
        ax.set_yticks([0.0, 0.5, 1.0])
        ax.grid(False)
    ax_t.legend(loc="upper right", ncol=3)  # one legend: the colours pair e^{-kt} with u^k
    # the t axis is labelled on top, so that its bottom edge is free for the connectors
    ax_t.xaxis.tick_top()
    ax_t.xaxis.set_label_position("top")
    ax_t.spines["top"].set_visible(True)
    ax_t.spines["bottom"].set_visible(True)
    ax_t.set_xlabel(r"lag $t\in[0,\infty)$: a kernel of rates $1,\dots,m$ is a sum of $a_k e^{-kt}$")
    ax_u.set_xlabel(r"$u=e^{-t}\in(0,1]$, axis reversed: the same sum is the polynomial $\sum_k a_k u^k$")
    marks = (0.0, 1.0, 2.0, 3.0, 5.0)
    ax_t.set_xticks(marks)
    ax_u.set_xticks([1.0, np.exp(-1.0), np.exp(-2.0), 0.0])
    ax_u.set_xticklabels(["1", "$e^{-1}$", "$e^{-2}$", "0"])
    for x in marks:
        fig.add_artist(ConnectionPatch(xyA=(x, 0.0), coordsA=ax_t.transData, xyB=(np.exp(-x), 1.08),
                                       coordsB=ax_u.transData, color="0.6", lw=1.0, zorder=0))
    fig.text(0.5, 0.5, r"$u=e^{-t},\ \ dt=-du/u:\qquad \int_0^\infty|f(t)|\,dt"
                       r"\;=\;\int_0^1|f(-\ln u)|\;du/u$",
             ha="center", va="center", fontsize=11, bbox=dict(boxstyle="round,pad=0.35", fc="white", ec="0.6"))
    ax_u.annotate(r"the whole tail $t\geq 3$ lands in $(0,\,0.05]$", xy=(0.025, 0.03), xytext=(0.25, 0.62),
                  arrowprops=dict(arrowstyle="->", color="0.3", lw=1.0), ha="center", va="center")
    return fig


# ----------------------------------------------------------------------------- error curves
def draw_error_curves(axes, errors: Mapping[str, Mapping[int, tuple[float, float]]]) -> None:
    """Relative L² (left) and L¹ (right) errors against m; ``errors[name][m] = (l2, l1)``."""
    for i, (name, row) in enumerate(errors.items()):
        ms = sorted(row)
        for j, ax in enumerate(axes):
            ax.loglog(ms, [max(row[m][j], 1e-17) for m in ms], marker="o", color=CYCLE[i % len(CYCLE)],
                      ls=LINESTYLES[i % len(LINESTYLES)], label=name)
    for ax in axes:
        _light_log_axis(ax.yaxis, every=2)
        ax.set_xticks([1, 2, 4, 8, 16], ["1", "2", "4", "8", "16"])
        ax.xaxis.set_minor_locator(NullLocator())
    axes[0].set_ylabel(r"$\|\rho-\hat\rho_m\|_2/\|\rho\|_2$")
    axes[1].set_ylabel(r"$\|\rho-\hat\rho_m\|_1/\|\rho\|_1$")
    axes[0].set_title("$L^2$ (what the fit minimises)")
    axes[1].set_title("$L^1$ (the error of the theorem)")
    for ax in axes:
        ax.set_xlabel("width $m$")
    axes[0].legend(loc="lower left")


def error_curves_figure(errors: Mapping[str, Mapping[int, tuple[float, float]]]):
    """Figure of :func:`draw_error_curves`."""
    fig, axes = new_figure(2, 1, width=COLUMN / 2, height=3.1, sharey=True)
    draw_error_curves(axes, errors)
    axes[1].yaxis.set_tick_params(labelleft=True)
    return fig


def draw_rates(ax, models: Mapping[str, LinearRNN]) -> None:
    """The fitted decay rates λ_k (one row per target) on a log axis."""
    names = list(models)
    for i, name in enumerate(names):
        lam = np.sort(-np.diag(models[name].W))
        ax.semilogx(lam, np.full(lam.size, i), "|", ms=16, mew=2, color=CYCLE[i % len(CYCLE)])
    ax.set_yticks(range(len(names)))
    ax.set_yticklabels(names)
    ax.set_xlabel(r"fitted rate $\lambda_k$ (eigenvalue $-\lambda_k$ of $W$)")
    ax.set_ylim(-0.6, len(names) - 0.4)


def rates_figure(models: Mapping[str, LinearRNN]):
    """Figure of :func:`draw_rates`."""
    fig, ax = new_figure(1, 1, width=COLUMN, height=2.4)
    draw_rates(ax, models)
    return fig


# ----------------------------------------------------------------------------- point evaluation
def narrow_bump(width: float, lag: float = 1.0) -> _kernels.Kernel:
    r"""Unit-mass Gaussian bump :math:`\frac{1}{\varsigma\sqrt\pi}e^{-((t-\ell)/\varsigma)^2}` (→ δ at ℓ as ς → 0)."""
    s = as_real_scalar("width", width, positive=True)
    ell = as_real_scalar("lag", lag, positive=True)
    return _kernels.Delayed(ell, s, weight=1.0 / (s * np.sqrt(np.pi)))


def draw_delta(ax, widths: Sequence[float], errors: Mapping[int, Sequence[float]]) -> None:
    """L¹ error of width-m fits to unit-mass bumps against the bump width ς (one curve per m)."""
    for i, (m, errs) in enumerate(sorted(errors.items())):
        ax.semilogx(widths, errs, marker="o", color=CYCLE[i % len(CYCLE)], ls=LINESTYLES[i % len(LINESTYLES)],
                    label=f"$m={m}$")
    ax.axhline(1.0, color=COLORS["black"], lw=1, ls=":")
    ax.text(min(widths), 1.02, r"$\|\rho_\varsigma\|_1 = 1$ ", va="bottom", ha="right")
    ax.set_xlabel(r"bump width $\varsigma$ (unit mass at lag $\ell=1$)")
    ax.set_ylabel(r"$\|\rho_\varsigma-\hat\rho\|_1$")
    ax.set_ylim(0.0, None)
    ax.invert_xaxis()
    ax.legend(loc="upper left")


def delta_figure(widths: Sequence[float], errors: Mapping[int, Sequence[float]]):
    """Figure of :func:`draw_delta`."""
    fig, ax = new_figure(1, 1, width=0.75 * COLUMN, height=3.1)
    draw_delta(ax, widths, errors)
    return fig
