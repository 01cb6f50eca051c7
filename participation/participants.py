"""Who takes part in a request: an account, or an anonymous browser where the project allows it.

Pages and the API build a `Participant` from the request; services decide with it. For anonymous people it
carries what stands in for an account: the client address (for rate limits, and stored only as a keyed hash
for abuse handling until the retention period ends) and a browser key from a signed cookie (one support per
browser), plus the anti-spam proof they sent.
"""

import hashlib
import ipaddress
import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import salted_hmac

# Whoever sent the request, as Django knows them: selectors decide visibility with it.
Actor = AbstractBaseUser | AnonymousUser

BROWSER_COOKIE = "pm_browser"
BROWSER_COOKIE_SALT = "participation.browser"
BROWSER_COOKIE_AGE = 2 * 365 * 24 * 3600


@dataclass(frozen=True, slots=True)
class AntiSpam:
    """What an anonymous form sends to show a person is writing: the solved ALTCHA and the empty honeypot."""

    proof: str = ""
    honeypot: str = ""


@dataclass(frozen=True, slots=True)
class Participant:
    user: Actor
    address: str = ""
    # SHA-256 of the anonymous browser's cookie key; empty for accounts (and before a key is needed).
    browser: str = ""
    anti_spam: AntiSpam = AntiSpam()

    @property
    def signed_in(self) -> bool:
        return bool(self.user.is_authenticated and self.user.is_active)

    @property
    def pk(self) -> int | None:
        return self.user.pk if self.signed_in else None

    @property
    def rate_ident(self) -> str:
        """Whom the write limits count: the account, else the address (an IPv6 client's whole /56, what one
        household or phone holds). Keyed-hashed, so the cache holds no address in the clear."""
        if self.signed_in:
            return f"user:{self.user.pk}"
        return "ip:" + salted_hmac("participation.rate", _address_block(self.address)).hexdigest()[:32]

    @property
    def source_address(self) -> str:
        """What a stored contribution keeps of the address: a keyed hash of its block, enough to see that
        contributions came from one place, never the address. Emptied after ADDRESS_RETENTION_DAYS."""
        if not self.address:
            return ""
        return salted_hmac("participation.source", _address_block(self.address)).hexdigest()


def participant_from(request: HttpRequest, *, proof: object = "", honeypot: object = "") -> Participant:
    """The participant of a page or API request (DRF's Request works too). Anonymous people get a browser
    key, issued now if they have none; `BrowserKeyMiddleware` then sets the cookie on the response."""
    django_request = getattr(request, "_request", request)
    visitor = Participant(
        user=request.user,
        address=client_address(django_request),
        anti_spam=AntiSpam(
            proof=proof if isinstance(proof, str) else "",
            honeypot=honeypot if isinstance(honeypot, str) else "",
        ),
    )
    return visitor if visitor.signed_in else replace(visitor, browser=browser_key(django_request))


def participant_reading(request: HttpRequest) -> Participant:
    """The participant for a read: the browser key only if the browser has one (no cookie is issued)."""
    django_request = getattr(request, "_request", request)
    key = getattr(django_request, "browser_key_raw", "")
    return Participant(user=request.user, browser=_hash(key) if key else "")


def client_address(request: HttpRequest) -> str:
    """REMOTE_ADDR, or with DJANGO_NUM_PROXIES set, the address the nearest trusted proxy saw.

    X-Forwarded-For is read from the right: only entries added by our own proxies are trusted, so a client
    cannot choose its address (and escape its limits) by sending the header itself.
    """
    proxies = settings.REST_FRAMEWORK["NUM_PROXIES"]
    remote = request.META.get("REMOTE_ADDR", "")
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if forwarded:
            return forwarded[-min(proxies, len(forwarded))]
    return remote


def browser_key(request: HttpRequest) -> str:
    """The (hashed) key of this browser, issuing a new one if it has none or a forged one."""
    key = getattr(request, "browser_key_raw", "")
    if not key:
        key = secrets.token_urlsafe(24)
        request.browser_key_raw = key
        request.browser_key_issued = True
    return _hash(key)


class BrowserKeyMiddleware:
    """Reads the signed browser cookie, and sets it when a write issued a new key during the request.

    Only an anonymous write issues a key: looking at the map sets no cookie.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.browser_key_raw = request.get_signed_cookie(
            BROWSER_COOKIE, default="", salt=BROWSER_COOKIE_SALT, max_age=BROWSER_COOKIE_AGE
        )
        request.browser_key_issued = False
        response = self.get_response(request)
        if request.browser_key_issued:
            response.set_signed_cookie(
                BROWSER_COOKIE,
                request.browser_key_raw,
                salt=BROWSER_COOKIE_SALT,
                max_age=BROWSER_COOKIE_AGE,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _address_block(address: str) -> str:
    """IPv4 as is; IPv6 as its /56: providers give a household a /56 (256 /64 networks) or a phone a /64."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/56", strict=False))
    return str(parsed)
