"""Where the public map draws things: every point marker and every line lies where its coordinates project.

The expected positions come from the database (the lon/lat this test created or the demo loaded), projected
with Leaflet's own projection of the page's current view; what is measured is what a person sees: the marker's
box and its dot on the page, the status sign's box, and the line's pixels on the canvas. A CSS rule that takes
markers out of Leaflet's absolute positioning, a build that drops Leaflet's stylesheet, or a lat/lon swap all
move something by more than the few pixels of tolerance.
"""

import math
from itertools import pairwise

import pytest
from django.contrib.gis.geos import LineString, Point
from django.core.management import call_command
from django.db.models import CharField, F, Value
from django.db.models.functions import Cast, Concat

from participation.models import ModerationState, PlanningStatus, Project, Suggestion
from tests.browser.helpers import wait_for_map, wait_for_reload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAP = "/projects/karlsruhe-ebikes/"
SIZES = {
    "desktop": {"viewport": {"width": 1366, "height": 768}},
    "phone": {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True},
}
TOLERANCE = 3  # CSS pixels: Leaflet rounds marker positions to whole pixels
EDGE = 24  # features this close to the map's edge may or may not be in the loaded section


@pytest.fixture
def project(db) -> Project:
    """The demo (every category: three of points, one of lines) plus one suggestion of every category in every
    planning status near the centre, and titles made unique so each marker's accessible name names one row."""
    call_command("load_demo", "--no-accounts")
    demo = Project.objects.get(slug="karlsruhe-ebikes")
    statuses = list(PlanningStatus.values)
    for row, category in enumerate(demo.categories.order_by("key")):
        for column, status in enumerate(statuses):
            lon, lat = 8.372 + column * 0.012, 49.028 - row * 0.006
            geom = (
                LineString((lon, lat), (lon + 0.004, lat - 0.002), (lon + 0.009, lat - 0.001), srid=4326)
                if category.geometry_kind == "line"
                else Point(lon, lat, srid=4326)
            )
            Suggestion.objects.create(
                project=demo,
                category=category,
                geom=geom,
                title=f"{category.key} {status}",
                moderation_state=ModerationState.PUBLISHED,
                planning_status=status,
            )
    unique = Concat(F("title"), Value(" #"), Cast("pk", CharField()))
    Suggestion.objects.filter(project=demo).update(title=unique)
    return demo


def published(project: Project) -> list[dict]:
    rows = []
    public = Suggestion.objects.filter(project=project, moderation_state=ModerationState.PUBLISHED)
    for s in public.select_related("category"):
        coords = [s.geom.coords] if s.geom.geom_type == "Point" else list(s.geom.coords)
        rows.append(
            {
                "title": s.title,
                "category": s.category.key,
                "kind": s.category.geometry_kind,
                "colour": s.category.colour,
                "status": s.planning_status,
                "lonlat": [list(c) for c in coords],
            }
        )
    return rows


# One snapshot of the page: the rows' vertices projected with the map's own projection (page coordinates),
# every suggestion marker's box, dot and status sign, and for each line the share of points along it (every
# 3 px) that have a pixel of its colour on the canvas within 4 px.
SNAPSHOT = """(rows) => {
  const map = window.participationMap;
  const box = map.getContainer().getBoundingClientRect();
  const project = ([lon, lat]) => {
    const p = map.latLngToContainerPoint([lat, lon]);
    return [box.left + p.x, box.top + p.y];
  };
  const centre = (r) => [r.left + r.width / 2, r.top + r.height / 2];
  const sign = (el) => {
    for (const host of [el, ...el.querySelectorAll('*')]) {
      const s = getComputedStyle(host, '::after');
      if (s.content === 'none' || s.display === 'none') continue;
      const r = host.getBoundingClientRect();
      return { position: s.position, centre: [r.left + parseFloat(s.left) + parseFloat(s.width) / 2,
                                               r.top + parseFloat(s.top) + parseFloat(s.height) / 2] };
    }
    return null;
  };
  const markers = [...document.querySelectorAll('.leaflet-marker-pane .suggestion-marker')].map((el) => {
    const dot = el.querySelector('.suggestion-dot');
    return {
      name: el.getAttribute('aria-label'), line: el.classList.contains('line-proxy'),
      classes: el.className, centre: centre(el.getBoundingClientRect()),
      dot: dot ? centre(dot.getBoundingClientRect()) : null, sign: sign(el),
    };
  });
  const canvas = document.querySelector('.leaflet-overlay-pane canvas');
  const cr = canvas.getBoundingClientRect();
  const scale = canvas.width / cr.width;
  const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  const hex = (c) => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16));
  const inside = ([x, y]) => x > box.left + 2 && x < box.right - 2 && y > box.top + 2 && y < box.bottom - 2;
  const painted = ([x, y], rgb) => {
    for (let dy = -4; dy <= 4; dy += 1) {
      for (let dx = -4; dx <= 4; dx += 1) {
        const cx = Math.round((x + dx - cr.left) * scale);
        const cy = Math.round((y + dy - cr.top) * scale);
        if (cx < 0 || cy < 0 || cx >= canvas.width || cy >= canvas.height) continue;
        const i = (cy * canvas.width + cx) * 4;
        const off = Math.hypot(pixels[i] - rgb[0], pixels[i + 1] - rgb[1], pixels[i + 2] - rgb[2]);
        if (pixels[i + 3] > 40 && off < 60) return true;
      }
    }
    return false;
  };
  const projected = rows.map((row) => {
    const points = row.lonlat.map(project);
    let samples = 0;
    let hits = 0;
    if (row.kind === 'line') {
      const rgb = hex(row.colour);
      for (let i = 1; i < points.length; i += 1) {
        const [a, b] = [points[i - 1], points[i]];
        const steps = Math.max(1, Math.floor(Math.hypot(b[0] - a[0], b[1] - a[1]) / 3));
        for (let k = 0; k <= steps; k += 1) {
          const p = [a[0] + (b[0] - a[0]) * k / steps, a[1] + (b[1] - a[1]) * k / steps];
          if (!inside(p)) continue;
          samples += 1;
          if (painted(p, rgb)) hits += 1;
        }
      }
    }
    return { points, samples, hits };
  });
  return { box: [box.left, box.top, box.right, box.bottom], markers, projected };
}"""


