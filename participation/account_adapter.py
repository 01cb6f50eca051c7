"""allauth's adapter with failed sign-ins counted per account, not per typed login string."""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.sites.shortcuts import get_current_site
from django.http import HttpRequest

from .login_limits import account_for_login


class AccountAdapter(DefaultAccountAdapter):
    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        """The key of allauth's per-key `login_failed` limit: the account the login names, so its user name
        (in any letter case) and its e-mail addresses share one budget, on the site's sign-in and the
        admin's. A login that names no account keeps allauth's key (the string), limited the same way, so
        the refusal says nothing about whether an account exists."""
        account = account_for_login(credentials.get("email", credentials.get("username", "")) or "")
        if account is None:
            return super()._get_login_attempts_cache_key(request, **credentials)
        return f"{get_current_site(request).domain}:account:{account.pk}"
