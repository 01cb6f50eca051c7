-- A tile request's first and, on a cache hit, only query: the public project named by the slug, and its
-- cached tile if there is one. The bytes are left out when the client already holds them (its ETag).
SELECT p.id, t.layer, t.etag, CASE WHEN t.etag = ANY (%(known_etags)s::text[]) THEN NULL ELSE t.mvt END
FROM participation_project AS p
LEFT JOIN geo_tile_cache AS t
  ON t.project_id = p.id AND t.z = %(z)s AND t.x = %(x)s AND t.y = %(y)s
WHERE p.slug = %(slug)s AND p.is_public;
