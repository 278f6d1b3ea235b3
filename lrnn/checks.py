"""Self-checks for the book's exercises.

For every exercise whose answer is a number (or a few numbers, or a function), this module provides a function
named after the exercise's label (``ex-c2-one-unit`` → :func:`ex_c2_one_unit`). A student calls it with their
answers; it returns a :class:`CheckResult` that says whether the answers are right, within the tolerance stated in
the function's docstring, and, if not, gives a hint that points at the method without revealing the answer.

The reference values are computed when the check is called, by a method independent of the chapter's solution
(closed forms, ``scipy.integrate.quad``, ``scipy.optimize``), and they are never printed. A check never raises on a
wrong or missing answer: an unanswered stub (``...``), a value of the wrong type, or a function that raises all give
a failed result with a message. Set the environment variable ``LRNN_STRICT_CHECKS=1`` to make failed checks raise
:class:`AssertionError` after displaying (for graders that score by exceptions, such as nbgrader).

The registry :data:`REGISTRY` maps each exercise label to an :class:`ExerciseCheck`: the answers the check expects
(their names and a description for the stub of the student edition), the expressions that bind them in the
chapter's reference solution (used by the instructor edition), and the points the exercise is worth.
:mod:`lrnn.coursework` builds the student and instructor editions and the autograder from it.
"""

from __future__ import annotations

import functools
import html
import inspect
import math
import os
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import integrate, linalg, optimize, special

__all__ = [
    "CheckResult", "ExerciseCheck", "Answer", "REGISTRY", "MIME_TYPE", "get", "labels",
    "ex_c1_two_by_two", "ex_c1_discretise", "ex_c1_vector",
    "ex_c2_integrable", "ex_c2_one_unit", "ex_c2_blaschke_two", "ex_c2_muntz",
    "ex_c3_one_term", "ex_c3_exponential_rate", "ex_c3_hankel_rank",
    "ex_c4_gradient", "ex_c4_barrier", "ex_c4_slope", "ex_c4_step",
    "ex_c5_dense", "ex_c5_best", "ex_c5_jump", "ex_c5_eta", "ex_c5_sensitivity",
]

#: The MIME type under which a :class:`CheckResult` publishes its verdict (read by the autograder).
MIME_TYPE = "application/vnd.lrnn.check+json"


@dataclass(frozen=True)
class CheckResult:
    """The verdict of a self-check.

    Attributes
    ----------
    exercise : str
        The exercise label, e.g. ``"ex-c2-one-unit"``.
    passed : bool
        Whether every answer is within tolerance.
    message : str
        What was checked (on success) or what is wrong and a hint (on failure). Never contains a reference value.
    """

    exercise: str
    passed: bool
    message: str

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        mark = "PASSED" if self.passed else "NOT YET"
        return f"[{mark}] {self.exercise}: {self.message}"

    __repr__ = __str__

    def _repr_mimebundle_(self, include=None, exclude=None):
        colour = "#1b7837" if self.passed else "#b2182b"
        mark = "&#10004; correct" if self.passed else "&#10008; not yet"
        return {
            "text/plain": str(self),
            "text/html": (f'<div style="border-left:4px solid {colour};padding:4px 8px">'
                          f"<b>{html.escape(self.exercise)}</b> &mdash; <b>{mark}</b><br>"
                          f"{html.escape(self.message)}</div>"),
            MIME_TYPE: {"exercise": self.exercise, "passed": self.passed, "message": self.message},
        }

    def raise_if_failed(self) -> CheckResult:
        """Raise :class:`AssertionError` with the message if the check failed; return ``self`` otherwise."""
        if not self.passed:
            raise AssertionError(str(self))
        return self


@dataclass(frozen=True)
class Answer:
    """One answer a check expects: the variable name, what it holds, and its binding in the reference solution."""

    name: str
    description: str
    solution: str


@dataclass(frozen=True)
class ExerciseCheck:
    """A registered self-check.

    Attributes
    ----------
    label : str
        The exercise label in the chapter (``:label:`` of the ``exercise`` directive).
    function : callable
        The check; called with keyword arguments named after :attr:`answers`.
    answers : tuple of Answer
        The expected answers, in call order.
    points : float
        What the exercise is worth when autograded.
    """

    label: str
    function: Callable[..., CheckResult]
    answers: tuple[Answer, ...]
    points: float = 1.0

    def call_source(self) -> str:
        """The code of a self-check cell: ``lrnn.checks.<name>(a=a, b=b)``."""
        args = ", ".join(f"{a.name}={a.name}" for a in self.answers)
        return f"lrnn.checks.{self.function.__name__}({args})"

    def stub_source(self) -> str:
        """The answer stub of the student edition: one ``name = ...`` line per answer, with its description."""
        lines = [f"{a.name} = ...   # {a.description}" for a in self.answers]
        return "\n".join(lines)

    def solution_source(self) -> str:
        """The answer bindings of the instructor edition, taken from the chapter's reference solution."""
        return "\n".join(f"# {a.name} is defined by the solution above" if a.solution == a.name
                         else f"{a.name} = {a.solution}" for a in self.answers)


#: Exercise label → registered check.
REGISTRY: dict[str, ExerciseCheck] = {}


def get(label: str) -> ExerciseCheck | None:
    """The check registered for an exercise label, or ``None`` when the exercise has no computable answer."""
    if not isinstance(label, str):
        raise TypeError(f"label must be a string, got {type(label).__name__}")
    return REGISTRY.get(label)


def labels() -> list[str]:
    """The labels of all exercises that have a self-check."""
    return sorted(REGISTRY)


class _Fail(Exception):
    """A failed check (internal): carries the message shown to the student."""


