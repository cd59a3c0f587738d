"""``kind: names`` — a person or place spelt two ways, in one story or against the house list.

Proper names are found as runs of capitalised words ("Hossein Dehghan", "Kim Jong-un",
"Bashar al-Assad", "Osama bin Laden"); titles ("President", "Sen.", "Mr") split a run and are
not part of the name; words the story also uses in lower case ("Bill", "Rose") are not
names there. Each name word gets a transliteration-blind key (``lintnews.housenames``:
dh/d, kh/k, gh/g, q/k, ou/u, ee/i, y/i, doubled letters, hyphens, accents, al-/el-).

``check: document`` — within one story. Spellings with the same key ("Flynn"/"Flinn",
"Erdogan"/"Erdoğan", "Kim Jong Un"/"Kim Jong-un") or one typing slip apart ("Pelosi"/"Peolsi")
are one name; the spelling the story uses less (once or twice) is flagged with the one it
uses most as the suggestion (first use wins a tie between same-key spellings). Different
people stay apart:

* a slip never touches the first or last letter (Iran/Iraq, Israel/Israeli, Syria/Syrian)
  and needs a word of five letters or more; a four-letter name needs its common spelling
  three times and the slip as written (Royce is not Rice); a short word that only starts
  sentences is not matched by a slip (Spin/Spain);
* a given name followed by one surname is not the same as a spelling followed by another
  (Michele Bachmann, Michelle Obama) or as a word used on its own (Giorgia Meloni, Georgia;
  Mitt Romney, Meet the Press); initials count too (M Horan, S Horgan);
* two spellings that are both words of house-list names are both right (Khamenei, Khomeini);
* titles (President, Supreme) split names; their spelling counts, by key only.

Different given names before one surname do not keep it apart: family members share a
surname's spelling (Bill Clinton, Hillary Rodham Clinton).

``check: house`` — against the house list (``--names``, ``names:`` in config, and the starter
list unless ``starter_names: false``). A full name whose key is a listed name's but whose
spelling is not (Deghan/Dehghan, Kim Jong-un/Kim Jong Un, Erdoğan/Erdogan; case and full stops
aside), that is one slip from a listed name in one of its words, or that is a listed
variant, is flagged with the house spelling, even once. A surname on its own is checked
when the story also names that person in full (or the listed name is one word).

``check: forms`` — the written form of one name in one story: a name run together and split
("YouTube"/"You Tube"), an organisation with a word in the singular and the plural ("Federal
Election Commission"/"Federal Elections Commission"), a brand with and without its
apostrophe ("McDonald's"/"McDonalds", where the story never writes "McDonald" alone, so the
apostrophe is part of the name rather than a possessive; only names with an inner capital,
as brands have). The form the story uses less is
flagged with the other as the suggestion; on a tie the first use wins.

YAML fields:
  check: document | house | forms
  fix:   safe | unsafe  the suggested spelling replaces the name (the house spelling is
         always right; the story's majority is a guess)
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from array import array
from itertools import accumulate, compress, count, islice
from operator import itemgetter, not_, sub

from .. import rx
from ..finding import Hit
from ..housenames import (
    ARTICLE_PARTICLES,
    HouseName,
    HouseNames,
    bare_surface,
    load_house_names,
    strip_accents,
    unit_key,
)
from ..markup import JOINERS, offset_code
from .base import Rule, RuleSpec

CHECKS = ("document", "house", "forms")

# Words that come before a name and are not part of it. Lower case, without the full stop.
TITLES = frozenset(
    """president presidents pres vice sen sens senator senators rep reps representative representatives gov govs
    governor governors mr mrs ms messrs mme mlle miss dr doctor prof professor gen general gens generals lt lieut
    lieutenant col colonel maj capt captain cpt sgt sergeant adm admiral cmdr commander cdr brig brigadier pvt cpl
    corporal king queen prince princess crown emir sheikh sheik sultan pope ayatollah grand imam mullah rabbi rev
    reverend father bishop archbishop cardinal patriarch minister ministers prime premier chancellor secretary
    speaker leader leaders chief chairman chairwoman chairperson chair director commander ambassador envoy judge
    justice attorney mayor lord lady sir dame baroness baron deputy foreign defense defence interior finance
    treasury state spokesman spokeswoman spokesperson adviser advisor aide delegate assemblyman assemblywoman
    councilman councilwoman councillor councilor mp mep mps meps marshal field supreme tsar czar coach manager
    officer comrade hajji haji sayyed sayyid jr sr ii iii iv st saint sens gov dep pm fm ceo cfo
    former late acting interim incoming outgoing then first uncle aunt brother sister son daughter
    mother wife husband widow""".split()
)

# Capitalised words that start sentences or headlines and are not names.
STOPWORDS = frozenset(
    """a an the and but or nor so yet for if as at by in on of off to up from into onto with without within
    about above across after against along among around before behind below beneath beside besides between
    beyond despite during except inside near since than through throughout toward towards under unlike until
    upon via while whilst although though because unless whether when whenever where wherever which who whom
    whose what whatever how why that this these those there here then thus hence also even still just only
    not no yes all any both each either neither every few many more most much none other others some such
    own same it its it's he she they we you i me him her them us my his their our your mine hers theirs ours
    yours is are was were be been being has have had do does did will would shall should can could may might
    must ought said says say according meanwhile however moreover furthermore nevertheless nonetheless
    instead indeed later earlier today yesterday tomorrow tonight now once again already perhaps maybe
    asked told added noted although let lets like unlike last next first second third one two three four five
    six seven eight nine ten monday tuesday wednesday thursday friday saturday sunday january february march
    april may june july august september october november december mon tue tues wed thu thur thurs fri sat
    sun jan feb mar apr jun jul aug sep sept oct nov dec read watch see more photo video image getty reuters
    ap afp dear well oh ok okay yes thanks thank please""".split()
)

# Lower-case words that may follow a name and a hyphen without being part of it ("Kremlin-backed").
HYPHEN_SUFFIXES = frozenset(
    """based led backed born style era made owned run linked held controlled allied aligned friendly bound
    wide like type class sized level era funded leaning inspired related free era area era""".split()
)

# Lower-case words that may sit inside a name: Osama bin Laden, Ursula von der Leyen, Bashar al Assad.
STANDALONE_PARTICLES = frozenset(
    "al el bin ibn bint ben abu van von der den de del della di da dos das du la le ter ten bu ould".split()
)

POSSESSIVE_RE = rx.compile(r"['’][sS]$")


# Plain classes, not dataclasses: ``dataclasses`` imports ``inspect`` (~10 ms a run).
class Unit:
    """One name word as written (made only for the few words a check looks at closely)."""

    __slots__ = ("start", "end", "surface", "key", "role", "initial", "title", "bare", "prev", "next")

    def __init__(
        self, start: int, end: int, surface: str, key: str, role: str,
        initial: bool = False, title: bool = False, bare: str = "",
    ):
        self.start = start
        self.end = end
        self.surface = surface  # as written, possessive dropped
        self.key = key
        self.role = role  # "word", "particle" (bin, van, al), "initial" (W.)
        self.initial = initial  # first word of its sentence
        self.title = title  # a title (President, Supreme): only its spelling counts
        self.bare = bare  # the spelling compared with others (``bare_surface``); words and titles only
        self.prev: Unit | None = None
        self.next: Unit | None = None


# What a kind of name word holds (``Names.kinds``): one tuple per distinct spelling and role.
SURFACE, KEY, ROLE, BARE, IS_TITLE = range(5)


class Names:
    """The runs of name words in a document ("mentions"), titles removed, in columns: a name
    word is three machine integers and a byte (where it starts and ends, its kind, whether
    it starts a sentence), its spelling and key are held once per distinct kind
    (``kinds``: surface, key, role, bare spelling, title), and a mention is where its first
    word is in the columns. Some 17 bytes a word, where an object a word (and one a
    mention) cost some 300: the checks count per distinct spelling and make ``Unit``
    objects only for the few words they look at closely."""

    __slots__ = ("starts", "ends", "kind", "initial", "mention", "kinds")

    def __init__(self, code: str = "i"):
        self.starts = array(code)
        self.ends = array(code)
        self.kind = array("i")
        self.initial = bytearray()
        self.mention = array("i")  # the first word of each mention, then the number of words
        self.kinds: list[tuple] = []

    def __len__(self) -> int:  # mentions
        return len(self.mention) - 1

    def _sizes(self):
        return map(sub, islice(self.mention, 1, None), self.mention)

    def longer(self):
        """The mentions of more than one word."""
        return compress(count(), map((1).__lt__, self._sizes()))

    def single_words(self):
        """The words that are a mention on their own."""
        return compress(self.mention, map((1).__eq__, self._sizes()))

    def unit(self, k: int) -> Unit:
        surface, key, role, bare, title = self.kinds[self.kind[k]]
        return Unit(self.starts[k], self.ends[k], surface, key, role, bool(self.initial[k]), title, bare)

    def units(self, m: int) -> list[Unit]:
        """The words of mention ``m``."""
        return [self.unit(k) for k in range(self.mention[m], self.mention[m + 1])]

    def linked(self, k: int, m: int) -> Unit:
        """Word ``k`` of mention ``m`` with the words beside it in the mention (particles
        aside) as ``prev`` and ``next``: made for it alone (a word its neighbours point
        back to would make a cycle for the collector)."""
        unit = self.unit(k)
        lo, hi = self.mention[m], self.mention[m + 1]
        if hi - lo > 1 and unit.role != "particle":
            kinds, kind = self.kinds, self.kind
            before = next((j for j in range(k - 1, lo - 1, -1) if kinds[kind[j]][ROLE] != "particle"), None)
            after = next((j for j in range(k + 1, hi) if kinds[kind[j]][ROLE] != "particle"), None)
            if before is not None:
                unit.prev = self.unit(before)
            if after is not None:
                unit.next = self.unit(after)
        return unit


def _is_cap(word: str) -> bool:
    return word[:1].isupper()


def _cap_gap_ok(gap: str, prev_raw: str) -> bool:
    """Separators allowed between two words of one name."""
    if gap == " ":
        return True
    if gap.strip(" ") == "" and 0 < len(gap) <= 2:
        return True
    if gap in (". ", ".") and len(prev_raw) == 1 and prev_raw.isupper():  # George W. Bush, H.W.
        return True
    return False


HYPHENS = "-‐‑"

# What a written word is, whatever its neighbours (see ``_classify``).
WORD, TITLE, PARTICLE, OTHER = range(4)
# Spellings worked out once and kept from story to story (names and sentence openers recur
# across the stories of a folder): filled by short stories only, and never past a bound, so
# that what one long file holds is gone once it is linted (a long story keeps its own, in
# ``Memos``).
MEMO_CAP = 30_000
LONG_STORY = 100_000  # characters: a story this long keeps its own memos
_CLASSES: dict[str, tuple] = {}  # spelling -> ``_classify``


class Memos:
    """Where one story's distinct spellings are remembered: the shared memos (``_CLASSES``,
    the keys' ``_KEY_CACHE``, ...) for a short story, fresh ones that read the shared
    ones for a long one (dropped with the story)."""

    __slots__ = ("classes", "keys", "plains", "form_words", "cap")

    def __init__(self, chars: int):
        if chars < LONG_STORY:
            self.classes, self.keys, self.plains, self.form_words = _CLASSES, None, _PLAINS, _FORM_WORDS
            self.cap = MEMO_CAP
        else:
            self.classes, self.keys, self.plains, self.form_words = {}, {}, {}, {}
            self.cap = 1 << 62

    def release(self, *memos: str) -> None:
        """A long story's memos it needs no more are dropped (the shared ones are kept)."""
        if self.cap != MEMO_CAP:
            for name in memos:
                setattr(self, name, {})

    def classify(self, spelt: str, parts: list[str] | None) -> tuple:
        """What ``spelt`` is (``_classify``), the story's memos having missed it."""
        info = None if self.classes is _CLASSES else _CLASSES.get(spelt)
        if info is None:
            info = _classify(parts or [spelt], self.keys)
        if len(self.classes) < self.cap:
            self.classes[spelt] = info
        return info


