"""Load driver: concurrent clients submit suggestions through the API while readers read the map.

Every POST carries a unique marker in its title and its own Idempotency-Key, so afterwards the database
can be checked: every 201 the clients got is stored exactly once (`verify_stored`), every other answer is
a 4xx, 429 or 503 with a JSON message (`classify`). Only the standard library speaks HTTP here, one
keep-alive connection per client, so the driver measures the server and not a client library.

`tests/test_integrity.py` runs it reduced (10 clients x 50 suggestions, 2 readers) against gunicorn on
loopback, also across a PostgreSQL restart; `make bench` runs the full size (benchmarks/load_scenario.py), and
so does its command line by hand, for example:

    python -m benchmarks.load --base-url http://127.0.0.1:8000 --project karlsruhe-ebikes \\
        --clients 50 --posts 200 --readers 4

(with DJANGO_SETTINGS_MODULE and DATABASE_URL of that server: the accounts and tokens are created in its
database, and the result is checked there). Start that server with LIMIT_SUGGESTIONS above the posts per
client (e.g. 100000/3600), or most answers are 429s (counted as rejected, not as errors). The exit status
is 1 if any answer was not a 201 or a refusal with a message, or if an acknowledged suggestion is missing or
stored twice. Traffic goes to the given loopback address only.
"""

import http.client
import json
import random
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

# Answers a client may get besides 201: refusals with a message (4xx), limits (429) and outages (503).
ACCEPTED_REFUSALS = range(400, 500)
UNAVAILABLE = 503


@dataclass(frozen=True, slots=True)
class Answer:
    status: int  # 0: no HTTP answer at all (connection refused or reset, timeout)
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    error: str = ""
    started: float = 0.0  # time.monotonic() when the request was sent
    seconds: float = 0.0

    def json(self) -> Any:
        return json.loads(self.body)


class Connection:
    """One keep-alive HTTP/1.1 connection to a loopback server, reopened after a failure."""

    def __init__(self, base_url: str, *, timeout: float = 30.0) -> None:
        parts = urlsplit(base_url)
        if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError("load traffic goes to loopback only")
        self.host, self.port, self.timeout = parts.hostname, parts.port or 80, timeout
        self._conn: http.client.HTTPConnection | None = None

    def request(
        self, method: str, path: str, *, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> Answer:
        start = time.monotonic()
        if self._conn is None:
            self._conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            self._conn.request(method, path, body=body, headers=headers or {})
            response = self._conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as exc:
            self.close()
            return Answer(
                0, error=f"{type(exc).__name__}: {exc}", started=start, seconds=time.monotonic() - start
            )
        answer = Answer(
            response.status,
            data,
            {k.lower(): v for k, v in response.getheaders()},
            started=start,
            seconds=time.monotonic() - start,
        )
        if response.will_close:
            self.close()
        return answer

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def request(base_url: str, method: str, path: str, **kwargs: Any) -> Answer:
    """One request on a connection of its own."""
    connection = Connection(base_url, timeout=kwargs.pop("timeout", 30.0))
    try:
        return connection.request(method, path, **kwargs)
    finally:
        connection.close()


def classify(answer: Answer) -> str:
    """ "created", "refused" (a 4xx/429/503 with a JSON message) or "invalid" (anything else)."""
    if answer.status == 201:
        return "created"
    if answer.status in ACCEPTED_REFUSALS or answer.status == UNAVAILABLE:
        try:
            body = answer.json()
        except ValueError:
            return "invalid"
        if isinstance(body, dict) and (body.get("message") or body.get("detail")):
            if answer.status == UNAVAILABLE and "retry-after" not in answer.headers:
                return "invalid"
            return "refused"
    return "invalid"


@dataclass
class LoadResult:
    run_id: str
    sent: int = 0
    markers: set[str] = field(default_factory=set)  # the suggestions the clients tried to submit
    created: dict[str, int] = field(default_factory=dict)  # marker -> id of the 201
    replayed: int = 0  # 201s that repeated the stored first answer of a retried request
    refused: Counter[int] = field(default_factory=Counter)  # status -> count
    invalid: list[str] = field(default_factory=list)  # what no client should ever get
    reads: int = 0
    reads_refused: Counter[int] = field(default_factory=Counter)
    reads_invalid: list[str] = field(default_factory=list)
    seconds: float = 0.0
    write_latencies: list[float] = field(default_factory=list)
    writes: list[Answer] = field(default_factory=list)  # every write's answer, in no particular order

    def summary(self) -> dict[str, Any]:
        latencies = sorted(self.write_latencies) or [0.0]
        return {
            "sent": self.sent,
            "suggestions": len(self.markers),
            "accepted": len(self.created),
            "replayed": self.replayed,
            "rejected": dict(sorted(self.refused.items())),
            "invalid": len(self.invalid),
            "reads": self.reads,
            "reads_rejected": dict(sorted(self.reads_refused.items())),
            "reads_invalid": len(self.reads_invalid),
            "seconds": round(self.seconds, 2),
            "writes_per_second": round(self.sent / self.seconds, 1) if self.seconds else 0.0,
            "write_p50_ms": round(latencies[len(latencies) // 2] * 1000, 1),
            "write_p99_ms": round(latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000, 1),
        }


def suggestion_body(*, marker: str, category: str, point: tuple[float, float]) -> bytes:
    return json.dumps(
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(point[0], 7), round(point[1], 7)]},
            "properties": {"category": category, "title": marker, "text": "Lasttest"},
        }
    ).encode()


