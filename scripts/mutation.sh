#!/usr/bin/env bash
# Mutation testing of the core modules with mutmut, one module at a time (scripts/mutation.py).
# NOT part of CI: a module takes minutes and its survivors need review (benchmarks/MUTATION.md).
#
#   bash scripts/mutation.sh list
#   bash scripts/mutation.sh MODULE [run|summary|survivors|show NAME|clean] [--budget S] [--resume]
set -euo pipefail
exec python "$(dirname "${BASH_SOURCE[0]}")/mutation.py" "$@"
