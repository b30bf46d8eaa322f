"""Stage 4, the one map's life cycle: approved plans merged with their history (rows that begin and
end, never deleted), every earlier state readable, versions and plans compared, one trail of checks,
decisions, approvals and merges (seed 000 "批复后纳入一张图"; GB/T 39972-2021 成果管理, 动态更新, 对比分析).

merge.py writes the one map (store.py: a GeoPackage or a PostGIS schema, one transaction under a lock);
compare.py and trail.py read it; the as-of filter itself is core.read.history.
"""
