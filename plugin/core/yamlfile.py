"""Reading the plugin's YAML data (safe_load only) with errors that name the file and line.

Bounded: a file is at most MAX_BYTES, aliases (`*name`, and so `<<:` merges) are refused rather
than expanded — an alias bomb never grows — and nesting deeper than Python allows is an error.
UTF-8 with or without BOM is read, and GBK/GB18030 (what Chinese Windows editors save as "ANSI").
"""
import functools
import os

import yaml

from .errors import OneMapError

MAX_BYTES = 1 << 20                      # the shipped rule sets are ~10 KB


class _Loader(yaml.SafeLoader):
    """SafeLoader that refuses aliases where they occur (composing, before anything is expanded)."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(None, None, "不允许使用别名 *{}（aliases are not allowed）".format(
                event.anchor), event.start_mark)
        return super().compose_node(parent, index)


def read_text(path):
    """The file's text: size-limited, UTF-8 (BOM or not) or else GB18030; OneMapError otherwise."""
    try:
        if os.path.getsize(path) > MAX_BYTES:
            raise OneMapError("文件 {} 过大（超过 {} KB）".format(path, MAX_BYTES >> 10),
                              "{} is too large (over {} KB)".format(path, MAX_BYTES >> 10))
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise OneMapError("无法读取文件 {}：{}".format(path, exc.strerror),
                          "Cannot read {}: {}".format(path, exc.strerror))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise OneMapError("文件 {} 既不是 UTF-8 也不是 GBK 编码，请另存为 UTF-8".format(path),
                      "{} is neither UTF-8 nor GBK text; save it as UTF-8".format(path))


def _yaml_error(path, exc):
    mark, context = getattr(exc, "problem_mark", None), getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark is not None else "?"
    problem = getattr(exc, "problem", None) or str(exc)
    began = context.line + 1 if context is not None and context.line != getattr(mark, "line", None) else None
    return OneMapError("YAML 格式错误：{} 第 {} 行{}：{}".format(path, line, "（始于第 {} 行）".format(began) if began else "", problem),
                       "Malformed YAML: {} line {}{}: {}".format(path, line, " (opened at line {})".format(began) if began else "", problem))


def _parse(path, parse):
    text = read_text(path)
    try:
        return parse(text)
    except yaml.YAMLError as exc:
        raise _yaml_error(path, exc)
    except RecursionError:
        raise OneMapError("YAML 嵌套过深：{}".format(path), "YAML nested too deeply: {}".format(path))


def load_yaml(path):
    """Parse a YAML file; a syntax error becomes a OneMapError naming file and line."""
    return _parse(path, lambda text: yaml.load(text, Loader=_Loader))   # noqa: S506 — a SafeLoader


def key_lines(path):
    """Map each mapping key of a YAML file to its 1-based line, for errors about values."""
    lines = {}
    root = _parse(path, lambda text: yaml.compose(text, Loader=_Loader))

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
