from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.gis.geos import LineString, Point
from django.utils import timezone

from surveys.models import Answer, Response
from tests.surveys.factories import QuestionFactory, SurveyFactory, choice_question


@pytest.fixture
def survey(project):
    return SurveyFactory(project=project, slug="mobility", title_de="Mobilität", title_en="Mobility")


@pytest.fixture
def questions(survey):
    """One question of every kind; `owns` controls whether `charge` is shown."""
    owns = choice_question(survey, keys=("yes", "no"), position=1, required=True, text_en="Do you own one?")
    return {
        "owns": owns,
        "charge": choice_question(
            survey,
            kind="multiple",
            keys=("home", "work", "public"),
            position=2,
            required=True,
            min_selections=1,
            max_selections=2,
            show_if_choices=[owns.choices.get(key="yes")],
            text_en="Where do you charge?",
        ),
        "trips": QuestionFactory(
            survey=survey,
            kind="number",
            position=3,
            min_value=Decimal(0),
            max_value=Decimal(50),
            required=True,
        ),
        "scale": QuestionFactory(
            survey=survey,
            kind="scale",
            position=4,
            min_value=Decimal(1),
            max_value=Decimal(5),
            scale_min_label_en="not at all",
            scale_max_label_en="very",
        ),
        "share": QuestionFactory(survey=survey, kind="yes_no", position=5),
        "text": QuestionFactory(survey=survey, kind="text", position=6),
        "point": QuestionFactory(survey=survey, kind="map_point", position=7),
        "line": QuestionFactory(survey=survey, kind="map_line", position=8),
    }


def answer(response, question, **value):
    return Answer.objects.create(
        response=response, survey=response.survey, question=question, kind=question.kind, **value
    )


@pytest.fixture
def answered(survey, questions):
    """Five responses over three days with known answers."""
    owns, charge = questions["owns"], questions["charge"]
    yes, no = owns.choices.get(key="yes"), owns.choices.get(key="no")
    home, work, public = (charge.choices.get(key=k) for k in ("home", "work", "public"))
    now = timezone.now()
    rows = [
        # owns, charge, trips, scale, share, text, point
        (yes, [home, work], 0, 5, True, "Mehr Ladesäulen", (8.4000, 49.0000), 2),
        (yes, [home], 12, 4, True, "Bahnhof fehlt", (8.4001, 49.0001), 2),
        (no, [], 25, 4, False, "", (8.4002, 49.0000), 1),
        (yes, [public], 49.5, 1, None, "=HYPERLINK(1)", (8.4500, 49.0300), 0),
        (no, [], 50, 2, False, "ladesäule am markt", None, 0),
    ]
    for index, (own, charges, trips, scale, share, text, point, days_ago) in enumerate(rows):
        response = Response.objects.create(
            survey=survey, browser=f"{index:064x}", created_at=now - timedelta(days=days_ago)
        )
        answer(response, owns, choice=own)
        for choice in charges:
            answer(response, charge, choice=choice)
        answer(response, questions["trips"], number=Decimal(str(trips)))
        answer(response, questions["scale"], number=Decimal(scale))
        if share is not None:
            answer(response, questions["share"], boolean=share)
        if text:
            answer(response, questions["text"], text=text)
        if point:
            answer(response, questions["point"], geom=Point(*point, srid=4326))
    first = Response.objects.order_by("id").first()
    answer(first, questions["line"], geom=LineString((8.40, 49.0), (8.41, 49.01), srid=4326))
    return survey
