"""Reading the plugin's YAML data (safe_load only) with errors that name the file and line."""
import functools

import yaml

from .errors import OneMapError


def load_yaml(path):
    """Parse a YAML file; a syntax error becomes a OneMapError naming file and line."""
    try:
        with open(path, encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except OSError as exc:
        raise OneMapError("无法读取文件 {}：{}".format(path, exc.strerror),
                          "Cannot read {}: {}".format(path, exc.strerror))
    except yaml.YAMLError as exc:
        mark, context = getattr(exc, "problem_mark", None), getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark is not None else "?"
        problem = getattr(exc, "problem", None) or str(exc)
        began = context.line + 1 if context is not None and context.line != getattr(mark, "line", None) else None
        raise OneMapError("YAML 格式错误：{} 第 {} 行{}：{}".format(path, line, "（始于第 {} 行）".format(began) if began else "", problem),
                          "Malformed YAML: {} line {}{}: {}".format(path, line, " (opened at line {})".format(began) if began else "", problem))


def key_lines(path):
    """Map each mapping key of a YAML file to its 1-based line, for errors about values."""
    lines = {}
    with open(path, encoding="utf-8") as handle:
        root = yaml.compose(handle, Loader=yaml.SafeLoader)

    def walk(node, trail):
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                here = trail + (str(key_node.value),)
                lines[here] = key_node.start_mark.line + 1
                walk(value_node, here)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                here = trail + (index,)
                lines[here] = item.start_mark.line + 1
                walk(item, here)

    if root is not None:
        walk(root, ())
    return lines


@functools.lru_cache(maxsize=None)
def load_data(path):
    """Cached load for the plugin's own read-only data files."""
    return load_yaml(path)