def _register(label: str, *answers: tuple[str, str, str], points: float = 1.0):
    """Register a check for ``label``; ``answers`` are ``(name, description, solution expression)`` triples."""

    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs) -> CheckResult:
            try:
                message = fn(*args, **kwargs)
                result = CheckResult(label, True, message)
            except _Fail as fail:
                result = CheckResult(label, False, str(fail))
            except TypeError as err:          # missing or unexpected keyword arguments
                names = ", ".join(a[0] for a in answers)
                result = CheckResult(label, False, f"call the check with the answers {names} ({err})")
            if os.environ.get("LRNN_STRICT_CHECKS") == "1" and not result.passed:
                try:
                    from IPython.display import display
                    display(result)
                except ImportError:          # pragma: no cover - IPython is part of the stack
                    pass
                result.raise_if_failed()
            return result

        params = "\n".join(f"{name}\n    {desc[0].upper() + desc[1:]}." for name, desc, _ in answers)
        wrapper.__doc__ = (inspect.cleandoc(fn.__doc__ or "") + "\n\nParameters\n----------\n" + params
                           + "\n\nReturns\n-------\nCheckResult\n    ``passed`` and a message (a hint when the "
                           "answer is wrong or missing). Never raises on a wrong answer unless "
                           "``LRNN_STRICT_CHECKS=1``.\n")
        REGISTRY[label] = ExerciseCheck(label, wrapper, tuple(Answer(*a) for a in answers), points)
        return wrapper

    return decorate


# ----------------------------------------------------------------------------------------------------------------
# Helpers: they turn bad answers into failures with a message naming the answer.

def _answered(name: str, value) -> None:
    if value is Ellipsis or value is None:
        raise _Fail(f"`{name}` is not answered yet: replace the `...` by your answer and run the cell again.")


def _number(name: str, value) -> float:
    _answered(name, value)
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise _Fail(f"`{name}` should be a real number, got {type(value).__name__}.") from None
    if arr.size != 1:
        raise _Fail(f"`{name}` should be a single number, got an array of shape {arr.shape}.")
    x = float(arr.reshape(()))
    if not math.isfinite(x):
        raise _Fail(f"`{name}` should be finite, got {x}.")
    return x


def _vector(name: str, value, size: int) -> np.ndarray:
    _answered(name, value)
    try:
        arr = np.asarray(value, dtype=float).ravel()
    except (TypeError, ValueError):
        raise _Fail(f"`{name}` should be a sequence of {size} real numbers, got {type(value).__name__}.") from None
    if arr.size != size:
        raise _Fail(f"`{name}` should hold {size} numbers, got {arr.size}.")
    if not np.all(np.isfinite(arr)):
        raise _Fail(f"`{name}` should contain only finite numbers.")
    return arr


def _close(name: str, value: float, reference: float, rtol: float, hint: str) -> None:
    if not abs(value - reference) <= rtol * abs(reference):
        raise _Fail(f"`{name}` is not within a relative tolerance of {rtol:g} of the reference. Hint: {hint}")


def _callable(name: str, value) -> Callable:
    _answered(name, value)
    if not callable(value):
        raise _Fail(f"`{name}` should be a function, got {type(value).__name__}.")
    return value


# ----------------------------------------------------------------------------------------------------------------
# Chapter 1


@_register("ex-c1-two-by-two",
           ("l1_norm", "the L¹ norm of the kernel cᵀe^{Wt}U (a float)", "m2.norm(1)"),
           ("l2_norm", "the L² norm of the kernel (a float, not its square)", "m2.norm(2)"))
def ex_c1_two_by_two(l1_norm, l2_norm) -> str:
    r"""Check the norms of the kernel of :math:`W=\begin{pmatrix}-1&1\\0&-2\end{pmatrix}`, :math:`U=(0,1)^T`,
    :math:`c=(1,0)^T`.

    The reference integrates the kernel, found here by ``scipy.linalg.expm`` at each quadrature node, with
    ``scipy.integrate.quad``. Tolerance: relative error at most ``1e-6`` for each norm.
    """
    l1, l2 = _number("l1_norm", l1_norm), _number("l2_norm", l2_norm)
    W, U, c = np.array([[-1.0, 1.0], [0.0, -2.0]]), np.array([0.0, 1.0]), np.array([1.0, 0.0])
    k = lambda t: float(c @ linalg.expm(W * t) @ U)
    ref1 = integrate.quad(lambda t: abs(k(t)), 0, np.inf, epsabs=1e-13)[0]
    ref2 = math.sqrt(integrate.quad(lambda t: k(t) ** 2, 0, np.inf, epsabs=1e-13)[0])
    _close("l1_norm", l1, ref1, 1e-6, "solve the triangular system from the bottom row up; the kernel is a "
                                      "combination of two exponentials. Does it change sign?")
    if abs(l2 - ref2 ** 2) <= 1e-6 * ref2 ** 2:
        raise _Fail("`l2_norm` looks like the squared norm ∫ρ̂²: take the square root.")
    _close("l2_norm", l2, ref2, 1e-6, "square the kernel, expand, and integrate each exponential term.")
    return "both norms agree with the reference (relative tolerance 1e-6)."


@_register("ex-c1-discretise",
           ("A_zoh", "the zero-order-hold A for r = 0.7, u = 1.3, Δ = 0.025 (a float)", "A[0, 0]"),
           ("B_zoh", "the zero-order-hold B for r = 0.7, u = 1.3, Δ = 0.025 (a float)", "B[0, 0]"))
def ex_c1_discretise(A_zoh, B_zoh) -> str:
    r"""Check the zero-order-hold discretisation of :math:`\dot h=-rh+ux` for :math:`r=0.7`, :math:`u=1.3`,
    :math:`\Delta=0.025`.

    The reference integrates the ODE over one cell with ``scipy.integrate.solve_ivp`` (from :math:`h=1, x=0` for
    :math:`A` and from :math:`h=0, x=1` for :math:`B`, tolerances ``1e-13``). Tolerance: relative error at most
    ``1e-8`` for each.
    """
    A_, B_ = _number("A_zoh", A_zoh), _number("B_zoh", B_zoh)
    r, u, step = 0.7, 1.3, 0.025
    cell = lambda h0, x: integrate.solve_ivp(lambda t, h: -r * h + u * x, (0, step), [h0],
                                             rtol=1e-13, atol=1e-15).y[0, -1]
    refA, refB = cell(1.0, 0.0), cell(0.0, 1.0)
    if abs(A_ - (1 - r * step)) <= 1e-12:
        raise _Fail("`A_zoh` is Euler's 1 − rΔ, not the exact zero-order hold: solve the ODE exactly over one cell.")
    _close("A_zoh", A_, refA, 1e-8, "with the input held constant, the state decays exactly over one cell.")
    _close("B_zoh", B_, refB, 1e-8, "start from h = 0 with x = 1 held for one cell and solve the ODE exactly.")
    return "A and B agree with the exact one-cell solution of the ODE (relative tolerance 1e-8)."


