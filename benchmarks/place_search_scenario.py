"""`make bench`: place search over 500,000 addresses (issue 24).

The large project's addresses are those of benchmarks/network_seed.py (house numbers along the synthetic
city's streets). Each request is one search as people type it, drawn from the addresses with a seeded RNG,
each used once: the full name and number ("Kaiserstraße 12"), the usual abbreviation ("Kaiserstr. 12"),
ß and umlauts spelt out ("Kaiserstrasse", "Muehlweg 3"), the first letters in lower case ("kaise") and a
typo (two letters swapped): `GET /api/v1/projects/<slug>/places/?q=…`.

- ours: the place-search API at `clients` clients;
- floor: the statements the search view runs for the same strings (captured in-process,
  benchmarks/replay.py), straight in PostgreSQL from as many threads, taking turns with ours slice by slice.

Until the place-search API is on this branch the row is "not built" (it fails).
"""

import random
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

import psycopg

from benchmarks import network_seed
from benchmarks.core import BenchContext, LoadResult, Request, ResultRow, finite, interleaved, ratio, run_load
from benchmarks.read_scenarios import project_info
from benchmarks.replay import capture, replay, url_exists

SLICE = 40
TARGET_FACTOR, TARGET_MS = 1.5, 30.0
SEARCHES = {"full": 480, "smoke": 16}
SPELT_OUT = str.maketrans({"ß": "ss", "ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})


@dataclass(frozen=True)
class Search:
    q: str
    kind: str


def log(message: str) -> None:
    print(message, flush=True)


def typed(street: str, number: str, kind: str, rng: random.Random) -> str:
    """The search string of one kind for the address `street number`."""
    if kind == "full":
        return f"{street} {number}"
    if kind == "abbreviated":
        return f"{street.replace('straße', 'str.')} {number}"
    if kind == "spelt out":
        return street.translate(SPELT_OUT) + ("" if rng.random() < 0.5 else f" {number}")
    if kind == "prefix":
        return street[: rng.randint(4, 8)].lower()
    # a typo: two neighbouring letters of the street's first part swapped
    i = rng.randint(1, max(1, min(len(street), 8) - 2))
    return street[:i] + street[i + 1] + street[i] + street[i + 2 :]


KINDS = ("full", "abbreviated", "spelt out", "prefix", "typo")


def searches(dsn: str, project_id: int, count: int, seed: int) -> list[Search]:
    """`count` distinct searches, the kinds in turn, from addresses drawn with a seeded RNG."""
    rng = random.Random(seed)
    with psycopg.connect(dsn) as conn:
        low, high = conn.execute(
            "SELECT min(id), max(id) FROM bench_address WHERE project_id = %s", (project_id,)
        ).fetchone()
        ids = sorted({rng.randint(low, high) for _ in range(count * 3)})
        rows = conn.execute(
            "SELECT street, housenumber FROM bench_address WHERE id = ANY(%s) ORDER BY id", (ids,)
        ).fetchall()
    rng.shuffle(rows)
    found: dict[str, Search] = {}
    for n, (street, number) in enumerate(rows):
        kind = KINDS[n % len(KINDS)]
        q = typed(street, number, kind, rng)
        found.setdefault(q, Search(q=q, kind=kind))
        if len(found) == count:
            break
    return list(found.values())


def search_path(slug: str, search: Search) -> str:
    return f"/api/v1/projects/{slug}/places/?{urlencode({'q': search.q})}"


def gazetteer_rows(dsn: str, project_id: int) -> int | None:
    """The places the project's gazetteer holds, None without a gazetteer table."""
    with psycopg.connect(dsn) as conn:
        if conn.execute("SELECT to_regclass('geo_place')").fetchone()[0] is None:
            return None
        try:
            return conn.execute(
                "SELECT count(*) FROM geo_place WHERE project_id = %s", (project_id,)
            ).fetchone()[0]
        except psycopg.Error:
            return None


def run(ctx: BenchContext) -> list[ResultRow]:
    big = project_info(ctx.dsn, ctx.project_slug)
    seeded = network_seed.ensure(ctx.dsn, big.id, ctx.scale, log)
    work_items = searches(ctx.dsn, big.id, SEARCHES[ctx.scale], ctx.seed + 25)
    scenario = f"place search, {seeded.addresses:,} addresses"
    target = f"p95 <= {TARGET_FACTOR:g} x floor and <= {TARGET_MS:g} ms, none failed"
    path = search_path(ctx.project_slug, work_items[0])
    if not url_exists(path):
        return [
            ResultRow(
                scenario=scenario,
                metric="not built",
                ours=None,
                anchors={},
                ratio=None,
                bytes=None,
                target=target,
                passed=False,
                notes=(
                    f"the place-search API ({path.split('?')[0]}) is not on this branch; {len(work_items)} "
                    f"searches ready ({', '.join(KINDS)}), the addresses in bench_address"
                ),
            )
        ]

    places = gazetteer_rows(ctx.dsn, big.id)
    host = urlsplit(ctx.base_url).netloc
    captured = [capture(search_path(ctx.project_slug, item), host) for item in work_items]
    refused = [c.status for c in captured if c.status != 200]
    work = [i for i, c in enumerate(captured) if c.status == 200]

    def ours_side(part: list[int]) -> LoadResult:
        return run_load(
            ctx.base_url,
            [Request(search_path(ctx.project_slug, work_items[i])) for i in part],
            clients=ctx.clients,
        )

    def floor_side(part: list[int]) -> LoadResult:
        return replay(ctx.dsn, [captured[i].statements for i in part], ctx.clients)

    results = interleaved({"ours": ours_side, "floor": floor_side}, work, rounds=max(1, len(work) // SLICE))
    ours, floor = results["ours"], results["floor"]
    r = ratio(ours.p95, floor.p95)
    passed = (
        bool(work)
        and bool(places)
        and not refused
        and not ours.failed
        and not floor.failed
        and r is not None
        and r <= TARGET_FACTOR
        and ours.p95 <= TARGET_MS
    )
    statements = sum(len(captured[i].statements) for i in work) / max(1, len(work))
    notes = [
        f"{len(work_items)} distinct searches ({', '.join(KINDS)}, in turn)",
        f"floor: the search view's {statements:.1f} statements per request replayed",
        f"ours p50 {ours.p50:.1f} ms, floor p50 {floor.p50:.1f} ms",
        "gazetteer: no geo_place table" if places is None else f"gazetteer: {places:,} places of the project",
    ]
    if refused:
        notes.append(f"{len(refused)} searches the API refused in-process (statuses {sorted(set(refused))})")
    if ours.failed:
        notes.append(f"ours: {ours.status_note()}")
    return [
        ResultRow(
            scenario=scenario,
            metric=f"p95 ms, {ctx.clients} clients",
            ours=finite(ours.p95),
            ours_p50=finite(ours.p50),
            anchors={"floor: the view's SQL p95": floor.p95},
            ratio=r,
            bytes=ours.max_bytes,
            target=target,
            passed=passed,
            notes="; ".join(notes),
        )
    ]
