"""Anonymous participation where a project allows it: proof-of-work, honeypot, per-address limits, one
support per browser, and the author's e-mail address confirmed before any mail about the suggestion."""

import base64
import hashlib
import json
import re
import smtplib
import uuid
from datetime import timedelta

import pytest
from altcha import Payload, solve_challenge
from altcha_django import build_challenge
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.utils import timezone

from participation import contacts
from participation.contacts import contact_link
from participation.models import (
    Comment,
    ModerationState,
    Report,
    Suggestion,
    SuggestionContact,
    Support,
)
from participation.participants import BROWSER_COOKIE, Participant
from tests.factories import SuggestionFactory
from tests.proofs import solved

CREATE = "/api/v1/projects/test-project/suggestions/"
CHALLENGE = "/api/v1/altcha/challenge/"
POINT = {"type": "Point", "coordinates": [8.4, 49.0]}


def feature(**properties):
    props = {"category": "charging-station", "title": "Ladestation am Marktplatz", "text": ""}
    props.update(properties)
    return {"type": "Feature", "geometry": POINT, "properties": props}


def post(client, url, body, **headers):
    response = client.post(url, json.dumps(body), "application/json", **headers)
    return response, response.json() if response.content else None


@pytest.fixture
def open_project(project):
    project.allow_anonymous = True
    project.save()
    return project


@pytest.fixture
def published(open_project, point_category):
    return SuggestionFactory(project=open_project, category=point_category)


def support_url(suggestion):
    return f"/api/v1/suggestions/{suggestion.pk}/support/"


# ------------------------------------------------------------------------------------------ suggesting