@_register("ex-c1-vector",
           ("operator_norm", "the operator norm ∫|ρ̂(s)|₁ ds of the two-input model (a float)",
            "lrnn.distance(vec, None, p=1)"))
def ex_c1_vector(operator_norm) -> str:
    r"""Check the operator norm :math:`\int_0^\infty|\hat\rho(s)|_1ds` of :math:`W=\mathrm{diag}(-1,-2)`,
    :math:`U=I_2`, :math:`c=(1,-1)^T`.

    The reference integrates :math:`|\hat\rho(s)|_1` with ``quad``, the kernel from ``scipy.linalg.expm``.
    Tolerance: relative error at most ``1e-6``.
    """
    x = _number("operator_norm", operator_norm)
    W, c = np.diag([-1.0, -2.0]), np.array([1.0, -1.0])
    ref = integrate.quad(lambda s: float(np.abs(c @ linalg.expm(W * s)).sum()), 0, np.inf, epsabs=1e-13)[0]
    _close("operator_norm", x, ref, 1e-6, "the ℓ¹ norm adds the absolute values of the two components of the "
                                          "kernel before integrating; signs must not cancel.")
    return "the operator norm agrees with the reference (relative tolerance 1e-6)."


# ----------------------------------------------------------------------------------------------------------------
# Chapter 2


@_register("ex-c2-integrable",
           ("l2_norm", "the L² norm of the Jordan-block kernel for r = 0.5 (a float)", "model.norm(2)"))
def ex_c2_integrable(l2_norm) -> str:
    r"""Check the :math:`L^2` norm of the kernel of the Jordan block :math:`W=\begin{pmatrix}-r&1\\0&-r\end{pmatrix}`
    with :math:`r=0.5`, :math:`U=(0,1)^T`, :math:`c=(1,0)^T`.

    The reference is ``quad`` of the squared kernel, evaluated by ``scipy.linalg.expm``. Tolerance: relative
    error at most ``1e-6``.
    """
    x = _number("l2_norm", l2_norm)
    W, U, c = np.array([[-0.5, 1.0], [0.0, -0.5]]), np.array([0.0, 1.0]), np.array([1.0, 0.0])
    ref = math.sqrt(integrate.quad(lambda t: float(c @ linalg.expm(W * t) @ U) ** 2, 0, np.inf, epsabs=1e-13)[0])
    if abs(x - ref ** 2) <= 1e-6 * ref ** 2:
        raise _Fail("`l2_norm` looks like the squared norm: take the square root.")
    _close("l2_norm", x, ref, 1e-6, "compute e^{Wt} for the Jordan block (it is not diagonalisable: a factor t "
                                    "appears) and integrate the square of the kernel.")
    return "the L² norm agrees with the reference (relative tolerance 1e-6)."


def _best_one_unit(laplace: Callable[[float], float], norm2: float, bounds: tuple[float, float]):
    """Maximise 2λ Lρ(λ)² over log λ (golden-section + Brent); return (λ*, squared error)."""
    res = optimize.minimize_scalar(lambda th: -2 * math.exp(th) * laplace(math.exp(th)) ** 2, bounds=bounds,
                                   method="bounded", options={"xatol": 1e-12})
    lam = math.exp(res.x)
    return lam, norm2 - 2 * lam * laplace(lam) ** 2


@_register("ex-c2-one-unit",
           ("best_rate", "the rate λ* of the best single unit for ρ(t) = e^{-t} + e^{-3t} (a float)", "lam_star"),
           ("l2_error", "the L² error ‖ρ − a* e^{-λ* t}‖ of that best unit (a float, not squared)", "err_by_hand"))
def ex_c2_one_unit(best_rate, l2_error) -> str:
    r"""Check the best single unit :math:`a e^{-\lambda t}` for :math:`\rho(t)=e^{-t}+e^{-3t}`.

    The reference maximises :math:`2\lambda\,\mathcal L\rho(\lambda)^2` with the Laplace transform computed by
    ``quad`` (not the closed form) and :math:`\|\rho\|^2` by ``quad``. Tolerances: relative ``1e-4`` on the rate
    (the objective is flat at its maximum), relative ``1e-6`` on the error.
    """
    lam, err = _number("best_rate", best_rate), _number("l2_error", l2_error)
    rho = lambda t: math.exp(-t) + math.exp(-3 * t)
    lap = lambda s: integrate.quad(lambda t: math.exp(-s * t) * rho(t), 0, np.inf, epsabs=1e-14)[0]
    norm2 = integrate.quad(lambda t: rho(t) ** 2, 0, np.inf, epsabs=1e-14)[0]
    ref_lam, ref_sq = _best_one_unit(lap, norm2, (-3.0, 3.0))
    _close("best_rate", lam, ref_lam, 1e-4, "maximise 2λ·Lρ(λ)² over λ > 0 (optimise over log λ); "
                                            "the best rate lies between the two rates of the target.")
    if abs(err - ref_sq) <= 1e-6 * ref_sq:
        raise _Fail("`l2_error` looks like the squared error: take the square root.")
    _close("l2_error", err, math.sqrt(ref_sq), 1e-6, "the squared error is ‖ρ‖² − 2λ·Lρ(λ)² at the best rate; "
                                                     "check ‖ρ‖² term by term.")
    return "rate and error agree with the reference (relative tolerances 1e-4 and 1e-6)."


@_register("ex-c2-blaschke-two",
           ("relative_error", "the relative L² error of the best fit of e^{-2t} with rates (0.5, 5) (a float)",
            "by_dets"))
