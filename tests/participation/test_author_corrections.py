"""Authors correct their own suggestion during the phase: title and text always, the place only while
nobody supports it; the correction follows the project's moderation mode, writes an EDIT event and keeps
the replaced version for the moderators."""

import json
import threading
import time
from datetime import timedelta

import pytest
from django.contrib.gis.geos import LineString, Point
from django.db import connection, transaction
from django.utils import timezone

from geo.services import cluster_rebuild
from participation import services
from participation.errors import NotEditable, PhaseClosed, PlaceLocked, SuggestionNotFound
from participation.models import (
    ModerationAction,
    ModerationEvent,
    ModerationMode,
    ModerationState,
    Suggestion,
    SuggestionVersion,
)
from participation.participants import Participant
from tests.factories import CitizenFactory, SuggestionFactory, SupportFactory
from tests.geo.test_tiles import read_tile, tile_of
from tests.geo.test_tiles import url as tile_url

pytestmark = pytest.mark.django_db

OLD = Point(8.40, 49.00, srid=4326)
NEW = {"type": "Point", "coordinates": [8.45, 49.02]}
CITY = "8.3,48.9,8.5,49.1"


def correct(author, suggestion, *, title="Besser", text="Genauer beschrieben.", geometry=None):
    return services.suggestion_edit(
        actor=Participant(user=author), suggestion_id=suggestion.pk, title=title, text=text, geometry=geometry
    )


def supported_by_someone(suggestion):
    SupportFactory(suggestion=suggestion)
    Suggestion.objects.filter(pk=suggestion.pk).update(support_count=1)


@pytest.fixture
def published(point_category, citizen):
    return SuggestionFactory(category=point_category, author=citizen, title="Am Markt", text="Alt.", geom=OLD)


@pytest.fixture
def pre_moderated(published):
    project = published.project
    project.moderation_mode = ModerationMode.PRE
    project.save(update_fields=["moderation_mode"])
    return published


def cell_rows():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT project_id, zoom, cell_x, cell_y, category_id, count FROM geo_cluster_cell"
            " ORDER BY project_id, zoom, cell_x, cell_y, category_id"
        )
        return cursor.fetchall()


def map_ids(client, slug, bbox=CITY):
    body = json.loads(client.get(f"/api/v1/projects/{slug}/map/?bbox={bbox}&zoom=18").content)
    return [feature["id"] for feature in body["features"]]


# ------------------------------------------------------------------------------- moderation modes


def test_in_post_moderation_a_corrected_published_suggestion_stays_public(client, citizen, published):
    correct(citizen, published)

    published.refresh_from_db()
    event = ModerationEvent.objects.get(suggestion=published, action=ModerationAction.EDIT)
    assert (published.title, published.text) == ("Besser", "Genauer beschrieben.")
    assert published.moderation_state == ModerationState.PUBLISHED
    assert (event.actor_id, event.from_state, event.to_state) == (citizen.pk, "published", "published")
    assert map_ids(client, published.project.slug) == [published.pk]


def test_in_pre_moderation_a_corrected_published_suggestion_goes_back_to_review(
    client, citizen, pre_moderated
):
    correct(citizen, pre_moderated)

    pre_moderated.refresh_from_db()
    event = ModerationEvent.objects.get(suggestion=pre_moderated, action=ModerationAction.EDIT)
    assert pre_moderated.moderation_state == ModerationState.PENDING
    assert (event.from_state, event.to_state) == ("published", "pending")
    assert map_ids(client, pre_moderated.project.slug) == []  # nothing unchecked is public
    assert client.get(f"/api/v1/suggestions/{pre_moderated.pk}/").status_code == 404


def test_a_pending_suggestion_stays_pending_in_either_mode(citizen, point_category):
    pending = SuggestionFactory(category=point_category, author=citizen, moderation_state="pending")

    correct(citizen, pending)

    pending.refresh_from_db()
    assert pending.moderation_state == ModerationState.PENDING
    assert pending.versions.count() == 1


# ------------------------------------------------------------------------------- previous versions


def test_every_correction_keeps_the_replaced_version_with_its_event(citizen, published):
    correct(citizen, published, title="Zweiter Titel", text="Zweiter Text.", geometry=NEW)
    correct(citizen, published, title="Dritter Titel", text="Zweiter Text.")

    versions = list(SuggestionVersion.objects.filter(suggestion=published).order_by("replaced_at", "id"))
    events = list(
        ModerationEvent.objects.filter(suggestion=published, action=ModerationAction.EDIT).order_by("id")
    )
    assert [(v.title, v.text) for v in versions] == [("Am Markt", "Alt."), ("Zweiter Titel", "Zweiter Text.")]
    assert versions[0].geom.equals(OLD)
    assert versions[1].geom.coords == (8.45, 49.02)
    assert [v.event_id for v in versions] == [e.pk for e in events]
    assert all(v.moderation_state == "published" for v in versions)


