"""Nothing lost, nothing counted twice, under real concurrency against real servers.

- Vote integrity: rounds of 50 parallel supports of one person (an account; an anonymous browser) for one
  suggestion through gunicorn (50 request threads) give exactly one support, never a 5xx; counters equal rows,
  also when supports and withdrawals race. VOTE_RACE_ROUNDS sets the rounds (10 here; 100 for the full
  check, about a minute on two cores).
- Idempotency-Key with a first request really still running: 409, then the first answer; the same for a
  photo upload, whose key is fingerprinted from its form and its file (another photo under it: 422).
- Load: clients submit suggestions through gunicorn with production settings while others read the map;
  every 201 is stored exactly once, every other answer a 4xx/429/503 with a message.
- Database fault: a throwaway PostgreSQL is restarted during a load run; 503 with Retry-After meanwhile,
  /healthz 503 then 200, recovery within 5 s of the database accepting connections, no 201 lost, and
  clients that retry with their Idempotency-Key get every suggestion stored exactly once.

Servers listen on 127.0.0.1 only (ports: INTEGRITY_HTTP_PORT, INTEGRITY_PG_PORT) and are always stopped.
"""

import json
import os
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from http.cookies import SimpleCookie

import psycopg
import pytest
from altcha import Challenge, Payload, solve_challenge
from django.db import connection, transaction

from participation.models import IdempotencyKey, Photo, Suggestion, Support
from participation.participants import BROWSER_COOKIE
from tests.factories import CitizenFactory, SuggestionFactory, TokenFactory
from tests.load import (
    Connection,
    prepare_clients,
    request,
    run_load,
    stored_rows,
    verify_stored,
)
from tests.participation.photo_files import phone_jpeg
from tests.servers import ROOT, at_once, database_url, gunicorn, production_environment, throwaway_cluster

# Real transactions: the servers see what the tests commit.
transactional = pytest.mark.django_db(transaction=True)
# Fixed ports and one gunicorn for the module: all on one xdist worker, the one that also runs the modules
# writing staticfiles/ (its gunicorn lists that folder as it starts; see tests/benchmarks/test_harness.py).
pytestmark = pytest.mark.xdist_group("staticfiles")

PARALLEL = 50
VOTE_ROUNDS = int(os.environ.get("VOTE_RACE_ROUNDS", "10"))
HTTP_PORT = int(os.environ.get("INTEGRITY_HTTP_PORT", "8127"))
PG_PORT = int(os.environ.get("INTEGRITY_PG_PORT", "5467"))
BBOX = (8.35, 48.97, 8.45, 49.03)  # inside the test projects' area (tests/factories.py)


@pytest.fixture(scope="module")
def app_server(django_db_setup, tmp_path_factory):
    """gunicorn with production settings on the test database, 50 request threads (2 workers x 25), as
    many as the races below send at once. Tests leave nothing open in it, so the database can be flushed
    between them."""
    env = production_environment(
        database=database_url(connection.settings_dict),
        # Limits that the races and the load run meet only where they mean to (a window of a year: no
        # window boundary falls into the run).
        LIMIT_SUGGESTIONS="45/31536000",
        LIMIT_SUPPORTS="100000/3600",
        LIMIT_ANONYMOUS_SUPPORTS="100000/86400",
        LIMIT_CHALLENGES="100000/600",
        # Every write of one account and of loopback (WriteLimitMiddleware): VOTE_RACE_ROUNDS=100 sends 5,000.
        LIMIT_WRITES_PER_ACCOUNT="1000000/31536000",
        LIMIT_WRITES_PER_ADDRESS="1000000/31536000",
        ALTCHA_COST="50",
        ALTCHA_MAX_NUMBER="1000",
    )
    with gunicorn(port=HTTP_PORT, env=env, threads=25, log_dir=tmp_path_factory.mktemp("gunicorn")) as server:
        yield server
    assert "Traceback" not in server.log_text(), server.log_text()[-3000:]


def solved_from(server) -> str:
    """A proof as the widget sends it: a challenge from the server, solved."""
    challenge = Challenge.from_dict(request(server.url, "GET", "/api/v1/altcha/challenge/").json())
    solution = solve_challenge(challenge)
    assert solution is not None
    return Payload(challenge, solution).to_base64()


@pytest.fixture
def voter(db):
    citizen = CitizenFactory(username="voter")
    return citizen, TokenFactory(user=citizen).key


def support(server, pk: int, headers: dict[str, str], body: bytes = b"{}", method: str = "POST"):
    return request(
        server.url,
        method,
        f"/api/v1/suggestions/{pk}/support/",
        body=body if method == "POST" else None,
        headers={"Content-Type": "application/json", **headers},
    )


