"""OGC API – Features (Part 1 Core, GeoJSON, HTML, OpenAPI 3.0; Part 2 CRS by reference) at /ogc/.

A standard face on the same published data as /api/v1/: GIS tools (GDAL's OAPIF driver, QGIS)
page through every collection by following `next` links. Features are written by PostgreSQL
through contamination/geojson.py from the column contract in contamination/api/resources.py;
this app adds only the OGC paths, parameters and links. It may import both the records and
the statements apps (claims are a non-spatial collection), and neither imports it.
"""
