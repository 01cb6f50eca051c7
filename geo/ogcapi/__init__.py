"""OGC API – Features (Part 1: Core) at /ogcapi: published suggestions of public projects and the public
context layers of those projects, for GIS clients.

Collections come in kinds (`kinds.py`, the one place a kind is added): suggestions, one collection per
project and geometry kind (`<slug>-points`, `<slug>-lines`, `<slug>-areas`), and context layers, one per
public layer (`<slug>-layer-<id>`). Both are read by QGIS and GDAL's OAPIF driver. Items are keyset-paged
(`after=<id>`, never OFFSET) and written as GeoJSON by PostGIS (`geo/sql/ogcapi_items.sql` or
`ogcapi_layer_items.sql`, with their properties, in the page of `feature_page.sql`); Python only frames a
page. Only public fields and public layers leave the database, except in the staff collections
(`<slug>-points-staff`, …; `staff_selectors.py`, `staff_views.py`), which exist only for a project's planners
and moderators (`staff_access.py`: session, API token or HTTP Basic with the token) and add the internal
fields, never a personal one.

- `errors.py`: the OGC exception (`{"code", "description"}`) with its HTTP status;
- `params.py`: the query parameters, checked strictly (every bad value is a 400 with a sentence);
- `selectors.py`, `layer_selectors.py`: collections (from the ORM, a few rows) and item pages (SQL);
- `suggestion_views.py`, `layer_views.py`: each kind's collection, items and item, as JSON and HTML;
- `responses.py`: format negotiation (`f=json|html`, else the Accept header), links, the errors' answers;
- `openapi.py`: the OpenAPI 3.0 document at /ogcapi/api;
- `views.py`, `urls.py`: thin views that hand a collection's resources to its kind;
- `staff_access.py`: who reads (credentials) and the headers that keep staff answers out of shared caches.
"""
