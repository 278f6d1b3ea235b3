# nbgrader configuration of a course graded with the book's hidden tests.
#
# This is the template that `python -m lrnn.coursework course COURSEDIR` fills in and writes to
# COURSEDIR/nbgrader_config.py (each "@...@" string is replaced by its value). Edit the time limits and the
# kernel's environment there if you need to; keep the lists of preprocessors, which put the book's grader plugins
# into nbgrader's pipeline (see lrnn/coursework/nbgrader_plugin.py and the instructor's guide).
c = get_config()  # noqa: F821 - provided by nbgrader when it reads this file

BOOK = "@BOOK@"  # the book's clone: its coursework/ folder holds the hidden tests
c.CourseDirectory.root = "@ROOT@"
c.CourseDirectory.course_id = "curse-of-memory"

# Releasing (generate_assignment): stubs that keep a notebook runnable from the top.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE"}
c.ClearSolutions.text_stub = "_Your answer here._"

# Autograding: nbgrader's pipeline with the book's plugins.
_P = "lrnn.coursework.nbgrader_plugin."
c.Autograde.exporter_class = _P + "SubmissionExporter"          # unreadable files are graded as empty
c.Autograde.sanitize_preprocessors = [
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.DeduplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "nbgrader.preprocessors.OverwriteCells",
    _P + "RestoreCells",                                          # grade cells come from the source
    "nbgrader.preprocessors.CheckCellMetadata",
]
c.Autograde.autograde_preprocessors = [
    _P + "RobustExecute",                                         # time limits, explicit kernel, crash recovery
    _P + "JudgeAnswers",                                          # hidden tests judged outside the kernel
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]
c.RobustExecute.timeout = "@CELL_TIMEOUT@"  # seconds a cell may run before it is interrupted
c.RobustExecute.notebook_timeout = "@NOTEBOOK_TIMEOUT@"  # seconds a whole notebook may run
c.RobustExecute.kernel_env = "@KERNEL_ENV@"  # e.g. {"LRNN_FAST": "1"} for shorter experiments
c.JudgeAnswers.hidden_tests = BOOK + "/coursework/hidden_tests"
c.JudgeAnswers.watch = "@WATCH@"  # the grader's files: changes are detected
c.JudgeAnswers.manifest_file = "@MANIFEST@"

# Exporting: nbgrader's grades.csv plus grades_by_exercise.csv (one row per student, exercise and part).
c.ExportApp.plugin_class = _P + "ByExerciseCsvExport"
