"""The pages of following and alerts, as a browser without JavaScript uses them: plain form posts, clear
4xx messages in the person's language, nobody else's alerts reachable."""

import pytest

from participation.models import Follow, FollowQuestion, PlaceAlert, Profile
from tests.factories import CitizenFactory, SuggestionFactory


@pytest.fixture
def suggestion(point_category):
    return SuggestionFactory(category=point_category, title="Ladestation am Bahnhof")


def detail(suggestion):
    return f"/projects/{suggestion.project.slug}/suggestions/{suggestion.pk}/"


def test_follow_and_unfollow_from_the_suggestion_page(citizen, client_factory, suggestion):
    client = client_factory(citizen)
    page = client.get(detail(suggestion), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="follow-button"' in page

    followed = client.post(detail(suggestion) + "follow/", {"action": "follow", "comments": "on"})
    assert followed.status_code == 302
    assert followed["Location"].endswith("#follow")
    assert Follow.objects.get(user=citizen, suggestion=suggestion).comments is True
    page = client.get(detail(suggestion), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="unfollow-button"' in page
    assert "new comments included" in page

    client.post(detail(suggestion) + "follow/", {"action": "unfollow"})
    assert not Follow.objects.exists()


def test_a_follower_switches_the_comment_mails_in_place(citizen, client_factory, suggestion):
    """Without stopping and following again: the page's one button sends the other choice."""
    client = client_factory(citizen)
    client.post(detail(suggestion) + "follow/", {"action": "follow"})

    def switch() -> str:
        page = client.get(detail(suggestion), HTTP_ACCEPT_LANGUAGE="de").content.decode()
        form = page[
            page.index('id="unfollow-form"') : page.index("</form>", page.index('id="unfollow-form"'))
        ]
        fields = {"action": "follow"}
        if 'name="comments" value="on"' in form:
            fields["comments"] = "on"
        client.post(detail(suggestion) + "follow/", fields)
        return form

    offered = switch()
    assert "Auch neue Kommentare per E-Mail" in offered
    assert Follow.objects.get(user=citizen, suggestion=suggestion).comments is True
    offered = switch()
    assert "Keine E-Mails mehr zu neuen Kommentaren" in offered
    assert Follow.objects.get(user=citizen, suggestion=suggestion).comments is False


def test_anonymous_people_are_sent_to_sign_in(client, suggestion):
    page = client.get(detail(suggestion)).content.decode()
    assert 'id="follow-sign-in"' in page
    response = client.post(detail(suggestion) + "follow/", {"action": "follow"})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not Follow.objects.exists()


def test_an_unknown_action_is_refused(citizen, client_factory, suggestion):
    response = client_factory(citizen).post(detail(suggestion) + "follow/", {"action": "drop table"})
    assert response.status_code == 400
    assert not Follow.objects.exists()


def test_a_supporter_is_asked_once_whether_to_follow(citizen, client_factory, suggestion, settings):
    client = client_factory(citizen)
    supported = client.post(detail(suggestion) + "support/")
    assert supported["Location"].endswith("?ask=follow#follow")
    page = client.get(supported["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="follow-question"' in page
    assert 'id="follow-decline"' in page

    client.post(detail(suggestion) + "follow/", {"action": "decline"})
    assert not Follow.objects.exists()
    client.post(detail(suggestion) + "support/", {"action": "withdraw"})
    again = client.post(detail(suggestion) + "support/")
    assert again["Location"].endswith("#support")  # asked before: not again
    assert FollowQuestion.objects.filter(user=citizen).count() == 1


def test_an_alert_is_made_changed_and_deleted_on_the_account_pages(citizen, client_factory, project):
    client = client_factory(citizen)
    form = client.get(f"/projects/{project.slug}/alerts/new/")
    assert form.status_code == 200
    assert b'id="alert-config"' in form.content

    made = client.post(
        f"/projects/{project.slug}/alerts/new/",
        {"latitude": "49.001", "longitude": "8.401", "radius": "800", "delivery": "daily", "name": "Zuhause"},
    )
    assert made.status_code == 302
    alert = PlaceAlert.objects.get(user=citizen)
    assert (alert.radius, alert.delivery, alert.name) == (800, "daily", "Zuhause")
    listing = client.get("/account/follows/").content.decode()
    assert "Zuhause" in listing

    client.post(
        f"/account/alerts/{alert.pk}/",
        {
            "latitude": "49.002",
            "longitude": "8.402",
            "radius": "300",
            "delivery": "immediate",
            "name": "Büro",
        },
    )
    alert.refresh_from_db()
    assert (alert.radius, alert.delivery, alert.name) == (300, "immediate", "Büro")

    client.post(f"/account/alerts/{alert.pk}/delete/")
    assert not PlaceAlert.objects.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"radius": "5"}, "Bitte wählen Sie einen Radius zwischen 50 und 5000 Metern."),
        ({"radius": "999999"}, "Bitte wählen Sie einen Radius zwischen 50 und 5000 Metern."),
        ({"latitude": "52.52", "longitude": "13.40"}, "Bitte wählen Sie einen Ort im Gebiet des Projekts"),
        ({"latitude": "", "longitude": ""}, "Bitte wählen Sie einen Ort im Gebiet des Projekts"),
    ],
)
def test_bad_alerts_are_refused_with_a_message_in_german(citizen, client_factory, project, fields, message):
    data = {"latitude": "49.001", "longitude": "8.401", "radius": "500", "delivery": "immediate"} | fields
    response = client_factory(citizen).post(
        f"/projects/{project.slug}/alerts/new/", data, HTTP_ACCEPT_LANGUAGE="de"
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not PlaceAlert.objects.exists()


def test_the_sixth_alert_is_refused_with_a_clear_message(citizen, client_factory, project):
    client = client_factory(citizen)
    data = {"latitude": "49.001", "longitude": "8.401", "radius": "500", "delivery": "immediate"}
    for _n in range(5):
        assert client.post(f"/projects/{project.slug}/alerts/new/", data).status_code == 302
    refused = client.post(f"/projects/{project.slug}/alerts/new/", data, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 409
    assert "You have 5 alerts already" in refused.content.decode()
    assert PlaceAlert.objects.count() == 5
    assert 'id="alert-limit"' in client.get("/account/follows/").content.decode()


def test_nobody_reaches_someone_elses_alert(citizen, client_factory, project):
    data = {"latitude": "49.001", "longitude": "8.401", "radius": "500", "delivery": "immediate"}
    client_factory(citizen).post(f"/projects/{project.slug}/alerts/new/", data)
    alert = PlaceAlert.objects.get()
    other = client_factory(CitizenFactory(username="eve"))

    assert other.get(f"/account/alerts/{alert.pk}/").status_code == 404
    assert other.post(f"/account/alerts/{alert.pk}/", data | {"radius": "50"}).status_code == 404
    assert other.post(f"/account/alerts/{alert.pk}/delete/").status_code == 404
    alert.refresh_from_db()
    assert alert.radius == 500


def test_the_digest_choice_is_saved_on_the_notifications_page(citizen, client_factory):
    client = client_factory(citizen)
    client.post("/account/notifications/", {"notify": "on", "follow_delivery": "daily"})
    assert Profile.objects.get(user=citizen).follow_delivery == "daily"

    refused = client.post("/account/notifications/", {"follow_delivery": "hourly"})
    assert refused.status_code == 400
    assert Profile.objects.get(user=citizen).follow_delivery == "daily"
    assert Profile.objects.get(user=citizen).notify is True


def test_the_support_api_says_once_that_the_supporter_may_be_asked(citizen, client_factory, suggestion):
    client = client_factory(citizen)
    url = f"/api/v1/suggestions/{suggestion.pk}/support/"

    first = client.post(url, {}, content_type="application/json")
    client.delete(url)
    again = client.post(url, {}, content_type="application/json")

    assert (first.status_code, first.json()["ask_follow"]) == (201, True)
    assert (again.status_code, again.json()["ask_follow"]) == (201, False)
    assert FollowQuestion.objects.filter(user=citizen, suggestion=suggestion).count() == 1
