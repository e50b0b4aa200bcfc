"""The API's token endpoint: POST /api/v1/auth/token/ {"username", "password", "otp"} → {"token", "expires_at"}.

The login lockout applies to it as to the login page: DRF's serializer authenticates with its own Request wrapper,
django-axes (and linkage.lockout) mark a locked-out attempt on the request they are given, and AxesMiddleware looks
at Django's HttpRequest; handing authenticate() the HttpRequest itself makes a locked-out API login get the same 429
as the page (linkage.otp.lockout_response answers the API in JSON). A user with a confirmed TOTP device must give
its current code (`otp`); a role that must enrol and has not gets no token. Each call issues a new token (the key is
shown only in this answer; the database keeps its hash) and is recorded as a login in the audit log.
"""

from django.contrib.auth import authenticate, user_logged_in
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from . import otp, tokens


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(label="用户名", max_length=150, write_only=True)
    password = serializers.CharField(
        label="密码", max_length=128, style={"input_type": "password"}, trim_whitespace=False, write_only=True
    )
    otp = serializers.CharField(
        label="动态口令",
        max_length=8,
        required=False,
        allow_blank=True,
        write_only=True,
        help_text="已启用双重验证的账户必填：验证器应用当前显示的6位数字。",
    )

    def validate(self, attrs):
        request = self.context.get("request")
        user = authenticate(
            request=getattr(request, "_request", request),
            username=attrs.get("username"),
            password=attrs.get("password"),
        )
        if not user:
            # DRF's own message id, so its Chinese catalogue answers as before (“无法使用提供的认证信息登录。”).
            raise serializers.ValidationError(_("Unable to log in with provided credentials."), code="authorization")
        if getattr(user, "is_grid", False):
            raise serializers.ValidationError(tokens.GRID_NO_TOKEN, code="grid_no_token")
        problem = otp.second_factor_problem(user, attrs.get("otp"), api=True)
        if problem:
            raise serializers.ValidationError({"otp": [problem]}, code="otp_invalid")
        attrs["user"] = user
        return attrs


class ObtainTokenView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: inline_serializer(
                "IssuedToken",
                {
                    "token": serializers.CharField(help_text="令牌，仅在此显示一次"),
                    "expires_at": serializers.DateTimeField(allow_null=True, help_text="过期时间；为空表示不过期"),
                },
            )
        },
        summary="用用户名、密码（及动态口令）换取API令牌",
    )
    def post(self, request, *args, **kwargs):
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        user.__dict__.pop("otp_device", None)  # a token is not a session: django-otp must not write one
        issued = tokens.issue_for_login(user=user)
        # A token login is a login: the audit log records it (linkage.audit), last_login is updated, axes resets
        # this address's failures, as for the login page.
        user_logged_in.send(sender=user.__class__, request=request._request, user=user)
        expires_at = issued.token.expires_at
        return Response(
            # In Beijing time like every other time of the API (it was the one answer in UTC).
            {"token": issued.key, "expires_at": timezone.localtime(expires_at).isoformat() if expires_at else None},
            status=status.HTTP_200_OK,
        )


obtain_auth_token = ObtainTokenView.as_view()
