"""The benchmark's database: created, migrated and seeded once, reused while its seed parameters stay.

Runs inside the harness process with Django set up on the benchmark database (config.settings.bench). The
few rows with rules (projects, categories, accounts, roles, tokens, layers) go through the ORM; the bulk
(suggestions, supports, comments, the facilities) is drawn and written by PostgreSQL from benchmarks/sql/*.sql
with a fixed seed, never by Python loops over rows. The districts are the real ones of the demo, imported as
an administrator's upload is (geo.layers.imports).
"""

import json
import math
import time
from dataclasses import asdict, dataclass
from datetime import timedelta
from pathlib import Path

import psycopg
from psycopg import sql

from .sql import SQL as SEED_SQL

# Bump when the generator changes: a database seeded by another version is dropped and seeded again.
SEED_VERSION = 3
SEED = 0.4242  # setseed() takes -1..1
SEED_INT = 4242  # ST_GeneratePoints' seed
HOTSPOTS = 40
BENCH_USERS = 5000  # support accounts; must share no factor with 7 (see seed_insert.sql)
CITIZENS = 50
PLANNER = "bench-planner"
EXPORT_STATES = ("published", "pending", "rejected")
# The large project's context layers (issue 23): the tile benchmark finds the facilities by this name.
FACILITIES_LAYER = "Bench facilities"
FACILITIES_CATEGORY = "charging-station"
FACILITY_SEED = 0.2323
DISTRICTS_LAYER = "Bench districts"
DISTRICTS_FILE = Path(__file__).resolve().parent.parent / "fixtures" / "karlsruhe" / "districts.geojson"


@dataclass(frozen=True)
class ProjectSize:
    points: int
    lines: int
    supports: int
    comments: int
    facilities: int = 0  # points of its facilities layer; with one, it also gets the districts layer

    @property
    def suggestions(self) -> int:
        return self.points + self.lines


SCALES = {
    "full": {
        "bench-karlsruhe": ProjectSize(
            points=1_000_000, lines=100_000, supports=2_000_000, comments=300_000, facilities=100_000
        ),
        "bench-karlsruhe-11k": ProjectSize(points=10_000, lines=1_000, supports=20_000, comments=3_000),
    },
    "smoke": {
        "bench-karlsruhe": ProjectSize(points=2_700, lines=300, supports=5_000, comments=900, facilities=300),
        "bench-karlsruhe-11k": ProjectSize(points=270, lines=30, supports=500, comments=90),
    },
}
BIG, SMALL, DEMO = "bench-karlsruhe", "bench-karlsruhe-11k", "karlsruhe-ebikes"


@dataclass(frozen=True)
class Seeded:
    big_project_id: int
    small_project_id: int
    demo_project_id: int
    planner_token: str
    citizen_tokens: tuple[str, ...]
    seconds: float  # 0 when the database was reused


def marker(scale: str) -> dict:
    return {
        "version": SEED_VERSION,
        "scale": scale,
        "seed": SEED,
        "hotspots": HOTSPOTS,
        "projects": {slug: asdict(size) for slug, size in SCALES[scale].items()},
    }


def ensure_database(*, admin_dsn: str, name: str, scale: str) -> bool:
    """Create the database `name` unless it holds a seed with these parameters; True when it must be seeded.
    A database seeded with other parameters (or half seeded) is dropped first."""
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists:
            current = _read_marker(admin_dsn, name)
            if current == marker(scale):
                return False
            _drop(conn, name)
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return True


def _drop(conn: psycopg.Connection, name: str) -> None:
    # FORCE ends our own role's sessions; an autovacuum worker (not ours to end) finishes within seconds.
    for attempt in range(30):
        try:
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
            return
        except psycopg.errors.InsufficientPrivilege:
            if attempt == 29:
                raise
            time.sleep(1)


