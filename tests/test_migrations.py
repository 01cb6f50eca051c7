"""A migration runs the same SQL forever: what it runs is written in it, never read from a file or imported
from code that a later change can edit (geo/sql/*.sql, geo.core.sql, the apps' models). The readable copies
in geo/sql/ of the functions and triggers that migrations create are held to the latest migration carrying
them, so a change to such a file comes with a new migration.
"""

import ast
import sys
from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps

from geo.sql import SQL

ROOT = Path(__file__).resolve().parents[1]
# Calls that read a file, or import or run code chosen at run time.
READING_CALLS = {"open", "read_text", "read_bytes", "exec", "eval", "__import__", "load"}


def _our_apps() -> list[tuple[str, Path]]:
    """(app module, migrations folder) of every app of this project that has migrations."""
    return [
        (config.name, Path(config.path) / "migrations")
        for config in apps.get_app_configs()
        # Our apps are the checkout's top-level packages; installed ones may lie under it too (.venv).
        if Path(config.path).parent == ROOT and (Path(config.path) / "migrations").is_dir()
    ]


def _migration_files() -> list[tuple[str, Path]]:
    return [(app, path) for app, folder in _our_apps() for path in sorted(folder.glob("[0-9]*.py"))]


def unfrozen(source: str, app: str) -> list[str]:
    """What in a migration's source could make it run something else after a later change elsewhere: an
    import of anything but Django and the standard library, a relative import, a call that reads a file or
    imports by a computed name. `import_module` may name only a migration of the same app (frozen too)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.level:
            found.append(f"relative import from {node.module}")
            continue
        names = (
            [alias.name for alias in node.names]
            if isinstance(node, ast.Import)
            else [node.module or ""]
            if isinstance(node, ast.ImportFrom)
            else []
        )
        for name in names:
            top = name.partition(".")[0]
            if top != "django" and top not in sys.stdlib_module_names:
                found.append(f"import of {name}")
        if isinstance(node, ast.Call):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if called in READING_CALLS:
                found.append(f"call of {called}()")
            if called == "import_module":
                target = node.args[0] if node.args else None
                if not (
                    isinstance(target, ast.Constant)
                    and isinstance(target.value, str)
                    and target.value.startswith(f"{app}.migrations.")
                ):
                    found.append(f"import_module of {ast.unparse(target) if target else 'nothing'}")
    return found


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("from geo.core.sql import load_sql", "import of geo.core.sql"),
        ("from geo.sql import SQL", "import of geo.sql"),
        ("from participation.models import Suggestion", "import of participation.models"),
        ("from . import helpers", "relative import from None"),
        ('text = (Path(__file__).parent / "sql" / "x.sql").read_text()', "call of read_text()"),
        ('text = open("geo/sql/x.sql").read()', "call of open()"),
        ('m = import_module("geo.sql")', "import_module of 'geo.sql'"),
        ('m = import_module(f"geo.migrations.{name}")', "import_module of f'geo.migrations.{name}'"),
    ],
)
def test_the_check_finds_a_migration_that_reads_what_can_change(source, problem):
    assert unfrozen(source, "geo") == [problem]


def test_every_migration_holds_what_it_runs():
    files = _migration_files()
    assert {app for app, _ in files} >= {"geo", "participation", "surveys"}

    problems = {
        str(path.relative_to(ROOT)): found
        for app, path in files
        if (found := unfrozen(path.read_text(encoding="utf-8"), app))
    }

    assert problems == {}


@pytest.mark.parametrize(
    ("app", "constant", "file"),
    [
        ("geo", "CLUSTER_TRIGGER_SQL", "cluster_trigger"),
        ("geo", "TILE_CACHE_TRIGGER_SQL", "tile_cache_trigger"),
        ("geo", "ANALYSIS_TRIGGER_SQL", "analysis_trigger"),
        ("geo", "CONTEXT_LAYER_PARTITIONS_SQL", "context_layer_partitions"),
        ("geo", "NETWORK_MATCH_TRIGGER_SQL", "network_match_trigger"),
        ("geo", "PLACE_KEY_SQL", "place_key"),
        ("geo", "PLACE_LABEL_TRIGGER_SQL", "place_label_trigger"),
    ],
)
def test_the_latest_migration_of_a_trigger_holds_its_sql_file_as_it_is(app, constant, file):
    """The file in geo/sql is the readable copy of what the database runs; the migration carries the text.
    A change to the file needs a new migration carrying the new text."""
    folder = Path(import_module(f"{app}.migrations").__file__).parent
    carrying = [
        module
        for name in sorted(path.stem for path in folder.glob("[0-9]*.py"))
        if hasattr(module := import_module(f"{app}.migrations.{name}"), constant)
    ]

    assert carrying, f"no migration of {app} carries {constant}"
    assert getattr(carrying[-1], constant).strip() == SQL.load(file).strip()
