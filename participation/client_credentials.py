"""Who a GIS client is, from the credentials it sends with every request (the OGC API's staff collections).

Two ways, both what QGIS's authentication configurations send on every request, and GDAL too:

- `Authorization: Token <key>`: the account's API token (QGIS's "API Header" method, GDAL_HTTP_HEADERS);
- `Authorization: Basic <user name:token>`: HTTP Basic with the user name (or e-mail address) and the API
  token as the password (QGIS's "Basic" method, GDAL_HTTP_AUTH=BASIC). The password is always the token,
  never the account's password: this door checks no password, so it is no way to guess one, and a token can
  be revoked (rotated on the "Use in QGIS" page) without touching the account.

Wrong credentials are counted against the budgets of the token endpoint's wrong passwords
(participation/login_limits.py: per address, per account and address, per account); past them the client
is refused (TooManyRequests) before anything is looked up. A token is 160 random bits: the budgets are for
the noise, not for a chance of guessing.
"""

import base64
import binascii
import re

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.models import Token

from config.errors import DomainError

from .login_limits import account_for_login, password_attempt_check, password_failure_count
from .participants import Actor, Participant, client_address

# DRF's keys are 40 hexadecimal characters; anything else cannot be one and costs no query.
_TOKEN_KEY = re.compile(r"[0-9a-f]{40}")


class BadClientCredentials(DomainError):
    status_code = 401
    code = "bad_credentials"
    default_message = _(
        "The credentials are wrong. Send “Authorization: Token <your API token>”, or with basic "
        "authentication your user name and your API token as the password (never your account's password). "
        "Planners and moderators find their token on the project's “Use in QGIS” page."
    )

    def __init__(self, *, scheme: str) -> None:
        super().__init__()
        # The challenge of the scheme the client tried (RFC 9110 11.6.1); Token for anything else.
        self.challenge = 'Basic realm="OGC API", charset="UTF-8"' if scheme == "basic" else "Token"


def credentials_user(request: HttpRequest) -> Actor | None:
    """The active account the request's Authorization header names, or None without such a header (the
    session decides then). Raises BadClientCredentials for a header that names none (wrong, malformed, of
    another scheme, an inactive account) and TooManyRequests once the failures' budget is spent."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not header:
        return None
    scheme, _space, value = header.partition(" ")
    scheme, value = scheme.lower(), value.strip()
    source = Participant(user=AnonymousUser(), address=client_address(request)).rate_ident
    if scheme == "token":
        password_attempt_check(account_id=None, source=source)
        token = (
            Token.objects.select_related("user").filter(key=value).first()
            if _TOKEN_KEY.fullmatch(value)
            else None
        )
        if token is None or not token.user.is_active:
            password_failure_count(account_id=None, source=source)
            raise BadClientCredentials(scheme=scheme)
        return token.user
    if scheme == "basic":
        login, secret = _basic(value)
        account = account_for_login(login) if login else None
        account_id = account.pk if account is not None else None
        password_attempt_check(account_id=account_id, source=source)
        key = (
            Token.objects.filter(user_id=account_id).values_list("key", flat=True).first()
            if account is not None and account.is_active
            else None
        )
        if key is None or not constant_time_compare(key, secret):
            password_failure_count(account_id=account_id, source=source)
            raise BadClientCredentials(scheme=scheme)
        return account
    raise BadClientCredentials(scheme=scheme)


def _basic(value: str) -> tuple[str, str]:
    """(user name, password) of a Basic credential, ("", "") if it is not one."""
    try:
        decoded = base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return "", ""
    login, colon, secret = decoded.partition(":")
    return (login, secret) if colon else ("", "")
