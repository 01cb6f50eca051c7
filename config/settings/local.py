"""`make run`: the production settings, served over plain HTTP on this machine's loopback (127.0.0.1).

What a town tries first is what it will run: DEBUG off, our own error pages, hashed static files served by
whitenoise, secure headers, the same key checks. Only what plain HTTP on loopback cannot do is changed
below, each with its reason. These settings refuse any host name but 127.0.0.1 and localhost, so they are
of no use behind a public address; production stays `config.settings.production`, unchanged.
"""

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

_ROOT = Path(__file__).resolve().parent.parent.parent
_LOOPBACK_HOSTS = ["127.0.0.1", "localhost"]


def _secret_key(path: Path) -> str:
    """The key of this checkout, made once and kept in .local/ (ignored by git): sessions and signed links
    outlive a restart. Written aside and linked into place, so that gunicorn workers starting together all
    read the same complete key."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f"{path.name}.{os.getpid()}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(50))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass  # another worker was first: its key is the one
        finally:
            draft.unlink()
    return path.read_text().strip()


# DEBUG off whatever the environment or .env says: `make dev` is the server for debugging.
os.environ["DJANGO_DEBUG"] = "false"
# No proxy in front: client addresses (rate limits) are the connection's own.
os.environ["DJANGO_NUM_PROXIES"] = "0"
if not os.environ.get("DJANGO_SECRET_KEY"):
    os.environ["DJANGO_SECRET_KEY"] = _secret_key(_ROOT / ".local" / "secret_key")

# Links in mails point at this server, which speaks http. production.py refuses a SITE_URL that is not
# https (a public site's links must be), so it is read with a stand-in and this address set after it.
_site_url = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
if urlsplit(_site_url).scheme != "http" or urlsplit(_site_url).hostname not in _LOOPBACK_HOSTS:
    raise ImproperlyConfigured(
        f"config.settings.local serves http://127.0.0.1 only, not {_site_url}: "
        "a public site runs config.settings.production (see .env.example)."
    )
os.environ["SITE_URL"] = "https://loopback.invalid"
try:
    from .production import *  # noqa: F403
finally:
    os.environ["SITE_URL"] = _site_url
SITE_URL = _site_url

# Loopback only, whatever DJANGO_ALLOWED_HOSTS says: these settings must not serve a public host name.
ALLOWED_HOSTS = _LOOPBACK_HOSTS
# Plain http: a redirect to https would lead nowhere, and there is no TLS proxy whose X-Forwarded-Proto
# could be trusted (here a client could send it itself).
SECURE_SSL_REDIRECT = False
SECURE_PROXY_SSL_HEADER = None
# Secure-only cookies are not sent back over http by every client (curl, scripts, some browsers): sign-in,
# forms (CSRF) and the language choice would not stick. They still never leave the machine.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False
# allauth's links in mails (confirmation, password reset) use this scheme.
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http"
