"""Personal-data rights: download your data, delete your account without losing contributions, choose and
stop mails; and retention: addresses and unconfirmed e-mail addresses are forgotten in time."""

import json
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from participation.contacts import CONTACT_LINK_AGE
from participation.models import (
    Comment,
    ModerationState,
    Profile,
    ProjectRole,
    Report,
    StaffRole,
    Suggestion,
    SuggestionContact,
    Support,
)
from participation.notifications import UNSUBSCRIBE_SALT
from tests.factories import (
    CitizenFactory,
    CommentFactory,
    ProjectRoleFactory,
    ReportFactory,
    SuggestionFactory,
    SupportFactory,
    UserFactory,
)

PASSWORD = "pw-for-tests"  # tests.factories.UserFactory


@pytest.fixture
def contributions(point_category, citizen):
    """What the citizen contributed, next to what someone else contributed on the same suggestions."""
    other = CitizenFactory(username="bernd", email="bernd@example.org", profile__display_name="Bernd B.")
    own = SuggestionFactory(category=point_category, author=citizen, title="Annas Vorschlag")
    others = SuggestionFactory(
        category=point_category, author=other, title="Bernds Vorschlag", display_name="Bernd B."
    )
    CommentFactory(suggestion=others, author=citizen, display_name="Anna K.", text="Annas Kommentar")
    CommentFactory(suggestion=own, author=other, display_name="Bernd B.", text="Bernds Kommentar")
    SupportFactory(suggestion=others, user=citizen)
    SupportFactory(suggestion=own, user=other)
    ReportFactory(suggestion=others, reporter=citizen, reason="other", text="Annas Meldung")
    ReportFactory(suggestion=own, reporter=other, reason="spam", text="Bernds Meldung")
    return {"own": own, "others": others, "other": other}


# ------------------------------------------------------------------------------------ download


def test_the_download_holds_the_users_data_and_nothing_of_anyone_else(client_factory, citizen, contributions):
    response = client_factory(citizen).get("/account/data/")

    data = json.loads(response.content)
    text = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"] == 'attachment; filename="my-data.json"'
    assert "no-store" in response["Cache-Control"]
    assert data["account"]["username"] == "anna"
    assert data["account"]["email_addresses"][0]["email"] == "anna@example.org"
    assert [s["title"] for s in data["suggestions"]] == ["Annas Vorschlag"]
    assert data["suggestions"][0]["geometry"]["type"] == "Point"  # a GeoJSON object, not a string
    assert [c["text"] for c in data["comments"]] == ["Annas Kommentar"]
    assert [s["suggestion"] for s in data["supports"]] == [contributions["others"].pk]
    assert [r["text"] for r in data["reports"]] == ["Annas Meldung"]
    for foreign in ("bernd", "Bernds Vorschlag", "Bernds Kommentar", "Bernds Meldung"):
        assert foreign not in text


