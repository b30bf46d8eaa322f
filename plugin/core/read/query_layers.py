"""Layers that are queries, not stored rows — a GeoPackage or PostGIS view, a PostGIS foreign table — run code,
take unbounded time or reach another server whenever they are read. OneMap reads one only when it may be a plan
layer, by its name or its fields (taken from the catalogue: nothing is run to learn them); any other is listed
unread, and never counted or hashed."""
from .schema import schema

KINDS = {"view": ("视图", "a view"), "foreign": ("外部表", "a foreign table")}


def may_be_plan_layer(name, columns):
    """True when the schema may take the layer `name` with fields `columns` for one of its layers or tables."""
    found = schema()
    return (found.match_name(name) is not None or found.match_fields(columns, False) is not None
            or found.match_fields(columns, True) is not None)


def not_read(kind):
    """The unknown layer's reason: 'view' or 'foreign'."""
    zh, en = KINDS[kind]
    return "{}，不是规划图层，未读取 ({} that is no plan layer: not read)".format(zh, en)
