"""The test suite's flush tries again when PostgreSQL broke a deadlock by failing it (tests/conftest.py)."""

import pytest
from django.core.management.base import CommandError
from psycopg.errors import DeadlockDetected

from tests import conftest


def failing(times: int, cause: BaseException):
    calls = []

    def handle(self, **options):
        calls.append(options)
        if len(calls) <= times:
            try:
                raise cause
            except BaseException as exc:
                raise CommandError("Database couldn't be flushed.") from exc
        return "flushed"

    return handle, calls


def test_a_flush_failed_by_a_deadlock_is_tried_again(monkeypatch):
    handle, calls = failing(1, DeadlockDetected("deadlock detected"))
    monkeypatch.setattr(conftest, "_django_flush_handle", handle)
    monkeypatch.setattr(conftest.time, "sleep", lambda seconds: None)
    assert conftest._flush_handle_retrying(None, interactive=False) == "flushed"
    assert len(calls) == 2


def test_any_other_failure_and_a_lasting_deadlock_still_fail(monkeypatch):
    monkeypatch.setattr(conftest.time, "sleep", lambda seconds: None)
    handle, calls = failing(1, ValueError("syntax error"))
    monkeypatch.setattr(conftest, "_django_flush_handle", handle)
    with pytest.raises(CommandError):
        conftest._flush_handle_retrying(None)
    assert len(calls) == 1

    handle, calls = failing(99, DeadlockDetected("deadlock detected"))
    monkeypatch.setattr(conftest, "_django_flush_handle", handle)
    with pytest.raises(CommandError):
        conftest._flush_handle_retrying(None)
    assert len(calls) == conftest.FLUSH_TRIES
