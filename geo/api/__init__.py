"""geo's API under /api/v1/: the map's viewport reads, the GeoJSON feature pages and the exports."""
