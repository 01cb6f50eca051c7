"""Imprint, privacy statement, accessibility statement and terms: edited in the admin in German and
English, linked in every page's footer, the terms from sign-up and the compose form."""

import re

import pytest

from frontend.models import LegalPage
from frontend.services import legal_pages_ensure
from tests.factories import CitizenFactory, ProjectFactory, SuggestionFactory, UserFactory

pytestmark = pytest.mark.django_db

PAGES = {
    "imprint": ("Impressum", "Imprint"),
    "privacy": ("Datenschutzerklärung", "Privacy statement"),
    "accessibility": ("Erklärung zur Barrierefreiheit", "Accessibility statement"),
    "terms": ("Nutzungsbedingungen", "Terms of participation"),
}


def _h1(html: str) -> str:
    return re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)[1].strip()


@pytest.mark.parametrize("kind", PAGES)
@pytest.mark.parametrize(("language", "index"), [("de", 0), ("en", 1)])
def test_each_legal_page_ships_a_default_text_in_both_languages(client, kind, language, index):
    response = client.get(f"/legal/{kind}/", HTTP_ACCEPT_LANGUAGE=language)

    html = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language}">' in html
    assert _h1(html) == PAGES[kind][index]
    # A fresh install is not empty, and says where the town fills in its own data.
    assert html.count("<h2") >= 3
    assert "[" in html


def test_imprint_default_marks_the_address_to_fill_in(client):
    html = client.get("/legal/imprint/", HTTP_ACCEPT_LANGUAGE="de").content.decode()

    assert "[Straße und Hausnummer]" in html


def test_accessibility_statement_names_its_standard_and_a_feedback_contact(client):
    html = client.get("/legal/accessibility/", HTTP_ACCEPT_LANGUAGE="de").content.decode()

    assert "BITV 2.0" in html
    assert "EN 301 549" in html
    assert "Feedback und Kontakt" in html
    assert "Durchsetzungsverfahren" in html


def test_unknown_legal_page_is_not_found(client):
    assert client.get("/legal/cookies/").status_code == 404


