"""The texts of the scripts come from Django's JavaScript catalogue (frontend/js_catalogue.py): served per
language under a versioned address a browser keeps, named by every page with a script before its bundle,
and complete: every text in frontend/src has its German entry in djangojs.po."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils import translation

from frontend.js_catalogue import ONE_YEAR, catalogue_version
from participation.models import ModerationState, PlanningStatus

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "frontend" / "src"
DJANGOJS_PO = ROOT / "locale" / "de" / "LC_MESSAGES" / "djangojs.po"


def catalogue(body: str) -> dict[str, object]:
    """The translations in a catalogue script (none for English: the scripts' texts are English)."""
    found = re.search(r"const newcatalog = (\{.*?\n  \});", body, re.S)
    return json.loads(found.group(1)) if found else {}


@pytest.mark.parametrize(("language", "expected"), [("de", "Vergrößern"), ("en", "Zoom in")])
def test_the_catalogue_speaks_the_language_of_its_address(client, language, expected):
    # The page's own language (cookie, Accept-Language) does not matter: the address names it.
    response = client.get(f"/jsi18n/{language}/{catalogue_version()}.js", HTTP_ACCEPT_LANGUAGE="de,en;q=0.5")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Content-Language"] == language
    assert catalogue(response.content.decode()).get("Zoom in", "Zoom in") == expected


def test_the_catalogue_is_kept_a_year_and_holds_only_our_texts(client):
    response = client.get(f"/jsi18n/de/{catalogue_version()}.js")

    cache = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"public", "immutable", f"max-age={ONE_YEAR}"} <= cache
    assert "Set-Cookie" not in response
    texts = catalogue(response.content.decode())
    assert texts["One suggestion here – zoom in"] == [
        "Ein Vorschlag hier – zum Ansehen heranzoomen",
        "%(count)s Vorschläge hier – zum Ansehen heranzoomen",
    ]
    assert "January" not in texts  # the admin's calendar texts (its own djangojs) stay out


def test_an_unknown_language_has_no_catalogue(client):
    assert client.get("/jsi18n/xx/1.js").status_code == 404


def test_the_map_page_loads_the_catalogue_of_its_language_before_its_bundle(client, point_category):
    html = client.get(f"/projects/{point_category.project.slug}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    scripts = re.findall(r'<script (?:type="module" )?src="([^"]+)"', html)
    assert scripts[0] == f"/jsi18n/en/{catalogue_version()}.js"
    assert scripts[1].endswith("frontend/build/map.js")
    config = json.loads(
        re.search(r'<script id="map-config" type="application/json">(.*?)</script>', html, re.S)[1]
    )
    assert "labels" not in config
    assert "geoman" not in config


def test_every_status_has_its_models_name_in_the_scripts():
    source = (SOURCES / "statuses.js").read_text()

    with translation.override("en"):  # the English names are the msgids
        for value, label in PlanningStatus.choices:
            assert f"{value}: gettext('{label}')" in source
        assert f"gettext('{ModerationState.PENDING.label}')" in source


XGETTEXT, MSGCMP = shutil.which("xgettext"), shutil.which("msgcmp")


@pytest.mark.skipif(XGETTEXT is None, reason="gettext is installed by config/scripts/stack.sh")
def test_every_text_of_the_scripts_has_its_german_entry(tmp_path):
    template = tmp_path / "djangojs.pot"
    sources = sorted(str(p) for p in SOURCES.glob("*.js"))
    # gettext and ngettext are xgettext's own JavaScript keywords; pgettext as makemessages adds it.
    extract = [XGETTEXT, "--language=JavaScript", "--from-code=UTF-8", "--keyword=pgettext:1c,2"]
    subprocess.run([*extract, f"--output={template}", *sources], check=True)
    missing = subprocess.run([MSGCMP, DJANGOJS_PO, template], capture_output=True, text=True, check=False)
    assert missing.returncode == 0, missing.stderr
    # And none left over: every German entry is still shown by some script.
    leftover = subprocess.run(
        [MSGCMP, "--use-untranslated", template, DJANGOJS_PO], capture_output=True, text=True, check=False
    )
    assert leftover.returncode == 0, leftover.stderr


def test_the_catalogue_names_its_source_map_like_every_script_of_ours(client):
    version = catalogue_version()
    script = client.get(f"/jsi18n/de/{version}.js").content.decode()

    assert script.endswith(f"//# sourceMappingURL={version}.js.map\n")
    source_map = client.get(f"/jsi18n/de/{version}.js.map").json()
    assert source_map["version"] == 3
    assert "locale/de/LC_MESSAGES/djangojs.po" in source_map["sources"]
    assert client.get("/jsi18n/xx/1.js.map").status_code == 404
