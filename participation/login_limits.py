"""Limits on guessing passwords, per account rather than per typed login string.

Whatever someone types to sign in (a user name in any letter case, an e-mail address) is resolved to the
account first, so every name of one account spends one budget. Three doors take passwords, and all three
spend and check the budgets below: the API's token endpoint (`token_issue`), the site's sign-in and the
admin's (both through allauth, `AccountAdapter`, which also keys allauth's own `login_failed` limit on the
account and address).

No door hands out a lockout lever. A per-account counter that blocks everyone (allauth's default per-key
`login_failed` limit does) lets anyone lock the owner out by failing on purpose, the denial of service
OWASP's authentication cheat sheet warns of for account lockout. django-axes can lock by address, by user
name or by their combination; the combination is the one without that lever, and it is the lock here, with
two wider budgets that refuse only the guessers (the setting names say "token" for history; they cover every
door):

- `token_failure`: failures of one account from one address. This is the lock: an attacker's address is
  stopped after the budget, the owner's address is not touched by it.
- `token_failure_address`: failures of one address across every login, known or not. One address cannot
  spray many accounts, and unknown logins are counted here only (nothing is stored about a name that is no
  account, and the answer is the same as for a wrong password).
- `token_failure_account`: failures of one account from all addresses. Past it, only addresses that have
  already failed on this account are refused: many addresses together get this budget, not the per-address
  one times their number, while the owner typing the right password from an address that has not failed
  still gets in.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser

from .throttling import rate_limit_count, rate_limit_spent, rate_limit_used

PAIR = "token_failure"
ADDRESS = "token_failure_address"
ACCOUNT = "token_failure_account"


def account_for_login(login: str) -> AbstractBaseUser | None:
    """The account a login string names, as the authentication backends read it: an e-mail address (any of
    the account's, any letter case) when it holds an "@", else the user name (any letter case)."""
    login = login.strip()
    if not login:
        return None
    if "@" in login:
        from allauth.account.utils import filter_users_by_email  # needs the app registry

        users = filter_users_by_email(login, prefer_verified=True)
        return users[0] if users else None
    return get_user_model().objects.filter(username__iexact=login).order_by("pk").first()


def password_attempt_check(*, account_id: int | None, source: str) -> None:
    """Raise TooManyRequests if `source` (the client address's rate ident) may not try a password now.
    Counts nothing: only failures count (`password_failure_count`)."""
    rate_limit_spent(scope=ADDRESS, ident=source)
    if account_id is None:
        return
    pair = _pair(account_id, source)
    rate_limit_spent(scope=PAIR, ident=pair)
    if rate_limit_used(scope=PAIR, ident=pair):  # this address has failed on this account before
        rate_limit_spent(scope=ACCOUNT, ident=f"user:{account_id}")


def password_failure_count(*, account_id: int | None, source: str) -> None:
    """Count one wrong password (or unknown login) from `source`."""
    rate_limit_count(scope=ADDRESS, ident=source)
    if account_id is not None:
        rate_limit_count(scope=PAIR, ident=_pair(account_id, source))
        rate_limit_count(scope=ACCOUNT, ident=f"user:{account_id}")


def _pair(account_id: int, source: str) -> str:
    return f"user:{account_id}:{source}"