def test_privacy_statement_states_the_retention_settings_of_this_installation(client, settings):
    settings.IDEMPOTENCY_KEY_TTL_HOURS = 36
    settings.EXPORT_TTL_HOURS = 5
    settings.ADDRESS_RETENTION_DAYS = 9
    settings.MAP_TILE_URL = "https://tiles.example.net/{z}/{x}/{y}.png"
    settings.SESSION_COOKIE_NAME = "pm_session"

    de = client.get("/legal/privacy/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    en = client.get("/legal/privacy/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "36 hours" in en
    assert "5 hours" in en
    assert "9 days" in en
    assert "2 years" in en  # the anonymous browser cookie
    assert "pm_browser" in en
    assert "“pm_session” keeps you signed in (14 days)" in en
    assert "“messages” carries a one-time notice" in en
    assert "tiles.example.net" in en
    assert "an unconfirmed alert is deleted after 14 days" in en
    assert settings.EXPORT_LICENCE in en
    assert "36 Stunden" in de
    assert "9 Tagen" in de
    assert "Gespeicherte Daten und Speicherdauer" in de


def test_privacy_statement_follows_a_changed_setting(client, settings):
    settings.ADDRESS_RETENTION_DAYS = 30
    before = client.get("/legal/privacy/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    settings.ADDRESS_RETENTION_DAYS = 3

    after = client.get("/legal/privacy/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "30 days" in before
    assert "30 days" not in after
    assert "3 days" in after


def test_html_from_the_admin_is_shown_as_text(client):
    LegalPage.objects.filter(kind="imprint").update(
        body_de='<script>alert("x")</script>\n\n## Kontakt\n<b>fett</b> https://stadt.example/kontakt'
    )

    html = client.get("/legal/imprint/", HTTP_ACCEPT_LANGUAGE="de").content.decode()

    assert '<script>alert("x")' not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "<b>fett</b>" not in html
    assert "&lt;b&gt;fett&lt;/b&gt;" in html
    assert '<h2 id="kontakt">Kontakt</h2>' in html
    assert '<a href="https://stadt.example/kontakt" rel="nofollow">' in html


def test_admin_edits_a_legal_page_in_german_and_english(client):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    page = LegalPage.objects.get(kind="imprint")

    index = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    form = client.get(f"/admin/frontend/legalpage/{page.pk}/change/")
    response = client.post(
        f"/admin/frontend/legalpage/{page.pk}/change/",
        {
            "title_de": "Impressum der Stadt",
            "title_en": "Imprint of the town",
            "body_de": "Stadt Musterstadt\nMarktplatz 1\n\n## Kontakt\n- Telefon 0721 0",
            "body_en": "Town of Mustertown\nMarket square 1",
        },
    )

    assert "Seiten der Website" in index
    assert "Rechtliche Seiten" in index
    assert form.status_code == 200
    assert 'name="body_en"' in form.content.decode()
    assert response.status_code == 302, response.content.decode()[:2000]
    de = client.get("/legal/imprint/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    en = client.get("/legal/imprint/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert _h1(de) == "Impressum der Stadt"
    assert "<p>Stadt Musterstadt<br>Marktplatz 1</p>" in de
    assert "<ul><li>Telefon 0721 0</li></ul>" in de
    assert _h1(en) == "Imprint of the town"
    assert "Town of Mustertown" in en


def test_admin_cannot_add_or_delete_a_legal_page(client):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    page = LegalPage.objects.get(kind="terms")

    assert client.get("/admin/frontend/legalpage/add/").status_code == 403
    assert client.get(f"/admin/frontend/legalpage/{page.pk}/delete/").status_code == 403


@pytest.fixture
def page_urls(client):
    """One address of every page kind the site shows, with the client that may see it."""
    project = ProjectFactory(slug="nord")
    ProjectFactory(slug="sued")
    suggestion = SuggestionFactory(category__project=project)
    moderator = UserFactory(username="moritz", moderator_of=project)
    return {
        "project list": (None, "/"),
        "map": (None, "/projects/nord/"),
        "suggestion": (None, f"/projects/nord/suggestions/{suggestion.pk}/"),
        "missing project": (None, "/projects/nowhere/"),
        "not found": (None, "/nowhere/"),
        "legal page": (None, "/legal/terms/"),
        "sign in": (None, "/accounts/login/"),
        "sign up": (None, "/accounts/signup/"),
        "password reset": (None, "/accounts/password/reset/"),
        "account": (CitizenFactory(), "/account/"),
        "moderation": (moderator, "/projects/nord/moderation/"),
    }


@pytest.mark.parametrize(
    "kind",
    [
        "project list",
        "map",
        "suggestion",
        "missing project",
        "not found",
        "legal page",
        "sign in",
        "sign up",
        "password reset",
        "account",
        "moderation",
    ],
)
@pytest.mark.parametrize("language", ["de", "en"])
def test_every_page_kind_links_the_legal_pages_in_its_footer(client, page_urls, kind, language):
    user, url = page_urls[kind]
    if user is not None:
        client.force_login(user)

    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)

    html = response.content.decode()
    footers = re.findall(r'<footer class="site-footer">(.*?)</footer>', html, re.S)
    assert len(footers) == 1, f"{kind}: {len(footers)} footers"
    links = re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', footers[0])
    index = 0 if language == "de" else 1
    assert links == [
        ("/legal/imprint/", "Impressum" if language == "de" else "Imprint"),
        ("/legal/privacy/", "Datenschutz" if language == "de" else "Privacy"),
        ("/legal/accessibility/", "Barrierefreiheit" if language == "de" else "Accessibility"),
        ("/legal/terms/", PAGES["terms"][index]),
    ]


def test_sign_up_links_the_terms_and_the_privacy_statement(client):
    html = client.get("/accounts/signup/", HTTP_ACCEPT_LANGUAGE="de").content.decode()

    terms = re.search(r'<p class="hint signup-terms" id="signup-terms">(.*?)</p>', html, re.S)[1]
    assert '<a href="/legal/terms/">Nutzungsbedingungen</a>' in terms
    assert '<a href="/legal/privacy/">Datenschutzerklärung</a>' in terms
    # allauth's form is still there, and the terms are said before the button that accepts them.
    assert 'name="password1"' in html
    assert html.index('id="signup-terms"') < html.index('type="submit"', html.index('name="password1"'))


def test_compose_form_links_the_terms(client, point_category):
    html = client.get(f"/projects/{point_category.project.slug}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    compose = re.search(r'<form id="compose-form".*?</form>', html, re.S)[0]
    assert 'By sending you accept the <a href="/legal/terms/">terms of participation</a>.' in compose


def test_missing_legal_pages_are_created_with_defaults_and_edited_ones_kept():
    LegalPage.objects.filter(kind="terms").delete()
    LegalPage.objects.filter(kind="imprint").update(body_de="Unser Impressum")

    created = legal_pages_ensure()

    assert created == 1
    assert LegalPage.objects.count() == 4
    assert LegalPage.objects.get(kind="imprint").body_de == "Unser Impressum"
    assert "Regeln für Beiträge" in LegalPage.objects.get(kind="terms").body_de


@pytest.mark.django_db  # the flush is rolled back with the test's transaction
def test_legal_pages_exist_after_the_database_is_flushed(client):
    # Transactional tests flush every table; the pages come back with migrate's post_migrate, as a fresh
    # install gets them.
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)

    assert client.get("/legal/privacy/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_migrating_the_legal_pages_away_and_back_works(client):
    """`migrate frontend zero` runs post_migrate with a state that has no legal page table: nothing to fill
    (it crashed on the missing table); migrating forward again brings the pages back."""
    from django.core.management import call_command

    try:
        call_command("migrate", "frontend", "zero", verbosity=0)
    finally:
        call_command("migrate", "frontend", verbosity=0)

    assert LegalPage.objects.count() == 4
    assert client.get("/legal/imprint/").status_code == 200
