"""Copy the workbench's front-end libraries from node_modules into dragoman/web/static/vendor.

    npm ci && python -m dragoman.web.vendor          # from the repository root

The workbench must run without network, so every script and stylesheet it uses is
served by dragoman itself; nothing is fetched from a CDN. The libraries are pinned
in package.json / package-lock.json; this step only copies the built files the pages
load. The vendor folder is git-ignored (it is a build product).
"""
from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

STATIC = Path(__file__).resolve().parent / "static"
VENDOR = STATIC / "vendor"

# node_modules path → name under static/vendor (the names the templates use)
FILES: dict[str, str] = {
    "leaflet/dist/leaflet.js": "leaflet/leaflet.js",
    "leaflet/dist/leaflet.css": "leaflet/leaflet.css",
    "vis-timeline/standalone/umd/vis-timeline-graph2d.min.js": "vis-timeline/vis-timeline-graph2d.min.js",
    "vis-timeline/styles/vis-timeline-graph2d.min.css": "vis-timeline/vis-timeline-graph2d.min.css",
    "cytoscape/dist/cytoscape.min.js": "cytoscape/cytoscape.min.js",
    "topojson-client/dist/topojson-client.min.js": "topojson-client/topojson-client.min.js",
    "world-atlas/countries-110m.json": "world-atlas/countries-110m.json",
}
# licences travel with the files
LICENSES = ["leaflet/LICENSE", "vis-timeline/LICENSE.MIT.txt", "cytoscape/LICENSE", "topojson-client/LICENSE",
            "world-atlas/LICENSE"]


def missing() -> list[str]:
    """The vendor files the pages need that are not in place (empty when the workbench is complete)."""
    return [name for name in FILES.values() if not (VENDOR / name).is_file()]


def copy(node_modules: Path) -> list[Path]:
    """Copy every needed file; raise FileNotFoundError naming the first one absent from node_modules."""
    written = []
    for source, target in FILES.items():
        src = node_modules / source
        if not src.is_file():
            raise FileNotFoundError(f"{src} is missing: run `npm ci` at the repository root first")
        dst = VENDOR / target
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dst)
        written.append(dst)
    for lic in LICENSES:
        src = node_modules / lic
        if src.is_file():
            dst = VENDOR / lic.split("/")[0] / "LICENSE"
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dst)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--node-modules", type=Path, default=Path("node_modules"),
                        help="where npm installed the packages [default: ./node_modules]")
    args = parser.parse_args(argv)
    try:
        written = copy(args.node_modules)
    except FileNotFoundError as err:
        print(f"dragoman.web.vendor: error: {err}", file=sys.stderr)
        return 2
    print(f"copied {len(written)} files into {VENDOR}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
