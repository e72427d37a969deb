"""Logins, failed logins and logouts go to the audit log; a login starts the session's clock.

Django announces these through its auth signals; that is the only place they surface, so this
module listens to them (business writes never use signals).
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from zhaoshang.core import audit
from zhaoshang.core.middleware import session_mark_login
from zhaoshang.core.models import AuditAction


@receiver(user_logged_in, dispatch_uid="audit_login")
def _logged_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        session_mark_login(request.session)  # the session's absolute lifetime starts now
    audit.record(actor=user, action=AuditAction.LOGIN, obj=user)


@receiver(user_logged_out, dispatch_uid="audit_logout")
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit.record(actor=user, action=AuditAction.LOGOUT, obj=user)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    user = get_user_model().objects.filter(username=username).first()
    entry_actor = type("Anonymous", (), {"username": username, "is_authenticated": False})()
    audit.record(
        actor=entry_actor,
        action=AuditAction.LOGIN_FAILED,
        obj=user,
        object_repr=username,
    )
