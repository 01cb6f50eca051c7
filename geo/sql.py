"""Hand-written SQL lives in geo/sql/<name>.sql and is loaded by name.

Values are always bound as named parameters (%(name)s); the files never receive interpolated text.
"""

from functools import cache
from pathlib import Path

SQL_DIR = Path(__file__).resolve().parent / "sql"


@cache
def load_sql(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")
