"""Settings: safe without configuration, strict in production."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, "DJANGO_READ_DOT_ENV": "false", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_the_deploy_check():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY="a-long-random-production-key-" + "x" * 40,
        DJANGO_ALLOWED_HOSTS="participation.example.org",
        DJANGO_NUM_PROXIES="1",
        SITE_URL="https://participation.example.org",
    )

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_needs_the_public_https_address_for_mail_links():
    result = manage(
        "check",
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY="a-long-random-production-key-" + "x" * 40,
        DJANGO_NUM_PROXIES="1",
        SITE_URL="http://127.0.0.1:8000",
    )

    assert result.returncode != 0
    assert "SITE_URL must be the site's public https:// address" in result.stderr


def test_without_debug_a_secret_key_is_required():
    result = manage("check", DJANGO_SETTINGS_MODULE="config.settings.base")

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr


def test_debug_is_off_unless_set():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DEBUG)",
        DJANGO_SETTINGS_MODULE="config.settings.base",
        DJANGO_SECRET_KEY="k" * 50,
    )

    assert result.stdout.strip().splitlines()[-1] == "False", result.stderr


def test_production_asks_how_many_proxies_are_in_front():
    """Unset, every anonymous visitor would share the proxy's address and one rate-limit budget."""
    result = manage(
        "check",
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY="a-long-random-production-key-" + "x" * 40,
        SITE_URL="https://participation.example.org",
    )

    assert result.returncode != 0
    assert "Set DJANGO_NUM_PROXIES" in result.stderr
