"""Where loaded sources go in the layer tree, so the map shows what a reviewer needs.

Findings layers stay on top; a one map's group goes above every plan's group, so its control lines
are drawn over the plan's opaque land use; the one map's own opaque fills (planning zones, land use)
are switched off while a plan lies under them (map themes and the tree bring them back) — layers of those
sub-groups drawn as outlines only, such as the 规划单元 a detailed plan is checked against, stay on. Loading
a source again replaces its group in the same place.
"""
from qgis.core import QgsFillSymbolLayer, QgsLayerTree, QgsRenderContext, QgsSimpleFillSymbolLayer
from qgis.PyQt.QtCore import Qt

PROPERTY_KEY = "onemap/key"           # custom layer properties: the panel acts only on these layers
PROPERTY_SOURCE = "onemap/source"
GROUP_SOURCE = "onemap/source"        # on a source's group: the source it shows
GROUP_KIND = "onemap/kind"            # … and its kind ('onemap', 'village', 'detailed')
SUBGROUP = "onemap/group"             # on a sub-group: its schema group ('control', 'zoning' …)
OPAQUE_ONEMAP_GROUPS = ("zoning", "landuse")


def source_groups(root):
    """(index, group) of the top-level groups OneMap made for sources."""
    return [(i, node) for i, node in enumerate(root.children())
            if QgsLayerTree.isGroup(node) and node.customProperty(GROUP_KIND)]


def _is_findings(node):
    return QgsLayerTree.isLayer(node) and node.layer() is not None and \
        node.layer().customProperty(PROPERTY_KEY) == "findings"


def insert_source_group(project, name, source_label, kind):
    """A new group for a source: in place of the group it had (whose layers leave the project), else
    one map above plans, plans below the one maps, both under the findings layers on top."""
    root = project.layerTreeRoot()
    groups = source_groups(root)
    same = [(i, g) for i, g in groups if g.customProperty(GROUP_SOURCE) == source_label]
    if same:
        index = same[0][0]
        for _i, group in reversed(same):
            layer_ids = group.findLayerIds()
            root.removeChildNode(group)
            project.removeMapLayers(layer_ids)
    elif kind == "onemap":
        below_findings = next((i for i, node in enumerate(root.children()) if not _is_findings(node)),
                              len(root.children()))
        index = min([i for i, _g in groups] + [below_findings])
    else:
        onemaps = [i for i, g in groups if g.customProperty(GROUP_KIND) == "onemap"]
        index = onemaps[-1] + 1 if onemaps else (groups[0][0] if groups else
                                                 next((i for i, n in enumerate(root.children())
                                                       if not _is_findings(n)), len(root.children())))
    group = root.insertGroup(index, name)
    group.setCustomProperty(GROUP_SOURCE, source_label)
    group.setCustomProperty(GROUP_KIND, kind)
    return group


def add_subgroup(group, key, title):
    subgroup = group.addGroup(title)
    subgroup.setCustomProperty(SUBGROUP, key)
    return subgroup


def hide_covering_fills(root):
    """Switch off the layers of the one maps' opaque sub-groups that fill their features when a plan is
    loaded (they would hide it); outlines stay on."""
    groups = source_groups(root)
    if not any(g.customProperty(GROUP_KIND) != "onemap" for _i, g in groups):
        return
    for _i, group in groups:
        if group.customProperty(GROUP_KIND) != "onemap":
            continue
        for child in group.children():
            if QgsLayerTree.isGroup(child) and child.customProperty(SUBGROUP) in OPAQUE_ONEMAP_GROUPS:
                for node in child.findLayers():
                    if node.layer() is not None and fills(node.layer()):
                        node.setItemVisibilityChecked(False)


def fills(layer):
    """Whether the layer's style paints the inside of its features (a simple fill with a visible brush, or
    any other fill: gradient, pattern, picture), not only their outlines."""
    renderer = layer.renderer() if hasattr(layer, "renderer") else None
    if renderer is None:
        return False
    for symbol in renderer.symbols(QgsRenderContext()):
        for symbol_layer in symbol.symbolLayers():
            if isinstance(symbol_layer, QgsSimpleFillSymbolLayer):
                if symbol_layer.brushStyle() != Qt.BrushStyle.NoBrush and symbol_layer.color().alpha() > 0:
                    return True
            elif isinstance(symbol_layer, QgsFillSymbolLayer):
                return True
    return False