def test_a_correction_that_changes_nothing_writes_nothing(citizen, pre_moderated):
    correct(
        citizen,
        pre_moderated,
        title="Am Markt",
        text="Alt.",
        geometry={"type": "Point", "coordinates": [8.4, 49.0]},
    )

    pre_moderated.refresh_from_db()
    assert pre_moderated.moderation_state == ModerationState.PUBLISHED
    assert not ModerationEvent.objects.filter(suggestion=pre_moderated).exists()
    assert not SuggestionVersion.objects.exists()


# ------------------------------------------------------------------------------- the place


def test_the_place_moves_while_nobody_supports_it_and_the_clusters_follow(client, citizen, published):
    slug = published.project.slug
    assert map_ids(client, slug, "8.44,49.01,8.46,49.03") == []

    correct(citizen, published, geometry=NEW)

    published.refresh_from_db()
    assert published.geom.coords == (8.45, 49.02)
    assert map_ids(client, slug, "8.44,49.01,8.46,49.03") == [published.pk]
    assert map_ids(client, slug, "8.39,48.99,8.41,49.01") == []
    maintained = cell_rows()
    cluster_rebuild()
    assert maintained == cell_rows()


def test_the_cached_tiles_follow_the_moved_place(client, citizen, published, tmp_path):
    old_tile, new_tile = tile_of(8.40, 49.00, 16), tile_of(8.45, 49.02, 16)
    before = read_tile(client.get(tile_url(*old_tile)).content, old_tile, tmp_path)  # now cached
    client.get(tile_url(*new_tile))  # cached empty

    correct(citizen, published, title="Am Rathaus", geometry=NEW)

    old = read_tile(client.get(tile_url(*old_tile)).content, old_tile, tmp_path)
    new = read_tile(client.get(tile_url(*new_tile)).content, new_tile, tmp_path)
    assert [f["title"] for f in before["suggestions"]] == ["Am Markt"]
    assert old.get("suggestions", []) == []
    assert [f["title"] for f in new["suggestions"]] == ["Am Rathaus"]


def test_a_line_moves_too(citizen, line_category):
    line = SuggestionFactory(category=line_category, author=citizen)
    moved = {"type": "LineString", "coordinates": [[8.42, 49.0], [8.43, 49.01], [8.44, 49.0]]}

    correct(citizen, line, geometry=moved)

    line.refresh_from_db()
    assert line.geom.equals(LineString((8.42, 49.0), (8.43, 49.01), (8.44, 49.0), srid=4326))


def test_once_someone_supports_it_the_place_stays_and_nothing_is_written(citizen, published):
    supported_by_someone(published)

    with pytest.raises(PlaceLocked) as refused:
        correct(citizen, published, title="Woanders", geometry=NEW)

    published.refresh_from_db()
    assert refused.value.status_code == 409
    assert refused.value.field == "geometry"
    assert refused.value.message == str(PlaceLocked.default_message)
    assert (published.title, published.geom.coords) == ("Am Markt", (8.4, 49.0))
    assert not ModerationEvent.objects.filter(suggestion=published).exists()
    assert not SuggestionVersion.objects.exists()


def test_a_supported_suggestion_still_takes_a_text_correction_with_its_place_unchanged(citizen, published):
    supported_by_someone(published)

    correct(citizen, published, title="Besser", geometry={"type": "Point", "coordinates": [8.4, 49.0]})

    published.refresh_from_db()
    assert published.title == "Besser"
    assert published.support_count == 1


def test_a_place_outside_the_area_is_refused_like_a_new_suggestions(citizen, published):
    from geo.core.errors import GeometryError

    with pytest.raises(GeometryError):
        correct(citizen, published, geometry={"type": "Point", "coordinates": [9.5, 49.0]})

    published.refresh_from_db()
    assert published.title == "Am Markt"


# ------------------------------------------------------------------------------- who and when


@pytest.mark.parametrize("state", ["rejected", "hidden", "withdrawn"])
def test_decided_or_withdrawn_suggestions_cannot_be_corrected(citizen, point_category, state):
    suggestion = SuggestionFactory(category=point_category, author=citizen, moderation_state=state)

    with pytest.raises(NotEditable):
        correct(citizen, suggestion)


def test_a_merged_suggestion_cannot_be_corrected(citizen, point_category):
    target = SuggestionFactory(category=point_category)
    merged = SuggestionFactory(
        category=point_category, author=citizen, moderation_state="merged", merged_into=target
    )

    with pytest.raises(NotEditable):
        correct(citizen, merged)


def test_corrections_end_with_the_phase(citizen, published):
    project = published.project
    project.phase_start = timezone.now() - timedelta(days=20)
    project.phase_end = timezone.now() - timedelta(days=1)
    project.save()

    with pytest.raises(PhaseClosed):
        correct(citizen, published)


def test_nobody_else_corrects_a_suggestion(published):
    with pytest.raises(SuggestionNotFound):
        correct(CitizenFactory(), published)


