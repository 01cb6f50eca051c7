"""The production files' rules that hold without a container engine; `make deploy-check` runs them."""

import os
import subprocess
from pathlib import Path

import pytest
import yaml
from django.http.request import validate_host

ROOT = Path(__file__).resolve().parent.parent
ONE_SHOT = {"migrate"}


@pytest.fixture(scope="module")
def services() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]


def test_every_long_running_service_restarts_after_a_crash(services):
    for name, service in services.items():
        if name not in ONE_SHOT:
            assert service.get("restart") == "unless-stopped", name


def test_web_and_worker_start_after_the_migrations_on_a_healthy_database(services):
    assert services["migrate"]["command"] == ["python", "manage.py", "migrate", "--noinput"]
    for name in ("web", "worker"):
        assert services[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
        assert services[name]["depends_on"]["db"] == {"condition": "service_healthy"}
    # Over TCP: during the image's first-start setup the server listens only on its socket.
    for name in ("db", "db-replica"):
        assert "pg_isready -h 127.0.0.1" in services[name]["healthcheck"]["test"][1]


def test_only_web_is_published_and_only_on_loopback(services):
    published = {name: service["ports"] for name, service in services.items() if "ports" in service}
    assert list(published) == ["web"]
    assert all(port.startswith("127.0.0.1:") for port in published["web"])


@pytest.mark.parametrize(
    "allowed_hosts",
    ["participation.example.org", "participation.example.org, www.example.org", ".example.org", "*"],
)
def test_the_image_health_check_asks_with_a_host_django_allows(tmp_path, allowed_hosts):
    # A stand-in curl records what the image's HEALTHCHECK sends.
    (tmp_path / "curl").write_text('#!/bin/sh\nprintf "%s\\n" "$@"\n')
    (tmp_path / "curl").chmod(0o755)
    env = {**os.environ, "PATH": f"{tmp_path}:{os.environ['PATH']}", "DJANGO_ALLOWED_HOSTS": allowed_hosts}
    args = subprocess.run(
        [ROOT / "config/docker/healthcheck.sh"], env=env, capture_output=True, text=True, check=True
    ).stdout.splitlines()

    headers = [args[i + 1] for i, arg in enumerate(args) if arg == "-H"]
    host = next(header.removeprefix("Host: ") for header in headers if header.startswith("Host: "))
    assert validate_host(host, [h.strip() for h in allowed_hosts.split(",")])
    assert "X-Forwarded-Proto: https" in headers
    assert args[-1] == "http://127.0.0.1:8000/healthz"


def test_the_image_serves_with_the_gunicorn_settings_make_run_uses():
    # One gunicorn configuration: tests/test_run_server.py holds it under load for both.
    cmd = next(line for line in (ROOT / "Dockerfile").read_text().splitlines() if line.startswith("CMD "))
    assert cmd == 'CMD ["gunicorn", "--config", "config/gunicorn.conf.py", "--bind", "0.0.0.0:8000"]'
