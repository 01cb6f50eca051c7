-- A layer tile request's first and, on a cache hit of a public layer, only query: the project named by the
-- slug, its layer of that id, both with whether they are public, and the cached tile if there is one. The
-- bytes are left out when the client already holds them (its ETag). No row: no such layer in that project.
SELECT p.id, p.is_public, l.public, t.etag,
       CASE WHEN t.etag = ANY (%(known_etags)s::text[]) THEN NULL ELSE t.mvt END
FROM participation_project AS p
JOIN geo_context_layer AS l ON l.project_id = p.id AND l.id = %(layer_id)s
LEFT JOIN geo_context_tile_cache AS t
  ON t.layer_id = l.id AND t.z = %(z)s AND t.x = %(x)s AND t.y = %(y)s
WHERE p.slug = %(slug)s;
