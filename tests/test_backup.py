"""`make backup` and `make restore FILE=…` round-trip the Karlsruhe demo: loaded into a scratch database of
its own (never the test database other tests use), dumped, damaged (rows changed and deleted, a table
dropped, an account added), restored, and every main table has the same rows again (count and checksum)."""

import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
# The main tables, and a stable order for their checksums.
TABLES = {
    "participation_project": "id",
    "participation_category": "id",
    "participation_suggestion": "id",
    "participation_comment": "id",
    "participation_support": "id",
    "participation_moderationevent": "id",
    "surveys_survey": "id",
    "surveys_question": "id",
    "surveys_response": "id",
    "surveys_answer": "id",
    "auth_user": "id",
}


def _server(dbname: str) -> dict:
    db = settings.DATABASES["default"]
    return {
        "host": db["HOST"],
        "port": db["PORT"],
        "user": db["USER"],
        "password": db["PASSWORD"],
        "dbname": dbname,
        "autocommit": True,
    }


@pytest.fixture
def scratch():
    """A database of this test's own on the same server, dropped afterwards."""
    name = f"backup_roundtrip_{os.getpid()}"
    with psycopg.connect(**_server("postgres")) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    db = settings.DATABASES["default"]
    url = f"postgis://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{name}"
    yield name, url
    with psycopg.connect(**_server("postgres")) as admin:
        for _attempt in range(50):  # until autovacuum has left the database
            try:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
                break
            except psycopg.errors.ObjectInUse:
                time.sleep(0.2)


def run(*args: str, url: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_TEST_DATABASE")}
    return subprocess.run(
        args,
        cwd=ROOT,
        env={**clean, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.test", **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def fingerprint(name: str) -> dict[str, tuple[int, str]]:
    with psycopg.connect(**_server(name)) as conn:
        return {
            table: conn.execute(
                # Names from TABLES above, never from input.
                f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t.{key}), ''))"  # noqa: S608
                f" FROM {table} t"
            ).fetchone()
            for table, key in TABLES.items()
        }


def test_backup_and_restore_round_trip_the_demo(scratch, tmp_path):
    name, url = scratch
    for step in (("migrate", "--noinput"), ("load_demo", "--allow-demo-accounts")):
        done = run(sys.executable, "manage.py", *step, url=url)
        assert done.returncode == 0, done.stderr[-2000:]
    before = fingerprint(name)
    assert before["participation_suggestion"][0] >= 60
    assert before["surveys_answer"][0] > 0

    backup = run("make", "--no-print-directory", "backup", url=url, BACKUP_DIR=str(tmp_path))
    assert backup.returncode == 0, backup.stderr
    [dump] = tmp_path.glob(f"{name}-*.dump")
    assert dump.stat().st_size > 10_000
    assert str(dump) in backup.stdout

    with psycopg.connect(**_server(name)) as conn:
        conn.execute("UPDATE participation_suggestion SET title = 'vandalised'")
        conn.execute("DELETE FROM participation_comment")
        conn.execute("DELETE FROM participation_support")
        conn.execute("DROP TABLE surveys_answer CASCADE")
        conn.execute(
            "INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email,"
            " is_staff, is_active, date_joined) VALUES ('', true, 'intruder', '', '', '', true, true,"
            " now())"
        )
    assert fingerprint_or_none(name) != before

    restored = run("make", "--no-print-directory", "restore", f"FILE={dump}", url=url)
    assert restored.returncode == 0, restored.stderr

    assert fingerprint(name) == before


def fingerprint_or_none(name: str) -> dict | None:
    try:
        return fingerprint(name)
    except psycopg.errors.UndefinedTable:
        return None


def test_restore_without_a_file_or_with_a_wrong_one_changes_nothing(scratch, tmp_path):
    _name, url = scratch

    missing = run("make", "--no-print-directory", "restore", url=url)
    assert missing.returncode != 0
    assert "make restore FILE=" in missing.stderr

    junk = tmp_path / "junk.dump"
    junk.write_text("not a dump")
    wrong = run("make", "--no-print-directory", "restore", f"FILE={junk}", url=url)
    assert wrong.returncode != 0
    assert "is not a pg_dump archive" in wrong.stderr
