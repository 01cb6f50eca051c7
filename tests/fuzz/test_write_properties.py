"""Property-based tests of every write endpoint (API and pages): hostile geometries and texts never get a
5xx, never leave an invalid geometry in the database, and a refusal (4xx) stores nothing.

The write endpoints, from the URL patterns: the API's suggestion create, duplicate check (a write's first
step), comment, support and its withdrawal, report; the pages' comment, support, report, the author's edit
and withdrawal, the planner's answer, the moderators' decision, bulk decision and merge, and a survey
response. Each example runs in a savepoint that is rolled back, so examples never see each other's writes.
"""

import json

import pytest
from django.db import connection, transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from participation.models import (
    Comment,
    ModerationEvent,
    ModerationState,
    Report,
    Suggestion,
    Support,
)
from surveys.models import Answer
from surveys.models import Response as SurveyResponse
from tests.factories import (
    CategoryFactory,
    CitizenFactory,
    CommentFactory,
    ProjectFactory,
    SuggestionFactory,
    UserFactory,
)
from tests.fuzz import budget
from tests.fuzz.strategies import geometries, hostile_text, json_scalars, json_values
from tests.surveys.factories import QuestionFactory, SurveyFactory, choice_question

STORED = [Suggestion, Comment, Support, Report, ModerationEvent, SurveyResponse, Answer]
# Every stored geometry is valid, 2D, and (suggestions) inside its project's area.
BAD_GEOMETRIES_SQL = """
SELECT (SELECT count(*) FROM participation_suggestion s JOIN participation_project p ON p.id = s.project_id
        WHERE NOT ST_IsValid(s.geom) OR ST_NDims(s.geom) <> 2 OR NOT ST_CoveredBy(s.geom, p.area))
     + (SELECT count(*) FROM surveys_answer WHERE geom IS NOT NULL
        AND (NOT ST_IsValid(geom) OR ST_NDims(geom) <> 2))
"""
# What a form can carry: text only (any that UTF-8 can encode).
form_text = st.one_of(
    st.text(st.characters(codec="utf-8"), max_size=40),
    hostile_text.filter(lambda value: isinstance(value, str) and value[:1] < "\ud800"),
)


class Rollback(Exception):
    pass


def _snapshot() -> list[str]:
    """A digest of every row a write could add or change."""
    digests = []
    with connection.cursor() as cursor:
        for model in STORED:
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t.id), '')) FROM {table} t")  # noqa: S608
            digests.append(cursor.fetchone()[0])
    return digests


def _bad_geometries() -> int:
    with connection.cursor() as cursor:
        cursor.execute(BAD_GEOMETRIES_SQL)
        return cursor.fetchone()[0]


class Exchange:
    """Sends one example's request inside a savepoint, checks the invariants, rolls it back."""

    def __init__(self) -> None:
        self.statuses: list[int] = []

    def __call__(self, send) -> int:
        try:
            with transaction.atomic():
                before = _snapshot()
                response = send()
                status = response.status_code
                assert status < 500, response.content[:500]
                assert _bad_geometries() == 0
                if 400 <= status < 500:
                    assert _snapshot() == before, f"a {status} stored something"
                self.statuses.append(status)
                raise Rollback
        except Rollback:
            pass
        return status

    def saw(self, *, accepted: set[int], refused: set[int] = frozenset({400})) -> None:
        """Both paths ran: some example was accepted and some refused (the test is not vacuous)."""
        assert set(self.statuses) & accepted, f"nothing accepted: {sorted(set(self.statuses))}"
        assert set(self.statuses) & refused, f"nothing refused: {sorted(set(self.statuses))}"


def post_json(client, url, body, method="post"):
    text = body if isinstance(body, str) else json.dumps(body)
    return getattr(client, method)(url, text, content_type="application/json")


@pytest.fixture
def world(db, client_factory):
    project = ProjectFactory(slug="test-project")
    point = CategoryFactory(project=project, key="charging-station", geometry_kind="point")
    CategoryFactory(project=project, key="bike-path", geometry_kind="line")
    CategoryFactory(project=project, key="area", geometry_kind="polygon")
    citizen = CitizenFactory()
    published = SuggestionFactory(category=point)
    own_pending = SuggestionFactory(category=point, author=citizen, moderation_state=ModerationState.PENDING)
    comment = CommentFactory(
        suggestion=published, display_name="Anna K.", moderation_state=ModerationState.PENDING
    )
    moderator, planner = UserFactory(moderator_of=project), UserFactory(planner_of=project)
    other = SuggestionFactory(category=CategoryFactory())  # another project's
    return {
        "project": project,
        "published": published,
        "own_pending": own_pending,
        "comment": comment,
        "other": other,
        "citizen": client_factory(citizen),
        "moderator": client_factory(moderator),
        "planner": client_factory(planner),
    }


def ids(world) -> st.SearchStrategy:
    real = [world["published"].pk, world["own_pending"].pk, world["comment"].pk, world["other"].pk]
    return st.one_of(st.sampled_from(real), json_scalars)


