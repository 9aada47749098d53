#!/usr/bin/env python3
"""Raise the version of one extension.

Usage: scripts/bump-version.py <apps|services|tools>/<name> patch|minor|major <docker_org>

Rewrites `version` in kamiwaza.json (keeping key order, two-space indent)
and the `:v<old>` tag of the extension's own images in docker-compose.yml,
editing only those lines so comments stay. Run `kwz-new sync-compose`
afterwards to regenerate docker-compose.appgarden.yml (`make bump` does).
"""

import json
import re
import sys
from pathlib import Path

SEMVER = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")


def bumped(version: str, level: str) -> str:
    match = SEMVER.match(version)
    if not match:
        sys.exit(f"error: version '{version}' is not X.Y.Z; change it by hand")
    major, minor, patch = (int(part) for part in match.groups())
    if level == "major":
        return f"{major + 1}.0.0"
    if level == "minor":
        return f"{major}.{minor + 1}.0"
    if level == "patch":
        return f"{major}.{minor}.{patch + 1}"
    sys.exit(f"error: LEVEL must be patch, minor or major, not '{level}'")


def main() -> None:
    if len(sys.argv) != 4:
        sys.exit(__doc__.strip().splitlines()[2])
    folder, level, docker_org = Path(sys.argv[1]), sys.argv[2].lower(), sys.argv[3]
    manifest_path = folder / "kamiwaza.json"
    if not manifest_path.is_file():
        sys.exit(f"error: {manifest_path} not found")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    old = manifest.get("version", "")
    new = bumped(old, level)
    manifest["version"] = new
    manifest_path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{manifest_path}: {old} -> {new}")

    own_image = re.compile(
        rf"^(\s*image:\s*['\"]?{re.escape(docker_org)}/{re.escape(folder.name)}-[\w.-]+:v){re.escape(old)}(['\"]?\s*(#.*)?)$"
    )
    for name in ("docker-compose.yml", "docker-compose.yaml"):
        compose_path = folder / name
        if not compose_path.is_file():
            continue
        lines = compose_path.read_text(encoding="utf-8").splitlines(keepends=True)
        changed = 0
        for index, line in enumerate(lines):
            body = line.rstrip("\r\n")
            match = own_image.match(body)
            if match:
                lines[index] = f"{match.group(1)}{new}{match.group(2)}{line[len(body):]}"
                changed += 1
        compose_path.write_text("".join(lines), encoding="utf-8")
        print(f"{compose_path}: {changed} image tags -> v{new}")


if __name__ == "__main__":
    main()
