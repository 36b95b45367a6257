#!/usr/bin/env bash
# Set up a fresh machine and run the whole test suite: the library, its plugins
# and the reference example (the example run is itself a test).
set -euo pipefail
cd "$(dirname "$0")/.."

# The HTML report is tested in a real headless browser: Debian's chromium, with the fonts the
# reviewed screenshots (tests/visual) were taken with.
FONTS="fonts-dejavu-core fonts-dejavu-extra fonts-liberation"
if ! command -v chromium >/dev/null 2>&1 || ! dpkg -s $FONTS >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium $FONTS >/dev/null
  else
    echo "note: chromium is not installed; the browser test will be skipped" >&2
  fi
fi

python3 -m venv .venv
. .venv/bin/activate
python -m pip install -q --upgrade pip
python -m pip install -q -e ".[test,lint,docs]" -e plugins/regionplan-ssb -e "plugins/regionplan-milestones[excel]"

# Style and types first: they are part of passing the tests.
ruff check src tests plugins docs scripts
ruff format --check src tests plugins docs scripts
mypy
mypy plugins/regionplan-ssb/src plugins/regionplan-milestones/src
# The architecture: stages import only downwards (the contracts are in pyproject.toml).
lint-imports --no-cache --no-logo

# Hostile input (plan files, data files, SSB faults, plugins) once more under a memory
# ceiling and a time limit: none of it may make a command use gigabytes or hang.
(ulimit -v 2000000 && timeout 600 python -m pytest -q -p no:cacheprovider \
  tests/test_hostile_files.py tests/test_hostile_values.py tests/test_plugin_faults.py \
  plugins/regionplan-ssb/tests/test_faults.py)

set +e
python -m pytest "$@"
status=$?
set -e
if [ "$status" = "5" ]; then
  echo "error: pytest collected no tests" >&2
  exit 1
fi
exit "$status"
