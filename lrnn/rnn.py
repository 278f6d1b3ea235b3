r"""The continuous-time linear RNN and its memory kernel.

The model is

.. math::

    \dot h(t) = W h(t) + U x(t), \qquad \hat y(t) = c^\top h(t),
    \qquad h(-\infty) = 0,

with :math:`h(t)\in\mathbb R^m`, :math:`x(t)\in\mathbb R^d`. When every
eigenvalue of :math:`W` has negative real part (:math:`W` is *Hurwitz*) the
output is the linear functional

.. math::

    \hat y(t) = \int_0^\infty \hat\rho(s)^\top x(t-s)\,ds,
    \qquad \hat\rho(s)^\top = c^\top e^{Ws} U ,

so the model *is* its kernel :math:`c^\top e^{Ws}U`, a (generalised)
exponential sum. Sampling with a zero-order hold of step :math:`\Delta` gives
the exact discrete recurrence :math:`h_{n+1} = A h_n + B x_n` with
:math:`A = e^{W\Delta}` and :math:`B = \int_0^\Delta e^{Ws}ds\,U`.
"""

from __future__ import annotations

import numpy as np
from scipy import linalg

from ._validation import as_integer, as_rates_weights, as_real_array, as_real_scalar, as_times
from .kernels import Kernel

__all__ = ["LinearRNN", "ModelKernel", "as_kernel", "diagonal_parameters", "zoh_discretise"]


def zoh_discretise(W: np.ndarray, U: np.ndarray, dt: float) -> tuple[np.ndarray, np.ndarray]:
    r"""Exact zero-order-hold discretisation of :math:`\dot h = Wh + Ux`.

    Returns :math:`A = e^{W\,dt}` and :math:`B = \int_0^{dt} e^{Ws}\,ds\;U`,
    both read off one matrix exponential of the augmented matrix
    :math:`\begin{pmatrix} W & U \\ 0 & 0\end{pmatrix} dt` (no inverse of W).
    """
    m, d = U.shape
    M = np.zeros((m + d, m + d))
    M[:m, :m] = W * dt
    M[:m, m:] = U * dt
    E = linalg.expm(M)
    return E[:m, :m], E[:m, m:]


def _row_powers(c: np.ndarray, A: np.ndarray, n: int) -> np.ndarray:
    """Rows cᵀAʲ for j = 0..n−1, shape (n, m), in O(√n) matrix products."""
    m = A.shape[0]
    block = max(1, int(np.ceil(np.sqrt(n))))
    R = np.empty((block, m))
    R[0] = c
    for j in range(1, block):
        R[j] = R[j - 1] @ A
    As = np.linalg.matrix_power(A, block)
    out = np.empty((n, m))
    P = np.eye(m)
    for start in range(0, n, block):
        stop = min(n, start + block)
        out[start:stop] = (R @ P)[: stop - start]
        P = P @ As
    return out


