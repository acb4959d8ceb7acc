#!/usr/bin/env bash
# Runs Tianping's whole test suite. On a fresh machine it first installs what the
# tests need: a virtualenv with the package, and Debian's Chromium and fonts for
# the browser and PDF tests. Extra arguments go to pytest (e.g. ./test.sh -k parser).
# ./test.sh --lint runs ruff, then mypy (no tests).
# DATABASE_URL=postgres://postgres@127.0.0.1:5432/test ./test.sh runs it on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/bootstrap.sh
bootstrap_python
bootstrap_system_packages
if [ "${1:-}" = "--lint" ]; then
    # ruff (pyflakes, isort, bugbear, pyupgrade) over the package, tests and benchmarks;
    # mypy over tianping/core and tianping/reports ([tool.mypy] in pyproject.toml)
    .venv/bin/ruff check tianping tests bench
    exec .venv/bin/mypy
fi
set +e
.venv/bin/python -m pytest "$@"
rc=$?
set -e
exit $rc
