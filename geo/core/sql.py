"""Hand-written SQL lives in geo/sql/<name>.sql and is loaded by name.

Values are always bound as named parameters (%(name)s); the files never receive interpolated text.
"""

from functools import cache
from pathlib import Path

SQL_DIR = Path(__file__).resolve().parent.parent / "sql"


@cache
def load_sql(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


ROWS_MARKER = "/* rows */"


def compose_sql(outer: str, rows: str) -> str:
    """`outer` with the query file `rows` in place of its `/* rows */` marker: both are our own files."""
    text = load_sql(outer)
    if text.count(ROWS_MARKER) != 1:
        raise ValueError(f"{outer}.sql must hold {ROWS_MARKER} exactly once")
    return text.replace(ROWS_MARKER, load_sql(rows).strip())
