"""`manage.py load_demo`: the Karlsruhe demo, loaded once, never overwriting what people changed."""

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.contrib.gis.db.models import Extent
from django.contrib.gis.geos import Point
from django.core.management import CommandError, call_command
from django.db.models import Count, Q

from fixtures.demo import demo_load
from geo.layers.models import ContextLayer
from geo.network.models import NetworkEdge, StreetNetwork
from participation.models import Category, ModerationState, Project, Suggestion

pytestmark = pytest.mark.django_db

EXPECTED_CATEGORIES = {
    "charging-station": "point",
    "sharing-point": "point",
    "bike-path": "line",
    "comment": "point",
}
KIND_TYPES = {"point": "Point", "line": "LineString"}


@pytest.fixture
def demo(db):
    call_command("load_demo", "--allow-demo-accounts")
    return Project.objects.get(slug="karlsruhe-ebikes")


def test_demo_project_has_the_karlsruhe_categories(demo):
    assert demo.title_de == "eBikes & Energie Karlsruhe"
    kinds = dict(Category.objects.filter(project=demo).values_list("key", "geometry_kind"))
    assert kinds == EXPECTED_CATEGORIES


def test_demo_has_at_least_60_published_suggestions_inside_the_area(demo):
    published = Suggestion.objects.filter(project=demo, moderation_state=ModerationState.PUBLISHED)

    assert published.count() >= 60
    assert not published.exclude(geom__within=demo.area).exists()


def test_demo_suggestions_match_their_category_kind_and_spread_over_the_city(demo):
    for suggestion in Suggestion.objects.filter(project=demo).select_related("category"):
        assert suggestion.geom.geom_type == KIND_TYPES[suggestion.category.geometry_kind], suggestion.title

    per_category = dict(
        Suggestion.objects.filter(project=demo).values_list("category__key").annotate(n=Count("id"))
    )
    assert all(per_category[key] >= 5 for key in EXPECTED_CATEGORIES)
    xmin, ymin, xmax, ymax = Suggestion.objects.filter(project=demo).aggregate(e=Extent("geom"))["e"]
    assert xmax - xmin > 0.15  # degrees: from the Rhine harbour to Durlach
    assert ymax - ymin > 0.06


def test_demo_shows_planning_statuses_and_answers(demo):
    statuses = set(Suggestion.objects.filter(project=demo).values_list("planning_status", flat=True))

    assert {"received", "planned", "implemented", "declined"} <= statuses
    assert Suggestion.objects.filter(project=demo).exclude(official_answer="").exists()


def test_load_demo_twice_creates_nothing_new_and_keeps_changes(demo):
    suggestion = Suggestion.objects.filter(project=demo).first()
    Suggestion.objects.filter(pk=suggestion.pk).update(title="Von Hand geändert")
    before = Suggestion.objects.count()

    call_command("load_demo", "--allow-demo-accounts")

    assert Suggestion.objects.count() == before
    assert Suggestion.objects.get(pk=suggestion.pk).title == "Von Hand geändert"
    assert Project.objects.filter(slug="karlsruhe-ebikes").count() == 1


@pytest.mark.parametrize("username", ["admin", "moderator", "planner", "citizen"])
def test_demo_accounts_log_in_with_the_readme_passwords(demo, username):
    assert authenticate(username=username, password=f"{username}-demo-2026") is not None


def test_only_the_admin_demo_account_is_a_superuser(demo):
    superusers = set(get_user_model().objects.filter(is_superuser=True).values_list("username", flat=True))
    assert superusers == {"admin"}


def test_demo_accounts_are_refused_without_debug_unless_asked_for(db, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="published passwords"):
        call_command("load_demo")

    call_command("load_demo", "--no-accounts")
    assert Project.objects.filter(slug="karlsruhe-ebikes").exists()
    assert not get_user_model().objects.exists()


def test_demo_discussion_counts_match_their_comments(db):
    call_command("load_demo", "--no-accounts")

    counted = Suggestion.objects.annotate(
        rows=Count("comments", filter=Q(comments__moderation_state="published"))
    )
    assert counted.filter(rows__gt=0).count() > 10
    assert all(s.comment_count == s.rows for s in counted)


