"""The front end's sources use no HTML sink: people's text reaches the page through textContent and DOM nodes.

Leaflet up to 1.9.4 (the version we ship; no fixed release exists) renders a string given to bindPopup,
bindTooltip or setContent as HTML (CVE-2025-69993, disputed by Leaflet as documented behaviour). Our calls
give them DOM nodes (`element(…)`); this guard catches the usual slip, a string or template literal there.
The CSP would block an injected script anyway, but not injected markup."""

import re
from pathlib import Path

SOURCES = sorted((Path(__file__).resolve().parents[2] / "frontend" / "src").glob("*.js"))
HTML_SINKS = re.compile(
    r"\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write|\beval\(|new Function\("
)
LEAFLET_SINK = re.compile(r"\.(bindPopup|bindTooltip|setContent|setTooltipContent|setPopupContent)\(\s*(\S)")


def test_the_sources_are_found():
    assert len(SOURCES) > 10


def test_no_html_sink_in_the_front_end():
    found = [
        f"{path.name}:{number}: {line.strip()}"
        for path in SOURCES
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if HTML_SINKS.search(line)
    ]

    assert found == []


def test_leaflet_popups_and_tooltips_get_nodes_not_strings():
    found = [
        f"{path.name}: {match[0]}"
        for path in SOURCES
        for match in LEAFLET_SINK.finditer(path.read_text(encoding="utf-8"))
        if match[2] in "'\"`" or match[2].isdigit()
    ]

    assert found == []
