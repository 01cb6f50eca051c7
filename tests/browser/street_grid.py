"""The test grid's streets (tests/geo/network_builder.py) as a browser draws them: whether a drawn path
follows them on the screen and in the database, and screenshots with the streets drawn faintly in place of
the base map the tests do without."""

import math
import os
from itertools import pairwise
from pathlib import Path

from django.db import connection

from participation.models import Suggestion
from tests.browser.helpers import map_point, screenshot
from tests.geo.network_builder import COLUMNS, ROWS, grid_position

TOLERANCE = 2.5  # CSS pixels between the drawn path and the street's projected edge


def shot(page, name: str, *, full_page: bool = False) -> None:
    """The page as it looks (the viewport, or the whole page), with the grid's streets drawn faintly in place
    of the base map the tests do without (on a real page the map tiles show the streets)."""
    streets = [[grid_position(i, j), grid_position(i + 1, j)] for j in range(4) for i in range(3)]
    streets += [[grid_position(i, j), grid_position(i, j + 1)] for i in range(4) for j in range(3)]
    page.evaluate(
        """(streets) => {
          const map = window.participationMap;
          for (const street of streets) {
            window.L.polyline(street.map(([lon, lat]) => [lat, lon]), {
              color: '#94a3b8', weight: 9, opacity: 0.5, interactive: false,
            }).addTo(map).bringToBack();
          }
        }""",
        streets,
    )
    screenshot(page, f"route-{name}", full_page=full_page)
    target = os.environ.get("SHOTS_DIR")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(target) / f"{name}.png"), full_page=full_page)


def drawn_path(page) -> list[tuple[float, float]]:
    """The routed line as drawn: the vertices of its SVG path, in page pixels."""
    return page.evaluate(
        """() => {
          const path = document.querySelector('path.route-line');
          if (!path) return [];
          const map = window.participationMap;
          const box = map.getContainer().getBoundingClientRect();
          const numbers = path.getAttribute('d').match(/-?[0-9.]+/g).map(Number);
          const points = [];
          for (let i = 0; i + 1 < numbers.length; i += 2) {
            const p = map.layerPointToContainerPoint([numbers[i], numbers[i + 1]]);
            points.push([box.left + p.x, box.top + p.y]);
          }
          return points;
        }"""
    )


def street_segments(page) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    """Every street edge of the grid open to bicycles, projected to page pixels."""
    segments = []
    for j in range(len(ROWS)):
        for i in range(len(COLUMNS) - 1):
            segments.append(
                (map_point(page, *grid_position(i, j)), map_point(page, *grid_position(i + 1, j)))
            )
    for i in range(len(COLUMNS)):
        for j in range(len(ROWS) - 1):
            segments.append(
                (map_point(page, *grid_position(i, j)), map_point(page, *grid_position(i, j + 1)))
            )
    return segments


def to_segment(p, a, b) -> float:
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def assert_follows_streets(page, path) -> None:
    """Every vertex of the drawn path, and points every few pixels between them, lie on a street edge."""
    segments = street_segments(page)
    assert len(path) >= 2, path
    for a, b in pairwise(path):
        steps = max(1, int(math.dist(a, b) // 4))
        for k in range(steps + 1):
            p = (a[0] + (b[0] - a[0]) * k / steps, a[1] + (b[1] - a[1]) * k / steps)
            off = min(to_segment(p, s, e) for s, e in segments)
            assert off <= TOLERANCE, f"{p} is {off:.1f} px off the streets"


def off_network_m(suggestion: Suggestion) -> float:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT max(ST_Distance((SELECT ST_Union(geom) FROM geo_network_edge WHERE bicycle)::geography,"
            " (d).geom::geography)) FROM (SELECT ST_DumpPoints(geom) AS d FROM participation_suggestion"
            " WHERE id = %s) AS points",
            [suggestion.pk],
        )
        return cursor.fetchone()[0]
