"""allauth's adapter: failed sign-ins counted per account and address, without a lever to lock the owner out;
and a newly verified address takes over the alerts its owner made with it before having an account.

The site's sign-in and the admin's both authenticate here (config/admin_login.py), so the rules of
participation/login_limits.py hold at every door that takes a password:
- allauth's own `login_failed` limit (10 a minute per address, and 5 in 5 minutes per key) gets as its key the
  account the login names together with the client address: the lock stops the guessing address, never the
  owner's;
- the budgets the token endpoint uses are spent and checked too, so the doors share them: the per-address
  budget across every login, and the per-account budget that refuses only addresses that have failed.
"""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from django.contrib.auth.models import AnonymousUser
from django.contrib.sites.shortcuts import get_current_site
from django.http import HttpRequest

from . import services
from .errors import TooManyRequests
from .login_limits import account_for_login, password_attempt_check, password_failure_count
from .participants import Participant, client_address


def _login(credentials: dict[str, Any]) -> str:
    return credentials.get("email", credentials.get("username", "")) or ""


def _source(request: HttpRequest) -> str:
    """The client address's rate ident, as the write limits and the token endpoint count it."""
    return Participant(user=AnonymousUser(), address=client_address(request)).rate_ident


class AccountAdapter(DefaultAccountAdapter):
    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        """The key of allauth's per-key `login_failed` limit: the account the login names (so its user name in
        any letter case and its e-mail addresses share one budget) and the client address. A login that names
        no account is keyed on the string and address, limited the same way: the refusal says nothing about
        whether an account exists."""
        account = account_for_login(_login(credentials))
        who = f"account:{account.pk}" if account is not None else _login(credentials).lower()
        return f"{get_current_site(request).domain}:{who}:{_source(request)}"

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        super().pre_authenticate(request, **credentials)
        account = account_for_login(_login(credentials))
        try:
            password_attempt_check(account_id=account.pk if account else None, source=_source(request))
        except TooManyRequests:
            self._rollback_login_failed_rl_usage()  # this attempt was not made
            raise self.validation_error("too_many_login_attempts") from None

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        account = account_for_login(_login(credentials))
        password_failure_count(account_id=account.pk if account else None, source=_source(request))

    def confirm_email(self, request: HttpRequest, email_address: EmailAddress) -> bool:
        confirmed = super().confirm_email(request, email_address)
        if confirmed:
            services.alerts_adopt(user=email_address.user, email=email_address.email)
        return confirmed
