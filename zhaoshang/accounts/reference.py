"""Liaocheng's organisation: the city, its county-level units, functional zones and departments.

Public facts (GB/T 2260 codes; zones have no official code, so they get internal ones).
"""

from __future__ import annotations

from django.db import transaction

from .models import Department, Track, Unit, UnitKind

CITY = ("371500", "聊城市", "聊城", UnitKind.CITY, Track.NONE, "371500")
UNITS = [
    ("371502", "东昌府区", "东昌府", UnitKind.DISTRICT, Track.COUNTY, "371502"),
    ("371503", "茌平区", "茌平", UnitKind.DISTRICT, Track.COUNTY, "371503"),
    ("371521", "阳谷县", "阳谷", UnitKind.COUNTY, Track.COUNTY, "371521"),
    ("371522", "莘县", "莘县", UnitKind.COUNTY, Track.COUNTY, "371522"),
    ("371524", "东阿县", "东阿", UnitKind.COUNTY, Track.COUNTY, "371524"),
    ("371525", "冠县", "冠县", UnitKind.COUNTY, Track.COUNTY, "371525"),
    ("371526", "高唐县", "高唐", UnitKind.COUNTY, Track.COUNTY, "371526"),
    ("371581", "临清市", "临清", UnitKind.COUNTY_CITY, Track.COUNTY, "371581"),
    ("LCZ01", "聊城经济技术开发区", "经开区", UnitKind.ZONE, Track.ZONE, ""),
    ("LCZ02", "聊城高新技术产业开发区", "高新区", UnitKind.ZONE, Track.ZONE, ""),
    ("LCZ03", "江北水城旅游度假区", "度假区", UnitKind.ZONE, Track.ZONE, ""),
]
DEPARTMENTS = [
    ("zrzy", "自然资源和规划局", "自然资源"),
    ("sthj", "生态环境局", "生态环境"),
    ("fgw", "发展和改革委员会", "发改委"),
    ("zjj", "住房和城乡建设局", "住建局"),
    ("xzsp", "行政审批服务局", "审批局"),
    ("gxj", "工业和信息化局", "工信局"),
    ("sww", "商务局", "商务局"),
    ("rsj", "人力资源和社会保障局", "人社局"),
    ("jrb", "地方金融管理局", "金融局"),
    ("gdgs", "国网聊城供电公司", "供电公司"),
    ("yjj", "应急管理局", "应急局"),
]


@transaction.atomic
def org_load() -> Unit:
    """Create or refresh the units and departments (idempotent); returns the city unit."""
    code, name, short, kind, track, division = CITY
    city, _ = Unit.objects.update_or_create(
        code=code,
        defaults=dict(name=name, short_name=short, kind=kind, track=track, division_code=division),
    )
    for order, (code, name, short, kind, track, division) in enumerate(UNITS, start=1):
        Unit.objects.update_or_create(
            code=code,
            defaults=dict(
                name=name,
                short_name=short,
                kind=kind,
                track=track,
                division_code=division,
                parent=city,
                sort_order=order,
            ),
        )
    for order, (code, name, short) in enumerate(DEPARTMENTS, start=1):
        Department.objects.update_or_create(
            code=code, defaults=dict(name=name, short_name=short, sort_order=order)
        )
    return city