def ex_c2_blaschke_two(relative_error) -> str:
    r"""Check the relative error of the best :math:`L^2` approximation of :math:`e^{-2t}` by
    :math:`a_1e^{-0.5t}+a_2e^{-5t}`.

    The reference solves the :math:`2\times2` normal equations with Gram entries and right-hand side computed by
    ``quad``. Tolerance: relative error at most ``1e-6``.
    """
    x = _number("relative_error", relative_error)
    lam, gamma = np.array([0.5, 5.0]), 2.0
    ip = lambda p, q: integrate.quad(lambda t: math.exp(-(p + q) * t), 0, np.inf, epsabs=1e-15)[0]
    G = np.array([[ip(a, b) for b in lam] for a in lam])
    b = np.array([ip(a, gamma) for a in lam])
    coef = np.linalg.solve(G, b)
    sq = ip(gamma, gamma) - 2 * coef @ b + coef @ G @ coef
    ref = math.sqrt(sq / ip(gamma, gamma))
    _close("relative_error", x, ref, 1e-6, "divide the L² error by ‖e^{-2t}‖; the Blaschke product has one factor "
                                           "|γ − λ_k|/(γ + λ_k) per rate.")
    return "the relative error agrees with the reference (relative tolerance 1e-6)."


@_register("ex-c2-muntz",
           ("errors", "the best relative L² errors for e^{-0.37t} with λ_k = k log(k+1), at m = 10, 100, 1000 "
                      "(three floats)", "errs_klog"),
           ("dense", "is the sequence λ_k = k log(k+1) dense in the Müntz sense? (True or False)", "True"))
def ex_c2_muntz(errors, dense) -> str:
    r"""Check the Müntz exercise (c): best relative errors for :math:`e^{-0.37t}` with rates
    :math:`\lambda_k=k\log(k+1)`, :math:`m=10,100,1000`, and whether the sequence is dense.

    The reference is the Blaschke product :math:`\prod_k|\gamma-\lambda_k|/(\gamma+\lambda_k)` evaluated as a sum
    of logarithms (``log1p``). Tolerance: relative error at most ``1e-6`` on each of the three errors.
    """
    errs = _vector("errors", errors, 3)
    _answered("dense", dense)
    if not isinstance(dense, (bool, np.bool_)):
        raise _Fail(f"`dense` should be True or False, got {type(dense).__name__}.")
    gamma = 0.37
    refs = []
    for m in (10, 100, 1000):
        k = np.arange(1, m + 1)
        lam = k * np.log(k + 1.0)
        refs.append(math.exp(np.sum(np.log(np.abs(gamma - lam)) - np.log(gamma + lam))))
    for i, (e, ref, m) in enumerate(zip(errs, refs, (10, 100, 1000))):
        _close(f"errors[{i}]", e, ref, 1e-6, f"at m = {m}, use the relative error of the best approximation "
                                             "(the Blaschke product), not the absolute one.")
    if not dense:
        raise _Fail("`dense` is not right. Hint: Müntz's condition asks whether Σ 1/λ_k diverges; compare "
                    "Σ 1/(k log k) with an integral.")
    return "errors and the density answer are right (relative tolerance 1e-6)."


# ----------------------------------------------------------------------------------------------------------------
# Chapter 3


@_register("ex-c3-one-term",
           ("best_rate", "the best single rate λ* for ρ(t) = (1+t)^(-3/2) (a float)", "lam_star"),
           ("relative_error", "the relative L² error of the best single exponential (a float)",
            "math.sqrt(sq_err(lam_star)) / target.norm(2)"))
def ex_c3_one_term(best_rate, relative_error) -> str:
    r"""Check the best single exponential for the power law :math:`(1+t)^{-3/2}` (:math:`\omega=0.5`).

    The reference computes :math:`\mathcal L\rho` and :math:`\|\rho\|^2` by ``quad`` and maximises
    :math:`2\lambda\mathcal L\rho(\lambda)^2` over :math:`\log\lambda`. Tolerances: relative ``1e-3`` on the rate
    (the objective is flat at its maximum), relative ``1e-5`` on the relative error.
    """
    lam, rel = _number("best_rate", best_rate), _number("relative_error", relative_error)
    rho = lambda t: (1 + t) ** -1.5
    lap = lambda s: integrate.quad(lambda t: math.exp(-s * t) * rho(t), 0, np.inf, epsabs=1e-14, limit=200)[0]
    norm2 = integrate.quad(lambda t: rho(t) ** 2, 0, np.inf, epsabs=1e-14)[0]
    ref_lam, ref_sq = _best_one_unit(lap, norm2, (-6.0, 4.0))
    _close("best_rate", lam, ref_lam, 1e-3, "maximise 2λ·Lρ(λ)² over λ (search over log λ, the optimum is "
                                            "neither tiny nor huge).")
    ref_rel = math.sqrt(ref_sq / norm2)
    if abs(rel - ref_rel ** 2) <= 1e-5 * ref_rel ** 2:
        raise _Fail("`relative_error` looks squared: take the square root of the squared relative error.")
    _close("relative_error", rel, ref_rel, 1e-5, "divide the L² error (not its square) by ‖ρ‖₂.")
    return "rate and relative error agree with the reference (relative tolerances 1e-3 and 1e-5)."


@_register("ex-c3-exponential-rate",
           ("constant", "the constant C in B_m ~ C m^{-2v} for γ = 1.5, β = 1 (a float)", "const"))
def ex_c3_exponential_rate(constant) -> str:
    r"""Check the constant :math:`C=\lim_m m^{2v}\prod_{k=1}^m|k-v|/(k+v)` for :math:`v=1.5`.

    The reference extrapolates the product itself (computed as a sum of ``log`` terms) at
    :math:`m=10^6` with a first-order Richardson step in :math:`1/m`. Tolerance: relative error at most ``1e-4``.
    """
    x = _number("constant", constant)
    v = 1.5

    def scaled(m: int) -> float:
        k = np.arange(1, m + 1, dtype=float)
        return math.exp(np.sum(np.log(np.abs(k - v)) - np.log(k + v)) + 2 * v * math.log(m))

    ref = 2 * scaled(10 ** 6) - scaled(5 * 10 ** 5)
    _close("constant", x, ref, 1e-4, "write the product as a ratio of Gamma functions and use "
                                     "Γ(m + a)/Γ(m + b) ~ m^{a−b}; watch the sign of Γ(1 − v).")
    return "the constant agrees with the extrapolated product (relative tolerance 1e-4)."