def _read_marker(admin_dsn: str, name: str) -> dict | None:
    dsn = psycopg.conninfo.make_conninfo(admin_dsn, dbname=name)
    with psycopg.connect(dsn) as conn:
        found = conn.execute("SELECT to_regclass('bench_seed') IS NOT NULL").fetchone()[0]
        if not found:
            return None
        row = conn.execute("SELECT params FROM bench_seed").fetchone()
        return row[0] if row else None


def settle(dsn: str) -> list[str]:
    """VACUUM (ANALYZE) the tables that hold dead rows, so that a re-run reads the database as seeded.

    Every write scenario deletes what it inserted (10,000 suggestions per load run), but autovacuum leaves a
    table alone below 20 % dead rows: runs would pile them up where the OGC API's last page and the
    exports read. Returns the tables vacuumed."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        tables = [
            (schema, name)
            for schema, name in conn.execute(
                "SELECT schemaname, relname FROM pg_stat_user_tables WHERE n_dead_tup > 0 ORDER BY 1, 2"
            )
        ]
        for schema, name in tables:
            conn.execute(sql.SQL("VACUUM (ANALYZE) {}").format(sql.Identifier(schema, name)))
    return [f"{schema}.{name}" for schema, name in tables]


def seed(*, scale: str, log=print) -> float:
    """Migrate and seed the database Django is configured with (a fresh one). Returns the seconds taken."""
    from django.core.management import call_command
    from django.db import connection, transaction

    from fixtures.demo import demo_load
    from geo.analysis.services import analysis_rebuild
    from geo.services import cluster_rebuild

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    demo_load(with_accounts=False)
    user_ids = _bench_users()
    sizes = SCALES[scale]
    for slug, size in sizes.items():
        t0 = time.perf_counter()
        project, categories = _project(slug)
        params = {
            "project_id": project.pk,
            "seed": SEED if slug == BIG else -SEED,
            "seed_int": SEED_INT if slug == BIG else SEED_INT + 1,
            "hotspots": HOTSPOTS,
            "points": size.points,
            "lines": size.lines,
            "point_candidates": math.ceil(size.points * 1.5) + 200,
            "candidates": math.ceil(size.points * 1.5) + 200 + math.ceil(size.lines * 2.0) + 200,
            "supports": size.supports,
            "comments": size.comments,
            "user_ids": user_ids,
            "cat_charging": categories["charging-station"],
            "cat_sharing": categories["sharing-point"],
            "cat_comment": categories["comment"],
            "cat_line": categories["bike-path"],
            "facility_seed": FACILITY_SEED if slug == BIG else -FACILITY_SEED,
            "facilities": size.facilities,
            "facility_candidates": math.ceil(size.facilities * 1.5) + 200,
        }
        with transaction.atomic(), connection.cursor() as cursor:
            # The cluster cells and the coverage analysis are rebuilt once below: their statement triggers
            # (cluster_*, suggestion_analysis_insert/update/delete/truncate) over a million new rows would do
            # the same work per statement and hold the cells and figures locked meanwhile.
            cursor.execute("ALTER TABLE participation_suggestion DISABLE TRIGGER USER")
            foreign_keys = _drop_foreign_keys(cursor)
            cursor.execute(SEED_SQL.load("seed_project"), params)
            cursor.execute(
                "SELECT count(*) FILTER (WHERE kind = 'point'), count(*) FILTER (WHERE kind = 'line'), "
                "(SELECT count(*) FROM bench_support), (SELECT count(*) FROM bench_comment) "
                "FROM bench_suggestion"
            )
            drawn = cursor.fetchone()
            if tuple(drawn) != (size.points, size.lines, size.supports, size.comments):
                raise RuntimeError(f"{slug}: drew {drawn}, wanted {size}: too few candidates inside the area")
            cursor.execute(SEED_SQL.load("seed_insert"), params)
            if size.facilities:
                # In this transaction: seed_facilities.sql reads seed_project's area and hotspots.
                _context_layers(cursor, project, categories, params)
            _add_foreign_keys(cursor, foreign_keys)
            # The deferred foreign-key checks run now: ALTER TABLE refuses pending trigger events.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE participation_suggestion ENABLE TRIGGER USER")
        log(f"  {slug}: {size.suggestions:,} suggestions in {time.perf_counter() - t0:.0f} s")
    for slug in sizes:
        t0 = time.perf_counter()
        with transaction.atomic():
            cells = cluster_rebuild(project_id=_project_id(slug))
        log(f"  {slug}: {cells:,} cluster cells in {time.perf_counter() - t0:.0f} s")
    with connection.cursor() as cursor:
        # The rebuild plans its KNN and district lookups on fresh statistics.
        cursor.execute("ANALYZE participation_suggestion, geo_context_feature, geo_context_layer")
    for slug in sizes:
        t0 = time.perf_counter()
        analysis_rebuild(project_id=_project_id(slug))
        log(f"  {slug}: coverage analysis in {time.perf_counter() - t0:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute(
            SEED_SQL.load("views"),
            {"project_id": _project_id(BIG), "states": list(EXPORT_STATES)},
        )
    _accounts()
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    log(f"  VACUUM ANALYZE in {time.perf_counter() - t0:.0f} s")
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_seed (params jsonb NOT NULL, seconds double precision NOT NULL)")
        cursor.execute(
            "INSERT INTO bench_seed (params, seconds) VALUES (%s, %s)", [json.dumps(marker(scale)), seconds]
        )
    return seconds


# The tables the bulk load writes. Their foreign keys are deferred: checked row by row at commit, millions of
# single-row lookups that also lock every referenced suggestion. Dropped for the load and added back, each is
# validated by one join instead, in the same transaction: nothing unchecked is ever committed.
BULK_TABLES = ["participation_suggestion", "participation_support", "participation_comment"]


def _drop_foreign_keys(cursor) -> list[tuple[str, str, str]]:
    cursor.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE contype = 'f' AND conrelid = ANY (%s::regclass[]) ORDER BY conrelid::regclass::text, conname",
        [BULK_TABLES],
    )
    keys = cursor.fetchall()
    for table, name, _definition in keys:
        cursor.execute(
            sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}")
            .format(sql.Identifier(table), sql.Identifier(name))
            .as_string(cursor.cursor.connection)
        )
    return keys


def _add_foreign_keys(cursor, keys: list[tuple[str, str, str]]) -> None:
    for table, name, definition in keys:
        cursor.execute(
            sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} ")
            .format(sql.Identifier(table), sql.Identifier(name))
            .as_string(cursor.cursor.connection)
            + definition
        )


def _context_layers(cursor, project, categories: dict[str, int], params: dict) -> None:
    """The project's facilities layer (points drawn by seed_facilities.sql) and its districts layer (the
    demo's real districts, through the upload's import). The analysis is rebuilt after the load."""
    from geo.layers.imports import layer_import
    from geo.layers.models import ContextLayer, LayerIcon, LayerRole, LinePattern

    facilities = ContextLayer.objects.create(
        project=project,
        name=FACILITIES_LAYER,
        name_de=FACILITIES_LAYER,
        name_en=FACILITIES_LAYER,
        role=LayerRole.FACILITIES,
        category_id=categories[FACILITIES_CATEGORY],
        colour="#1b7f3b",
        icon=LayerIcon.CHARGER,
        attribution="Benchmark data (make bench), no real facilities",
        position=0,
    )
    cursor.execute(SEED_SQL.load("seed_facilities"), {**params, "layer_id": facilities.pk})
    cursor.execute("SELECT count(*) FROM geo_context_feature WHERE layer_id = %s", [facilities.pk])
    drawn = cursor.fetchone()[0]
    if drawn != params["facilities"]:
        raise RuntimeError(f"{project.slug}: drew {drawn} facilities, wanted {params['facilities']}")
    districts = ContextLayer.objects.create(
        project=project,
        name=DISTRICTS_LAYER,
        name_de=DISTRICTS_LAYER,
        name_en=DISTRICTS_LAYER,
        role=LayerRole.DISTRICTS,
        colour="#475569",
        line_pattern=LinePattern.DASHED,
        attribution="© OpenStreetMap contributors (ODbL)",
        licence="ODbL 1.0",
        position=1,
    )
    layer_import(layer=districts, source=DISTRICTS_FILE, actor=None)


def _project_id(slug: str) -> int:
    from participation.models import Project

    return Project.objects.get(slug=slug).pk


def _project(slug: str):
    """The benchmark project `slug` over the demo's area, with the demo's categories."""
    from django.utils import timezone

    from fixtures.demo import CATEGORIES
    from participation.models import Category, ModerationMode, Project

    demo = Project.objects.get(slug=DEMO)
    now = timezone.now()
    project = Project.objects.create(
        slug=slug,
        title_de=f"Benchmark {slug}",
        title_en=f"Benchmark {slug}",
        description_de="Benchmark-Daten (make bench).",
        description_en="Benchmark data (make bench).",
        area=demo.area,
        map_center=demo.map_center,
        map_zoom=demo.map_zoom,
        phase_start=now - timedelta(days=400),
        phase_end=now + timedelta(days=3650),
        moderation_mode=ModerationMode.POST,
        allow_anonymous=True,
    )
    categories = {}
    for position, (key, label_de, label_en, kind, colour, icon) in enumerate(CATEGORIES):
        category = Category.objects.create(
            project=project,
            key=key,
            label_de=label_de,
            label_en=label_en,
            geometry_kind=kind,
            colour=colour,
            icon=icon,
            position=position,
        )
        categories[key] = category.pk
    return project, categories


def _bench_users() -> list[int]:
    """BENCH_USERS accounts that only support (no password: they never sign in), made by one INSERT."""
    from django.db import connection

    assert math.gcd(BENCH_USERS, 7) == 1  # noqa: S101 - the support mapping relies on it
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email, "
            "is_staff, is_active, date_joined) "
            "SELECT '!', false, 'bench-supporter-' || g, '', '', 'bench-supporter-' || g || '@example.org', "
            "false, true, timestamptz '2026-03-01 00:00+00' FROM generate_series(1, %s) AS g "
            "RETURNING id",
            [BENCH_USERS],
        )
        return sorted(row[0] for row in cursor.fetchall())


def _accounts() -> None:
    """The planner (planner and moderator of every project) and CITIZENS verified citizens, with tokens."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    from participation.models import Profile, Project, ProjectRole, StaffRole

    User = get_user_model()
    planner = User.objects.create_user(username=PLANNER, email="bench-planner@example.org", password=None)
    Profile.objects.create(user=planner, display_name="Benchmark Planung")
    EmailAddress.objects.create(user=planner, email=planner.email, verified=True, primary=True)
    for project in Project.objects.filter(slug__in=[BIG, SMALL, DEMO]):
        for role in (StaffRole.PLANNER, StaffRole.MODERATOR):
            ProjectRole.objects.create(project=project, user=planner, role=role)
    Token.objects.create(user=planner)
    for n in range(1, CITIZENS + 1):
        citizen = User.objects.create_user(
            username=f"bench-citizen-{n:02d}", email=f"bench-citizen-{n:02d}@example.org", password=None
        )
        Profile.objects.create(user=citizen, display_name=f"Bürgerin {n}")
        EmailAddress.objects.create(user=citizen, email=citizen.email, verified=True, primary=True)
        Token.objects.create(user=citizen)


def load(*, scale: str, seconds: float) -> Seeded:
    """The ids and tokens of a seeded database."""
    from rest_framework.authtoken.models import Token

    tokens = Token.objects.filter(user__username__startswith="bench-citizen-").order_by("user__username")
    return Seeded(
        big_project_id=_project_id(BIG),
        small_project_id=_project_id(SMALL),
        demo_project_id=_project_id(DEMO),
        planner_token=Token.objects.get(user__username=PLANNER).key,
        citizen_tokens=tuple(t.key for t in tokens),
        seconds=seconds,
    )
