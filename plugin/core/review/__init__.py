"""Stage 3, review: the findings GeoPackage, reviewer decisions, and the findings read back for the browser and exports."""
