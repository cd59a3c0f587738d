"""Safe YAML reading that remembers where every key and item came from.

Rule files are written by people, not programs, so every error must name the file, line
and column. Loading is safe (no object construction), refuses aliases (the "billion
laughs" bomb and its kin) and duplicate keys, and uses libyaml when it is there.

PyYAML itself is imported only when a file is parsed (``_yaml_loader``): a run whose
rules come from the cache never needs it.
"""

from __future__ import annotations

MAX_NODES = 500_000  # a rule pack of 10,000 phrases is ~30,000 nodes


class LocatedError(Exception):
    """An error in a file the user wrote, shown as ``path:line:column: message``."""

    def __init__(self, message: str, path: str, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line or None  # 0 means unknown, as None does
        self.column = column or None

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}"


class YamlError(LocatedError):
    """A YAML file that cannot be read safely."""


# The shipped packs together are 0.3 MB; a rule or names file over this is a mistake.
MAX_FILE_BYTES = 10_000_000


def check_size(path, what: str, error: type[LocatedError] = LocatedError) -> None:
    """Refuse a file over MAX_FILE_BYTES at once (a 50 MB pack took 50 s and 2 GB to turn
    down as YAML)."""
    import os

    try:
        size = os.stat(path).st_size
    except OSError:
        return  # reading it will say what is wrong
    if size > MAX_FILE_BYTES:
        raise error(f"{what} is {size / 1e6:.0f} MB; lintnews reads {what}s of up to {MAX_FILE_BYTES // 1_000_000} MB", str(path))


def read_text(path, what: str, error: type[LocatedError] = LocatedError) -> str:
    """A file the user wrote (``what``: "rule file", "names file"), decoded as UTF-8.

    Every problem is an ``error`` naming the file, and the line where there is one."""
    import os
    import stat

    from . import cache

    shown = str(path)
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode) and not stat.S_ISDIR(info.st_mode):
            raise error(f"not a regular file, so not a {what}", shown)
        check_size(path, what, error)
        with open(path, "rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)
        cache.note(path, raw)  # recorded in a cache entry built from it
    except FileNotFoundError:
        raise error(f"{what} not found", shown) from None
    except IsADirectoryError:
        raise error(f"is a directory, not a {what}", shown) from None
    except OSError as exc:
        raise error(f"cannot read {what}: {exc.strerror or exc}", shown) from None
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise error(f"not a text file (it contains NUL bytes), so not a {what}", shown, line)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise error(f"{what} is not valid UTF-8", shown, line) from None


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




def mark_of(value, default: tuple[int, int] = (0, 0)) -> tuple[int, int]:
    return getattr(value, "mark", default)


def load(text: str, path: str):
    """Parse one YAML document into MarkedDict / MarkedList / MarkedStr values."""
    import yaml

    from ._yaml_loader import Loader, check_graph

    if "\x00" in text:
        raise YamlError("not a YAML file (it contains NUL bytes)", path)
    loader = Loader(text, path)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        check_graph(node, path)
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
