"""The API's token endpoint, with the login lockout applied to it as to the login page.

DRF's serializer authenticates with its own Request wrapper; django-axes marks a locked-out attempt on the request
it is given, and its middleware looks at Django's HttpRequest. Handing authenticate() the HttpRequest itself makes
a locked-out API login get the same 429 as the page (linkage.otp.lockout_response answers the API in JSON)."""

from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken


class LockoutAwareAuthTokenSerializer(AuthTokenSerializer):
    def validate(self, attrs):
        request = self.context.get("request")
        user = authenticate(request=getattr(request, "_request", request), username=attrs.get("username"),
                            password=attrs.get("password"))
        if not user:
            # DRF's own message id, so its Chinese catalogue answers as before (“无法使用提供的认证信息登录。”).
            raise serializers.ValidationError(_("Unable to log in with provided credentials."), code="authorization")
        attrs["user"] = user
        return attrs


class ObtainTokenView(ObtainAuthToken):
    serializer_class = LockoutAwareAuthTokenSerializer


obtain_auth_token = ObtainTokenView.as_view()
