"""Survey pages: answering (a plain form that works without script) and, for planners, results and exports.

Views only read the request, call a selector or the service, and choose a template; the rules live in
`rules.py`, `services.py`, `selectors.py`, `results.py` and `exports.py`.
"""

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from config.errors import DomainError
from participation.access import planner_page_refusal
from participation.antispam import anti_spam_widget
from participation.errors import NotSignedIn
from participation.participants import participant_from, participant_reading
from participation.rules import needs_anti_spam

from . import exports, results, rules, selectors, services
from .errors import AnswersInvalid, SurveyNotFound
from .models import Question, QuestionKind, Survey

QUESTION_FIELD = re.compile(r"^q(\d{1,18})$")


def field_name(question: Question) -> str:
    return f"q{question.pk}"


@dataclass
class QuestionItem:
    """A question as the page shows it: its number, what the person sent and the message for it."""

    question: Question
    number: int | None  # None: a conditional question that does not apply (yet)
    values: list[str] = field(default_factory=list)
    error: str = ""
    condition: str = ""

    @property
    def name(self) -> str:
        return field_name(self.question)

    @property
    def value(self) -> str:
        return self.values[0] if self.values else ""

    @property
    def scale_values(self) -> list[int]:
        return list(range(int(self.question.min_value), int(self.question.max_value) + 1))


def _survey_or_404(slug: str, survey_slug: str) -> Survey:
    try:
        return selectors.survey_get(project_slug=slug, survey_slug=survey_slug)
    except SurveyNotFound as error:
        raise Http404(error.message) from None


def _answers_from(post: object, questions: list[Question]) -> dict[int, object]:
    """What the form sent, by question id. Fields naming questions of other surveys are passed on too: the
    service refuses them rather than this view silently dropping them."""
    answers: dict[int, object] = {}
    kinds = {question.pk: question.kind for question in questions}
    for name in post:
        match = QUESTION_FIELD.match(name)
        if not match:
            continue
        question_id = int(match.group(1))
        if kinds.get(question_id) == QuestionKind.MULTIPLE:
            answers[question_id] = post.getlist(name)
        else:
            values = post.getlist(name)
            answers[question_id] = values if len(values) > 1 else values[0]
    return answers


def _items(
    questions: list[Question], *, values: dict[int, list[str]], errors: dict[int, str]
) -> list[QuestionItem]:
    """Each question with its number as the person sees it: the questions that apply to the answers so far
    are numbered 1, 2, 3 … without a gap; a conditional question that does not apply yet has no number
    (the page's script hides it, and numbers again whenever an answer shows or hides one)."""
    chosen = {
        choice.pk
        for question in questions
        if question.kind == QuestionKind.SINGLE
        for choice in question.choices.all()
        if str(choice.pk) in values.get(question.pk, [])
    }
    shown = selectors.visible_questions(questions, chosen)
    number: dict[int, int] = {}
    for question in questions:
        if question.pk in shown:
            number[question.pk] = len(number) + 1
    items = []
    for question in questions:
        condition = ""
        options = list(question.show_if_choices.all())
        if options:
            condition = _("Only if you chose %(choices)s in question %(number)s.") % {
                "choices": _either(choice.label for choice in options),
                "number": number.get(options[0].question_id, "?"),
            }
        items.append(
            QuestionItem(
                question=question,
                number=number.get(question.pk),
                values=values.get(question.pk, []),
                error=errors.get(question.pk, ""),
                condition=condition,
            )
        )
    return items


def _either(labels: Iterable[str]) -> str:
    """“A”, “B” or “C”."""
    quoted = [_("“%(label)s”") % {"label": label} for label in labels]
    if len(quoted) == 1:
        return quoted[0]
    return _("%(some)s or %(last)s") % {"some": ", ".join(quoted[:-1]), "last": quoted[-1]}


@require_http_methods(["GET", "POST"])
def survey_page(request: HttpRequest, slug: str, survey_slug: str) -> HttpResponse:
    survey = _survey_or_404(slug, survey_slug)
    if request.method == "POST":
        return _submit(request, survey)
    return _page(request, survey)


