#!/usr/bin/env bash
# Runs Tianping on this machine with demo data (SQLite in ./var). First run installs it.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/bootstrap.sh
bootstrap_python
exec .venv/bin/tianping demo "$@"
