"""Outbound channels through the job queue (huey immediate in tests), after the commit."""

import base64
import hashlib
import hmac
import urllib.parse

import pytest
from django.core import mail

from zhaoshang.notices import channels
from zhaoshang.notices.models import Delivery, DeliveryStatus, Notification
from zhaoshang.notices.services import notify

pytestmark = pytest.mark.django_db


def _send(users, django_capture_on_commit_callbacks, **extra):
    with django_capture_on_commit_callbacks(execute=True):
        return notify(
            recipients=[users["commissioner"], users["leader"]],
            kind="test_kind",
            title="推进节点逾期：土地摘牌",
            body="项目：高端轴承项目\n计划 2024-10-08",
            url="/projects/7/",
            key="ms:7",
            **extra,
        )


def test_no_channel_is_on_by_default(users, django_capture_on_commit_callbacks):
    _send(users, django_capture_on_commit_callbacks)
    assert not Delivery.objects.exists()
    assert mail.outbox == []


def test_wecom_gets_one_markdown_message_per_call_naming_its_recipients(
    users, robot, settings, django_capture_on_commit_callbacks
):
    settings.NOTICE_WECOM_WEBHOOK_URL = f"{robot.url}/cgi-bin/webhook/send?key=abc"
    settings.SITE_URL = "https://zs.example.gov.cn"
    created = _send(users, django_capture_on_commit_callbacks)
    assert len(robot.requests) == 1
    request = robot.requests[0]
    assert request["path"] == "/cgi-bin/webhook/send?key=abc"
    assert request["content_type"] == "application/json; charset=utf-8"
    assert request["json"] == {
        "msgtype": "markdown",
        "markdown": {
            "content": "**推进节点逾期：土地摘牌**\n"
            "> 接收人：commissioner、leader\n"
            "> 项目：高端轴承项目\n"
            "> 计划 2024-10-08\n"
            "> [查看详情](https://zs.example.gov.cn/projects/7/)"
        },
    }
    delivery = Delivery.objects.get()
    assert (delivery.notification_id, delivery.channel, delivery.status, delivery.attempts) == (
        created[0].pk,
        "wecom",
        DeliveryStatus.SENT,
        1,
    )


def test_dingtalk_gets_a_markdown_message_with_title_and_text(
    users, robot, settings, django_capture_on_commit_callbacks
):
    settings.NOTICE_DINGTALK_WEBHOOK_URL = f"{robot.url}/robot/send?access_token=t0"
    _send(users, django_capture_on_commit_callbacks)
    assert robot.requests[0]["path"] == "/robot/send?access_token=t0"
    assert robot.requests[0]["json"] == {
        "msgtype": "markdown",
        "markdown": {
            "title": "推进节点逾期：土地摘牌",
            "text": "#### 推进节点逾期：土地摘牌\n\n接收人：commissioner、leader\n\n"
            "项目：高端轴承项目\n\n计划 2024-10-08\n\n[查看详情](/projects/7/)",
        },
    }


def test_a_signing_dingtalk_robot_gets_timestamp_and_hmac_sign(
    users, robot, settings, django_capture_on_commit_callbacks
):
    settings.NOTICE_DINGTALK_WEBHOOK_URL = f"{robot.url}/robot/send?access_token=t0"
    settings.NOTICE_DINGTALK_SECRET = "SECabc"
    _send(users, django_capture_on_commit_callbacks)
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(robot.requests[0]["path"]).query)
    timestamp = query["timestamp"][0]
    expected = base64.b64encode(
        hmac.new(b"SECabc", f"{timestamp}\nSECabc".encode(), hashlib.sha256).digest()
    ).decode()
    assert query["access_token"] == ["t0"]
    assert query["sign"] == [expected]


def test_the_dingtalk_signature_matches_its_documented_recipe():
    signed = channels.dingtalk_signed("https://oapi.dingtalk.com/robot/send?access_token=x", "s",
                                      now_ms=1700000000000)  # fmt: skip
    digest = hmac.new(b"s", b"1700000000000\ns", hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest).decode())
    assert signed == (
        f"https://oapi.dingtalk.com/robot/send?access_token=x&timestamp=1700000000000&sign={sign}"
    )


def test_a_failing_webhook_is_retried_then_failed_and_the_notice_stays(
    users, robot, settings, no_retry_delay, django_capture_on_commit_callbacks
):
    settings.NOTICE_WECOM_WEBHOOK_URL = f"{robot.url}/send?key=k"
    settings.NOTICE_DELIVERY_ATTEMPTS = 3
    robot.status = 500
    created = _send(users, django_capture_on_commit_callbacks)
    assert len(robot.requests) == 3
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (
        DeliveryStatus.FAILED,
        3,
        "HTTP 500",
    )
    assert Notification.objects.filter(pk__in=[n.pk for n in created]).count() == 2


def test_a_robot_refusing_with_an_errcode_is_a_failure_and_a_later_success_is_sent(
    users, robot, settings, no_retry_delay, django_capture_on_commit_callbacks, monkeypatch
):
    settings.NOTICE_WECOM_WEBHOOK_URL = f"{robot.url}/send?key=k"
    robot.answer = {"errcode": 93000, "errmsg": "invalid webhook url"}
    attempts = []

    original = channels.post_json

    def flaky(url, payload):
        attempts.append(url)
        if len(attempts) == 2:
            robot.answer = {"errcode": 0, "errmsg": "ok"}
        return original(url, payload)

    monkeypatch.setattr(channels, "post_json", flaky)
    _send(users, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("sent", 2, "")


def test_a_redirecting_robot_is_not_followed(
    users, robot, settings, no_retry_delay, django_capture_on_commit_callbacks
):
    settings.NOTICE_WECOM_WEBHOOK_URL = f"{robot.url}/send?key=k"
    settings.NOTICE_DELIVERY_ATTEMPTS = 1
    robot.redirect_to = "http://203.0.113.9/steal"
    _send(users, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.last_error == "机器人地址返回重定向（HTTP 302），未跟随"
    assert len(robot.requests) == 1


def test_webhook_kinds_limit_what_the_group_sees(
    users, robot, settings, django_capture_on_commit_callbacks
):
    settings.NOTICE_WECOM_WEBHOOK_URL = f"{robot.url}/send?key=k"
    settings.NOTICE_WEBHOOK_KINDS = ["other_kind"]
    _send(users, django_capture_on_commit_callbacks)
    assert robot.requests == []
    assert not Delivery.objects.exists()


def test_nothing_is_sent_when_the_callers_transaction_rolls_back(
    users, robot, settings, django_capture_on_commit_callbacks
):
    settings.NOTICE_WECOM_WEBHOOK_URL = f"{robot.url}/send?key=k"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(recipients=[users["leader"]], kind="test_kind", title="x")
    assert len(callbacks) == 1  # dispatched only on commit, never during the request
    assert robot.requests == []


def test_instant_email_goes_to_each_recipient_with_an_address(
    users, settings, django_capture_on_commit_callbacks
):
    settings.NOTICE_EMAIL_INSTANT = True
    settings.SITE_URL = "https://zs.example.gov.cn"
    users["commissioner"].email = "zhao@example.gov.cn"
    users["commissioner"].save()
    _send(users, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["zhao@example.gov.cn"]
    assert message.subject == "[聊城招商云平台] 推进节点逾期：土地摘牌"
    assert message.body == (
        "项目：高端轴承项目\n计划 2024-10-08\n\nhttps://zs.example.gov.cn/projects/7/"
    )
    assert list(Delivery.objects.values_list("channel", "status")) == [("email", "sent")]
