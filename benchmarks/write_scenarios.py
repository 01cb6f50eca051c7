"""Write scenarios of `make bench`: citizens posting suggestions, a moderator publishing them.

1. Accepted suggestion POSTs through the real API (`/api/v1/projects/<slug>/suggestions/`, signed-in
   citizens with their tokens, valid points inside the project area, `ctx.clients` concurrent clients) against
   the same posts to the benchmark-only bare view that inserts the same row without any rule
   (benchmarks/bare_views.py). Every answer other than 201 counts as an error and is reported.
2. Publishing suggestions through the real moderation page (the bulk form of the project's queue, a page
   of 50 at a time as the queue offers them; `services.items_decide` decides each page's suggestions as one
   set in one transaction: row locks, permission and "still as seen" checks per item, one state UPDATE with
   the cluster and tile-cache triggers, audit events, notifications queued) against the same number of bare
   `UPDATE … SET moderation_state = 'published'` statements, each its own transaction, trigger untouched.

Both leave the bench database as they found it: every row they add is deleted again (the cluster trigger
takes published ones back out of the aggregate exactly) and so are the notification tasks the approvals
queued. The approvals' moderation events stay: the audit trail is append-only in the database itself.
"""

import http.client
import json
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

import psycopg

from benchmarks.core import BenchContext, ResultRow

POSTS_PER_CLIENT = {"full": 60, "smoke": 3}
POST_WARMUP_PER_CLIENT = 2
PUBLISH_COUNT = {"full": 1000, "smoke": 30}
PUBLISH_WARMUP = 10
# The moderation queue shows 50 items (participation.selectors.moderation.QUEUE_PAGE); a moderator selects
# them and decides them with one bulk form.
BULK_BATCH = 50
TEXT = "Hier wäre eine Ladestation für E-Bikes sinnvoll."

PROJECT_SQL = """
SELECT p.id, c.id, c.key
FROM participation_project AS p JOIN participation_category AS c ON c.project_id = p.id
WHERE p.slug = %(slug)s AND c.geometry_kind = 'point' AND c.active
ORDER BY c.position, c.id
LIMIT 1
"""
# Points inside the area, 0.001 degrees (about 100 m) away from its edge so that rounding to 7 decimals can
# never put one outside. Seeded: every run posts the same places.
POINTS_SQL = """
SELECT round(ST_X(d.geom)::numeric, 7)::float8, round(ST_Y(d.geom)::numeric, 7)::float8
FROM participation_project AS p,
     LATERAL ST_Dump(ST_GeneratePoints(ST_Buffer(p.area, -0.001), %(n)s, %(seed)s)) AS d
WHERE p.slug = %(slug)s
ORDER BY d.path
"""
MAX_ID_SQL = "SELECT coalesce(max(id), 0) FROM participation_suggestion"
DELETE_TAGGED_SQL = """
DELETE FROM participation_suggestion
WHERE project_id = %(project)s AND id > %(after)s AND title LIKE %(pattern)s
"""
PENDING_INSERT_SQL = """
INSERT INTO participation_suggestion
    (project_id, category_id, geom, title, text, author_id, display_name, moderation_state, planning_status,
     official_answer, support_count, comment_count, language, source_address, created_at, updated_at)
SELECT %(project)s, %(category)s, d.geom, %(title)s || d.path[1], %(text)s, NULL, 'Benchmark', 'pending',
       'received', '', 0, 0, 'de', '', now(), now()
FROM participation_project AS p,
     LATERAL ST_Dump(ST_GeneratePoints(ST_Buffer(p.area, -0.001), %(n)s, %(seed)s)) AS d
WHERE p.id = %(project)s
RETURNING id
"""
BARE_PUBLISH_SQL = "UPDATE participation_suggestion SET moderation_state = 'published' WHERE id = %s"
PUBLISHED_COUNT_SQL = """
SELECT count(*) FROM participation_suggestion WHERE id = ANY(%(ids)s) AND moderation_state = 'published'
"""
# The worker does not run during the benchmark: the approvals' mails would otherwise wait in the queue.
DELETE_TASKS_SQL = """
DELETE FROM django_tasks_database_dbtaskresult
WHERE task_path LIKE '%%.send_author_notification'
  AND args_kwargs -> 'args' ->> 0 IN (
      SELECT id::text FROM participation_moderationevent WHERE suggestion_id = ANY(%(ids)s))
"""
DELETE_IDS_SQL = "DELETE FROM participation_suggestion WHERE id = ANY(%(ids)s)"


