"""`make bench`'s PostGIS run: the 200k tier's plan and one map loaded into one throw-away database
(tests/postgis_server.py), so the overlap rules run there as SQL through the GiST indexes."""
import time

from osgeo import gdal

from postgis_server import PostgisServer

TIERS = {"200k"}                 # the pushed-down path is benched where it matters
PLAN, ONEMAP = "plan", "onemap"


class BenchDatabase:
    def __init__(self):
        self.server = PostgisServer().start()
        self.load_seconds = {}

    def load_tier_if_pushdown(self, tier, plan, onemap):
        """(plan, one map) as PostGIS sources for a benched tier, else None."""
        if tier.name not in TIERS:
            return None
        start = time.perf_counter()
        for schema, path in ((PLAN, plan), (ONEMAP, onemap)):
            self.server.sql('DROP SCHEMA IF EXISTS "{0}" CASCADE; CREATE SCHEMA "{0}"'.format(schema))
            gdal.VectorTranslate(self.server.connection(schema), path, format="PostgreSQL",
                                 layerCreationOptions=["SCHEMA=" + schema, "LAUNDER=NO", "SPATIAL_INDEX=GIST"])
        self.server.sql("ANALYZE")
        self.load_seconds[tier.name] = time.perf_counter() - start
        return self.server.connection(PLAN), self.server.connection(ONEMAP)

    def stop(self):
        self.server.stop()
