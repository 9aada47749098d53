#!/usr/bin/env bash
# Runs the tests of one extension folder (apps/<name>, services/<name> or
# tools/<name>). The folder itself and each direct subfolder is a test root
# when it has Python tests (tests/ next to requirements*.txt or
# pyproject.toml) or an npm "test" script. Python roots get their own .venv;
# npm roots get node_modules when their package.json has dependencies.
set -euo pipefail

extension=${1:?usage: scripts/test-extension.sh <apps|services|tools>/<name>}
PYTHON=${PYTHON:-python3}
NPM=${NPM:-npm}

if [ ! -d "$extension" ]; then
  echo "error: extension folder '$extension' not found" >&2
  exit 1
fi

run_pytest() {
  local dir=$1
  echo "==> $dir: pytest"
  if [ ! -x "$dir/.venv/bin/python" ]; then
    "$PYTHON" -m venv "$dir/.venv"
  fi
  local pip=(.venv/bin/python -m pip install --quiet --disable-pip-version-check)
  (
    cd "$dir"
    if [ -f requirements-dev.txt ]; then
      "${pip[@]}" -r requirements-dev.txt
    elif [ -f requirements.txt ]; then
      "${pip[@]}" -r requirements.txt pytest
    else
      "${pip[@]}" -e . pytest
    fi
    .venv/bin/python -m pytest -q
  )
}

run_npm_test() {
  local dir=$1
  echo "==> $dir: npm test"
  (
    cd "$dir"
    if grep -qE '"(dev)?[dD]ependencies"' package.json && [ ! -d node_modules ]; then
      if [ -f package-lock.json ]; then
        "$NPM" ci --no-audit --no-fund
      else
        "$NPM" install --no-audit --no-fund
      fi
    fi
    "$NPM" test
  )
}

roots=0
for dir in "$extension" "$extension"/*/; do
  dir=${dir%/}
  if [ -d "$dir/tests" ] && { [ -f "$dir/pyproject.toml" ] || ls "$dir"/requirements*.txt >/dev/null 2>&1; }; then
    run_pytest "$dir"
    roots=$((roots + 1))
  fi
  if [ -f "$dir/package.json" ] && grep -q '"test"[[:space:]]*:' "$dir/package.json"; then
    run_npm_test "$dir"
    roots=$((roots + 1))
  fi
done

if [ "$roots" -eq 0 ]; then
  echo "warning: no tests found in $extension (looked for Python tests/ folders and npm test scripts)" >&2
fi