def distance(a, b) -> float:
    return math.hypot(a[0] - b[0], a[1] - b[1])


def to_segment(p, a, b) -> float:
    dx, dy = b[0] - a[0], b[1] - a[1]
    length = dx * dx + dy * dy
    t = 0.0 if length == 0 else max(0.0, min(1.0, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / length))
    return distance(p, (a[0] + t * dx, a[1] + t * dy))


def assert_drawn_where_they_are(page, rows: list[dict], moment: str, shown=lambda row: True) -> int:
    """Every marker and line on the map is where its row's coordinates project, and every row the filters let
    through whose place is well inside the map is drawn. Returns how many rows were checked as drawn."""
    snap = page.evaluate(SNAPSHOT, rows)
    left, top, right, bottom = snap["box"]

    def well_inside(p) -> bool:
        return left + EDGE < p[0] < right - EDGE and top + EDGE < p[1] < bottom - EDGE

    pairs = list(zip(rows, snap["projected"], strict=True))
    by_title = {row["title"]: (row, projected) for row, projected in pairs}
    problems = []
    drawn = set()
    for marker in snap["markers"]:
        # The accessible name is "title – category – status"; titles may hold dashes themselves.
        title = next(t for t in by_title if marker["name"].startswith(f"{t} – "))
        row, projected = by_title[title]
        drawn.add(title)
        where = f"{moment}: {title!r}"
        if not shown(row):
            problems.append(f"{where} is drawn although the filters exclude it")
        if f"status--{row['status']}" not in marker["classes"] and not marker["line"]:
            problems.append(f"{where} is drawn as {marker['classes']!r}, its status is {row['status']}")
        if row["kind"] == "line":
            # The line's keyboard marker sits on the line (half-way along it).
            points = projected["points"]
            off = min(to_segment(marker["centre"], a, b) for a, b in pairwise(points))
            if off > TOLERANCE:
                problems.append(f"{where}: its marker is {off:.0f} px off the line")
            continue
        expected = projected["points"][0]
        for part in ("centre", "dot"):
            off = distance(marker[part], expected)
            if off > TOLERANCE:
                problems.append(f"{where}: marker {part} at {marker[part]}, {off:.0f} px from {expected}")
        sign = marker["sign"]
        if row["status"] == PlanningStatus.RECEIVED:
            if sign is not None:
                problems.append(f"{where}: a received suggestion carries a status sign")
        elif sign is None or sign["position"] != "absolute":
            problems.append(f"{where}: no status sign placed on its dot ({sign})")
        elif (gap := distance(sign["centre"], marker["dot"])) > 13:  # dot's radius 8, and half the sign
            problems.append(f"{where}: status sign {gap:.0f} px from its dot")
    checked = 0
    for row, projected in pairs:
        if not shown(row):
            continue
        if row["kind"] == "line":
            if projected["samples"] < 5:
                continue
            checked += 1
            share = projected["hits"] / projected["samples"]
            if share < 0.85:  # dashes (2 px on, 7 off) and joins leave a few samples short
                problems.append(f"{moment}: line {row['title']!r} is drawn at {share:.0%} of its course")
            if row["title"] not in drawn and any(map(well_inside, projected["points"])):
                problems.append(f"{moment}: line {row['title']!r} has no marker")
        elif well_inside(projected["points"][0]):
            checked += 1
            if row["title"] not in drawn:
                problems.append(f"{moment}: {row['title']!r} belongs at {projected['points'][0]}, not drawn")
    assert not problems, f"{len(problems)} problems, e.g.:\n" + "\n".join(problems[:15])
    return checked