def test_an_anonymous_citizen_suggests_with_a_solved_proof(client, open_project, point_category):
    response, body = post(client, CREATE, {**feature(name="Bea"), "altcha": solved(client), "website": ""})

    assert response.status_code == 201, body
    suggestion = Suggestion.objects.get()
    assert suggestion.author is None
    assert suggestion.display_name == "Bea"
    assert body["properties"]["display_name"] == "Bea"
    assert suggestion.moderation_state == ModerationState.PUBLISHED


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        ({}, "proof_missing"),
        ({"altcha": ""}, "proof_missing"),
        ({"altcha": "bm90IGEgcGF5bG9hZA=="}, "proof_invalid"),
        ({"altcha": "<script>alert(1)</script>"}, "proof_invalid"),
        ({"altcha": 12}, "proof_invalid"),
    ],
)
def test_without_a_valid_proof_nothing_is_stored(client, open_project, point_category, extra, code):
    response, body = post(client, CREATE, {**feature(), **extra}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert body["code"] == code
    assert Suggestion.objects.count() == 0


def test_a_forged_solution_is_refused(client, open_project, point_category):
    payload = json.loads(base64.b64decode(solved(client)))
    payload["solution"]["counter"] += 1  # a different answer to the same signed challenge
    forged = base64.b64encode(json.dumps(payload).encode()).decode()

    response, body = post(client, CREATE, {**feature(), "altcha": forged}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert body["code"] == "proof_invalid"
    assert body["errors"] == {
        "altcha": ["The anti-spam check failed. Please confirm again that you are not a robot."]
    }
    assert Suggestion.objects.count() == 0


def test_a_replayed_proof_is_refused(client, open_project, point_category):
    proof = solved(client)
    first, _body = post(client, CREATE, {**feature(), "altcha": proof})
    again, body = post(Client(), CREATE, {**feature(title="Noch einmal"), "altcha": proof})

    assert first.status_code == 201
    assert again.status_code == 400
    assert body["code"] == "proof_replayed"
    assert Suggestion.objects.count() == 1


def test_a_form_sent_back_for_a_typo_keeps_its_proof(client, open_project, point_category):
    """The proof is checked after everything else, so a validation error does not spend it."""
    proof = solved(client)
    typo, _body = post(client, CREATE, {**feature(title="  "), "altcha": proof})
    fixed, _body = post(client, CREATE, {**feature(), "altcha": proof})

    assert typo.status_code == 400
    assert fixed.status_code == 201


def test_the_honeypot_filled_in_is_refused(client, open_project, point_category):
    body = {**feature(), "altcha": solved(client), "website": "http://spam.example"}
    response, answer = post(client, CREATE, body, HTTP_ACCEPT_LANGUAGE="de")

    assert response.status_code == 400
    assert answer["code"] == "spam_suspected"
    assert answer["message"] == "Ihr Eintrag sieht nach automatisiertem Spam aus und wurde nicht angenommen."
    assert Suggestion.objects.count() == 0


def test_errors_come_in_the_language_of_the_request(client, open_project, point_category):
    _r, english = post(client, CREATE, feature(), HTTP_ACCEPT_LANGUAGE="en")
    _r, german = post(client, CREATE, feature(), HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")

    assert english["message"].startswith("Please confirm that you are not a robot")
    assert german["message"].startswith("Bitte bestätigen Sie, dass Sie kein Roboter sind")


def test_a_project_without_anonymous_participation_asks_for_a_login(client, project, point_category):
    response, body = post(client, CREATE, {**feature(), "altcha": solved(client)})

    assert response.status_code == 401
    assert body["code"] == "not_authenticated"
    assert Suggestion.objects.count() == 0


def test_signed_in_citizens_need_no_proof(client, open_project, point_category, citizen):
    client.force_login(citizen)
    response, _body = post(client, CREATE, feature())

    assert response.status_code == 201
    assert Suggestion.objects.get().author == citizen


@pytest.mark.parametrize("name", ["Bea\u202e", "x" * 81, "line\nbreak"])
def test_an_anonymous_public_name_follows_the_text_rules(client, open_project, point_category, name):
    response, body = post(client, CREATE, {**feature(name=name), "altcha": solved(client)})

    assert response.status_code == 400
    assert "name" in body["errors"]


# ------------------------------------------------------------------------------------------ e-mail


def test_the_authors_address_is_confirmed_before_any_mail_about_the_suggestion(
    client, open_project, point_category, mailoutbox, django_capture_on_commit_callbacks, run_worker
):
    with django_capture_on_commit_callbacks(execute=True):
        response, _body = post(
            client,
            CREATE,
            {**feature(email=" bea@example.org "), "altcha": solved(client)},
            HTTP_ACCEPT_LANGUAGE="de",
        )

    assert response.status_code == 201
    assert "bea@example.org" not in response.content.decode()
    contact = SuggestionContact.objects.get()
    assert (contact.email, contact.language, contact.confirmed_at) == ("bea@example.org", "de", None)
    assert mailoutbox == []  # the worker sends it, not the request
    assert run_worker() == 0
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["bea@example.org"]
    assert mail.subject == f"Bitte bestätigen Sie Ihre E-Mail-Adresse für „{open_project.title_de}“"
    # Nothing the sender wrote goes into the mail: it cannot carry spam to someone else's address.
    assert "Ladestation am Marktplatz" not in mail.subject + mail.body
    link = re.search(r"http://\S+/contact/\S+/", mail.body).group(0)
    path = link.split("127.0.0.1:8000", 1)[1]

    asked = client.get(path)  # mail scanners open links: that must not confirm anything
    contact.refresh_from_db()
    assert asked.status_code == 200
    assert contact.confirmed_at is None

    confirmed = client.post(path)
    contact.refresh_from_db()
    assert confirmed.status_code == 200
    assert contact.confirmed_at is not None
    assert 'id="contact-confirmed"' in confirmed.content.decode()


def test_a_forged_confirmation_link_confirms_nothing(client, open_project, point_category):
    suggestion = SuggestionFactory(project=open_project, category=point_category)
    contact = SuggestionContact.objects.create(suggestion=suggestion, email="bea@example.org", language="en")

    response = client.post(f"/contact/{contact.pk}:forged/", HTTP_ACCEPT_LANGUAGE="en")

    contact.refresh_from_db()
    assert response.status_code == 404
    assert "This confirmation link is not valid or has expired." in response.content.decode()
    assert contact.confirmed_at is None


@pytest.mark.parametrize("email", ["not-an-address", "a@b", "<script>@x.org", ["bea@example.org"]])
def test_a_wrong_address_is_refused(client, open_project, point_category, email):
    response, body = post(
        client, CREATE, {**feature(email=email), "altcha": solved(client)}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 400
    assert "email" in body["errors"] or "email" in body["errors"].get("properties", {})
    assert Suggestion.objects.count() == 0


# ------------------------------------------------------------------------------------------ support


def test_one_support_per_browser(client, published):
    first, body = post(client, support_url(published), {"altcha": solved(client)})

    assert first.status_code == 201
    assert body == {"supported": True, "support_count": 1, "ask_follow": False}
    assert BROWSER_COOKIE in first.cookies
    assert first.cookies[BROWSER_COOKIE]["httponly"]

    again, body = post(client, support_url(published), {"altcha": solved(client)}, HTTP_ACCEPT_LANGUAGE="en")
    assert again.status_code == 409
    assert body["code"] == "already_supported"

    other_browser, body = post(Client(), support_url(published), {"altcha": solved(client)})
    assert other_browser.status_code == 201
    assert body["support_count"] == 2
    published.refresh_from_db()
    assert published.support_count == Support.objects.filter(suggestion=published).count() == 2


def test_an_anonymous_browser_withdraws_only_its_own_support(client, published):
    post(client, support_url(published), {"altcha": solved(client)})
    stranger = Client()
    post(stranger, support_url(published), {"altcha": solved(stranger)})

    withdrawn = client.delete(support_url(published))

    assert withdrawn.status_code == 200
    assert withdrawn.json() == {"supported": False, "support_count": 1}
    assert Support.objects.filter(suggestion=published).count() == 1
    assert client.get(f"/api/v1/suggestions/{published.pk}/").json()["properties"]["supported"] is False
    assert stranger.get(f"/api/v1/suggestions/{published.pk}/").json()["properties"]["supported"] is True


def test_a_forged_browser_cookie_is_a_new_browser(client, published):
    first, _body = post(client, support_url(published), {"altcha": solved(client)})
    key = first.cookies[BROWSER_COOKIE].value
    forger = Client()
    forger.cookies[BROWSER_COOKIE] = key.split(":")[0] + ":forged"

    forged, _body = post(forger, support_url(published), {"altcha": solved(forger)})

    assert forged.status_code == 201  # the forged key is ignored: it is a browser of its own
    assert forged.cookies[BROWSER_COOKIE].value != key


def test_reading_sets_no_cookie(client, published):
    page = client.get(f"/projects/test-project/suggestions/{published.pk}/")
    data = client.get(f"/api/v1/suggestions/{published.pk}/")

    assert BROWSER_COOKIE not in page.cookies
    assert BROWSER_COOKIE not in data.cookies


# ------------------------------------------------------------------------------------------ limits


@pytest.fixture
def tight_limits(settings):
    settings.WRITE_LIMITS = {**settings.WRITE_LIMITS, "support": "2/3600", "comment": "2/3600"}


def test_anonymous_writes_are_limited_per_address(client, open_project, point_category, tight_limits):
    suggestions = SuggestionFactory.create_batch(3, project=open_project, category=point_category)
    address = {"REMOTE_ADDR": "203.0.113.7"}
    answers = []
    for suggestion in suggestions:
        browser = Client(**address)  # a fresh browser each time: only the address is the same
        answers.append(
            post(browser, support_url(suggestion), {"altcha": solved(browser)}, HTTP_ACCEPT_LANGUAGE="en")
        )

    assert [response.status_code for response, _body in answers] == [201, 201, 429]
    refused, body = answers[-1]
    assert 0 < int(refused["Retry-After"]) <= 3601
    assert body["code"] == "throttled"
    assert Support.objects.count() == 2

    elsewhere = Client(REMOTE_ADDR="198.51.100.20")
    response, _body = post(elsewhere, support_url(suggestions[-1]), {"altcha": solved(elsewhere)})
    assert response.status_code == 201


def test_a_client_cannot_choose_its_address_without_a_proxy(client, open_project, published, tight_limits):
    statuses = []
    for number in range(3):
        browser = Client(REMOTE_ADDR="203.0.113.8", HTTP_X_FORWARDED_FOR=f"192.0.2.{number}")
        response, _body = post(
            browser,
            f"/api/v1/suggestions/{published.pk}/comments/",
            {"text": "Gut", "altcha": solved(browser)},
        )
        statuses.append(response.status_code)

    assert statuses == [201, 201, 429]


def test_behind_a_declared_proxy_the_forwarded_address_counts(
    open_project, published, tight_limits, settings
):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    statuses = []
    for number in range(3):
        browser = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"spoofed, 192.0.2.{number}")
        response, _body = post(
            browser,
            f"/api/v1/suggestions/{published.pk}/comments/",
            {"text": "Gut", "altcha": solved(browser)},
        )
        statuses.append(response.status_code)

    assert statuses == [201, 201, 201]


def test_an_ipv6_client_counts_as_its_whole_prefix():
    """A household gets a /56 (256 /64 networks): hopping between them gives no fresh budget."""
    one = Participant(user=AnonymousUser(), address="2001:db8:1:2::1")
    same_home = Participant(user=one.user, address="2001:db8:1:ff:abcd::9")
    neighbour = Participant(user=one.user, address="2001:db8:1:100::1")
    ipv4 = Participant(user=one.user, address="203.0.113.9")
    mapped = Participant(user=one.user, address="::ffff:203.0.113.9")

    assert one.rate_ident == same_home.rate_ident
    assert one.rate_ident != neighbour.rate_ident
    assert ipv4.rate_ident == mapped.rate_ident
    # A keyed hash: the 2^32 IPv4 addresses cannot be tried against it without the secret key.
    assert ipv4.rate_ident != "ip:" + hashlib.sha256(b"203.0.113.9").hexdigest()[:32]


# ------------------------------------------------------------------------------------------ discussion


def test_an_anonymous_comment_carries_the_given_name(client, published):
    response, body = post(
        client,
        f"/api/v1/suggestions/{published.pk}/comments/",
        {"text": "Gute Idee", "name": "Bea", "altcha": solved(client)},
    )

    assert response.status_code == 201
    comment = Comment.objects.get()
    assert (comment.author, comment.display_name, body["display_name"]) == (None, "Bea", "Bea")


def test_an_anonymous_browser_reports_once(client, published):
    url = f"/api/v1/suggestions/{published.pk}/reports/"
    first, _body = post(client, url, {"reason": "spam", "altcha": solved(client)})
    again, body = post(client, url, {"reason": "spam", "altcha": solved(client)})

    assert first.status_code == 201
    assert again.status_code == 409
    assert body["code"] == "already_reported"
    report = Report.objects.get()
    assert report.reporter is None
    assert len(report.reporter_browser) == 64


# ------------------------------------------------------------------------------ pages without script


def page_url(suggestion):
    return f"/projects/test-project/suggestions/{suggestion.pk}/"


def test_the_pages_offer_anonymous_forms_with_the_anti_spam_fields(client, published):
    html = client.get(page_url(published), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert html.count("<altcha-widget") == 3  # support, comment, report
    assert 'name="website"' in html
    assert "Sign in to support" not in html
    map_page = client.get("/projects/test-project/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="compose-start"' in map_page
    assert "You can take part without an account." in map_page


def test_an_anonymous_support_and_comment_through_the_page(client, published):
    supported = client.post(page_url(published) + "support/", {"altcha": solved(client), "website": ""})
    commented = client.post(
        page_url(published) + "comments/", {"text": "Sehr gut", "name": "Bea", "altcha": solved(client)}
    )

    assert supported.status_code == 302
    assert commented.status_code == 302
    published.refresh_from_db()
    assert (published.support_count, published.comment_count) == (1, 1)
    page = client.get(page_url(published), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Withdraw my support" in page  # the browser's cookie remembers its support
    assert "Bea" in page


def test_a_page_form_without_proof_says_why_at_the_form(client, published):
    response = client.post(page_url(published) + "comments/", {"text": "Sehr gut"}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert "Please confirm that you are not a robot" in response.content.decode()
    assert "Sehr gut" in response.content.decode()  # the text is kept for the next try
    assert Comment.objects.count() == 0


def test_a_second_support_from_the_same_browser_is_refused_on_the_page(client, published):
    client.post(page_url(published) + "support/", {"altcha": solved(client)})
    again = client.post(
        page_url(published) + "support/", {"altcha": solved(client)}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert again.status_code == 409
    assert "You already support this suggestion." in again.content.decode()
    assert Support.objects.count() == 1


def test_behind_a_proxy_entries_the_client_added_do_not_count(
    open_project, published, tight_limits, settings
):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    statuses = []
    for number in range(3):
        # The client writes whatever it likes on the left; our proxy appends the address it saw.
        browser = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"192.0.2.{number}, 198.51.100.77")
        response, _body = post(
            browser,
            f"/api/v1/suggestions/{published.pk}/comments/",
            {"text": "Gut", "altcha": solved(browser)},
        )
        statuses.append(response.status_code)

    assert statuses == [201, 201, 429]


def test_throwing_the_cookie_away_does_not_give_more_supports(open_project, published, settings):
    settings.WRITE_LIMITS = {**settings.WRITE_LIMITS, "support_anonymous": "3/86400"}
    statuses = []
    for _attempt in range(4):
        browser = Client(REMOTE_ADDR="203.0.113.40")  # no cookie: a "new browser" every time
        response, _body = post(browser, support_url(published), {"altcha": solved(browser)})
        statuses.append(response.status_code)

    assert statuses == [201, 201, 201, 429]
    published.refresh_from_db()
    assert published.support_count == 3


def test_the_challenge_endpoint_is_limited_per_address(client, settings):
    settings.WRITE_LIMITS = {**settings.WRITE_LIMITS, "challenge": "2/600"}
    visitor = Client(REMOTE_ADDR="203.0.113.50")

    answers = [visitor.get(CHALLENGE) for _ in range(3)]

    assert [answer.status_code for answer in answers] == [200, 200, 429]
    assert answers[0]["Cache-Control"] == "no-store"
    assert answers[-1]["Retry-After"]


def test_an_expired_proof_is_refused(client, open_project, point_category):
    challenge = build_challenge(expires_at=timezone.now() - timedelta(seconds=5))
    proof = Payload(challenge, solve_challenge(challenge)).to_base64()

    response, body = post(client, CREATE, {**feature(), "altcha": proof}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert body["code"] == "proof_expired"
    assert Suggestion.objects.count() == 0


def test_an_expired_confirmation_link_confirms_nothing(client, published, monkeypatch):
    contact = SuggestionContact.objects.create(suggestion=published, email="bea@example.org", language="en")
    link = contact_link(contact).split("127.0.0.1:8000", 1)[1]
    monkeypatch.setattr(contacts, "CONTACT_LINK_AGE", -1)

    response = client.post(link, HTTP_ACCEPT_LANGUAGE="en")

    contact.refresh_from_db()
    assert response.status_code == 404
    assert contact.confirmed_at is None


def test_an_address_longer_than_the_database_holds_is_a_400(client, open_project, point_category):
    email = "a" * 64 + "@" + ".".join(["b" * 60] * 4) + ".de"  # valid for the validator, 311 characters
    response, body = post(client, CREATE, {**feature(email=email), "altcha": solved(client)})

    assert response.status_code == 400
    assert "email" in body["errors"]


def test_confirmation_mails_to_one_address_are_limited(client, open_project, point_category, settings):
    settings.WRITE_LIMITS = {**settings.WRITE_LIMITS, "contact": "1/86400"}
    address = f"victim-{uuid.uuid4().hex}@example.org"  # the limit counts per address, across tests
    first, _body = post(client, CREATE, {**feature(email=address), "altcha": solved(client)})
    second, body = post(
        client,
        CREATE,
        {**feature(email=address.upper()), "altcha": solved(client)},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert first.status_code == 201
    assert second.status_code == 429
    assert body["errors"] == {"email": [body["message"]]}
    assert body["message"].startswith("Too many confirmation mails went to this address today.")
    assert Suggestion.objects.count() == 1


def test_a_failing_mail_server_does_not_fail_the_suggestion(
    client, open_project, point_category, monkeypatch, django_capture_on_commit_callbacks, caplog, run_worker
):
    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr(contacts, "send_mail", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        response, _body = post(client, CREATE, {**feature(email="bea@example.org"), "altcha": solved(client)})

    assert response.status_code == 201
    run_worker()
    assert SuggestionContact.objects.get().confirmed_at is None
    assert "could not be sent" in caplog.text


def test_names_given_without_an_account_are_marked(client, published):
    post(
        client,
        f"/api/v1/suggestions/{published.pk}/comments/",
        # "Stadtverwaltung" itself is reserved for staff (tests/security/test_reserved_names.py).
        {"text": "Gut", "name": "Bürgerverein Süd", "altcha": solved(client)},
    )

    html = client.get(page_url(published), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert re.search(
        r"<strong>Bürgerverein Süd</strong>\s*<span class=\"name-note\">\(without an account\)</span>",
        html,
    )
