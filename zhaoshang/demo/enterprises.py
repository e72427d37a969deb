"""Scale data for the enterprise library: realistic invented enterprises over the whole country.

Used by `manage.py generate_enterprises` (straight into the database, or `--csv` as an import
file) and by the import benchmark. Everything is drawn from one seeded `random.Random`, so a
seed gives the same enterprises every time. All records are marked `is_sample`.

What "realistic" means here, in one place:

- Registered place: a current county-level division (GB/T 2260, from python-stdnum's table),
  drawn by economic region — 长三角, 珠三角, 京津冀, 山东 (Liaocheng itself a little over its share),
  the 济郑 high-speed-rail corridor (济南, 聊城, 濮阳, 安阳, 鹤壁, 新乡, 郑州), the rest of the
  country — then by the kind of division (urban districts over counties).
- 统一社会信用代码: `91` (a company registered with market regulation) + the division + a
  9-character organisation code with its GB 11714 check character + the GB 32100 check digit.
- Business: a chain node (when chains are configured) or a built-in industry word, which gives
  the name, the GB/T 4754 industry code and a 经营范围 built from the node's keywords.
- Size: registered capital log-normal (median ~300 万元, long tail), revenue and staff bands
  following capital; tags with their share of a national library (`tags.TAG_SPECS`), larger
  enterprises far more likely to carry them.
- Signals on ~18% of enterprises (hiring and tenders most common, risks ~15% of them) over the
  last three years; relations ~0.4 per enterprise (supply links within an industry, subsidiaries
  and investors within groups); contacts on ~4%.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from zhaoshang.enterprises.importing.parsing import (
    USCC_ALPHABET,
    ParseError,
    industry_label,
    parse_industry_code,
    uscc_check_digit,
)
from zhaoshang.enterprises.models import RevenueBand, SignalKind, StaffBand
from zhaoshang.enterprises.tags import TAG_SPECS
from zhaoshang.geo import divisions

# --- divisions ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    code: str
    province: str
    city: str  # prefecture name ("苏州市"), or the province for municipalities
    name: str  # county-level name ("虎丘区")
    weight: float


@lru_cache(maxsize=1)
def current_places() -> tuple[Place, ...]:
    """Every current county-level division (not abolished, not a 市辖区 placeholder)."""
    raw = resources.files("stdnum").joinpath("cn/loc.dat").read_text(encoding="utf-8")
    province_code, _province = "", ""
    prefectures: dict[str, str] = {}
    counties: list[tuple[str, str]] = []
    for line in raw.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if not line.startswith(" "):
            province_code, rest = line.split(" ", 1)
            rest.split('"')[1]
            continue
        suffix, rest = line.strip().split(" ", 1)
        code = province_code + suffix
        names = rest.split('"')[1].split(",")
        current = names[-1]
        if current.startswith("["):
            span, current = current[1:].split("]", 1)
            if not span.endswith("-"):  # "[1983-1987]": abolished
                continue
        if code.endswith("0000"):
            continue
        if code.endswith("00"):
            prefectures[code[:4]] = current
            continue
        if current == "市辖区" or current.endswith("市辖区") or current == "县":
            continue
        counties.append((code, current))
    places = []
    for code, name in counties:
        division = divisions.lookup(code)
        if division is None or division.abolished:
            continue
        city = prefectures.get(code[:4], "")
        if not city or city in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"):
            city = division.province
        if name.endswith("区"):
            weight = 3.0
        elif name.endswith("市"):
            weight = 2.0
        else:
            weight = 1.0
        places.append(Place(code, division.province, city, name, weight))
    return tuple(places)


# Economic regions: the prefectures (4-digit prefixes) or provinces (2-digit) they cover, and
# their share of the generated enterprises. Liaocheng is kept apart so the demo city always has
# local enterprises to place on its chains.
REGIONS: dict[str, tuple[tuple[str, ...], float]] = {
    "长三角": (("31", "32", "33", "3401", "3402", "3405", "3408", "3411", "3415"), 0.26),
    "珠三角": (("4401", "4403", "4404", "4406", "4407", "4412", "4413", "4419", "4420"), 0.13),
    "京津冀": (("11", "12", "13"), 0.10),
    "山东": (("37",), 0.085),
    "聊城": (("3715",), 0.015),
    "济郑高铁沿线": (("4101", "4105", "4106", "4107", "4109"), 0.04),
    "其他": ((), 0.37),
}


def _in(code: str, prefixes: tuple[str, ...]) -> bool:
    return any(code.startswith(p) for p in prefixes)


@lru_cache(maxsize=1)
def region_places() -> dict[str, tuple[list[Place], list[float]]]:
    """Each region's places with cumulative weights (for `random.choices(cum_weights=…)`)."""
    places = current_places()
    claimed: set[str] = set()
    out: dict[str, tuple[list[Place], list[float]]] = {}
    order = ["聊城", "济郑高铁沿线", "长三角", "珠三角", "京津冀", "山东", "其他"]
    for region in order:
        prefixes = REGIONS[region][0]
        if prefixes:
            chosen = [p for p in places if _in(p.code, prefixes) and p.code not in claimed]
        else:
            chosen = [p for p in places if p.code not in claimed]
        claimed.update(p.code for p in chosen)
        cumulative, total = [], 0.0
        for place in chosen:
            total += place.weight
            cumulative.append(total)
        out[region] = (chosen, cumulative)
    return out


