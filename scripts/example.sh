#!/usr/bin/env bash
# Set up a fresh machine and run the reference example end to end:
# load and validate Gardermoregionen's plan, evaluate it on real data, write the reports.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
. .venv/bin/activate
python -m pip install -q --upgrade pip
python -m pip install -q -e . -e plugins/regionplan-ssb
mkdir -p out
regionplan validate examples/gardermoregionen
regionplan report examples/gardermoregionen --offline --format html -o out/gardermoregionen.html
regionplan report examples/gardermoregionen --offline --format md -o out/gardermoregionen.md
regionplan report examples/gardermoregionen --offline --format json -o out/gardermoregionen.json
regionplan evaluate examples/gardermoregionen --offline