def _classify(parts: list[str], keys: dict | None = None) -> tuple:
    """What a written word (one token, or a compound's tokens) is wherever it stands:
    (word without possessive, letters cut for it, kind, key, role, bare spelling, al/el,
    whether it is no name where the story writes it in lower case, the word's kind in
    ``Names.kinds``, and its kind as the particle Al of Al Thani). Worked out once per
    distinct spelling, not per occurrence. ``keys``: where to remember the keys
    (``unit_key``)."""
    word, cut, kind, key, role, bare, al_el, vocab = info = _classify_word(parts, keys)
    return info + ((word, key, role, bare, kind == TITLE), (word, "", "particle", "", False) if al_el else None)


def _key_and_bare(word: str, keys: dict | None) -> tuple[str, str]:
    """A word's key and bare spelling (one string when they are equal, as they often are)."""
    key, bare = unit_key(word, keys), bare_surface(word)
    return key, key if bare == key else bare


def _classify_word(parts: list[str], keys: dict | None) -> tuple:
    word = "-".join(parts)
    cut = 2 if POSSESSIVE_RE.search(word) else 0
    if cut:
        word = word[:-2]
    head = parts[0]
    head_low = strip_accents(head).lower()
    single = len(parts) == 1
    al_el = single and head_low in ("al", "el")  # Tamim bin Hamad Al Thani: decided in context
    if (not single and head_low in ARTICLE_PARTICLES and _is_cap(parts[1])) or _is_cap(head):
        title = single and head_low.rstrip(".") in TITLES
        stop = single and head_low in STOPWORDS
        acronym = single and len(word) > 1 and word.isupper()
        digits = any(map(str.isdigit, word))
        if title and not stop and not acronym and len(word) >= 4:
            # A title is not part of the name, but its spelling counts (Supreme/Suprreme).
            key, bare = _key_and_bare(word, keys)
            return word, cut, TITLE, key, "word", bare, al_el, single
        if title or stop or acronym or digits or "_" in word:
            return word, cut, OTHER, "", "", "", al_el, False
        role = "initial" if len(head) == 1 and single else "word"
        key, bare = _key_and_bare(word, keys)
        return word, cut, WORD, key, role, bare, al_el, single
    if single and head_low in STANDALONE_PARTICLES:
        key = unit_key(word, keys) if head_low not in ARTICLE_PARTICLES else ""
        return word, cut, PARTICLE, key, "particle", "", al_el, False
    return word, cut, OTHER, "", "", "", al_el, False