def form_ids(world) -> st.SearchStrategy:
    return st.one_of(ids(world).map(lambda v: "" if v is None else str(v)), form_text)


categories = st.one_of(st.sampled_from(["charging-station", "bike-path", "area"]), json_scalars)
titles = st.one_of(st.just("Ladestation am Marktplatz"), hostile_text)


# ------------------------------------------------------------------------------------------ API


def test_api_suggestion_create(world):
    exchange = Exchange()
    url = "/api/v1/projects/test-project/suggestions/"
    features = st.fixed_dictionaries(
        {
            "type": st.sampled_from(["Feature", "Feature", "Point", None]),
            "geometry": geometries,
            "properties": st.one_of(
                st.fixed_dictionaries(
                    {"category": categories, "title": titles},
                    optional={"text": hostile_text, "name": hostile_text, "email": hostile_text},
                ),
                json_values,
            ),
        },
        optional={"id": json_scalars, "moderation_state": st.just("published"), "bbox": json_values},
    )

    @settings(max_examples=budget(60))
    @given(body=st.one_of(features, features, features, json_values))
    def run(body):
        exchange(lambda: post_json(world["citizen"], url, body))

    run()
    exchange.saw(accepted={201})


def test_api_duplicates(world):
    exchange = Exchange()
    url = "/api/v1/projects/test-project/duplicates/"

    @settings(max_examples=budget(40))
    @given(category=categories, geometry=geometries, as_query=st.booleans())
    def run(category, geometry, as_query):
        if as_query:
            query = {"category": str(category), "geometry": json.dumps(geometry)}
            exchange(lambda: world["citizen"].get(url, query))
        else:
            exchange(lambda: post_json(world["citizen"], url, {"category": category, "geometry": geometry}))

    run()
    exchange.saw(accepted={200})


def test_api_facilities_nearby(world):
    exchange = Exchange()
    url = "/api/v1/projects/test-project/facilities-nearby/"

    @settings(max_examples=budget(40))
    @given(category=categories, geometry=geometries, as_query=st.booleans())
    def run(category, geometry, as_query):
        if as_query:
            query = {"category": str(category), "geometry": json.dumps(geometry)}
            exchange(lambda: world["citizen"].get(url, query))
        else:
            exchange(lambda: post_json(world["citizen"], url, {"category": category, "geometry": geometry}))

    run()
    exchange.saw(accepted={200})


def test_api_comment(world):
    exchange = Exchange()

    @settings(max_examples=budget(50))
    @given(
        target=ids(world),
        body=st.fixed_dictionaries(
            {"text": st.one_of(st.just("Ja, bitte!"), hostile_text)},
            optional={"name": hostile_text, "parent": ids(world), "support_count": json_scalars},
        )
        | json_values,
    )
    def run(target, body):
        url = f"/api/v1/suggestions/{target}/comments/"
        exchange(lambda: post_json(world["citizen"], url, body))

    run()
    exchange.saw(accepted={201}, refused={400, 404})


def test_api_support_and_its_withdrawal(world):
    exchange = Exchange()

    @settings(max_examples=budget(40))
    @given(
        target=ids(world),
        body=st.one_of(st.just({}), json_values),
        method=st.sampled_from(["post", "delete"]),
    )
    def run(target, body, method):
        url = f"/api/v1/suggestions/{target}/support/"
        exchange(lambda: post_json(world["citizen"], url, body, method=method))

    run()
    exchange.saw(accepted={200, 201}, refused={400, 404})


def test_api_report(world):
    exchange = Exchange()

    @settings(max_examples=budget(40))
    @given(
        target=ids(world),
        body=st.fixed_dictionaries(
            {"reason": st.one_of(st.sampled_from(["spam", "offensive", "other"]), json_scalars)},
            optional={"text": hostile_text, "comment": ids(world)},
        )
        | json_values,
    )
    def run(target, body):
        url = f"/api/v1/suggestions/{target}/reports/"
        exchange(lambda: post_json(world["citizen"], url, body))

    run()
    exchange.saw(accepted={201}, refused={400, 404})


# ------------------------------------------------------------------------------------------ pages


def page(world, name: str) -> str:
    return f"/projects/test-project/suggestions/{world['published'].pk}/{name}/"


def test_page_comment_support_and_report(world):
    exchange = Exchange()
    forms = st.one_of(
        st.tuples(
            st.just("comments"),
            st.fixed_dictionaries(
                {"text": form_text}, optional={"parent": form_ids(world), "name": form_text}
            ),
        ),
        st.tuples(st.just("support"), st.fixed_dictionaries({}, optional={"action": form_text})),
        st.tuples(
            st.just("reports"),
            st.fixed_dictionaries(
                {"reason": st.one_of(st.just("spam"), form_text)},
                optional={"text": form_text, "comment": form_ids(world)},
            ),
        ),
    )

    @settings(max_examples=budget(50))
    @given(form=forms)
    def run(form):
        name, data = form
        exchange(lambda: world["citizen"].post(page(world, name), data))

    run()
    exchange.saw(accepted={302}, refused={400})


