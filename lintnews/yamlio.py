"""Safe YAML reading that remembers where every key and item came from.

Rule files are written by people, not programs, so every error must name the file, line
and column. Loading is safe (no object construction), refuses aliases (the "billion
laughs" bomb and its kin) and duplicate keys, and uses libyaml when it is there.
"""

from __future__ import annotations

import yaml
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

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


MAX_NODES = 500_000  # a rule pack of 10,000 phrases is ~30,000 nodes


class YamlError(Exception):
    def __init__(self, message: str, path: str, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.column = column

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}"


class MarkedDict(dict):
    """A dict that knows the position of itself and each of its keys (1-based line, column)."""

    mark: tuple[int, int] = (0, 0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.key_marks: dict = {}
        self.value_marks: dict = {}


class MarkedList(list):
    mark: tuple[int, int] = (0, 0)

    def __init__(self, *args):
        super().__init__(*args)
        self.item_marks: list[tuple[int, int]] = []


class MarkedStr(str):
    mark: tuple[int, int] = (0, 0)


def _mark(node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def mark_of(value, default: tuple[int, int] = (0, 0)) -> tuple[int, int]:
    return getattr(value, "mark", default)


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


class _Loader(_Parser, _Constructor, Resolver):
    def __init__(self, stream, path: str):
        _Parser.__init__(self, stream)
        _Constructor.__init__(self, path)
        Resolver.__init__(self)


def _check_graph(root, path: str) -> None:
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


def load(text: str, path: str):
    """Parse one YAML document into MarkedDict / MarkedList / MarkedStr values."""
    if "\x00" in text:
        raise YamlError("not a YAML file (it contains NUL bytes)", path)
    loader = _Loader(text, path)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_graph(node, path)
        return loader.construct_document(node)
    except YamlError:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or str(exc)
        if exc.context and exc.problem:
            problem = f"{exc.problem} ({exc.context})"
        if mark is None:
            raise YamlError(f"invalid YAML: {problem}", path) from None
        raise YamlError(f"invalid YAML: {problem}", path, mark.line + 1, mark.column + 1) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"invalid YAML: {exc}", path) from None
    except RecursionError:
        raise YamlError("YAML is nested too deeply", path) from None
    finally:
        loader.dispose()