class Http:
    """One keep-alive HTTP/1.1 connection, as a client library would hold it."""

    def __init__(self, base_url: str) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, http.client.HTTPMessage, bytes]:
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=headers or {})
                response = self.conn.getresponse()
                return response.status, response.headers, response.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # The server closed an idle keep-alive connection before reading the request: send it again.
                self.conn.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.conn.close()


@dataclass
class PostRound:
    """What one side (API or bare view) of the POST scenario did."""

    seconds: float = 0.0
    accepted: int = 0
    statuses: Counter = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    response_bytes: int = 0
    first_error: str = ""

    @property
    def rate(self) -> float:
        return self.accepted / self.seconds if self.seconds else 0.0

    @property
    def errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status != 201)

    def latency_ms(self, quantile: float) -> float:
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return 1000 * ordered[min(len(ordered) - 1, int(quantile * len(ordered)))]


def run(ctx: BenchContext) -> list[ResultRow]:
    """Both write scenarios against the bench server; one result row each."""
    return [post_scenario(ctx), publish_scenario(ctx)]


# ------------------------------------------------------------------------------------------ POSTs


def _feature(key: str, point: tuple[float, float], title: str) -> bytes:
    return json.dumps(
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": list(point)},
            "properties": {"category": key, "title": title, "text": TEXT},
        }
    ).encode()


def _post_round(
    ctx: BenchContext, path: str, key: str, points: list[tuple[float, float]], tag: str, per_client: int
) -> PostRound:
    """`ctx.clients` threads post their share of `points` at once; the first POST_WARMUP_PER_CLIENT of each
    (connection set-up, first-use caches) are not timed."""
    result = PostRound()
    lock = threading.Lock()
    started = threading.Barrier(ctx.clients + 1)
    ends: list[float] = []
    share = POST_WARMUP_PER_CLIENT + per_client

    def client(index: int) -> None:
        http_client = Http(ctx.base_url)
        mine = points[index * share : (index + 1) * share]
        try:
            for number, point in enumerate(mine):
                if number == POST_WARMUP_PER_CLIENT:
                    started.wait()
                token = ctx.citizen_tokens[(index + number * ctx.clients) % len(ctx.citizen_tokens)]
                body = _feature(key, point, f"Benchmark {tag} {index}-{number}")
                headers = {
                    "Content-Type": "application/json",
                    "Authorization": f"Token {token}",
                    "Accept-Language": "de",
                }
                begin = time.perf_counter()
                try:
                    status, _headers, answer = http_client.request("POST", path, body, headers)
                except OSError as error:
                    status, answer = 0, str(error).encode()
                spent = time.perf_counter() - begin
                if number < POST_WARMUP_PER_CLIENT:
                    continue
                with lock:
                    result.statuses[status] += 1
                    result.latencies.append(spent)
                    if status == 201:
                        result.accepted += 1
                        result.response_bytes += len(answer)
                    elif not result.first_error:
                        result.first_error = f"{status}: {answer[:200].decode(errors='replace')}"
        finally:
            http_client.close()
            with lock:
                ends.append(time.perf_counter())

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(ctx.clients)]
    for thread in threads:
        thread.start()
    started.wait()
    begin = time.perf_counter()
    for thread in threads:
        thread.join()
    result.seconds = max(ends) - begin
    return result


