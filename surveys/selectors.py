"""Reads for answering a survey: which surveys a project shows, its questions, who has answered.

Results for planners are in `surveys/results.py`, exports in `surveys/exports.py`.
"""

from collections.abc import Iterable, Sequence

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from participation.models import Project
from participation.participants import Participant

from .errors import SurveyNotFound
from .models import Choice, Question, Response, Survey


def survey_list(*, project: Project) -> QuerySet[Survey]:
    """The project's surveys in their order, open or not (a closed one still shows its closing date)."""
    return Survey.objects.filter(project=project).order_by("position", "id")


def survey_list_open(*, project: Project) -> QuerySet[Survey]:
    now = timezone.now()
    return survey_list(project=project).filter(opens_at__lte=now, closes_at__gt=now)


def survey_get(*, project_slug: str, survey_slug: str, public_only: bool = True) -> Survey:
    """A survey of a project, found by both slugs. Surveys of projects that are not public exist only for
    staff (`public_only=False`, the planners' pages)."""
    surveys = Survey.objects.select_related("project").filter(project__slug=project_slug, slug=survey_slug)
    if public_only:
        surveys = surveys.filter(project__is_public=True)
    survey = surveys.first()
    if survey is None:
        raise SurveyNotFound()
    return survey


def question_list(*, survey: Survey) -> list[Question]:
    """The questions in their order with their options and the options that condition them (three
    queries)."""
    return list(
        Question.objects.filter(survey=survey)
        .prefetch_related(
            Prefetch("choices", queryset=Choice.objects.order_by("position", "id")),
            Prefetch("show_if_choices", queryset=Choice.objects.order_by("position", "id")),
        )
        .order_by("position", "id")
    )


def visible_questions(questions: Sequence[Question], chosen: Iterable[int]) -> set[int]:
    """The ids of the questions a person sees, given the single-choice options they chose.

    A question with a condition is shown when one of its options was chosen and the question of those
    options is itself shown: conditions chain, in question order (a condition always names an earlier
    question). The questions come from `question_list` (their conditions prefetched).
    """
    chosen = set(chosen)
    shown: set[int] = set()
    for question in questions:
        condition = question.show_if_choices.all()
        if not condition or any(c.pk in chosen and c.question_id in shown for c in condition):
            shown.add(question.pk)
    return shown


def response_exists(*, survey: Survey, participant: Participant) -> bool:
    """Whether this account, or this browser, has answered the survey already."""
    if participant.signed_in:
        return Response.objects.filter(survey=survey, user_id=participant.pk).exists()
    if participant.browser:
        return Response.objects.filter(survey=survey, browser=participant.browser).exists()
    return False
