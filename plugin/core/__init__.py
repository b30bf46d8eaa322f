"""OneMap engine: plan schema, sources, rules, checks and findings. Headless: imports qgis.core only."""
