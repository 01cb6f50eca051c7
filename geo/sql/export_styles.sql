-- The GeoPackage's `layer_styles` table: each data layer's QGIS style (QML and SLD, geo/exports/styles.py),
-- the default one QGIS applies when it opens the layer. Its columns as QGIS itself creates the table
-- (QgsOgrProvider's saveStyle): names, types and text widths; catalog and schema empty, as QGIS's reader
-- asks for them.
SELECT ''::varchar(256) AS f_table_catalog,
       ''::varchar(256) AS f_table_schema,
       style.table_name::varchar(256) AS f_table_name,
       %(geometry_column)s::varchar(256) AS f_geometry_column,
       style.table_name::varchar(30) AS "styleName",
       style.qml AS "styleQML",
       style.sld AS "styleSLD",
       true AS "useAsDefault",
       style.description AS description,
       NULL::varchar(30) AS owner,
       NULL::varchar(30) AS ui,
       %(update_time)s::timestamptz AS update_time
FROM unnest(%(tables)s::text[], %(qml)s::text[], %(sld)s::text[], %(descriptions)s::text[])
    WITH ORDINALITY AS style(table_name, qml, sld, description, position)
ORDER BY style.position
