"""Self-checks for the book's exercises (formative feedback, not marks).

For every exercise whose answer is a number (or a few numbers, or a function), this package provides a function
named after the exercise's label (``ex-c2-one-unit`` → :func:`ex_c2_one_unit`). A student calls it with their
answers; it returns a :class:`CheckResult` that says whether the answers are right, within the tolerance stated in
the function's docstring, and, if not, gives a hint that points at the method without revealing the answer::

    import lrnn.checks
    lrnn.checks.ex_c1_two_by_two(l1_norm=l1_norm, l2_norm=l2_norm)

The reference values are computed when a check is called, by a method independent of the chapter's solution
(closed forms, ``scipy.integrate.quad``, ``scipy.optimize``); they are never printed, returned or stored, and no
literal answer of an exercise appears in the package (single exact answers are compared by digest). A check never
raises on a wrong or missing answer: an unanswered stub (``...``), a value of the wrong type, or a function that
raises all give a failed result with a message.

The checks are formative. Marks are given by the autograder's hidden tests, which live with the instructor's
material outside this package (see the instructor's guide); nothing here decides a grade.

Layout: :mod:`lrnn.checks._core` (results, registry, answer validation) and one module per chapter,
:mod:`~lrnn.checks.c1` … :mod:`~lrnn.checks.c5`. :data:`REGISTRY` maps each exercise label to an
:class:`ExerciseCheck` (its answers' names and descriptions, used for the answer stubs of the coursework).
"""

from ._core import REGISTRY, Answer, CheckResult, ExerciseCheck, get, labels
from .c1 import ex_c1_discretise, ex_c1_two_by_two, ex_c1_vector
from .c2 import ex_c2_blaschke_two, ex_c2_integrable, ex_c2_muntz, ex_c2_one_unit
from .c3 import ex_c3_exponential_rate, ex_c3_hankel_rank, ex_c3_one_term
from .c4 import ex_c4_barrier, ex_c4_gradient, ex_c4_slope, ex_c4_step
from .c5 import ex_c5_best, ex_c5_dense, ex_c5_eta, ex_c5_jump, ex_c5_sensitivity

__all__ = [
    "CheckResult", "ExerciseCheck", "Answer", "REGISTRY", "get", "labels",
    "ex_c1_two_by_two", "ex_c1_discretise", "ex_c1_vector",
    "ex_c2_integrable", "ex_c2_one_unit", "ex_c2_blaschke_two", "ex_c2_muntz",
    "ex_c3_one_term", "ex_c3_exponential_rate", "ex_c3_hankel_rank",
    "ex_c4_gradient", "ex_c4_barrier", "ex_c4_slope", "ex_c4_step",
    "ex_c5_dense", "ex_c5_best", "ex_c5_jump", "ex_c5_eta", "ex_c5_sensitivity",
]
