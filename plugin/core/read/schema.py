"""The plan schema (plugin/data/schema.yaml): layer specs, kinds of plan, name and field matching."""
import functools
from dataclasses import dataclass, field

from ..paths import data_path
from ..yamlfile import load_data


def normalize_name(name):
    """Compare whole layer names ignoring case, blanks and a shapefile's extension (no path stripping)."""
    name = str(name).strip()
    if name.lower().endswith(".shp"):
        name = name[:-4]
    return name.strip().upper()


@dataclass
class FieldSpec:
    name: str
    aliases: list = field(default_factory=list)
    role: str = ""
    code_list: str = ""
    required: bool = False
    optional: bool = False          # often absent: not needed to recognise the layer by its fields
    zh: str = ""                    # how messages name it (容积率上限); '' : its canonical name


@dataclass
class LayerSpec:
    key: str
    zh: str
    en: str
    group: str = ""
    geometry: str = ""     # 'polygon' or '' for a table
    aliases: list = field(default_factory=list)
    fields: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)     # other keys of the entry (e.g. units of CJZBFJ)

    @property
    def is_table(self):
        return not self.geometry

    def field_for(self, role):
        """The canonical field carrying a role ('code', 'village_code' ...), or None."""
        for spec in self.fields.values():
            if spec.role == role:
                return spec
        return None

    def resolve_fields(self, names):
        """Map canonical field -> actual field name among `names` (case-insensitive)."""
        by_upper = {n.upper(): n for n in names}
        found = {}
        for canonical, spec in self.fields.items():
            for candidate in [canonical] + spec.aliases:
                if candidate.upper() in by_upper:
                    found[canonical] = by_upper[candidate.upper()]
                    break
        return found


class Schema:
    def __init__(self, data):
        self.groups = data.get("groups", {})
        self.kinds = data.get("kinds", {})
        self.feature_label = list(data.get("feature_label", []))
        self.units = data.get("units", {})
        self.layers = {}
        for key, entry in (data.get("layers") or {}).items():
            self.layers[key] = self._spec(key, entry, entry.get("geometry", "polygon"))
        for key, entry in (data.get("tables") or {}).items():
            self.layers[key] = self._spec(key, entry, "")
        self._serving = {}
        for spec in self.layers.values():
            if spec.extra.get("serves_as"):
                self._serving.setdefault(spec.extra["serves_as"], []).append(spec.key)
        self._by_name = {}
        for spec in self.layers.values():
            for name in [spec.key, spec.zh] + spec.aliases:
                self._by_name.setdefault(normalize_name(name), spec.key)

    @staticmethod
    def _spec(key, entry, geometry):
        fields = {name: FieldSpec(name=name, aliases=list(f.get("aliases", [])), role=f.get("role", ""),
                                  code_list=f.get("code_list", ""), required=bool(f.get("required", False)),
                                  optional=bool(f.get("optional", False)), zh=f.get("zh", ""))
                  for name, f in (entry.get("fields") or {}).items()}
        known = {"zh", "en", "group", "geometry", "aliases", "fields", "status"}   # status: documentation
        return LayerSpec(key=key, zh=entry["zh"], en=entry["en"], group=entry.get("group", ""),
                         geometry=geometry, aliases=list(entry.get("aliases", [])), fields=fields,
                         extra={k: v for k, v in entry.items() if k not in known})

    def stand_in(self, key):
        """(host key, codes) when a plan may deliver layer `key` as coded features of another, else None."""
        for spec in self.layers.values():
            codes = spec.extra.get("stands_for", {}).get(key)
            if codes:
                return spec.key, [str(c) for c in codes]
        return None

    def label_fields(self, spec):
        """The fields naming a feature of this layer in messages: its own `label` (GHDK: DKBH), else BSM, TBBH."""
        return list(spec.extra.get("label") or self.feature_label)

    def serving(self):
        """{key it serves as: [layer keys]} — a detailed plan's GHDK is its land use, GHYDYH."""
        return self._serving

    def specific(self, key, field_names):
        """The layer key for a layer named as `key`: a more specific layer serving as it when the layer has
        that one's own fields (a 控规 delivers its parcels as 规划用地 with 地块编号: GHDK, not GHYDYH)."""
        for other in self._serving.get(key, []):
            spec = self.layers[other]
            own = {name for name, f in spec.fields.items() if not f.optional and name not in self.layers[key].fields}
            if own and own <= set(spec.resolve_fields(field_names)):
                return other
        return key

    def match_name(self, name):
        """Canonical key for a layer name met in a deliverable, or None."""
        return self._by_name.get(normalize_name(name))

    def match_fields(self, field_names, is_table):
        """Key of the layer spec whose (non-optional) fields are all present, the most specific one if it is unique."""
        def telling(spec):
            return [name for name, f in spec.fields.items() if not f.optional]
        hits = sorted(((len(telling(spec)), spec.key) for spec in self.layers.values()
                       if spec.is_table == is_table and any(f.required for f in spec.fields.values())
                       and set(telling(spec)) <= set(spec.resolve_fields(field_names))), reverse=True)
        if hits and (len(hits) == 1 or hits[0][0] > hits[1][0]):
            return hits[0][1]
        return None

    def group_order(self):
        return list(self.groups)


@functools.lru_cache(maxsize=None)
def schema():
    return Schema(load_data(data_path("schema.yaml")))
