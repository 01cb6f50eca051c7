-- The context layer "Bench facilities" of the large benchmark project, for the context-layer tile rows, when
-- the benchmark's own seed has not made it: `points` existing facilities of the category sharing-point,
-- spread over the project area (ST_GeneratePoints with a fixed seed, so the same every time), and the layer's
-- tile generation row, so its tiles are cached as an imported layer's are. Idempotent: an existing layer of
-- that name is left as it is (the caller checks first). Parameters: project_id, points, seed_int.
WITH layer AS (
    INSERT INTO geo_context_layer (
        project_id, name, name_de, name_en, role, category_id, colour, icon, line_pattern, attribution,
        licence, visible_by_default, public, position, source_kind, source_name, source_url, source_layer,
        source_where, source_srs, import_report, refresh_error, updated_at
    )
    SELECT %(project_id)s, 'Bench facilities', 'Bench facilities', 'Bench facilities', 'facilities', c.id,
           '#0e7490', 'bicycle', 'solid', 'Invented benchmark data', '', true, true, 0, 'file', '', '', '', '',
           '', jsonb_build_object('taken', jsonb_build_object('Point', %(points)s)), '', now()
    FROM participation_category AS c
    WHERE c.project_id = %(project_id)s AND c.key = 'sharing-point'
    ON CONFLICT DO NOTHING
    RETURNING id
),
features AS (
    INSERT INTO geo_context_feature (layer_id, geom, properties, source_id)
    SELECT layer.id, d.geom,
           jsonb_build_object('name', 'Facility ' || d.path[1], 'capacity', (4 + mod(d.path[1], 37))::text), ''
    FROM layer, participation_project AS p, ST_Dump(ST_GeneratePoints(p.area, %(points)s, %(seed_int)s)) AS d
    WHERE p.id = %(project_id)s
)
INSERT INTO geo_context_tile_generation (layer_id, generation)
SELECT id, 0 FROM layer;