class LinearRNN:
    r"""Continuous-time linear RNN :math:`\dot h = Wh + Ux`, :math:`\hat y = c^\top h`.

    Parameters
    ----------
    W : array_like, shape (m, m)
        Recurrent matrix; every eigenvalue must have negative real part.
    U : array_like, shape (m,) or (m, d)
        Input matrix; a vector means scalar input (d = 1).
    c : array_like, shape (m,)
        Read-out vector.

    Raises
    ------
    ValueError
        If shapes disagree, an entry is not finite, or W is not Hurwitz (the
        message gives the largest real part of its eigenvalues).

    Examples
    --------
    >>> model = LinearRNN.diagonal([1.0, 3.0], [2.0, -1.0])
    >>> float(model.kernel(0.0))
    1.0
    """

    def __init__(self, W, U, c):
        W = as_real_array("W", W, ndim=2)
        U = as_real_array("U", U, ndim=(1, 2))
        c = as_real_array("c", c, ndim=1)
        m = W.shape[0]
        if W.shape != (m, m) or m == 0:
            raise ValueError(f"W must be a non-empty square matrix (m, m), got shape {W.shape}")
        if U.shape[0] != m:
            raise ValueError(f"U must have m = {m} rows to match W, got shape {U.shape}")
        if c.shape != (m,):
            raise ValueError(f"c must have shape ({m},) to match W, got {c.shape}")
        self._scalar_input = U.ndim == 1
        U = U.reshape(m, -1)
        if U.shape[1] == 0:
            raise ValueError("U must have at least one column (input dimension d >= 1)")
        eig = np.linalg.eigvals(W)
        abscissa = float(np.max(eig.real))
        if not abscissa < 0:
            raise ValueError(
                "W must be Hurwitz (every eigenvalue with negative real part) for the "
                f"kernel c^T e^(Wt) U to decay; its largest real part is {abscissa:.6g}"
            )
        self._W, self._U, self._c = W, U, c
        self._eig = eig
        self._diag = bool(np.count_nonzero(W - np.diag(np.diag(W))) == 0)
        self._modes = None
        if not self._diag:
            # Modal form ρ(t)ᵀ = Re Σᵢ (cᵀvᵢ) e^{λᵢt} (ṽᵢᵀU), used when the eigenvector
            # matrix is well conditioned (error ≈ cond(V)·1e-16 ≤ 1e-12); else expm.
            lam, V = np.linalg.eig(W)
            if np.linalg.cond(V) < 1e4:
                Vinv = np.linalg.inv(V)
                self._modes = (lam, c @ V, Vinv @ U)
        for arr in (self._W, self._U, self._c):
            arr.setflags(write=False)

    # ------------------------------------------------------------ constructors
    @classmethod
    def diagonal(cls, rates, weights) -> "LinearRNN":
        r"""The diagonal model :math:`W = -\mathrm{diag}(r)`, :math:`U = \mathbf 1`, :math:`c = w`.

        Its kernel is :math:`\sum_i w_i e^{-r_i t}`.

        Parameters
        ----------
        rates : array_like, shape (m,)
            Positive decay rates :math:`r_i`.
        weights : array_like, shape (m,)
            Read-out weights :math:`w_i`.
        """
        r, w = as_rates_weights(rates, weights, what="W = -diag(rates) Hurwitz")
        return cls(-np.diag(r), np.ones(r.size), w)

    # ------------------------------------------------------------ properties
    @property
    def W(self) -> np.ndarray:
        """Recurrent matrix (read-only view)."""
        return self._W

    @property
    def U(self) -> np.ndarray:
        """Input matrix, shape (m,) for scalar input, else (m, d) (read-only view)."""
        return self._U[:, 0] if self._scalar_input else self._U

    @property
    def c(self) -> np.ndarray:
        """Read-out vector (read-only view)."""
        return self._c

    @property
    def hidden_size(self) -> int:
        """Width m (number of hidden units)."""
        return self._W.shape[0]

    @property
    def input_dim(self) -> int:
        """Input dimension d."""
        return self._U.shape[1]

    @property
    def eigenvalues(self) -> np.ndarray:
        """Eigenvalues of W (complex array)."""
        return self._eig.copy()

    @property
    def spectral_abscissa(self) -> float:
        """Largest real part of the eigenvalues of W (negative: the slowest decay rate)."""
        return float(np.max(self._eig.real))

    @property
    def is_diagonal(self) -> bool:
        """True when W is diagonal (then the kernel is Σ c_i U_i e^{W_ii t})."""
        return self._diag

    def __repr__(self) -> str:
        return f"LinearRNN(hidden_size={self.hidden_size}, input_dim={self.input_dim}, " \
               f"spectral_abscissa={self.spectral_abscissa:.4g})"

    # ------------------------------------------------------------ kernel
    def kernel(self, t) -> np.ndarray:
        r"""The memory kernel :math:`\hat\rho(t)^\top = c^\top e^{Wt}U`.

        Parameters
        ----------
        t : float or array_like of shape (n,)
            Non-negative times.

        Returns
        -------
        numpy.ndarray
            Shape ``(n,)`` when d = 1 and ``(n, d)`` otherwise (a scalar time
            gives shape ``()`` or ``(d,)``).
        """
        t = as_times("t", t)
        flat = np.atleast_1d(t).ravel()
        out = self._kernel_values(flat)  # (n, d)
        if self._scalar_input or self.input_dim == 1:
            out = out[:, 0]
            return out.reshape(t.shape)
        return out.reshape(t.shape + (self.input_dim,))

    def _kernel_values(self, t: np.ndarray) -> np.ndarray:
        if self._diag:
            lam = np.diag(self._W)
            return np.exp(np.multiply.outer(t, lam)) @ (self._c[:, None] * self._U)
        if self._modes is not None:
            lam, left, right = self._modes
            return np.real(np.exp(np.multiply.outer(t, lam)) @ (left[:, None] * right))
        # Beyond e^{abscissa·t} < e^{-745} the kernel underflows (up to the
        # polynomial growth of Jordan blocks, negligible there); expm of such
        # huge matrices would overflow, so those values are set to zero.
        out = np.zeros((t.size, self.input_dim))
        live = np.flatnonzero(t * -self.spectral_abscissa < 745.0)
        chunk = 2048
        for s in range(0, live.size, chunk):
            idx = live[s : s + chunk]
            E = linalg.expm(t[idx, None, None] * self._W[None])  # (k, m, m)
            out[idx] = np.einsum("i,kij,jd->kd", self._c, E, self._U)
        return out

    def step_response(self, t) -> np.ndarray:
        r"""Output for the unit step input :math:`\int_0^t \hat\rho(s)\,ds = c^\top W^{-1}(e^{Wt}-I)U`.

        Computed with the augmented-matrix exponential (no inverse of W).
        Shape as in :meth:`kernel`.
        """
        t = as_times("t", t)
        flat = np.atleast_1d(t).ravel()
        out = np.empty((flat.size, self.input_dim))
        for k, tk in enumerate(flat):
            _, B = zoh_discretise(self._W, self._U, tk) if tk > 0 else (None, np.zeros_like(self._U))
            out[k] = self._c @ B
        if self._scalar_input or self.input_dim == 1:
            return out[:, 0].reshape(t.shape)
        return out.reshape(t.shape + (self.input_dim,))

    def cell_integrals(self, dt: float, n: int) -> np.ndarray:
        r"""Exact :math:`\int_{j\,dt}^{(j+1)dt}\hat\rho`, ``j = 0..n-1``, shape (n, d).

        Equal to :math:`c^\top A^j B` with the zero-order-hold pair
        :math:`(A, B)` of :func:`zoh_discretise`.
        """
        dt = as_real_scalar("dt", dt, positive=True)
        n = as_integer("n", n)
        A, B = zoh_discretise(self._W, self._U, dt)
        if self._diag:
            lam = np.diag(self._W)
            j = np.arange(n, dtype=float)
            return np.exp(np.multiply.outer(j * dt, lam)) @ (self._c[:, None] * B)
        return _row_powers(self._c, A, int(n)) @ B

    def transfer(self, s) -> np.ndarray:
        r"""Laplace transform of the kernel, :math:`c^\top (sI - W)^{-1} U`, for real s > 0.

        Shape ``s.shape`` when d = 1, else ``s.shape + (d,)``.
        """
        s = as_real_array("s", s)
        if np.any(s <= 0):
            raise ValueError(f"s must be positive (Laplace variable s > 0), got minimum {s.min()}")
        m = self.hidden_size
        flat = np.atleast_1d(s).ravel()
        out = np.array([self._c @ np.linalg.solve(sv * np.eye(m) - self._W, self._U) for sv in flat])
        if self.input_dim == 1:
            return out[:, 0].reshape(s.shape)
        return out.reshape(s.shape + (self.input_dim,))

    def gramian(self) -> np.ndarray:
        r"""Controllability Gramian :math:`P = \int_0^\infty e^{Ws}UU^\top e^{W^\top s}ds`.

        Solves :math:`WP + PW^\top = -UU^\top` (``scipy.linalg.solve_continuous_lyapunov``),
        symmetrised. Then :math:`\|\hat\rho\|_{L^2}^2 = c^\top P c`.
        """
        P = linalg.solve_continuous_lyapunov(self._W, -self._U @ self._U.T)
        return 0.5 * (P + P.T)

    def norm(self, p: int = 2) -> float:
        r""":math:`L^p` norm of the kernel: p = 2 via the Gramian (exact), p = 1 by
        quadrature of :math:`\sum_j|\hat\rho_j(t)|` (ℓ¹ over input components)."""
        from .distance import distance

        return distance(self, None, p)

    def discretise(self, dt: float) -> tuple[np.ndarray, np.ndarray]:
        """The exact zero-order-hold pair (A, B) for step ``dt``; see :func:`zoh_discretise`."""
        dt = as_real_scalar("dt", dt, positive=True)
        return zoh_discretise(self._W, self._U, dt)

    def recur(self, x, dt: float) -> np.ndarray:
        r"""Run the exact discrete recurrence :math:`h_{n+1} = A h_n + B x_n`, :math:`y_n = c^\top h_{n+1}`.

        The *recurrent view* of the model: a loop over time, for illustration
        and as a reference (use :func:`lrnn.respond` for speed). Same input and
        output conventions as :func:`lrnn.respond`.
        """
        from .signals import _as_input

        dt = as_real_scalar("dt", dt, positive=True)
        X = _as_input(x, self.input_dim)
        A, B = zoh_discretise(self._W, self._U, dt)
        h = np.zeros(self.hidden_size)
        y = np.empty(X.shape[0])
        for n in range(X.shape[0]):
            h = A @ h + B @ X[n]
            y[n] = self._c @ h
        return y

    def as_kernel(self) -> "ModelKernel":
        """The model's kernel as a :class:`lrnn.kernels.Kernel` (scalar input only)."""
        return ModelKernel(self)


