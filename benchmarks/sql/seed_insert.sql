-- Writes what seed_project.sql drew into the app's tables, in id order, in the same transaction.
-- Counters are computed from the drawn rows before the insert, so they equal the rows without a second pass
-- over a million suggestions: support_count counts every support, comment_count the published comments
-- (the services' rule, participation/services/moderation.py).
INSERT INTO participation_suggestion (
    id, project_id, category_id, geom, title, text, author_id, display_name, moderation_state,
    planning_status, official_answer, answered_at, support_count, comment_count, merged_into_id, language,
    source_address, created_at, updated_at
)
SELECT s.id, %(project_id)s, s.category_id, s.geom,
       (CASE s.kind WHEN 'line' THEN ARRAY[
            'Radweg entlang der Hauptstraße', 'Lückenschluss im Radnetz', 'Sichere Verbindung zur Schule',
            'Fahrradstraße durch das Wohngebiet', 'Radweg am Fluss verlängern', 'Geschützter Radstreifen',
            'Abkürzung durch den Park', 'Radweg zum Gewerbegebiet']
        ELSE ARRAY[
            'Ladestation am Bahnhof', 'Sharing-Station am Marktplatz', 'Ladepunkte am Supermarkt',
            'Abstellanlage mit Lademöglichkeit', 'E-Bike-Verleih an der Haltestelle', 'Hinweis: Kreuzung gefährlich',
            'Ladestation im Parkhaus', 'Mehr Stellplätze für Lastenräder'] END)[s.title_no],
       (ARRAY[
            'Hier wäre eine gute Stelle, viele Pendler kommen täglich vorbei.',
            'Ich fahre diese Strecke jeden Tag mit dem E-Bike zur Arbeit und vermisse hier eine Möglichkeit, '
            || 'den Akku zu laden. Ein überdachter Platz wäre ideal.',
            'Die Haltestelle ist gut erreichbar, und abends ist hier wenig Platz für Räder.',
            'Bitte prüfen, ob der Platz vor dem Eingang genutzt werden kann. Der Gehweg ist breit genug, '
            || 'und die Stromleitung liegt schon in der Nähe. Das würde auch Besuchern aus dem Umland helfen, '
            || 'die mit dem Zug anreisen.',
            'Gefährliche Stelle für Radfahrende, besonders im Berufsverkehr.',
            'Eine Verbindung hier würde den Umweg über die vielbefahrene Straße ersparen.'])[s.text_no],
       u.user_id,
       'Teilnehmer·in ' || (1 + mod(s.id, 997)),
       s.moderation_state,
       s.planning_status,
       CASE WHEN s.planning_status IN ('planned', 'implemented', 'declined')
            THEN 'Vielen Dank für Ihren Vorschlag. Die Stadtverwaltung hat ihn geprüft und in die Planung '
                 || 'für das kommende Jahr aufgenommen beziehungsweise begründet abgelehnt.'
            ELSE '' END,
       CASE WHEN s.planning_status IN ('planned', 'implemented', 'declined')
            THEN s.created_at + (1 + 30 * s.u_update) * interval '1 day' END,
       coalesce(sp.n, 0),
       coalesce(cm.n, 0),
       NULL,
       'de',
       '',
       s.created_at,
       s.created_at + (40 * s.u_update) * interval '1 day'
FROM bench_suggestion AS s
CROSS JOIN LATERAL (
    SELECT (%(user_ids)s::integer[])[1 + mod(s.id, cardinality(%(user_ids)s::integer[]))] AS user_id
) AS u
LEFT JOIN (SELECT suggestion_id, count(*) AS n FROM bench_support GROUP BY suggestion_id) AS sp
       ON sp.suggestion_id = s.id
LEFT JOIN (
    SELECT suggestion_id, count(*) AS n FROM bench_comment WHERE state = 'published' GROUP BY suggestion_id
) AS cm ON cm.suggestion_id = s.id
ORDER BY s.id;

-- One support per account and suggestion: the k-th draw of a suggestion goes to account
-- (31 id + 7 k) mod U, distinct for k < U because 7 and U share no factor (benchmarks/seed.py checks U).
INSERT INTO participation_support (suggestion_id, user_id, browser, created_at)
SELECT b.suggestion_id,
       (%(user_ids)s::integer[])[1 + mod(b.suggestion_id * 31 + b.k * 7, cardinality(%(user_ids)s::integer[]))],
       '',
       b.created_at
FROM bench_support AS b
ORDER BY b.suggestion_id, b.k;

INSERT INTO participation_comment (suggestion_id, parent_id, author_id, display_name, text, moderation_state,
                                   source_address, created_at)
SELECT c.suggestion_id, NULL, NULL,
       (ARRAY['Pendlerin_Süd', 'Jonas', 'Anwohner_Weststadt', 'Radlerin76', 'Mia K.', 'Tobias',
              'Familie Berger', 'Lastenrad-Fan'])[c.name_no],
       (ARRAY['Das würde ich sofort nutzen, ich fahre hier täglich vorbei.',
              'Gute Idee, aber bitte mit Überdachung.',
              'Ist dort überhaupt Platz? Der Gehweg ist schon eng.',
              'Unbedingt! Hier fehlt seit Jahren eine sichere Verbindung.',
              'Bitte auch an Lastenräder denken.',
              'Unterstütze ich, die jetzige Lösung ist gefährlich.'])[c.text_no],
       c.state, '', c.created_at
FROM bench_comment AS c
ORDER BY c.suggestion_id, c.created_at;
