-- The properties of a feature in the API's suggestion list (suggestion_features.sql), which the web map
-- reads: its own names, not the GIS field table of geo/fields.py (`created` is the time as PostgreSQL
-- writes a timestamptz in JSON).
json_build_object(
    'id', id,
    'category', category,
    'title', title,
    'text', text,
    'planning_status', planning_status,
    'support_count', support_count,
    'comment_count', comment_count,
    'created', created_at
)
