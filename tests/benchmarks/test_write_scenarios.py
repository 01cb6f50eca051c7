"""The write and map-page scenarios of `make bench`, at smoke scale against a tiny bench on live_server.

Figures are only checked to be there and to be numbers: speed is judged by `make bench`, never by a test.
What is checked is what the figures rest on: the bare view writes the same row as the API, the publishing
goes through the moderation service, nothing fails, and the bench data is left exactly as it was."""

import json
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest

from benchmarks import page_scenario, write_scenarios
from benchmarks.write_scenarios import Http
from participation.models import ModerationAction, ModerationEvent, Suggestion

pytestmark = pytest.mark.django_db(transaction=True)

# Everything a scenario could leave behind or change: rows per project and state, the cluster aggregate
# cell by cell, and the task queue.
SNAPSHOT_SQL = {
    "suggestions": """SELECT project_id, moderation_state, count(*), sum(support_count), sum(comment_count)
                      FROM participation_suggestion GROUP BY 1, 2 ORDER BY 1, 2""",
    "clusters": """SELECT project_id, zoom, cell_x, cell_y, category_id, count FROM geo_cluster_cell
                   ORDER BY project_id, zoom, cell_x, cell_y, category_id""",
    # Coordinate sums are floating point: adding and taking away the same points may differ in the last
    # bits, which moves no cluster (its position is sum / count). `axis` orders each cell's two sums (the
    # sort is not stable: without it, x and y of one cell may come in either order).
    "sums": """SELECT x FROM geo_cluster_cell, LATERAL (VALUES (1, sum_x), (2, sum_y)) AS s (axis, x)
               ORDER BY project_id, zoom, cell_x, cell_y, category_id, axis""",
    "tasks": "SELECT count(*) FROM django_tasks_database_dbtaskresult",
}


def snapshot(dsn: str) -> dict[str, list]:
    with psycopg.connect(dsn) as db:
        found = {name: db.execute(sql).fetchall() for name, sql in SNAPSHOT_SQL.items()}
    found["sums"] = pytest.approx([x for (x,) in found["sums"]], rel=1e-12)
    return found


def is_number(value: object) -> bool:
    return isinstance(value, int | float) and value > 0


def test_write_scenarios_measure_through_the_real_paths_and_leave_the_data_as_it_was(bench):
    before = snapshot(bench.dsn)
    assert before["clusters"], "the tiny bench has published suggestions in the cluster table"
    approvals = ModerationEvent.objects.filter(action=ModerationAction.APPROVE).count()

    posts, publishing = write_scenarios.run(bench)

    per_side = bench.clients * write_scenarios.POSTS_PER_CLIENT["smoke"]
    assert is_number(posts.ours)
    assert is_number(posts.anchors["bare insert view"])
    assert is_number(posts.ratio)
    assert f"{per_side} API and {per_side} bare inserts" in posts.notes
    assert "non-201: API 0, bare 0" in posts.notes
    assert is_number(posts.bytes)
    count = write_scenarios.PUBLISH_COUNT["smoke"]
    assert is_number(publishing.ours)
    assert is_number(publishing.anchors["bare UPDATEs"])
    assert is_number(publishing.ratio)
    assert f"{count}/{count} approved" in publishing.notes
    assert f"bare: {count}/{count}" in publishing.notes
    # Every approval went through the moderation service, which records it (warm-up included).
    published_by_page = count + write_scenarios.PUBLISH_WARMUP
    assert (
        ModerationEvent.objects.filter(action=ModerationAction.APPROVE).count()
        == approvals + published_by_page
    )
    after = snapshot(bench.dsn)
    assert after.pop("sums").expected == before.pop("sums")  # within 1e-12 of each value
    assert after == before


def test_bare_view_inserts_the_same_row_as_the_api(bench):
    token = bench.citizen_tokens[0]
    feature = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [8.4012345, 49.0012345]},
        "properties": {"category": "charging-station", "title": "Ladestation", "text": "Am Markt."},
    }
    headers = {"Content-Type": "application/json", "Authorization": f"Token {token}"}
    client = Http(bench.base_url)
    body = json.dumps(feature).encode()
    api_status, _h, api_body = client.request(
        "POST", "/api/v1/projects/bench-big/suggestions/", body, headers
    )
    bare_status, _h, bare_body = client.request("POST", "/bench/suggestions/bench-big/", body, headers)
    anonymous_status, _h, _b = client.request(
        "POST", "/bench/suggestions/bench-big/", body, {"Content-Type": "application/json"}
    )
    client.close()

    assert (api_status, bare_status, anonymous_status) == (201, 201, 401)
    fields = [
        "project_id", "category_id", "geom", "title", "text", "author_id", "display_name", "moderation_state",
        "planning_status", "official_answer", "support_count", "comment_count", "language", "source_address",
    ]  # fmt: skip
    api_row = Suggestion.objects.values(*fields).get(pk=json.loads(api_body)["id"])
    bare_row = Suggestion.objects.values(*fields).get(pk=json.loads(bare_body)["id"])
    assert bare_row == api_row
    assert bare_row["display_name"] == "Bürger 0"
    assert bare_row["moderation_state"] == "published"


def test_page_scenario_times_the_map_page_of_both_projects(bench):
    # A thread of its own: Playwright's sync API refuses to start on a thread where another one (the browser
    # tests' session-wide Playwright, when they ran earlier on this worker) runs its event loop.
    with ThreadPoolExecutor(max_workers=1) as thread:
        (row,) = thread.submit(page_scenario.run, bench).result()

    assert is_number(row.ours)
    assert is_number(row.anchors["60-suggestion demo"])
    assert is_number(row.ratio)
    assert is_number(row.bytes)
    assert "no mark" not in row.notes
