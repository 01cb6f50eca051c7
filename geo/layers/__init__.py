"""Context layers (issue 23): what already exists beside the suggestions, imported from GDAL sources into
PostGIS — existing facilities of a category, statistical areas (districts), plain reference layers."""
