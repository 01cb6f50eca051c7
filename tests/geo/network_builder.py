"""A small street network written straight into the network tables, for routing tests (the import has its
own tests): a 4 x 4 grid of named streets in Karlsruhe's centre, one one-way street, a footway closed to
bicycles, an island nobody can reach and a long serpentine path.

    Nordstraße   (y3) ──┬──────┬──────┬──
    Waldstraße   (y2) ──┼──────┼──────┼──
    Kaiserstraße (y1) ──┼──────┼──────┼──
    Südstraße    (y0) ──┴──────┴──────┴──
                  Karlstraße  Ritterstraße (one-way, north only)  Herrenstraße  Adlerstraße

The footway "Schlossweg" runs diagonally from the south-west corner to (x1, y1): shorter than any street
there, but closed to bicycles.
"""

from dataclasses import dataclass, field

from django.contrib.gis.geos import LineString, Point
from django.db import connection
from django.utils import timezone

from geo.network.imports import network_stranded_mark
from geo.network.models import NetworkEdge, NetworkVertex, StreetNetwork
from participation.models import Project

LON0, LAT0 = 8.400, 49.000
DLON, DLAT = 0.002, 0.0015  # about 146 m and 167 m
ROWS = ["Südstraße", "Kaiserstraße", "Waldstraße", "Nordstraße"]
COLUMNS = ["Karlstraße", "Ritterstraße", "Herrenstraße", "Adlerstraße"]
ONE_WAY = "Ritterstraße"  # open to bicycles northwards only
FOOTWAY = "Schlossweg"
ISLAND = ((8.450, 49.030), (8.452, 49.030))
# Three passes east and west 100 m apart: about 39 km in one simple line, far from the grid.
SERPENTINE = ((8.31, 48.960), (8.49, 48.960), (8.49, 48.961), (8.31, 48.961), (8.31, 48.962), (8.49, 48.962))


def grid_position(i: int, j: int) -> tuple[float, float]:
    """lon, lat of the grid's crossing in column i and row j."""
    return (round(LON0 + i * DLON, 7), round(LAT0 + j * DLAT, 7))


@dataclass
class TestNetwork:
    network: StreetNetwork
    vertices: dict[tuple[int, int], int] = field(default_factory=dict)  # (i, j) -> vertex id
    edges: dict[str, list[int]] = field(default_factory=dict)  # street name -> edge ids


def build_network(project: Project, *, name: str = "Innenstadt") -> TestNetwork:
    """Writes the network above for `project` and returns its ids."""
    network = StreetNetwork.objects.create(
        project=project,
        name=name,
        source_name="test-grid.osm",
        attribution="© OpenStreetMap contributors",
        licence="ODbL",
        generation=1,
        imported_at=timezone.now(),
    )
    built = TestNetwork(network=network)
    positions = {(i, j): grid_position(i, j) for i in range(4) for j in range(4)}
    extra = {
        "island_a": ISLAND[0],
        "island_b": ISLAND[1],
        "snake_a": SERPENTINE[0],
        "snake_b": SERPENTINE[-1],
    }
    keys = [*positions, *extra]
    rows = NetworkVertex.objects.bulk_create(
        NetworkVertex(network=network, geom=Point(*({**positions, **extra}[key]), srid=4326)) for key in keys
    )
    ids = {key: row.pk for key, row in zip(keys, rows, strict=True)}
    built.vertices = {key: ids[key] for key in positions}

    edges = []

    def edge(a, b, name, *, one_way=False, bicycle=True, highway="residential", coords=None):
        line = LineString(coords or [{**positions, **extra}[a], {**positions, **extra}[b]], srid=4326)
        edges.append(
            NetworkEdge(
                network=network, source=ids[a], target=ids[b], cost=1, reverse_cost=-1 if one_way else 1,
                length_m=0, bicycle=bicycle, name=name, highway=highway, geom=line,
            )
        )  # fmt: skip

    for j, street in enumerate(ROWS):
        for i in range(3):
            edge((i, j), (i + 1, j), street)
    for i, street in enumerate(COLUMNS):
        for j in range(3):
            edge((i, j), (i, j + 1), street, one_way=street == ONE_WAY)
    edge((0, 0), (1, 1), FOOTWAY, bicycle=False, highway="footway")
    edge("island_a", "island_b", "Inselweg")
    edge("snake_a", "snake_b", "Schlangenweg", coords=SERPENTINE, highway="cycleway")
    NetworkEdge.objects.bulk_create(edges)
    # Lengths and costs in metres on the ellipsoid, the sign of each cost kept (negative: not that way).
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE geo_network_edge SET length_m = ST_Length(geom::geography), "
            "cost = sign(cost) * ST_Length(geom::geography), "
            "reverse_cost = sign(reverse_cost) * ST_Length(geom::geography) WHERE network_id = %s",
            [network.pk],
        )
    # As an import does: the island and the serpentine are parts cut off from the grid.
    network_stranded_mark(network.pk)
    for row in NetworkEdge.objects.filter(network=network).order_by("id").values("id", "name"):
        built.edges.setdefault(row["name"], []).append(row["id"])
    return built