def _hyphens(text: str):
    """Where the hyphens are (``str.find`` is many times quicker than a regular expression)."""
    for hyphen in HYPHENS:
        at = text.find(hyphen)
        while at >= 0:
            yield at
            at = text.find(hyphen, at + 1)


_PIECE = 1 << 11  # tokens read at a time where a list or a flag a token is made


# Which Latin-1 characters are capitals and which lower case, by code.
_UPPER = bytes(chr(c).isupper() for c in range(256))
_LOWER = bytes(chr(c).islower() for c in range(256))


def _flags(bits: int, n: int) -> bytes:
    return bits.to_bytes(n, "little")


def _lower_vocab_and_walk(doc) -> tuple[set[str], array, bytearray]:
    """The words the story writes in lower case, the tokens worth reading one by one, and
    the tokens a hyphen follows (a byte a token: 1 where one does).

    Words the story also writes in lower case are common words there ("Bill"/"bill"); the
    lower-case tail of a compound (Jong-un) does not count. Most words are plain lower-case
    words that are no particle and start no compound: such a word ends any name in progress
    and is nothing else, so only the other tokens are walked (a superset is fine: the walk
    treats plain words alike). Both come from C-level passes over the tokens (map,
    compress), not a Python loop over every word, a piece of the tokens at a time: what is
    kept a token is a byte (a flag); flags are combined a piece at a time as the bytes of
    one integer."""
    text = doc.text
    cols = doc._token_columns
    starts, ids, vocab, sizes = cols.starts, cols.ids, cols.words, cols.sizes
    n = len(ids)
    hyphened = bytearray(n)  # a word before a hyphen may start a compound
    tail = bytearray(n)  # a word after a hyphen is no word of the story's own
    for at in _hyphens(text):
        k = bisect_right(starts, at) - 1
        if k >= 0 and starts[k] + sizes[ids[k]] == at:
            hyphened[k] = 1
        k += 1
        if k < n and starts[k] == at + 1:
            tail[k] = 1
    lower_ids: set[int] = set()  # the numbers (in the vocabulary) of the words written in lower case
    upper = bytearray()
    for a in range(0, n, _PIECE):
        b = min(n, a + _PIECE)
        firsts = "".join(itemgetter(*starts[a:b])(text))  # each token's first character
        try:  # Latin-1: the flags by table
            firsts_latin = firsts.encode("latin-1")
            upper += firsts_latin.translate(_UPPER)
            lower = firsts_latin.translate(_LOWER)
        except UnicodeEncodeError:
            upper += bytes(map(str.isupper, firsts))
            lower = bytes(map(str.islower, firsts))
        bits = int.from_bytes(lower, "little")
        bits ^= bits & int.from_bytes(tail[a:b], "little")
        lower_ids.update(compress(ids[a:b], _flags(bits, b - a)))
    del tail
    lower_vocab = set(map(vocab.__getitem__, lower_ids))
    del lower_ids
    # Only a capital starts a name; not a stop word ("The", "But") nor a word the story
    # writes in lower case (both end a name, as a plain word does), unless it may start a
    # compound or be an Al of Al Thani. (With markup joiners inside words a token's lower
    # case is not its spelling's: stop words are then left to the walk.) The words that end
    # a name are the lower-case words with the stop words written with a capital added and
    # Al taken out, for a moment (no copy of the set).
    stop = STOPWORDS if JOINERS[0] not in text and JOINERS[1] not in text else frozenset()
    particles = STANDALONE_PARTICLES.intersection(vocab)
    is_particle = list(map(particles.__contains__, vocab)) if particles else []  # by number
    walk = array("i" if n < 2**31 else "q")
    ends_name = lower_vocab.__contains__
    kept = {"al", "el"}.intersection(lower_vocab)
    lower_vocab -= kept
    for a in range(0, n, _PIECE):
        b = min(n, a + _PIECE)
        caps = list(compress(range(a, b), upper[a:b]))
        words = list(map(vocab.__getitem__, map(ids.__getitem__, caps)))
        added = stop.intersection(words).difference(lower_vocab).difference(("al", "el"))
        lower_vocab |= added
        piece = set(compress(caps, map(not_, map(ends_name, words))))
        lower_vocab -= added
        piece.update(compress(range(a, b), hyphened[a:b]))
        if particles:
            piece.update(compress(range(a, b), map(is_particle.__getitem__, ids[a:b])))
        walk.extend(sorted(piece))
    lower_vocab |= kept
    return lower_vocab, walk, hyphened


def extract_mentions(doc, memos: Memos | None = None) -> Names:
    """Runs of name words in the document, titles removed."""
    text = doc.text
    cols = doc._token_columns
    starts, ids, vocab, sizes = cols.starts, cols.ids, cols.words, cols.sizes  # a token ends at its start and its word's size
    n = len(ids)
    if memos is None:
        memos = Memos(len(text))
    classes = memos.classes
    lower_vocab, walk, hyphened = _lower_vocab_and_walk(doc)
    sentence_first = bytearray(n)  # 1 where a token starts a sentence
    for s in doc.sentences.starts:
        k = bisect_right(starts, s - 1)
        if k < n:
            sentence_first[k] = 1
    names = Names(offset_code(len(text)))
    kinds = names.kinds
    u_starts, u_ends, u_kind, u_initial, mention = names.starts, names.ends, names.kind, names.initial, names.mention
    # spelling -> the number of its kind in ``kinds`` (and of its kind as Al of Al Thani)
    table: dict[str, int] = {}
    al_table: dict[str, int] = {}
    particle: list[bool] = []  # whether each kind is a particle, to trim them
    # The name being read is the words from ``at`` on, written to the columns as they are
    # read: ``close`` trims its particles and makes it a mention.
    at = 0

    def kind_of(table: dict, spelt: str, unit: tuple) -> int:
        number = table.get(spelt)
        if number is None:
            number = table[spelt] = len(kinds)
            kinds.append(unit)
            particle.append(unit[ROLE] == "particle")
        return number

    def add(s: int, e: int, kind: int, initial: int) -> None:
        u_starts.append(s)
        u_ends.append(e)
        u_kind.append(kind)
        u_initial.append(initial)

    def close():
        # Particles at the edges are not part of the name.
        nonlocal at
        lo, hi = at, len(u_kind)
        if not (particle[u_kind[lo]] or particle[u_kind[hi - 1]]):  # as most names
            mention.append(at)
            at = hi
            return
        while hi > lo and particle[u_kind[hi - 1]]:
            hi -= 1
        while lo < hi and particle[u_kind[lo]]:
            lo += 1
        if lo == hi:
            lo = hi = at
        for column in (u_starts, u_ends, u_kind, u_initial):
            del column[hi:]
            del column[at:lo]
        if len(u_kind) > at:
            mention.append(at)
        at = len(u_kind)

    last_end = -1
    prev_k = -2
    prev_start = prev_end = 0  # where token prev_k is
    for i in walk:
        if i <= prev_k:  # a compound's tail, already read
            continue
        if i > prev_k + 1 and len(u_kind) > at:  # plain words since the last token read end any name
            close()
        s = starts[i]
        word_id = ids[i]
        e = s + sizes[word_id]
        if len(u_kind) > at:
            gap = text[last_end:s] if last_end >= 0 else "\n"
            joined = gap == " " or _cap_gap_ok(gap, text[prev_start:prev_end])
            if not joined:
                close()
        else:
            joined = False
        # A compound: Jong-un, Ocasio-Cortez, al-Assad, Ben-Gvir.
        raw = text[s:e]
        j = i
        end = e
        j_start = s
        parts = None
        while hyphened[j] and j + 1 < n and text[end : starts[j + 1]] in ("-", "‐", "‑"):
            nxt_start = starts[j + 1]
            nxt_end = nxt_start + sizes[ids[j + 1]]
            nxt = text[nxt_start:nxt_end]
            tail = parts[-1] if parts else raw
            if _is_cap(nxt) or (
                len(nxt) <= 5 and nxt.isalpha() and nxt.lower() not in HYPHEN_SUFFIXES and (_is_cap(tail) or tail.lower() in ARTICLE_PARTICLES)
                and nxt.lower() not in lower_vocab
            ):
                if parts is None:
                    parts = [raw]
                parts.append(nxt)
                j += 1
                j_start, end = nxt_start, nxt_end
            else:
                break
        j_end = end
        spelt = raw if parts is None else "-".join(parts)
        info = classes.get(spelt)
        if info is None:
            info = memos.classify(spelt, parts)
        kind = info[2]
        if info[7] and vocab[word_id] in lower_vocab:
            kind = OTHER
        cut = info[1]
        end -= cut
        if (
            info[6] and joined and i + 1 < n and _is_cap(text[starts[i + 1]]) and text[e : starts[i + 1]] == " "
        ):  # Tamim bin Hamad Al Thani
            add(s, end, kind_of(al_table, spelt, info[9]), 0)
        elif kind == WORD:
            number = table.get(spelt)
            if number is None:
                number = kind_of(table, spelt, info[8])
            u_starts.append(s)
            u_ends.append(end)
            u_kind.append(number)
            u_initial.append(sentence_first[i])
        elif kind == TITLE:
            if len(u_kind) > at:
                close()
            add(s, end, kind_of(table, spelt, info[8]), sentence_first[i])
            close()  # a title is a mention of its own
        elif kind == PARTICLE and joined and gap == " ":
            add(s, end, kind_of(table, spelt, info[8]), 0)
        elif len(u_kind) > at:
            close()
        last_end = prev_end = j_end
        prev_start = j_start
        if cut:  # a possessive ends the name
            if len(u_kind) > at:
                close()
            last_end = -1
        prev_k = j
    if len(u_kind) > at:
        close()
    mention.append(len(u_starts))
    return names


