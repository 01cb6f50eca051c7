"""Planners' exports: filters, the SQL streams (GeoJSON, CSV), GDAL's formats and the background jobs.

GeoJSON and CSV are written by PostgreSQL (`COPY … TO STDOUT`) and streamed as they come; GeoPackage,
Shapefile and KML are written by `ogr2ogr` reading the same rows from the database. Both paths use one
filtered query, `geo/sql/export_rows.sql`, so every format holds the same suggestions.
"""
