"""Mapbox Vector Tiles of a project's published suggestions, for QGIS and web maps, with an exact cache.

`/tiles/<slug>/{z}/{x}/{y}.pbf`: PostGIS builds each tile (geo/sql/tile_mvt.sql); PostgreSQL keeps the tile
cache exact (geo/sql/tile_cache_trigger.sql). See selectors.py for the layer rule and services.py for
why a cached tile can never outlive the data under it.
"""
