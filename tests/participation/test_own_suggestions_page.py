""" "My suggestions" (/account/suggestions/), the author's correction page and what moderators see of a
correction, as pages without JavaScript."""

import re

import pytest
from django.contrib.gis.geos import Point
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from participation import services
from participation.models import (
    ModerationAction,
    ModerationEvent,
    ModerationMode,
    ModerationState,
    Suggestion,
    SuggestionVersion,
)
from participation.participants import Participant
from participation.selectors.authors import OWN_PAGE
from tests.factories import CategoryFactory, CitizenFactory, ProjectFactory, SuggestionFactory, SupportFactory

pytestmark = pytest.mark.django_db

OWN = "/account/suggestions/"


def page_url(suggestion, suffix=""):
    return f"/projects/{suggestion.project.slug}/suggestions/{suggestion.pk}/{suffix}"


def item(html, suggestion):
    """The list item of one suggestion, as HTML."""
    match = re.search(rf'<li class="own-item[^"]*" id="own-{suggestion.pk}".*?</li>', html, re.S)
    assert match, f"suggestion {suggestion.pk} is not listed"
    return match.group(0)


def decide(suggestion, action, to_state, reason=""):
    ModerationEvent.objects.create(
        project_id=suggestion.project_id,
        suggestion=suggestion,
        action=action,
        from_state=ModerationState.PENDING,
        to_state=to_state,
        reason=reason,
    )
    Suggestion.objects.filter(pk=suggestion.pk).update(moderation_state=to_state)


@pytest.fixture
def mine(point_category, citizen):
    """One suggestion of the citizen in every state, one of them in a second project."""
    other_project = CategoryFactory(
        project=ProjectFactory(slug="zweites-projekt", title_de="Radwege Nord", title_en="Radwege Nord")
    )
    target = SuggestionFactory(category=point_category, title="Ladepunkt am Bahnhof")
    rows = {
        "pending": SuggestionFactory(category=point_category, author=citizen, moderation_state="pending"),
        "published": SuggestionFactory(
            category=point_category,
            author=citizen,
            title="Ladesäule Marktplatz",
            planning_status="planned",
            official_answer="Wird 2027 gebaut.",
            answered_at=timezone.now(),
        ),
        "rejected": SuggestionFactory(category=point_category, author=citizen, moderation_state="pending"),
        "hidden": SuggestionFactory(category=point_category, author=citizen, moderation_state="hidden"),
        "merged": SuggestionFactory(
            category=point_category, author=citizen, moderation_state="merged", merged_into=target
        ),
        "withdrawn": SuggestionFactory(category=point_category, author=citizen, moderation_state="withdrawn"),
        "elsewhere": SuggestionFactory(category=other_project, author=citizen, title="Radweg Nordstadt"),
    }
    decide(rows["rejected"], ModerationAction.REJECT, "rejected", reason="Liegt <außerhalb> des Gebiets.")
    rows["target"] = target
    return rows


def test_my_suggestions_lists_every_state_with_its_label_reason_target_status_and_answer(
    client_factory, citizen, mine
):
    SuggestionFactory(category=mine["published"].category, title="Fremder Vorschlag")  # someone else's

    response = client_factory(citizen).get(OWN, HTTP_ACCEPT_LANGUAGE="en")

    html = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    assert "Fremder Vorschlag" not in html
    assert html.count('class="own-item ') == 7
    labels = {
        "pending": "Waiting for review",
        "published": "Published",
        "rejected": "Rejected",
        "hidden": "Hidden by the moderators",
        "merged": "Merged",
        "withdrawn": "Withdrawn by you",
    }
    for state, label in labels.items():
        assert f'data-state="{state}">{label}</span>' in item(html, mine[state])
    assert "Liegt &lt;außerhalb&gt; des Gebiets." in item(html, mine["rejected"])
    target = mine["target"]
    assert f'href="{page_url(target)}" class="merge-target">“Ladepunkt am Bahnhof”' in item(
        html, mine["merged"]
    )
    published = item(html, mine["published"])
    assert "Planned" in published
    assert "Wird 2027 gebaut." in published
    assert "Radwege Nord" in item(html, mine["elsewhere"])
    assert f'href="{page_url(mine["hidden"])}"' not in html  # a hidden one has no page to open