# --- words --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Trade:
    """What an enterprise does: a name word, its keywords, its industry code, a chain node."""

    word: str
    keywords: tuple[str, ...]
    industry_code: str
    node_id: int | None = None
    weight: float = 1.0


# Built-in trades (used when no chain is configured, and mixed in beside configured chains so
# the library is not only the city's industries).
BUILTIN_TRADES: tuple[Trade, ...] = (
    Trade("铝业", ("电解铝", "铝合金", "铝型材", "铝板带箔"), "3216", weight=2),
    Trade("铝材", ("铝型材", "铝板带", "铝箔", "铝压延加工"), "3252", weight=2),
    Trade("铜业", ("阴极铜", "铜杆", "铜箔", "铜材加工"), "3211"),
    Trade("轴承", ("轴承", "轴承套圈", "保持架", "滚动体", "精密轴承"), "3451", weight=3),
    Trade("精密机械", ("机械零部件", "精密加工", "数控机床"), "3484", weight=2),
    Trade("钢管", ("无缝钢管", "焊接钢管", "钢管加工"), "3130"),
    Trade("汽车零部件", ("汽车零部件", "制动系统", "转向系统", "车桥"), "3670", weight=3),
    Trade("新能源汽车", ("新能源汽车", "电动客车", "整车制造"), "3612"),
    Trade("动力电池", ("锂离子电池", "动力电池", "电池模组", "电池管理系统"), "3841", weight=2),
    Trade("储能科技", ("储能系统", "储能电池", "储能变流器"), "3849", weight=2),
    Trade("光伏科技", ("光伏组件", "太阳能电池片", "光伏玻璃", "逆变器"), "3825", weight=2),
    Trade("氢能", ("氢燃料电池", "制氢设备", "储氢"), "3849"),
    Trade("化工", ("化工原料", "精细化工", "化学试剂"), "2614", weight=2),
    Trade("新材料", ("高分子材料", "复合材料", "功能材料"), "2651", weight=2),
    Trade("生物医药", ("药品研发", "原料药", "制剂", "生物制品"), "2710", weight=2),
    Trade("阿胶", ("阿胶", "中药饮片", "保健食品"), "2730"),
    Trade("食品", ("食品加工", "农副产品", "预制菜", "冷链"), "1371", weight=3),
    Trade("农业科技", ("蔬菜种植", "种苗", "农业技术推广"), "0141", weight=2),
    Trade("纺织", ("棉纺", "纺织品", "服装面料"), "1711", weight=2),
    Trade("电子科技", ("电子元器件", "集成电路", "传感器"), "3973", weight=3),
    Trade("信息技术", ("软件开发", "信息系统集成", "数据处理"), "6513", weight=4),
    Trade("智能装备", ("工业机器人", "智能制造装备", "自动化设备"), "3491", weight=2),
    Trade("建材", ("水泥制品", "新型建材", "玻璃"), "3021", weight=2),
    Trade("物流", ("道路货物运输", "仓储", "供应链管理"), "5430", weight=3),
    Trade("贸易", ("批发", "进出口贸易", "国内贸易"), "5199", weight=5),
    Trade("建设工程", ("建筑工程", "市政工程", "装饰装修"), "4811", weight=3),
    Trade("环保科技", ("污水处理", "固废处置", "环保设备"), "7722", weight=2),
    Trade("医疗器械", ("医疗器械", "体外诊断", "康复设备"), "3581", weight=1),
)

