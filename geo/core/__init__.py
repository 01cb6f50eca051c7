"""The geometry library: rules for submitted geometries, bounding boxes, GeoJSON fields and renderers, the
tile and cluster grid, boundary files, and the loader of hand-written SQL.

Every write path (participation, surveys) and the read path (the rest of `geo`) build on it; it imports no
app, which the import contracts in pyproject.toml hold it to.
"""
