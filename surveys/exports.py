"""Survey exports for planners: CSV and XLSX (one row per response), GeoJSON of the map answers, codebook.

No personal data in any of them: a response is its number, the day it was sent and its language; never an
account, a name, an e-mail address, a browser key or an address hash. Every text cell goes through
`config.spreadsheet_safety.spreadsheet_safe`, so a typed `=HYPERLINK(…)` stays text in Excel and LibreOffice.
The rows come from one SQL query (`surveys/sql/response_rows.sql`) read through a server-side cursor, so
Python touches each response once and never holds the whole survey.
"""

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import connection
from openpyxl import Workbook

from config.spreadsheet_safety import spreadsheet_safe

from .models import Choice, Question, QuestionKind, Survey
from .sql import SQL

BOM = "\ufeff"  # LibreOffice and Excel then read the CSV as UTF-8
FIXED_COLUMNS = ["response_id", "submitted_on", "language"]


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    question: Question
    choice: Choice | None = None


def export_columns(questions: Iterable[Question]) -> list[Column]:
    """One column per question, named after its id; multiple choice gets one column per option
    (`q12_home`: 1 chosen, 0 not, empty when the question was not answered)."""
    columns = []
    for question in questions:
        if question.kind == QuestionKind.MULTIPLE:
            columns.extend(
                Column(f"q{question.pk}_{choice.key}", question, choice) for choice in question.choices.all()
            )
        else:
            columns.append(Column(f"q{question.pk}", question))
    return columns


def response_rows(*, survey: Survey, columns: list[Column]) -> Iterator[list[object]]:
    """One list of cell values per response, in the columns' order. Numbers stay numbers, the day a date."""
    with connection.chunked_cursor() as cursor:
        cursor.execute(SQL.load("response_rows"), {"survey_id": survey.pk, "time_zone": settings.TIME_ZONE})
        for response_id, day, language, answers_json in cursor:
            # Django leaves jsonb undecoded on raw cursors; json.loads keeps ints ints and floats floats.
            answers = json.loads(answers_json) if isinstance(answers_json, str) else answers_json
            yield [response_id, day, language, *(_cell(column, answers) for column in columns)]


def _cell(column: Column, answers: dict[str, object]) -> object:
    value = answers.get(str(column.question.pk))
    if value is None:
        return None
    if column.choice is not None:
        return 1 if column.choice.key in value else 0
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return spreadsheet_safe(value)
    return value


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_stream(*, survey: Survey, questions: list[Question]) -> Iterator[str]:
    """The CSV export as chunks of text, the byte order mark first."""
    columns = export_columns(questions)
    writer = csv.writer(_Echo())
    yield BOM + writer.writerow([*FIXED_COLUMNS, *(c.header for c in columns)])
    for row in response_rows(survey=survey, columns=columns):
        yield writer.writerow(["" if v is None else v.isoformat() if isinstance(v, date) else v for v in row])


def xlsx_bytes(*, survey: Survey, questions: list[Question]) -> bytes:
    """The XLSX export: the responses on the first sheet, the codebook on the second. Write-only mode streams
    rows to the file instead of building a sheet in memory."""
    columns = export_columns(questions)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("responses")
    sheet.append([*FIXED_COLUMNS, *(c.header for c in columns)])
    for row in response_rows(survey=survey, columns=columns):
        sheet.append(row)
    codebook = book.create_sheet("codebook")
    for row in codebook_rows(questions):
        codebook.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


CODEBOOK_HEADER = [
    "column",
    "question_id",
    "position",
    "kind",
    "required",
    "text_de",
    "text_en",
    "option_key",
    "option_label_de",
    "option_label_en",
    "min",
    "max",
    "shown_if_question_id",
    "shown_if_option_key",
]


def codebook_rows(questions: list[Question]) -> Iterator[list[object]]:
    """What each column means: one row per column of the response export (an option's own row for multiple
    choice), and one per option of a single-choice question (its cells hold the option's key)."""
    yield CODEBOOK_HEADER
    number = {question.pk: index for index, question in enumerate(questions, start=1)}
    for question in questions:
        condition = list(question.show_if_choices.all())
        common = [
            question.pk,
            number[question.pk],
            question.kind,
            "yes" if question.required else "no",
            spreadsheet_safe(question.text_de or ""),
            spreadsheet_safe(question.text_en or ""),
        ]
        low = question.min_value if question.min_value is not None else question.min_selections
        high = question.max_value if question.max_value is not None else question.max_selections
        limits = [_number(low), _number(high)]
        # Several options: their keys joined with "|" (shown if any of them was chosen).
        shown_if = (
            [condition[0].question_id, "|".join(choice.key for choice in condition)]
            if condition
            else ["", ""]
        )
        if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            for choice in question.choices.all():
                column = (
                    f"q{question.pk}_{choice.key}"
                    if question.kind == QuestionKind.MULTIPLE
                    else f"q{question.pk}"
                )
                yield [
                    column,
                    *common,
                    choice.key,
                    spreadsheet_safe(choice.label_de or ""),
                    spreadsheet_safe(choice.label_en or ""),
                    *limits,
                    *shown_if,
                ]
        else:
            yield [f"q{question.pk}", *common, "", "", "", *limits, *shown_if]


def _number(value: object) -> object:
    if value is None:
        return ""
    return int(value) if value == int(value) else float(value)


def codebook_csv(questions: list[Question]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in codebook_rows(questions):
        writer.writerow(row)
    return BOM + buffer.getvalue()


def map_answers_geojson(*, survey: Survey) -> str:
    """Every point and line as drawn, with the response id (to join the CSV) and the question id."""
    with connection.cursor() as cursor:
        cursor.execute(SQL.load("map_answers_export"), {"survey_id": survey.pk})
        return cursor.fetchone()[0]
