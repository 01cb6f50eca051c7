"""Tokens for API clients: `POST /auth/token/` with user name or e-mail and password."""

from django.contrib.auth.models import AnonymousUser
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from .. import services
from ..participants import Participant, client_address


class TokenInput(serializers.Serializer):
    username = serializers.CharField(help_text="User name or e-mail address.")
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})


class TokenOutput(serializers.Serializer):
    token = serializers.CharField()


class TokenApi(APIView):
    authentication_classes = []  # credentials are the input: no session, hence no CSRF
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"

    @extend_schema(
        request=TokenInput,
        responses={200: TokenOutput},
        summary="Get an API token",
        description="Send it as `Authorization: Token <token>`. Accounts must have confirmed their e-mail.",
    )
    def post(self, request: Request) -> Response:
        data = TokenInput(data=request.data)
        data.is_valid(raise_exception=True)
        # Counted per address as the write limits count it (its keyed hash; an IPv6 client's block).
        source = Participant(user=AnonymousUser(), address=client_address(request)).rate_ident
        token = services.token_issue(
            login=data.validated_data["username"], password=data.validated_data["password"], source=source
        )
        return Response({"token": token})