# --- one typing slip --------------------------------------------------------------


def slip(a: str, b: str, min_len: int = 5) -> bool:
    """True when ``a`` and ``b`` differ by one typing slip inside the word: one letter
    changed, added, dropped or two swapped, never the first or last letter (that is where
    different words differ: Iran/Iraq, Israel/Israeli, Syria/Syrian), in words of
    ``min_len`` letters or more (four for a swap)."""
    if a == b or not a or not b or a[0] != b[0]:
        return False
    la, lb = len(a), len(b)
    if la == lb:
        diff = [k for k in range(la) if a[k] != b[k]]
        if len(diff) == 1:
            k = diff[0]
            return la >= min_len and 0 < k < la - 1
        if len(diff) == 2:
            k, m = diff
            return m == k + 1 and a[k] == b[m] and a[m] == b[k] and la >= 4 and k > 0
        return False
    if abs(la - lb) != 1:
        return False
    short, long_ = (a, b) if la < lb else (b, a)
    if len(short) < min_len:
        return False
    k = 0
    while k < len(short) and short[k] == long_[k]:
        k += 1
    if short[k:] != long_[k + 1 :]:
        # The letter may be a repeat of its neighbour (Fedderer): find the other alignment.
        return False
    # The added letter must sit inside: not first, not last (Israel/Israeli, Syria/Syrian).
    return 0 < k < len(long_) - 1


def _deletes(key: str) -> list[str]:
    """The word and the word with one letter (never the first) left out: two words one
    slip apart share one of these."""
    return [key] + [key[:i] + key[i + 1 :] for i in range(1, len(key))]


class NamesRule(Rule):
    KIND = "names"
    FIELDS = {"check": True}
    DEFAULT_SCOPE = "all"
    BATCHED = True
    FIXABLE = True

    @classmethod
    def unit_cost(cls, rules, chars):
        return 200.0 * chars / 1e6  # one extraction of names serves both checks

    def compile(self, spec: RuleSpec) -> None:
        check = spec.data["check"]
        if check not in CHECKS:
            raise spec.error(f"'check' must be one of {', '.join(CHECKS)}", "check", check)
        self.check_mode = check

    def check(self, doc, ctx):
        for _rule, hit in self.check_all([self], doc, ctx):
            yield hit

    @classmethod
    def check_all(cls, rules, doc, ctx):
        memos = Memos(len(doc.text))
        for rule in rules:
            if rule.check_mode == "forms":
                for hit in check_forms(doc, memos):
                    yield rule, hit
        memos.release("form_words")
        rules = [r for r in rules if r.check_mode != "forms"]
        if not rules:
            return
        house = _house(ctx)
        mentions = extract_mentions(doc, memos)
        memos.release("classes", "keys")
        if not len(mentions):
            return
        house_hits: list[Hit] = []
        house_active = any(r.check_mode == "house" for r in rules)
        if house_active and house is not None and len(house):
            house_hits = list(check_house(mentions, house, doc.text))
        # Where the house list speaks, the story's own majority does not: a hit overlaps a
        # house hit when one that starts before it ends reaches past its start.
        taken = sorted((h.start, h.end) for h in house_hits)
        taken_starts = [s for s, _e in taken]
        reach = list(accumulate((e for _s, e in taken), max))  # furthest end so far
        for rule in rules:
            if rule.check_mode == "house":
                for hit in house_hits:
                    yield rule, _with_fix(rule, hit, doc.text)
        doc_rules = [r for r in rules if r.check_mode == "document"]
        if doc_rules:
            for hit in check_document(mentions, house, memos):
                k = bisect_left(taken_starts, hit.end)
                if k and reach[k - 1] > hit.start:
                    continue  # the house list already says how to spell it
                for rule in doc_rules:
                    yield rule, _with_fix(rule, hit, doc.text)


def _with_fix(rule, hit: Hit, text: str) -> Hit:
    """The hit with its suggestion as the replacement, when the rule declares a fix."""
    if not rule.fix or not hit.suggestions:
        return hit
    spelling = hit.suggestions[0]
    written = text[hit.start : hit.end]
    letters = [c for c in written if c.isalpha()]
    if len(letters) > 1 and all(c.isupper() for c in letters):  # a name in an all-capitals headline
        spelling = spelling.upper()
    return hit.with_fix(spelling)


# --- one name, two written forms ----------------------------------------------------

# A run of up to five capitalised words. (The capital comes first and the look-behind after it,
# so that the regular expression engine can skip ahead to capitals.)
CAP_RUN_RE = rx.compile(r"[A-Z](?<![\w'’][A-Z])(?:[\w'’]*[a-z][\w'’]*)(?:[ \t]+[A-Z][\w'’]*[a-z][\w'’]*){0,4}(?![\w'’])")
LEADING_FUNCTION_WORDS = frozenset("The A An In On At For But And Or As By To Of From With When While If".split())
INNER_CAP_RE = rx.compile(r"^[A-Z][a-z]+[A-Z][a-z]+")
_FORM_WORDS: dict[str, tuple] = {}  # word -> ``_form_word``: capitalised words recur


