"""API for accounts: issuing tokens (`POST /api/auth/token/`) and the organisation units."""

from __future__ import annotations

from django.contrib.auth import authenticate
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from zhaoshang.core.api import RestrictedReadOnlyViewSet

from .lockout import locked_until_for, lockout_body, retry_after_seconds
from .middleware import PASSWORD_CHANGE_REQUIRED
from .models import Unit
from .services import token_obtain
from .tokens import token_expires_at

WRONG_CREDENTIALS = "用户名或密码错误"


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(label="用户名", max_length=150)
    password = serializers.CharField(
        label="密码", max_length=128, trim_whitespace=False, style={"input_type": "password"}
    )


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField(label="令牌")
    expires_at = serializers.DateTimeField(
        label="过期时间", help_text="过期后令牌被拒绝（401），请重新获取"
    )


_ERROR = inline_serializer("TokenError", {"detail": serializers.CharField()})

_LOCKED = inline_serializer(
    "TokenLockedOut",
    {
        "detail": serializers.CharField(),
        "retry_after": serializers.DateTimeField(
            allow_null=True, help_text="锁定解除时间；之前的登录一律被拒绝（不延长锁定）"
        ),
    },
)


class TokenView(APIView):
    """Exchange a username and password for an API token (`Authorization: Token …`).

    The token is valid until `expires_at` (`API_TOKEN_TTL_HOURS` after it was issued). Only a
    digest of it is stored, so it is shown this once: asking again issues a new token and the
    previous one stops working (a user has one token).
    Failed attempts go to the audit log (`login_failed`) and count towards the django-axes
    lockout; issuing a token is audited as `token`.
    """

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    serializer_class = TokenRequestSerializer

    @extend_schema(
        operation_id="auth_token_create",
        tags=["auth"],
        summary="签发API令牌",
        description="签发新令牌并返回其过期时间；令牌只显示这一次（服务器只保存其摘要），"
        "再次调用将签发新令牌，原令牌随即作废。",
        request=TokenRequestSerializer,
        responses={
            200: TokenResponseSerializer,
            400: OpenApiResponse(description="用户名或密码错误"),
            403: OpenApiResponse(_ERROR, description="须先在网页上修改管理员设置的密码"),
            429: OpenApiResponse(_LOCKED, description="登录失败次数过多，暂时锁定（按账号和地址）"),
        },
        auth=[],
    )
    def post(self, request, *args, **kwargs):
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        django_request = request._request  # axes marks lockouts on the Django request
        user = authenticate(
            request=django_request,
            username=data.validated_data["username"],
            password=data.validated_data["password"],
        )
        if user is None:
            if getattr(django_request, "axes_locked_out", False):
                # Answer in JSON and Chinese instead of the middleware's page.
                django_request.axes_locked_out = False
                until = locked_until_for(django_request, data.validated_data["username"])
                headers = {"Retry-After": retry_after_seconds(until)} if until else None
                return Response(
                    lockout_body(until), status=status.HTTP_429_TOO_MANY_REQUESTS, headers=headers
                )
            raise serializers.ValidationError({"non_field_errors": [WRONG_CREDENTIALS]})
        if user.must_change_password:
            return Response({"detail": PASSWORD_CHANGE_REQUIRED}, status=status.HTTP_403_FORBIDDEN)
        token, key = token_obtain(user=user)
        body = {"token": key, "expires_at": token_expires_at(token)}
        return Response(TokenResponseSerializer(body).data)


class UnitSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Unit
        fields = ["code", "name", "short_name", "kind", "track", "parent", "division_code"]


@extend_schema(tags=["units"])
class UnitViewSet(RestrictedReadOnlyViewSet):
    """The city, its county-level units and functional zones (look up by code, e.g. 371581)."""

    queryset = Unit.objects.select_related("parent")
    serializer_class = UnitSerializer
    lookup_field = "code"
    lookup_value_regex = "[A-Za-z0-9]+"
    filter_backends: list = []
