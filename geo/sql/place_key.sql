-- The search key of a place's label and of what people type (geo.places): the same IMMUTABLE function on
-- both sides, so that "Kaiserstraße", "Kaiserstrasse", "KAISERSTR." and "kaiserstr" meet.
--
-- The readable copy of what the database runs; migrations never read it. The latest migration that carries
-- PLACE_KEY_SQL (geo 0020) holds this very text, and tests/test_migrations.py compares them.
--
-- Lower case; ß → ss and ä/ö/ü → ae/oe/ue (German's own spelling without them; unaccent alone would make
-- "a"), then unaccent for the rest (é → e); every run of anything but a-z and 0-9 one space (punctuation,
-- hyphens, LIKE's % and _, emoji: never part of a key); "str" at a word's end → "strasse"; a house number's
-- letter joined to it ("12 a" → "12a"). unaccent() is only STABLE (its dictionary could change); named
-- explicitly with its schema it is safe to call from an IMMUTABLE function, the documented way to index it.
CREATE OR REPLACE FUNCTION geo_place_key(p_text text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT btrim(regexp_replace(regexp_replace(regexp_replace(
        public.unaccent(
            'public.unaccent'::regdictionary,
            replace(replace(replace(replace(lower(p_text), 'ß', 'ss'), 'ä', 'ae'), 'ö', 'oe'), 'ü', 'ue')
        ),
        '[^a-z0-9]+', ' ', 'g'),
        'str( |$)', 'strasse\1', 'g'),
        '([0-9]) ([a-z])( |$)', '\1\2\3', 'g'))
$$;
