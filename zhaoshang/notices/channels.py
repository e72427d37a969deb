"""Outbound channels: the group robots of 企业微信 and 钉钉 (webhooks) and e-mail (SMTP).

Each is off until configured (settings / environment, see .env.example):

- 企业微信: ``NOTICE_WECOM_WEBHOOK_URL`` (the robot's ``…/cgi-bin/webhook/send?key=…``)
- 钉钉: ``NOTICE_DINGTALK_WEBHOOK_URL`` (``…/robot/send?access_token=…``), and
  ``NOTICE_DINGTALK_SECRET`` when the robot signs (加签: timestamp + HMAC-SHA256)
- e-mail: ``NOTICE_EMAIL_INSTANT`` (each notice) and ``NOTICE_EMAIL_DIGEST`` (the daily digest),
  through Django's e-mail backend (``EMAIL_HOST`` …), to users with an address

A webhook is posted with the standard library only: a timeout, no redirect followed (the robot
answers directly; a redirect would send the message somewhere else than the configured URL),
and the robot's own ``errcode`` checked, since both answer HTTP 200 to a refused message.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from django.conf import settings
from django.core.mail import send_mail

from .models import Channel


class DeliveryError(Exception):
    """A channel refused or could not take a message (retried, then recorded as failed)."""


# --- which channels are on -----------------------------------------------------------------


def _webhook_url(channel: str) -> str:
    name = {
        Channel.WECOM: "NOTICE_WECOM_WEBHOOK_URL",
        Channel.DINGTALK: "NOTICE_DINGTALK_WEBHOOK_URL",
    }[channel]
    return (getattr(settings, name, "") or "").strip()


def group_channels_for(kind: str) -> list[str]:
    """The group robots configured, when `kind` is one they carry (NOTICE_WEBHOOK_KINDS; every
    kind when it is empty)."""
    allowed = getattr(settings, "NOTICE_WEBHOOK_KINDS", []) or []
    if allowed and kind not in allowed:
        return []
    return [c for c in (Channel.WECOM, Channel.DINGTALK) if _webhook_url(c)]


def email_instant_enabled() -> bool:
    return bool(getattr(settings, "NOTICE_EMAIL_INSTANT", False))


def email_digest_enabled() -> bool:
    return bool(getattr(settings, "NOTICE_EMAIL_DIGEST", False))


def absolute(url: str) -> str:
    """A notice's path as a link outside the site (SITE_URL), or as it is when none is set."""
    base = (getattr(settings, "SITE_URL", "") or "").rstrip("/")
    return f"{base}{url}" if url and base else url


# --- message formats -----------------------------------------------------------------------


def _lines(*, body: str, url: str, audience: str) -> list[str]:
    lines = []
    if audience:
        lines.append(f"接收人：{audience}")
    lines += [line for line in body.splitlines() if line.strip()]
    link = absolute(url)
    if link:
        lines.append(f"[查看详情]({link})")
    return lines


def wecom_payload(*, title: str, body: str, url: str = "", audience: str = "") -> dict[str, Any]:
    """企业微信群机器人 markdown message."""
    quoted = [f"> {line}" for line in _lines(body=body, url=url, audience=audience)]
    content = "\n".join([f"**{title}**", *quoted])
    return {"msgtype": "markdown", "markdown": {"content": content}}


def dingtalk_payload(*, title: str, body: str, url: str = "", audience: str = "") -> dict[str, Any]:
    """钉钉群机器人 markdown message (its `title` is what the conversation list shows)."""
    text = "\n\n".join([f"#### {title}", *_lines(body=body, url=url, audience=audience)])
    return {"msgtype": "markdown", "markdown": {"title": title, "text": text}}


def dingtalk_signed(url: str, secret: str, *, now_ms: int | None = None) -> str:
    """The robot URL with 钉钉's signature: ``timestamp`` (ms) and ``sign`` =
    base64(HMAC-SHA256(secret, "<timestamp>\\n<secret>")), URL-encoded."""
    timestamp = str(now_ms if now_ms is not None else int(time.time() * 1000))
    digest = hmac.new(
        secret.encode(), f"{timestamp}\n{secret}".encode(), digestmod=hashlib.sha256
    ).digest()
    sign = base64.b64encode(digest).decode()
    query = urllib.parse.urlencode({"timestamp": timestamp, "sign": sign})
    return f"{url}{'&' if '?' in url else '?'}{query}"


# --- sending -------------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        raise DeliveryError(f"机器人地址返回重定向（HTTP {code}），未跟随")


def _opener() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(_NoRedirect)


def post_json(url: str, payload: dict[str, Any]) -> dict[str, Any]:
    """POST `payload` as JSON to a robot URL; the answer's JSON, or DeliveryError."""
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise DeliveryError("机器人地址须为 http(s)")
    data = json.dumps(payload, ensure_ascii=False).encode()
    request = urllib.request.Request(
        url, data=data, method="POST", headers={"Content-Type": "application/json; charset=utf-8"}
    )
    timeout = float(getattr(settings, "NOTICE_HTTP_TIMEOUT", 10))
    try:
        with _opener().open(request, timeout=timeout) as response:
            raw = response.read(64 * 1024)
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"HTTP {exc.code}") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise DeliveryError(f"连接失败：{getattr(exc, 'reason', exc)}") from exc
    try:
        answer = json.loads(raw or b"{}")
    except ValueError as exc:
        raise DeliveryError("机器人应答不是 JSON") from exc
    if isinstance(answer, dict) and answer.get("errcode", 0) not in (0, "0"):
        raise DeliveryError(f"机器人拒收：{answer.get('errcode')} {answer.get('errmsg', '')}")
    return answer if isinstance(answer, dict) else {}


def send_group(channel: str, *, title: str, body: str, url: str, audience: str) -> None:
    target = _webhook_url(channel)
    if not target:
        raise DeliveryError("渠道未配置")
    if channel == Channel.WECOM:
        post_json(target, wecom_payload(title=title, body=body, url=url, audience=audience))
        return
    secret = (getattr(settings, "NOTICE_DINGTALK_SECRET", "") or "").strip()
    if secret:
        target = dingtalk_signed(target, secret)
    post_json(target, dingtalk_payload(title=title, body=body, url=url, audience=audience))


def send_email(*, to: str, subject: str, text: str) -> None:
    prefix = getattr(settings, "EMAIL_SUBJECT_PREFIX_NOTICES", "[聊城招商云平台] ")
    try:
        send_mail(
            subject=f"{prefix}{subject}"[:200],
            message=text,
            from_email=None,
            recipient_list=[to],
            fail_silently=False,
        )
    except Exception as exc:  # smtplib's and socket's errors alike
        raise DeliveryError(f"邮件发送失败：{type(exc).__name__}: {exc}") from exc
