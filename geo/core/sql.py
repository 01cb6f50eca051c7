"""The one loader of hand-written SQL: each app keeps its queries in its own `sql/` directory, one file per
query, and reads them by name through a `SqlFiles` of that directory (`<app>/sql/__init__.py` makes it:
`from geo.sql import SQL`, `SQL.load("tile_mvt")`).

Values are always bound as named parameters (%(name)s); the files never receive interpolated text. The only
text ever put into a query is another of the directory's own files, in place of a marker (`compose`).
Migrations never read these files: what a migration runs is frozen in it (tests/test_migrations.py).
"""

from pathlib import Path


class SqlFiles:
    """The .sql files of one directory, each read once and kept (they only change with a deploy)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._texts: dict[str, str] = {}
        self._composed: dict[tuple[str, tuple[tuple[str, str], ...]], str] = {}

    def load(self, name: str) -> str:
        """The text of `<name>.sql`. Names are identifiers, so a name can never leave the directory."""
        text = self._texts.get(name)
        if text is None:
            if not name.isidentifier():
                raise ValueError(f"not a query name: {name!r}")
            text = self._texts[name] = (self.directory / f"{name}.sql").read_text(encoding="utf-8")
        return text

    def compose(self, outer: str, **parts: str) -> str:
        """`outer` with each marker `/* <key> */` replaced by the file named by `parts[key]`: e.g.
        `compose("export_geojson", rows="export_rows")` puts export_rows.sql where export_geojson.sql holds
        `/* rows */`. Each marker must occur exactly once."""
        key = (outer, tuple(sorted(parts.items())))
        text = self._composed.get(key)
        if text is None:
            text = self.load(outer)
            for marker, name in parts.items():
                comment = f"/* {marker} */"
                if text.count(comment) != 1:
                    raise ValueError(f"{outer}.sql must hold {comment} exactly once")
                text = text.replace(comment, self.load(name).strip())
            self._composed[key] = text
        return text