def _submit(request: HttpRequest, survey: Survey) -> HttpResponse:
    questions = selectors.question_list(survey=survey)
    participant = participant_from(
        request, proof=request.POST.get("altcha", ""), honeypot=request.POST.get("website", "")
    )
    answers = _answers_from(request.POST, questions)
    try:
        services.response_submit(survey=survey, participant=participant, answers=answers)
    except NotSignedIn:
        return redirect_to_login(request.get_full_path())
    except AnswersInvalid as error:
        return _page(
            request,
            survey,
            questions=questions,
            answers=answers,
            errors=error.errors,
            form_error=error.message,
            status=400,
        )
    except DomainError as error:
        return _page(
            request,
            survey,
            questions=questions,
            answers=answers,
            form_error=error.message,
            status=error.status_code,
        )
    messages.success(request, _("Thank you! Your answers are saved."))
    return redirect(survey_url(survey))


def _page(
    request: HttpRequest,
    survey: Survey,
    *,
    questions: list[Question] | None = None,
    answers: dict[int, object] | None = None,
    errors: dict[int, str] | None = None,
    form_error: str = "",
    status: int = 200,
) -> HttpResponse:
    questions = questions if questions is not None else selectors.question_list(survey=survey)
    visitor = participant_reading(request)
    values = {
        question_id: [str(v) for v in (value if isinstance(value, list) else [value])]
        for question_id, value in (answers or {}).items()
    }
    project = survey.project
    return render(
        request,
        "surveys/survey.html",
        {
            "project": project,
            "survey": survey,
            "items": _items(questions, values=values, errors=errors or {}),
            "errors": errors or {},
            "form_error": form_error,
            "is_open": rules.survey_is_open(survey),
            "is_upcoming": rules.survey_is_upcoming(survey),
            "may_answer": rules.may_answer(visitor, survey),
            "answered": status == 200 and selectors.response_exists(survey=survey, participant=visitor),
            "anti_spam": needs_anti_spam(visitor),
            "can_see_results": rules.can_see_results(request.user, survey),
            "survey_config": {
                "area": json.loads(project.area.geojson),
                "center": [project.map_center.x, project.map_center.y],
                "zoom": project.map_zoom,
                "tileUrl": settings.MAP_TILE_URL,
                "tileAttribution": settings.MAP_TILE_ATTRIBUTION,
                "language": request.LANGUAGE_CODE,
                "antiSpam": anti_spam_widget(visitor),
            },
        },
        status=status,
    )


def survey_url(survey: Survey) -> str:
    return reverse("surveys:survey", kwargs={"slug": survey.project.slug, "survey_slug": survey.slug})


# --------------------------------------------------------------------------------------------- planners

PlannerView = Callable[..., HttpResponse]


def planners_only(view: PlannerView) -> PlannerView:
    """Results and exports: planners of the project and site administrators (`participation.access`), for
    surveys of projects that are not public yet too. A survey the person may not know of answers as a
    missing one; anonymous visitors are sent to sign in, everyone else gets 403."""

    @wraps(view)
    def checked(request: HttpRequest, slug: str, survey_slug: str) -> HttpResponse:
        try:
            survey = selectors.survey_get(project_slug=slug, survey_slug=survey_slug, public_only=False)
        except SurveyNotFound as error:
            raise Http404(error.message) from None
        refusal = planner_page_refusal(request, survey.project, not_found=SurveyNotFound.default_message)
        if refusal is not None:
            return refusal
        return view(request, survey)

    return checked


