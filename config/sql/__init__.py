"""The hand-written queries of config/: the replica's lag.

One file per query, read by name through the one loader (geo.core.sql): `SQL.load("<name>")`.
"""

from pathlib import Path

from geo.core.sql import SqlFiles

SQL = SqlFiles(Path(__file__).resolve().parent)