@pytest.mark.parametrize("state", ["pending", "hidden", "rejected", "withdrawn"])
def test_a_merge_target_no_longer_public_is_named_by_its_number_only(client_factory, citizen, mine, state):
    """The target of a merge was published when merged, but it can be hidden later, or go back to review after
    its own author corrected it: its (new) title is not the merged author's to read."""
    target = mine["target"]
    Suggestion.objects.filter(pk=target.pk).update(moderation_state=state, title="Neuer ungeprüfter Titel")

    html = item(client_factory(citizen).get(OWN, HTTP_ACCEPT_LANGUAGE="en").content.decode(), mine["merged"])

    assert "Neuer ungeprüfter Titel" not in html
    assert "Ladepunkt am Bahnhof" not in html
    assert page_url(target) not in html
    assert f"into no. {target.pk}" in html


def test_my_suggestions_offers_correcting_and_withdrawing_only_where_allowed(client_factory, citizen, mine):
    html = client_factory(citizen).get(OWN).content.decode()

    for state in ("pending", "published"):
        assert f'href="{page_url(mine[state], "edit/")}"' in item(html, mine[state])
        assert f'href="{page_url(mine[state], "withdraw/")}"' in item(html, mine[state])
    for state in ("rejected", "hidden", "merged", "withdrawn"):
        assert 'data-action="edit"' not in item(html, mine[state])
        assert 'data-action="withdraw"' not in item(html, mine[state])


def test_my_suggestions_says_it_in_german(client_factory, citizen, mine):
    html = client_factory(citizen).get(OWN, HTTP_ACCEPT_LANGUAGE="de").content.decode()

    assert "<h1>Meine Vorschläge</h1>" in html
    assert 'data-state="rejected">Abgelehnt</span>' in html
    assert "Begründung der Moderation:" in html
    assert "Sie haben in allen Projekten zusammen 7 Vorschläge gemacht." in html


def test_my_suggestions_needs_an_account(client):
    response = client.get(OWN)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_my_suggestions_costs_the_same_queries_for_three_or_eighteen(client_factory, citizen, point_category):
    client = client_factory(citizen)
    SuggestionFactory.create_batch(3, category=point_category, author=citizen)
    with CaptureQueriesContext(connection) as few:
        few_page = client.get(OWN).content.decode()
    target = SuggestionFactory(category=point_category)
    SuggestionFactory.create_batch(5, category=point_category, author=citizen, moderation_state="rejected")
    SuggestionFactory.create_batch(
        5, category=point_category, author=citizen, moderation_state="merged", merged_into=target
    )
    SuggestionFactory.create_batch(5, category=point_category, author=citizen, planning_status="planned")
    with CaptureQueriesContext(connection) as many:
        many_page = client.get(OWN).content.decode()

    assert few_page.count('class="own-item ') == 3
    assert many_page.count('class="own-item ') == 18
    assert len(many) == len(few)


def test_my_suggestions_is_paged(client_factory, citizen, point_category):
    SuggestionFactory.create_batch(OWN_PAGE + 2, category=point_category, author=citizen)
    client = client_factory(citizen)

    first = client.get(OWN).content.decode()
    second = client.get(OWN + "?page=2").content.decode()
    beyond = client.get(OWN + "?page=99")

    assert first.count('class="own-item ') == OWN_PAGE
    assert second.count('class="own-item ') == 2
    assert 'rel="next"' in first
    assert beyond.status_code == 200


def test_the_header_and_the_account_page_link_my_suggestions(client, client_factory, citizen, project):
    signed_in = client_factory(citizen)

    header = signed_in.get(f"/projects/{project.slug}/").content.decode()
    account = signed_in.get("/account/").content.decode()
    anonymous = client.get(f"/projects/{project.slug}/").content.decode()

    assert f'href="{OWN}" id="own-suggestions-link"' in header
    assert f'href="{OWN}" id="own-suggestions-account-link"' in account
    assert 'id="own-suggestions-link"' not in anonymous


