"""Password guessing is limited the same way at every door: the site's sign-in, the admin's and the API's
token endpoint; and nobody can lock another person out of the API by failing on purpose.

Before: /admin/login/ took any number of wrong passwords (15 in 19 s, then in), and the token endpoint
counted failures per login string, so the user name and the e-mail address had separate budgets and
anyone could spend a victim's user-name budget and lock them out for 15 minutes.

Each test comes from its own addresses (TEST-NET ranges): the limits live in the shared cache, per address.
"""

import json

import pytest
from django.test import Client

from tests.factories import CitizenFactory, UserFactory

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
PASSWORD = "pw-for-tests"


def admin_login(address: str, username: str, password: str, language: str = "en"):
    client = Client(REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE=language)
    return client.post(
        "/admin/login/?next=/admin/", {"username": username, "password": password, "next": "/admin/"}
    )


def site_login(address: str, login: str, password: str):
    return Client(REMOTE_ADDR=address).post("/accounts/login/", {"login": login, "password": password})


def token(address: str, login: str, password: str):
    return Client(REMOTE_ADDR=address).post(
        TOKEN, json.dumps({"username": login, "password": password}), "application/json"
    )


@pytest.fixture
def staff():
    return UserFactory(username="chefin", email="chefin@example.org", is_staff=True, is_superuser=True)


# ------------------------------------------------------------------------------------------ admin sign-in
def test_the_admin_sign_in_stops_guessing_and_then_refuses_even_the_right_password(staff):
    for attempt in range(5):
        wrong = admin_login("198.51.100.1", "chefin", f"guess-{attempt}")
        assert wrong.status_code == 200  # the form again, with "wrong password"

    refused = admin_login("198.51.100.1", "chefin", PASSWORD)

    assert refused.status_code == 200
    assert "_auth_user_id" not in refused.wsgi_request.session
    assert "Too many failed sign-in attempts" in refused.content.decode()


