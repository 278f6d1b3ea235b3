"""The hidden autograder tests of the book's exercises (instructor material: not part of the installed package).

One module per chapter; each defines :class:`lrnn.coursework.hidden.HiddenTest` objects keyed by exercise label.
A test lists the answers the exercise asks for (their names are those of the self-checks in ``lrnn.checks``, and
their bindings are the expressions of the chapter's solution that give them) and its parts, each worth some points,
each judged against a reference computed here by a closed form or an independent numerical method — never by the
chapter's solution code and never by ``lrnn.checks``. ``tests/test_coursework.py`` checks every test against the
chapter's own solution (full marks), the formative self-checks (the same verdict on right and wrong answers) and
wrong, unanswered and ill-typed answers (zero, with a message that does not show the reference).

The source builder (``python -m lrnn.coursework course``) injects each test's reporting code into the exercise's
test cell between ``### BEGIN HIDDEN TESTS`` and ``### END HIDDEN TESTS``; nbgrader strips it from the released
notebook, and the grader plugin judges the reported answers outside the student's kernel.
"""

from . import c1, c2, c3, c4, c5

TESTS = {}
for _module in (c1, c2, c3, c4, c5):
    for _test in _module.TESTS:
        if _test.label in TESTS:
            raise ValueError(f"two hidden tests for {_test.label}")
        TESTS[_test.label] = _test