def run_writer(
    *,
    base_url: str,
    project_slug: str,
    token: str,
    markers: Sequence[str],
    category: str,
    bbox: tuple[float, float, float, float],
    seed: int,
    timeout: float = 30.0,
    stop: threading.Event | None = None,
    retries: int = 0,
    retry_wait: float = 0.5,
) -> list[tuple[str, Answer]]:
    """One client: its suggestions one after the other, each with its own Idempotency-Key (until `stop`).

    With `retries`, a suggestion answered 503, 409 with Retry-After (its key still claimed) or not at all
    is sent again with the same key after Retry-After (at most `retry_wait` seconds): what a careful client
    does. Every attempt is returned."""
    rng = random.Random(seed)
    connection = Connection(base_url, timeout=timeout)
    path = f"/api/v1/projects/{project_slug}/suggestions/"
    answers = []
    try:
        for marker in markers:
            if stop is not None and stop.is_set():
                break
            point = (rng.uniform(bbox[0], bbox[2]), rng.uniform(bbox[1], bbox[3]))
            headers = {
                "Authorization": f"Token {token}",
                "Content-Type": "application/json",
                "Idempotency-Key": marker,
            }
            body = suggestion_body(marker=marker, category=category, point=point)
            for attempt in range(retries + 1):
                answer = connection.request("POST", path, body=body, headers=headers)
                answers.append((marker, answer))
                if not _retriable(answer) or attempt == retries:
                    break
                time.sleep(min(float(answer.headers.get("retry-after", retry_wait)), retry_wait))
    finally:
        connection.close()
    return answers


def _retriable(answer: Answer) -> bool:
    return answer.status in (0, UNAVAILABLE) or (answer.status == 409 and "retry-after" in answer.headers)


def run_reader(
    *,
    base_url: str,
    project_slug: str,
    bbox: tuple[float, float, float, float],
    stop: threading.Event,
    seed: int,
    timeout: float = 30.0,
) -> list[Answer]:
    """A map reader: viewports at random zooms until the writers are done."""
    rng = random.Random(seed)
    connection = Connection(base_url, timeout=timeout)
    answers = []
    try:
        while not stop.is_set():
            zoom = rng.choice([11, 13, 15, 17])
            view = ",".join(f"{v:.5f}" for v in bbox)
            answers.append(
                connection.request("GET", f"/api/v1/projects/{project_slug}/map/?bbox={view}&zoom={zoom}")
            )
    finally:
        connection.close()
    return answers