def _form_word(w: str, memo: dict | None = None) -> tuple[bool, str | None, bool]:
    """What ``check_forms`` asks of one capitalised word (straight apostrophes): whether it
    is run together from capitalised halves ("YouTube"), the brand name it may be with an
    apostrophe or an s dropped ("McDonald" for "McDonald's" and "McDonalds"; only names with
    an inner capital), and whether it ends in 's."""
    joined = bool(INNER_CAP_RE.match(w)) and "'" not in w
    poss = w.endswith("'s")
    bare = w[:-2] if poss else w[:-1] if w.endswith("s") and len(w) > 4 else None
    # "Gates" and "Gate's", "Democrats" and "Democrat's" are a plural and a possessive,
    # not one name twice.
    if not bare or not INNER_CAP_RE.match(bare):
        bare = None
    info = (joined, bare, poss)
    if memo is None:
        memo = _FORM_WORDS
    if len(memo) < (MEMO_CAP if memo is _FORM_WORDS else 200_000):
        memo[w] = info
    return info


def _form_adds(words: tuple[str, ...], words_seen: Counter, memo: dict) -> tuple:
    """The forms of names a run of capitalised words holds: (key, form, where), where is
    None for the whole run or a word's offset in it."""
    adds = []
    infos = [_FORM_WORDS.get(w) or memo.get(w) or _form_word(w, memo) for w in words]
    # A word run together from capitalised halves ("YouTube") and its split form.
    if len(words) == 2:
        adds.append(("join:" + "".join(words).lower(), " ".join(words), None))
    for i, (w, (joined, _bare, _poss)) in enumerate(zip(words, infos)):
        if joined:
            adds.append(("join:" + w.lower(), w, len(" ".join(words[:i])) + (1 if i else 0)))
    # An organisation of three words or more with an inner word singular or plural.
    if len(words) >= 3 and not any("'" in w for w in words):
        key = " ".join(w.lower()[:-1] if k < len(words) - 1 and w.endswith("s") and len(w) > 4 else w.lower()
                       for k, w in enumerate(words))
        adds.append(("plural:" + key, " ".join(words), None))
    # A brand's apostrophe: "McDonald's" where "McDonald" is never written alone.
    for i, (w, (_joined, bare, poss)) in enumerate(zip(words, infos)):
        if bare and words_seen.get(bare, 0) == 0 and (poss or words_seen.get(bare + "'s")):
            adds.append(("apostrophe:" + bare.lower(), w, len(" ".join(words[:i])) + (1 if i else 0)))
    return tuple(adds)


def check_forms(doc, memos: Memos | None = None) -> list[Hit]:
    """See ``check: forms`` in the module's docstring."""
    text = doc.text
    memo = (memos or Memos(len(text))).form_words
    # Curly apostrophes are made straight in each run, not in a copy of the text (the
    # pattern takes both alike, and one character stands for one: offsets do not move).
    curly = "’" in text
    # The runs worth a second look, in columns (start, end, which words: a number in
    # ``run_words``), and every word of every run counted (in batches, at C speed).
    code = offset_code(len(text))
    r_starts, r_ends, r_words = array(code), array(code), array("i")
    numbers: dict = {}  # a run's words (a word, or a tuple of words) -> its number
    run_words: list[tuple[str, ...]] = []
    n_runs = 0
    words_seen: Counter = Counter()
    seen: list[str] = []
    note = seen.append
    leading = LEADING_FUNCTION_WORDS
    for m in CAP_RUN_RE.finditer(text):
        run = m.group()
        if curly:
            run = run.replace("’", "'")
        if " " not in run and "\t" not in run:  # one word, as most runs are
            if run not in leading:
                n_runs += 1
                note(run)
                if not run[1:].islower():  # see below
                    number = numbers.get(run)
                    if number is None:
                        number = numbers[run] = len(run_words)
                        run_words.append((run,))
                    start, end = m.span()
                    r_starts.append(start)
                    r_ends.append(end)
                    r_words.append(number)
                elif n_runs & 1023:
                    continue
        else:
            words = run.split()
            start = m.start()
            while words and words[0] in leading:  # "The Federal Election Commission"
                start = (
                    m.start() + run.index(words[1], start - m.start() + len(words[0])) if len(words) > 1 else m.end()
                )
                words = words[1:]
            if not words:
                continue
            n_runs += 1
            seen.extend(words)
            # A lone word is a form of a name only if it has an inner capital (run together, or
            # a brand: see below).
            if len(words) > 1 or not words[0][1:].islower():
                words = tuple(words)
                number = numbers.get(words)
                if number is None:
                    number = numbers[words] = len(run_words)
                    run_words.append(words)
                r_starts.append(start)
                r_ends.append(m.end())
                r_words.append(number)
        if len(seen) >= 1024:
            words_seen.update(seen)
            seen.clear()
    if n_runs < 2:
        return []
    words_seen.update(seen)
    del seen, numbers
    # Each form of a name -> its key; keys shared by two forms are one name written twice.
    # Counted here ([uses, first start]); the uses of the forms to flag are found again below.
    forms: dict[tuple[str, str], list[int]] = {}  # (key, form) -> [uses, first start]
    keys: dict[str, dict[str, None]] = {}  # key -> its forms, in order
    adds_of: list[tuple | None] = [None] * len(run_words)
    for number, start in zip(r_words, r_starts):
        adds = adds_of[number]
        if adds is None:
            adds = adds_of[number] = _form_adds(run_words[number], words_seen, memo)
        for key, form, _where in adds:
            uses = forms.get((key, form))
            if uses is None:
                forms[key, form] = [1, start if _where is None else start + _where]
                group = keys.get(key)
                if group is None:
                    keys[key] = {form: None}
                else:
                    group[form] = None
            else:
                uses[0] += 1
    flagged: dict[str, list[str]] = {}  # key -> its forms to flag, in order
    suggestion: dict[str, str] = {}
    for key, group in keys.items():
        if len(group) < 2:
            continue
        # The form used most is right. On a tie, a name run together ("YouTube") or kept with
        # its apostrophe ("McDonald's") is nobody's slip; otherwise the first use wins.
        def rank(form: str):
            deliberate = "'" in form
            if key.startswith("join:"):
                split = next((f for f in group if " " in f), "")
                tail = split.split(" ")[-1] if split else ""
                # "Romney" used on its own makes "Mitt Romney" the name and "MittRomney" the
                # slip; "Tube" never used alone makes "YouTube" the name.
                alone = words_seen.get(tail, 0) > (forms[key, split][0] if (key, split) in forms else 0)
                deliberate = (" " in form) == alone
            return (-forms[key, form][0], not deliberate, forms[key, form][1])

        ranked = sorted(group, key=rank)
        flagged[key] = ranked[1:]
        suggestion[key] = ranked[0]
    if not flagged:
        return []
    where: dict[tuple[str, str], list[tuple[int, int]]] = {(k, f): [] for k, fs in flagged.items() for f in fs}
    for number, start, end in zip(r_words, r_starts, r_ends):
        for key, form, at in adds_of[number]:
            uses = where.get((key, form))
            if uses is not None:
                uses.append((start, end) if at is None else (start + at, start + at + len(form)))
    hits: list[Hit] = []
    for key, fs in flagged.items():
        best = suggestion[key]
        for form in fs:
            for start, end in where[key, form]:
                hits.append(Hit(start, end, (best,), None, (("term", best),)))
    hits.sort(key=lambda h: (h.start, h.end))
    return hits


