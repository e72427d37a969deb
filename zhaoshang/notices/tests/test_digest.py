import datetime as dt

import pytest
from django.core import mail

from zhaoshang.notices.models import DeliveryStatus, Digest
from zhaoshang.notices.services import mutes_set, notify
from zhaoshang.notices.tasks import digest_daily, digests_run

pytestmark = pytest.mark.django_db

DAY = dt.date(2024, 10, 8)


@pytest.fixture
def with_addresses(users):
    for name in ("commissioner", "leader", "auditor"):
        users[name].email = f"{name}@example.gov.cn"
        users[name].save()
    return users


def _unread(users):
    notify(recipients=[users["commissioner"]], kind="test_kind", title="节点逾期：土地摘牌",
           url="/projects/1/")  # fmt: skip
    notify(recipients=[users["commissioner"]], kind="test_kind", title="节点将到期：开工")
    notify(recipients=[users["commissioner"]], kind="test_fixed", title="问题已超期")


def test_the_digest_is_off_by_default(with_addresses, django_capture_on_commit_callbacks):
    _unread(with_addresses)
    with django_capture_on_commit_callbacks(execute=True):
        assert digests_run(today=DAY) == 0
    assert mail.outbox == []


def test_each_user_with_unread_notices_gets_one_digest_a_day(
    with_addresses, settings, django_capture_on_commit_callbacks
):
    settings.NOTICE_EMAIL_DIGEST = True
    settings.SITE_URL = "https://zs.example.gov.cn"
    _unread(with_addresses)
    with django_capture_on_commit_callbacks(execute=True):
        assert digests_run(today=DAY) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert digests_run(today=DAY) == 0
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["commissioner@example.gov.cn"]
    assert message.subject == "[聊城招商云平台] 每日通知摘要：3 条未读"
    assert message.body.splitlines()[:4] == [
        "您有 3 条未读通知（截至 2024年10月08日）：",
        "",
        "· 测试通知：2 条",
        "· 测试不可关闭通知：1 条",
    ]
    assert "- 节点逾期：土地摘牌  https://zs.example.gov.cn/projects/1/" in message.body
    assert message.body.endswith("通知中心：https://zs.example.gov.cn/notices/")
    digest = Digest.objects.get()
    assert (digest.on, digest.unread, digest.status) == (DAY, 3, DeliveryStatus.SENT)


def test_the_next_day_sends_again_and_a_muted_digest_is_not_sent(
    with_addresses, settings, django_capture_on_commit_callbacks
):
    settings.NOTICE_EMAIL_DIGEST = True
    _unread(with_addresses)
    notify(recipients=[with_addresses["leader"]], kind="test_kind", title="x")
    mutes_set(user=with_addresses["leader"], muted=["digest"])
    with django_capture_on_commit_callbacks(execute=True):
        digests_run(today=DAY)
        digests_run(today=DAY + dt.timedelta(days=1))
    assert [m.to for m in mail.outbox] == [["commissioner@example.gov.cn"]] * 2


def test_the_periodic_job_plans_todays_digests(
    with_addresses, settings, django_capture_on_commit_callbacks
):
    settings.NOTICE_EMAIL_DIGEST = True
    _unread(with_addresses)
    with django_capture_on_commit_callbacks(execute=True):
        digest_daily.call_local()
    assert len(mail.outbox) == 1
