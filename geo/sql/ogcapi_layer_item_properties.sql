-- The properties of an OGC API context-layer feature (ogcapi_layer_items.sql): its attributes as the source
-- had them, flat. `attribute_nulls` is {"<name>": null, …} over every attribute name of the layer
-- (ogcapi_layer_summaries.sql), so every feature has every property, null where it has none: GDAL and QGIS
-- take a layer's fields from the first page, and a field missing there is lost for all pages.
-- Attributes are an object whenever the import wrote them; anything else (an edit by hand) is left out.
CASE WHEN jsonb_typeof(properties) = 'object'
     THEN %(attribute_nulls)s::jsonb || properties
     ELSE %(attribute_nulls)s::jsonb END
