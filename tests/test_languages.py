"""German and English throughout: chosen by Accept-Language or by the switcher (remembered), project texts
and category labels in both languages, edited in the admin."""

import json
import re

import pytest
from django.conf import settings

from tests.factories import CategoryFactory, UserFactory

MAP = "/projects/test-project/"


def map_config(html: str) -> dict:
    return json.loads(
        re.search(r'<script id="map-config" type="application/json">(.*?)</script>', html).group(1)
    )


def script_text(client, html: str, msgid: str) -> str:
    """What the page's scripts show for `msgid`: its translation in the page's JavaScript catalogue."""
    url = re.search(r'<script src="(/jsi18n/[^"]+)"></script>', html).group(1)
    catalogue = client.get(url).content.decode()
    found = re.search(r"const newcatalog = (\{.*?\n  \});", catalogue, re.S)  # none in English
    return json.loads(found.group(1)).get(msgid, msgid) if found else msgid


@pytest.fixture
def labelled(project):
    project.title_de, project.title_en = "Ladesäulen gesucht", "Charging points wanted"
    project.save()
    return CategoryFactory(
        project=project, key="charging-station", label_de="Ladestation", label_en="Charging station"
    )


@pytest.mark.parametrize(
    ("accept", "lang", "title", "label", "hint"),
    [
        ("de-DE,de;q=0.9", "de", "Ladesäulen gesucht", "Ladestation", "Tippen oder klicken Sie"),
        ("en-GB,en;q=0.8", "en", "Charging points wanted", "Charging station", "Tap or click the map"),
    ],
)
def test_accept_language_chooses_page_texts_and_map_labels(
    client, labelled, accept, lang, title, label, hint
):
    html = client.get(MAP, HTTP_ACCEPT_LANGUAGE=accept).content.decode()

    assert f'<html lang="{lang}">' in html
    assert title in html
    config = map_config(html)
    assert config["language"] == lang
    assert [c["label"] for c in config["categories"]] == [label]
    draw_point = "Tap or click the map where it should be. You can drag the pin afterwards."
    assert script_text(client, html, draw_point).startswith(hint)


def test_the_language_switch_is_remembered_over_accept_language(client, labelled):
    switched = client.post("/i18n/setlang/", {"language": "en", "next": MAP}, HTTP_ACCEPT_LANGUAGE="de")

    assert switched.status_code == 302
    assert switched.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    later = client.get(MAP, HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9").content.decode()
    assert '<html lang="en">' in later
    assert "Charging points wanted" in later


def test_an_untranslated_text_falls_back_to_german(client, project):
    project.title_de, project.title_en = "Nur auf Deutsch", ""
    project.save()

    html = client.get(MAP, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Nur auf Deutsch" in html


def test_the_admin_edits_project_texts_and_labels_in_both_languages(client, labelled, project):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    html = client.get(f"/admin/participation/project/{project.pk}/change/").content.decode()

    for field in (
        "title_de",
        "title_en",
        "description_de",
        "description_en",
        "categories-0-label_de",
        "categories-0-label_en",
    ):
        assert f'name="{field}"' in html
