"""What this installation stores about people and for how long, built from its settings on every request.

The privacy statement's administrator-written text explains purposes and rights; this list states the facts
that follow from the code and the settings (retention periods, cookies, the tile server), so it cannot drift
from what the application does. Each entry names where the rule lives, for whoever changes it next.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

from allauth.account import app_settings as account_settings
from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from participation.contacts import CONTACT_LINK_AGE
from participation.follow_mail import ALERT_LINK_AGE
from participation.participants import BROWSER_COOKIE, BROWSER_COOKIE_AGE


@dataclass(frozen=True, slots=True)
class PrivacyFact:
    title: str
    text: str


def duration(seconds: float) -> str:
    """A period in the largest whole unit a person reads easily ("2 years", "14 days", "24 hours")."""
    seconds = int(seconds)
    if seconds >= 365 * 86400 and seconds % (365 * 86400) == 0:
        years = seconds // (365 * 86400)
        return ngettext("%(count)s year", "%(count)s years", years) % {"count": years}
    if seconds >= 86400 and seconds % 86400 == 0:
        days = seconds // 86400
        return ngettext("%(count)s day", "%(count)s days", days) % {"count": days}
    if seconds >= 3600 and seconds % 3600 == 0:
        hours = seconds // 3600
        return ngettext("%(count)s hour", "%(count)s hours", hours) % {"count": hours}
    minutes = max(1, round(seconds / 60))
    return ngettext("%(count)s minute", "%(count)s minutes", minutes) % {"count": minutes}


def _longest_write_limit_window() -> int:
    # WRITE_LIMITS values are "count/seconds" (participation/throttling.py): a counter lives one window.
    return max(int(rate.split("/")[1]) for rate in settings.WRITE_LIMITS.values())


def _longest_account_limit_window() -> float:
    """allauth's limits ("5/5m/key,10/m/ip"): its counters live in the shared cache for one window."""
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    longest = 0.0
    for rates in account_settings.RATE_LIMITS.values():
        for rate in (rates or "").split(","):
            parts = rate.strip().split("/")
            if len(parts) < 2 or not parts[1]:
                continue
            unit, value = parts[1][-1], parts[1][:-1]
            longest = max(longest, (float(value) if value else 1.0) * units.get(unit, 1))
    return longest


def _tile_host() -> str:
    if not settings.MAP_TILE_URL.startswith("http"):
        return ""  # no tiles, or tiles served by this site itself
    return urlsplit(settings.MAP_TILE_URL).hostname or ""


def _place_search_fact() -> PrivacyFact:
    """The search box: our own data, unless a fallback geocoder is configured (PLACE_SEARCH_FALLBACK_URL)."""
    url = settings.PLACE_SEARCH_FALLBACK_URL
    host = (urlsplit(url).hostname or url) if url else ""
    own = _(
        "What you type into the place search is answered from this site's own data (the town's streets, "
        "addresses and districts) and is not stored."
    )
    if not host:
        return PrivacyFact(_("Place search"), own)
    return PrivacyFact(
        _("Place search"),
        own
        + " "
        + _(
            "Only when nothing is found there, this server asks %(host)s for the search text (never for your "
            "internet address); its own privacy statement applies."
        )
        % {"host": host},
    )


