"""Reads for the planners' results page: counts, histograms, free texts, the map, responses over time.

Every figure is one GROUP BY query over the whole survey (not one per question), and the map's GeoJSON is
written by PostGIS (`surveys/sql/map_answers.sql`); Python only fills in the zero rows and labels.
"""

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils.translation import gettext as _

from .models import Answer, Question, QuestionKind, Response, Survey
from .sql import SQL

HISTOGRAM_BINS = 10
FREE_TEXTS_PER_PAGE = 20
# Map answers closer than this share one cluster on the results map (a few minutes' walk in a town).
CLUSTER_CELL_M = 150


@dataclass
class Bar:
    label: str
    count: int


@dataclass
class QuestionResult:
    question: Question
    number: int
    answered: int = 0
    # "bars" (choices, yes/no), "histogram" (numbers, scales), "texts" or "map": what the page draws.
    chart: str = ""
    bars: list[Bar] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class DayCount:
    day: date
    count: int


def response_count(*, survey: Survey) -> int:
    return Response.objects.filter(survey=survey).count()


def question_results(*, survey: Survey, questions: list[Question]) -> list[QuestionResult]:
    """Per question: how many answered it, and the bars of its chart (zero bars included)."""
    answered = _answered_per_question(survey)
    choices = _choice_counts(survey)
    yes_no = _yes_no_counts(survey)
    scales = _scale_counts(survey)
    histograms = _number_histograms(survey)
    results = []
    for number, question in enumerate(questions, start=1):
        result = QuestionResult(question=question, number=number, answered=answered.get(question.pk, 0))
        kind = question.kind
        if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            result.chart = "bars"
            counts = choices.get(question.pk, {})
            result.bars = [Bar(c.label, counts.get(c.pk, 0)) for c in question.choices.all()]
        elif kind == QuestionKind.YES_NO:
            result.chart = "bars"
            counts = yes_no.get(question.pk, {})
            result.bars = [Bar(_("Yes"), counts.get(True, 0)), Bar(_("No"), counts.get(False, 0))]
        elif kind == QuestionKind.SCALE:
            result.chart = "histogram"
            counts = scales.get(question.pk, {})
            low, high = int(question.min_value), int(question.max_value)
            result.bars = [
                Bar(_scale_label(question, v, low, high), counts.get(v, 0)) for v in range(low, high + 1)
            ]
        elif kind == QuestionKind.NUMBER:
            result.chart = "histogram"
            result.bars = histograms.get(question.pk, [])
        elif kind == QuestionKind.TEXT:
            result.chart = "texts"
        else:
            result.chart = "map"
        results.append(result)
    return results


def _scale_label(question: Question, value: int, low: int, high: int) -> str:
    end = question.scale_min_label if value == low else question.scale_max_label if value == high else ""
    return f"{value} ({end})" if end else str(value)


def _answered_per_question(survey: Survey) -> dict[int, int]:
    rows = (
        Answer.objects.filter(survey=survey)
        .values("question_id")
        .annotate(n=Count("response_id", distinct=True))
        .values_list("question_id", "n")
    )
    return dict(rows)


def _choice_counts(survey: Survey) -> dict[int, dict[int, int]]:
    counts: dict[int, dict[int, int]] = {}
    rows = (
        Answer.objects.filter(survey=survey, choice__isnull=False)
        .values("question_id", "choice_id")
        .annotate(n=Count("id"))
        .values_list("question_id", "choice_id", "n")
    )
    for question_id, choice_id, n in rows:
        counts.setdefault(question_id, {})[choice_id] = n
    return counts


def _yes_no_counts(survey: Survey) -> dict[int, dict[bool, int]]:
    counts: dict[int, dict[bool, int]] = {}
    rows = (
        Answer.objects.filter(survey=survey, kind=QuestionKind.YES_NO)
        .values("question_id", "boolean")
        .annotate(n=Count("id"))
        .values_list("question_id", "boolean", "n")
    )
    for question_id, value, n in rows:
        counts.setdefault(question_id, {})[value] = n
    return counts


def _scale_counts(survey: Survey) -> dict[int, dict[int, int]]:
    counts: dict[int, dict[int, int]] = {}
    rows = (
        Answer.objects.filter(survey=survey, kind=QuestionKind.SCALE)
        .values("question_id", "number")
        .annotate(n=Count("id"))
        .values_list("question_id", "number", "n")
    )
    for question_id, value, n in rows:
        counts.setdefault(question_id, {})[int(value)] = n
    return counts


def _number_histograms(survey: Survey) -> dict[int, list[Bar]]:
    """Ten bins per number question; every bin is there, the empty ones with 0."""
    with connection.cursor() as cursor:
        cursor.execute(SQL.load("number_histogram"), {"survey_id": survey.pk, "bins": HISTOGRAM_BINS})
        rows = cursor.fetchall()
    found: dict[int, tuple[Decimal, Decimal, dict[int, int]]] = {}
    for question_id, low, high, bin_number, n in rows:
        found.setdefault(question_id, (low, high, {}))[2][bin_number] = n
    histograms = {}
    for question_id, (low, high, counts) in found.items():
        if high <= low:
            histograms[question_id] = [Bar(_plain(low), counts.get(1, 0))]
            continue
        width = (high - low) / HISTOGRAM_BINS
        histograms[question_id] = [
            Bar(f"{_plain(low + width * i)}–{_plain(low + width * (i + 1))}", counts.get(i + 1, 0))
            for i in range(HISTOGRAM_BINS)
        ]
    return histograms


def _plain(number: Decimal) -> str:
    rounded = round(number, 2)
    return format(rounded.normalize() if rounded == rounded.to_integral_value() else rounded, "f")


def responses_per_day(*, survey: Survey) -> list[DayCount]:
    """Responses per day (in the site's time zone), from the first day with any to the last, days without
    any included with 0 so a chart's gaps are visible."""
    rows = dict(
        Response.objects.filter(survey=survey)
        .annotate(day=TruncDate("created_at"))
        .order_by()
        .values_list("day")
        .annotate(n=Count("id"))
        .values_list("day", "n")
    )
    if not rows:
        return []
    first, last = min(rows), max(rows)
    return [
        DayCount(day=first + timedelta(days=i), count=rows.get(first + timedelta(days=i), 0))
        for i in range((last - first).days + 1)
    ]


def free_texts(*, survey: Survey, search: str = "", question_id: int | None = None, page: int = 1) -> Page:
    """Free-text answers, newest first, those containing `search` (any case), a page at a time."""
    texts: QuerySet[Answer] = Answer.objects.filter(survey=survey, kind=QuestionKind.TEXT)
    if question_id is not None:
        texts = texts.filter(question_id=question_id)
    if search:
        texts = texts.filter(Q(text__icontains=search))
    texts = texts.select_related("question").order_by("-response_id", "question__position", "question_id")
    return Paginator(texts, FREE_TEXTS_PER_PAGE).get_page(page)


def map_answers_geojson(*, survey: Survey) -> str:
    """The survey's points (clustered where dense) and lines as GeoJSON text, written by PostGIS."""
    latitude = survey.project.map_center.y
    # A Web Mercator metre is 1/cos(latitude) metres on the ground: scale the cell so it is CLUSTER_CELL_M
    # on the ground at the project's latitude.
    cell = CLUSTER_CELL_M / math.cos(math.radians(latitude))
    with connection.cursor() as cursor:
        cursor.execute(
            SQL.load("map_answers"),
            {"survey_id": survey.pk, "cell": cell, "cell_m": CLUSTER_CELL_M, "tolerance": 0.00002},
        )
        return cursor.fetchone()[0]
