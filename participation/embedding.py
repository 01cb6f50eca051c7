"""Which websites may show a project's map in a frame (/embed/<slug>/): a list of origins per project, written
by an administrator, that becomes the embed page's `Content-Security-Policy: frame-ancestors`.

An origin is exactly what a browser compares a framing page with: scheme, host and port, nothing else. A path,
a query or a wildcard would either never match or allow more than meant, and anything else in the list (a
space, a semicolon, a quote) would change the header itself: such entries are refused with a message, never
"fixed". The server does not look at Referer or Origin to decide: the browser enforces the header."""

import re
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

MAX_ORIGINS = 20
# http:// only for the machine itself (tests, development): a town's website is served over https.
LOOPBACK_HOSTS = ("localhost", "127.0.0.1")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_IPV4 = re.compile(r"^\d{1,3}(\.\d{1,3}){3}$")
_DEFAULT_PORTS = {"https": 443, "http": 80}

MESSAGES = {
    "wildcard": _(
        "“%(value)s”: wildcards are not allowed. Enter each website that may embed the map on a line of "
        "its own, e.g. https://www.example.org."
    ),
    "scheme": _(
        "“%(value)s”: only https:// addresses can embed the map (http:// only for localhost and 127.0.0.1, "
        "for tests)."
    ),
    "path": _(
        "“%(value)s”: enter only the website's origin (scheme, host and optional port) without a path, "
        "query or fragment, e.g. https://www.example.org."
    ),
    "host": _("“%(value)s”: this is not a valid host name."),
    "port": _("“%(value)s”: the port must be a number from 1 to 65535."),
    "too_many": _("At most %(max)s websites may embed the map."),
}


def _refuse(code: str, value: str) -> ValidationError:
    return ValidationError(MESSAGES[code], code=code, params={"value": value[:100]})


def _host(raw: str, value: str) -> str:
    """The host in the ASCII form browsers compare (an internationalised name as punycode), lower case."""
    try:
        host = raw.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise _refuse("host", value) from None
    if _IPV4.match(host):
        if any(int(part) > 255 for part in host.split(".")):
            raise _refuse("host", value)
        return host
    labels = host.split(".")
    if len(host) > 253 or not all(_LABEL.match(label) for label in labels) or labels[-1].isdigit():
        raise _refuse("host", value)
    return host


def origin_parse(value: str) -> str:
    """The origin `value` names, normalised (lower case, no default port): `https://host[:port]`. Raises a
    ValidationError with a message that quotes the entry and says what to write instead."""
    text = value.strip()
    if "*" in text:
        raise _refuse("wildcard", value)
    scheme, _sep, rest = text.partition("://")
    scheme = scheme.lower()
    if not _sep or scheme not in ("https", "http"):
        raise _refuse("scheme", value)
    # Nothing that could end the header's directive or start another one, and no control characters.
    if any(c.isspace() or c in ";,'\"\\<>`^{}|" or ord(c) < 32 for c in rest):
        raise _refuse("path" if "/" in rest else "host", value)
    try:
        parts = urlsplit(f"{scheme}://{rest}")
        port = parts.port
    except ValueError:
        raise _refuse("port", value) from None
    if parts.path not in ("", "/") or parts.query or parts.fragment or "?" in rest or "#" in rest:
        raise _refuse("path", value)
    if parts.username is not None or parts.password is not None or "@" in rest:
        raise _refuse("host", value)
    if not parts.hostname or "[" in rest:
        raise _refuse("host", value)
    host = _host(parts.hostname, value)
    if scheme == "http" and host not in LOOPBACK_HOSTS:
        raise _refuse("scheme", value)
    if port == 0:
        raise _refuse("port", value)
    if port is None or port == _DEFAULT_PORTS[scheme]:
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


def origins_parse(text: str) -> list[str]:
    """The origins of an administrator's list (one a line; commas and spaces separate too), normalised and
    without repeats. Every bad entry is reported at once, each with its own message."""
    origins: list[str] = []
    errors: list[ValidationError] = []
    for entry in re.split(r"[\s,]+", text or ""):
        if not entry:
            continue
        try:
            origin = origin_parse(entry)
        except ValidationError as error:
            errors.append(error)
            continue
        if origin not in origins:
            origins.append(origin)
    if errors:
        raise ValidationError(errors)
    if len(origins) > MAX_ORIGINS:
        raise ValidationError(MESSAGES["too_many"], code="too_many", params={"max": MAX_ORIGINS})
    return origins


def frame_ancestors(origins: list[str]) -> list[str]:
    """The `frame-ancestors` sources for a project's stored origins: each checked again as it goes into the
    header (a value written around the admin's form is dropped, never sent), `'none'` when none is left."""
    allowed = []
    for origin in origins:
        try:
            parsed = origin_parse(origin)
        except ValidationError:
            continue
        if parsed == origin and origin not in allowed:
            allowed.append(origin)
    return allowed or ["'none'"]


def embed_url(slug: str) -> str:
    """The embed page's public address (SITE_URL: the address mails and shared links use too)."""
    return settings.SITE_URL + reverse("participation:project-embed", kwargs={"slug": slug})


def embed_snippet(*, slug: str, title: str) -> str:
    """The HTML a town pastes into its own page: a lazily loaded frame with a title for screen readers, as
    wide as its column, and a height that holds the map and its list."""
    return format_html(
        '<iframe src="{}" title="{}" width="800" height="600" loading="lazy" '
        'style="width: 100%; max-width: 100%; border: 0;"></iframe>',
        embed_url(slug),
        gettext("Map of suggestions: %(project)s") % {"project": title},
    )