def post_scenario(ctx: BenchContext) -> ResultRow:
    per_client = POSTS_PER_CLIENT[ctx.scale]
    per_round = ctx.clients * (POST_WARMUP_PER_CLIENT + per_client)
    tag = uuid.uuid4().hex[:8]
    with psycopg.connect(ctx.dsn, autocommit=True) as db:
        project_id, _category_id, key = db.execute(PROJECT_SQL, {"slug": ctx.project_slug}).fetchone()
        points = [
            tuple(row)
            for row in db.execute(
                POINTS_SQL, {"slug": ctx.project_slug, "n": 2 * per_round, "seed": 20261123}
            )
        ]
        after = db.execute(MAX_ID_SQL).fetchone()[0]
        try:
            bare = _post_round(
                ctx, f"/bench/suggestions/{ctx.project_slug}/", key, points[:per_round], tag, per_client
            )
            api = _post_round(
                ctx,
                f"/api/v1/projects/{ctx.project_slug}/suggestions/",
                key,
                points[per_round:],
                tag,
                per_client,
            )
        finally:
            # Also rows whose answer got lost: every title of this run carries its tag.
            db.execute(
                DELETE_TAGGED_SQL, {"project": project_id, "after": after, "pattern": f"Benchmark {tag} %"}
            )
    ratio = api.rate / bare.rate if bare.rate else None
    errors = api.errors + bare.errors
    notes = (
        f"{api.accepted} API and {bare.accepted} bare inserts by {ctx.clients} clients with "
        f"{len(ctx.citizen_tokens)} citizen tokens; latency p50/p95 API {api.latency_ms(0.5):.1f}/"
        f"{api.latency_ms(0.95):.1f} ms, bare {bare.latency_ms(0.5):.1f}/{bare.latency_ms(0.95):.1f} ms; "
        f"non-201: API {api.errors}, bare {bare.errors}"
    )
    if errors:
        notes += f" ({dict(api.statuses + bare.statuses)}; first: {api.first_error or bare.first_error})"
    return ResultRow(
        scenario="suggestion POSTs (accepted, validated)",
        metric=f"accepted/s, {ctx.clients} clients",
        ours=round(api.rate, 1),
        anchors={"bare insert view": round(bare.rate, 1)},
        ratio=round(ratio, 2) if ratio is not None else None,
        bytes=api.response_bytes // api.accepted if api.accepted else None,
        target=">= 0.5 x bare insert rate; 0 errors",
        passed=ratio is not None and ratio >= 0.5 and errors == 0,
        notes=notes,
    )


# ------------------------------------------------------------------------------------------ publishing


def moderator_session(ctx: BenchContext, http_client: Http) -> tuple[str, str]:
    """The planner's session (signed in through the benchmark-only view) as a Cookie header, and its CSRF
    token for the moderation forms."""
    status, headers, body = http_client.request(
        "POST", "/bench/session/", b"", {"Authorization": f"Token {ctx.planner_token}"}
    )
    if status != 200:
        raise RuntimeError(f"could not sign the planner in: {status} {body[:200]!r}")
    jar = SimpleCookie()
    for value in headers.get_all("Set-Cookie") or []:
        jar.load(value)
    cookie = "; ".join(f"{name}={morsel.value}" for name, morsel in jar.items())
    return cookie, json.loads(body)["csrf"]


def publish_through_page(
    ctx: BenchContext, http_client: Http, cookie: str, csrf: str, ids: list[int]
) -> tuple[float, Counter]:
    """Approve `ids` with the moderation queue's bulk form, a page at a time, as one moderator does; the
    redirect back to the queue is not followed (that is a page read, not publishing)."""
    statuses: Counter = Counter()
    path = f"/projects/{ctx.project_slug}/moderation/bulk/"
    headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded", "Accept-Language": "de"}
    begin = time.perf_counter()
    for start in range(0, len(ids), BULK_BATCH):
        form = [("csrfmiddlewaretoken", csrf), ("action", "approve"), ("reason", "")]
        form += [("items", f"suggestion:{pk}:pending:0") for pk in ids[start : start + BULK_BATCH]]
        status, _headers, _body = http_client.request("POST", path, urlencode(form).encode(), headers)
        statuses[status] += 1
    return time.perf_counter() - begin, statuses


