"""Alerts for a place without an account: an e-mail address confirmed by a mailed link before anything is
told, the anti-spam proof of anonymous forms, at most five alerts per address, confirmation mails bounded
per address, one-click unsubscribe, and unconfirmed ones purged when their link has expired."""

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from participation import follow_mail, services
from participation.models import Notice, PlaceAlert, SuggestionContact
from participation.participants import Participant
from participation.services.follows import notices_new
from tests.factories import CitizenFactory, SuggestionFactory
from tests.proofs import solved

pytestmark = pytest.mark.django_db

NEW = "/projects/test-project/alerts/new/"
CHALLENGE = "/api/v1/altcha/challenge/"
DE = {"HTTP_ACCEPT_LANGUAGE": "de"}
INSIDE = {"type": "Point", "coordinates": [8.401, 49.001]}  # ~130 m from the alert's centre


def form(client: Client, **fields: str) -> dict[str, str]:
    data = {
        "latitude": "49.0",
        "longitude": "8.4",
        "radius": "500",
        "delivery": "immediate",
        "name": "Kauf bei uns: www.spam.example",
        "email": "bea@example.org",
        "website": "",
        "altcha": solved(client),
    }
    data.update(fields)
    return data


def publish(project, category, title="Neue Ladestation", geometry=INSIDE):
    """A signed-in citizen's suggestion, published at once (post-moderation)."""
    return services.suggestion_create(
        actor=Participant(user=CitizenFactory(), address="192.0.2.9"),
        project=project,
        category_key=category.key,
        geometry=geometry,
        title=title,
        text="",
    )


def path_of(link: str) -> str:
    return re.sub(r"^https?://[^/]+", "", link)


def confirm_link(mail) -> str:
    return path_of(re.search(r"https?://\S+/alerts/confirm/\S+/", mail.body).group(0))


def test_an_alert_without_an_account_tells_nothing_until_its_address_is_confirmed(
    client, project, point_category, mailoutbox, run_worker, django_capture_on_commit_callbacks
):
    page = client.get(NEW, **DE).content.decode()
    assert 'id="alert-email"' in page
    assert "<altcha-widget" in page

    response = client.post(NEW, form(client), **DE)
    assert response.status_code == 200
    assert "bea@example.org" in response.content.decode()  # shown to whoever just typed it
    assert 'id="alert-sent"' in response.content.decode()
    alert = PlaceAlert.objects.get()
    assert (alert.user, alert.email, alert.confirmed_at, alert.language) == (
        None,
        "bea@example.org",
        None,
        "de",
    )

    assert run_worker() == 0
    [question] = mailoutbox
    assert question.to == ["bea@example.org"]
    assert question.subject.startswith("Bitte bestätigen Sie Ihre Benachrichtigung")
    assert "spam.example" not in question.body  # nothing the sender typed reaches the stranger
    mailoutbox.clear()

    # Unconfirmed: a new suggestion in the place leaves no notice and no mail.
    with django_capture_on_commit_callbacks(execute=True):
        publish(project, point_category, title="Zu früh")
    assert run_worker() == 0
    assert mailoutbox == []
    assert not Notice.objects.exists()

    link = confirm_link(question)
    asked = client.get(link, **DE)  # mail scanners open links: that must not confirm anything
    alert.refresh_from_db()
    assert asked.status_code == 200
    assert alert.confirmed_at is None
    confirmed = Client().post(link, **DE)
    alert.refresh_from_db()
    assert confirmed.status_code == 200
    assert 'id="alert-confirmed"' in confirmed.content.decode()
    assert alert.confirmed_at is not None

    with django_capture_on_commit_callbacks(execute=True):
        told = publish(project, point_category, title="Jetzt bestätigt")
    assert run_worker() == 0
    [mail] = mailoutbox
    assert mail.to == ["bea@example.org"]
    assert "Jetzt bestätigt" in mail.body
    assert "Zu früh" not in mail.body
    assert f"/suggestions/{told.pk}/" in mail.body
    assert "/account/follows/" not in mail.body  # no account to manage: the link deletes the alert

    # The one-click link deletes the alert, without a session or a CSRF token.
    unsubscribe = re.search(r"<https?://[^/]+(/[^>]+)>", mail.extra_headers["List-Unsubscribe"]).group(1)
    assert Client(enforce_csrf_checks=True).post(unsubscribe).status_code == 200
    assert not PlaceAlert.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field_error", "message"),
    [
        ({"email": ""}, "email", "Bitte geben Sie eine gültige E-Mail-Adresse ein."),
        ({"email": "nicht-eine-adresse"}, "email", "Bitte geben Sie eine gültige E-Mail-Adresse ein."),
        ({"email": "a@example.org\nBcc: b@example.org"}, "email", "gültige E-Mail-Adresse"),
        ({"altcha": ""}, None, "Roboter"),
        ({"altcha": "<script>alert(1)</script>"}, None, "Spam-Prüfung ist fehlgeschlagen"),
        ({"website": "http://spam.example"}, None, "automatisiertem Spam"),
        ({"radius": "100000"}, "radius", "Radius"),
    ],
)
def test_bad_input_is_refused_in_german_and_stores_nothing(
    client, project, mailoutbox, run_worker, fields, field_error, message
):
    response = client.post(NEW, form(client, **fields), **DE)

    page = response.content.decode()
    assert 400 <= response.status_code < 500
    assert 'id="alert-error"' in page
    assert message in page
    if field_error:
        assert 'aria-invalid="true"' in page
    assert not PlaceAlert.objects.exists()
    run_worker()
    assert mailoutbox == []


