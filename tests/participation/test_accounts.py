"""Accounts with allauth: sign-up with a public name, e-mail confirmation, sign-in, password reset."""

import re
import uuid

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail

from participation.models import Profile


@pytest.fixture
def address():
    """allauth limits confirmation mails per address in the shared cache: each test has its own."""
    return f"berta-{uuid.uuid4().hex[:10]}@example.org"


def sign_up(client, address, **fields):
    data = {
        "email": address,
        "password1": "ein-langes-passwort-2026",
        "password2": "ein-langes-passwort-2026",
        "display_name": "Berta aus der Südstadt",
    }
    data.update(fields)
    return client.post("/accounts/signup/", data)


def test_sign_up_stores_the_public_name_and_sends_a_confirmation_mail(client, db, address):
    response = sign_up(client, address)

    assert response.status_code == 302
    user = get_user_model().objects.get(email=address)
    assert Profile.objects.get(user=user).display_name == "Berta aus der Südstadt"
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    assert address in mail.outbox[0].to


def test_sign_up_needs_a_public_name(client, db, address):
    response = sign_up(client, address, display_name="  ")

    assert response.status_code == 200
    assert not get_user_model().objects.exists()


def test_confirming_the_address_then_signing_in(client, db, address):
    sign_up(client, address)
    client.logout()
    link = re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+/", mail.outbox[0].body)[0]
    path = "/" + link.split("/", 3)[3]

    confirmed = client.post(path)
    signed_in = client.post("/accounts/login/", {"login": address, "password": "ein-langes-passwort-2026"})

    assert confirmed.status_code == 302
    assert EmailAddress.objects.get(email=address).verified
    assert signed_in.status_code == 302
    assert client.get("/api/v1/projects/").status_code == 200
    assert "_auth_user_id" in client.session


def test_unconfirmed_accounts_cannot_sign_in(client, db, address):
    sign_up(client, address)
    client.logout()

    response = client.post("/accounts/login/", {"login": address, "password": "ein-langes-passwort-2026"})

    assert "_auth_user_id" not in client.session
    assert response.status_code == 302
    assert "confirm-email" in response["Location"]


def test_password_reset_sends_a_mail(client, citizen):
    response = client.post("/accounts/password/reset/", {"email": "anna@example.org"})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_the_sign_in_page_uses_the_site_frame(client, db, address):
    html = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert 'class="site-header"' in html
    assert "<script>" not in html  # nothing inline under our CSP


def test_a_public_name_with_direction_overrides_is_refused(client, db, address):
    response = sign_up(client, address, display_name="Stadt\u202eKarlsruhe")

    assert response.status_code == 200
    assert not get_user_model().objects.exists()
