"""Embedding the map on a town's website: the list of origins an administrator keeps (what is taken,
normalised, and what is refused with which message), the embed page's framing headers for each list, the page
itself (nothing on it takes part: every link leaves the frame), the 404 of a project that is not public, and
the embed code on the project's admin page. The browser's side, two origins on loopback, is
tests/browser/test_embed.py."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from participation.embedding import MAX_ORIGINS, frame_ancestors, origin_parse, origins_parse
from participation.models import Project
from tests.factories import CategoryFactory, ProjectFactory, SuggestionFactory, UserFactory
from tests.participation.test_project_admin import change_url, form_values

HTTPS = {"HTTP_X_FORWARDED_PROTO": "https"}


@pytest.mark.parametrize(
    ("entry", "origin"),
    [
        ("https://www.musterstadt.de", "https://www.musterstadt.de"),
        ("  HTTPS://WWW.Musterstadt.DE/  ", "https://www.musterstadt.de"),
        ("https://musterstadt.de:443", "https://musterstadt.de"),
        ("https://musterstadt.de:8443/", "https://musterstadt.de:8443"),
        ("https://münchen.de", "https://xn--mnchen-3ya.de"),
        ("https://192.0.2.10", "https://192.0.2.10"),
        ("http://localhost:8000", "http://localhost:8000"),
        ("http://127.0.0.1:9000", "http://127.0.0.1:9000"),
        ("http://localhost:80", "http://localhost"),
    ],
)
def test_an_origin_is_taken_in_the_form_browsers_compare(entry, origin):
    assert origin_parse(entry) == origin


@pytest.mark.parametrize(
    ("entry", "code"),
    [
        ("*", "wildcard"),
        ("https://*.musterstadt.de", "wildcard"),
        ("https://*", "wildcard"),
        ("http://www.musterstadt.de", "scheme"),  # http only for the machine itself
        ("www.musterstadt.de", "scheme"),
        ("javascript:alert(1)", "scheme"),
        ("data:text/html;base64,PHNjcmlwdD4=", "scheme"),
        ("ftp://musterstadt.de", "scheme"),
        ("'self'", "scheme"),
        ("https://musterstadt.de/karte/", "path"),
        ("https://musterstadt.de/?embed=1", "path"),
        ("https://musterstadt.de#karte", "path"),
        ("https://musterstadt.de/a b", "path"),
        ("https://user:secret@musterstadt.de", "host"),
        ("https://musterstadt.de;script-src", "host"),
        ("https://musterstadt.de'", "host"),
        ("https://", "host"),
        ("https://-musterstadt-.de", "host"),
        ("https://musterstadt..de", "host"),
        ("https://300.1.1.1", "host"),
        ("https://[::1]", "host"),
        ("https://musterstadt.de:99999", "port"),
        ("https://musterstadt.de:0", "port"),
        ("https://musterstadt.de:http", "port"),
        ("junk", "scheme"),
    ],
)
def test_anything_but_an_origin_is_refused_with_its_reason(entry, code):
    with pytest.raises(ValidationError) as refused:
        origin_parse(entry)
    assert refused.value.code == code


def test_a_list_is_normalised_without_repeats_and_every_bad_entry_is_named_in_german():
    assert origins_parse("https://a.example\n\nHTTPS://A.example:443/, http://localhost:8000\r\n") == [
        "https://a.example",
        "http://localhost:8000",
    ]
    assert origins_parse("") == []
    with translation.override("de"):
        with pytest.raises(ValidationError) as refused:
            origins_parse("https://ok.example\nhttps://*.example\nhttps://b.example/karte")
        # Lazy texts: read in German here, not in whatever language an earlier test left active.
        said = [str(message) for message in refused.value.messages]
    assert said == [
        "„https://*.example“: Platzhalter sind nicht erlaubt. Geben Sie jede Website, die die Karte "
        "einbinden darf, in einer eigenen Zeile an, z. B. https://www.example.org.",
        "„https://b.example/karte“: Geben Sie nur den Ursprung der Website an (Schema, Host und ggf. Port), "
        "ohne Pfad, Abfrage oder Fragment, z. B. https://www.example.org.",
    ]
    with pytest.raises(ValidationError, match="Höchstens 20 Websites"):
        origins_parse("\n".join(f"https://site{n}.example" for n in range(MAX_ORIGINS + 1)))


def test_the_header_takes_only_stored_values_that_are_origins_still():
    # Written around the admin's form (a shell, a data migration): what is not an origin never reaches it.
    stored = ["https://a.example", "https://b.example; script-src *", "HTTPS://C.example", "*"]
    assert frame_ancestors(stored) == ["https://a.example"]
    assert frame_ancestors([]) == ["'none'"]
    assert frame_ancestors(["*", "https://x.example/path"]) == ["'none'"]


def directives(response) -> dict[str, list[str]]:
    return {
        name: values
        for name, *values in (part.split() for part in response["Content-Security-Policy"].split(";"))
    }


@pytest.fixture
def town(db) -> Project:
    project = ProjectFactory(
        slug="musterstadt", embed_origins=["https://www.musterstadt.de", "http://localhost:8000"]
    )
    category = CategoryFactory(project=project, key="charging-station")
    SuggestionFactory(category=category, title="Ladesäule am Markt")
    return project


def test_the_embed_page_may_be_framed_by_the_projects_origins_only(town):
    response = Client(**HTTPS).get("/embed/musterstadt/")

    assert response.status_code == 200
    csp = directives(response)
    assert csp["frame-ancestors"] == ["https://www.musterstadt.de", "http://localhost:8000"]
    assert "X-Frame-Options" not in response
    # Everything else in the policy stays as strict as on every page.
    assert csp["script-src"] == ["'self'"]
    assert csp["form-action"] == ["'self'"]
    assert csp["default-src"] == ["'self'"]


def test_every_other_page_of_that_project_stays_unframeable(town):
    client = Client(**HTTPS)
    suggestion = town.suggestions.get()
    for path in ("/projects/musterstadt/", f"/projects/musterstadt/suggestions/{suggestion.pk}/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert directives(response)["frame-ancestors"] == ["'none'"], path
        assert response["X-Frame-Options"] == "DENY", path


def test_without_origins_the_embed_page_refuses_every_frame(town):
    Project.objects.filter(pk=town.pk).update(embed_origins=[])

    response = Client(**HTTPS).get("/embed/musterstadt/")

    assert response.status_code == 200
    assert directives(response)["frame-ancestors"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"


def test_a_bad_value_stored_around_the_form_never_reaches_the_header(town):
    Project.objects.filter(pk=town.pk).update(embed_origins=["https://ok.example", "*; script-src *"])

    response = Client(**HTTPS).get("/embed/musterstadt/")

    assert directives(response)["frame-ancestors"] == ["https://ok.example"]
    assert directives(response)["script-src"] == ["'self'"]


def test_the_server_does_not_decide_by_referer_or_origin(town):
    """The browser enforces frame-ancestors; the server answers every request alike (a Referer can be
    suppressed by the framing page or forged by any client, so it would protect nothing)."""
    plain = Client(**HTTPS).get("/embed/musterstadt/")
    for headers in (
        {"HTTP_REFERER": "https://evil.example/"},
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_REFERER": "https://www.musterstadt.de/karte"},
        {"HTTP_SEC_FETCH_DEST": "iframe", "HTTP_SEC_FETCH_SITE": "cross-site"},
    ):
        response = Client(**HTTPS).get("/embed/musterstadt/", **headers)
        assert response.status_code == 200
        assert response["Content-Security-Policy"] == plain["Content-Security-Policy"]


@pytest.mark.parametrize("slug", ["no-such-project", "in-preparation"])
def test_an_unknown_or_unpublished_project_is_not_found_and_framed_nowhere(db, slug):
    ProjectFactory(slug="in-preparation", is_public=False, embed_origins=["https://www.musterstadt.de"])

    response = Client(**HTTPS).get(f"/embed/{slug}/", HTTP_ACCEPT_LANGUAGE="de")

    assert response.status_code == 404
    assert "Projekt nicht gefunden" in response.content.decode()
    assert directives(response)["frame-ancestors"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"


def test_the_embed_page_shows_the_map_and_leaves_taking_part_to_the_full_page(town):
    response = Client(**HTTPS).get("/embed/musterstadt/", HTTP_ACCEPT_LANGUAGE="de")
    html = response.content.decode()

    # The map's own script and data, its list, the project's name and the legal links the credits repeat.
    assert 'id="map-config"' in html
    assert re.search(r'<script type="module" src="[^"]*/frontend/build/map\.[^"]*js"', html)
    assert re.search(r'<script type="module" src="[^"]*/frontend/build/embed\.[^"]*js"', html)
    assert 'id="suggestion-list"' in html
    assert town.title in html
    assert 'data-legal="imprint"' in html
    assert 'data-legal="privacy"' in html
    assert '<meta name="robots" content="noindex">' in html
    # Taking part opens the full page in a new tab; no form sends anything, no sign-in or language form.
    assert re.search(
        r'<a class="button[^"]*" id="embed-take-part" href="/projects/musterstadt/" target="_blank" '
        r'rel="noopener">Auf der vollständigen Karte mitmachen',
        html,
    )
    assert re.findall(r"<form\b[^>]*>", html) == ['<form id="filters" class="filters">']
    assert "csrfmiddlewaretoken" not in html
    assert 'id="compose' not in html
    for link in re.findall(r"<a\b[^>]*>", html):
        assert 'href="#' in link or ('target="_blank"' in link and 'rel="noopener"' in link), link


@pytest.fixture
def admin_client(db):
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_the_admin_keeps_the_origins_normalised(admin_client, town):
    data = form_values(admin_client.get(change_url(town)).content.decode())
    # (A textarea's first newline is markup, as browsers read it.)
    assert [v.removeprefix("\n") for v in data["embed_origins"]] == [
        "https://www.musterstadt.de\nhttp://localhost:8000"
    ]
    data["embed_origins"] = "HTTPS://www.Musterstadt.de:443/\r\n\r\nhttps://karte.musterstadt.de\r\n"

    response = admin_client.post(change_url(town), data)

    assert response.status_code == 302
    town.refresh_from_db()
    assert town.embed_origins == ["https://www.musterstadt.de", "https://karte.musterstadt.de"]


@pytest.mark.parametrize(
    ("entry", "said"),
    [
        ("*", "„*“: Platzhalter sind nicht erlaubt."),
        ("https://www.musterstadt.de/buergerbeteiligung/", "ohne Pfad, Abfrage oder Fragment"),
        ("javascript:alert(1)", "„javascript:alert(1)“: Nur https://-Adressen können die Karte einbinden"),
        ("data:text/html,<b>x</b>", "„data:text/html“: Nur https://-Adressen"),
        ("http://www.musterstadt.de", "http:// nur für localhost und 127.0.0.1"),
        ("https://www.muster stadt.de", "„stadt.de“: Nur https://-Adressen"),
        ("https://musterstadt.de:70000", "Der Port muss eine Zahl von 1 bis 65535 sein."),
    ],
)
def test_the_admin_refuses_what_is_not_an_origin_with_a_message_and_keeps_the_old_list(
    admin_client, town, entry, said
):
    data = form_values(admin_client.get(change_url(town)).content.decode())
    data["embed_origins"] = f"https://neu.musterstadt.de\n{entry}"

    response = admin_client.post(change_url(town), data, HTTP_ACCEPT_LANGUAGE="de")

    assert response.status_code == 200
    errors = " ".join(
        re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.content.decode(), re.S)
    )
    assert said.replace("<", "&lt;").replace(">", "&gt;") in errors.replace("&quot;", '"')
    town.refresh_from_db()
    assert town.embed_origins == ["https://www.musterstadt.de", "http://localhost:8000"]


def test_the_admin_page_offers_the_embed_code_to_copy(admin_client, town, settings):
    settings.SITE_URL = "https://beteiligung.musterstadt.de"
    Project.objects.filter(pk=town.pk).update(title_de='Radwege "neu" & mehr')

    html = admin_client.get(change_url(town), HTTP_ACCEPT_LANGUAGE="de").content.decode()

    snippet = re.search(r'<textarea id="embed-code"[^>]*readonly[^>]*>(.*?)</textarea>', html, re.S)[1]
    # The textarea shows the code as text: one escaping for the page, the code's own for the town's page.
    assert snippet == (
        "&lt;iframe src=&quot;https://beteiligung.musterstadt.de/embed/musterstadt/&quot; "
        "title=&quot;Karte der Vorschläge: Radwege &amp;quot;neu&amp;quot; &amp;amp; mehr&quot; "
        "width=&quot;800&quot; height=&quot;600&quot; loading=&quot;lazy&quot; "
        "style=&quot;width: 100%; max-width: 100%; border: 0;&quot;&gt;&lt;/iframe&gt;"
    )
    assert 'id="embed-code-copy"' in html
    assert re.search(r'<script src="[^"]*/frontend/build/admin-embed-code\.[^"]*js" type="module">', html)
    assert "Noch darf keine Website die Karte zeigen" not in html

    Project.objects.filter(pk=town.pk).update(embed_origins=[], is_public=False)
    html = admin_client.get(change_url(town), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Noch darf keine Website die Karte zeigen" in html
    assert "Das Projekt ist nicht öffentlich" in html


def test_a_new_project_is_asked_to_be_saved_first(admin_client):
    html = admin_client.get("/admin/participation/project/add/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Speichern Sie das Projekt zuerst" in html
    assert 'id="embed-code"' not in html