@_register("ex-c3-hankel-rank",
           ("hsv", "the four largest Hankel singular values of ρ, in decreasing order (four floats)",
            "rates.hankel_singular_values(rho3, 4)"))
def ex_c3_hankel_rank(hsv) -> str:
    r"""Check the Hankel singular values of :math:`\rho(t)=e^{-t}-2e^{-3t}+0.5e^{-10t}`.

    The reference uses the square-root method: Gramians from ``scipy.linalg.solve_continuous_lyapunov``, their
    Cholesky factors, and the singular values of :math:`L_Q^TL_P`. Tolerance: relative ``1e-6`` on the three
    non-zero values; the fourth must be at most ``1e-10`` times the first.
    """
    s = _vector("hsv", hsv, 4)
    A = np.diag([-1.0, -3.0, -10.0])
    b, c = np.ones(3), np.array([1.0, -2.0, 0.5])
    P = linalg.solve_continuous_lyapunov(A, -np.outer(b, b))
    Q = linalg.solve_continuous_lyapunov(A.T, -np.outer(c, c))
    Lp, Lq = linalg.cholesky(P, lower=True), linalg.cholesky(Q, lower=True)
    ref = linalg.svdvals(Lq.T @ Lp)
    if not np.all(np.diff(s) <= 0):
        raise _Fail("`hsv` should be sorted in decreasing order.")
    for i in range(3):
        _close(f"hsv[{i}]", s[i], ref[i], 1e-6, "Hankel singular values are the square roots of the eigenvalues "
                                                "of PQ, with P and Q the two Gramians.")
    if abs(s[3]) > 1e-10 * ref[0]:
        raise _Fail("`hsv[3]` is not right. Hint: what is the rank of the Hankel operator of a sum of three "
                    "exponentials?")
    return "the Hankel singular values agree with the square-root method (relative tolerance 1e-6)."


# ----------------------------------------------------------------------------------------------------------------
# Chapter 4

def _j_one_target(w: np.ndarray, a: np.ndarray) -> float:
    """½‖ρ − Σ aᵢ e^{-wᵢ t}‖² for ρ(t) = e^{-t} cos 2t, every inner product by ``quad``."""
    rho = lambda t: math.exp(-t) * math.cos(2 * t)
    model = lambda t: float(np.sum(a * np.exp(-w * t)))
    return 0.5 * integrate.quad(lambda t: (rho(t) - model(t)) ** 2, 0, np.inf, epsabs=1e-14, limit=200)[0]


@_register("ex-c4-gradient",
           ("grad_w", "a function (w, a) -> ∂J/∂w (array) for the target e^{-t}cos 2t, "
                      "with w the rates and a the weights", "lambda w, a: training.loss_and_gradient(osc, w, a)[1]"))
def ex_c4_gradient(grad_w) -> str:
    r"""Check a student's gradient :math:`\partial J/\partial w` of the white-noise loss
    :math:`J=\tfrac12\|\rho-\sum_ia_ie^{-w_it}\|_{L^2}^2` for :math:`\rho(t)=e^{-t}\cos2t`.

    The reference is a central finite difference (step ``1e-5``) of :math:`J` computed by ``quad`` at two fixed
    points with three units. Tolerance: absolute error at most ``1e-6`` per component.
    """
    fn = _callable("grad_w", grad_w)
    points = [(np.array([0.5, 1.5, 3.0]), np.array([0.3, -0.2, 0.6])),
              (np.array([0.2, 0.9, 4.0]), np.array([-1.0, 0.5, 0.25]))]
    h = 1e-5
    for w, a in points:
        try:
            got = np.asarray(fn(w.copy(), a.copy()), dtype=float).ravel()
        except Exception as err:                                     # noqa: BLE001 - any student error
            raise _Fail(f"calling `grad_w(w, a)` raised {type(err).__name__}: {err}") from None
        if got.shape != (3,):
            raise _Fail(f"`grad_w(w, a)` should return one derivative per unit (3 here), got shape {got.shape}.")
        ref = np.array([(_j_one_target(w + h * e, a) - _j_one_target(w - h * e, a)) / (2 * h) for e in np.eye(3)])
        if not np.all(np.abs(got - ref) <= 1e-6):
            raise _Fail("`grad_w` disagrees with a finite difference of the loss (absolute tolerance 1e-6). Hint: "
                        "w_i appears in the Laplace-transform term and in row and column i of the Gram term.")
    return "the gradient agrees with finite differences of the loss at two test points (tolerance 1e-6)."


@_register("ex-c4-barrier",
           ("B", "the constant B of the barrier proposition for one unit, target e^{-t/10}, start (a, w) = (2, 1)",
            "B"))
def ex_c4_barrier(B) -> str:
    r"""Check the barrier constant :math:`B=\|\rho\|_{L^2}+\sqrt{2J(\theta_0)}` for :math:`\rho(t)=e^{-t/10}` and
    the start :math:`(a,w)=(2,1)`, where :math:`J=\tfrac12\|\rho-ae^{-wt}\|^2`.

    The reference computes both norms by ``quad``. Tolerance: relative error at most ``1e-6``.
    """
    x = _number("B", B)
    rho = lambda t: math.exp(-t / 10)
    n_rho = math.sqrt(integrate.quad(lambda t: rho(t) ** 2, 0, np.inf)[0])
    n_err = math.sqrt(integrate.quad(lambda t: (rho(t) - 2 * math.exp(-t)) ** 2, 0, np.inf)[0])
    _close("B", x, n_rho + n_err, 1e-6, "B adds the norm of the target and the norm of the initial error "
                                        "(√(2J) at the start, with J half the squared L² distance).")
    return "B agrees with the reference (relative tolerance 1e-6)."


@_register("ex-c4-slope",
           ("predicted_slope", "the predicted limit of the slope of log τ against the lag ℓ for w₀ = 1.5 (a float)",
            "2 * 1.5"))