def test_the_download_needs_a_signed_in_user(client, db):
    response = client.get("/account/data/")

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_header_links_to_the_account_pages(client_factory, citizen, project):
    html = client_factory(citizen).get("/account/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert 'href="/account/"' in html  # the header's account link
    for path in ("/account/data/", "/account/notifications/", "/account/delete/"):
        assert f'href="{path}"' in html


# ------------------------------------------------------------------------------------ deletion


def test_deleting_the_account_keeps_contributions_anonymised(client_factory, citizen, contributions):
    counts_before = [m.objects.count() for m in (Suggestion, Comment, Support, Report)]
    own, others = contributions["own"], contributions["others"]
    support_counts = list(Suggestion.objects.order_by("id").values_list("support_count", "comment_count"))
    client = client_factory(citizen)

    explained = client.get("/account/delete/", HTTP_ACCEPT_LANGUAGE="en")
    response = client.post("/account/delete/", {"password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="en")

    assert "stay" in explained.content.decode()
    assert response.status_code == 200
    assert 'id="account-deleted"' in response.content.decode()
    assert not get_user_model().objects.filter(username="anna").exists()
    assert not Profile.objects.filter(display_name="Anna K.").exists()
    assert [m.objects.count() for m in (Suggestion, Comment, Support, Report)] == counts_before
    assert (
        list(Suggestion.objects.order_by("id").values_list("support_count", "comment_count"))
        == support_counts
    )
    own.refresh_from_db()
    assert (own.author_id, own.display_name, own.title) == (None, "", "Annas Vorschlag")
    comment = Comment.objects.get(text="Annas Kommentar")
    assert (comment.author_id, comment.display_name) == (None, "")
    support = Support.objects.get(suggestion=others)
    assert support.user_id is None
    assert len(support.browser) == 64
    report = Report.objects.get(text="Annas Meldung")
    assert report.reporter_id is None
    assert len(report.reporter_browser) == 64  # still one person when reports hide an item automatically
    # What others contributed is untouched.
    assert Comment.objects.get(text="Bernds Kommentar").author == contributions["other"]
    assert Support.objects.get(suggestion=own).user == contributions["other"]
    # Signed out, and the account is gone for good.
    assert "_auth_user_id" not in client.session
    assert client.get("/account/data/").status_code == 302
    login = client.post("/accounts/login/", {"login": "anna@example.org", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert login.status_code == 200


def test_a_wrong_password_refuses_deletion(client_factory, citizen, contributions):
    client = client_factory(citizen)

    response = client.post("/account/delete/", {"password": "falsch"}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert 'id="password-error"' in response.content.decode()
    assert get_user_model().objects.filter(pk=citizen.pk).exists()
    assert Suggestion.objects.get(pk=contributions["own"].pk).author_id == citizen.pk
    assert client.session["_auth_user_id"] == str(citizen.pk)


def test_staff_accounts_can_be_deleted_too(client_factory, project):
    moderator = CitizenFactory(moderator_of=project)

    response = client_factory(moderator).post("/account/delete/", {"password": PASSWORD})

    assert response.status_code == 200
    assert not get_user_model().objects.filter(pk=moderator.pk).exists()
    assert not ProjectRole.objects.exists()


# ------------------------------------------------------------------------------------ notifications


def test_the_user_switches_mails_off_and_on(client_factory, citizen):
    client = client_factory(citizen)

    off = client.post("/account/notifications/", {})
    assert off.status_code == 302
    assert Profile.objects.get(user=citizen).notify is False
    client.post("/account/notifications/", {"notify": "on"})
    assert Profile.objects.get(user=citizen).notify is True


def user_token(user):
    return signing.dumps(["user", user.pk], salt=UNSUBSCRIBE_SALT)


def contact_token(contact):
    return signing.dumps(["contact", contact.pk], salt=UNSUBSCRIBE_SALT)


def test_unsubscribe_asks_on_get_and_unsubscribes_the_account_on_post(client, citizen):
    url = f"/unsubscribe/{user_token(citizen)}/"

    asked = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert asked.status_code == 200
    assert 'id="unsubscribe"' in asked.content.decode()
    assert Profile.objects.get(user=citizen).notify is True

    done = client.post(url, HTTP_ACCEPT_LANGUAGE="en")  # one click: no session, no CSRF token
    assert done.status_code == 200
    assert 'id="unsubscribed"' in done.content.decode()
    assert Profile.objects.get(user=citizen).notify is False


def test_unsubscribe_works_for_an_anonymous_authors_address(client, point_category):
    suggestion = SuggestionFactory(category=point_category, author=None)
    contact = SuggestionContact.objects.create(
        suggestion=suggestion, email="anon@example.org", language="de", confirmed_at=timezone.now()
    )
    url = f"/unsubscribe/{contact_token(contact)}/"

    client.get(url)
    contact.refresh_from_db()
    assert contact.unsubscribed_at is None
    client.post(url)
    contact.refresh_from_db()
    assert contact.unsubscribed_at is not None


@pytest.mark.parametrize(
    "token",
    [
        "forged",
        signing.dumps(["user", 1], salt="another.salt"),
        signing.dumps(["admin", 1], salt=UNSUBSCRIBE_SALT),
        signing.dumps("user", salt=UNSUBSCRIBE_SALT),
    ],
    # Named, not shown: a signed token holds the time it was made, and every xdist worker must collect
    # the same test ids.
    ids=["forged", "other-salt", "other-kind", "not-a-pair"],
)
def test_a_forged_unsubscribe_link_is_404(client, citizen, token):
    assert client.get(f"/unsubscribe/{token}/").status_code == 404
    assert client.post(f"/unsubscribe/{token}/").status_code == 404
    assert Profile.objects.get(user=citizen).notify is True


# ------------------------------------------------------------------------------------ retention


@override_settings(ADDRESS_RETENTION_DAYS=30)
def test_the_purge_command_forgets_old_addresses_and_unconfirmed_contacts(point_category, capsys):
    now = timezone.now()
    old = SuggestionFactory(
        category=point_category, source_address="a" * 64, created_at=now - timedelta(days=31)
    )
    recent = SuggestionFactory(
        category=point_category, source_address="b" * 64, created_at=now - timedelta(days=29)
    )
    old_comment = CommentFactory(
        suggestion=recent,
        text="alt",
        moderation_state=ModerationState.PENDING,
        source_address="c" * 64,
        created_at=now - timedelta(days=40),
    )
    old_report = ReportFactory(
        suggestion=recent, reporter=None, source_address="d" * 64, created_at=now - timedelta(days=40)
    )
    expired = now - timedelta(seconds=CONTACT_LINK_AGE + 60)
    unconfirmed = SuggestionContact.objects.create(
        suggestion=old, email="weg@example.org", language="de", created_at=expired
    )
    confirmed = SuggestionContact.objects.create(
        suggestion=recent, email="bleibt@example.org", language="de", created_at=expired, confirmed_at=expired
    )
    fresh = SuggestionContact.objects.create(
        suggestion=SuggestionFactory(category=point_category), email="neu@example.org", language="de"
    )

    call_command("purge_personal_data", "--dry-run")
    dry = capsys.readouterr().out
    assert "Would empty 3 source addresses" in dry
    assert SuggestionContact.objects.filter(pk=unconfirmed.pk).exists()
    assert Suggestion.objects.get(pk=old.pk).source_address == "a" * 64

    call_command("purge_personal_data")

    out = capsys.readouterr().out
    assert "Emptied 3 source addresses" in out
    assert "deleted 1 unconfirmed" in out
    assert Suggestion.objects.get(pk=old.pk).source_address == ""
    assert Suggestion.objects.get(pk=recent.pk).source_address == "b" * 64
    assert Comment.objects.get(pk=old_comment.pk).source_address == ""
    assert Report.objects.get(pk=old_report.pk).source_address == ""
    assert set(SuggestionContact.objects.values_list("pk", flat=True)) == {confirmed.pk, fresh.pk}


# ------------------------------------------------------------------------------------ staff views


def test_a_moderator_reading_pages_and_the_api_sees_no_e_mail_address(
    client_factory, project, point_category
):
    author = CitizenFactory(email="author-secret@example.org", profile__display_name="Autorin")
    suggestion = SuggestionFactory(category=point_category, author=author, display_name="Autorin")
    CommentFactory(suggestion=suggestion, author=author, text="Kommentar", display_name="Autorin")
    SuggestionContact.objects.create(
        suggestion=SuggestionFactory(category=point_category, author=None),
        email="anon-secret@example.org",
        language="de",
        confirmed_at=timezone.now(),
    )
    moderator = UserFactory(moderator_of=project)
    planner = UserFactory(planner_of=project)

    for staff in (moderator, planner):
        client = client_factory(staff)
        for url in (
            f"/projects/{project.slug}/",
            f"/projects/{project.slug}/suggestions/{suggestion.pk}/",
            f"/api/v1/projects/{project.slug}/suggestions/",
            f"/api/v1/projects/{project.slug}/list/",
            f"/api/v1/suggestions/{suggestion.pk}/",
            f"/api/v1/suggestions/{suggestion.pk}/comments/",
        ):
            body = client.get(url).content.decode()
            assert "secret@example.org" not in body, url


def test_a_moderators_download_holds_their_decisions(client_factory, citizen, project, point_category):
    from participation import services
    from participation.models import ModerationState, StaffRole
    from tests.factories import ProjectRoleFactory, SuggestionFactory

    ProjectRoleFactory(project=project, user=citizen, role=StaffRole.MODERATOR)
    pending = SuggestionFactory(category=point_category, moderation_state=ModerationState.PENDING)
    services.item_decide(
        actor=citizen,
        decision=services.Decision("suggestion", pending.pk, ModerationState.PENDING),
        action="reject",
        reason="Doppelt eingetragen",
    )

    data = json.loads(client_factory(citizen).get("/account/data/").content)

    assert data["decisions"] == [
        {
            "suggestion": pending.pk,
            "comment": None,
            "photo": False,
            "action": "reject",
            "from": "pending",
            "to": "rejected",
            "reason": "Doppelt eingetragen",
            "created": data["decisions"][0]["created"],
        }
    ]


def test_the_account_page_links_the_staff_pages_of_each_role(client_factory, project, citizen):
    url = reverse("participation:account")
    assert 'id="staff-links"' not in client_factory(citizen).get(url).content.decode()

    ProjectRoleFactory(project=project, user=citizen, role=StaffRole.MODERATOR)
    html = client_factory(citizen).get(url).content.decode()
    assert reverse("participation:moderation-queue", kwargs={"slug": project.slug}) in html
    assert reverse("geo:export", kwargs={"slug": project.slug}) not in html

    ProjectRoleFactory(project=project, user=citizen, role=StaffRole.PLANNER)
    html = client_factory(citizen).get(url).content.decode()
    assert reverse("participation:planning-dashboard", kwargs={"slug": project.slug}) in html
    assert reverse("geo:export", kwargs={"slug": project.slug}) in html


@pytest.mark.parametrize("how", ["delete page", "bulk action"])
def test_deleting_an_account_in_the_admin_anonymises_like_the_owner_would(
    client_factory, citizen, contributions, how
):
    """An administrator deleting an account must not cascade its supports away behind the counters' back or
    keep its public name on its contributions: the admin goes through account_delete as well."""
    admin_user = UserFactory(is_superuser=True, is_staff=True)
    client = client_factory(admin_user)
    counts = list(Suggestion.objects.order_by("id").values_list("support_count", "comment_count"))
    supports = Support.objects.count()

    if how == "delete page":
        response = client.post(f"/admin/auth/user/{citizen.pk}/delete/", {"post": "yes"})
    else:
        response = client.post(
            "/admin/auth/user/",
            {"action": "delete_selected", "_selected_action": [citizen.pk], "post": "yes"},
        )

    assert response.status_code == 302
    assert not get_user_model().objects.filter(pk=citizen.pk).exists()
    assert Support.objects.count() == supports
    assert list(Suggestion.objects.order_by("id").values_list("support_count", "comment_count")) == counts
    own = Suggestion.objects.get(pk=contributions["own"].pk)
    assert (own.author_id, own.display_name) == (None, "")
    assert not Comment.objects.filter(display_name="Anna K.").exists()
