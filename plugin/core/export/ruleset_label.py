"""The rule set a report names: the built-in set by its title and version, anyone's own file by its name.

A run record holds the rule file's path on the checking machine (a home folder, a QGIS profile): the report
prints none of it. A rule set is built in when its SHA-256 is that of a set this plugin ships.
"""
import functools
import glob
import os
import re

from ..check.ruleset import RULESET_DIR, load_ruleset


@functools.lru_cache(maxsize=None)
def shipped():
    """{SHA-256: (Chinese title, version)} of the rule sets in plugin/data/rulesets."""
    found = {}
    for path in sorted(glob.glob(os.path.join(RULESET_DIR, "*.yaml"))):
        rules = load_ruleset(path)
        title = rules.title.get("zh", rules.id) if isinstance(rules.title, dict) else str(rules.title)
        found[rules.sha256] = (title, rules.data.get("version"))
    return found


def ruleset_label(run):
    """'村庄规划一张图核对默认规则集（内置，版本 2）', or 'my-rules（规则文件 my_rules.yaml）'."""
    title, version = shipped().get(run.get("ruleset_sha256") or "", (None, None))
    if title is not None:
        return "{}（内置{}）".format(re.sub("[（）]", "", title), "，版本 {}".format(version) if version else "")
    name = re.split(r"[\\/]", run.get("ruleset_path") or "")[-1]           # a Windows path too
    ruleset = run.get("ruleset_id") or ""
    return "{}（规则文件 {}）".format(ruleset, name) if name else ruleset