def ex_c4_slope(predicted_slope) -> str:
    r"""Check the predicted asymptotic slope of :math:`\log\tau` against the lag for the reduced model started at
    :math:`w_0=1.5`.

    The reference is the slow-manifold prediction of the chapter, evaluated at :math:`w_0=1.5`.
    Tolerance: absolute error at most ``1e-6``.
    """
    x = _number("predicted_slope", predicted_slope)
    w0 = 1.5
    ref = 2 * w0
    if not abs(x - ref) <= 1e-6:
        raise _Fail("`predicted_slope` is not the prediction of the theory. Hint: redo the derivation of the "
                    "plateau length for a general starting rate w₀ and read off the exponential rate in ℓ; "
                    "measured slopes at finite lags are biased low, so do not answer with a measurement.")
    return "the predicted slope is right (absolute tolerance 1e-6)."


@_register("ex-c4-step",
           ("w0s", "the starting rates w₀ at which you computed η* (an array covering [0.15, 1])", "w0s"),
           ("eta_star", "the largest safe step η*(w₀) at each w₀ (an array of the same length)", "eta_star"))
def ex_c4_step(w0s, eta_star) -> str:
    r"""Check the largest step :math:`\eta^*(w_0)` for which the first gradient step from :math:`(a,w)=(1,w_0)`
    keeps :math:`w>0`, target :math:`e^{-t/10}`, on a grid covering :math:`[0.15,1]`.

    The reference differentiates :math:`J(w)=\tfrac12\|\rho-e^{-wt}\|^2`, computed by ``quad``, with a central
    difference (step ``1e-6``) and sets :math:`\eta^*=w_0/\partial_wJ`. Tolerance: relative ``1e-5`` at each point.
    """
    _answered("w0s", w0s)
    _answered("eta_star", eta_star)
    try:
        w = np.asarray(w0s, dtype=float).ravel()
        e = np.asarray(eta_star, dtype=float).ravel()
    except (TypeError, ValueError):
        raise _Fail("`w0s` and `eta_star` should be arrays of real numbers.") from None
    if w.size < 3 or w.size != e.size:
        raise _Fail("`w0s` and `eta_star` should have the same length, at least 3.")
    if w.min() > 0.15 + 1e-9 or w.max() < 1.0 - 1e-9 or w.min() < 0.15 - 1e-9 or w.max() > 1.0 + 1e-9:
        raise _Fail("`w0s` should span exactly [0.15, 1].")
    rho = lambda t: math.exp(-t / 10)
    J = lambda ww: 0.5 * integrate.quad(lambda t: (rho(t) - math.exp(-ww * t)) ** 2, 0, np.inf, epsabs=1e-15)[0]
    h = 1e-6
    for wi, ei in zip(w, e):
        d = (J(wi + h) - J(wi - h)) / (2 * h)
        _close("eta_star", ei, wi / d, 1e-5, "one gradient step moves w to w₀ − η ∂J/∂w; find where that reaches "
                                             "zero (take a = 1 when you differentiate).")
    return "η* agrees with the reference at every w₀ (relative tolerance 1e-5)."


# ----------------------------------------------------------------------------------------------------------------
# Chapter 5


def _grid(name: str, value, *, low: float = 0.0, high: float = np.inf, at_least: int = 3) -> np.ndarray:
    """A one-dimensional array of at least ``at_least`` distinct finite numbers in ``[low, high)``."""
    _answered(name, value)
    try:
        arr = np.asarray(value, dtype=float).ravel()
    except (TypeError, ValueError):
        raise _Fail(f"`{name}` should be an array of real numbers, got {type(value).__name__}.") from None
    if arr.size < at_least or np.unique(arr).size != arr.size:
        raise _Fail(f"`{name}` should hold at least {at_least} distinct numbers, got {arr.size}.")
    if not np.all(np.isfinite(arr)) or arr.min() < low or arr.max() >= high:
        raise _Fail(f"`{name}` should contain only finite numbers in the range the exercise asks for.")
    return arr


@_register("ex-c5-dense",
           ("ts", "the times t > 0 at which you computed the memory function (an array, at least 10 of them)", "ts"),
           ("M_dense", "the memory function of the dense RNN at those times (an array of the same length)",
            "M_dense"))
def ex_c5_dense(ts, M_dense) -> str:
    r"""Check the memory function of the dense linear RNN with
    :math:`W=\begin{pmatrix}-1&2&0\\-2&-1&0\\0&0&-0.3\end{pmatrix}`, :math:`U=(1,0,1)^T`, :math:`c=(1,1,-0.5)^T`.

    The reference is :math:`|\rho(t)|` with :math:`\rho(t)=e^{-t}(\cos2t-\sin2t)-\tfrac12e^{-0.3t}`, the kernel in
    closed form (the rotation block exponentiated by hand, no matrix exponential). Tolerance: absolute error at
    most ``1e-6`` at every time.
    """
    t = _grid("ts", ts, low=1e-300, at_least=10)
    _answered("M_dense", M_dense)
    try:
        M = np.asarray(M_dense, dtype=float).ravel()
    except (TypeError, ValueError):
        raise _Fail(f"`M_dense` should be an array of real numbers, got {type(M_dense).__name__}.") from None
    if M.size != t.size:
        raise _Fail(f"`M_dense` should have one value per time in `ts` ({t.size}), got {M.size}.")
    ref = np.abs(np.exp(-t) * (np.cos(2 * t) - np.sin(2 * t)) - 0.5 * np.exp(-0.3 * t))
    if np.all(np.abs(np.abs(M) - ref) <= 1e-6) and np.any(M < -1e-6):
        raise _Fail("`M_dense` has negative values: the memory function of a linear functional is the absolute "
                    "value of its kernel.")
    if not np.all(np.abs(M - ref) <= 1e-6):
        raise _Fail("`M_dense` disagrees with the memory function (absolute tolerance 1e-6). Hint: for a linear "
                    "functional it is |cᵀe^{Wt}U|; the 2×2 block is a damped rotation.")
    return "the memory function agrees with the closed-form |ρ(t)| (absolute tolerance 1e-6)."


@_register("ex-c5-best",
           ("f_best", "a function v -> f(v), the map of part (a) for α = 2, β = 1/2 (taking v ≥ 0)", "pb2.forward"),
           ("max_rate", "the largest rate that this map (α = 2, β = 1/2) can represent (a float)", "pb2.max_rate"))