def test_an_address_has_at_most_five_alerts_whatever_its_capitals(client, project):
    for number in range(5):
        email = "Bea@Example.org" if number % 2 else "bea@example.org"
        assert client.post(NEW, form(client, email=email), **DE).status_code == 200

    refused = client.post(NEW, form(client, email="BEA@EXAMPLE.ORG"), **DE)

    assert refused.status_code == 409
    assert "Diese E-Mail-Adresse hat schon 5 Benachrichtigungen" in refused.content.decode()
    assert PlaceAlert.objects.count() == 5


def test_confirmation_mails_to_one_address_are_bounded(client, project, settings, mailoutbox, run_worker):
    settings.WRITE_LIMITS = {**settings.WRITE_LIMITS, "contact": "1/86400"}
    assert client.post(NEW, form(client), **DE).status_code == 200

    refused = Client().post(NEW, form(client, email="BEA@example.org"), **DE)

    assert refused.status_code == 429
    assert "zu viele Bestätigungs-E-Mails. Bitte versuchen Sie" in refused.content.decode()
    assert PlaceAlert.objects.count() == 1
    run_worker()
    assert len(mailoutbox) == 1


@pytest.mark.parametrize("token", ["1:forged", "x", "WzEsMl0:1vQx:abc"])
def test_a_forged_confirmation_link_confirms_nothing(client, project, token):
    alert = PlaceAlert.objects.create(
        project=project, email="bea@example.org", centre="POINT(8.4 49.0)", radius=500, language="de"
    )

    response = client.post(f"/alerts/confirm/{token}/", **DE)

    alert.refresh_from_db()
    assert response.status_code == 404
    assert "Dieser Bestätigungslink ist ungültig" in response.content.decode()
    assert alert.confirmed_at is None


def test_an_expired_or_foreign_link_confirms_nothing(client, project, citizen, monkeypatch):
    alert = PlaceAlert.objects.create(
        project=project, email="bea@example.org", centre="POINT(8.4 49.0)", radius=500, language="de"
    )
    own = PlaceAlert.objects.create(
        project=project, user=citizen, centre="POINT(8.4 49.0)", radius=500, language="de"
    )
    link = path_of(follow_mail.alert_confirm_link(alert))
    account_link = path_of(follow_mail.alert_confirm_link(own))  # accounts' alerts have nothing to confirm
    monkeypatch.setattr(follow_mail, "ALERT_LINK_AGE", -1)

    assert client.post(link, **DE).status_code == 404
    monkeypatch.setattr(follow_mail, "ALERT_LINK_AGE", 3600)
    assert client.post(account_link, **DE).status_code == 404
    alert.refresh_from_db()
    assert alert.confirmed_at is None


def test_one_mail_per_address_and_suggestion_and_none_about_ones_own(
    project, point_category, mailoutbox, run_worker, django_capture_on_commit_callbacks
):
    now = timezone.now()
    for email, radius in (("bea@example.org", 500), ("BEA@example.org", 1000), ("cem@example.org", 500)):
        PlaceAlert.objects.create(
            project=project,
            email=email,
            centre="POINT(8.4 49.0)",
            radius=radius,
            language="de",
            confirmed_at=now,
        )
    # Cem left his address with his own anonymous suggestion: he is not told of it.
    own = SuggestionFactory(project=project, category=point_category, geom="POINT(8.401 49.001)")
    SuggestionContact.objects.create(suggestion=own, email="Cem@example.org", language="de")
    with django_capture_on_commit_callbacks(execute=True):
        notices_new(suggestion_ids=[own.pk])
    run_worker()

    assert [m.to for m in mailoutbox] == [["bea@example.org"]]