class ModelKernel(Kernel):
    r"""The kernel :math:`c^\top e^{Wt}U` of a scalar-input :class:`LinearRNN`, as a Kernel."""

    def __init__(self, model: LinearRNN):
        if not isinstance(model, LinearRNN):
            raise TypeError(f"model must be a LinearRNN, got {type(model).__name__}")
        if model.input_dim != 1:
            raise ValueError(f"model must have scalar input (d = 1) to be a scalar kernel, got d = {model.input_dim}")
        self.model = model
        self._timescale = 1.0 / abs(model.spectral_abscissa)

    def __repr__(self) -> str:
        return f"ModelKernel({self.model!r})"

    def _eval(self, t):
        return self.model._kernel_values(np.atleast_1d(t).ravel())[:, 0].reshape(np.shape(t))

    def _primitive(self, t):
        return self.model.step_response(t)

    def cell_integrals(self, dt, n):
        return self.model.cell_integrals(dt, n)[:, 0]

    def laplace(self, s):
        return self.model.transfer(s)

    def norm(self, p: int = 2) -> float:
        return self.model.norm(p)

    def state_space(self):
        m = self.model
        return np.array(m.W), np.array(m._U), np.array(m.c)


def as_kernel(obj, name: str = "target") -> Kernel:
    """A scalar kernel from a :class:`~lrnn.kernels.Kernel` or a scalar-input :class:`LinearRNN`.

    Raises ``TypeError`` for anything else and ``ValueError`` for a model with d > 1 inputs,
    naming the argument ``name``.
    """
    if isinstance(obj, Kernel):
        return obj
    if isinstance(obj, LinearRNN):
        if obj.input_dim != 1:
            raise ValueError(f"{name} must have scalar input (d = 1), got a LinearRNN with d = {obj.input_dim}")
        return ModelKernel(obj)
    raise TypeError(f"{name} must be a kernel (lrnn.kernels.Kernel) or a LinearRNN, got {type(obj).__name__}")


def diagonal_parameters(model, name: str = "model") -> tuple[np.ndarray, np.ndarray]:
    r"""The rates :math:`r` and weights :math:`a` of a diagonal scalar-input model, :math:`\hat\rho=\sum_i a_ie^{-r_it}`.

    ``r = -diag(W)`` and ``a = c ⊙ U``. Raises ``TypeError`` (naming ``name``) for anything
    but a LinearRNN and ``ValueError`` for a non-diagonal W or a vector input.
    """
    if not isinstance(model, LinearRNN):
        raise TypeError(f"{name} must be a LinearRNN (e.g. LinearRNN.diagonal(rates, weights)), "
                        f"got {type(model).__name__}")
    if not model.is_diagonal or model.input_dim != 1:
        raise ValueError(f"{name} must be a diagonal LinearRNN with scalar input, "
                         "such as LinearRNN.diagonal(rates, weights)")
    return -np.diag(np.asarray(model.W)).copy(), np.asarray(model.c) * np.asarray(model.U).ravel()