def test_demo_survey_has_ten_questions_and_200_plausible_responses(demo):
    from surveys.models import Answer, Response, Survey

    survey = Survey.objects.get(project=demo, slug="ebikes-energie")
    kinds = list(survey.questions.order_by("position").values_list("kind", flat=True))
    assert len(kinds) == 10
    assert {"single", "multiple", "number", "scale", "yes_no", "map_point", "map_line", "text"} == set(kinds)
    assert Response.objects.filter(survey=survey).count() == 200
    assert not Response.objects.filter(survey=survey, created_at__lt=survey.opens_at).exists()
    spatial = Answer.objects.filter(survey=survey, geom__isnull=False)
    assert spatial.filter(kind="map_point").count() > 40
    assert spatial.filter(kind="map_line").count() > 20
    assert not spatial.exclude(geom__coveredby=demo.area).exists()
    # The charging question is asked of every owner, pedelec and S-pedelec alike (its condition), and
    # answered exactly by them.
    charge = survey.questions.filter(kind="multiple", show_if_choices__isnull=False).distinct().get()
    assert set(charge.show_if_choices.values_list("key", flat=True)) == {"pedelec", "s-pedelec"}
    owners = Answer.objects.filter(survey=survey, choice__in=charge.show_if_choices.all()).values("response")
    assert Answer.objects.filter(survey=survey, choice__key="s-pedelec").exists()
    assert set(Answer.objects.filter(question=charge).values_list("response", flat=True)) == set(
        owners.values_list("response", flat=True)
    )


def test_demo_survey_responses_are_the_same_on_every_load(demo):
    from django.utils import timezone

    from fixtures.survey_demo import demo_survey_load
    from surveys.models import Answer, Survey

    def snapshot():
        return sorted(
            Answer.objects.values_list("question__position", "choice__key", "number", "boolean", "text")
        )

    first = snapshot()
    Survey.objects.filter(project=demo).delete()
    demo_survey_load(project=demo, now=timezone.now())
    assert snapshot() == first


def test_demo_has_the_real_karlsruhe_context_layers_once(demo):
    """Districts, bicycle parking and the 2009 cycleways from OpenStreetMap, and the invented chargers, each
    with its category and credit; a second load imports nothing again."""
    project = Project.objects.get(slug="karlsruhe-ebikes")
    layers = {
        layer.name_en: layer
        for layer in ContextLayer.objects.filter(project=project).annotate(n=Count("features"))
    }

    found = {
        name: (layer.role, layer.category and layer.category.key, layer.n) for name, layer in layers.items()
    }
    assert found == {
        "Districts": ("districts", None, 28),
        "Bicycle parking (OSM)": ("facilities", "sharing-point", 3072),
        "Inner-city cycleways (OSM, 2009)": ("facilities", "bike-path", 91),
        "Charging stations (invented sample data)": ("facilities", "charging-station", 6),
    }
    for name in ("Districts", "Bicycle parking (OSM)", "Inner-city cycleways (OSM, 2009)"):
        assert "OpenStreetMap" in layers[name].attribution
    assert "invented" in layers["Charging stations (invented sample data)"].attribution
    assert demo_load(with_accounts=False).layers_created == 0
    assert ContextLayer.objects.filter(project=project).count() == 4


def test_demo_has_the_inner_city_street_network_once_and_credited(demo):
    """The 2009 OSM extract of the inner city is the demo's network, with its street names and its credit
    (CC BY-SA 2.0); a second load keeps it as it is."""
    network = StreetNetwork.objects.get(project=demo)
    assert "© OpenStreetMap contributors" in network.attribution
    assert "CC BY-SA 2.0" in network.attribution
    assert network.licence == "CC BY-SA 2.0"
    assert network.import_report["edges"] > 3000
    assert NetworkEdge.objects.filter(network=network, name="Kaiserstraße").exists()

    call_command("load_demo", "--allow-demo-accounts")

    network.refresh_from_db()
    assert network.generation == 1


def test_the_demo_paths_in_the_inner_city_follow_its_streets(demo):
    """The demo's bike paths with tapped points are routed along the inner-city network as the compose flow
    routes them: every vertex lies on an edge open to bicycles, and they are stored as drawn along the
    streets; the other paths stay drawn freely."""
    lines = Suggestion.objects.filter(project=demo, category__key="bike-path")
    routed = lines.filter(line_drawing="routed")
    assert set(routed.values_list("title", flat=True)) == {
        "Fahrradstraße in der Engesserstraße",
        "Radverbindung von der Moltkestraße über Seminar- und Wörthstraße zur Bismarckstraße",
        "Waldstraße als Radroute zwischen Ludwigsplatz und Schloss",
    }
    assert set(lines.exclude(pk__in=routed).values_list("line_drawing", flat=True)) == {"free"}
    edges = NetworkEdge.objects.filter(network__project=demo, bicycle=True)
    near = 1e-5  # degrees: under 1.2 m here
    for suggestion in routed:
        # More than the two tapped points: the line bends with the streets.
        assert len(suggestion.geom.coords) > 2
        for lon, lat in suggestion.geom.coords:
            vertex = Point(lon, lat, srid=4326)
            assert edges.filter(geom__dwithin=(vertex, near)).exists(), (suggestion.title, lon, lat)
    engesser = routed.get(title="Fahrradstraße in der Engesserstraße")
    along = edges.filter(name="Engesserstraße", geom__dwithin=(engesser.geom, near))
    assert along.count() >= 10