def _house(ctx) -> HouseNames | None:
    key = ("house-names", tuple(ctx.names_files), ctx.starter_names)
    if key in ctx.cache:
        return ctx.cache[key]
    if not ctx.names_files and not ctx.starter_names:
        house = None
    else:
        house = load_house_names(ctx.names_files, ctx.starter_names).ensure()
    ctx.cache[key] = house
    return house


def _norm_span(text: str) -> str:
    return " ".join(text.replace("’", "'").replace(".", "").split()).lower()


# --- against the house list ------------------------------------------------------


def _house_matches(kinds: list[tuple], shape, house: HouseNames) -> list[tuple[int, int, HouseName]]:
    """The listed names a name of these kinds of words holds, as (its first word, its last
    word, the entry): a run of two to five words (articles dropped) whose keys are a listed
    name's, or one slip from one in a word; longer runs first, none overlapping."""
    # (kinds: surface, key, role, ...; literal indexes, as this runs for every name)
    if len(shape) == 2:  # most names: two words (neither a particle: those are trimmed)
        units = [kinds[shape[0]], kinds[shape[1]]]
        keys = (units[0][1], units[1][1])
        entry = house.lookup(keys)
        if entry is None:
            for cand, i in house.near(keys):
                u = units[i]
                if u[2] == "word" and slip(u[1], cand.keys[i]) and not house.is_house_word(u[0]):
                    entry = cand
                    break
        return [] if entry is None else [(0, 1, entry)]
    units = [(i, kinds[k]) for i, k in enumerate(shape)]
    units = [u for u in units if u[1][1] or u[1][2] != "particle"]  # articles dropped
    n = len(units)
    covered = [False] * n
    found = []
    for size in range(min(n, 5), 1, -1):
        for a in range(0, n - size + 1):
            if found and any(covered[a : a + size]):
                continue
            window = units[a : a + size]
            if window[0][1][2] == "particle" or window[-1][1][2] == "particle":
                continue
            keys = tuple([u[1][1] for u in window])
            entry = house.lookup(keys)
            if entry is None:
                for cand, i in house.near(keys):
                    u = window[i][1]
                    if u[2] == "word" and slip(u[1], cand.keys[i]) and not house.is_house_word(u[0]):
                        entry = cand
                        break
            if entry is None:
                continue
            for k in range(a, a + size):
                covered[k] = True
            found.append((window[0][0], window[-1][0], entry))
    return found


def check_house(names: Names, house: HouseNames, text: str):
    matched_entries: set[int] = set()
    hits: list[Hit] = []
    house.ensure()
    mention, kinds, kind, starts, ends = names.mention, names.kinds, names.kind, names.starts, names.ends
    # Names of two words or more (a name never starts or ends with a particle, so at least
    # two of its words are words), looked up once for each distinct run of kinds of words;
    # then the one-word names, once the names matched in full are known.
    matches: dict[bytes, list] = {}
    for m in names.longer():
        lo, hi = mention[m], mention[m + 1]
        shape = kind[lo:hi].tobytes()
        found = matches.get(shape)
        if found is None:
            found = matches[shape] = _house_matches(kinds, kind[lo:hi], house)
        for first, last, entry in found:
            matched_entries.add(id(entry))
            start, end = starts[lo + first], ends[lo + last]
            written = text[start:end]
            # Accents are a spelling the house may not carry (wire copy drops them):
            # "Peña" is not a misspelling of "Pena".
            if strip_accents(_norm_span(written)) != strip_accents(_norm_span(entry.canonical)):
                hits.append(Hit(start, end, (entry.canonical,), None, (("term", entry.canonical),)))
    del matches
    # Most words are neither a listed variant nor a listed surname's key.
    variants, surnames = house.variant_words, house.surnames
    for k in names.single_words():
        surface, key, role, bare, title = kinds[kind[k]]
        if title or role != "word" or len(key) < 4 or not (key in variants or key in surnames):
            continue
        entry = house.variant_word(key)
        if entry is not None:
            surname = entry.words[-1]
            if bare != bare_surface(surname):
                hits.append(Hit(starts[k], ends[k], (surname,), None, (("term", entry.canonical),)))
            continue
        spellings = house.surname_spellings(key)
        if not spellings or bare in spellings:
            continue
        if house.is_house_word(surface):
            continue
        entries = {id(e): e for e in spellings.values()}
        # A one-word listed name (Hezbollah) is checked wherever it appears; a surname on its
        # own only when the story also names the person in full.
        in_story = [e for k_, e in entries.items() if k_ in matched_entries or len(e.keys) == 1]
        if in_story:
            entry = in_story[0]
            surname = entry.words[-1]
            hits.append(Hit(starts[k], ends[k], (surname,), None, (("term", entry.canonical),)))
    return hits


# --- within one document ------------------------------------------------------------


def _similar(a: str, b: str) -> bool:
    return a == b or slip(a, b)


def _ctx_similar(a: Unit, b: Unit) -> bool:
    if a.role == "initial" or b.role == "initial":
        return a.key[:1] == b.key[:1]
    return _similar(a.key, b.key)


def _several(units: list[Unit]) -> bool:
    first = units[0]
    return any(not _ctx_similar(first, u) for u in units[1:])


def _contradicts(minor: list[Unit], major: list[Unit], weights: list[int], slip_pair: bool = False) -> bool:
    """True when the words around two spellings show they belong to different people:
    a neighbouring name word of the rarer spelling never sits next to the common one, which
    has other neighbours of the same sort there (Michele Bachmann, Michelle Obama; M Horan,
    S Horgan); or the common one is a given name (always followed by a surname) and the
    rarer a word used on its own (Giorgia Meloni, Georgia; Mitt Romney, Meet the Press).
    ``major``: its uses with different neighbours, first uses first, and ``weights``: how
    many uses each stands for (what is asked of the neighbours does not depend on repeats,
    only whether most uses have a next word does)."""
    for side in ("prev", "next"):
        # Sentence-initial words ("Faultless Federer" in a headline) say little.
        around = [getattr(u, side) for u in major]
        around = [x for x in around if x is not None and not x.initial]
        if not around:
            continue
        if side == "next":
            # Only a given name says much by its next word: a spelling mostly followed by one
            # surname (Michelle Obama). Not one mostly used alone (Senate; Senate Majority
            # Leader) or followed by many words (Republican Party, Republican senators).
            given_like = 2 * sum(w for u, w in zip(major, weights) if u.next is not None) > sum(weights)
            if not given_like or _several(around):
                continue
        for mo in minor:
            c = getattr(mo, side)
            if c is None or c.initial:
                continue
            if side == "prev" and c.role != "initial":
                # Different given names before one surname are often one family (Bill
                # Clinton, Hillary Rodham Clinton): the surname is still spelt one way.
                continue
            same_sort = [x for x in around if (x.role == "initial") == (c.role == "initial")]
            if same_sort and not any(_ctx_similar(c, x) for x in same_sort):
                return True
    if all(u.next is not None for u in major) and not any(u.next is not None for u in minor):
        return True
    if slip_pair and all(u.next is not None for u in minor) and not any(u.next is not None for u in major):
        return True
    return False


_PLAINS: dict[str, str] = {}


def _plain(spelling: str, memo: dict | None = None) -> str:
    """A spelling without accents or hyphens (remembered: names recur)."""
    plain = _PLAINS.get(spelling)
    if plain is None:
        if memo is None:
            memo = _PLAINS
        plain = memo.get(spelling)
        if plain is None:
            plain = strip_accents(spelling).replace("-", "")
            if len(memo) < (MEMO_CAP if memo is _PLAINS else 200_000):
                memo[spelling] = plain
    return plain


