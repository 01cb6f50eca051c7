"""`make bench`: what the nearest-street column costs the 1.1 M export (issue 24).

Every suggestion shows its nearest street (and house number where known) in the exports. The row compares
the planner's GeoJSON export of the large project (all moderation states, as the export rows of
read_scenarios) with the column and without it, through the same stream the export view sends
(geo.exports.streams.geojson_stream, drained in the harness's process), taking turns, best of 3.

The stream must offer the column as a switch, `nearest_street: bool`; without that keyword the row is
"not built" (it fails).
"""

import inspect
import time
from dataclasses import dataclass

from benchmarks import network_seed
from benchmarks.core import BenchContext, ResultRow, ratio
from benchmarks.read_scenarios import project_info

SWITCH = "nearest_street"
TARGET = 1.25
REPEATS = {"full": 3, "smoke": 1}
STATES = ("published", "pending", "rejected")


@dataclass(frozen=True)
class Drained:
    seconds: float
    bytes: int


def log(message: str) -> None:
    print(message, flush=True)


def drain(project_id: int, slug: str, nearest_street: bool) -> Drained:
    """The planner's GeoJSON export of the project, read to its end in this process."""
    from django.db import connections

    from geo.exports import streams
    from geo.exports.filters import ExportFilter
    from geo.exports.provenance import Provenance
    from participation.models import Project

    project = Project.objects.get(pk=project_id)
    export_filter = ExportFilter(states=STATES)
    provenance = Provenance.build(
        project=project,
        export_filter=export_filter,
        source_url=f"https://bench.invalid/{slug}",
        open_data=False,
    )
    began = time.perf_counter()
    size = 0
    for chunk in streams.geojson_stream(
        project_id=project_id,
        export_filter=export_filter,
        provenance=provenance,
        analysis=True,
        **{SWITCH: nearest_street},
    ):
        size += len(chunk)
    seconds = time.perf_counter() - began
    connections.close_all()
    return Drained(seconds, size)


def run(ctx: BenchContext) -> list[ResultRow]:
    from geo.exports import streams

    big = project_info(ctx.dsn, ctx.project_slug)
    seeded = network_seed.ensure(ctx.dsn, big.id, ctx.scale, log)
    scenario = f"nearest-street column in the planner's GeoJSON export ({seeded.edges:,}-edge network)"
    target = f"<= {TARGET:g} x the export without it"
    if SWITCH not in inspect.signature(streams.geojson_stream).parameters:
        return [
            ResultRow(
                scenario=scenario,
                metric="not built",
                ours=None,
                anchors={},
                ratio=None,
                bytes=None,
                target=target,
                passed=False,
                notes=f"geo.exports.streams.geojson_stream has no `{SWITCH}` switch on this branch",
            )
        ]
    with_column, without = [], []
    for _ in range(REPEATS[ctx.scale]):
        with_column.append(drain(big.id, ctx.project_slug, True))
        without.append(drain(big.id, ctx.project_slug, False))
    ours = min(with_column, key=lambda d: d.seconds)
    anchor = min(without, key=lambda d: d.seconds)
    r = ratio(ours.seconds, anchor.seconds)
    return [
        ResultRow(
            scenario=scenario,
            metric="seconds, 1 client",
            ours=ours.seconds,
            anchors={"the same export without the column s": anchor.seconds},
            ratio=r,
            bytes=ours.bytes,
            target=target,
            passed=r is not None and r <= TARGET and ours.bytes > anchor.bytes,
            notes=(
                f"geojson_stream(analysis=True, {SWITCH}=…) drained in-process, states {', '.join(STATES)}, "
                f"best of {REPEATS[ctx.scale]}, taking turns; without the column {anchor.bytes:,} bytes"
            ),
        )
    ]