def ex_c5_best(f_best, max_rate) -> str:
    r"""Check the "best" map of part (a) for :math:`\alpha=2`, :math:`\beta=1/2`, and the largest rate it reaches.

    The reference for :math:`f` integrates the defining ODE :math:`f'=-2\alpha vf^2`, :math:`f(0)=1/\beta`, with
    ``scipy.integrate.solve_ivp`` (tolerances ``1e-12``) and compares at 31 points of :math:`[0,5]`; the largest
    rate is :math:`\sup_{v\ge0}f=f(0)`. Tolerance: relative error at most ``1e-6`` at each point and on the rate.
    """
    fn = _callable("f_best", f_best)
    alpha, beta = 2.0, 0.5
    vs = np.linspace(0.0, 5.0, 31)
    sol = integrate.solve_ivp(lambda v, f: -2 * alpha * v * f ** 2, (0.0, 5.0), [1 / beta], t_eval=vs,
                              rtol=1e-12, atol=1e-14)
    got = []
    for v in vs:
        try:
            got.append(_number("f_best(v)", fn(float(v))))
        except _Fail:
            raise
        except Exception as err:                                     # noqa: BLE001 - any student error
            raise _Fail(f"calling `f_best(v)` raised {type(err).__name__}: {err}") from None
    if not np.all(np.abs(np.array(got) - sol.y[0]) <= 1e-6 * np.abs(sol.y[0])):
        raise _Fail("`f_best` disagrees with the map of part (a) (relative tolerance 1e-6). Hint: integrate "
                    "(1/f)' = −f'/f² = 2αv from v = 0, using f(0) = 1/β.")
    x = _number("max_rate", max_rate)
    _close("max_rate", x, 1 / beta, 1e-6, "f is positive and decreasing on v ≥ 0: where is it largest?")
    return "the map and its largest rate agree with the reference (relative tolerance 1e-6)."


def _l2_fit_exponentials(laplace: Callable, norm2: float, starts) -> tuple[np.ndarray, np.ndarray]:
    """Best L² fit Σ aᵢe^{-rᵢt} by variable projection over log r (Nelder–Mead then BFGS); (rates, weights)."""
    def projected(th):
        r = np.exp(np.sort(th))
        G, b = 1.0 / (r[:, None] + r[None, :]), laplace(r)
        a = np.linalg.solve(G, b)
        return norm2 - b @ a, r, a

    best = None
    for start in starts:
        res = optimize.minimize(lambda th: projected(th)[0], np.asarray(start, float), method="Nelder-Mead",
                                options={"xatol": 1e-12, "fatol": 1e-18, "maxiter": 20000, "maxfev": 40000})
        res = optimize.minimize(lambda th: projected(th)[0], res.x, method="BFGS", options={"gtol": 1e-14})
        if best is None or res.fun < best.fun:
            best = res
    _, r, a = projected(best.x)
    return r, a


@_register("ex-c5-jump",
           ("r_min", "the smallest rate r_min of the width-4 best fit of (1+t)^(-3/2) (a float)", "r4"),
           ("E_below", "the perturbation error E(β) just below r_min, at β = 0.999 r_min (a float)", "E_pm[0]"),
           ("E_at", "the perturbation error at β = r_min (a float; it may be infinite)", "E_pm[1]"))
def ex_c5_jump(r_min, E_below, E_at) -> str:
    r"""Check the jump of the perturbation error for the width-4 best fit of :math:`(1+t)^{-3/2}`.

    The reference refits the four exponentials by variable projection (``scipy.optimize``, the Laplace transform
    :math:`2-2\sqrt{\pi s}\,\mathrm{erfcx}(\sqrt s)` in closed form) and computes :math:`E(0.999\,r_{\min})` as the
    largest relative :math:`L^2` error over all sign vectors :math:`\xi\in\{-1,1\}^4`, each by ``quad``.
    Tolerances: relative ``1e-3`` on :math:`r_{\min}` (the fit's objective is flat) and on :math:`E` below
    :math:`r_{\min}` (sampled sign vectors may miss the worst one); :math:`E(r_{\min})` must be ``inf``.
    """
    rm, eb = _number("r_min", r_min), _number("E_below", E_below)
    _answered("E_at", E_at)
    try:
        ea = float(np.asarray(E_at, dtype=float).reshape(()))
    except (TypeError, ValueError):
        raise _Fail(f"`E_at` should be a single number (possibly inf), got {type(E_at).__name__}.") from None
    laplace = lambda s: 2 - 2 * np.sqrt(np.pi * s) * special.erfcx(np.sqrt(s))
    r, a = _l2_fit_exponentials(laplace, 0.5, ([-4.0, -2.0, 0.0, 1.5], [-3.0, -1.5, -0.3, 1.0]))
    _close("r_min", rm, r[0], 1e-3, "fit four exponentials with free rates (lrnn.fit) and take the smallest "
                                     "rate, not the smallest weight or eigenvalue with its sign.")
    rho = lambda t: (1 + t) ** -1.5
    beta = 0.999 * r[0]
    worst = 0.0
    for signs in np.array(np.meshgrid(*[[-1.0, 1.0]] * 4)).reshape(4, -1).T:
        rr = r - beta * signs
        e2 = integrate.quad(lambda t: (rho(t) - float(np.sum(a * np.exp(-rr * t)))) ** 2, 0, np.inf,
                            limit=500, epsabs=1e-14)[0]
        worst = max(worst, math.sqrt(e2 / 0.5))
    _close("E_below", eb, worst, 1e-3, "evaluate memory.perturbation_error at β slightly below r_min "
                                       "(β = 0.999 r_min); it is a relative error, the worst over sign vectors.")
    if not (math.isinf(ea) and ea > 0):
        raise _Fail("`E_at` is not right. Hint: at β = r_min the perturbation ξ = 1 turns the slowest unit into a "
                    "constant; is its kernel still square-integrable?")
    return ("r_min and E just below it agree with the reference (relative tolerance 1e-3), and E is infinite at "
            "r_min.")


@_register("ex-c5-eta",
           ("eta_direct", "η* for the direct parameterisation, target e^{-t} + e^{-3t}, best two-unit fit (a float)",
            'eta_fast["direct"]'),
           ("eta_softplus", "η* for the softplus parameterisation, same target and fit (a float)",
            'eta_fast["softplus"]'))
