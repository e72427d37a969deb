"""Reference data of the demo city: tags, 12 industries × 20 directions, campaigns, regions.

The industry list is a plausible configuration built from the public facts in DESIGN.md (the
city's own "12 industries, 20 directions" list is not public); a city edits it. The region
pools hold valid GB/T 2260 codes (checked by the tests against `zhaoshang.geo.divisions`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# The demo's "today": every generated date falls in 2023–2024 and no later than this.
REFERENCE_DATE = dt.date(2024, 12, 20)
HISTORY_START = dt.date(2023, 1, 3)
DEFAULT_SEED = 2024


@dataclass(frozen=True)
class DirectionSpec:
    code: str
    name: str
    # What the projects of this direction make, and the word its companies carry in their name.
    products: tuple[str, ...]
    company_words: tuple[str, ...]


@dataclass(frozen=True)
class IndustrySpec:
    code: str
    name: str
    directions: tuple[DirectionSpec, ...]


INDUSTRIES: tuple[IndustrySpec, ...] = (
    IndustrySpec("nonferrous", "有色金属", (
        DirectionSpec("nonferrous-al", "铝精深加工",
                      ("高端铝合金型材", "汽车轻量化铝部件", "电池铝箔", "铝合金轮毂", "再生铝"),
                      ("铝业", "铝材", "轻合金")),
        DirectionSpec("nonferrous-cu", "铜及铜材精深加工",
                      ("高精度铜板带", "电子铜箔", "铜合金线材", "再生铜"),
                      ("铜业", "铜材", "金属材料")),
    )),
    IndustrySpec("ferrous", "黑色金属", (
        DirectionSpec("ferrous-pipe", "钢管及管件",
                      ("精密无缝钢管", "油气输送钢管", "液压缸筒用管", "高压锅炉管"),
                      ("钢管", "管业", "精密管材")),
        DirectionSpec("ferrous-plate", "高端板材",
                      ("冷轧镀锌板", "彩涂板", "高强度汽车板"),
                      ("板业", "钢铁", "新型板材")),
    )),
    IndustrySpec("bearing", "轴承", (
        DirectionSpec("bearing-high", "高端轴承",
                      ("风电主轴轴承", "精密机床轴承", "新能源汽车轴承", "机器人精密轴承"),
                      ("轴承", "精密轴承", "精工")),
        DirectionSpec("bearing-parts", "轴承零部件",
                      ("轴承保持架", "精密钢球", "轴承锻件", "轴承滚子"),
                      ("轴承配件", "钢球", "锻造")),
    )),
    IndustrySpec("auto", "汽车及零部件", (
        DirectionSpec("auto-nev", "新能源汽车",
                      ("新能源客车", "新能源专用车", "氢燃料电池客车", "电动物流车"),
                      ("新能源汽车", "汽车", "客车")),
        DirectionSpec("auto-parts", "汽车零部件",
                      ("汽车线束", "电驱动总成", "汽车制动系统", "汽车内饰件", "热管理系统"),
                      ("汽车零部件", "汽车科技", "汽配")),
    )),
    IndustrySpec("chem", "绿色化工", (
        DirectionSpec("chem-newmat", "化工新材料",
                      ("高端聚碳酸酯", "尼龙新材料", "高性能树脂", "电子级化学品"),
                      ("化工新材料", "新材料", "化学")),
        DirectionSpec("chem-fine", "精细化工",
                      ("医药中间体", "环保型助剂", "特种涂料", "水处理剂"),
                      ("精细化工", "化工", "化学科技")),
    )),
    IndustrySpec("energy", "新能源", (
        DirectionSpec("energy-pv", "光伏",
                      ("光伏组件", "光伏玻璃", "分布式光伏电站", "光伏支架"),
                      ("光伏科技", "光能", "新能源")),
        DirectionSpec("energy-storage", "储能",
                      ("储能电池", "储能电站", "电池管理系统", "钠离子电池"),
                      ("储能科技", "电池", "能源科技")),
        DirectionSpec("energy-h2", "氢能",
                      ("氢燃料电池", "绿氢制储加一体化", "加氢站", "电解槽"),
                      ("氢能科技", "氢能源", "清洁能源")),
    )),
    IndustrySpec("material", "新材料", (
        DirectionSpec("material-comp", "高性能复合材料",
                      ("碳纤维复合材料", "玻璃纤维制品", "高性能陶瓷", "石墨烯材料"),
                      ("复合材料", "新材料", "材料科技")),
    )),
    IndustrySpec("equip", "高端装备", (
        DirectionSpec("equip-smart", "智能制造装备",
                      ("工业机器人", "数控机床", "智能农机", "环保装备", "智能仓储装备"),
                      ("智能装备", "机械", "重工")),
    )),
    IndustrySpec("bio", "生物医药", (
        DirectionSpec("bio-tcm", "阿胶及中医药",
                      ("阿胶系列产品", "中药饮片", "灵芝精深加工", "中药配方颗粒"),
                      ("药业", "中医药", "健康科技")),
        DirectionSpec("bio-pharma", "生物制药",
                      ("生物制剂", "医疗器械", "原料药", "体外诊断试剂"),
                      ("生物科技", "制药", "医疗器械")),
    )),
    IndustrySpec("agri", "农副产品加工", (
        DirectionSpec("agri-food", "食品及农副产品精深加工",
                      ("预制菜", "冷链物流及果蔬加工", "食用菌精深加工", "肉制品精深加工", "粮油加工"),
                      ("食品", "农业科技", "农产品")),
    )),
    IndustrySpec("ict", "新一代信息技术", (
        DirectionSpec("ict-elec", "电子信息",
                      ("半导体封装测试", "智能终端", "电子元器件", "数据中心", "工业互联网平台"),
                      ("电子", "信息技术", "数字科技")),
    )),
    IndustrySpec("textile", "纺织", (
        DirectionSpec("textile-high", "高端纺织",
                      ("功能性面料", "高档棉纺", "产业用纺织品", "智能化纺纱"),
                      ("纺织", "棉业", "服饰")),
    )),
)  # fmt: skip

# Which industries each unit is known for (weights), from the public facts.
UNIT_INDUSTRY_WEIGHTS: dict[str, dict[str, int]] = {
    "371502": {"auto": 5, "bearing": 4, "ict": 2, "equip": 2, "agri": 1, "energy": 1},  # 东昌府
    "371503": {"nonferrous": 8, "material": 2, "energy": 2, "chem": 1},  # 茌平 (信发 aluminium)
    "371521": {"chem": 6, "nonferrous": 4, "material": 1, "energy": 1},  # 阳谷 (祥光 copper)
    "371522": {"agri": 7, "energy": 2, "textile": 1, "bio": 1},  # 莘县
    "371524": {"bio": 6, "bearing": 3, "agri": 1, "equip": 1},  # 东阿 (阿胶, steel balls)
    "371525": {"ferrous": 5, "bio": 2, "bearing": 2, "agri": 1},  # 冠县 (plate, 灵芝, forging)
    "371526": {"equip": 5, "textile": 3, "agri": 2, "energy": 1},  # 高唐
    "371581": {"bearing": 8, "equip": 2, "auto": 1, "textile": 1},  # 临清 (烟店 bearings)
    "LCZ01": {"auto": 4, "energy": 4, "equip": 3, "material": 2, "nonferrous": 1},  # 经开区
    "LCZ02": {"ict": 4, "bio": 3, "material": 3, "energy": 2, "chem": 1},  # 高新区
    "LCZ03": {"agri": 3, "ict": 3, "bio": 1},  # 度假区
}
UNIT_PROJECT_WEIGHTS: dict[str, int] = {
    "371502": 12, "371503": 10, "371521": 9, "371522": 8, "371524": 8, "371525": 8,
    "371526": 8, "371581": 11, "LCZ01": 11, "LCZ02": 10, "LCZ03": 5,
}  # fmt: skip


@dataclass(frozen=True)
class CampaignSpec:
    name: str
    year: int
    starts_on: dt.date
    ends_on: dt.date
    description: str


CAMPAIGNS: tuple[CampaignSpec, ...] = (
    CampaignSpec("2023年产业招商百日会战", 2023, dt.date(2023, 3, 1), dt.date(2023, 6, 8),
                 "围绕十二大产业集中开展登门招商、小团组招商，百日内签约落地一批过亿元项目。"),
    CampaignSpec("2024年产业招商百日会战", 2024, dt.date(2024, 2, 20), dt.date(2024, 5, 31),
                 "2024年“招商质效突破年”开局攻坚，力争一季度“开门红”。"),
    CampaignSpec("高铁沿线城市招商", 2024, dt.date(2023, 12, 8), dt.date(2024, 12, 31),
                 "抢抓济郑高铁开通机遇，面向济南、郑州、新乡、濮阳等沿线城市开展招商。"),
    CampaignSpec("重点传统区域招商周", 2024, dt.date(2024, 4, 8), dt.date(2024, 11, 30),
                 "赴长三角、京津冀、珠三角举办招商周，开展推介会、企业家沙龙。"),
)  # fmt: skip


@dataclass(frozen=True)
class Place:
    code: str  # GB/T 2260 county-level code
    city: str  # the city name a company there would carry
    region: str  # the key of REGIONS


# Where investors come from: 长三角, 京津冀, 珠三角, the 济郑 high-speed-rail corridor,
# the rest of Shandong, and Liaocheng itself.
PLACES: tuple[Place, ...] = (
    Place("310115", "上海", "yrd"), Place("320505", "苏州", "yrd"), Place("320506", "苏州", "yrd"),
    Place("320583", "昆山", "yrd"), Place("320214", "无锡", "yrd"), Place("320282", "宜兴", "yrd"),
    Place("320115", "南京", "yrd"), Place("320411", "常州", "yrd"), Place("330106", "杭州", "yrd"),
    Place("330110", "杭州", "yrd"), Place("330212", "宁波", "yrd"), Place("330782", "义乌", "yrd"),
    Place("340104", "合肥", "yrd"),
    Place("110108", "北京", "jjj"), Place("110105", "北京", "jjj"), Place("110115", "北京", "jjj"),
    Place("120116", "天津", "jjj"), Place("130102", "石家庄", "jjj"), Place("130104", "石家庄", "jjj"),
    Place("130606", "保定", "jjj"), Place("131002", "廊坊", "jjj"),
    Place("440305", "深圳", "prd"), Place("440306", "深圳", "prd"), Place("440106", "广州", "prd"),
    Place("440112", "广州", "prd"), Place("440113", "广州", "prd"), Place("440606", "佛山", "prd"),
    Place("440604", "佛山", "prd"), Place("441900", "东莞", "prd"), Place("440402", "珠海", "prd"),
    Place("370104", "济南", "rail"), Place("370113", "济南", "rail"), Place("410105", "郑州", "rail"),
    Place("410104", "郑州", "rail"), Place("410702", "新乡", "rail"), Place("410711", "新乡", "rail"),
    Place("410781", "卫辉", "rail"), Place("410902", "濮阳", "rail"), Place("410923", "南乐", "rail"),
    Place("410526", "滑县", "rail"), Place("410621", "浚县", "rail"), Place("410527", "内黄", "rail"),
    Place("370212", "青岛", "sd"), Place("370211", "青岛", "sd"), Place("370602", "烟台", "sd"),
    Place("370702", "潍坊", "sd"), Place("370303", "淄博", "sd"), Place("370102", "济南", "sd"),
    Place("370112", "济南", "sd"), Place("371402", "德州", "sd"), Place("371302", "临沂", "sd"),
    Place("371502", "聊城", "local"), Place("371503", "茌平", "local"), Place("371521", "阳谷", "local"),
    Place("371522", "莘县", "local"), Place("371524", "东阿", "local"), Place("371525", "冠县", "local"),
    Place("371526", "高唐", "local"), Place("371581", "临清", "local"),
)  # fmt: skip
REGION_WEIGHTS: dict[str, int] = {
    "local": 24, "sd": 15, "rail": 12, "yrd": 20, "jjj": 12, "prd": 12, "foreign": 5,
}  # fmt: skip

# Investors from abroad: (country code, name prefix). Their Chinese subsidiaries would carry a
# 统一社会信用代码; the parent companies below do not.
FOREIGN_ORIGINS: tuple[tuple[str, str], ...] = (
    ("KR", "韩国"), ("JP", "日本"), ("DE", "德国"), ("SG", "新加坡"), ("HK", "香港"), ("US", "美国"),
)  # fmt: skip


@dataclass(frozen=True)
class KnownEnterprise:
    """An enterprise named in public sources. No 统一社会信用代码 is invented for it.

    `nodes` are the links of the demo chains (`demo.chains`) it is publicly known for,
    as (direction code, node name): the demo confirms it there by hand, as the city's staff
    would, instead of leaving it to automatic placement. `business_scope` reads like a registry
    entry but stays generic to that known business (no figures, no invented specifics), and
    `industry_code` is its GB/T 4754-2017 class, group or division.
    """

    name: str
    brand: str
    division_code: str
    industry: str
    tags: tuple[str, ...] = ()
    nodes: tuple[tuple[str, str], ...] = ()
    business_scope: str = ""
    industry_code: str = ""

    @property
    def direction(self) -> str:
        """The direction of its first node (its main business)."""
        return self.nodes[0][0]


_APPROVAL = "（依法须经批准的项目，经相关部门批准后方可开展经营活动）"

KNOWN_ENTERPRISES: tuple[KnownEnterprise, ...] = (
    KnownEnterprise(
        "信发集团有限公司", "信发", "371503", "nonferrous", ("china500", "private500"),
        nodes=(
            ("nonferrous-al", "电解铝"),
            ("nonferrous-al", "氧化铝"),
            ("nonferrous-al", "预焙阳极及炭素"),
            ("nonferrous-al", "铝合金锭及铝棒"),
        ),
        business_scope="氧化铝、电解铝（原铝、铝液、重熔用铝锭）的生产、销售；铝合金锭、"
        "铝棒及铝制品的生产、销售；预焙阳极、炭素制品的生产、销售；热力生产和供应；"
        "发电业务；货物进出口；技术进出口。" + _APPROVAL,
        industry_code="3216",
    ),
    KnownEnterprise(
        "阳谷祥光铜业有限公司", "祥光", "371521", "nonferrous",
        nodes=(("nonferrous-cu", "电解铜"),),
        business_scope="铜冶炼；阴极铜的生产、销售；金、银等贵金属及冶炼副产品的综合回收、"
        "生产、销售；硫酸的生产、销售；货物进出口；技术进出口。" + _APPROVAL,
        industry_code="3211",
    ),
    KnownEnterprise(
        "中通客车股份有限公司", "中通", "371502", "auto", ("listed",),
        nodes=(("auto-nev", "整车制造"),),
        business_scope="客车、新能源客车及汽车零部件的研发、生产、销售；货物进出口；"
        "技术进出口。" + _APPROVAL,
        industry_code="361",
    ),
    KnownEnterprise(
        "东阿阿胶股份有限公司", "东阿", "371524", "bio", ("listed",),
        nodes=(("bio-tcm", "阿胶及胶类产品"), ("bio-tcm", "中成药及配方颗粒")),
        business_scope="阿胶及阿胶系列产品、中成药、中药制剂的研发、生产、销售；保健食品、"
        "食品的生产、销售；中药材收购；货物进出口；技术进出口。" + _APPROVAL,
        industry_code="2740",
    ),
    KnownEnterprise(
        "鲁西化工集团股份有限公司", "鲁西", "371502", "chem", ("listed",),
        nodes=(
            ("chem-newmat", "聚碳酸酯"),
            ("chem-newmat", "己内酰胺及己二胺"),
            ("chem-newmat", "尼龙（聚酰胺）"),
            ("chem-newmat", "氯碱"),
            ("chem-newmat", "氟硅材料"),
        ),
        business_scope="聚碳酸酯、己内酰胺、尼龙6切片、有机硅的生产、销售；烧碱、液氯等"
        "危险化学品的生产、销售；化肥的生产、销售；化工技术研发、技术服务；货物进出口；"
        "技术进出口。" + _APPROVAL,
        industry_code="26",
    ),
    KnownEnterprise(
        "哈尔滨轴承集团有限公司", "哈轴", "230100", "bearing",
        nodes=(
            ("bearing-high", "轴承装配与检测"),
            ("bearing-high", "轨道交通轴承"),
            ("bearing-high", "机床与机器人精密轴承"),
        ),
        business_scope="滚动轴承、轴承零部件的研发、制造、销售；轴承检测及技术服务；"
        "货物进出口；技术进出口。" + _APPROVAL,
        industry_code="3451",
    ),
    KnownEnterprise(
        "四川猛犸半导体科技有限公司", "猛犸", "510100", "energy",
        nodes=(("energy-pv", "光伏玻璃"),),
        business_scope="透明光伏发电玻璃、光伏建筑一体化产品的研发、生产、销售；"
        "太阳能发电技术服务；半导体材料的技术开发、技术服务；货物进出口。" + _APPROVAL,
        industry_code="3042",
    ),
)  # fmt: skip


@dataclass(frozen=True)
class PressProject:
    """A project reported in the press (Liaocheng Daily, 2024-02-20); its dates are illustrative."""

    name: str
    unit_code: str
    investor: str
    direction: str
    total_investment_wan: int
    attraction_mode: str
    lead_on: dt.date
    path: tuple[tuple[str, dt.date], ...]
    description: str


PRESS_PROJECTS: tuple[PressProject, ...] = (
    PressProject(
        name="哈轴集团高端轴承产业基地",
        unit_code="371581",
        investor="哈尔滨轴承集团有限公司",
        direction="bearing-high",
        total_investment_wan=500_000,
        attraction_mode="door_to_door",
        lead_on=dt.date(2023, 9, 12),
        path=(
            ("negotiating", dt.date(2023, 10, 20)),
            ("signed", dt.date(2023, 12, 26)),
            ("started", dt.date(2024, 4, 18)),
        ),
        description="哈轴集团在临清市建设高端轴承产业基地，总投资50亿元，"
        "建设风电、轨道交通、精密机床等高端轴承生产线。",
    ),
    PressProject(
        name="四川猛犸半导体透明光伏发电玻璃",
        unit_code="LCZ02",
        investor="四川猛犸半导体科技有限公司",
        direction="energy-pv",
        total_investment_wan=500_000,
        attraction_mode="small_team",
        lead_on=dt.date(2023, 11, 6),
        path=(
            ("negotiating", dt.date(2023, 12, 15)),
            ("signed", dt.date(2024, 3, 5)),
            ("started", dt.date(2024, 7, 16)),
        ),
        description="建设透明光伏发电玻璃生产基地，总投资50亿元，产品用于光伏建筑一体化。",
    ),
)

DROP_REASONS: tuple[str, ...] = (
    "投资方战略调整，暂缓对外投资",
    "用地指标未能落实",
    "能耗指标不满足项目要求",
    "投资方资金链紧张，项目搁置",
    "项目被外地竞争性引进",
    "环评要求未能满足，投资方放弃",
)

MILESTONES: tuple[str, ...] = (
    "完成项目备案",
    "完成土地摘牌",
    "取得建设工程规划许可证",
    "取得施工许可证",
    "主体厂房封顶",
    "设备安装调试",
    "试生产",
    "正式投产",
)

PROGRESS_NOTES: tuple[str, ...] = (
    "包帮领导带队到项目现场调度，协调解决用电接入问题。",
    "服务专员陪同企业办理施工许可手续，已进入审批流程。",
    "主体钢结构施工完成约{pct}%，现场施工人员{workers}人。",
    "完成设备采购招标，首批设备已到厂。",
    "召开项目推进会，明确下阶段时间节点和责任分工。",
    "用地规划调整已获批复，土地组卷材料报省厅审查。",
    "企业反映融资需求，已对接本地银行开展授信评审。",
    "项目环评报告已通过专家评审。",
)

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段钱汤尹黎易常武乔贺赖龚文"
GIVEN_CHARS = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国志国庆晓东海波宁雪琳颖斌浩凯峰博文亮俊彬宇鑫"
BRAND_CHARS = "恒瑞华鑫泰宏德信远盛达通宇中金科海嘉润博创源峰耀晟凯昊锦正安隆昌兴旺和顺祥富丰裕立新永久天合众力诚铭星辰航联诺维朗"
COMPANY_SUFFIXES: tuple[tuple[str, int], ...] = (
    ("有限公司", 55),
    ("股份有限公司", 20),
    ("集团有限公司", 12),
    ("科技有限公司", 13),
)
