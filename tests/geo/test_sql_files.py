"""The one loader of hand-written SQL (geo.core.sql.SqlFiles): files by name, composed only from our own
files, and no other place in the code that reads a .sql file."""

import ast
from pathlib import Path

import pytest

from geo.core.sql import SqlFiles

ROOT = Path(__file__).resolve().parents[2]
APPS = ("geo", "participation", "surveys", "config", "benchmarks", "fixtures", "frontend")


@pytest.fixture
def files(tmp_path) -> SqlFiles:
    (tmp_path / "outer.sql").write_text("SELECT * FROM (\n    /* rows */\n) AS r WHERE /* test */\n")
    (tmp_path / "rows.sql").write_text("-- the rows\nSELECT 1 AS id\n")
    (tmp_path / "test.sql").write_text("r.id = %(id)s\n")
    (tmp_path / "twice.sql").write_text("/* rows */ UNION ALL /* rows */\n")
    return SqlFiles(tmp_path)


def test_a_file_is_read_by_name_and_kept(files, tmp_path):
    assert files.load("rows") == "-- the rows\nSELECT 1 AS id\n"

    (tmp_path / "rows.sql").write_text("changed")

    assert files.load("rows") == "-- the rows\nSELECT 1 AS id\n"


def test_compose_puts_each_file_in_place_of_its_marker(files):
    assert files.compose("outer", rows="rows", test="test") == (
        "SELECT * FROM (\n    -- the rows\nSELECT 1 AS id\n) AS r WHERE r.id = %(id)s\n"
    )


@pytest.mark.parametrize(("outer", "parts"), [("outer", {"other": "rows"}), ("twice", {"rows": "rows"})])
def test_a_marker_missing_or_written_twice_is_an_error(files, outer, parts):
    with pytest.raises(ValueError, match="exactly once"):
        files.compose(outer, **parts)


@pytest.mark.parametrize("name", ["../secret", "sub/rows", "rows.sql", ""])
def test_a_name_never_leaves_the_directory(files, name):
    with pytest.raises(ValueError, match="not a query name"):
        files.load(name)


def test_no_code_but_the_loader_reads_sql_files():
    """Every app reads its sql/ through its SqlFiles (`<app>/sql/__init__.py`): a path naming a .sql file or
    an `sql` directory anywhere else is a second loader. Migrations hold their SQL (test_migrations.py)."""
    loader = ROOT / "geo" / "core" / "sql.py"
    found = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for app in APPS
        for path in sorted((ROOT / app).rglob("*.py"))
        if path != loader and "migrations" not in path.parts
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and (node.value == "sql" or node.value.endswith(".sql"))
    ]

    assert found == []