def drag_map(page, dx: int, dy: int) -> None:
    """Pan as a person does: press on the map's upper part (on a phone the sheet covers its foot) and drag."""
    box = page.locator("#map").bounding_box()
    x, y = box["x"] + box["width"] * 0.5, box["y"] + 120
    wait_for_reload(page)
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + dx, y + dy, steps=12)
    page.mouse.up()
    page.wait_for_timeout(700)  # inertia, if any, ends before the last section is loaded
    wait_for_map(page)


@pytest.mark.parametrize("size", SIZES)
def test_every_marker_and_line_is_drawn_where_its_coordinates_project(live_server, browser, project, size):
    context = browser.new_context(locale="de-DE", **SIZES[size])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    rows = published(project)
    assert {r["status"] for r in rows} == set(PlanningStatus.values)
    assert {r["category"] for r in rows} == set(project.categories.values_list("key", flat=True))

    page.goto(live_server.url + MAP)
    wait_for_map(page)
    page.wait_for_selector("body[data-list-loaded]")
    assert page.get_attribute("body", "data-map-mode") == "features"
    assert assert_drawn_where_they_are(page, rows, "after load") > 20

    drag_map(page, -90, 110)
    assert assert_drawn_where_they_are(page, rows, "after panning") > 20

    # Filters: on a phone they are in the bottom sheet, opened with its handle.
    if size == "phone":
        page.locator("#sheet-handle").click()
    wait_for_reload(page)
    page.locator("#filters input[name=category][value=comment]").uncheck()
    wait_for_map(page)
    shown = lambda row: row["category"] != "comment"  # noqa: E731
    assert assert_drawn_where_they_are(page, rows, "after a category filter", shown) > 10

    wait_for_reload(page)
    page.locator("#filter-status").select_option("planned")
    wait_for_map(page)
    shown = lambda row: row["category"] != "comment" and row["status"] == "planned"  # noqa: E731
    assert assert_drawn_where_they_are(page, rows, "after a status filter", shown) >= 3

    # A selected point is drawn larger, on the same spot.
    page.locator("#suggestion-list li:has(.legend-swatch--point) .suggestion-item-title").first.click()
    page.wait_for_selector(".suggestion-marker.is-selected .suggestion-dot")
    page.wait_for_timeout(300)
    wait_for_map(page)
    assert assert_drawn_where_they_are(page, rows, "with a selected point", shown) >= 3
    assert errors == []
    context.close()


# The clusters' own places come from the server (cells of the grid), read from the answer the page received.
CLUSTERS = """(features) => {
  const map = window.participationMap;
  const box = map.getContainer().getBoundingClientRect();
  const expected = features.map((f) => {
    const p = map.latLngToContainerPoint([f.geometry.coordinates[1], f.geometry.coordinates[0]]);
    return { count: f.properties.count, at: [box.left + p.x, box.top + p.y] };
  });
  const pane = document.querySelector('.leaflet-marker-pane');
  const drawn = [...pane.querySelectorAll('.cluster, .cluster-one')]
    .map((el) => {
      const r = el.getBoundingClientRect();
      const count = el.classList.contains('cluster-one') ? 1 : Number(el.textContent.replace('k', '000'));
      return { count, at: [r.left + r.width / 2, r.top + r.height / 2] };
    });
  return { expected, drawn };
}"""


@pytest.mark.parametrize("size", SIZES)
def test_clusters_are_drawn_where_the_server_places_them(live_server, browser, project, size):
    charging = project.categories.get(key="charging-station")
    Suggestion.objects.bulk_create(
        Suggestion(
            project=project,
            category=charging,
            geom=Point(8.36 + (i % 30) * 0.003, 48.99 + (i // 30) * 0.002, srid=4326),
            title=f"Ladepunkt {i}",
            moderation_state=ModerationState.PUBLISHED,
        )
        for i in range(600)
    )
    context = browser.new_context(locale="de-DE", **SIZES[size])
    page = context.new_page()
    with page.expect_response(lambda r: "bbox=" in r.url and "zoom=" in r.url) as answer:
        page.goto(live_server.url + MAP)
    wait_for_map(page)
    collection = answer.value.json()
    assert collection["mode"] == "clusters"
    snap = page.evaluate(CLUSTERS, collection["features"])
    assert len(snap["drawn"]) == len(snap["expected"]) > 5
    problems = []
    for cluster in snap["expected"]:
        near = [d for d in snap["drawn"] if distance(d["at"], cluster["at"]) <= TOLERANCE]
        if not any(d["count"] == cluster["count"] for d in near):
            problems.append(f"no cluster of {cluster['count']} at {cluster['at']}")
    assert not problems, problems
    context.close()
