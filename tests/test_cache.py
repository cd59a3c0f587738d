"""The one cache (``lintnews/cache.py``): keyed on the content of everything an entry was
built from, never stale, never a traceback, never running code it did not write."""

from __future__ import annotations

import json
import os
import pickle
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from lintnews import cache
from lintnews.cli import main

RULE = r"""id: attribution.testweasel
kind: attribution
severity: warning
message: "'{match}': who says so?"
lists: _data/cues.yaml
claims: ['\b{weasel_nouns}\s+(?:say|said|believe)\b']
answers: ['\baccording\s+to\b']
examples:
  flag: ["Pundits say the plan will fail."]
  pass: ["According to the ministry, the plan will fail."]
"""
CUES = "words:\n  weasel_nouns: [critics, pundits]\n"
STORY = "Pundits say the ceasefire will not hold beyond the winter.\n"


@pytest.fixture()
def proj(tmp_path, monkeypatch):
    """A pack whose cue words live in a ``_data`` list, a story, and a private cache and key."""
    pack = tmp_path / "pack"
    (pack / "_data").mkdir(parents=True)
    (pack / "weasel.yaml").write_text(RULE, encoding="utf-8")
    (pack / "_data" / "cues.yaml").write_text(CUES, encoding="utf-8")
    (tmp_path / ".lintnews.yaml").write_text("default_rules: false\nrules: [pack]\nstarter_names: false\n", encoding="utf-8")
    (tmp_path / "story.txt").write_text(STORY, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LINTNEWS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.delenv("LINTNEWS_NO_CACHE", raising=False)
    for name, value in (("_secret", None), ("_memo", {}), ("_ready", None), ("_stat_memo", None)):
        monkeypatch.setattr(cache, name, value)
    return tmp_path


def new_run() -> None:
    """What a new process starts with: nothing remembered in memory."""
    cache._memo.clear()
    cache._ready = None
    cache._stat_memo = None


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def flagged(*args) -> list[str]:
    result = run("check", "--format", "json", *args, "story.txt")
    assert result.exit_code in (0, 1), result.output
    return [f["match"] for f in json.loads(result.stdout)["findings"]]


def edit_keeping_size_and_time(path: Path, old: str, new: str) -> None:
    """The edit a size-and-mtime key cannot see."""
    assert len(old) == len(new)
    st = path.stat()
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_size == st.st_size


def entries(proj: Path, namespace: str = "rules") -> list[Path]:
    return sorted((proj / "cache").glob(f"{namespace}-*.pickle"))


@pytest.mark.parametrize("racy_ns", [cache.RACY_NS, 0], ids=["fresh files", "files the digest memo trusts"])
def test_removing_a_word_from_a_cue_list_takes_effect_at_once(proj, monkeypatch, racy_ns):
    # With no racy window every digest is remembered by inode, size and times: the edit
    # below keeps size and modification time, and only its change time gives it away.
    monkeypatch.setattr(cache, "RACY_NS", racy_ns)
    assert flagged() == ["Pundits say"]
    new_run()
    assert flagged() == ["Pundits say"]  # from the cache, the cue list's digest checked
    cues = str(proj / "pack" / "_data" / "cues.yaml")
    assert (cues in cache._stat_memo) == (racy_ns == 0)
    assert len(entries(proj)) == 1
    edit_keeping_size_and_time(proj / "pack" / "_data" / "cues.yaml", "pundits", "xundits")
    new_run()
    assert flagged() == []
    edit_keeping_size_and_time(proj / "pack" / "_data" / "cues.yaml", "xundits", "pundits")
    assert flagged() == ["Pundits say"]  # and back, within the same process too


def test_test_rules_does_not_read_a_stale_cache(proj):
    assert run("test-rules", "pack").exit_code == 0
    edit_keeping_size_and_time(proj / "pack" / "_data" / "cues.yaml", "pundits", "xundits")
    new_run()
    result = run("test-rules", "pack")
    assert result.exit_code == 1
    assert "Pundits say the plan will fail." in result.output


def test_editing_a_rule_file_keeping_size_and_time_is_seen(proj):
    assert flagged() == ["Pundits say"]
    edit_keeping_size_and_time(proj / "pack" / "weasel.yaml", "say|said", "sax|said")
    new_run()
    assert flagged() == []


def _resign(path: Path, value) -> None:
    """Rewrite an entry with a correct keyed digest around ``value``, as only lintnews can."""
    namespace, _, hexkey = path.stem.partition("-")
    cache._store(path, cache.secret_key(), namespace, bytes.fromhex(hexkey), {}, value)


@pytest.mark.parametrize("value", [{"not": "rules"}, ["a string, not a rule"], None])
def test_an_entry_of_the_wrong_type_is_rebuilt(proj, value):
    assert flagged() == ["Pundits say"]
    (entry,) = entries(proj)
    _resign(entry, value)
    new_run()
    assert flagged() == ["Pundits say"]
    namespace, _, hexkey = entry.stem.partition("-")
    loaded = cache._load(entry, cache.secret_key(), namespace, bytes.fromhex(hexkey), lambda v: isinstance(v, list))
    assert loaded is not cache._MISS and all(type(r).__name__ == "AttributionRule" for r in loaded[1])


def test_a_truncated_or_garbage_entry_is_rebuilt(proj):
    assert flagged() == ["Pundits say"]
    (entry,) = entries(proj)
    for junk in (entry.read_bytes()[:100], b"", b"\x80\x05garbage", cache.MAGIC + b"x" * 40):
        entry.write_bytes(junk)
        new_run()
        assert flagged() == ["Pundits say"]


def test_an_entry_not_signed_with_the_users_key_is_never_unpickled(proj):
    """A cache restored from an untrusted CI cache: a pickle that would run a command."""
    assert flagged() == ["Pundits say"]
    (entry,) = entries(proj)
    marker = proj / "pwned"

    class Evil:
        def __reduce__(self):
            return (os.system, (f"touch '{marker}'",))

    payload = pickle.dumps(Evil())
    entry.write_bytes(cache.MAGIC + b"\0" * cache.MAC_SIZE + payload)
    new_run()
    assert flagged() == ["Pundits say"]
    assert not marker.exists()
    # A different user's key (another machine's cache) is no better than none.
    other = cache._mac(os.urandom(32), payload)
    entry.write_bytes(cache.MAGIC + other + payload)
    new_run()
    assert flagged() == ["Pundits say"]
    assert not marker.exists()


def test_key_is_private_and_outside_the_cache_directory(proj):
    assert flagged() == ["Pundits say"]
    key_dir = proj / "state" / "lintnews"
    assert stat.S_IMODE(key_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE((key_dir / "cache-key").stat().st_mode) == 0o600
    assert not list((proj / "cache").glob("*key*"))


def test_a_cache_directory_others_can_write_is_not_used(proj):
    shared = proj / "cache"
    shared.mkdir(mode=0o777)
    shared.chmod(0o777)
    assert flagged() == ["Pundits say"]
    assert entries(proj) == []  # nothing written where others could swap it
    shared.chmod(0o700)
    new_run()
    assert flagged() == ["Pundits say"]
    assert len(entries(proj)) == 1


def test_a_key_directory_others_can_read_turns_the_cache_off(proj):
    key_dir = proj / "state" / "lintnews"
    key_dir.mkdir(parents=True)
    key_dir.chmod(0o755)
    assert flagged() == ["Pundits say"]
    assert entries(proj) == []
    assert not (key_dir / "cache-key").exists()


def test_no_cache_builds_every_time_and_writes_nothing(proj, monkeypatch):
    monkeypatch.setenv("LINTNEWS_NO_CACHE", "1")
    assert flagged() == ["Pundits say"]
    assert not (proj / "cache").exists()


PHRASE_STORY = (
    "Opposition leaders slammed the budget on Tuesday, and one lashed out at the finance "
    "minister, calling the plan a disaster for the crippling debt of a pariah state.\n\n"
    "The regime's spokesman claimed the figures were sound and the so-called austerity "
    "package would pass.\n"
)


def test_the_packs_phrase_index_is_loaded_from_the_cache_one_first_word_at_a_time(tmp_path, monkeypatch):
    """The default packs' phrase index as the cache stores it (each first word's entries
    pickled apart, loaded when a document holds the word) finds what the freshly compiled
    index finds, and loads no first word the story lacks."""
    from lintnews.app import build_linter, load_settings
    from lintnews.kinds.phrases import PhrasesRule
    from lintnews.sources import Source

    story = tmp_path / "story.txt"
    story.write_text(PHRASE_STORY, encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # no project configuration: the default packs
    monkeypatch.setenv("LINTNEWS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.delenv("LINTNEWS_NO_CACHE", raising=False)
    for name, value in (("_secret", None), ("_memo", {}), ("_ready", None), ("_stat_memo", None)):
        monkeypatch.setattr(cache, name, value)

    def findings():
        linter = build_linter(load_settings(None))
        found, errors = linter.lint_source(Source(str(story), PHRASE_STORY, []))
        assert errors == []
        rules = [r for r in linter.rules if isinstance(r, PhrasesRule)]
        return [(f.rule, f.line, f.column, f.message, f.suggestions, f.fix) for f in found], rules

    built, _ = findings()  # compiled, and stored
    new_run()
    loaded, rules = findings()  # from the cache
    assert loaded == built
    assert {"loaded.said", "loaded.adverbs"} & {rule for rule, *_ in loaded}
    split = rules[0].shared_index[1]
    kept = [first for first in dict.keys(split) if type(dict.__getitem__(split, first)) is bytes]
    assert "slammed" in split and "slammed" not in kept  # the story's words were loaded...
    assert len(kept) > len(split) // 2  # ...and most others were not
    # A run that selects one rule takes that rule's own entries back out of the stored index.
    own = rules[0].own_index()
    assert own and all(entry[3] is rules[0] for entries in own.values() for entry in entries)


def test_records_come_back_from_a_pickle_field_for_field():
    """Terms, hits, fixes, findings and input errors travel through the cache and between
    worker processes pickled as a call of their class: each comes back equal in every field
    (a class whose __init__ took its fields in another order would scramble them)."""
    from lintnews.finding import Finding, Fix, Hit, InputError
    from lintnews.kinds.phrases import Term

    records = [
        Term("slammed", ("criticised",), "'{match}': a verdict", frozenset({"grand"}), True),
        Hit(3, 10, ("said",), "message", (("term", "slammed"),), "said"),
        Fix(5, 12, "said", False),
        Finding("story.md", 4, 2, 4, 9, "loaded.said", "warning", "'slammed'", "slammed", ("said",), Fix(5, 12, "said", True)),
        InputError("story.md", "not valid UTF-8"),
    ]
    for record in records:
        back = pickle.loads(pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL))
        assert type(back) is type(record)
        assert [getattr(back, f) for f in record.__slots__] == [getattr(record, f) for f in record.__slots__]


def test_the_digest_memo_forgets_files_that_are_gone_and_stays_bounded(proj, monkeypatch):
    monkeypatch.setattr(cache, "RACY_NS", 0)  # every digest remembered at once
    monkeypatch.setattr(cache, "STAT_MEMO_MAX", 3)
    files = []
    for i in range(5):
        f = proj / f"list-{i}.yaml"
        f.write_text(f"- word{i}\n", encoding="utf-8")
        files.append(str(f))
    for f in files[:2]:
        cache.file_digest(f)
    cache._save_stat_memo()
    new_run()
    assert set(cache._stat_memo_loaded()) == set(files[:2])
    os.unlink(files[0])  # a temporary checkout, deleted
    for f in files[2:]:
        cache.file_digest(f)
    cache._save_stat_memo()
    new_run()
    assert set(cache._stat_memo_loaded()) == set(files[2:])  # the dead one gone, then the oldest
    assert cache.file_digest(files[4]) == cache.digest(Path(files[4]).read_bytes())
