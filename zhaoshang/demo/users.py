"""The demo logins: one per role, one staff user per county-level unit and zone."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from zhaoshang.accounts.models import Department, Unit, User
from zhaoshang.accounts.roles import Role
from zhaoshang.accounts.services import user_approve, user_create


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    unit_code: str = ""
    department_code: str = ""
    display_name: str = ""
    title: str = ""


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("sysadmin", Role.SYSADMIN, display_name="系统管理员", title="信息中心"),
    DemoUser("secadmin", Role.SECADMIN, display_name="安全管理员", title="信息中心安全岗"),
    DemoUser("city", Role.CITY_ADMIN, "371500", display_name="王敏", title="市投资促进局项目科"),
    DemoUser("city_verifier", Role.CITY_ADMIN, "371500", display_name="李静",
             title="市投资促进局统计核实岗"),
    DemoUser("leader", Role.LEADER, "371500", display_name="张建国", title="市委常委、副市长"),
    DemoUser("commissioner", Role.COMMISSIONER, "371500", display_name="赵晓东",
             title="重点项目服务专员"),
    DemoUser("dept_land", Role.DEPT_STAFF, department_code="zrzy", display_name="孙海波",
             title="自然资源和规划局用地科"),
    DemoUser("dept_env", Role.DEPT_STAFF, department_code="sthj", display_name="钱文博",
             title="生态环境局环评科"),
    DemoUser("dept_dev", Role.DEPT_STAFF, department_code="fgw", display_name="郑海燕",
             title="发展和改革委员会投资科"),
    DemoUser("dept_ind", Role.DEPT_STAFF, department_code="gxj", display_name="冯立新",
             title="工业和信息化局规划科"),
    DemoUser("dept_safety", Role.DEPT_STAFF, department_code="yjj", display_name="蒋志刚",
             title="应急管理局危化科"),
    DemoUser("inspector", Role.INSPECTOR, "371500", display_name="周丽", title="市审计局"),
    DemoUser("auditor", Role.AUDITOR, display_name="审计管理员", title="信息中心审计岗"),
    DemoUser("dongchangfu", Role.UNIT_STAFF, "371502", display_name="刘洋", title="东昌府区投资促进中心"),
    DemoUser("chiping", Role.UNIT_STAFF, "371503", display_name="陈杰", title="茌平区投资促进中心"),
    DemoUser("yanggu", Role.UNIT_STAFF, "371521", display_name="杨帆", title="阳谷县投资促进中心"),
    DemoUser("shenxian", Role.UNIT_STAFF, "371522", display_name="黄磊", title="莘县投资促进中心"),
    DemoUser("donge", Role.UNIT_STAFF, "371524", display_name="吴娟", title="东阿县投资促进中心"),
    DemoUser("guanxian", Role.UNIT_STAFF, "371525", display_name="徐涛", title="冠县投资促进中心"),
    DemoUser("gaotang", Role.UNIT_STAFF, "371526", display_name="胡明", title="高唐县投资促进中心"),
    DemoUser("linqing", Role.UNIT_STAFF, "371581", display_name="马超", title="临清市投资促进中心"),
    DemoUser("jingkaiqu", Role.UNIT_STAFF, "LCZ01", display_name="郭鹏", title="经开区招商局"),
    DemoUser("gaoxinqu", Role.UNIT_STAFF, "LCZ02", display_name="罗宁", title="高新区招商局"),
    DemoUser("dujiaqu", Role.UNIT_STAFF, "LCZ03", display_name="梁雪", title="度假区招商局"),
)  # fmt: skip

DEMO_USERNAMES = tuple(u.username for u in DEMO_USERS)


# Created by the installation (no actor), as `createsuperuser` would: the two administrators
# who then create and approve everyone else.
BOOTSTRAP_ROLES = (Role.SYSADMIN, Role.SECADMIN)


def users_load(*, password: str) -> dict[str, User]:
    """Create the demo users through the accounts service (audited); returns them by username.

    The system and security administrators are created first without an actor (bootstrap);
    the system administrator then creates the others and the security administrator approves
    each one (三员分立), as they would in production.
    """
    units = {u.code: u for u in Unit.objects.all()}
    departments = {d.code: d for d in Department.objects.all()}
    created: dict[str, User] = {}
    for spec in sorted(DEMO_USERS, key=lambda s: s.role not in BOOTSTRAP_ROLES):
        bootstrap = spec.role in BOOTSTRAP_ROLES
        created[spec.username] = user_create(
            actor=None if bootstrap else created["sysadmin"],
            username=spec.username,
            password=password,
            role=spec.role,
            unit=units.get(spec.unit_code),
            department=departments.get(spec.department_code),
            display_name=spec.display_name,
            title=spec.title,
        )
    for user in created.values():
        if user.approval_pending:
            user_approve(actor=created["secadmin"], user=user)
    # Demo logins share one published password on purpose, so nobody is sent to change it
    # (a real account created by the sysadmin must change its initial password).
    User.objects.filter(pk__in=[u.pk for u in created.values()]).update(must_change_password=False)
    fresh = {u.username: u for u in User.objects.filter(pk__in=[u.pk for u in created.values()])}
    return {spec.username: fresh[spec.username] for spec in DEMO_USERS}


def logins_table(password: str | None = None) -> str:
    """The logins as a fixed-width table (what `make demo` prints before serving)."""
    password = password if password is not None else settings.DEMO_PASSWORD
    existing = {
        u.username: u
        for u in User.objects.filter(username__in=DEMO_USERNAMES).select_related(
            "unit", "department"
        )
    }
    rows = [("用户名", "角色", "单位/部门", "密码")]
    for spec in DEMO_USERS:
        user = existing.get(spec.username)
        if user is None:
            continue
        place = user.unit.name if user.unit else (user.department.name if user.department else "—")
        rows.append((user.username, Role(user.role).label, place, password))
    widths = [max(_width(r[i]) for r in rows) for i in range(4)]
    lines = []
    for index, row in enumerate(rows):
        lines.append("  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row)).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _width(text: str) -> int:
    """Display width: CJK characters take two columns in a terminal."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
