"""Write limits counted in Redis: one round trip per write, the same keys Django's cache API reads."""

import pytest
from django.core.cache import cache

from participation.errors import TooManyRequests
from participation.throttling import rate_limit_check, rate_limit_spent, rate_window


@pytest.fixture
def tight(settings):
    settings.WRITE_LIMITS = {**settings.WRITE_LIMITS, "comment": "3/3600"}
    key = rate_window(scope="comment", ident="user:test-throttling")[0]
    cache.delete(key)
    yield key
    cache.delete(key)


def test_the_budget_is_counted_and_the_next_write_refused(tight):
    for _ in range(3):
        rate_limit_check(scope="comment", ident="user:test-throttling")

    with pytest.raises(TooManyRequests) as refused:
        rate_limit_check(scope="comment", ident="user:test-throttling")

    assert 0 < refused.value.retry_after <= 3601
    assert cache.get(tight) == 4  # Django's cache API reads the counter the pipeline wrote


def test_the_counter_expires_with_its_window(tight):
    rate_limit_check(scope="comment", ident="user:test-throttling")

    client = cache._cache.get_client(write=True)
    ttl = client.ttl(cache.make_and_validate_key(tight))
    left = rate_window(scope="comment", ident="user:test-throttling")[3]
    assert 0 < ttl <= left + 1


def test_each_write_costs_one_redis_round_trip(tight, monkeypatch):
    client = cache._cache.get_client(write=True)
    pipeline_class = type(client.pipeline())
    sent = []
    original = pipeline_class.execute

    def counting(self, *args, **kwargs):
        sent.append(len(self.command_stack))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(pipeline_class, "execute", counting)
    calls = []
    monkeypatch.setattr(type(cache._cache), "incr", lambda *a, **k: calls.append("incr"))
    monkeypatch.setattr(type(cache._cache), "add", lambda *a, **k: calls.append("add"))

    rate_limit_check(scope="comment", ident="user:test-throttling")
    rate_limit_check(scope="comment", ident="user:test-throttling")

    assert sent == [2, 2]  # INCR and EXPIRE, sent together
    assert calls == []


def test_spent_checks_without_counting(tight):
    cache.set(tight, 3)

    with pytest.raises(TooManyRequests):
        rate_limit_spent(scope="comment", ident="user:test-throttling")

    assert cache.get(tight) == 3


def test_writes_that_reach_no_view_still_count_and_are_refused_past_the_budget(settings, db):
    from django.test import Client

    settings.WRITE_LIMITS = {**settings.WRITE_LIMITS, "write_address": "2/3600"}
    visitor = Client(REMOTE_ADDR="198.18.9.9", enforce_csrf_checks=True)

    unknown = visitor.post("/no-such-page/", {"a": "b"})
    csrf_failed = visitor.post("/i18n/setlang/", {"language": "en"})
    refused = visitor.post("/no-such-page/", {"a": "b"}, HTTP_ACCEPT_LANGUAGE="en")

    assert (unknown.status_code, csrf_failed.status_code) == (404, 403)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 3601
