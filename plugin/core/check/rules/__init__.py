"""Rule kinds, one module each, selected by the `kind:` key of a rule in the YAML rule set."""
from .approved import ApprovedRule
from .areas import AreaRule
from .attribute import AttributeRule
from .change import ChangeRule
from .coverage import CoverageRule
from .crs import CrsRule
from .geometry import GeometryRule
from .indicator import IndicatorRule
from .outside import OutsideRule
from .overlap import OverlapRule
from .parcel import ParcelRule
from .plankind import PlanKindRule
from .share import ShareRule
from .table import TableRule
from .unit import UnitRule
from .usable import UsableRule

RULE_KINDS = {kind.kind: kind for kind in (OverlapRule, OutsideRule, CoverageRule, AttributeRule,
                                           GeometryRule, CrsRule, IndicatorRule, AreaRule, ChangeRule, TableRule,
                                           PlanKindRule, UsableRule, ApprovedRule, ParcelRule, UnitRule, ShareRule)}