def test_a_daily_digest_is_one_mail_per_alert_and_its_link_deletes_that_alert(
    project, point_category, mailoutbox
):
    now = timezone.now()
    near, wide = (
        PlaceAlert.objects.create(
            project=project,
            email="bea@example.org",
            centre="POINT(8.4 49.0)",
            radius=radius,
            delivery="daily",
            language="de",
            confirmed_at=now,
        )
        for radius in (200, 5000)
    )
    publish(project, point_category, title="Nah")
    publish(
        project, point_category, title="Weiter weg", geometry={"type": "Point", "coordinates": [8.43, 49.0]}
    )

    call_command("send_digests", verbosity=0)

    # "Nah" lies in both alerts: told once, by the older one; "Weiter weg" only in the wide one.
    assert len(mailoutbox) == 2
    by_alert = {
        mail: re.search(r"<https?://[^/]+(/[^>]+)>", mail.extra_headers["List-Unsubscribe"]).group(1)
        for mail in mailoutbox
    }
    first, second = mailoutbox
    assert "Nah" in first.body
    assert "Weiter weg" not in first.body
    assert "Weiter weg" in second.body
    Client().post(by_alert[first])
    assert list(PlaceAlert.objects.values_list("pk", flat=True)) == [wide.pk]
    assert near.pk != wide.pk
    call_command("send_digests", verbosity=0)
    assert len(mailoutbox) == 2  # nothing sent twice


def test_unconfirmed_alerts_are_purged_when_their_link_expires(project):
    old = timezone.now() - timedelta(days=15)
    fields = {"project": project, "centre": "POINT(8.4 49.0)", "radius": 500, "language": "de"}
    stale = PlaceAlert.objects.create(email="old@example.org", created_at=old, **fields)
    kept = PlaceAlert.objects.create(email="kept@example.org", created_at=old, confirmed_at=old, **fields)
    fresh = PlaceAlert.objects.create(email="new@example.org", **fields)
    account = PlaceAlert.objects.create(user=CitizenFactory(), created_at=old, **fields)

    call_command("purge_personal_data", verbosity=0)

    remaining = set(PlaceAlert.objects.values_list("pk", flat=True))
    assert remaining == {kept.pk, fresh.pk, account.pk}
    assert stale.pk not in remaining


def test_a_signed_in_person_gives_no_address_and_solves_no_proof(client, citizen, project):
    client.force_login(citizen)
    page = client.get(NEW, **DE).content.decode()
    assert 'id="alert-email"' not in page
    assert "<altcha-widget" not in page

    response = client.post(
        NEW,
        {
            "latitude": "49.0",
            "longitude": "8.4",
            "radius": "500",
            "delivery": "daily",
            "email": "x@example.org",
        },
        **DE,
    )

    assert response.status_code == 302
    alert = PlaceAlert.objects.get()
    assert (alert.user, alert.email) == (citizen, "")


def test_signing_up_with_the_address_takes_over_its_confirmed_alerts(
    client, project, point_category, mailoutbox
):
    """ "Or sign in to see all your alerts in one place": once the address is verified for an account, the
    alerts made with it (and confirmed) are the account's; one nobody confirmed stays as it was."""
    now = timezone.now()
    fields = {"project": project, "centre": "POINT(8.4 49.0)", "radius": 500, "language": "de"}
    confirmed = PlaceAlert.objects.create(email="Bea@example.org", confirmed_at=now, name="Markt", **fields)
    unconfirmed = PlaceAlert.objects.create(email="bea@example.org", **fields)
    pending = Notice.objects.create(
        kind="new",
        suggestion=SuggestionFactory(project=project, category=point_category),
        alert=confirmed,
        daily=True,
        language="de",
    )

    client.post(
        "/accounts/signup/",
        {
            "email": "bea@example.org",
            "password1": "ein-langes-passwort-2026",
            "password2": "ein-langes-passwort-2026",
            "display_name": "Bea",
        },
    )
    assert PlaceAlert.objects.get(pk=confirmed.pk).user is None  # not before the address is verified
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mailoutbox[-1].body).group(0)
    assert client.post(path_of(link)).status_code == 302

    confirmed.refresh_from_db()
    unconfirmed.refresh_from_db()
    pending.refresh_from_db()
    assert confirmed.user is not None
    assert (confirmed.user.email, confirmed.email) == ("bea@example.org", "")
    assert (unconfirmed.user, unconfirmed.email) == (None, "bea@example.org")
    assert pending.user == confirmed.user  # what it had not mailed yet goes to the account's digest
    client.force_login(confirmed.user)
    assert "Markt" in client.get("/account/follows/").content.decode()


def test_an_account_with_the_address_takes_the_alert_over_when_it_is_confirmed(client, citizen, project):
    """Made while signed out by someone whose account has the address: confirming proves it is theirs."""
    assert client.post(NEW, form(client, email="ANNA@example.org"), **DE).status_code == 200
    alert = PlaceAlert.objects.get()

    confirmed = Client().post(path_of(follow_mail.alert_confirm_link(alert)), **DE)

    alert.refresh_from_db()
    assert (alert.user, alert.email) == (citizen, "")
    assert alert.confirmed_at is not None
    assert 'id="alert-in-account"' in confirmed.content.decode()
    # Opened again later, the link says where the alert is now.
    again = Client().get(path_of(follow_mail.alert_confirm_link(alert)), **DE)
    assert again.status_code == 200
    assert 'id="alert-in-account"' in again.content.decode()
