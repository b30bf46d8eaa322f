"""The villages a plan covers, read from its 村级调查区 (CJDCQ): shared by the batch summary and the report."""
from ..errors import OneMapError
from .sources import open_source


def read_villages(plan_path):
    """(names, boundary geometries, CRS) of the plan's village boundary; ([], [], None) without one.

    Names come from the village-name field, else the village code, each once in feature order.
    """
    try:
        plan = open_source(plan_path)
        found = plan.get("CJDCQ")
        if found is None:
            return [], [], None
        layer = plan.open_layer("CJDCQ")
    except OneMapError:
        return [], [], None
    fields = [found.fields.get(spec.name) for spec in map(found.spec.field_for, ("village_name", "village_code"))
              if spec is not None]
    fields = [name for name in fields if name]
    values, geometries = [[] for _name in fields], []
    for feature in layer.getFeatures():
        for column, name in zip(values, fields):
            if feature[name] not in (None, ""):
                column.append(str(feature[name]))
        if feature.hasGeometry():
            geometries.append(feature.geometry())
    names = next((column for column in values if column), [])
    return list(dict.fromkeys(names)), geometries, layer.crs()