def test_the_authors_data_download_holds_their_earlier_versions(client_factory, citizen, published):
    correct(citizen, published, title="Neu", geometry=NEW)

    body = json.loads(client_factory(citizen).get("/account/data/").content)

    assert body["previous_versions"] == [
        {
            "suggestion": published.pk,
            "title": "Am Markt",
            "text": "Alt.",
            "geometry": {"type": "Point", "coordinates": [8.4, 49.0]},
            "replaced": SuggestionVersion.objects.get().replaced_at.isoformat(),
        }
    ]


@pytest.mark.django_db(transaction=True)
def test_a_support_given_while_the_author_moves_the_place_keeps_it_where_it_was(point_category, citizen):
    # The supporter's transaction holds the row (support_add locks it) when the author's move arrives: the
    # move waits for it, then sees the support and refuses. Checked before the lock, it would move the place
    # from under a support given to the old one.
    suggestion = SuggestionFactory(category=point_category, author=citizen, geom=OLD)
    outcome: list[object] = []

    def author_moves() -> None:
        try:
            correct(citizen, suggestion, geometry=NEW)
            outcome.append("moved")
        except Exception as error:  # the test reads which error it was
            outcome.append(error)
        finally:
            connection.close()

    with transaction.atomic():
        services.support_add(actor=Participant(user=CitizenFactory()), suggestion_id=suggestion.pk)
        mover = threading.Thread(target=author_moves)
        mover.start()
        _wait_until_someone_waits_for_a_lock()

    mover.join(timeout=10)
    suggestion.refresh_from_db()
    assert len(outcome) == 1
    assert isinstance(outcome[0], PlaceLocked)
    assert suggestion.geom.coords == (8.4, 49.0)
    assert suggestion.support_count == 1


def _wait_until_someone_waits_for_a_lock() -> None:
    with connection.cursor() as cursor:
        for _ in range(100):
            # Statistics are read once per transaction, and this one is the supporter's: read them anew.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.05)
    raise AssertionError("the author's correction never waited for the supporter's lock")


def test_a_routed_path_that_the_author_redraws_is_recorded_as_drawn_freely(line_category, citizen):
    path = SuggestionFactory(category=line_category, author=citizen, line_drawing="routed")
    redrawn = {"type": "LineString", "coordinates": [[8.40, 49.00], [8.405, 49.004], [8.41, 49.01]]}

    correct(citizen, path, title=path.title, text=path.text)
    path.refresh_from_db()
    assert path.line_drawing == "routed"  # the words changed, not the line

    correct(citizen, path, geometry=redrawn)
    path.refresh_from_db()
    assert path.line_drawing == "free"


def edit_page(suggestion):
    return f"/projects/{suggestion.project.slug}/suggestions/{suggestion.pk}/edit/"


def page_config(response) -> dict:
    script = response.content.decode().split('<script id="edit-config" type="application/json">')[1]
    return json.loads(script.split("</script>")[0])


def test_the_correction_page_offers_a_path_routing_and_records_a_route_as_routed(
    client_factory, citizen, line_category, point_category
):
    path = SuggestionFactory(category=line_category, author=citizen, line_drawing="free")
    point = SuggestionFactory(category=point_category, author=citizen)
    author = client_factory(citizen)

    config = page_config(author.get(edit_page(path)))
    assert config["lineDrawing"] == "free"  # the page opens the way the path was drawn
    assert config["urls"]["route"] == f"/api/v1/projects/{path.project.slug}/route/"
    assert "urls" not in page_config(author.get(edit_page(point)))  # points are not routed

    routed = {"type": "LineString", "coordinates": [[8.40, 49.00], [8.40, 49.004], [8.41, 49.004]]}
    saved = author.post(
        edit_page(path),
        {"title": path.title, "text": path.text, "geometry": json.dumps(routed), "line_drawing": "routed"},
    )
    assert saved.status_code == 302
    path.refresh_from_db()
    assert path.line_drawing == "routed"
    assert [list(c) for c in path.geom.coords] == routed["coordinates"]


def test_the_correction_page_refuses_a_made_up_drawing_and_changes_nothing(
    client_factory, citizen, line_category
):
    path = SuggestionFactory(category=line_category, author=citizen, line_drawing="routed")
    before = (path.title, path.geom.coords)
    moved = {"type": "LineString", "coordinates": [[8.40, 49.00], [8.405, 49.002], [8.41, 49.01]]}

    refused = client_factory(citizen).post(
        edit_page(path),
        {"title": "Neu", "text": "", "geometry": json.dumps(moved), "line_drawing": "sketched"},
        HTTP_ACCEPT_LANGUAGE="de",
    )

    assert refused.status_code == 400
    assert "„line_drawing“ ist „routed“ (entlang der Straßen) oder „free“" in refused.content.decode()
    path.refresh_from_db()
    assert path.line_drawing == "routed"
    assert (path.title, path.geom.coords) == before
