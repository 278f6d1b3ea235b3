"""The largest sizes and budgets :mod:`lrnn` accepts, in one place.

Every limit here is a promise made at the package boundary: an argument beyond
it is refused up front by :func:`lrnn._validation.as_size` (a ``ValueError``
naming the argument, the limit and the reason), instead of reaching NumPy as a
request for terabytes or a loop that never ends. The values are chosen for the
book's reference machine (2 cores, a few GiB free per session); a routine that
works in pieces (``respond``, cell integrals, kernel tables) stays within
:data:`MAX_TABLE_ENTRIES` float64 numbers of working memory at any size it
accepts.

Nothing here is part of the public API; the limits are stated in the
docstrings of the functions that use them.
"""

from __future__ import annotations

#: The largest dense table of float64 numbers built in one piece: 2**25 entries (256 MiB).
#: Longer computations are chunked so that no intermediate exceeds it.
MAX_TABLE_ENTRIES = 2**25

#: Rows of one chunk when a (rows × columns) table is built in pieces (e.g. e^{-λ_k t_j}).
CHUNK_ENTRIES = 2**20

#: The longest sampled input or output (time steps): 2**23 ≈ 8.4 million samples. The FFT
#: convolution of :func:`lrnn.respond` then needs about 0.5 GiB at its peak.
MAX_STEPS = 2**23

#: The largest hidden size of a dense model (W is m × m; eigen-decompositions cost O(m³)).
MAX_HIDDEN = 4096

#: The largest number of terms of an exponential sum or of rates handled in one call.
MAX_TERMS = 2**20

#: Sign changes or features of a kernel that a half-line quadrature may split at; beyond, the
#: integrand oscillates too often to be integrated piecewise in bounded time.
MAX_QUAD_PIECES = 20_000

#: Integrand evaluations one half-line quadrature may spend (QUADPACK calls over all pieces).
MAX_QUAD_EVALUATIONS = 5_000_000

#: Decimal digits of an extended-precision (mpmath) computation.
MAX_DPS = 5_000

#: Independent sample paths or batch entries generated at once.
MAX_BATCH = 2**20