def privacy_facts() -> list[PrivacyFact]:
    """The stored data and retention periods of this installation, in the current language."""
    facts = [
        PrivacyFact(
            _("Account"),
            _(
                "If you create an account: your e-mail address, a user name, your password (only as a "
                "salted hash, never readable), your public name and whether you want e-mails about your "
                "suggestions. An unconfirmed e-mail confirmation link expires after %(confirm)s. Everything "
                "is kept until you delete the account on your account page; your suggestions, comments, "
                "supports and survey answers then stay without your name and are no longer linked to you."
            )
            % {"confirm": duration(account_settings.EMAIL_CONFIRMATION_EXPIRE_DAYS * 86400)},
        ),
        PrivacyFact(
            _("Contributions"),
            _(
                "Suggestions (title, text, place, category), comments, supports, reports and survey answers, "
                "each with its time and, if you give one, your public name. Published contributions are "
                "public; they are kept as the record of the participation."
            ),
        ),
        PrivacyFact(
            _("Your internet address"),
            _(
                "Your address is never stored in the clear with a contribution. Contributions keep a keyed "
                "hash of it (for an IPv6 address, of its /56 network) so that moderators can see several "
                "contributions came from one place; it is deleted after %(retention)s. Limits on how often "
                "someone may write count per account or per keyed hash of the address in a shared cache "
                "(Redis); each counter deletes itself after at most %(window)s."
            )
            % {
                "retention": duration(settings.ADDRESS_RETENTION_DAYS * 86400),
                "window": duration(_longest_write_limit_window()),
            },
        ),
        PrivacyFact(
            _("Sign-in protection"),
            _(
                "To stop password guessing, failed sign-ins and password-reset requests are counted per "
                "address and per account in the shared cache (the sign-in software, django-allauth, uses the "
                "address itself for this). These counters delete themselves after at most %(window)s."
            )
            % {"window": duration(_longest_account_limit_window() or 60)},
        ),
        PrivacyFact(
            _("E-mail address of anonymous authors"),
            _(
                "If you make a suggestion without an account and give your e-mail address, it is stored "
                "apart from the suggestion and never shown or exported. We only write to it after you "
                "confirmed it with the link we send; an unconfirmed address is deleted after %(age)s. A "
                "confirmed address is kept with the suggestion so that we can tell you what became of it; "
                "after you unsubscribe no more mails are sent."
            )
            % {"age": duration(CONTACT_LINK_AGE)},
        ),
        PrivacyFact(
            _("Following and alerts"),
            _(
                "If you follow a suggestion or make an alert for a place, we store what you follow, the "
                "place and radius or the district of the alert, and what we have mailed you about it. With "
                "an account this is in your data download and deleted with the account. An alert made "
                "without an account stores the e-mail address you gave: we write to it only after you "
                "confirmed it with the link we send, an unconfirmed alert is deleted after %(age)s, and "
                "every mail has a link that deletes the alert at once."
            )
            % {"age": duration(ALERT_LINK_AGE)},
        ),
        PrivacyFact(
            _("Repeated sending"),
            _(
                "When the app sends a contribution it gives it a one-time key, so that a sending repeated "
                "after a broken connection is not stored twice. The key and the first answer (which may "
                "contain your public name and text) are kept for %(ttl)s."
            )
            % {"ttl": duration(settings.IDEMPOTENCY_KEY_TTL_HOURS * 3600)},
        ),
        PrivacyFact(
            _("Cookies"),
            _(
                "No tracking and no analytics. Technically necessary cookies only: “%(session_cookie)s” "
                "keeps you signed in (%(session)s), “%(csrf_cookie)s” protects forms against forgery "
                "(%(csrf)s), “%(language_cookie)s” remembers the language you chose, “%(messages_cookie)s” "
                "carries a one-time notice to the next page, and “%(browser)s” holds a random, signed key "
                "when you take part without an account, so that each browser can support a suggestion once "
                "(%(browser_age)s); only a hash of this key is stored with your supports and reports."
            )
            % {
                "session_cookie": settings.SESSION_COOKIE_NAME,
                "session": duration(settings.SESSION_COOKIE_AGE),
                "csrf_cookie": settings.CSRF_COOKIE_NAME,
                "csrf": duration(settings.CSRF_COOKIE_AGE),
                "language_cookie": settings.LANGUAGE_COOKIE_NAME,
                "messages_cookie": CookieStorage.cookie_name,
                "browser": BROWSER_COOKIE,
                "browser_age": duration(BROWSER_COOKIE_AGE),
            },
        ),
        PrivacyFact(
            _("Protection against automated spam"),
            _(
                "Anonymous forms ask your browser to solve a small computing task (ALTCHA) on this server, "
                "without any third-party service. A solved task is remembered for %(expires)s so that it "
                "cannot be used twice."
            )
            % {"expires": duration(settings.ALTCHA_CHALLENGE["expires_seconds"])},
        ),
        PrivacyFact(
            _("Exports for planners"),
            _(
                "Planners download the published contributions for their GIS; exports contain no e-mail "
                "address, internet address or account. Export files made in the background are deleted "
                "after %(ttl)s. Published contributions are open data under this licence: %(licence)s."
            )
            % {"ttl": duration(settings.EXPORT_TTL_HOURS * 3600), "licence": settings.EXPORT_LICENCE},
        ),
    ]
    facts.append(_place_search_fact())
    host = _tile_host()
    facts.append(
        PrivacyFact(
            _("Background map"),
            _(
                "The map's background tiles are loaded by your browser from %(host)s, which therefore "
                "receives your internet address; its own privacy statement applies."
            )
            % {"host": host}
            if host
            else _("The map is shown without background tiles from another server."),
        )
    )
    return facts
