-- The properties of an OGC API feature (ogcapi_items.sql): the names and meanings are geo/fields.py's, as in
-- the exports and tiles. Every feature has every property (null when empty): GDAL and QGIS take a layer's
-- fields from the first page, and a field missing there is lost for all pages.
-- The published photos are links (geo/fields.py says why three texts and not one array), from the keys
-- stored with the suggestion (photo_keys) and the URL's pieces (geo/photo_links.py): a feature without
-- photos costs three comparisons of its array's length, no text is built for it.
json_build_object(
    'id', id,
    'category', %(category_labels)s::jsonb -> category_id::text -> 'key',
    'category_label', %(category_labels)s::jsonb -> category_id::text -> 'label',
    'title', title,
    'text', nullif(text, ''),
    'planning_status', planning_status,
    'official_answer', nullif(official_answer, ''),
    'support_count', support_count,
    'comment_count', comment_count,
    -- RFC 3339 to the second (the precision `datetime` filters at), with the offset of the site's zone, as
    -- in the exports: the page's transaction is in that zone (selectors.page_row), which to_char writes
    -- (TZH:TZM) at a quarter of pm_iso_local's cost.
    'created_at', to_char(created_at, 'YYYY-MM-DD"T"HH24:MI:SSTZH:TZM'),
    'updated_at', to_char(updated_at, 'YYYY-MM-DD"T"HH24:MI:SSTZH:TZM'),
    'answered_at', to_char(answered_at, 'YYYY-MM-DD"T"HH24:MI:SSTZH:TZM'),
    -- How a path was drawn: routed or free; null for points and areas.
    'line_drawing', nullif(line_drawing, ''),
    'photo_1', CASE WHEN cardinality(photo_keys) > 0 THEN %(photo_url)s::text || photo_keys[1] || %(photo_full)s::text END,
    'photo_2', CASE WHEN cardinality(photo_keys) > 1 THEN %(photo_url)s::text || photo_keys[2] || %(photo_full)s::text END,
    'photo_3', CASE WHEN cardinality(photo_keys) > 2 THEN %(photo_url)s::text || photo_keys[3] || %(photo_full)s::text END
)