# ------------------------------------------------------------------------------------ correction page


@pytest.fixture
def published(point_category, citizen):
    return SuggestionFactory(
        category=point_category, author=citizen, title="Am Markt", geom=Point(8.40, 49.00, srid=4326)
    )


def test_the_author_corrects_text_and_place_of_a_published_suggestion(client_factory, citizen, published):
    author = client_factory(citizen)

    detail = author.get(page_url(published)).content.decode()
    form = author.get(page_url(published, "edit/"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    saved = author.post(
        page_url(published, "edit/"),
        {
            "title": "Am Marktplatz",
            "text": "Vor dem Rathaus.",
            "geometry": '{"type":"Point","coordinates":[8.41,49.01]}',
        },
    )

    published.refresh_from_db()
    assert 'id="edit-link"' in detail
    assert 'id="id_geometry"' in form
    assert "Your correction is shown at once" in form
    assert saved.status_code == 302
    assert (published.title, published.geom.coords) == ("Am Marktplatz", (8.41, 49.01))
    assert published.moderation_state == ModerationState.PUBLISHED


def test_in_pre_moderation_the_page_says_it_goes_back_to_review_and_the_message_confirms(
    client_factory, citizen, published
):
    published.project.moderation_mode = ModerationMode.PRE
    published.project.save()
    author = client_factory(citizen)

    form = author.get(page_url(published, "edit/"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    saved = author.post(
        page_url(published, "edit/"), {"title": "Neu", "text": ""}, follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert "checked again and is not shown on the map until then" in form
    assert "A moderator checks it before your suggestion is shown on the map again." in saved.content.decode()


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "The place can no longer be moved: people already support this suggestion where it is."),
        (
            "de",
            "Der Ort kann nicht mehr verschoben werden: Es unterstützen bereits Menschen diesen Vorschlag",
        ),
    ],
)
def test_moving_a_supported_suggestion_is_refused_at_the_form_and_nothing_is_saved(
    client_factory, citizen, published, language, message
):
    SupportFactory(suggestion=published)
    Suggestion.objects.filter(pk=published.pk).update(support_count=1)
    author = client_factory(citizen)

    form = author.get(page_url(published, "edit/"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    refused = author.post(
        page_url(published, "edit/"),
        {"title": "Woanders", "text": "", "geometry": '{"type":"Point","coordinates":[8.41,49.01]}'},
        HTTP_ACCEPT_LANGUAGE=language,
    )

    published.refresh_from_db()
    assert 'id="place-locked"' in form
    assert 'id="id_geometry"' not in form
    assert refused.status_code == 409
    assert message in refused.content.decode()
    assert 'value="Woanders"' in refused.content.decode()  # what was typed is not lost
    assert (published.title, published.geom.coords) == ("Am Markt", (8.4, 49.0))


def test_a_place_outside_the_area_is_refused_at_the_form(client_factory, citizen, published):
    refused = client_factory(citizen).post(
        page_url(published, "edit/"),
        {"title": "Am Markt", "text": "", "geometry": '{"type":"Point","coordinates":[9.9,49.0]}'},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert refused.status_code == 400
    assert 'id="form-error"' in refused.content.decode()


def test_a_broken_geometry_field_is_a_400_at_the_form(client_factory, citizen, published):
    refused = client_factory(citizen).post(
        page_url(published, "edit/"),
        {"title": "Am Markt", "text": "", "geometry": "{nope"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert refused.status_code == 400
    assert "The geometry is not valid GeoJSON." in refused.content.decode()


def test_a_rejected_suggestion_is_not_offered_for_correction(client_factory, citizen, published):
    decide(published, ModerationAction.REJECT, "rejected", reason="Nein.")
    author = client_factory(citizen)

    page = author.get(page_url(published)).content.decode()
    form = author.get(page_url(published, "edit/"), follow=True, HTTP_ACCEPT_LANGUAGE="en")

    assert 'id="edit-link"' not in page
    assert "waiting for review or published can be corrected" in form.content.decode()


# ------------------------------------------------------------------------------------ moderators


@pytest.fixture
def moderator(project):
    return CitizenFactory(username="mona", profile__display_name="Mona M.", moderator_of=project)


def test_the_queue_item_of_a_corrected_suggestion_leads_to_its_previous_version(
    client_factory, citizen, moderator, published
):
    published.project.moderation_mode = ModerationMode.PRE
    published.project.save()
    services.suggestion_edit(
        actor=Participant(user=citizen),
        suggestion_id=published.pk,
        title="Ganz etwas anderes",
        text="Neuer Text.",
        geometry={"type": "Point", "coordinates": [8.41, 49.0]},
    )
    mod = client_factory(moderator)

    queue = mod.get(
        f"/projects/{published.project.slug}/moderation/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    versions = mod.get(
        f"/projects/{published.project.slug}/moderation/suggestions/{published.pk}/versions/",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    html = versions.content.decode()
    assert f'id="item-suggestion-{published.pk}"' in queue
    assert "Corrected by its author: 1 earlier version." in queue
    assert "Edited by its author" in queue  # the audit trail names the correction
    assert versions.status_code == 200
    assert "Ganz etwas anderes" in html
    assert "Am Markt" in html
    assert "about 730 m from the current place" in html  # 0.01° of longitude at 49° N, on the sphere
    assert SuggestionVersion.objects.get().title == "Am Markt"


def test_post_moderation_corrections_are_listed_on_the_queue_page(
    client_factory, citizen, moderator, published
):
    services.suggestion_edit(
        actor=Participant(user=citizen), suggestion_id=published.pk, title="Neu", text=""
    )

    queue = client_factory(moderator).get(
        f"/projects/{published.project.slug}/moderation/", HTTP_ACCEPT_LANGUAGE="en"
    )

    html = queue.content.decode()
    assert 'id="recent-corrections"' in html
    assert f"/moderation/suggestions/{published.pk}/versions/" in html
    assert "1 earlier version" in html


def test_only_moderators_see_the_versions(client_factory, citizen, published):
    services.suggestion_edit(
        actor=Participant(user=citizen), suggestion_id=published.pk, title="Neu", text=""
    )
    url = f"/projects/{published.project.slug}/moderation/suggestions/{published.pk}/versions/"

    assert client_factory(citizen).get(url).status_code == 403
    assert client_factory().get(url).status_code == 302


def test_the_versions_of_another_projects_suggestion_are_not_found_here(client_factory, moderator, published):
    elsewhere = SuggestionFactory(category=CategoryFactory(project=ProjectFactory(slug="anderswo")))

    response = client_factory(moderator).get(
        f"/projects/{published.project.slug}/moderation/suggestions/{elsewhere.pk}/versions/"
    )

    assert response.status_code == 404


def test_the_suggestion_page_and_my_suggestions_name_the_correction_alike(client_factory, citizen, published):
    """One action, one name: "Korrigieren" in the list and on the suggestion's page (it said "Bearbeiten")."""
    client = client_factory(citizen)

    detail = client.get(page_url(published), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    own = item(client.get(OWN, HTTP_ACCEPT_LANGUAGE="de").content.decode(), published)

    assert 'id="edit-link">Korrigieren</a>' in detail
    assert ">Korrigieren<" in own


def test_an_empty_title_on_the_correction_page_is_said_once_at_the_title(client_factory, citizen, published):
    response = client_factory(citizen).post(
        page_url(published, "edit/"), {"title": "", "text": "Neu"}, HTTP_ACCEPT_LANGUAGE="de"
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert html.count("Dieses Feld ist erforderlich.") == 1
    assert 'id="title-error">Dieses Feld ist erforderlich.</p>' in html
