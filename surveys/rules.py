"""Who may answer a survey, and when; who sees its results. Named predicates, like participation.rules.

A survey has its own dates (independent of the map's phase: a town may ask before or after the map phase)
and its own switch for anonymous answers. Results and exports are for the project's planners (and site
administrators), exactly those who see the planner dashboard.
"""

from datetime import datetime

from django.utils import timezone

from participation.errors import NotSignedIn
from participation.participants import Actor, Participant
from participation.rules import can_plan

from .errors import SurveyClosed, SurveyNotOpenYet
from .models import Survey


def survey_is_open(survey: Survey, *, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return survey.opens_at <= now < survey.closes_at


def survey_is_upcoming(survey: Survey, *, now: datetime | None = None) -> bool:
    return (now or timezone.now()) < survey.opens_at


def may_answer(actor: Participant, survey: Survey) -> bool:
    """Signed in with an active account, or anonymous where the survey allows anonymous answers."""
    return actor.signed_in or survey.allow_anonymous


def can_see_results(user: Actor, survey: Survey) -> bool:
    return can_plan(user, survey.project)


def check_can_answer(actor: Participant, survey: Survey) -> None:
    now = timezone.now()
    if survey_is_upcoming(survey, now=now):
        raise SurveyNotOpenYet(opens_at=survey.opens_at)
    if not survey_is_open(survey, now=now):
        raise SurveyClosed(closes_at=survey.closes_at)
    if not may_answer(actor, survey):
        raise NotSignedIn()