def test_the_admin_sign_in_still_works_below_the_limit(staff):
    for attempt in range(3):
        admin_login("198.51.100.2", "chefin", f"guess-{attempt}")

    response = admin_login("198.51.100.2", "chefin", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_an_unknown_admin_name_gets_the_same_refusal_in_german(db):
    """The lock says nothing about whether the account exists: unknown names are limited the same way."""
    for attempt in range(5):
        admin_login("198.51.100.3", "niemand", f"guess-{attempt}", language="de")

    refused = admin_login("198.51.100.3", "niemand", "anything", language="de")

    assert "Zu viele fehlgeschlagene Anmeldeversuche" in refused.content.decode()


def test_the_admin_and_the_site_sign_in_share_one_budget_per_account_and_address(staff):
    """Three wrong passwords with the e-mail address on the site, then two with the user name in the admin,
    from one address: that address's five for this account are spent, whichever name was typed where."""
    for attempt in range(3):
        site_login("198.51.100.4", "chefin@example.org", f"guess-{attempt}")
    for attempt in range(2):
        admin_login("198.51.100.4", "chefin", f"guess-{attempt}")

    refused = admin_login("198.51.100.4", "CHEFIN", PASSWORD)

    assert "Too many failed sign-in attempts" in refused.content.decode()


def test_failing_on_purpose_does_not_lock_the_owner_out_of_the_site_or_the_admin(staff):
    """The lever the token endpoint lost, closed at the sign-in forms too: an attacker failing on purpose
    from other addresses spends their own budgets, and the owner, from theirs, still gets in."""
    for address in ("198.51.100.40", "198.51.100.41"):
        for attempt in range(5):
            admin_login(address, "chefin", f"guess-{attempt}")
        site_login(address, "chefin@example.org", "guess-again")
    assert (
        "Too many failed sign-in attempts"
        in admin_login("198.51.100.40", "chefin", PASSWORD).content.decode()
    )

    owner_admin = admin_login("198.51.100.42", "chefin", PASSWORD)
    owner_site = site_login("198.51.100.43", "chefin@example.org", PASSWORD)

    assert owner_admin.status_code == 302
    assert owner_admin["Location"] == "/admin/"
    # Password taken: allauth moves on (here to confirming the e-mail address); a refusal is the form again.
    assert owner_site.status_code == 302


def test_many_addresses_guessing_one_sign_in_are_stopped_together(staff, settings):
    """Past the account's budget (shared with the token endpoint) every address that has already failed on
    the account is refused at the sign-in forms too; a fresh address with the right password gets in."""
    settings.WRITE_LIMITS = {**settings.WRITE_LIMITS, "token_failure_account": "4/900"}
    for number in range(4):
        site_login(f"198.51.100.{50 + number}", "chefin", "guess")

    refused = admin_login("198.51.100.50", "chefin", PASSWORD)
    owner = admin_login("198.51.100.60", "chefin", PASSWORD)

    assert "Too many failed sign-in attempts" in refused.content.decode()
    assert owner.status_code == 302


def test_one_address_cannot_try_many_admin_names(db):
    """The per-address budget of the site's sign-in (10 a minute) holds for the admin too."""
    for number in range(10):
        admin_login("198.51.100.7", f"name-{number}", "guess")

    refused = admin_login("198.51.100.7", "name-new", "guess")

    assert "Too many failed sign-in attempts" in refused.content.decode()


# ------------------------------------------------------------------------------------------- API tokens
@pytest.fixture
def victim():
    return CitizenFactory(username="victim", email="victim@example.org")


def test_user_name_and_e_mail_share_the_accounts_token_budget(victim, settings):
    settings.WRITE_LIMITS = {**settings.WRITE_LIMITS, "token_failure": "4/900"}
    for attempt in range(2):
        assert token("203.0.113.1", "victim", f"guess-{attempt}").status_code == 400
    for attempt in range(2):
        assert token("203.0.113.1", "Victim@Example.org", f"guess-{attempt}").status_code == 400

    assert token("203.0.113.1", "victim", f"guess-{attempt}").status_code == 429
    assert token("203.0.113.1", "victim@example.org", PASSWORD).status_code == 429


def test_failing_on_purpose_does_not_lock_the_owner_out(victim, settings):
    """An attacker spends the budget from their address; the owner, from theirs, still gets a token."""
    settings.WRITE_LIMITS = {
        **settings.WRITE_LIMITS,
        "token_failure": "3/900",
        "token_failure_account": "5/900",
    }
    for address in ("203.0.113.2", "203.0.113.3"):
        for attempt in range(3):
            token(address, "victim", f"guess-{attempt}")
    assert token("203.0.113.2", "victim", PASSWORD).status_code == 429

    owner = token("203.0.113.4", "victim", PASSWORD)

    assert owner.status_code == 200
    assert owner.json()["token"]


def test_many_addresses_guessing_one_account_are_stopped_together(victim, settings):
    """Past the account's budget every address that has already failed on it is refused, at its first
    failure: a botnet gets the account budget in all, not the per-address budget times its size."""
    settings.WRITE_LIMITS = {
        **settings.WRITE_LIMITS,
        "token_failure": "10/900",
        "token_failure_account": "4/900",
    }
    for number in range(4):
        assert token(f"203.0.113.{10 + number}", "victim", "guess").status_code == 400

    assert token("203.0.113.10", "victim", "guess-again").status_code == 429
    assert token("203.0.113.11", "victim", PASSWORD).status_code == 429
    assert token("203.0.113.20", "victim", PASSWORD).status_code == 200


def test_unknown_logins_are_counted_per_address(db, settings):
    settings.WRITE_LIMITS = {**settings.WRITE_LIMITS, "token_failure_address": "3/900"}
    for number in range(3):
        assert token("203.0.113.30", f"nobody-{number}", "guess").status_code == 400

    refused = token("203.0.113.30", "nobody-else", "guess")
    elsewhere = token("203.0.113.31", "nobody-0", "guess")

    assert refused.status_code == 429
    assert refused.json()["code"] == "throttled"
    assert int(refused["Retry-After"]) <= 901
    assert elsewhere.status_code == 400
