"""Test-suite settings shared by the unit tests and the notebook (nbval) tests.

``LRNN_FAST=1`` lets chapters shorten their slowest experiments under nbval; it is
set here, before any notebook kernel starts, and removed again for the book
build test (the book is always built at full size).
"""

import os

os.environ.setdefault("LRNN_FAST", "1")