def test_page_author_edit_and_withdrawal(world):
    exchange = Exchange()
    base = f"/projects/test-project/suggestions/{world['own_pending'].pk}/"

    @settings(max_examples=budget(30))
    @given(
        action=st.sampled_from(["edit", "edit", "edit", "withdraw"]),
        data=st.fixed_dictionaries({}, optional={"title": form_text, "text": form_text}),
    )
    def run(action, data):
        exchange(lambda: world["citizen"].post(f"{base}{action}/", data))

    run()
    exchange.saw(accepted={302}, refused={400})


def test_page_planner_answer(world):
    exchange = Exchange()
    statuses = st.one_of(st.sampled_from(["received", "under_review", "planned", "declined"]), form_text)

    @settings(max_examples=budget(30))
    @given(
        target=st.sampled_from([world["published"].pk, world["other"].pk]),
        data=st.fixed_dictionaries(
            {"status": statuses}, optional={"answer": form_text, "seen_event": form_ids(world)}
        ),
    )
    def run(target, data):
        url = f"/projects/test-project/planning/suggestions/{target}/"
        exchange(lambda: world["planner"].post(url, data))

    run()
    exchange.saw(accepted={302}, refused={400, 404})


def test_page_moderation_decide_bulk_and_merge(world):
    exchange = Exchange()
    base = "/projects/test-project/moderation/"
    states = st.one_of(st.sampled_from(["pending", "published", "hidden"]), form_text)
    actions = st.one_of(st.sampled_from(["approve", "reject", "hide", "unhide", "dismiss"]), form_text)
    # A decision as the queue offers it (on the author's pending suggestion), with any reason.
    plausible = st.tuples(
        st.just("decide"),
        st.fixed_dictionaries(
            {
                "kind": st.just("suggestion"),
                "pk": st.just(str(world["own_pending"].pk)),
                "seen_state": st.just("pending"),
                "action": st.sampled_from(["approve", "reject"]),
                "reason": form_text,
            }
        ),
    )
    forms = st.one_of(
        plausible,
        st.tuples(
            st.just("decide"),
            st.fixed_dictionaries(
                {"kind": st.sampled_from(["suggestion", "comment", "x"]), "pk": form_ids(world)},
                optional={
                    "seen_state": states,
                    "seen_event": form_ids(world),
                    "action": actions,
                    "reason": form_text,
                    "next": form_text,
                },
            ),
        ),
        st.tuples(
            st.just("bulk"),
            st.fixed_dictionaries(
                {
                    "action": actions,
                    "items": st.lists(
                        st.one_of(
                            st.builds(
                                lambda pk, state: f"suggestion:{pk}:{state}:0", form_ids(world), states
                            ),
                            form_text,
                        ),
                        max_size=3,
                    ),
                },
                optional={"reason": form_text},
            ),
        ),
        st.tuples(
            st.just("merge"),
            st.fixed_dictionaries(
                {"pk": form_ids(world), "target": form_ids(world)},
                optional={"seen_state": states, "seen_event": form_ids(world), "reason": form_text},
            ),
        ),
    )

    @settings(max_examples=budget(50))
    @given(form=forms)
    def run(form):
        name, data = form
        exchange(lambda: world["moderator"].post(f"{base}{name}/", data))

    run()
    exchange.saw(accepted={302}, refused={400, 404, 409})


def test_page_survey_response(world):
    survey = SurveyFactory(project=world["project"], slug="mobility")
    questions = [
        choice_question(survey, keys=("yes", "no"), position=1),
        choice_question(survey, kind="multiple", keys=("home", "work"), position=2),
        QuestionFactory(survey=survey, kind="number", position=3, min_value=0, max_value=50),
        QuestionFactory(survey=survey, kind="text", position=4),
        QuestionFactory(survey=survey, kind="map_point", position=5),
        QuestionFactory(survey=survey, kind="map_line", position=6),
    ]
    other_survey = SurveyFactory(project=world["project"], slug="other")
    foreign = choice_question(other_survey, keys=("a",), position=1)
    exchange = Exchange()
    map_answers = st.one_of(
        geometries.map(lambda g: json.dumps(g, allow_nan=True)), form_text, st.just("[" * 5000)
    )
    values = {
        questions[0].pk: st.one_of(
            st.sampled_from([str(c.pk) for c in questions[0].choices.all()]), form_text
        ),
        questions[1].pk: st.one_of(st.sampled_from([str(foreign.choices.get().pk)]), form_text),
        questions[2].pk: st.one_of(st.sampled_from(["7", "1e999", "NaN", "-1", "0x10", "5,5"]), form_text),
        questions[3].pk: form_text,
        questions[4].pk: map_answers,
        questions[5].pk: map_answers,
        foreign.pk: form_text,
    }
    form = st.fixed_dictionaries({}, optional={f"q{pk}": value for pk, value in values.items()})

    @settings(max_examples=budget(40))
    @given(data=form)
    def run(data):
        exchange(lambda: world["citizen"].post("/projects/test-project/surveys/mobility/", data))

    run()
    exchange.saw(accepted={302}, refused={400})