BRAND_CHARS = (
    "恒瑞华信鑫泰宏达盛安康嘉祥润丰源德隆昌海天正新宇联创博通金凯元晟永立铭智远东祥和诚汇佳明"
)
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN_CHARS = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕彬鹏辉建国志军海峰云飞晓东立新春雪梅"
SUFFIXES = (
    ("有限公司", 70),
    ("股份有限公司", 12),
    ("有限责任公司", 10),
    ("集团有限公司", 3),
    ("科技有限公司", 5),
)
ROADS = [
    "人民路",
    "建设路",
    "解放路",
    "中山路",
    "和平路",
    "新华路",
    "胜利路",
    "长江路",
    "黄河路",
    "工业大道",
    "科技大道",
    "创业路",
    "振兴路",
    "东方红路",
    "光明路",
]
SCOPE_TAIL = (
    "技术开发、技术咨询、技术服务",
    "货物进出口、技术进出口",
    "销售自产产品",
    "仓储服务（不含危险化学品）",
    "机械设备租赁",
    "企业管理咨询",
)
SIGNAL_MIX: tuple[tuple[str, float, str, tuple[str, ...]], ...] = (
    # kind, share, title template, sources
    (SignalKind.HIRING_SURGE, 0.24, "招聘岗位数较上季度增长{n}%", ("招聘网站", "企业官网")),
    (
        SignalKind.TENDER_WON,
        0.20,
        "中标{thing}项目，金额约{amount}万元",
        ("中国政府采购网", "招标投标公共服务平台"),
    ),
    (SignalKind.EXPANSION, 0.12, "宣布新建{thing}产能扩建项目", ("企业公告", "新闻报道")),
    (SignalKind.FINANCING, 0.09, "完成{round}融资", ("投融资数据库", "新闻报道")),
    (SignalKind.BRANCH_OUT_OF_PROVINCE, 0.11, "在{place}设立子公司", ("国家企业信用信息公示系统",)),
    (
        SignalKind.LAND_ACQUIRED,
        0.09,
        "竞得{place}工业用地约{n}亩",
        ("自然资源部门公示", "土地市场网"),
    ),
    (
        SignalKind.ABNORMAL_OPERATION,
        0.10,
        "被列入经营异常名录（{reason}）",
        ("国家企业信用信息公示系统",),
    ),
    (SignalKind.LITIGATION, 0.05, "涉及{thing}合同纠纷诉讼", ("中国裁判文书网", "法院公告")),
)
ROUNDS = ("天使轮", "A轮", "A+轮", "B轮", "C轮", "战略")
ABNORMAL_REASONS = ("未按时公示年报", "通过登记的住所无法联系", "公示信息隐瞒真实情况")


# --- the generator ------------------------------------------------------------------------------


def _cumulative(weights: list[float]) -> list[float]:
    total, out = 0.0, []
    for w in weights:
        total += w
        out.append(total)
    return out


ORG_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # letters a GB 11714 code may use here
_ORG_VALUE = {c: (int(c) if c.isdigit() else ord(c) - 55) for c in ORG_ALPHABET}
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_SERIAL_SPACE = 31**6  # six scrambled characters after "MA"
_SCRAMBLE = 387_420_489  # a multiplier coprime with 31 (3^18): a bijection of the serial space


