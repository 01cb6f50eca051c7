"""A suggestion's shareable page and its forms (support, comment, report), without JavaScript."""

from datetime import timedelta

import pytest
from django.utils import timezone

from participation.models import Comment, ModerationMode, ModerationState, Report, Support
from tests.factories import SuggestionFactory, UserFactory


def page_url(suggestion):
    return f"/projects/{suggestion.project.slug}/suggestions/{suggestion.pk}/"


@pytest.fixture
def suggestion(point_category):
    return SuggestionFactory(category=point_category, title="Lader am Marktplatz", text="Erste Zeile\nZweite")


def test_the_page_shows_the_suggestion_with_its_status_and_answer(client, suggestion):
    suggestion.planning_status = "planned"
    suggestion.official_answer = "Wird 2027 gebaut."
    suggestion.save()

    response = client.get(page_url(suggestion), HTTP_ACCEPT_LANGUAGE="en")

    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 id="suggestion-title">Lader am Marktplatz</h1>' in html
    assert "Planned" in html
    assert "Wird 2027 gebaut." in html
    assert "Sign in to support" in html  # anonymous visitors are invited, not shown a dead button


@pytest.mark.parametrize(
    ("state", "explanation"),
    [
        (ModerationState.HIDDEN, "removed by the moderators because it broke the participation rules"),
        (ModerationState.REJECTED, "This suggestion was not approved by the moderators."),
    ],
)
def test_hidden_and_rejected_suggestions_answer_410_with_an_explanation(
    client, point_category, state, explanation
):
    gone = SuggestionFactory(category=point_category, moderation_state=state)

    response = client.get(page_url(gone), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 410
    assert explanation in response.content.decode()


def test_a_pending_suggestion_is_404_except_for_its_author(client, client_factory, point_category, citizen):
    pending = SuggestionFactory(
        category=point_category, moderation_state=ModerationState.PENDING, author=citizen
    )

    assert client.get(page_url(pending)).status_code == 404
    assert client_factory(UserFactory()).get(page_url(pending)).status_code == 404
    own = client_factory(citizen).get(page_url(pending), HTTP_ACCEPT_LANGUAGE="en")
    assert own.status_code == 200
    assert "Waiting for review" in own.content.decode()


def test_a_suggestion_under_another_projects_address_is_404(client, suggestion):
    assert client.get(f"/projects/elsewhere/suggestions/{suggestion.pk}/").status_code == 404


def test_user_text_is_escaped_on_the_page(client, point_category):
    hostile = SuggestionFactory(
        category=point_category, title="<script>alert(1)</script>", text="<img src=x>"
    )

    html = client.get(page_url(hostile)).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x>" not in html


def test_support_form_supports_once_and_withdraws(client_factory, citizen, suggestion):
    client = client_factory(citizen)
    url = page_url(suggestion) + "support/"

    first = client.post(url)
    second = client.post(url, HTTP_ACCEPT_LANGUAGE="en")
    client.post(url, {"action": "withdraw"})

    assert first.status_code == 302
    assert second.status_code == 409
    assert "You already support this suggestion." in second.content.decode()
    assert not Support.objects.exists()


def test_anonymous_support_leads_to_sign_in(client, suggestion):
    response = client.post(page_url(suggestion) + "support/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not Support.objects.exists()


def test_an_empty_comment_is_refused_at_the_comment_form(client_factory, citizen, suggestion):
    response = client_factory(citizen).post(
        page_url(suggestion) + "comments/", {"text": "   "}, HTTP_ACCEPT_LANGUAGE="en"
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="comment-error"' in html
    assert not Comment.objects.exists()


def test_a_comment_is_published_and_shown(client_factory, citizen, suggestion):
    client = client_factory(citizen)

    response = client.post(page_url(suggestion) + "comments/", {"text": "<b>Gute</b> Idee"}, follow=True)

    html = response.content.decode()
    assert "&lt;b&gt;Gute&lt;/b&gt; Idee" in html
    assert "Anna K." in html
    suggestion.refresh_from_db()
    assert suggestion.comment_count == 1


def test_in_pre_moderation_a_comment_waits_and_is_not_shown(client_factory, citizen, suggestion, project):
    project.moderation_mode = ModerationMode.PRE
    project.save()

    response = client_factory(citizen).post(
        page_url(suggestion) + "comments/", {"text": "Später sichtbar"}, follow=True
    )

    assert "Später sichtbar" not in response.content.decode().split('id="comments"')[1]
    assert Comment.objects.get().moderation_state == ModerationState.PENDING


def test_the_report_form_files_one_report(client_factory, citizen, suggestion):
    client = client_factory(citizen)
    url = page_url(suggestion) + "reports/"

    client.post(url, {"reason": "spam"})
    again = client.post(url, {"reason": "offensive"}, HTTP_ACCEPT_LANGUAGE="en")

    assert again.status_code == 409
    assert "You have already reported this." in again.content.decode()
    assert Report.objects.count() == 1


def test_after_the_phase_the_page_offers_no_forms(client_factory, citizen, suggestion, project):
    project.phase_end = timezone.now() - timedelta(days=1)
    project.phase_start = project.phase_end - timedelta(days=30)
    project.save()

    html = client_factory(citizen).get(page_url(suggestion), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert 'id="comment-form"' not in html
    assert 'id="support-button"' not in html
    assert "Participation has ended" in html


def test_the_map_page_says_when_participation_has_ended(client, project, point_category):
    project.phase_end = timezone.now() - timedelta(days=1)
    project.phase_start = project.phase_end - timedelta(days=30)
    project.save()

    html = client.get(f"/projects/{project.slug}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert 'id="phase-notice"' in html
    assert 'id="compose-start"' not in html


def test_the_map_page_offers_a_suggestion_only_to_signed_in_citizens(
    client, client_factory, citizen, project
):
    anonymous = client.get(f"/projects/{project.slug}/").content.decode()
    signed_in = client_factory(citizen).get(f"/projects/{project.slug}/").content.decode()

    assert 'id="signin-notice"' in anonymous
    assert 'id="compose-start"' not in anonymous
    assert 'id="compose-start"' in signed_in


def test_a_page_action_under_another_projects_address_is_404(client_factory, citizen, suggestion):
    response = client_factory(citizen).post(f"/projects/elsewhere/suggestions/{suggestion.pk}/support/")

    assert response.status_code == 404
    assert not Support.objects.exists()


def test_a_malformed_comment_id_in_a_report_is_refused_not_filed_against_the_suggestion(
    client_factory, citizen, suggestion
):
    response = client_factory(citizen).post(
        page_url(suggestion) + "reports/", {"reason": "spam", "comment": "7x"}
    )

    assert response.status_code == 400
    assert not Report.objects.exists()
