"""PLACEHOLDER: the real module comes from the `bench` branch; only what write and page scenarios use."""

from dataclasses import dataclass


@dataclass(frozen=True)
class BenchContext:
    base_url: str  # gunicorn with config.settings.bench, e.g. http://127.0.0.1:8121
    dsn: str  # psycopg conninfo of the bench database (same role as the app)
    project_slug: str  # the 1.1 M project
    small_project_slug: str  # the ~11 k project
    demo_project_slug: str  # "karlsruhe-ebikes", the 60-suggestion demo
    planner_token: str  # DRF token of a planner/moderator of all three projects
    citizen_tokens: tuple[str, ...]  # DRF tokens of 50 verified citizen accounts
    scale: str  # "full" or "smoke"
    clients: int  # 8


@dataclass
class ResultRow:
    scenario: str
    metric: str
    ours: float | None
    anchors: dict[str, float]
    ratio: float | None
    bytes: int | None
    target: str
    passed: bool
    notes: str = ""
