"""A throw-away PostgreSQL + PostGIS cluster for tests (Debian's postgresql-NN-postgis-3)."""
import glob
import os
import shutil
import socket
import subprocess
import tempfile


def _postgis_bin():
    """The bin folder of the newest installed PostgreSQL that has PostGIS (15 on Debian 12, 17 on trixie)."""
    versions = [path.split(os.sep)[4] for path in glob.glob("/usr/share/postgresql/*/extension/postgis.control")]
    newest = max(versions, key=int, default="15")
    return "/usr/lib/postgresql/{}/bin".format(newest)


BIN = _postgis_bin()


class PostgisServer:
    def __init__(self):
        with socket.socket() as probe:           # a free port number (the server listens on a socket file)
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.root = tempfile.mkdtemp(prefix="onemap-pg-")
        os.chmod(self.root, 0o777)
        self.data = os.path.join(self.root, "data")

    def _as_postgres(self, *args):
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        return subprocess.run(prefix + list(args), check=True, capture_output=True, text=True, timeout=120)

    def start(self):
        self._as_postgres(os.path.join(BIN, "initdb"), "-D", self.data, "-A", "trust", "-U", "postgres", "-E", "UTF8")
        self._as_postgres(os.path.join(BIN, "pg_ctl"), "-D", self.data, "-w", "-l", os.path.join(self.root, "log"),
                          "-o", "-p {} -k {} -c listen_addresses=''".format(self.port, self.root), "start")
        self.sql("CREATE EXTENSION postgis")
        return self

    def sql(self, statement):
        return self._as_postgres(os.path.join(BIN, "psql"), "-h", self.root, "-p", str(self.port), "-U", "postgres",
                                 "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-qAtc", statement).stdout

    def connection(self, schema):
        return "PG:host={} port={} dbname=postgres user=postgres password=secret schemas={} active_schema={}".format(
            self.root, self.port, schema, schema)

    def stop(self):
        try:
            self._as_postgres(os.path.join(BIN, "pg_ctl"), "-D", self.data, "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
