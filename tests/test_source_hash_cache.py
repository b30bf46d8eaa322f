"""A source's hash is worked out once while its files stay as they were (a county's villages against
its one map read the one map once), and again as soon as anything about them changed."""
import contextlib
import os
import time

import pytest

from plugin.core.read import sources


@pytest.fixture
def counted(monkeypatch):
    """The files source_hash opens, by name."""
    opened = []

    def counting_open(name, *args, **values):
        opened.append(os.path.basename(name))
        return open(name, *args, **values)
    monkeypatch.setattr(sources, "open", counting_open, raising=False)
    monkeypatch.setattr(sources, "_HASHED", {})
    return opened


def written(path, data, age_s=60):
    path.write_bytes(data)
    old = time.time() - age_s
    os.utime(path, (old, old))
    return str(path)


def test_a_settled_file_is_read_once(tmp_path, counted):
    onemap = written(tmp_path / "county.gpkg", b"x" * 4096)
    first = sources.source_hash(onemap)
    assert [sources.source_hash(onemap) for _ in range(3)] == [first] * 3
    assert counted == ["county.gpkg"]


def test_a_write_is_seen_even_with_its_size_and_time_put_back(tmp_path, counted):
    onemap = written(tmp_path / "county.gpkg", b"x" * 4096)
    first = sources.source_hash(onemap)
    stat = os.stat(onemap)
    with open(onemap, "r+b") as handle:                     # same size, another byte
        handle.write(b"y")
    os.utime(onemap, ns=(stat.st_atime_ns, stat.st_mtime_ns))    # its modification time put back
    assert sources.source_hash(onemap) != first              # (its change time moved)
    assert counted == ["county.gpkg", "county.gpkg"]


def test_a_file_just_written_is_read_each_time(tmp_path, counted):
    plan = written(tmp_path / "village.gpkg", b"p" * 100, age_s=0)
    assert sources.source_hash(plan) == sources.source_hash(plan)
    assert counted == ["village.gpkg", "village.gpkg"]


def test_a_file_put_in_the_place_of_another_is_read(tmp_path, counted):
    onemap = written(tmp_path / "county.gpkg", b"a" * 64)
    first = sources.source_hash(onemap)
    other = written(tmp_path / "other.gpkg", b"b" * 64)
    stat = os.stat(onemap)
    os.replace(other, onemap)
    os.utime(onemap, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert sources.source_hash(onemap) != first


def test_a_geopackages_write_ahead_log_is_hashed_while_it_holds_anything(tmp_path, counted):
    """Saved edits of a GeoPackage in WAL mode (QGIS editing it) sit in its -wal file until a checkpoint."""
    plan = written(tmp_path / "village.gpkg", b"p" * 100)
    alone = sources.source_hash(plan)
    written(tmp_path / "village.gpkg-wal", b"")
    assert sources.source_hash(plan) == alone                      # an empty log holds nothing
    hashes = {alone}
    for log in (b"frame 1", b"frame 1, frame 2"):
        written(tmp_path / "village.gpkg-wal", log)
        hashes.add(sources.source_hash(plan))
    assert len(hashes) == 3
    assert sources.source_files(plan) == [plan, plan + "-wal"]


def test_the_log_of_a_geopackage_reached_through_a_link_is_beside_the_file_it_leads_to(tmp_path, counted):
    """SQLite names the log after the file a symbolic link leads to (red team: an edit QGIS saved through
    plan.gpkg → store/real.gpkg sat in store/real.gpkg-wal, and mergeplan merged the edited plan)."""
    (tmp_path / "store").mkdir()
    real = written(tmp_path / "store" / "real.gpkg", b"p" * 100)
    plan = str(tmp_path / "plan.gpkg")
    os.symlink(real, plan)
    before = sources.source_hash(plan)
    written(tmp_path / "store" / "real.gpkg-wal", b"an edit saved through the link")
    assert sources.source_hash(plan) != before
    assert sources.source_files(plan) == [plan, real + "-wal"]


def test_a_sqlite_headers_bookkeeping_is_left_out_and_a_change_of_content_is_not(tmp_path):
    """Journal mode and write counters (header bytes 18–19, 24–27, 92–95) say nothing of the content."""
    import sqlite3
    path = str(tmp_path / "plan.gpkg")
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.execute("CREATE TABLE t (v TEXT)")
        db.execute("INSERT INTO t VALUES ('a')")
        db.commit()
    before = sources.source_hash(path)
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.execute("PRAGMA journal_mode=WAL")                 # as QGIS leaves a GeoPackage it edited
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.execute("PRAGMA journal_mode=DELETE")              # as the next QGIS layer of it puts it back
    assert sources.source_hash(path) == before
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.execute("UPDATE t SET v = 'b'")
        db.commit()
    assert sources.source_hash(path) != before
