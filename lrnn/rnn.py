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
    \qquad \hat\rho(s)^\top = c^\top e^{Ws} U = \sum_k r_k e^{z_ks},

so the model *is* its kernel :math:`c^\top e^{Ws}U`, a (generalised)
exponential sum with eigenvalues :math:`z_k` and residues :math:`r_k`
(:meth:`LinearRNN.modes`). Sampling with a zero-order hold of step :math:`\Delta` gives
the exact discrete recurrence :math:`h_{n+1} = A h_n + B x_n` with
:math:`A = e^{W\Delta}` and :math:`B = \int_0^\Delta e^{Ws}ds\,U`.

The dense linear algebra (modes with one conditioning rule, scaled Gramians,
Hankel singular values, the stable discretisation) lives in :mod:`lrnn._linalg`;
:class:`ModelKernel` makes a scalar-input model a :class:`~lrnn.kernels.Kernel`
that answers every kernel question.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from . import _limits
from . import _linalg as la
from ._validation import (as_input, as_integer, as_laplace_points, as_norm_order, as_rates_weights, as_real_array,
                          as_real_scalar, as_size, as_times)
from .kernels import ExponentialSum, Kernel, LaplaceMeasure
from .kernels._base import chunk_rows

__all__ = ["LinearRNN", "ModelKernel", "as_kernel", "diagonal_parameters", "zoh_discretise"]

#: Accuracy asked of the modal form when it is used to *evaluate* the kernel (else matrix exponentials).
_EVAL_RTOL = 1e-12


def zoh_discretise(W: ArrayLike, U: ArrayLike, dt: float) -> tuple[np.ndarray, np.ndarray]:
    r"""Exact zero-order-hold discretisation of :math:`\dot h = Wh + Ux`.

    Returns :math:`A = e^{W\,dt}` and :math:`B = \int_0^{dt} e^{Ws}\,ds\;U`: for a real diagonal :math:`W`
    in closed form (:math:`B_k = \mathrm{expm1}(W_{kk}dt)/W_{kk}\,U_k`), otherwise read off one matrix
    exponential of the augmented matrix :math:`\begin{pmatrix} W & U \\ 0 & 0\end{pmatrix} dt` (no inverse of
    W), or from the modal form when that exponential overflows (:math:`\|W\|dt \gtrsim 10^{40}`).

    Parameters
    ----------
    W : array_like, shape (m, m)
        The recurrent matrix (real, finite).
    U : array_like, shape (m, d) or (m,)
        The input matrix; ``B`` has the same shape.
    dt : float
        The step :math:`\Delta > 0`.

    Returns
    -------
    A : numpy.ndarray, shape (m, m)
    B : numpy.ndarray, shape of ``U``
    """
    W = as_real_array("W", W, ndim=2)
    m = W.shape[0]
    if W.shape != (m, m) or m == 0:
        raise ValueError(f"W must be a non-empty square matrix (m, m), got shape {W.shape}")
    if m > _limits.MAX_HIDDEN:
        raise ValueError(f"W must have at most {_limits.MAX_HIDDEN} rows (the largest dense model), got {m}")
    U = as_real_array("U", U, ndim=(1, 2))
    if U.shape[0] != m:
        raise ValueError(f"U must have m = {m} rows to match W, got shape {U.shape}")
    dt = as_real_scalar("dt", dt, positive=True)
    A, B = la.zoh(W, U.reshape(m, -1), dt)
    return A, B.reshape(U.shape)


