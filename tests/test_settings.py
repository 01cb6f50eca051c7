"""Settings: safe without configuration, strict in production."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

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


def production_check(secret_key: str) -> subprocess.CompletedProcess:
    return manage(
        "check",
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY=secret_key,
        DJANGO_ALLOWED_HOSTS="participation.example.org",
        DJANGO_NUM_PROXIES="1",
        SITE_URL="https://participation.example.org",
    )


def test_production_refuses_the_placeholder_secret_key_of_env_example():
    placeholder = next(
        line.split("=", 1)[1]
        for line in (ROOT / ".env.example").read_text().splitlines()
        if line.startswith("DJANGO_SECRET_KEY=")
    )

    result = production_check(placeholder)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.parametrize(
    "secret_key",
    [
        "k3Y!" * 12,  # 48 characters
        "x" * 60,  # long, but one character repeated
        "django-insecure-" + "a1b2c3d4e5" * 5,  # Django's own marker of a generated development key
    ],
)
def test_production_refuses_weak_secret_keys(secret_key):
    result = production_check(secret_key)

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_starts_with_a_long_random_secret_key():
    result = production_check("Vq3n-8ZsR1pL0x_Yb7TgK2mWc9HdJ4eFa6UoNiSrQl5tEyBvCuXwMzAkPjGhDf")

    assert result.returncode == 0, result.stderr
