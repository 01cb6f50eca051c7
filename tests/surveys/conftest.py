from decimal import Decimal

import pytest

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
            show_if_choice=owns.choices.get(key="yes"),
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
