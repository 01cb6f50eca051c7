"""Cells a spreadsheet would run as a formula, made inert for every CSV and XLSX we write.

Excel and LibreOffice evaluate a cell that starts with `=`, `+`, `-` or `@`, and also one where a tab or a
carriage return comes before such a sign (OWASP "CSV injection"). Such a cell gets a leading apostrophe:
both programs then show the text as typed. The SQL exports apply the same rule in
`geo/sql/export_functions.sql` (`pm_spreadsheet_safe`); tests hold the two to the same cases.
"""

import re

# A formula sign at the start, possibly after tabs and carriage returns.
FORMULA_START = re.compile(r"^[\t\r]*[=+\-@]")


def spreadsheet_safe(value: str) -> str:
    """`value` as a cell that shows its text and runs nothing."""
    if FORMULA_START.match(value):
        return "'" + value
    return value