@planners_only
def survey_results(request: HttpRequest, survey: Survey) -> HttpResponse:
    questions = selectors.question_list(survey=survey)
    question_results = results.question_results(survey=survey, questions=questions)
    per_day = results.responses_per_day(survey=survey)
    text_questions = [q for q in questions if q.kind == QuestionKind.TEXT]
    search = request.GET.get("search", "").strip()[:200]
    chosen = request.GET.get("question", "")
    chosen_id = int(chosen) if chosen.isdigit() and int(chosen) in {q.pk for q in text_questions} else None
    page_number = request.GET.get("page", "1")
    texts = results.free_texts(
        survey=survey,
        search=search,
        question_id=chosen_id,
        page=int(page_number) if page_number.isdigit() else 1,
    )
    numbers = {q.pk: n for n, q in enumerate(questions, start=1)}
    map_questions = [q for q in questions if q.is_map]
    project = survey.project
    config = {
        "charts": [
            {
                "id": f"chart-q{r.question.pk}",
                "labels": [bar.label for bar in r.bars],
                "values": [bar.count for bar in r.bars],
                "histogram": r.chart == "histogram",
                "horizontal": r.chart == "bars" and len(r.bars) > 3,
            }
            for r in question_results
            if r.chart in ("bars", "histogram") and r.bars
        ],
        "days": [{"day": d.day.isoformat(), "count": d.count} for d in per_day],
        "area": json.loads(project.area.geojson),
        "answers": json.loads(results.map_answers_geojson(survey=survey)),
        "questions": {
            str(q.pk): {"number": numbers[q.pk], "text": q.text, "colour": colour}
            for q, colour in zip(map_questions, MAP_COLOURS, strict=False)
        },
        "tileUrl": settings.MAP_TILE_URL,
        "tileAttribution": settings.MAP_TILE_ATTRIBUTION,
    }
    base = reverse("surveys:results", kwargs={"slug": project.slug, "survey_slug": survey.slug})
    return render(
        request,
        "surveys/results.html",
        {
            "project": project,
            "survey": survey,
            "total": results.response_count(survey=survey),
            "results": question_results,
            "per_day": per_day,
            "text_questions": text_questions,
            "search": search,
            "chosen_question": chosen_id,
            "texts": texts,
            "numbers": numbers,
            "map_questions": [
                (q, numbers[q.pk], colour) for q, colour in zip(map_questions, MAP_COLOURS, strict=False)
            ],
            "exports": {
                "csv": base + "export.csv",
                "xlsx": base + "export.xlsx",
                "geojson": base + "export.geojson",
                "codebook": base + "codebook.csv",
            },
            "survey_url": survey_url(survey),
            "results_config": config,
        },
    )


# Distinct, dark enough on a light map, told apart by the lines' dash patterns too (results.js).
MAP_COLOURS = ["#b91c1c", "#0b5cad", "#15803d", "#7e22ce", "#c2410c", "#0f766e"]


def _download_name(survey: Survey, suffix: str) -> str:
    # Slugs only ([-a-zA-Z0-9_]): nothing a person typed reaches the header.
    return f"{survey.project.slug}-{survey.slug}-{suffix}"


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@planners_only
def export_csv(request: HttpRequest, survey: Survey) -> HttpResponse:
    questions = selectors.question_list(survey=survey)
    stream = (chunk.encode("utf-8") for chunk in exports.csv_stream(survey=survey, questions=questions))
    response = StreamingHttpResponse(stream, content_type="text/csv; charset=utf-8")
    return _attachment(response, _download_name(survey, "responses.csv"))


@planners_only
def export_xlsx(request: HttpRequest, survey: Survey) -> HttpResponse:
    questions = selectors.question_list(survey=survey)
    response = HttpResponse(
        exports.xlsx_bytes(survey=survey, questions=questions),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    return _attachment(response, _download_name(survey, "responses.xlsx"))


@planners_only
def export_geojson(request: HttpRequest, survey: Survey) -> HttpResponse:
    response = HttpResponse(exports.map_answers_geojson(survey=survey), content_type="application/geo+json")
    return _attachment(response, _download_name(survey, "map-answers.geojson"))


@planners_only
def export_codebook(request: HttpRequest, survey: Survey) -> HttpResponse:
    questions = selectors.question_list(survey=survey)
    response = HttpResponse(exports.codebook_csv(questions), content_type="text/csv; charset=utf-8")
    return _attachment(response, _download_name(survey, "codebook.csv"))