def run_load(
    *,
    base_url: str,
    project_slug: str,
    tokens: Sequence[str],
    posts_per_client: int,
    readers: int,
    category: str,
    bbox: tuple[float, float, float, float],
    run_id: str | None = None,
    timeout: float = 30.0,
    during: Callable[[], None] | None = None,
    retries: int = 0,
) -> LoadResult:
    """Every token is one client posting `posts_per_client` suggestions; `readers` read the map meanwhile.

    `during`, if given, runs in its own thread while the load runs (e.g. restarting the database), and
    the writers stop when it is done: then `posts_per_client` is only an upper bound. `retries`: see
    `run_writer`; `sent` then counts every attempt."""
    run_id = run_id or f"load-{uuid.uuid4().hex[:12]}"
    result = LoadResult(run_id=run_id)
    stop = threading.Event()
    writers_stop = threading.Event() if during is not None else None
    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=len(tokens) + readers + 1) as pool:
        read_jobs = [
            pool.submit(
                run_reader,
                base_url=base_url,
                project_slug=project_slug,
                bbox=bbox,
                stop=stop,
                seed=1000 + n,
                timeout=timeout,
            )
            for n in range(readers)
        ]
        side_job = None
        if during is not None and writers_stop is not None:
            side_job = pool.submit(during)
            side_job.add_done_callback(lambda _job: writers_stop.set())
        write_jobs = [
            pool.submit(
                run_writer,
                base_url=base_url,
                project_slug=project_slug,
                token=token,
                markers=[f"{run_id}-{c}-{n}" for n in range(posts_per_client)],
                category=category,
                bbox=bbox,
                seed=c,
                timeout=timeout,
                stop=writers_stop,
                retries=retries,
            )
            for c, token in enumerate(tokens)
        ]
        for job in write_jobs:
            for marker, answer in job.result():
                result.sent += 1
                result.writes.append(answer)
                result.write_latencies.append(answer.seconds)
                kind = classify(answer)
                result.markers.add(marker)
                if kind == "created":
                    result.created[marker] = answer.json()["id"]
                    result.replayed += answer.headers.get("idempotent-replayed") == "true"
                elif kind == "refused":
                    result.refused[answer.status] += 1
                else:
                    result.invalid.append(f"{marker}: {answer.status} {answer.error or answer.body[:200]!r}")
        if side_job is not None:
            side_job.result()
        stop.set()
        for job in read_jobs:
            for answer in job.result():
                result.reads += 1
                if answer.status == 200:
                    continue
                if classify(answer) == "refused":
                    result.reads_refused[answer.status] += 1
                else:
                    result.reads_invalid.append(f"{answer.status} {answer.error or answer.body[:200]!r}")
    result.seconds = time.monotonic() - start
    return result


@dataclass(frozen=True, slots=True)
class Verification:
    lost: list[str]  # acknowledged with 201, not in the database (or under another id)
    duplicated: list[str]  # stored more than once
    stored: int  # rows of this run, acknowledged or not


def verify_stored(result: LoadResult, rows: Iterable[tuple[str, int]]) -> Verification:
    """Compare the 201s with the stored rows (title, id) of this run, found by the marker in their titles."""
    stored: dict[str, list[int]] = {}
    for title, pk in rows:
        stored.setdefault(title, []).append(pk)
    lost = [marker for marker, pk in result.created.items() if stored.get(marker) != [pk]]
    duplicated = [title for title, ids in stored.items() if len(ids) > 1]
    return Verification(lost=lost, duplicated=duplicated, stored=sum(len(ids) for ids in stored.values()))


def stored_rows(run_id: str) -> list[tuple[str, int]]:
    """(title, id) of the suggestions of one run, through Django's default database."""
    from participation.models import Suggestion

    return list(Suggestion.objects.filter(title__startswith=f"{run_id}-").values_list("title", "pk"))


def prepare_clients(*, count: int, prefix: str) -> list[str]:
    """`count` signed-up citizens with confirmed e-mail addresses and API tokens (Django must be set up)."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    from participation.models import Profile

    tokens = []
    for n in range(count):
        user = get_user_model().objects.create_user(
            username=f"{prefix}-{n}", email=f"{prefix}-{n}@example.org", password=uuid.uuid4().hex
        )
        Profile.objects.create(user=user, display_name=f"Last {n}")
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        tokens.append(Token.objects.create(user=user).key)
    return tokens
