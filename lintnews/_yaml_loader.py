"""The PyYAML side of ``yamlio``: a safe loader that records positions. Imported on first parse."""

from __future__ import annotations

import yaml
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from .yamlio import MAX_NODES, MarkedDict, MarkedList, MarkedStr, YamlError

try:  # libyaml parses several times faster; the pure-Python parser gives the same marks
    from yaml.cyaml import CParser as _Parser
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml.composer import Composer
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, Parser, Composer):  # type: ignore[no-redef]
        def __init__(self, stream):
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            Composer.__init__(self)


def _mark(node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _Constructor(SafeConstructor):
    def __init__(self, path: str):
        super().__init__()
        self.path = path

    def construct_marked_map(self, node):
        data = MarkedDict()
        data.mark = _mark(node)
        yield data
        self.flatten_mapping(node)
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                raise YamlError("a mapping key must be a plain value", self.path, *_mark(key_node))
            if key in data:
                raise YamlError(f"duplicate key '{key}'", self.path, *_mark(key_node))
            data[key] = self.construct_object(value_node, deep=True)
            data.key_marks[key] = _mark(key_node)
            data.value_marks[key] = _mark(value_node)

    def construct_marked_seq(self, node):
        data = MarkedList()
        data.mark = _mark(node)
        yield data
        for child in node.value:
            data.append(self.construct_object(child, deep=True))
            data.item_marks.append(_mark(child))

    def construct_marked_str(self, node):
        value = MarkedStr(self.construct_scalar(node))
        value.mark = _mark(node)
        return value


_Constructor.add_constructor("tag:yaml.org,2002:map", _Constructor.construct_marked_map)
_Constructor.add_constructor("tag:yaml.org,2002:seq", _Constructor.construct_marked_seq)
_Constructor.add_constructor("tag:yaml.org,2002:str", _Constructor.construct_marked_str)


class Loader(_Parser, _Constructor, Resolver):
    def __init__(self, stream, path: str):
        _Parser.__init__(self, stream)
        _Constructor.__init__(self, path)
        Resolver.__init__(self)


def check_graph(root, path: str) -> None:
    """Refuse aliases and absurd sizes before anything is constructed."""
    seen: set[int] = set()
    stack = [root]
    count = 0
    while stack:
        node = stack.pop()
        if id(node) in seen:
            raise YamlError("YAML aliases (*name) are not allowed in lintnews files", path, *_mark(node))
        seen.add(id(node))
        count += 1
        if count > MAX_NODES:
            raise YamlError(f"file is too large (more than {MAX_NODES:,} YAML nodes)", path, *_mark(node))
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                stack.append(k)
                stack.append(v)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


