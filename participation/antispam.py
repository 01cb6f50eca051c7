"""Proof that a person writes, for anonymous writes: an empty honeypot field and a solved ALTCHA.

The ALTCHA payload is verified by altcha-django (signature, solution, expiry) and claimed once in the
shared cache, so a replayed or forged payload is refused. Services call `check_human` last, after every
other check, so a form sent back for a typo keeps its proof.
"""

from altcha_django import ErrorCode, run_verification
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.templatetags.static import static
from django.urls import reverse

from .errors import ProofExpired, ProofInvalid, ProofMissing, ProofReplayed, SpamSuspected, TooManyRequests
from .participants import Participant, client_address
from .rules import needs_anti_spam
from .throttling import rate_limit_check


def check_human(actor: Participant) -> None:
    if not needs_anti_spam(actor):
        return
    if actor.anti_spam.honeypot.strip():
        raise SpamSuspected()
    result = run_verification(actor.anti_spam.proof)
    if result.verified:
        return
    raise {
        ErrorCode.REQUIRED.value: ProofMissing,
        ErrorCode.EXPIRED.value: ProofExpired,
        ErrorCode.REPLAYED.value: ProofReplayed,
    }.get(result.code or "", ProofInvalid)()


def challenge_allowed(request: HttpRequest) -> bool:
    """Rate limit of the challenge endpoint (ALTCHA_CHALLENGE_ENDPOINT_RATELIMIT), per client address."""
    try:
        visitor = Participant(user=AnonymousUser(), address=client_address(request))
        rate_limit_check(scope="challenge", ident=visitor.rate_ident)
    except TooManyRequests:
        return False
    return True


def anti_spam_widget(visitor: Participant) -> dict[str, str] | None:
    """For a page's script: where the ALTCHA widget gets its challenges and its proof-of-work worker (same
    origin, for our CSP), or None when this visitor writes without one (an account)."""
    if not needs_anti_spam(visitor):
        return None
    return {"challenge": reverse("api:altcha-challenge"), "worker": static("frontend/build/altcha-pbkdf2.js")}
