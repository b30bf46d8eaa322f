"""Reading the plugin's YAML data (safe_load only) with errors that name the file and line.

Bounded: a file is a regular file (a FIFO named x.yaml is never opened for reading) of at most MAX_BYTES, aliases (`*name`, and so `<<:` merges) are refused rather
than expanded — an alias bomb never grows — and nesting deeper than Python allows is an error.
UTF-8 with or without BOM is read, and GBK/GB18030 (what Chinese Windows editors save as "ANSI").
"""
import copy
import functools
import threading

import yaml

from .errors import OneMapError
from .regular_files import read_bounded

MAX_BYTES = 1 << 20                      # the shipped rule sets are ~10 KB
MAX_DEPTH = 200                          # nesting (the shipped files: 6)
FAST_LOADER = getattr(yaml, "CSafeLoader", None) if getattr(yaml, "__with_libyaml__", False) else None
PARSED_KEPT = 16                         # texts whose parse a process keeps (by their bytes)
_PARSED = {}                             # bytes -> (data, lines, written)
_PARSED_LOCK = threading.Lock()


class _Loader(yaml.SafeLoader):
    """SafeLoader that refuses aliases where they occur (composing, before anything is expanded)."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(None, None, "不允许使用别名 *{}（aliases are not allowed）".format(
                event.anchor), event.start_mark)
        return super().compose_node(parent, index)


def read_text(path):
    """The file's text: a regular file, size-limited, UTF-8 (BOM or not) or else GB18030; OneMapError otherwise."""
    return _decoded(path, read_bounded(path, MAX_BYTES))


def _decoded(path, data):
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


def _parse(path, text):
    """(node tree, data) of a YAML text; OneMapError naming the file and line. With libyaml (most PyYAML
    builds) the text is read in C, some ten times faster (each QGIS process that checks reads the schema,
    code lists and a rule set): its events are looked through first for aliases and for nesting deeper
    than MAX_DEPTH (libyaml's composer recurses in C, where no Python limit would stop it)."""
    try:
        if FAST_LOADER is not None:
            _screen_events(text)
        loader = (FAST_LOADER or _Loader)(text)
        try:
            node = loader.get_single_node()
            return node, (loader.construct_document(node) if node is not None else None)
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        raise _yaml_error(path, exc)
    except (RecursionError, _TooDeep):
        raise OneMapError("YAML 嵌套过深：{}".format(path), "YAML nested too deeply: {}".format(path))


def _screen_events(text):
    """ComposerError at the first alias, _TooDeep past MAX_DEPTH, reading the text's events in C."""
    depth = 0
    for event in yaml.parse(text, Loader=FAST_LOADER):
        if isinstance(event, yaml.AliasEvent):
            raise yaml.composer.ComposerError(None, None, "不允许使用别名 *{}（aliases are not allowed）".format(
                event.anchor), event.start_mark)
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                raise _TooDeep()
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


class _TooDeep(Exception):
    pass


def load_yaml(path):
    """Parse a YAML file; a syntax error becomes a OneMapError naming file and line."""
    return _parse(path, read_text(path))[1]


class Marked:
    """A YAML file read: its bytes, its data (a copy of its own), and where each value is written. A text
    read before (the same bytes) is not parsed again.

    lines: {trail: 1-based line} of each mapping key and list item, for errors about values;
    written: {trail: text as written} of each scalar YAML did not read as a string (0701, read as 449).
    """

    def __init__(self, path):
        self.raw = read_bounded(path, MAX_BYTES)
        with _PARSED_LOCK:
            parsed = _PARSED.get(self.raw)
        if parsed is None:                     # each text parsed once (a folder's villages share a rule set)
            root, data = _parse(path, _decoded(path, self.raw))
            self.lines, self.written = {}, {}
            if root is not None:
                self._walk(root, ())
            parsed = data, self.lines, self.written
            with _PARSED_LOCK:
                if len(_PARSED) >= PARSED_KEPT:
                    _PARSED.pop(next(iter(_PARSED)))
                _PARSED[self.raw] = parsed
        data, lines, written = parsed
        self.data, self.lines, self.written = copy.deepcopy(data), dict(lines), dict(written)

    def _walk(self, node, trail):
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                here = trail + (str(key_node.value),)
                self.lines[here] = key_node.start_mark.line + 1
                self._walk(value_node, here)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                here = trail + (index,)
                self.lines[here] = item.start_mark.line + 1
                self._walk(item, here)
        elif node.tag != "tag:yaml.org,2002:str":
            self.written[trail] = node.value


@functools.lru_cache(maxsize=None)
def load_data(path):
    """Cached load for the plugin's own read-only data files."""
    return load_yaml(path)