# ------------------------------------------------------------------------------------------ vote integrity


@transactional
def test_parallel_supports_of_one_account_count_once(app_server, project, point_category, voter):
    citizen, token = voter
    statuses: Counter[int] = Counter()

    for _round in range(VOTE_ROUNDS):
        suggestion = SuggestionFactory(project=project, category=point_category)
        answers = at_once(
            PARALLEL,
            lambda _n, pk=suggestion.pk: support(app_server, pk, {"Authorization": f"Token {token}"}),
        )
        round_statuses = Counter(answer.status for answer in answers)
        statuses.update(round_statuses)

        assert round_statuses == {201: 1, 409: PARALLEL - 1}, round_statuses
        assert Support.objects.filter(suggestion=suggestion, user=citizen).count() == 1
        suggestion.refresh_from_db()
        assert suggestion.support_count == Support.objects.filter(suggestion=suggestion).count() == 1
        refused = next(answer for answer in answers if answer.status == 409)
        assert refused.json()["code"] == "already_supported"

    assert statuses == {201: VOTE_ROUNDS, 409: VOTE_ROUNDS * (PARALLEL - 1)}


@transactional
def test_parallel_supports_of_one_anonymous_browser_count_once(app_server, project, point_category):
    project.allow_anonymous = True
    project.save()
    first = SuggestionFactory(project=project, category=point_category)
    issued = support(app_server, first.pk, {}, json.dumps({"altcha": solved_from(app_server)}).encode())
    assert issued.status == 201, issued.body
    cookie = SimpleCookie(issued.headers["set-cookie"])[BROWSER_COOKIE].OutputString(attrs=[])
    browser_key = Support.objects.get(suggestion=first).browser

    for _round in range(VOTE_ROUNDS):
        suggestion = SuggestionFactory(project=project, category=point_category)
        # One solved proof per round, sent by all 50 (a double click sends the same one twice): whoever
        # locks the suggestion first spends it; the others find the support and are told so.
        body = json.dumps({"altcha": solved_from(app_server)}).encode()
        answers = at_once(
            PARALLEL,
            lambda _n, pk=suggestion.pk, body=body: support(app_server, pk, {"Cookie": cookie}, body),
        )

        assert Counter(answer.status for answer in answers) == {201: 1, 409: PARALLEL - 1}
        assert list(Support.objects.filter(suggestion=suggestion).values_list("browser", flat=True)) == [
            browser_key
        ]
        suggestion.refresh_from_db()
        assert suggestion.support_count == 1


