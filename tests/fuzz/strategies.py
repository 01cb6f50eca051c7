"""Hypothesis strategies for hostile input: GeoJSON geometries and texts nobody should be able to store.

Own strategies rather than `hypothesis-geometry`: that package draws valid planar shapes as its own
objects, while what matters here is the JSON a client can send — NaN, ±inf, huge and stringly numbers,
ragged and nested coordinate arrays, 3D, empty, crossing lines, a `crs` member, WKT — next to plausible
geometries inside the test area (tests.factories.AREA: lon 8.30–8.50, lat 48.95–49.05), so that the
accepting path runs as well as the refusing one.
"""

from hypothesis import strategies as st

LON = (8.30, 8.50)
LAT = (48.95, 49.05)

# Any JSON scalar, and the numbers JSON can carry beyond what a float holds.
json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([1e308, -1e308, 5e-324, 10**400, -0.0]),
    st.text(max_size=8),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=12,
)

lon_in_area = st.floats(min_value=LON[0], max_value=LON[1])
lat_in_area = st.floats(min_value=LAT[0], max_value=LAT[1])
# Slightly outside the area, and anywhere on (or off) the globe.
lon_near = st.floats(min_value=LON[0] - 0.1, max_value=LON[1] + 0.1)
lat_near = st.floats(min_value=LAT[0] - 0.1, max_value=LAT[1] + 0.1)
hostile_numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**400), max_value=10**400),
    st.sampled_from([float("nan"), float("inf"), float("-inf"), 1e308, 10**400, 181, -91]),
    st.from_regex(r"-?[0-9]{1,3}\.[0-9]{1,8}", fullmatch=True),  # a number as a string
    st.booleans(),
    st.none(),
)

position_in_area = st.tuples(lon_in_area, lat_in_area).map(list)
position_near = st.tuples(lon_near, lat_near).map(list)
hostile_position = st.one_of(
    st.lists(st.one_of(lon_in_area, lat_in_area, hostile_numbers), min_size=0, max_size=4),
    st.tuples(lon_in_area, lat_in_area, st.floats(allow_nan=True)).map(list),  # 3D
    st.tuples(lon_in_area, lat_in_area, st.floats(), st.floats()).map(list),  # XYZM
    json_values,
)
any_position = st.one_of(position_in_area, position_in_area, position_near, hostile_position)


def _geometry(kind: str, coordinates: st.SearchStrategy) -> st.SearchStrategy:
    return st.builds(lambda c: {"type": kind, "coordinates": c}, coordinates)


points = _geometry("Point", any_position)
lines = _geometry(
    "LineString",
    st.one_of(
        st.lists(position_in_area, min_size=2, max_size=8),  # often crossing itself
        st.lists(any_position, min_size=0, max_size=8),
        st.lists(position_near, min_size=2, max_size=4),
    ),
)
polygons = _geometry(
    "Polygon",
    st.lists(st.lists(st.one_of(position_in_area, any_position), min_size=0, max_size=6), max_size=3)
    | st.lists(position_in_area, min_size=3, max_size=5).map(lambda ring: [[*ring, ring[0]]]),
)
# Coordinate arrays nested too deep, not deep enough, or unevenly, under any geometry type.
ragged = st.builds(
    lambda kind, coordinates: {"type": kind, "coordinates": coordinates},
    st.sampled_from(["Point", "LineString", "Polygon", "MultiPoint"]),
    st.recursive(st.floats(allow_nan=True), lambda inner: st.lists(inner, max_size=3), max_leaves=20),
)
wrapped = st.one_of(
    st.builds(lambda g: {**g, "crs": {"type": "name", "properties": {"name": "EPSG:3857"}}}, points),
    st.builds(lambda g: {"type": "Feature", "geometry": g, "properties": {}}, points),
    st.builds(lambda g: {"type": "GeometryCollection", "geometries": [g]}, points),
    st.builds(lambda c: {"type": "MultiPoint", "coordinates": [c]}, position_in_area),
    st.builds(lambda c: {"type": "Point", "coordinates": c, "bbox": [1, 2]}, position_in_area),
)
not_geojson = st.one_of(
    json_scalars,
    st.sampled_from(
        [
            "POINT(8.4 49.0)",
            "SRID=3857;POINT(935000 6275000)",
            '{"type": "Point", "coordinates": [8.4, 49.0]}',
            {"type": "Point"},
            {"coordinates": [8.4, 49.0]},
            {"type": "Point", "coordinates": []},
            {"type": "LineString", "coordinates": []},
            {"type": "Polygon", "coordinates": [[]]},
            {"type": ["Point"], "coordinates": [8.4, 49.0]},
        ]
    ),
    json_values,
)

geometries = st.one_of(points, points, lines, lines, polygons, ragged, wrapped, not_geojson)

# Any unicode, control and format characters included (NUL, RTL override, zero-width), markup, SQL, and
# lengths around the limits.
hostile_text = st.one_of(
    st.text(max_size=60),
    st.text(st.characters(codec="utf-8"), max_size=30),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "Titel\x00",
            "\u202eevil\u202c",
            "a\u200bb",
            "\ufeff",
            "<script>window.__xss=1</script>",
            '<img src=x onerror="window.__xss=1">',
            "'; DROP TABLE participation_suggestion; --",
            "%(x)s",
            "{{ 7*7 }}",
            "x" * 121,
            "x" * 5001,
            "ü" * 120,
        ]
    ),
    json_scalars,
)
