"""Forms of the login page and of user management. Writes go through accounts.services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import (
    password_validators_help_texts,
    validate_password,
)
from django.core.exceptions import ValidationError

from zhaoshang.core import masking
from zhaoshang.core.forms import BootstrapFormMixin, VersionedFormMixin

from .lockout import locked_until_for, lockout_message
from .models import Department, Unit, User
from .roles import Role
from .selectors import grantable_permissions, permission_label

AWAITS_APPROVAL = "该账号正在等待安全管理员审核，审核通过后方可登录。"


class LoginForm(AuthenticationForm):
    """Django's login form with Chinese messages and django-axes lockout reported at the top."""

    error_messages = {
        "invalid_login": "用户名或密码错误。请注意密码区分大小写。",
        "inactive": "该账号已停用，请联系系统管理员。",
    }

    def __init__(self, request: Any = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "用户名"
        self.fields["password"].label = "密码"
        self.fields["username"].widget.attrs.update(
            {"class": "form-control", "autocomplete": "username", "autofocus": True}
        )
        self.fields["password"].widget.attrs.update(
            {"class": "form-control", "autocomplete": "current-password"}
        )

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except ValidationError:
            if getattr(self.request, "axes_locked_out", False):
                until = locked_until_for(self.request, self.cleaned_data.get("username"))
                raise ValidationError(lockout_message(until), code="locked_out") from None
            if self._awaits_approval():
                raise ValidationError(AWAITS_APPROVAL, code="pending") from None
            raise

    def _awaits_approval(self) -> bool:
        """The right password of an account waiting for the security administrator."""
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if not username or not password:
            return False
        user = User.objects.filter(username=username, approval_pending=True).first()
        return user is not None and user.check_password(password)


ROLE_CHOICES = [("", "（未分配）"), *Role.choices]


class UserFieldsForm(BootstrapFormMixin, forms.Form):
    """The fields the system administrator sets on an account."""

    display_name = forms.CharField(label="姓名", max_length=30, required=False)
    title = forms.CharField(label="职务", max_length=50, required=False)
    phone = forms.CharField(label="电话", max_length=20, required=False)
    email = forms.EmailField(label="电子邮箱", required=False)
    role = forms.ChoiceField(label="角色", choices=ROLE_CHOICES, required=False)
    unit = forms.ModelChoiceField(
        label="单位",
        queryset=Unit.objects.all(),
        required=False,
        empty_label="（无）",
        help_text="招商人员和领导必须绑定单位；绑定“聊城市”即为市级。",
    )
    department = forms.ModelChoiceField(
        label="职能部门",
        queryset=Department.objects.all(),
        required=False,
        empty_label="（无）",
        help_text="仅职能部门人员需要选择。",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        role = data.get("role")
        if role in (Role.UNIT_STAFF, Role.LEADER) and not data.get("unit"):
            self.add_error("unit", "该角色必须绑定单位")
        if role == Role.DEPT_STAFF and not data.get("department"):
            self.add_error("department", "职能部门人员必须绑定部门")
        if role != Role.DEPT_STAFF:
            data["department"] = None  # a department binds only department staff
        return data


class UserCreateForm(UserFieldsForm):
    username = forms.RegexField(
        label="用户名",
        max_length=150,
        regex=r"^[\w.@+-]+\Z",
        error_messages={"invalid": "用户名只能包含字母、数字和 @ . + - _"},
        help_text="登录时使用，建议用姓名拼音或工号。",
    )
    password1 = forms.CharField(label="初始密码", strip=False, widget=forms.PasswordInput)
    password2 = forms.CharField(label="确认密码", strip=False, widget=forms.PasswordInput)

    field_order = ["username", "display_name", "title", "phone", "email", "role", "unit"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password1"].help_text = " ".join(password_validators_help_texts())
        self.fields["password1"].widget.attrs["autocomplete"] = "new-password"
        self.fields["password2"].widget.attrs["autocomplete"] = "new-password"

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError("该用户名已被使用")
        return username

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        password = data.get("password1")
        if password and data.get("password2") != password:
            self.add_error("password2", "两次输入的密码不一致")
        elif password:
            candidate = User(
                username=data.get("username", ""),
                display_name=data.get("display_name", ""),
                email=data.get("email", ""),
            )
            try:
                validate_password(password, candidate)
            except ValidationError as exc:
                self.add_error("password1", exc)
        return data


class UserEditForm(VersionedFormMixin, UserFieldsForm):
    is_active = forms.BooleanField(
        label="账号启用", required=False, help_text="停用后该用户不能登录，历史记录保留。"
    )

    @classmethod
    def initial_for(cls, user: User) -> dict[str, Any]:
        return {
            "display_name": user.display_name,
            "title": user.title,
            "phone": masking.mask_phone(user.phone),  # kept unless a new number is typed
            "email": user.email,
            "role": user.role,
            "unit": user.unit_id,
            "department": user.department_id,
            "is_active": user.is_active,
        }


class PasswordResetForm(BootstrapFormMixin, forms.Form):
    password1 = forms.CharField(label="新密码", strip=False, widget=forms.PasswordInput)
    password2 = forms.CharField(label="确认新密码", strip=False, widget=forms.PasswordInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password1"].help_text = " ".join(password_validators_help_texts())
        for name in ("password1", "password2"):
            self.fields[name].widget.attrs["autocomplete"] = "new-password"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("password1") and data.get("password2") != data.get("password1"):
            self.add_error("password2", "两次输入的密码不一致")
        return data


class UserFilterForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(label="关键词", required=False)
    role = forms.ChoiceField(
        label="角色", choices=[("", "全部角色"), *Role.choices], required=False
    )
    unit = forms.ModelChoiceField(
        label="单位", queryset=Unit.objects.all(), required=False, empty_label="全部单位"
    )
    active = forms.ChoiceField(
        label="状态", choices=[("", "全部"), ("1", "启用"), ("0", "停用")], required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = "用户名、姓名或电话"


class RolePermissionsForm(VersionedFormMixin, forms.Form):
    """The checked permissions of one role (`app_label.codename`); rendered as a matrix."""

    permissions = forms.MultipleChoiceField(
        label="权限",
        required=False,
        error_messages={"invalid_choice": "不能在此分配的权限：%(value)s"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = sorted(permission_label(p) for p in grantable_permissions())
        self.fields["permissions"].choices = [(label, label) for label in labels]


class PasswordChangeForm(BootstrapFormMixin, forms.Form):
    """A user changes their own password: the old one, then the new one twice."""

    old_password = forms.CharField(label="原密码", strip=False, widget=forms.PasswordInput)
    new_password1 = forms.CharField(label="新密码", strip=False, widget=forms.PasswordInput)
    new_password2 = forms.CharField(label="确认新密码", strip=False, widget=forms.PasswordInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = " ".join(password_validators_help_texts())
        self.fields["old_password"].widget.attrs["autocomplete"] = "current-password"
        for name in ("new_password1", "new_password2"):
            self.fields[name].widget.attrs["autocomplete"] = "new-password"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("new_password1") and data.get("new_password2") != data.get("new_password1"):
            self.add_error("new_password2", "两次输入的密码不一致")
        return data


class ApprovalRejectForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label="不予通过的原因", max_length=200)
