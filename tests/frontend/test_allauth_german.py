"""allauth's own German texts say "du"; our catalogue overrides them with "Sie" on every page and mail."""

import re
from html import unescape

import pytest
from django.core import mail

from tests.factories import CitizenFactory

pytestmark = pytest.mark.django_db

# The informal address in German: pronouns and possessives in every case.
INFORMAL = re.compile(r"\b(du|dich|dir|dein|deine|deinen|deinem|deiner|deines)\b", re.IGNORECASE)


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize(
    "url",
    [
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/accounts/password/reset/done/",
        "/accounts/confirm-email/",
        "/accounts/password/reset/key/1-invalid/",
    ],
)
def test_account_pages_address_people_with_sie(client, url):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="de", follow=True)

    text = visible_text(response.content.decode())
    assert response.status_code == 200
    assert INFORMAL.findall(text) == [], url


def test_sign_up_and_password_reset_pages_show_our_wording(client):
    signup = visible_text(client.get("/accounts/signup/", HTTP_ACCEPT_LANGUAGE="de").content.decode())
    reset = visible_text(client.get("/accounts/password/reset/", HTTP_ACCEPT_LANGUAGE="de").content.decode())

    assert "Sie haben schon ein Konto?" in signup
    assert "Geben Sie unten Ihre E-Mail-Adresse ein" in reset


def test_signed_in_account_page_confirmation_texts_say_sie(client):
    client.force_login(CitizenFactory())

    response = client.get("/accounts/logout/", HTTP_ACCEPT_LANGUAGE="de")

    text = visible_text(response.content.decode())
    assert "Möchten Sie sich wirklich abmelden?" in text
    assert INFORMAL.findall(text) == []


def test_allauth_mails_address_people_with_sie(client, settings):
    CitizenFactory(username="berta", email="berta@example.org")

    client.post("/accounts/password/reset/", {"email": "berta@example.org"}, HTTP_ACCEPT_LANGUAGE="de")
    client.post(
        "/accounts/signup/",
        {
            "email": "berta@example.org",
            "password1": "ein-langes-Passwort-42",
            "password2": "ein-langes-Passwort-42",
            "display_name": "Berta",
        },
        HTTP_ACCEPT_LANGUAGE="de",
    )
    client.post(
        "/accounts/signup/",
        {
            "email": "neu@example.org",
            "password1": "ein-langes-Passwort-42",
            "password2": "ein-langes-Passwort-42",
            "display_name": "Neu",
        },
        HTTP_ACCEPT_LANGUAGE="de",
    )

    assert len(mail.outbox) == 3, [m.subject for m in mail.outbox]
    for message in mail.outbox:
        text = message.subject + "\n" + message.body
        assert INFORMAL.findall(text) == [], text
    bodies = "\n".join(m.body for m in mail.outbox)
    assert "Sie erhalten diese E-Mail, weil Sie oder jemand anderes das Zurücksetzen" in bodies
    assert "Es gibt aber bereits ein Konto mit dieser E-Mail-Adresse" in bodies
