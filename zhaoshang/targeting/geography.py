"""Geography of targeting: high-speed-rail travel time to Liaocheng and the key regions.

A declarative table of division-code prefixes (province "31", city "4101") → estimated
fastest HSR travel time to 聊城西 and the way in (via 济南西 from the east/north/south-east,
via 郑州东/濮阳东 from the west/south-west), plus the region an origin belongs to. The longest
matching prefix wins.

Sources and assumptions (public, coarse by design — minutes, not timetables):
- 济郑高铁 (opened 2023-12-08, 350 km/h): 济南西 – 长清 – 茌平南 – 聊城西 – 莘县 – 南乐 – 濮阳东 –
  滑浚 – 内黄 – 卫辉南 – 新乡东 – 新乡南 – 郑州东; 郑州东–济南西 1 h 43 min (DESIGN.md). We take
  聊城西–济南西 ≈ 35 min and 聊城西–郑州东 ≈ 75 min in proportion to distance along the line,
  and the intermediate stations accordingly.
- Other cities: the fastest scheduled G-train time of 2024 to 济南西 (京沪, 济青, 石济 lines) or
  to 郑州东 (京广, 徐兰, 郑渝, 郑合 lines), rounded to 5 min, plus the corridor leg, plus 15 min
  for a change of train. Provinces without a continuous HSR route (Hainan, Tibet, Xinjiang,
  Qinghai, Ningxia) and places abroad get no time: only their region counts.
- Key regions: 长三角 = 上海、江苏、浙江、安徽 (长江三角洲区域一体化发展规划纲要, 2019);
  京津冀 = 北京、天津、河北; 珠三角 = the nine cities of the Pearl River Delta plan (广州、深圳、
  珠海、佛山、江门、肇庆、惠州、东莞、中山); 济郑沿线 = cities with a station on the corridor.
- A unit with its own station on the line is nearer by the leg it saves: 茌平区 (茌平南) is
  ~12 min nearer for travellers via 济南 and ~12 min further via 郑州; 莘县 the reverse.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings

CORRIDOR = "济郑沿线"
YRD, JJJ, PRD = "长三角", "京津冀", "珠三角"
REGION_BITS = {CORRIDOR: 1, YRD: 2, JJJ: 4, PRD: 8}
DEFAULT_KEY_REGIONS = (YRD, JJJ, PRD)

EAST, WEST = 1, 2  # way in: via 济南西 or via 郑州东/濮阳东
VIA_LABEL = {EAST: "经济南西", WEST: "经郑州东"}


@dataclass(frozen=True)
class Place:
    prefix: str
    label: str
    minutes: int | None  # fastest HSR travel time to 聊城西, None: no continuous HSR
    via: int = 0
    regions: tuple[str, ...] = ()
    station: str = ""  # a station of the corridor itself


# fmt: off
PLACES: tuple[Place, ...] = (
    # the corridor (济郑高铁)
    Place("3701", "济南", 35, EAST, (CORRIDOR,), "济南西"),
    Place("4109", "濮阳", 25, WEST, (CORRIDOR,), "濮阳东"),
    Place("4105", "安阳", 40, WEST, (CORRIDOR,), "内黄"),
    Place("4106", "鹤壁", 35, WEST, (CORRIDOR,), "滑浚"),
    Place("4107", "新乡", 55, WEST, (CORRIDOR,), "新乡东"),
    Place("4101", "郑州", 75, WEST, (CORRIDOR,), "郑州东"),
    # Shandong
    Place("37", "山东", 120, EAST),
    Place("3702", "青岛", 170, EAST), Place("3703", "淄博", 85, EAST),
    Place("3704", "枣庄", 110, EAST), Place("3705", "东营", 130, EAST),
    Place("3706", "烟台", 210, EAST), Place("3707", "潍坊", 120, EAST),
    Place("3708", "济宁", 90, EAST), Place("3709", "泰安", 70, EAST),
    Place("3710", "威海", 230, EAST), Place("3711", "日照", 180, EAST),
    Place("3713", "临沂", 150, EAST), Place("3714", "德州", 75, EAST),
    Place("3716", "滨州", 140, EAST), Place("3717", "菏泽", 130, EAST),
    # 京津冀
    Place("11", "北京", 140, EAST, (JJJ,)),
    Place("12", "天津", 115, EAST, (JJJ,)),
    Place("13", "河北", 160, EAST, (JJJ,)),
    Place("1301", "石家庄", 155, EAST, (JJJ,)), Place("1304", "邯郸", 150, WEST, (JJJ,)),
    Place("1306", "保定", 145, EAST, (JJJ,)), Place("1309", "沧州", 100, EAST, (JJJ,)),
    Place("1310", "廊坊", 135, EAST, (JJJ,)), Place("1311", "衡水", 150, EAST, (JJJ,)),
    # 长三角
    Place("31", "上海", 230, EAST, (YRD,)),
    Place("32", "江苏", 200, EAST, (YRD,)),
    Place("3201", "南京", 180, EAST, (YRD,)), Place("3202", "无锡", 205, EAST, (YRD,)),
    Place("3203", "徐州", 120, EAST, (YRD,)), Place("3204", "常州", 195, EAST, (YRD,)),
    Place("3205", "苏州", 215, EAST, (YRD,)), Place("3206", "南通", 255, EAST, (YRD,)),
    Place("3213", "宿迁", 150, EAST, (YRD,)),
    Place("33", "浙江", 290, EAST, (YRD,)),
    Place("3301", "杭州", 270, EAST, (YRD,)), Place("3302", "宁波", 310, EAST, (YRD,)),
    Place("34", "安徽", 200, EAST, (YRD,)),
    Place("3401", "合肥", 200, EAST, (YRD,)), Place("3403", "蚌埠", 150, EAST, (YRD,)),
    Place("3408", "安庆", 250, EAST, (YRD,)),
    # 珠三角 and Guangdong
    Place("44", "广东", 420, WEST),
    Place("4401", "广州", 380, WEST, (PRD,)), Place("4403", "深圳", 400, WEST, (PRD,)),
    Place("4404", "珠海", 430, WEST, (PRD,)), Place("4406", "佛山", 390, WEST, (PRD,)),
    Place("4407", "江门", 420, WEST, (PRD,)), Place("4412", "肇庆", 420, WEST, (PRD,)),
    Place("4413", "惠州", 410, WEST, (PRD,)), Place("4419", "东莞", 400, WEST, (PRD,)),
    Place("4420", "中山", 420, WEST, (PRD,)),
    # the rest of the country
    Place("14", "山西", 250, WEST), Place("1401", "太原", 240, WEST),
    Place("15", "内蒙古", 330, EAST),
    Place("21", "辽宁", 330, EAST), Place("2101", "沈阳", 320, EAST), Place("2102", "大连", 360, EAST),
    Place("22", "吉林", 390, EAST), Place("23", "黑龙江", 470, EAST),
    Place("35", "福建", 430, EAST), Place("36", "江西", 330, WEST),
    Place("41", "河南", 140, WEST), Place("4102", "开封", 100, WEST),
    Place("4103", "洛阳", 120, WEST), Place("4114", "商丘", 150, EAST),
    Place("42", "湖北", 230, WEST), Place("4201", "武汉", 210, WEST),
    Place("43", "湖南", 300, WEST), Place("4301", "长沙", 290, WEST),
    Place("45", "广西", 500, WEST), Place("46", "海南", None),
    Place("50", "重庆", 420, WEST), Place("51", "四川", 430, WEST),
    Place("52", "贵州", 500, WEST), Place("53", "云南", 600, WEST),
    Place("54", "西藏", None),
    Place("61", "陕西", 230, WEST), Place("6101", "西安", 210, WEST),
    Place("62", "甘肃", 420, WEST), Place("63", "青海", None),
    Place("64", "宁夏", None), Place("65", "新疆", None),
    Place("71", "台湾", None), Place("81", "香港", 440, WEST), Place("82", "澳门", 460, WEST),
)
# fmt: on

# Units with a station of their own on the corridor: (station, minutes added via EAST, via WEST).
UNIT_STATIONS: dict[str, tuple[str, int, int]] = {
    "371503": ("茌平南", -12, +12),
    "371522": ("莘县", +10, -10),
}
HOME_STATION = "聊城西"

# The time score: full at ≤ 30 min, nothing from 300 min on.
FULL_AT, NONE_AT = 30.0, 300.0
TIME_SHARE, REGION_SHARE = 0.7, 0.3


@lru_cache(maxsize=1)
def _by_prefix() -> dict[str, Place]:
    return {p.prefix: p for p in PLACES}


@lru_cache(maxsize=8192)
def place_for(division_code: str) -> Place | None:
    code = (division_code or "").strip()
    table = _by_prefix()
    return table.get(code[:4]) or table.get(code[:2])


def key_regions() -> tuple[str, ...]:
    return tuple(getattr(settings, "TARGETING_KEY_REGIONS", DEFAULT_KEY_REGIONS))


def region_mask(regions: Iterable[str]) -> int:
    mask = 0
    for r in regions:
        mask |= REGION_BITS.get(r, 0)
    return mask


def favoured_mask() -> int:
    """Bits of the regions that earn the region share: the corridor and the key regions."""
    return region_mask((CORRIDOR, *key_regions()))


def unit_offsets(unit_code: str) -> tuple[str, int, int]:
    return UNIT_STATIONS.get(unit_code or "", (HOME_STATION, 0, 0))


def time_score(minutes: float | None) -> float:
    if minutes is None or minutes != minutes:
        return 0.0
    return max(0.0, min(1.0, 1.0 - (minutes - FULL_AT) / (NONE_AT - FULL_AT)))


def feature(minutes: float | None, mask: int) -> float:
    """The geography feature in [0, 1]."""
    return TIME_SHARE * time_score(minutes) + (REGION_SHARE if mask & favoured_mask() else 0.0)


def unit_minutes(place: Place | None, unit_code: str) -> float | None:
    if place is None or place.minutes is None:
        return None
    _, east, west = unit_offsets(unit_code)
    return place.minutes + (east if place.via == EAST else west if place.via == WEST else 0)


def describe(place: Place | None, unit_code: str, country: str = "CN") -> str:
    if country and country != "CN":
        return "境外企业，不计高铁时间"
    if place is None:
        return "注册地未知"
    station = unit_offsets(unit_code)[0]
    regions = [r for r in place.regions if r == CORRIDOR or r in key_regions()]
    where = f"注册地{place.label}" + (f"（{'、'.join(regions)}）" if regions else "")
    minutes = unit_minutes(place, unit_code)
    if minutes is None:
        return f"{where}，无直达高铁"
    hours, mins = divmod(round(minutes), 60)
    span = f"{hours}小时{mins:02d}分" if hours else f"{mins}分钟"
    route = "济郑高铁直达" if CORRIDOR in place.regions else f"高铁{VIA_LABEL.get(place.via, '')}"
    return f"{where}，{route}约{span}到{station}"
