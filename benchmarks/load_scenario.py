"""The full-size load run of issue 10 as a `make bench` scenario: 50 clients submit 10,000 suggestions
through the API of the 1.1 M project while 4 others read its map; afterwards the database is asked whether
every 201 is stored exactly once.

The driver is `tests/load.py` (the same one `tests/test_integrity.py` runs reduced in `make test`).
Here it runs against the benchmark's gunicorn with the 50 seeded citizen accounts, each posting with its own
token and an Idempotency-Key per suggestion. The row passes when nothing was lost or stored twice and every
answer other than 201 was a refusal with a message (4xx, 429, 503 with Retry-After); its figure, accepted
suggestions per second, is reported beside it, not judged (the write-speed target is the POST row's). The
run's suggestions and idempotency keys are deleted again, so a re-run starts from the same database.
"""

import uuid

import psycopg

from benchmarks.core import BenchContext, ResultRow
from benchmarks.write_scenarios import PROJECT_SQL
from tests import load

# Posts per client and readers: 50 clients (one per seeded citizen) x 200 = 10,000 at full scale.
POSTS_PER_CLIENT = {"full": 200, "smoke": 4}
CLIENTS = {"full": 50, "smoke": 5}
READERS = {"full": 4, "smoke": 1}

# A square well inside the project area (the largest circle inscribed in the area shrunk by about 100 m, and
# the square inscribed in that circle), so that every drawn point is one the API must accept.
SQUARE_SQL = """
SELECT ST_X(c.center) - c.radius / sqrt(2), ST_Y(c.center) - c.radius / sqrt(2),
       ST_X(c.center) + c.radius / sqrt(2), ST_Y(c.center) + c.radius / sqrt(2)
FROM participation_project AS p,
     LATERAL ST_MaximumInscribedCircle(ST_Buffer(p.area, -0.001)) AS c
WHERE p.slug = %(slug)s
"""
STORED_SQL = """
SELECT title, id FROM participation_suggestion WHERE project_id = %(project)s AND title LIKE %(pattern)s
"""
DELETE_SQL = "DELETE FROM participation_suggestion WHERE project_id = %(project)s AND title LIKE %(pattern)s"
DELETE_KEYS_SQL = "DELETE FROM participation_idempotencykey WHERE key LIKE %(pattern)s"


def run(ctx: BenchContext) -> list[ResultRow]:
    clients = min(CLIENTS[ctx.scale], len(ctx.citizen_tokens))
    posts = POSTS_PER_CLIENT[ctx.scale]
    readers = READERS[ctx.scale]
    run_id = f"load-{uuid.uuid4().hex[:12]}"
    pattern = f"{run_id}-%"
    with psycopg.connect(ctx.dsn, autocommit=True) as db:
        project_id, _category_id, key = db.execute(PROJECT_SQL, {"slug": ctx.project_slug}).fetchone()
        square = tuple(float(v) for v in db.execute(SQUARE_SQL, {"slug": ctx.project_slug}).fetchone())
        try:
            result = load.run_load(
                base_url=ctx.base_url,
                project_slug=ctx.project_slug,
                tokens=ctx.citizen_tokens[:clients],
                posts_per_client=posts,
                readers=readers,
                category=key,
                bbox=square,  # type: ignore[arg-type]
                run_id=run_id,
                timeout=60.0,
            )
            rows = db.execute(STORED_SQL, {"project": project_id, "pattern": pattern}).fetchall()
            verification = load.verify_stored(result, rows)
        finally:
            db.execute(DELETE_SQL, {"project": project_id, "pattern": pattern})
            db.execute(DELETE_KEYS_SQL, {"pattern": pattern})
    summary = result.summary()
    refused = ", ".join(f"{n} x {status}" for status, n in sorted(result.refused.items())) or "none"
    notes = (
        f"{summary['sent']:,} sent by {clients} clients while {readers} read the map "
        f"({summary['reads']:,} reads, {len(result.reads_invalid)} invalid): "
        f"{len(result.created):,} accepted, refused {refused}, {len(result.invalid)} other answers, "
        f"{len(verification.lost)} lost, {len(verification.duplicated)} stored twice; "
        f"write latency p50/p99 {summary['write_p50_ms']}/{summary['write_p99_ms']} ms "
        f"in {summary['seconds']} s"
    )
    if result.invalid or result.reads_invalid:
        notes += f"; first: {(result.invalid + result.reads_invalid)[0][:200]}"
    passed = (
        not result.invalid
        and not result.reads_invalid
        and not verification.lost
        and not verification.duplicated
        and len(result.created) + sum(result.refused.values()) == result.sent
        and len(result.created) > 0
    )
    return [
        ResultRow(
            scenario="load: suggestions posted while the map is read",
            metric=f"accepted/s, {clients} clients x {posts} + {readers} readers",
            ours=round(len(result.created) / result.seconds, 1) if result.seconds else None,
            anchors={},
            ratio=None,
            bytes=None,
            target="every 201 stored exactly once; every other answer a 4xx/429/503 with a message",
            passed=passed,
            notes=notes,
        )
    ]