def _put(table: dict, key, item: tuple) -> None:
    """Adds ``item`` to ``table[key]``: the item itself while it is alone, then a list."""
    have = table.get(key)
    if have is None:
        table[key] = item
    elif type(have) is list:
        have.append(item)
    else:
        table[key] = [have, item]


def _several_of(spellings: str | set[str]):
    return (spellings,) if type(spellings) is str else spellings


def _whole_name(kinds: list[tuple], shape) -> tuple[str, str] | None:
    """(keys, spelling) of a name of these kinds of words, or None when it has fewer than
    two words (particles aside)."""
    units = [kinds[k] for k in shape]
    if sum(u[ROLE] == "word" for u in units) < 2:
        return None
    keys = "".join(u[KEY] for u in units if u[KEY])
    return keys, _norm_span(" ".join(u[SURFACE] for u in units))


def check_document(names: Names, house: HouseNames | None, memos: Memos | None = None):
    hits: dict[tuple[int, int], Hit] = {}
    if memos is None:
        memos = Memos(0)

    def is_house(surface: str) -> bool:
        return house is not None and len(house) > 0 and house.is_house_word(surface)

    house_surfaces = house.ensure().house_surfaces if house is not None and len(house) else None
    mention, kinds, kind, u_starts, u_ends = names.mention, names.kinds, names.kind, names.starts, names.ends

    # 1. Whole names spelt differently: Kim Jong Un / Kim Jong-un, Bashar Assad / Bashar al-Assad.
    # Counted per spelling ([uses, first mention]); the mentions of a spelling to flag are
    # found again afterwards.
    shapes: dict[bytes, tuple[str, str] | None] = {}  # the kinds of a mention's words -> (keys, spelling)
    # keys -> [spelling, uses, first mention] while one spelling has them, then
    # {spelling: [uses, first mention]}
    by_compact: dict[str, list | dict[str, list[int]]] = {}
    for m in names.longer():
        lo, hi = mention[m], mention[m + 1]
        shape = kind[lo:hi].tobytes()
        if shape in shapes:
            whole = shapes[shape]
        else:
            whole = shapes[shape] = _whole_name(kinds, kind[lo:hi])
        if whole is None:
            continue
        forms = by_compact.get(whole[0])
        if forms is None:
            by_compact[whole[0]] = [whole[1], 1, m]
        elif type(forms) is list:
            if forms[0] == whole[1]:
                forms[1] += 1
            else:
                by_compact[whole[0]] = {forms[0]: forms[1:], whole[1]: [1, m]}
        else:
            seen = forms.get(whole[1])
            if seen is None:
                forms[whole[1]] = [1, m]
            else:
                seen[0] += 1
    flagged: dict[tuple[str, str], str] = {}  # (keys, spelling) -> suggestion
    for keys, forms in by_compact.items():
        if type(forms) is list:
            continue
        ranked = sorted(forms.items(), key=lambda kv: (-kv[1][0], u_starts[mention[kv[1][1]]]))
        best_m = ranked[0][1][1]
        best_uses = ranked[0][1][0]
        suggestion = " ".join(kinds[kind[k]][SURFACE] for k in range(mention[best_m], mention[best_m + 1]))
        for surface, (uses, first_m) in ranked[1:]:
            if uses > best_uses:
                continue
            if house is not None and len(house):
                entry = house.lookup(tuple(
                    kinds[kind[k]][KEY] for k in range(mention[first_m], mention[first_m + 1]) if kinds[kind[k]][KEY]
                ))
                if entry is not None and _norm_span(entry.canonical) == surface:
                    continue  # the house spelling is never the one to change
            flagged[keys, surface] = suggestion
    del by_compact
    if flagged:
        for m in names.longer():
            lo, hi = mention[m], mention[m + 1]
            whole = shapes[kind[lo:hi].tobytes()]
            if whole is not None and whole in flagged:
                suggestion = flagged[whole]
                s, e = u_starts[lo], u_ends[hi - 1]
                hits[(s, e)] = Hit(s, e, (suggestion,), None, (("term", suggestion),))
    del shapes

    # 2. Single name words: the same key spelt two ways, or one slip apart. Counted per
    # spelling (its ``group``): uses, first word, whether every use is a title, whether
    # every use starts a sentence. Only the words of the spellings that may be flagged are
    # made ``Unit`` objects, below.
    by_key: dict[str, int | list[int]] = {}  # key -> its group, or groups (one a bare spelling)
    counts: dict[str, int] = {}  # key -> uses
    g_key: list[str] = []
    g_bare: list[str] = []
    g_uses: list[int] = []
    g_first: list[int] = []  # first word
    g_title: list[bool] = []
    g_initial: list[bool] = []
    kind_group: list[int | None] = [None] * len(kinds)  # -1: no word counted here
    for k, kd, first_of_sentence in zip(count(), kind, names.initial):
        g = kind_group[kd]
        if g is None:
            _surface, key, role, bare, _title = kinds[kd]
            if role == "word" and len(key) >= 3 and _surface.replace("-", "").isalpha():
                forms = by_key.get(key)
                if forms is None:
                    g = by_key[key] = len(g_key)
                elif type(forms) is int:
                    if g_bare[forms] == bare:
                        g = forms
                    else:
                        g = len(g_key)
                        by_key[key] = [forms, g]
                else:
                    g = next((x for x in forms if g_bare[x] == bare), None)
                    if g is None:
                        g = len(g_key)
                        forms.append(g)
                if g == len(g_key):
                    g_key.append(key)
                    g_bare.append(bare)
                    g_uses.append(0)
                    g_first.append(k)
                    g_title.append(True)
                    g_initial.append(True)
            else:
                g = -1
            kind_group[kd] = g
        if g < 0:
            continue
        g_uses[g] += 1
        key = g_key[g]
        counts[key] = counts.get(key, 0) + 1
        if not kinds[kd][IS_TITLE]:
            g_title[g] = False
        if not first_of_sentence:
            g_initial[g] = False

    def first(g: int) -> int:
        return u_starts[g_first[g]]

    def surface(g: int) -> str:
        return kinds[kind[g_first[g]]][SURFACE]

    # What is compared, in the order it is compared in: the spellings of one key (the
    # minor, the major) and the slips (minor key, major key). Words are looked at only then.
    def groups(k: str):
        forms = by_key[k]
        return (forms,) if type(forms) is int else forms

    same_key: list[tuple[int, int]] = []
    for key, forms in by_key.items():
        if type(forms) is int:
            continue
        ranked = sorted(forms, key=lambda g: (-g_uses[g], first(g)))
        best = ranked[0]
        for g in ranked[1:]:
            if g_uses[g] > 2 or g_uses[g] > g_uses[best]:
                continue
            if is_house(g_bare[g]):
                continue
            same_key.append((g, best))

    # 3. Slips: a spelling used once or twice (the minor) one slip from a spelling used at
    # least twice and twice as often (the major). Spellings that cannot take either part are
    # left out first; the rest meet through indexes, never by comparing every pair.
    def all_of(flags: list[bool], k: str) -> bool:
        return all(flags[g] for g in groups(k))

    majors = [
        k for k, c in counts.items()
        if c >= 2 and not all_of(g_title, k)  # titles are matched by key only (Pryce is not Prince)
    ]

    def may_slip(k: str) -> bool:
        """Whether a minor may be a slip at all (whatever the major)."""
        if len(k) < 6 and all_of(g_initial, k):
            return False  # a short capitalised word starting a sentence may be any word (Spin/Spain)
        return not (house_surfaces and any(g_bare[g] in house_surfaces for g in groups(k)))  # is_house of each use

    # Slips are looked for among the keys and among the plain spellings (accents and case
    # dropped), since a slip can make a key move twice (Ireland -> Ieeland).
    plains: dict[str, str | set[str]] = {}
    plain_memo = memos.plains

    def spellings(k: str) -> list[str]:
        """The key and plain spellings of ``k`` long enough for a slip (four letters)."""
        forms = by_key[k]
        if type(forms) is int:
            plain = _plain(g_bare[forms], plain_memo)
            plains[k] = k if plain == k else plain  # one spelling: the string itself
            return [f for f in ((k,) if plain == k else (k, plain)) if len(f) >= 4]
        plain = plains[k] = {_plain(g_bare[g], plain_memo) for g in forms}
        return [f for f in {k} | plain if len(f) >= 4]

    # Two words one slip apart share their first letter, and their length and last letter
    # (a letter changed, added or dropped inside, or two swapped inside) or their length and
    # each other's last two letters (the last two swapped); and they share a one-letter
    # deletion. The majors are indexed by the former; those a minor finds there are indexed
    # by their deletions (once), in which the minor's are looked up.
    # (Tables keyed by (first letter, last letter, length) packed in one integer, length
    # << 42 | first << 21 | last, a spelling or a list of them each: fewer objects than
    # tuples and lists.)
    ends: dict[int, tuple[str, str] | list[tuple[str, str]]] = {}  # (first, last, length)
    swaps: dict[int, tuple[str, str] | list[tuple[str, str]]] = {}  # (first, before last, length)
    for k in majors:
        for f in spellings(k):
            kf = (k, f)
            _put(ends, len(f) << 42 | ord(f[0]) << 21 | ord(f[-1]), kf)
            _put(swaps, len(f) << 42 | ord(f[0]) << 21 | ord(f[-2]), kf)
    index: dict[str, str | set[str]] = {}  # deletion -> its major, or majors
    indexed: set[tuple[str, str]] = set()
    candidates: set[tuple[str, str]] = set()  # (minor, major)
    for k, c in counts.items() if ends else ():
        if c > 2:
            continue
        checked = False
        for f in spellings(k):
            shape = ord(f[0]) << 21 | ord(f[-1])
            size = len(f) << 42
            near = [
                kf
                for kfs in (
                    ends.get(size | shape), ends.get(size - (1 << 42) | shape), ends.get(size + (1 << 42) | shape),
                    swaps.get(size | shape),
                ) if kfs is not None
                for kf in ((kfs,) if type(kfs) is tuple else kfs)
                if counts[kf[0]] >= 2 * c
            ]
            if not near:
                continue
            if not checked:
                if not may_slip(k):
                    break
                checked = True
            for kf in near:
                if kf not in indexed:
                    indexed.add(kf)
                    major = kf[0]
                    for d in _deletes(kf[1]):
                        have = index.get(d)
                        if have is None:
                            index[d] = major
                        elif type(have) is str:
                            if have != major:
                                index[d] = {have, major}
                        else:
                            have.add(major)
            for d in _deletes(f):
                have = index.get(d)
                if have is None:
                    continue
                for major in (have,) if type(have) is str else have:
                    if counts[major] >= 2 * c:
                        candidates.add((k, major))
    del ends, swaps, index, indexed
    # A spelling one slip from two others gets the suggestion of the first pair tried, so
    # the pairs are tried in an order that depends on the text alone (never on the order a
    # set happens to iterate in, which changes from run to run): the most used spelling
    # first, then the one that comes first in the story.
    firsts = {k: min(first(g) for g in groups(k)) for pair in candidates for k in pair}

    def strength(pair: tuple[str, str]) -> tuple:
        minor, major = pair
        return (-counts[major], firsts[major], firsts[minor], major, minor)

    slips: list[tuple[str, str]] = []
    for minor, major in sorted(candidates, key=strength):
        cM = counts[major]
        minor_plains, major_plains = _several_of(plains[minor]), _several_of(plains[major])
        pairs = [(minor, major)] + [(p, q) for p in minor_plains for q in major_plains]
        if not any(slip(p, q, 5) for p, q in pairs):
            # Four-letter names need more evidence: the common spelling used 3 times,
            # and one slip as written, not only between keys (Royce is not Rice).
            plain_pairs = [(p, q) for p in minor_plains for q in major_plains]
            if cM < 3 or not any(slip(p, q, 4) for p, q in plain_pairs):
                continue
        slips.append((minor, major))
    if not same_key and not slips:
        return sorted(hits.values(), key=lambda h: h.start)

    # The words of the spellings compared, with the words beside them.
    wanted = {g for pair in same_key for g in pair}
    for pair in slips:
        for k in pair:
            wanted.update(groups(k))
    # A spelling used often (a major) is looked at for the words beside it only: one word
    # for each distinct pair of neighbours, with how many times it stands (its weight).
    words: dict[int, tuple[list[Unit], list[int], dict]] = {g: ([], [], {}) for g in sorted(wanted)}
    for k, kd in zip(count(), kind):
        g = kind_group[kd]
        if g not in words:
            continue
        m = bisect_right(mention, k) - 1
        units, weights, seen = words[g]
        if g_uses[g] > 2:
            unit = names.linked(k, m)
            around = (
                unit.prev and (unit.prev.key, unit.prev.role, unit.prev.initial),
                unit.next and (unit.next.key, unit.next.role, unit.next.initial),
            )
            at = seen.get(around)
            if at is not None:
                weights[at] += 1
                continue
            seen[around] = len(units)
            units.append(unit)
        else:
            units.append(names.linked(k, m))
        weights.append(1)

    def units_of(k: str) -> tuple[list[Unit], list[int]]:
        gs = groups(k)
        return [u for g in gs for u in words[g][0]], [w for g in gs for w in words[g][1]]

    # A word inside a whole name already flagged is not flagged again. Words do not overlap,
    # so only the whole names (all flagged above) can hold one: a name that starts at or
    # before the word and reaches its end.
    whole = sorted(hits)
    whole_starts = [s for s, _e in whole]
    whole_reach = list(accumulate((e for _s, e in whole), max))

    def flag(minor_units, suggestion):
        for u in minor_units:
            if (u.start, u.end) in hits:
                continue
            k = bisect_right(whole_starts, u.start)
            if k and whole_reach[k - 1] >= u.end:
                continue
            hits[(u.start, u.end)] = Hit(u.start, u.end, (suggestion,), None, (("term", suggestion),))

    for g, best in same_key:
        if _contradicts(words[g][0], words[best][0], words[best][1]):
            continue
        flag(words[g][0], surface(best))

    for minor, major in slips:
        minor_units = units_of(minor)[0]
        major_units, major_weights = units_of(major)
        if _contradicts(minor_units, major_units, major_weights, slip_pair=True):
            continue
        major_forms = sorted(groups(major), key=lambda g: (-g_uses[g], first(g)))
        flag(minor_units, surface(major_forms[0]))
    return sorted(hits.values(), key=lambda h: h.start)
