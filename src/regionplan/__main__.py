"""``python -m regionplan``: the command line, as the ``regionplan`` script runs it."""

from regionplan.cli import main

main()
