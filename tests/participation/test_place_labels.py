"""Where a suggestion is, in words, on the staff pages (issue 24): the moderation queue, the planner
dashboard and the answer page show its stored reverse label ("Kaiserstraße 12, Innenstadt-West") beside it,
escaped as text."""

import pytest
from django.contrib.gis.geos import Point, Polygon
from django.urls import reverse

from geo.layers.models import ContextFeature, ContextLayer
from geo.places.imports import addresses_import
from participation.models import ModerationState
from participation.selectors import suggestion_place_labels
from tests.factories import CitizenFactory, SuggestionFactory

LABEL = "Kaiserstraße 12, Innenstadt-West"
# An address list is imported data: whatever it holds is shown as text, never as markup.
MARKUP_STREET = "<b>Hauptstraße</b>"


@pytest.fixture
def gazetteer(project, tmp_path):
    districts = ContextLayer.objects.create(project=project, name="Stadtteile", role="districts")
    ContextFeature.objects.create(
        layer=districts,
        geom=Polygon.from_bbox((8.39, 49.00, 8.41, 49.02)),
        properties={"name": "Innenstadt-West"},
    )
    addresses = tmp_path / "adressen.csv"
    addresses.write_text(
        f'street,number,lon,lat\nKaiserstraße,12,8.4000,49.0100\n"{MARKUP_STREET}",3,8.3950,49.0150\n',
        encoding="utf-8",
    )
    addresses_import(project_id=project.pk, source=addresses)
    return project


def near(point_category, **fields):
    return SuggestionFactory(category=point_category, geom=Point(8.4003, 49.0101, srid=4326), **fields)


def test_the_labels_are_read_for_the_given_suggestions_only(gazetteer, point_category):
    labelled = near(point_category)
    district_only = SuggestionFactory(category=point_category, geom=Point(8.409, 49.019, srid=4326))
    nowhere = SuggestionFactory(category=point_category, geom=Point(8.45, 49.03, srid=4326))

    labels = suggestion_place_labels(suggestion_ids=[labelled.pk, district_only.pk, nowhere.pk])

    assert labels == {labelled.pk: LABEL, district_only.pk: "Innenstadt-West"}
    assert suggestion_place_labels(suggestion_ids=[]) == {}


def test_the_moderation_queue_shows_where_each_suggestion_is(client_factory, gazetteer, point_category):
    moderator = CitizenFactory(username="mona", moderator_of=gazetteer)
    near(point_category, moderation_state=ModerationState.PENDING, title="Bügel bitte")
    SuggestionFactory(
        category=point_category,
        geom=Point(8.3951, 49.0151, srid=4326),
        moderation_state=ModerationState.PENDING,
    )

    response = client_factory(moderator).get(
        reverse("participation:moderation-queue", kwargs={"slug": gazetteer.slug})
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert f'<dd class="place-label">{LABEL}</dd>' in html
    assert "&lt;b&gt;Hauptstraße&lt;/b&gt; 3, Innenstadt-West" in html
    assert MARKUP_STREET not in html


def test_the_planner_pages_show_where_the_suggestion_is(client_factory, planner, gazetteer, point_category):
    suggestion = near(point_category, support_count=3)
    client = client_factory(planner)

    dashboard = client.get(reverse("participation:planning-dashboard", kwargs={"slug": gazetteer.slug}))
    answer = client.get(
        reverse("participation:planning-answer", kwargs={"slug": gazetteer.slug, "pk": suggestion.pk})
    )

    assert f'<span class="place-label">{LABEL}</span>' in dashboard.content.decode()
    assert LABEL in answer.content.decode()
    assert 'class="place-label"' in answer.content.decode()


def test_without_a_gazetteer_the_pages_show_no_empty_place(client_factory, planner, project, point_category):
    suggestion = near(point_category, support_count=3)
    client = client_factory(planner)

    dashboard = client.get(reverse("participation:planning-dashboard", kwargs={"slug": project.slug}))
    answer = client.get(
        reverse("participation:planning-answer", kwargs={"slug": project.slug, "pk": suggestion.pk})
    )

    assert dashboard.status_code == answer.status_code == 200
    assert "place-label" not in dashboard.content.decode() + answer.content.decode()
