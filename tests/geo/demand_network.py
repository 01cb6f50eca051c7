"""A little street network for the demand tests: a grid of streets around Karlsruhe's centre, written through
the ORM as an import leaves it (vertices, edges in pgRouting's shape). Built here so that these tests do not
depend on the network import.

The grid has `size` x `size` crossings `STEP_LON` x `STEP_LAT` apart (about 100 m each way) from `ORIGIN`.
Edges between neighbouring crossings: the west-east ones named "Oststraße <row>", the south-north ones
"Nordstraße <column>". `edges[("h", row, col)]` runs from crossing (row, col) east to (row, col + 1),
`edges[("v", row, col)]` from (row, col) north to (row + 1, col).
"""

import math

from django.contrib.gis.geos import LineString, Point

from geo.network.models import NetworkEdge, NetworkVertex, StreetNetwork
from participation.models import Project

ORIGIN = (8.3950, 49.0050)
STEP_LON = 0.00137  # ~100 m at 49° N
STEP_LAT = 0.0009  # ~100 m


def crossing(row: float, col: float) -> tuple[float, float]:
    """The position of crossing (row, col); fractions lie between crossings."""
    return (ORIGIN[0] + col * STEP_LON, ORIGIN[1] + row * STEP_LAT)


def metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat = math.radians((a[1] + b[1]) / 2)
    return math.hypot((b[0] - a[0]) * 111_320 * math.cos(lat), (b[1] - a[1]) * 110_574)


def grid_network(project: Project, *, size: int = 4, name: str = "Testnetz") -> dict:
    """Write a `size` x `size` grid as the project's network (replacing its edges if it has one already, as
    an import does) and return {"network", "edges": {key: NetworkEdge}}."""
    network, _ = StreetNetwork.objects.update_or_create(
        project=project,
        defaults={"name": name, "attribution": "© OpenStreetMap contributors", "licence": "ODbL 1.0"},
    )
    NetworkEdge.objects.filter(network=network).delete()
    NetworkVertex.objects.filter(network=network).delete()
    vertices = {
        (row, col): NetworkVertex.objects.create(network=network, geom=Point(*crossing(row, col), srid=4326))
        for row in range(size)
        for col in range(size)
    }
    edges = {}
    for row in range(size):
        for col in range(size):
            for kind, to in (("h", (row, col + 1)), ("v", (row + 1, col))):
                if to not in vertices:
                    continue
                a, b = crossing(row, col), crossing(*to)
                length = metres(a, b)
                edges[(kind, row, col)] = NetworkEdge.objects.create(
                    network=network,
                    source=vertices[(row, col)].pk,
                    target=vertices[to].pk,
                    cost=length,
                    reverse_cost=length,
                    length_m=length,
                    bicycle=True,
                    name=f"Oststraße {row}" if kind == "h" else f"Nordstraße {col}",
                    highway="residential",
                    geom=LineString(a, b, srid=4326),
                )
    return {"network": network, "edges": edges}


def path(*points: tuple[float, float], offset_m: float = 0.0) -> LineString:
    """A drawn path through crossings given as (row, col), shifted `offset_m` metres north (a hand never
    draws exactly on the street)."""
    shift = offset_m / 110_574
    return LineString([(lon, lat + shift) for lon, lat in (crossing(*p) for p in points)], srid=4326)
