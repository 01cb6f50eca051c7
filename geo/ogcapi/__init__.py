"""OGC API – Features (Part 1: Core) at /ogcapi: published suggestions of public projects for GIS clients.

One collection per project and geometry kind (`<slug>-points`, `<slug>-lines`, `<slug>-areas`), read by
QGIS and GDAL's OAPIF driver. Items are keyset-paged (`after=<id>`, never OFFSET) and written as GeoJSON by
PostGIS (`geo/sql/ogcapi_items.sql` and `ogcapi_item_properties.sql` in the page of `feature_page.sql`);
Python only frames a page. Only public fields leave the database.

- `errors.py`: the OGC exception (`{"code", "description"}`) with its HTTP status;
- `params.py`: the query parameters, checked strictly (every bad value is a 400 with a sentence);
- `selectors.py`: collections (from the ORM, a few rows) and item pages (SQL);
- `openapi.py`: the OpenAPI 3.0 document at /ogcapi/api;
- `views.py`, `urls.py`: thin views with format negotiation (`f=json|html`, else the Accept header).
"""