def publish_bare(db: psycopg.Connection, ids: list[int]) -> float:
    """The floor: one UPDATE per suggestion, each its own transaction (autocommit), the cluster trigger
    runs as for any change of state."""
    begin = time.perf_counter()
    with db.cursor() as cursor:
        for pk in ids:
            cursor.execute(BARE_PUBLISH_SQL, (pk,))
    return time.perf_counter() - begin


def publish_scenario(ctx: BenchContext) -> ResultRow:
    count = PUBLISH_COUNT[ctx.scale]
    per_side = PUBLISH_WARMUP + count
    with psycopg.connect(ctx.dsn, autocommit=True) as db:
        project_id, category_id, _key = db.execute(PROJECT_SQL, {"slug": ctx.project_slug}).fetchone()
        # Pending suggestions of our own, so that the seeded data (and its pending queue) stays untouched.
        ids = [
            row[0]
            for row in db.execute(
                PENDING_INSERT_SQL,
                {
                    "project": project_id,
                    "category": category_id,
                    "title": f"Benchmark {uuid.uuid4().hex[:8]} ",
                    "text": TEXT,
                    "n": 2 * per_side,
                    "seed": 20261124,
                },
            )
        ]
        page_ids, bare_ids = ids[0::2], ids[1::2]
        http_client = Http(ctx.base_url)
        try:
            cookie, csrf = moderator_session(ctx, http_client)
            publish_through_page(ctx, http_client, cookie, csrf, page_ids[:PUBLISH_WARMUP])
            publish_bare(db, bare_ids[:PUBLISH_WARMUP])
            page_seconds, statuses = publish_through_page(
                ctx, http_client, cookie, csrf, page_ids[PUBLISH_WARMUP:]
            )
            bare_seconds = publish_bare(db, bare_ids[PUBLISH_WARMUP:])
            published = db.execute(PUBLISHED_COUNT_SQL, {"ids": page_ids[PUBLISH_WARMUP:]}).fetchone()[0]
            bare_published = db.execute(PUBLISHED_COUNT_SQL, {"ids": bare_ids[PUBLISH_WARMUP:]}).fetchone()[0]
        finally:
            http_client.close()
            with db.transaction():
                db.execute(DELETE_TASKS_SQL, {"ids": ids})
                db.execute(DELETE_IDS_SQL, {"ids": ids})
    ratio = page_seconds / bare_seconds if bare_seconds else None
    errors = (count - published) + (count - bare_published)
    redirects = statuses.get(302, 0)
    notes = (
        f"{published}/{count} approved through the moderation page's bulk form ({redirects} POSTs of "
        f"{BULK_BATCH}, session + CSRF, each POST one transaction in services.items_decide with the cluster "
        f"and tile-cache triggers, audit events, queued mails), {page_seconds / count * 1000:.2f} ms each; "
        f"bare: {bare_published}/{count} single-row UPDATEs, {bare_seconds / count * 1000:.2f} ms each. "
        "Rows are the scenario's own pending suggestions, deleted afterwards (the approvals' audit events "
        "stay: append-only)"
    )
    if set(statuses) != {302}:
        notes += f"; form answers {dict(statuses)}"
    return ResultRow(
        scenario=f"publishing {count:,} suggestions",
        metric=f"seconds for {count:,}",
        ours=round(page_seconds, 3),
        anchors={"bare UPDATEs": round(bare_seconds, 3)},
        ratio=round(ratio, 2) if ratio is not None else None,
        bytes=None,
        target="<= 3 x bare UPDATEs",
        passed=ratio is not None and ratio <= 3 and errors == 0 and set(statuses) == {302},
        notes=notes,
    )
