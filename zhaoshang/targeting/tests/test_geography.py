"""The geography table: longest prefix wins, the unit's own station, key regions, no HSR."""

from zhaoshang.targeting import geography as geo
from zhaoshang.targeting.scoring import parts


def test_longest_prefix_and_regions():
    assert geo.place_for("410105").label == "郑州"  # city entry over the province
    assert geo.place_for("411002").label == "河南"  # 许昌: no entry of its own
    assert geo.place_for("440305").regions == (geo.PRD,)
    assert geo.place_for("445102").regions == ()  # 潮州: Guangdong, outside the nine PRD cities
    assert geo.place_for("650102").minutes is None
    assert geo.place_for("") is None


def test_travel_time_depends_on_the_units_station():
    zhengzhou, jinan = geo.place_for("410105"), geo.place_for("370102")
    assert geo.unit_minutes(zhengzhou, "371502") == 75  # 东昌府: 聊城西
    assert geo.unit_minutes(zhengzhou, "371503") == 87  # 茌平南 is further from 郑州
    assert geo.unit_minutes(jinan, "371503") == 23
    assert geo.unit_minutes(jinan, "371522") == 45  # 莘县 is further from 济南
    assert geo.describe(jinan, "371503") == "注册地济南（济郑沿线），济郑高铁直达约23分钟到茌平南"
    assert geo.describe(geo.place_for("650102"), "371503") == "注册地新疆，无直达高铁"
    assert geo.describe(None, "371503", "US") == "境外企业，不计高铁时间"


def test_geography_feature_bounds():
    assert geo.feature(30, geo.REGION_BITS[geo.CORRIDOR]) == 1.0
    assert geo.feature(300, 0) == 0.0
    assert geo.feature(None, geo.REGION_BITS[geo.YRD]) == 0.3


def test_signal_decay_follows_the_enterprise_librarys_table():
    import datetime as dt

    from zhaoshang.enterprises.signals import DECAY

    today = dt.date(2024, 6, 30)
    year_ago = today - dt.timedelta(days=DECAY["expansion"].half_life_days)
    assert parts.decayed("expansion", year_ago, today) == (0.5, False)
    weight, risk = parts.decayed("abnormal_operation", today, today)
    assert (weight, risk) == (1.0, True)
    assert parts.decayed("expansion", today - dt.timedelta(days=4 * 365), today)[0] == 0.0