def org_code(serial: int) -> str:
    """A 9-character organisation code `MA` + 6 characters + GB 11714 check character,
    distinct for every serial below 31^6."""
    n = (serial * _SCRAMBLE + 12_345) % _SERIAL_SPACE
    chars = []
    for _ in range(6):
        n, r = divmod(n, 31)
        chars.append(ORG_ALPHABET[r])
    body = "MA" + "".join(chars)
    total = sum(_ORG_VALUE[c] * w for c, w in zip(body, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return body + ("X" if check == 10 else "0" if check == 11 else str(check))


def uscc_for(division: str, serial: int) -> str:
    body = "91" + division + org_code(serial)
    return body + uscc_check_digit(body)


assert set(ORG_ALPHABET) <= set(USCC_ALPHABET)


@dataclass
class Generated:
    """One enterprise as generated (database columns; `tags` as codes)."""

    serial: int
    name: str
    uscc: str
    legal_representative: str
    registered_capital_wan: Decimal
    founded_on: dt.date
    industry_code: str
    business_scope: str
    address: str
    division_code: str
    province_code: str
    is_local: bool
    revenue_band: str
    staff_band: str
    annual_output_wan: Decimal | None
    founder_native_code: str
    group_name: str
    tags: tuple[str, ...]
    node_id: int | None
    trade: int  # index into the generator's trades (supply links stay within a trade)
    size: float  # 0..1, how large the enterprise is among its peers


REVENUE_BY_SIZE = ("lt2000", "lt1e4", "lt1e5", "lt1e6", "ge1e6")
STAFF_BY_SIZE = ("lt50", "lt300", "lt1000", "lt5000", "ge5000")
assert set(REVENUE_BY_SIZE) == set(RevenueBand.values)
assert set(STAFF_BY_SIZE) == set(StaffBand.values)


class EnterpriseGenerator:
    """Draws enterprises one after another; `trades` come from chain nodes when given."""

    def __init__(
        self,
        *,
        seed: int = 2024,
        trades: list[Trade] | None = None,
        today: dt.date | None = None,
        first_serial: int = 1,
    ) -> None:
        self.rng = random.Random(seed)
        self.today = today or dt.date(2024, 6, 30)
        self.serial = first_serial
        self.trades = list(trades or []) + list(BUILTIN_TRADES)
        self.trade_cum = _cumulative([t.weight for t in self.trades])
        regions = region_places()
        self.region_keys = [r for r in regions if regions[r][0]]
        self.region_cum = _cumulative([REGIONS[r][1] for r in self.region_keys])
        self.regions = regions
        self.suffixes = [s for s, _ in SUFFIXES]
        self.suffix_cum = _cumulative([w for _, w in SUFFIXES])
        self.tag_specs = [(spec.code, spec.share) for spec in TAG_SPECS]
        self.liaocheng = [p.code for p in regions["聊城"][0]]
        self.used: set[str] = set()

    def person(self) -> str:
        rng = self.rng
        given = rng.choice(GIVEN_CHARS) + (rng.choice(GIVEN_CHARS) if rng.random() < 0.7 else "")
        return rng.choice(SURNAMES) + given

    def place(self) -> Place:
        rng = self.rng
        region = rng.choices(self.region_keys, cum_weights=self.region_cum)[0]
        places, cumulative = self.regions[region]
        return rng.choices(places, cum_weights=cumulative)[0]

    def _city_word(self, place: Place) -> str:
        city = place.city
        for tail in ("市", "地区", "自治州", "盟"):
            if city.endswith(tail) and len(city) > len(tail) + 1:
                return city[: -len(tail)]
        return city

    def one(self) -> Generated:
        rng = self.rng
        place = self.place()
        trade_index = rng.choices(range(len(self.trades)), cum_weights=self.trade_cum)[0]
        trade = self.trades[trade_index]
        while True:
            serial = self.serial
            self.serial += 1
            code = uscc_for(place.code, serial)
            if code not in self.used:
                break
        brand = rng.choice(BRAND_CHARS) + rng.choice(BRAND_CHARS)
        suffix = rng.choices(self.suffixes, cum_weights=self.suffix_cum)[0]
        name = f"{self._city_word(place)}{brand}{trade.word}{suffix}"
        # Size: log-normal registered capital, median ~300 万元.
        z = rng.gauss(0.0, 1.0)
        capital = math.exp(5.7 + 1.35 * z)
        size = min(max((z + 2.5) / 5.5, 0.0), 1.0)
        capital_wan = Decimal(f"{capital:.2f}") if capital < 1000 else Decimal(int(capital))
        band = min(int(size * 5), 4)
        revenue = REVENUE_BY_SIZE[min(max(band + rng.choice((-1, 0, 0, 1)), 0), 4)]
        staff = STAFF_BY_SIZE[min(max(band + rng.choice((-1, 0, 0, 1)), 0), 4)]
        age_days = int(rng.expovariate(1 / 3200))
        founded = self.today - dt.timedelta(days=min(age_days, 365 * 45) + 30)
        keywords = list(trade.keywords)
        chosen = rng.sample(keywords, k=min(len(keywords), rng.randint(2, 3)))
        scope = (
            f"{'、'.join(chosen)}的研发、生产、销售；"
            f"{rng.choice(SCOPE_TAIL)}；{rng.choice(SCOPE_TAIL)}。"
            "（依法须经批准的项目，经相关部门批准后方可开展经营活动）"
        )
        address = f"{place.province}{place.city if place.city != place.province else ''}{place.name}{rng.choice(ROADS)}{rng.randint(1, 999)}号"
        tags: list[str] = []
        boost = 0.15 + 6.0 * size**3
        for code_, share in self.tag_specs:
            if rng.random() < share * boost:
                tags.append(code_)
        output = None
        if 13 <= int(trade.industry_code[:2]) <= 43 and rng.random() < 0.6:  # manufacturing
            output = Decimal(int(capital * rng.uniform(0.5, 4.0)))
        native = ""
        if rng.random() < 0.02:  # founders from Liaocheng working elsewhere (乡贤)
            native = rng.choice(self.liaocheng)
        elif rng.random() < 0.1:
            native = place.code
        return Generated(
            serial=serial,
            name=name,
            uscc=code,
            legal_representative=self.person(),
            registered_capital_wan=capital_wan,
            founded_on=founded,
            industry_code=trade.industry_code,
            business_scope=scope,
            address=address,
            division_code=place.code,
            province_code=place.code[:2],
            is_local=place.code.startswith(divisions.HOME_CITY),
            revenue_band=revenue,
            staff_band=staff,
            annual_output_wan=output,
            founder_native_code=native,
            group_name=f"{brand}{trade.word}集团" if suffix == "集团有限公司" else "",
            tags=tuple(tags),
            node_id=trade.node_id,
            trade=trade_index,
            size=size,
        )

    def many(self, count: int) -> Iterator[Generated]:
        for _ in range(count):
            yield self.one()

    # --- signals, relations, contacts ------------------------------------------------------

    def signals_for(self, enterprise_id: int, e: Generated) -> list[tuple[Any, ...]]:
        rng = self.rng
        if rng.random() >= 0.12 + 0.3 * e.size:
            return []
        rows = []
        for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
            kind, _share, template, sources = _pick_signal(rng)
            on = self.today - dt.timedelta(days=int(rng.random() ** 1.6 * 1095))
            amount = None
            values = {
                "n": rng.randint(20, 300),
                "thing": rng.choice(
                    ("设备采购", "工程建设", "智能化改造", "原材料供应", "技术服务")
                ),
                "amount": rng.randint(200, 50_000),
                "round": rng.choice(ROUNDS),
                "place": self.place().city,
                "reason": rng.choice(ABNORMAL_REASONS),
            }
            if kind in (SignalKind.TENDER_WON, SignalKind.FINANCING, SignalKind.EXPANSION):
                amount = Decimal(values["amount"])
            rows.append(
                (
                    enterprise_id,
                    str(kind),
                    on,
                    template.format(**values)[:200],
                    rng.choice(sources),
                    amount,
                )
            )
        return rows

    def contact_for(self, enterprise_id: int) -> tuple[Any, ...] | None:
        rng = self.rng
        if rng.random() >= 0.04:
            return None
        prefix = rng.choice(("138", "139", "137", "150", "151", "186", "188", "135", "159", "177"))
        phone = prefix + f"{rng.randrange(10**8):08d}"
        title = rng.choice(
            ("董事长", "总经理", "副总经理", "投资总监", "办公室主任", "战略发展部经理")
        )
        return (enterprise_id, self.person(), title, phone, "", "")


def _pick_signal(rng: random.Random):
    roll, acc = rng.random(), 0.0
    for item in SIGNAL_MIX:
        acc += item[1]
        if roll < acc:
            return item
    return SIGNAL_MIX[0]


def trades_from_chains() -> list[Trade]:
    """Trades built from the configured chain nodes (their keywords and industry codes)."""
    from zhaoshang.industries.models import ChainNode

    trades = []
    for node in ChainNode.objects.all().only("id", "name", "keywords", "industry_codes"):
        keywords = tuple(str(k) for k in (node.keywords or []) if str(k).strip()) or (node.name,)
        codes = [str(c) for c in (node.industry_codes or []) if str(c).strip()]
        try:
            code = parse_industry_code(codes[0]) if codes else "3499"
        except ParseError:
            code = "3499"
        if len(code) < 4:
            code = (code + "99")[:4]
        word = keywords[0][:6]
        trades.append(Trade(word, keywords, code, node_id=node.pk, weight=2.5))
    return trades


# --- the import file ----------------------------------------------------------------------------

CSV_HEADERS = (
    "企业名称",
    "统一社会信用代码",
    "法定代表人",
    "注册资本(万元)",
    "成立日期",
    "所属行业",
    "经营范围",
    "注册地址",
    "行政区划代码",
    "标签",
    "人员规模",
)


def csv_row(e: Generated, tag_names: dict[str, str]) -> list[str]:
    return [
        e.name,
        e.uscc,
        e.legal_representative,
        str(e.registered_capital_wan),
        e.founded_on.isoformat(),
        industry_label(e.industry_code),
        e.business_scope,
        e.address,
        e.division_code,
        "、".join(tag_names[c] for c in e.tags),
        StaffBand(e.staff_band).label,
    ]


def write_csv(
    path: str | Path,
    count: int,
    *,
    seed: int = 2024,
    trades: list[Trade] | None = None,
    encoding: str = "utf-8",
    progress: Callable[[int], None] | None = None,
) -> int:
    """An import file of `count` enterprises with Chinese headers; the number of rows."""
    names = {spec.code: spec.name for spec in TAG_SPECS}
    generator = EnterpriseGenerator(seed=seed, trades=trades)
    with open(path, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_HEADERS)
        for n, enterprise in enumerate(generator.many(count), start=1):
            writer.writerow(csv_row(enterprise, names))
            if progress and n % 100_000 == 0:
                progress(n)
    return count


# --- straight into the database -----------------------------------------------------------------

ENTERPRISE_COLUMNS = (
    "id",
    "name",
    "uscc",
    "division_code",
    "country",
    "address",
    "legal_representative",
    "registered_capital_wan",
    "founded_on",
    "industry_code",
    "business_scope",
    "revenue_band",
    "staff_band",
    "annual_output_wan",
    "founder_native_code",
    "group_name",
    "parent_id",
    "is_local",
    "province_code",
    "is_sample",
    "created_at",
    "updated_at",
)


@dataclass
class WriteCounts:
    enterprises: int = 0
    tags: int = 0
    signals: int = 0
    relations: int = 0
    contacts: int = 0


def write_database(
    count: int,
    *,
    seed: int = 2024,
    batch: int = 50_000,
    progress: Callable[[int], None] | None = None,
) -> WriteCounts:
    """Insert `count` sample enterprises with tags, signals, relations and contacts, in batches
    (one transaction each) through `bulk.copy_rows` (COPY on PostgreSQL)."""
    from collections import deque

    from django.db import transaction
    from django.utils import timezone

    from zhaoshang.enterprises.bulk import copy_rows, next_ids, reset_sequence
    from zhaoshang.enterprises.models import Contact, Enterprise, Relation, Signal
    from zhaoshang.enterprises.tags import tags_setup

    tag_ids = {code: tag.pk for code, tag in tags_setup().items()}
    trades = trades_from_chains()
    table = Enterprise._meta.db_table
    first_id = next_ids(table, count)
    generator = EnterpriseGenerator(seed=seed, trades=trades, first_serial=first_id)
    rng = generator.rng
    now = timezone.now()
    counts = WriteCounts()
    recent: dict[int, deque[int]] = {}
    groups: deque[tuple[int, str]] = deque(maxlen=500)
    big: deque[int] = deque(maxlen=2000)
    seen_relations: set[tuple[int, int, str]] = set()
    through = Enterprise.tags.through._meta.db_table
    signal_columns = ["enterprise_id", "kind", "on", "title", "source", "amount_wan", "created_at"]
    contact_columns = [
        "enterprise_id", "name", "title", "phone", "email", "note", "created_at", "updated_at",
    ]  # fmt: skip
    relation_columns = ["source_id", "target_id", "kind", "note", "since"]
    done = 0
    next_id = first_id
    while done < count:
        size = min(batch, count - done)
        rows, tag_rows, signal_rows, contact_rows, relation_rows = [], [], [], [], []
        for _ in range(size):
            e = generator.one()
            pk = next_id
            next_id += 1
            parent_id = None
            group_name = e.group_name
            if groups and rng.random() < 0.03:  # a subsidiary of a recent group company
                parent_id, group_name = rng.choice(groups)
                relation_rows.append((parent_id, pk, "subsidiary", "", e.founded_on))
            rows.append(
                (pk, e.name, e.uscc, e.division_code, "CN", e.address, e.legal_representative,
                 e.registered_capital_wan, e.founded_on, e.industry_code, e.business_scope,
                 e.revenue_band, e.staff_band, e.annual_output_wan, e.founder_native_code,
                 group_name, parent_id, e.is_local, e.province_code, True, now, now)
            )  # fmt: skip
            tag_rows.extend((pk, tag_ids[c]) for c in e.tags if c in tag_ids)
            signal_rows.extend((*row, now) for row in generator.signals_for(pk, e))
            contact = generator.contact_for(pk)
            if contact:
                contact_rows.append((*contact, now, now))
            peers = recent.setdefault(e.trade, deque(maxlen=300))
            if peers and rng.random() < 0.3:  # supply links within a trade
                other = rng.choice(peers)
                kind = "supplier" if rng.random() < 0.5 else "customer"
                since = e.founded_on + dt.timedelta(days=rng.randint(30, 900))
                relation_rows.append((pk, other, kind, "", min(since, generator.today)))
            if big and rng.random() < 0.04:  # investment by a large enterprise
                relation_rows.append((rng.choice(big), pk, "investor", "", None))
            peers.append(pk)
            if e.group_name:
                groups.append((pk, e.group_name))
            if e.size > 0.8:
                big.append(pk)
        unique_relations = []
        for source, target, kind, note, since in relation_rows:
            key = (source, target, kind)
            if source != target and key not in seen_relations:
                seen_relations.add(key)
                unique_relations.append((source, target, kind, note, since))
        with transaction.atomic():
            copy_rows(table, ENTERPRISE_COLUMNS, rows)
            copy_rows(through, ["enterprise_id", "tag_id"], tag_rows)
            copy_rows(Signal._meta.db_table, signal_columns, signal_rows)
            copy_rows(Contact._meta.db_table, contact_columns, contact_rows)
            copy_rows(Relation._meta.db_table, relation_columns, unique_relations)
        counts.enterprises += len(rows)
        counts.tags += len(tag_rows)
        counts.signals += len(signal_rows)
        counts.contacts += len(contact_rows)
        counts.relations += len(unique_relations)
        done += size
        if progress:
            progress(done)
    for model in (Enterprise, Signal, Contact, Relation):
        reset_sequence(model._meta.db_table)
    return counts
