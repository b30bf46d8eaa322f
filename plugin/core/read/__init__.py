"""Stage 1, reading sources: what a plan or one map holds (schema, codes, CRS, kind) and loading it into QGIS with the official styles."""