@transactional
def test_supports_and_withdrawals_racing_keep_the_counter_equal_to_the_rows(
    app_server, project, point_category, voter
):
    citizen, token = voter
    auth = {"Authorization": f"Token {token}"}

    for _round in range(max(2, VOTE_ROUNDS // 2)):
        suggestion = SuggestionFactory(project=project, category=point_category)
        answers = at_once(
            PARALLEL,
            lambda n, pk=suggestion.pk: support(app_server, pk, auth, method="POST" if n % 2 else "DELETE"),
        )

        assert {answer.status for answer in answers} <= {200, 201, 409}, [a.status for a in answers]
        suggestion.refresh_from_db()
        rows = Support.objects.filter(suggestion=suggestion).count()
        assert rows == Support.objects.filter(suggestion=suggestion, user=citizen).count() <= 1
        assert suggestion.support_count == rows


# ------------------------------------------------------------------------------------------ idempotency


@transactional
def test_a_duplicate_while_the_first_request_runs_gets_409_then_the_first_answer(
    app_server, project, point_category, voter
):
    citizen, token = voter
    suggestion = SuggestionFactory(project=project, category=point_category)
    headers = {"Authorization": f"Token {token}", "Idempotency-Key": "double-click-1"}
    first: list = []

    with transaction.atomic():
        # A moderator holds the suggestion's row: the first request claims its key, then waits for the lock.
        Suggestion.objects.select_for_update().get(pk=suggestion.pk)
        worker = threading.Thread(target=lambda: first.append(support(app_server, suggestion.pk, headers)))
        worker.start()
        deadline = time.monotonic() + 10
        while not IdempotencyKey.objects.filter(key="double-click-1").exists():
            assert time.monotonic() < deadline, "the first request never claimed its key"
            time.sleep(0.02)

        duplicate = support(app_server, suggestion.pk, {**headers, "Accept-Language": "en"})
        other_body = support(app_server, suggestion.pk, headers, body=b'{"website": ""}')

        assert duplicate.status == 409
        assert duplicate.json()["code"] == "idempotency_key_in_progress"
        assert duplicate.headers["retry-after"] == "1"
        assert other_body.status == 422
        assert not first, "the first request answered while the row was locked"
    worker.join(timeout=30)
    retry = support(app_server, suggestion.pk, headers)

    assert first[0].status == retry.status == 201
    assert retry.body == first[0].body
    assert retry.headers["idempotent-replayed"] == "true"
    assert Support.objects.filter(suggestion=suggestion, user=citizen).count() == 1
    suggestion.refresh_from_db()
    assert suggestion.support_count == 1


def multipart(fields: dict[str, str], files: dict[str, bytes]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts += [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{name}.jpg"\r\n'
        "Content-Type: image/jpeg\r\n\r\n".encode()
        + data
        + b"\r\n"
        for name, data in files.items()
    ]
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


@transactional
def test_a_photo_retry_while_the_first_upload_runs_gets_409_then_the_first_answer(
    app_server, project, point_category, voter
):
    citizen, token = voter
    suggestion = SuggestionFactory(project=project, category=point_category, author=citizen)
    photo = phone_jpeg(1600, 1200, noisy=True)  # far above API_MAX_BODY_BYTES: fingerprinted as a form

    def upload(data: bytes, language: str = "de"):
        body, content_type = multipart({"alt": "Die Ecke"}, {"photo": data})
        headers = {
            "Authorization": f"Token {token}",
            "Idempotency-Key": "photo-retry-1",
            "Content-Type": content_type,
            "Accept-Language": language,
        }
        return request(
            app_server.url, "POST", f"/api/v1/suggestions/{suggestion.pk}/photos/", body=body, headers=headers
        )

    first: list = []
    with transaction.atomic():
        # A moderator holds the suggestion's row: the first upload claims its key, re-encodes its photo,
        # then waits for the lock to attach it.
        Suggestion.objects.select_for_update().get(pk=suggestion.pk)
        worker = threading.Thread(target=lambda: first.append(upload(photo)))
        worker.start()
        deadline = time.monotonic() + 10
        while not IdempotencyKey.objects.filter(key="photo-retry-1").exists():
            assert time.monotonic() < deadline, "the first upload never claimed its key"
            time.sleep(0.02)

        duplicate = upload(photo, language="en")
        other_photo = upload(phone_jpeg(1600, 1200, orientation=1, noisy=True))

        assert duplicate.status == 409, duplicate.body
        assert duplicate.json()["code"] == "idempotency_key_in_progress"
        assert other_photo.status == 422, other_photo.body
        assert other_photo.json()["code"] == "idempotency_key_reused"
        assert not first, "the first upload answered while the row was locked"
    worker.join(timeout=60)
    retry = upload(photo)

    assert first[0].status == retry.status == 201, first[0].body
    assert retry.body == first[0].body
    assert retry.headers["idempotent-replayed"] == "true"
    assert Photo.objects.filter(suggestion=suggestion).count() == 1


# ------------------------------------------------------------------------------------------ load


@transactional
def test_load_every_201_is_stored_once_and_every_refusal_has_a_message(app_server, project, point_category):
    run_id = f"load-{uuid.uuid4().hex[:10]}"
    tokens = prepare_clients(count=10, prefix=run_id)

    # The server allows 45 suggestions per account and hour: the last 5 of each client's 50 get a 429.
    result = run_load(
        base_url=app_server.url,
        project_slug=project.slug,
        tokens=tokens,
        posts_per_client=50,
        readers=2,
        category=point_category.key,
        bbox=BBOX,
        run_id=run_id,
    )

    verification = verify_stored(result, stored_rows(run_id))
    print("\nload:", json.dumps({**result.summary(), "lost": len(verification.lost)}))
    assert result.invalid == []
    assert result.reads_invalid == []
    assert result.sent == 500
    assert len(result.created) == 450
    assert result.refused == {429: 50}
    assert verification.lost == []
    assert verification.duplicated == []
    assert verification.stored == 450
    assert result.reads > 0


# ------------------------------------------------------------------------------------------ database fault

FAULT_SETUP = """
import json
from tests.load import prepare_clients
from tests.factories import CategoryFactory, ProjectFactory
project = ProjectFactory(slug="fault-test")
CategoryFactory(project=project, key="charging-station", geometry_kind="point")
print(json.dumps(prepare_clients(count=8, prefix="fault")))
"""


def test_a_database_restart_during_load_is_503s_then_recovery_and_nothing_acknowledged_is_lost(tmp_path):
    with throwaway_cluster(port=PG_PORT) as cluster:
        manage = {
            **production_environment(database=cluster.url),
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
        }
        manage.update(DJANGO_DEBUG="true")
        for command in (["migrate", "--noinput", "-v0"], ["shell", "-c", FAULT_SETUP]):
            done = subprocess.run(
                [sys.executable, "manage.py", *command], cwd=ROOT, env=manage, capture_output=True, timeout=60
            )
            assert done.returncode == 0, done.stderr.decode()[-3000:]
        tokens = json.loads(done.stdout.decode().strip().splitlines()[-1])
        env = production_environment(
            database=cluster.url,
            LIMIT_SUGGESTIONS="100000/3600",
            LIMIT_WRITES_PER_ACCOUNT="100000/3600",
            LIMIT_WRITES_PER_ADDRESS="100000/3600",
        )

        with gunicorn(port=HTTP_PORT + 1, env=env, log_dir=tmp_path) as server:
            health: list[tuple[float, int]] = []
            outage: dict[str, float] = {}
            page: list = []
            probing = threading.Event()

            def probe() -> None:
                connection = Connection(server.url, timeout=10)
                while not probing.is_set():
                    answer = connection.request("GET", "/healthz")
                    health.append((answer.started, answer.status))
                    time.sleep(0.05)
                connection.close()

            def restart() -> None:
                time.sleep(2)  # the load is under way
                outage["stopping"] = time.monotonic()
                cluster.stop()  # pg_ctl stop -m fast: open connections are cut
                # A person opening a page meanwhile gets a page saying so (it needs no database).
                page.append(
                    request(server.url, "GET", "/projects/fault-test/", headers={"Accept-Language": "en"})
                )
                time.sleep(2)
                cluster.start()  # returns once PostgreSQL accepts connections
                outage["up"] = time.monotonic()
                time.sleep(5)  # the load goes on after the recovery

            prober = threading.Thread(target=probe)
            prober.start()
            try:
                result = run_load(
                    base_url=server.url,
                    project_slug="fault-test",
                    tokens=tokens,
                    posts_per_client=1000,  # an upper bound: the clients stop when restart() is done
                    readers=2,
                    category="charging-station",
                    bbox=BBOX,
                    run_id=f"fault-{uuid.uuid4().hex[:10]}",
                    timeout=20,
                    during=restart,
                    retries=30,  # a careful client: the same request with the same key after Retry-After
                )
            finally:
                probing.set()
                prober.join(timeout=20)
            log = server.log_text()

        with psycopg.connect(cluster.url.replace("postgis://", "postgresql://")) as db:
            rows = db.execute(
                "SELECT title, id FROM participation_suggestion WHERE title LIKE %s", [result.run_id + "-%"]
            ).fetchall()
    verification = verify_stored(result, rows)

    up = outage["up"]
    during = [status for started, status in health if outage["stopping"] < started < up]
    healthy_again = min(started for started, status in health if started > up and status == 200)
    first_write_after = min(
        a.started + a.seconds for a in result.writes if a.started > up and a.status == 201
    )
    unavailable = [a for a in result.writes if a.status == 503]
    figures = {
        **result.summary(),
        "lost": len(verification.lost),
        "stored": verification.stored,
        "health_503": during.count(503),
        "recovery_healthz_s": round(healthy_again - up, 2),
        "recovery_first_201_s": round(first_write_after - up, 2),
        "slowest_503_s": round(max((a.seconds for a in unavailable), default=0), 2),
    }
    print("\nfault:", json.dumps(figures))
    assert result.invalid == [], result.invalid[:5]  # no connection errors, no 500s, no bare bodies
    assert result.reads_invalid == [], result.reads_invalid[:5]
    assert result.refused[503] > 0, "the outage was not seen by any write"
    # Every suggestion a client tried was accepted in the end, once, whatever the outage cut off.
    assert set(result.created) == result.markers
    assert all(a.headers.get("retry-after") == "5" for a in unavailable)
    assert all(a.json()["code"] == "database_unavailable" for a in unavailable)
    assert 503 in during
    assert set(during) <= {200, 503}
    assert page[0].status == 503
    assert page[0].headers["retry-after"] == "5"
    assert page[0].headers["content-type"].startswith("text/html")
    assert b"Briefly unavailable" in page[0].body
    # Recovers by itself: within 5 s of PostgreSQL accepting connections (a bound, not a benchmark).
    assert healthy_again - up <= 5
    assert first_write_after - up <= 5
    # A refused request never hangs past the connect timeout (5 s) plus the time it waited to be served.
    assert figures["slowest_503_s"] <= 10
    assert verification.lost == []
    assert verification.duplicated == []
    assert "Traceback" not in log