class LinearRNN:
    r"""Continuous-time linear RNN :math:`\dot h = Wh + Ux`, :math:`\hat y = c^\top h`.

    Parameters
    ----------
    W : array_like, shape (m, m)
        Recurrent matrix; every eigenvalue must have negative real part; m at most
        :data:`lrnn._limits.MAX_HIDDEN`.
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

    def __init__(self, W: ArrayLike, U: ArrayLike, c: ArrayLike):
        W = as_real_array("W", W, ndim=2)
        U = as_real_array("U", U, ndim=(1, 2))
        c = as_real_array("c", c, ndim=1)
        m = W.shape[0]
        if W.shape != (m, m) or m == 0:
            raise ValueError(f"W must be a non-empty square matrix (m, m), got shape {W.shape}")
        if m > _limits.MAX_HIDDEN:
            raise ValueError(f"W must have at most {_limits.MAX_HIDDEN} rows (the largest dense model lrnn "
                             f"handles: eigen-decompositions cost O(m³)), got {m}")
        if U.shape[0] != m:
            raise ValueError(f"U must have m = {m} rows to match W, got shape {U.shape}")
        if c.shape != (m,):
            raise ValueError(f"c must have shape ({m},) to match W, got {c.shape}")
        self._scalar_input = U.ndim == 1
        U = U.reshape(m, -1)
        if U.shape[1] == 0:
            raise ValueError("U must have at least one column (input dimension d >= 1)")
        if U.shape[1] > _limits.MAX_HIDDEN:
            raise ValueError(f"U must have at most {_limits.MAX_HIDDEN} columns (input dimension), got {U.shape[1]}")
        self._diag = la.is_real_diagonal(W)
        eig = np.diag(W).astype(complex) if self._diag else np.linalg.eigvals(W)
        if not np.all(np.isfinite(eig)):
            raise ValueError("W must have finite eigenvalues; its entries (up to "
                             f"{np.max(np.abs(W)):.3g}) overflow the eigenvalue computation")
        abscissa = float(np.max(eig.real))
        if not abscissa < 0:
            raise ValueError(
                "W must be Hurwitz (every eigenvalue with negative real part) for the "
                f"kernel c^T e^(Wt) U to decay; its largest real part is {abscissa:.6g}"
            )
        self._W, self._U, self._c = W, U, c
        self._eig = eig
        self._cache: dict = {}
        for arr in (self._W, self._U, self._c):
            arr.setflags(write=False)

    # ------------------------------------------------------------ constructors
    @classmethod
    def diagonal(cls, rates: ArrayLike, weights: ArrayLike) -> "LinearRNN":
        r"""The diagonal model :math:`W = -\mathrm{diag}(\lambda)`, :math:`U = \mathbf 1`, :math:`c = a`.

        Its kernel is :math:`\sum_k a_k e^{-\lambda_k t}`.

        Parameters
        ----------
        rates : array_like, shape (m,)
            Positive decay rates :math:`\lambda_k`.
        weights : array_like, shape (m,)
            Read-out weights :math:`a_k`.
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

    def _shape_out(self, out: np.ndarray, shape: tuple) -> np.ndarray:
        """(n, d) values reshaped to the convention: ``shape`` when d = 1, else ``shape + (d,)``."""
        if self._scalar_input or self.input_dim == 1:
            return out[:, 0].reshape(shape)
        return out.reshape(shape + (self.input_dim,))

    # ------------------------------------------------------------ modes, Gramians
    def _modes(self, rtol: float):
        key = ("modes", rtol)
        if key not in self._cache:
            self._cache[key] = la.modes(self._W, self._U, self._c, rtol)
        return self._cache[key]

    def modes(self, rtol: float = la.MODAL_RTOL) -> tuple[np.ndarray, np.ndarray]:
        r"""Eigenvalues :math:`z_k` and residues :math:`r_k` with :math:`\hat\rho(t)^\top = \sum_k r_k e^{z_kt}`.

        :math:`r_k = (c^\top v_k)(\tilde v_k^\top U)` from the eigenvectors :math:`v_k` of W and the rows
        :math:`\tilde v_k^\top` of :math:`V^{-1}`; exact for a real diagonal W. The package's one
        conditioning rule: the form is used only when :math:`\kappa(V)\,\varepsilon \le` ``rtol`` (the relative
        error it may carry), so a defective or nearly defective W (a Jordan block) raises instead.

        Parameters
        ----------
        rtol : float, default 1e-8
            The accuracy asked of the modal form, in (0, 1).

        Returns
        -------
        z : numpy.ndarray, shape (m,), complex
        r : numpy.ndarray, shape (m,) when d = 1 else (m, d), complex

        Raises
        ------
        ValueError
            When W is not reliably diagonalisable at this accuracy.
        """
        rtol = as_real_scalar("rtol", rtol, above=0.0, below=1.0)
        md = self._modes(rtol)
        if md is None:
            raise ValueError(f"W is not reliably diagonalisable at rtol = {rtol:g}: the condition number of its "
                             "eigenvector matrix times machine epsilon exceeds it (a Jordan block or nearly "
                             "repeated eigenvalues); use kernel() or the Gramians instead")
        z, r = md
        return z.copy(), (r[:, 0].copy() if self.input_dim == 1 else r.copy())

    def gramian(self) -> np.ndarray:
        r"""Controllability Gramian :math:`P = \int_0^\infty e^{Ws}UU^\top e^{W^\top s}ds`.

        Solves :math:`WP + PW^\top = -UU^\top` (Cauchy closed form for a diagonal W, else
        ``scipy.linalg.solve_continuous_lyapunov``), scaled and symmetrised. Then
        :math:`\|\hat\rho\|_{L^2}^2 = c^\top P c`.
        """
        return self.gramians()[0]

    def gramians(self) -> tuple[np.ndarray, np.ndarray]:
        r"""The Gramians :math:`(P, Q)`: :math:`WP + PW^\top = -UU^\top`, :math:`W^\top Q + QW = -cc^\top`.

        :math:`P` measures how strongly inputs excite each state direction, :math:`Q` how strongly each state
        shows in the output; :math:`\sigma_k = \sqrt{\lambda_k(PQ)}` are the Hankel singular values. Raises
        ``ValueError`` when an entry overflows float64.
        """
        return la.gramians(self._W, self._U, self._c)

    def hankel_singular_values(self) -> np.ndarray:
        r"""The Hankel singular values :math:`\sigma_1 \ge \dots \ge \sigma_m` of the model's kernel.

        The singular values of the Hankel operator :math:`f \mapsto \int_0^\infty\hat\rho(\cdot+s)^\top f(s)ds`,
        :math:`\sigma_k = \sqrt{\lambda_k(PQ)}`, by the square-root method on the scaled Gramians (accurate to
        about :math:`10^{-15}\sigma_1` in absolute terms).
        """
        return la.hankel_singular_values(self._W, self._U, self._c)

    # ------------------------------------------------------------ kernel
    def kernel(self, t: ArrayLike) -> np.ndarray:
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
        with np.errstate(over="ignore", invalid="ignore"):
            out = self._kernel_values(flat)  # (n, d)
        if not np.all(np.isfinite(out)):
            raise ValueError(f"{self!r}: kernel values overflow float64")
        return self._shape_out(out, t.shape)

    def _kernel_values(self, t: np.ndarray) -> np.ndarray:
        t = np.asarray(t, float)
        d = self.input_dim
        out = np.empty((t.size, d))
        if self._diag:
            lam, R = np.diag(self._W), self._c[:, None] * self._U
            step = chunk_rows(lam.size)
            for s in range(0, t.size, step):
                out[s:s + step] = np.exp(np.multiply.outer(t[s:s + step], lam)) @ R
            return out
        md = self._modes(_EVAL_RTOL)
        if md is not None:
            z, R = md
            step = chunk_rows(2 * z.size)
            for s in range(0, t.size, step):
                with np.errstate(under="ignore", over="ignore", invalid="ignore"):
                    out[s:s + step] = np.real(np.exp(np.multiply.outer(t[s:s + step], z)) @ R)
            return out
        # Beyond e^{abscissa·t} < e^{-745} the kernel underflows (up to the
        # polynomial growth of Jordan blocks, negligible there); expm of such
        # huge matrices would overflow, so those values are set to zero.
        out[:] = 0.0
        live = np.flatnonzero(t * -self.spectral_abscissa < 745.0)
        m = self.hidden_size
        step = max(1, _limits.CHUNK_ENTRIES // (m * m))
        for s in range(0, live.size, step):
            idx = live[s:s + step]
            with np.errstate(all="ignore"):
                E = la.expm_batch(self._W, t[idx])  # (k, m, m)
            bad = ~np.all(np.isfinite(E), axis=(1, 2))
            for j in np.flatnonzero(bad):  # rare: stiff W at a large time
                E[j] = la.expm_stable(self._W, float(t[idx[j]]))
            out[idx] = np.einsum("i,kij,jd->kd", self._c, E, self._U)
        return out

    def step_response(self, t: ArrayLike) -> np.ndarray:
        r"""Output for the unit step input :math:`\int_0^t \hat\rho(s)\,ds = c^\top W^{-1}(e^{Wt}-I)U`.

        Closed forms :math:`\sum_k r_k\,\mathrm{expm1}(z_kt)/z_k` for a diagonal or reliably diagonalisable W;
        otherwise the augmented-matrix exponential of :func:`zoh_discretise` at each time (no inverse of W).

        Parameters
        ----------
        t : float or array_like
            Non-negative times. Shape of the result as in :meth:`kernel`.
        """
        t = as_times("t", t)
        flat = np.atleast_1d(t).ravel()
        with np.errstate(over="ignore", invalid="ignore"):
            out = self._primitive_values(flat)
        if not np.all(np.isfinite(out)):
            raise ValueError(f"{self!r}: the step response overflows float64")
        return self._shape_out(out, t.shape)

    def _primitive_values(self, t: np.ndarray) -> np.ndarray:
        md = self._modes(_EVAL_RTOL)
        out = np.empty((t.size, self.input_dim))
        if md is not None:
            z, R = md
            step = chunk_rows(2 * z.size)
            for s in range(0, t.size, step):
                with np.errstate(under="ignore"):
                    out[s:s + step] = np.real((np.expm1(np.multiply.outer(t[s:s + step], z)) / z) @ R)
            return out
        for k, tk in enumerate(t):
            out[k] = self._c @ la.zoh(self._W, self._U, float(tk))[1] if tk > 0 else 0.0
        return out

    def _tail_values(self, T: np.ndarray) -> np.ndarray:
        r""":math:`\int_T^\infty\hat\rho = -c^\top W^{-1}e^{WT}U` (modal: :math:`-\sum_k r_ke^{z_kT}/z_k`)."""
        md = self._modes(_EVAL_RTOL)
        if md is not None:
            z, R = md
            with np.errstate(under="ignore"):
                return np.real((np.exp(np.multiply.outer(T, z)) / -z) @ R)
        WinvU = np.linalg.solve(self._W, self._U)
        return np.array([-(self._c @ la.expm_stable(self._W, float(x))) @ WinvU for x in T])

    def cell_integrals(self, dt: float, n: int) -> np.ndarray:
        r"""Exact :math:`\int_{j\,dt}^{(j+1)dt}\hat\rho`, ``j = 0..n-1``, shape (n, d).

        Equal to :math:`c^\top A^j B` with the zero-order-hold pair
        :math:`(A, B)` of :func:`zoh_discretise`. Computed in blocks: working memory
        :math:`O(\sqrt n\,m + n\,d)`, never an (n, m) table.

        Parameters
        ----------
        dt : float
            Cell width (> 0).
        n : int
            Number of cells, at most :data:`lrnn._limits.MAX_STEPS`.
        """
        dt = as_real_scalar("dt", dt, positive=True)
        n = as_size("n", n, limit=_limits.MAX_STEPS, why="the longest sampled input lrnn handles")
        if not math.isfinite(n * dt):
            raise ValueError(f"dt = {dt:g} times n = {n} cells overflows float64 time")
        A, B = la.zoh(self._W, self._U, dt)
        if self._diag:
            lam, R = np.diag(self._W), self._c[:, None] * B
            out = np.empty((n, self.input_dim))
            step = chunk_rows(lam.size)
            for s in range(0, n, step):
                j = np.arange(s, min(n, s + step), dtype=float)
                with np.errstate(under="ignore"):
                    out[s:s + j.size] = np.exp(np.multiply.outer(j * dt, lam)) @ R
            return out
        return _row_powers_times(self._c, A, B, n)

    def transfer(self, s: ArrayLike) -> np.ndarray:
        r"""Laplace transform of the kernel, :math:`c^\top (sI - W)^{-1} U`, for real s > 0.

        Modal form :math:`\sum_k r_k/(s - z_k)` when W is reliably diagonalisable, else one linear solve per s.
        Shape ``s.shape`` when d = 1, else ``s.shape + (d,)``.

        Parameters
        ----------
        s : array_like
            Positive, finite Laplace variables.
        """
        s = as_laplace_points("s", s)
        flat = np.atleast_1d(s).ravel()
        with np.errstate(over="ignore", invalid="ignore"):
            out = self._transfer_values(flat)
        if not np.all(np.isfinite(out)):
            raise ValueError(f"{self!r}: the transfer function overflows float64")
        if self.input_dim == 1:
            return out[:, 0].reshape(s.shape)
        return out.reshape(s.shape + (self.input_dim,))

    def laplace(self, s: ArrayLike) -> np.ndarray:
        r"""The Laplace transform :math:`\int_0^\infty e^{-st}\hat\rho(t)^\top dt = c^\top(sI-W)^{-1}U` (same as
        :meth:`transfer`).

        Parameters
        ----------
        s : array_like
            Positive, finite Laplace variables.
        """
        return self.transfer(s)

    def _transfer_values(self, s: np.ndarray, power: int = 1) -> np.ndarray:
        md = self._modes(_EVAL_RTOL)
        if md is not None:
            z, R = md
            out = np.empty((s.size, self.input_dim))
            step = chunk_rows(2 * z.size)
            for k in range(0, s.size, step):
                out[k:k + step] = np.real((1.0 / np.subtract.outer(s[k:k + step], z) ** power) @ R)
            return out
        m = self.hidden_size
        out = np.empty((s.size, self.input_dim))
        for k, sv in enumerate(s):
            X = np.linalg.solve(sv * np.eye(m) - self._W, self._U)
            if power == 2:
                X = np.linalg.solve(sv * np.eye(m) - self._W, X)
            out[k] = self._c @ X
        return out

    def norm(self, p: int = 2) -> float:
        r""":math:`L^p` norm of the kernel.

        ``p = 2``: :math:`\sqrt{c^\top Pc}` from the model's own (scaled) Gramian, exact; direct quadrature of
        :math:`\sum_j\hat\rho_j^2` when that sum cancels. ``p = 1``: :math:`\sum_j\int_0^\infty|\hat\rho_j|`
        (ℓ¹ over input components), exact between the zeros for a diagonal model and by quadrature between
        the sign changes otherwise — refused (``ValueError``) when the kernel oscillates more than
        :data:`lrnn._limits.MAX_QUAD_PIECES` times over its memory (eigenvalues nearly imaginary).

        Parameters
        ----------
        p : {1, 2}, default 2
            The order of the norm.
        """
        p = as_norm_order(p)
        key = ("norm", p)
        if key not in self._cache:
            self._cache[key] = self._l2_norm() if p == 2 else self._l1_norm()
        return self._cache[key]

    def _l2_norm(self) -> float:
        value, scale = la.gramian_norm(self._W, self._U, self._c)
        if value * value >= 1e-6 * scale * scale:
            return value
        from ._quadrature import integrate_half_line

        ts = 1.0 / abs(self.spectral_abscissa)
        with np.errstate(under="ignore"):
            sq = integrate_half_line(lambda t: float(np.sum(self._kernel_values(np.array([t])) ** 2)), (),
                                     min(ts, 1e300), noisy=True)
        return math.sqrt(max(sq, 0.0))

    def _l1_norm(self) -> float:
        if self.input_dim == 1:
            return ModelKernel(self).norm(1)
        return float(sum(LinearRNN(self._W, self._U[:, j], self._c).norm(1) for j in range(self.input_dim)))

    def discretise(self, dt: float) -> tuple[np.ndarray, np.ndarray]:
        r"""The exact zero-order-hold pair :math:`A = e^{W\,dt}`, :math:`B = \int_0^{dt}e^{Ws}ds\,U`.

        See :func:`zoh_discretise` (closed forms for a diagonal W; stable for any magnitude of W dt).

        Parameters
        ----------
        dt : float
            The step (> 0).

        Returns
        -------
        A : numpy.ndarray, shape (m, m)
        B : numpy.ndarray, shape (m, d)
        """
        dt = as_real_scalar("dt", dt, positive=True)
        return la.zoh(self._W, self._U, dt)

    def recur(self, x: ArrayLike, dt: float) -> np.ndarray:
        r"""Run the exact discrete recurrence :math:`h_{n+1} = A h_n + B x_n`, :math:`y_n = c^\top h_{n+1}`.

        The *recurrent view* of the model: a loop over time, for illustration
        and as a reference (use :func:`lrnn.respond` for speed). Same input and
        output conventions as :func:`lrnn.respond`.

        Parameters
        ----------
        x : array_like, shape (T,) or (T, d)
            Input values held on each cell.
        dt : float
            Cell width (> 0).
        """
        dt = as_real_scalar("dt", dt, positive=True)
        X = as_input(x, self.input_dim)
        A, B = la.zoh(self._W, self._U, dt)
        h = np.zeros(self.hidden_size)
        y = np.empty(X.shape[0])
        with np.errstate(over="ignore", invalid="ignore"):
            for n in range(X.shape[0]):
                h = A @ h + B @ X[n]
                y[n] = self._c @ h
        if not np.all(np.isfinite(y)):
            raise ValueError(f"{self!r}: the recurrence overflows float64 for this input")
        return y

    def as_kernel(self) -> "ModelKernel":
        """The model's kernel as a :class:`lrnn.kernels.Kernel` (scalar input only)."""
        return ModelKernel(self)


def _row_powers_times(c: np.ndarray, A: np.ndarray, B: np.ndarray, n: int) -> np.ndarray:
    """Rows cᵀAʲB for j = 0..n−1, shape (n, d), in O(√n) matrix products and O(√n·m + n·d) memory."""
    m = A.shape[0]
    block = max(1, int(np.ceil(np.sqrt(n))))
    R = np.empty((block, m))
    R[0] = c
    with np.errstate(under="ignore"):
        for j in range(1, block):
            R[j] = R[j - 1] @ A
        As = np.linalg.matrix_power(A, block)
        out = np.empty((n, B.shape[1]))
        P = np.eye(m)
        for start in range(0, n, block):
            stop = min(n, start + block)
            out[start:stop] = ((R @ P) @ B)[: stop - start]
            P = P @ As
    return out


# ----------------------------------------------------------------------------- the model as a kernel
class ModelKernel(Kernel):
    r"""The kernel :math:`c^\top e^{Wt}U` of a scalar-input :class:`LinearRNN`, as a Kernel.

    Every kernel question is answered from the model: closed forms through the modes
    :math:`\hat\rho = \sum_k r_ke^{z_kt}` (a diagonal model is an :class:`~lrnn.kernels.ExponentialSum`),
    the Gramian for the :math:`L^2` norm, matrix exponentials otherwise.

    Parameters
    ----------
    model : LinearRNN
        A model with scalar input (d = 1).
    """

    def __init__(self, model: LinearRNN):
        if not isinstance(model, LinearRNN):
            raise TypeError(f"model must be a LinearRNN, got {type(model).__name__}")
        if model.input_dim != 1:
            raise ValueError(f"model must have scalar input (d = 1) to be a scalar kernel, got d = {model.input_dim}")
        self.model = model
        self._timescale = float(min(1.0 / abs(model.spectral_abscissa), 1e300))
        self._width = 2 * model.hidden_size
        self._sum = None
        if model.is_diagonal:  # a diagonal model is an exponential sum: every closed form of that class applies
            self._sum = ExponentialSum(-np.diag(model.W), np.asarray(model.c) * model._U[:, 0])

    def __repr__(self) -> str:
        return f"ModelKernel({self.model!r})"

    def _eval(self, t):
        t = np.asarray(t, float)
        return self.model._kernel_values(t.ravel())[:, 0].reshape(t.shape)

    def _primitive(self, t):
        t = np.asarray(t, float)
        return self.model._primitive_values(t.ravel())[:, 0].reshape(t.shape)

    def _between(self, a, b):
        if self._sum is not None:
            return self._sum._between(a, b)
        md = self.model._modes(_EVAL_RTOL)
        if md is None:
            return self._primitive(b) - self._primitive(a)
        z, R = md
        a, b = np.broadcast_arrays(np.asarray(a, float), np.asarray(b, float))
        with np.errstate(under="ignore"):
            vals = np.exp(np.multiply.outer(a.ravel(), z)) * np.expm1(np.multiply.outer((b - a).ravel(), z)) / z
        return np.real(vals @ R[:, 0]).reshape(a.shape)

    def _tail_signed(self, T):
        T = np.asarray(T, float)
        return self.model._tail_values(T.ravel())[:, 0].reshape(T.shape)

    def cell_integrals(self, dt: float, n: int) -> np.ndarray:
        """Exact cell integrals (see :meth:`LinearRNN.cell_integrals`), shape (n,).

        Parameters
        ----------
        dt : float
            Cell width (> 0).
        n : int
            Number of cells.
        """
        return self.model.cell_integrals(dt, n)[:, 0]

    def _laplace(self, s):
        s = np.asarray(s, float)
        return self.model._transfer_values(s.ravel())[:, 0].reshape(s.shape)

    def _make_pair_function(self):
        if self._sum is not None:
            return self._sum.laplace_pair_function()
        model = self.model

        def pair(s):
            s = np.asarray(s, float)
            L = model._transfer_values(s.ravel(), 1)[:, 0].reshape(s.shape)
            M = model._transfer_values(s.ravel(), 2)[:, 0].reshape(s.shape)
            return L, M

        return pair

    def laplace_measure(self) -> LaplaceMeasure | None:
        """Atoms :math:`r_k` at :math:`-z_k` (the modes) when W is reliably diagonalisable, else None."""
        if self._sum is not None:
            return self._sum.laplace_measure()
        md = self.model._modes(la.MODAL_RTOL)
        if md is None:
            return None
        z, R = md
        return LaplaceMeasure(-z, R[:, 0].copy())

    def _mp_laplace(self, points):
        if self._sum is not None:
            return self._sum._mp_laplace(points)
        import mpmath as mp

        m = self.model
        W = mp.matrix([[mp.mpf(float(x)) for x in row] for row in m.W])
        U = mp.matrix([mp.mpf(float(x)) for x in m._U[:, 0]])
        c = [mp.mpf(float(x)) for x in m.c]
        out = []
        for s in points:
            X = mp.lu_solve(s * mp.eye(m.hidden_size) - W, U)
            out.append(mp.fsum(ci * X[i] for i, ci in enumerate(c)))
        return out

    def _mp_norm_squared(self):
        return None if self._sum is None else self._sum._mp_norm_squared()

    def _mp_inner(self, other):
        return None if self._sum is None else self._sum._mp_inner(other)

    def _norm(self, p):
        if self._sum is not None:
            return self._sum.norm(p)
        if p == 2:
            return self.model.norm(2)
        self._check_oscillations()
        return self._quad_norm(1)

    def _oscillations(self):
        eig = self.model._eig
        return float(np.max(np.abs(eig.imag))) * (60.0 / abs(self.model.spectral_abscissa)) / math.pi

    def _check_oscillations(self):
        """Refuse ∫|ρ| when the kernel changes sign more often over its memory than quadrature can resolve."""
        eig = self.model._eig
        count = self._oscillations()
        if count > _limits.MAX_QUAD_PIECES:
            raise ValueError(
                f"{self!r}: its L1 norm needs the kernel's ~{count:.2g} sign changes over its memory "
                f"(eigenvalues {self.model.spectral_abscissa:.3g} ± {np.max(np.abs(eig.imag)):.3g}i) resolved; "
                f"lrnn integrates at most {_limits.MAX_QUAD_PIECES} (the largest supported ratio "
                f"|Im z|/|Re z| is about {_limits.MAX_QUAD_PIECES * math.pi / 60:.0f})")

    def _l1_breakpoints(self):
        self._check_oscillations()
        return super()._l1_breakpoints()

    def _inner(self, other):
        if self._sum is not None:
            return self._sum._inner(other)
        return super()._inner(other)

    def _exponential_terms(self):
        return None if self._sum is None else self._sum._exponential_terms()

    @property
    def is_zero(self) -> bool:
        """The read-out or the input vector is zero."""
        m = self.model
        return not np.any(m.c) or not np.any(m._U)

    def _sign_definite_after(self, T):
        return self._sum._sign_definite_after(T) if self._sum is not None else False

    def _horizon(self, rtol):
        if self._sum is not None:
            return self._sum._horizon(rtol)
        md = self.model._modes(la.MODAL_RTOL)
        if md is None:
            return super()._horizon(rtol)
        z, R = md
        n1 = self.norm(1)
        if n1 == 0.0:
            return 0.0
        lam, w = -z.real, np.abs(R[:, 0])
        keep = w > 0
        logs = np.log(w[keep]) - np.log(lam[keep])
        T = (logs + math.log(keep.sum()) - math.log(rtol) - math.log(n1)) / lam[keep]
        return float(max(T.max(), 0.0))

    def _min_timescale(self):
        return float(1.0 / np.max(np.abs(self.model._eig)))

    def state_space(self):
        """The model's ``(W, U, c)`` (U as an (m, 1) column)."""
        m = self.model
        return np.array(m.W), np.array(m._U), np.array(m.c)


def as_kernel(obj, name: str = "target") -> Kernel:
    """A scalar kernel from a :class:`~lrnn.kernels.Kernel` or a scalar-input :class:`LinearRNN`.

    Raises ``TypeError`` for anything else and ``ValueError`` for a model with d > 1 inputs,
    naming the argument ``name``.

    Parameters
    ----------
    obj : Kernel or LinearRNN
        The kernel or model.
    name : str, default "target"
        The argument's name, for the message.
    """
    if isinstance(obj, Kernel):
        return obj
    if isinstance(obj, LinearRNN):
        if obj.input_dim != 1:
            raise ValueError(f"{name} must have scalar input (d = 1), got a LinearRNN with d = {obj.input_dim}")
        return ModelKernel(obj)
    raise TypeError(f"{name} must be a kernel (lrnn.kernels.Kernel) or a LinearRNN, got {type(obj).__name__}")


def diagonal_parameters(model, name: str = "model") -> tuple[np.ndarray, np.ndarray]:
    r"""The rates :math:`\lambda` and weights :math:`a` of a diagonal scalar-input model,
    :math:`\hat\rho=\sum_k a_ke^{-\lambda_kt}`.

    ``λ = -diag(W)`` and ``a = c ⊙ U``. Raises ``TypeError`` (naming ``name``) for anything
    but a LinearRNN and ``ValueError`` for a non-diagonal W or a vector input.

    Parameters
    ----------
    model : LinearRNN
        A diagonal model with scalar input.
    name : str, default "model"
        The argument's name, for the message.
    """
    if not isinstance(model, LinearRNN):
        raise TypeError(f"{name} must be a LinearRNN (e.g. LinearRNN.diagonal(rates, weights)), "
                        f"got {type(model).__name__}")
    if not model.is_diagonal or model.input_dim != 1:
        raise ValueError(f"{name} must be a diagonal LinearRNN with scalar input, "
                         "such as LinearRNN.diagonal(rates, weights)")
    return -np.diag(np.asarray(model.W)).copy(), np.asarray(model.c) * np.asarray(model.U).ravel()
