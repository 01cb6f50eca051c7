"""Meta description and Open Graph tags: from the project's description, a published suggestion's title,
never from a suggestion the public cannot see."""

import re
from html import unescape

import pytest

from participation.models import ModerationState
from tests.factories import CitizenFactory, ProjectFactory, SuggestionFactory

pytestmark = pytest.mark.django_db


def meta(html: str) -> dict[str, str]:
    head = html.split("</head>")[0]
    found = {}
    for _attribute, name, content in re.findall(r'<meta (name|property)="([^"]+)" content="([^"]*)">', head):
        assert name not in found, f"{name} twice"
        found[name] = unescape(content)
    return found


def test_map_page_describes_its_project(client, settings):
    settings.SITE_URL = "https://beteiligung.example.de"
    project = ProjectFactory(
        slug="radwege",
        title_de="Radwege Nord",
        description_de="Wo fehlen Radwege im Norden?\nZeigen Sie es uns auf der Karte.",
    )

    tags = meta(client.get("/projects/radwege/", HTTP_ACCEPT_LANGUAGE="de").content.decode())

    assert tags["description"] == "Wo fehlen Radwege im Norden? Zeigen Sie es uns auf der Karte."
    assert tags["og:title"] == project.title_de
    assert tags["og:description"] == tags["description"]
    assert tags["og:url"] == "https://beteiligung.example.de/projects/radwege/"
    assert tags["og:type"] == "website"
    assert tags["og:site_name"] == "Beteiligungskarte"
    assert tags["og:locale"] == "de_DE"
    # The project's own picture, drawn by the server in the page's language (test_previews.py).
    assert tags["og:image"] == "https://beteiligung.example.de/projects/radwege/preview.png?lang=de"
    assert tags["og:image:alt"] == "Karte des Projektgebiets von „Radwege Nord“ mit seinen Vorschlägen"
    assert tags["twitter:card"] == "summary_large_image"


def test_long_description_is_cut_for_previews(client):
    ProjectFactory(slug="lang", description_de="Wort " * 200)

    tags = meta(client.get("/projects/lang/").content.decode())

    assert len(tags["description"]) <= 200
    assert tags["description"].endswith("…")


def test_published_suggestion_page_is_described_by_its_title_and_text(client, settings):
    settings.SITE_URL = "https://beteiligung.example.de"
    suggestion = SuggestionFactory(title='Ladesäule am "Marktplatz" <bitte>')
    url = f"/projects/{suggestion.project.slug}/suggestions/{suggestion.pk}/"

    html = client.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode()

    tags = meta(html)
    assert tags["og:title"] == 'Ladesäule am "Marktplatz" <bitte>'
    assert tags["description"] == "Hier wäre eine Ladestation sinnvoll."  # its text
    assert tags["og:type"] == "article"
    assert tags["og:image:alt"] == (
        f"Karte des Projektgebiets von „{suggestion.project.title_de}“ mit dem Ort des Vorschlags "
        '„Ladesäule am "Marktplatz" <bitte>“'
    )
    assert tags["og:url"] == "https://beteiligung.example.de" + url
    assert "<bitte>" not in html.split("</head>")[0]  # escaped in the attribute


@pytest.mark.parametrize("state", [ModerationState.PENDING, ModerationState.REJECTED])
def test_unpublished_suggestion_never_reaches_the_tags(client, state):
    author = CitizenFactory()
    project = ProjectFactory(description_de="Das Projekt.")
    suggestion = SuggestionFactory(
        category__project=project, author=author, title="Geheimer Entwurf", moderation_state=state
    )
    client.force_login(author)  # the author may read their own suggestion's page

    response = client.get(f"/projects/{project.slug}/suggestions/{suggestion.pk}/", HTTP_ACCEPT_LANGUAGE="de")

    assert response.status_code == 200
    head = response.content.decode().split("</head>")[0]
    assert "Geheimer Entwurf" not in "".join(meta(head + "</head>").values())
    assert f"/suggestions/{suggestion.pk}/" not in meta(head + "</head>")["og:image"]
    assert meta(head + "</head>")["description"] == "Das Projekt."


@pytest.mark.parametrize("url", ["/legal/imprint/", "/accounts/login/"])
def test_other_pages_carry_the_site_description(client, url):
    tags = meta(client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode())

    assert tags["og:site_name"] == "Participation map"
    assert tags["description"].startswith("Make suggestions on the map")
    assert tags["og:locale"] == "en_GB"


def test_the_preview_image_is_served_at_its_size(client, settings):
    tags = meta(client.get("/legal/terms/").content.decode())
    path = tags["og:image"].removeprefix(settings.SITE_URL)

    response = client.get(path)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    png = b"".join(response.streaming_content) if response.streaming else response.content
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (int(tags["og:image:width"]), int(tags["og:image:height"])) == (1200, 630)
