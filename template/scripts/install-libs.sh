#!/usr/bin/env bash
# Copies the packed shared libraries into one extension: the kamiwaza_auth
# wheel into each folder of it with a requirements.txt, and the npm packs
# into each folder with a package.json. Docker builds only see their own
# folder, so the files must sit next to the code that installs them.
set -euo pipefail

extension=${1:?usage: scripts/install-libs.sh <apps|services|tools>/<name>}
shopt -s nullglob
wheels=(shared/python/dist/*.whl)
packs=(shared/typescript/*/*.tgz)

if [ ! -d "$extension" ]; then
  echo "error: extension folder '$extension' not found" >&2
  exit 1
fi
if [ ${#wheels[@]} -eq 0 ] && [ ${#packs[@]} -eq 0 ]; then
  echo "error: no packed libraries; run 'make package-libs' first" >&2
  exit 1
fi

for dir in "$extension" "$extension"/*/; do
  dir=${dir%/}
  if [ -f "$dir/requirements.txt" ] && [ ${#wheels[@]} -gt 0 ]; then
    cp "${wheels[@]}" "$dir/"
    for wheel in "${wheels[@]}"; do
      echo "copied $(basename "$wheel") to $dir: add './$(basename "$wheel")' to requirements.txt and COPY it before 'pip install'"
    done
  fi
  if [ -f "$dir/package.json" ] && [ ${#packs[@]} -gt 0 ]; then
    cp "${packs[@]}" "$dir/"
    for pack in "${packs[@]}"; do
      echo "copied $(basename "$pack") to $dir: run 'npm install ./$(basename "$pack")' there"
    done
  fi
done
