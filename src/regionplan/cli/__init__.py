"""The ``regionplan`` command line.

Exit codes:

====  =====================================================================
0     success (a plan with warnings only is a success)
1     the plan has errors (``validate``, and any command that loads a plan)
2     wrong command-line usage (unknown option, missing argument)
3     another user error: a missing file, a data source that failed, a bad date
4     an unexpected internal error (a bug: please report it; ``--debug`` shows where)
5     ``diff --exit-code`` only: the two plans differ (not git's 1, which means errors here)
====  =====================================================================

A user's mistake never shows a traceback; ``--debug`` shows one for any error.
"""

from regionplan.cli import commands, history, revisions, tools, workbook  # noqa: F401  (they add themselves to the group)
from regionplan.cli.core import EXIT_INTERNAL, EXIT_PLAN, EXIT_USAGE, EXIT_USER, cli, main

__all__ = ["EXIT_INTERNAL", "EXIT_PLAN", "EXIT_USAGE", "EXIT_USER", "cli", "main"]