def ex_c5_eta(eta_direct, eta_softplus) -> str:
    r"""Check the largest stable steps :math:`\eta^*=2/\lambda_{\max}(H_v)` at the exact two-unit fit
    :math:`e^{-t}+e^{-3t}` (rates :math:`1,3`, weights :math:`1,1`), direct and softplus.

    At an exact fit the residual vanishes, so the Hessian in :math:`(r,a)` is the Gram matrix of the derivatives
    of the model kernel, :math:`-a_ite^{-r_it}` and :math:`e^{-r_it}`; the reference computes it by ``quad`` and
    applies :math:`D=\mathrm{diag}(f'(v),1)` with :math:`f'(v)=1-e^{-r}` for softplus. Tolerance: relative error at
    most ``1e-6`` on each.
    """
    ed, es = _number("eta_direct", eta_direct), _number("eta_softplus", eta_softplus)
    r, a = np.array([1.0, 3.0]), np.array([1.0, 1.0])
    derivs = ([lambda t, i=i: -a[i] * t * math.exp(-r[i] * t) for i in range(2)]
              + [lambda t, i=i: math.exp(-r[i] * t) for i in range(2)])
    H = np.array([[integrate.quad(lambda t: f(t) * g(t), 0, np.inf, epsabs=1e-14)[0] for g in derivs]
                  for f in derivs])
    refs = {}
    for name, d in (("direct", np.ones(2)), ("softplus", -np.expm1(-r))):
        D = np.concatenate([d, np.ones(2)])
        refs[name] = 2.0 / np.linalg.eigvalsh(D[:, None] * H * D[None, :]).max()
    if abs(ed - refs["direct"] / 2) <= 1e-6 * refs["direct"] / 2:
        raise _Fail("`eta_direct` looks like 1/λ_max: gradient descent is stable for η < 2/λ_max of the Hessian.")
    _close("eta_direct", ed, refs["direct"], 1e-6, "η* = 2/λ_max of the Hessian of the white-noise loss in "
                                                   "(rates, weights) at the fit (reparam.stable_learning_rate).")
    _close("eta_softplus", es, refs["softplus"], 1e-6, "reparameterising multiplies the rate rows and columns of "
                                                       "the Hessian by f'(v); use the softplus map.")
    return "both stable steps agree with the Gram-matrix reference (relative tolerance 1e-6)."


@_register("ex-c5-sensitivity",
           ("lam_e", "the values of λ in (0, 1) at which you computed the relative sensitivity (an array)", "lam_e"),
           ("rel", "E g²/E h² with the LRU normalisation at each λ (an array of the same length)", "rel"),
           ("exponent", "p in E g²/E h² ~ C (1 − λ)^(−p) as λ → 1 (a number)", "2"),
           ("constant", "the constant C of that rate (a number)", "1 / 4"))
def ex_c5_sensitivity(lam_e, rel, exponent, constant) -> str:
    r"""Check the relative sensitivity :math:`\mathbb E g^2/\mathbb E h^2` of
    :math:`h_{k+1}=\lambda h_k+\sqrt{1-\lambda^2}\,x_k` (unit white noise, :math:`g=\partial h/\partial\lambda`)
    and its rate :math:`C(1-\lambda)^{-p}` as :math:`\lambda\to1`.

    The reference solves the discrete Lyapunov equation (``scipy.linalg.solve_discrete_lyapunov``) of the joint
    recurrence of :math:`(h,g)`, :math:`g_{k+1}=\lambda g_k+h_k+\gamma'(\lambda)x_k`, and reads :math:`p` and
    :math:`C` from it at :math:`1-\lambda=10^{-5},2\cdot10^{-5}` with a Richardson step. Tolerances: relative
    ``1e-6`` on each sensitivity, absolute ``1e-3`` on :math:`p`, relative ``1e-3`` on :math:`C`.
    """
    lam = _grid("lam_e", lam_e, low=1e-12, high=1.0)
    _answered("rel", rel)
    try:
        got = np.asarray(rel, dtype=float).ravel()
    except (TypeError, ValueError):
        raise _Fail(f"`rel` should be an array of real numbers, got {type(rel).__name__}.") from None
    if got.size != lam.size:
        raise _Fail(f"`rel` should have one value per λ in `lam_e` ({lam.size}), got {got.size}.")
    p, C = _number("exponent", exponent), _number("constant", constant)

    def sensitivity(l: float) -> float:
        g = math.sqrt(1 - l * l)
        A, b = np.array([[l, 0.0], [1.0, l]]), np.array([g, -l / g])
        S = linalg.solve_discrete_lyapunov(A, np.outer(b, b))
        return S[1, 1] / S[0, 0]

    for i, (l, x) in enumerate(zip(lam, got)):
        ref = sensitivity(float(l))
        naive = ref * (1 + l * l)
        if abs(x - naive) <= 1e-6 * naive and l > 1e-3:
            raise _Fail(f"`rel[{i}]` looks like γ²E g² alone: the derivative of the normalised state also has the "
                        "term γ'h, and the cross term matters.")
        _close(f"rel[{i}]", x, ref, 1e-6, "differentiate the normalised state γ(λ)h with respect to λ (two terms) "
                                          "and sum the square over the impulse response.")
    eps = 1e-5
    s1, s2 = sensitivity(1 - eps), sensitivity(1 - 2 * eps)
    s4 = sensitivity(1 - 4 * eps)
    ref_p = 2 * math.log(s1 / s2) / math.log(2) - math.log(s2 / s4) / math.log(2)
    ref_C = 2 * s1 * eps ** 2 - s2 * (2 * eps) ** 2
    if not abs(p - ref_p) <= 1e-3:
        raise _Fail("`exponent` is not right. Hint: write 1 − λ² = (1 − λ)(1 + λ) in your closed form and let "
                    "λ → 1.")
    _close("constant", C, ref_C, 1e-3, "C is the limit of (1 − λ)^p times the sensitivity; evaluate the "
                                       "factors that stay bounded at λ = 1.")
    return ("the sensitivities agree with the Lyapunov reference (relative tolerance 1e-6), and the rate with its "
            "limit (tolerances 1e-3).")
