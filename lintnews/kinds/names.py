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
from collections import Counter, defaultdict
from itertools import accumulate, compress

from .. import rx
from ..finding import Hit
from ..housenames import (
    ARTICLE_PARTICLES,
    HouseNames,
    bare_surface,
    load_house_names,
    strip_accents,
    unit_key,
)
from ..markup import JOINERS
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
    """One name word as written."""

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


class Mention:
    """A run of name words."""

    __slots__ = ("units", "title")

    def __init__(self, units: list[Unit], title: bool = False):
        self.units = units
        self.title = title  # a title word (President, Supreme), kept only for spelling counts


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
_CLASSES: dict[str, tuple] = {}  # spelling -> ``_classify``: names and sentence openers recur across stories


def _classify(parts: list[str]) -> tuple:
    """What a written word (one token, or a compound's tokens) is wherever it stands:
    (word without possessive, letters cut for it, kind, key, role, bare spelling, al/el,
    whether it is no name where the story writes it in lower case). Worked out once per
    distinct spelling, not per occurrence."""
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
            return word, cut, TITLE, unit_key(word), "word", bare_surface(word), al_el, single
        if title or stop or acronym or digits or "_" in word:
            return word, cut, OTHER, "", "", "", al_el, False
        role = "initial" if len(head) == 1 and single else "word"
        return word, cut, WORD, unit_key(word), role, bare_surface(word), al_el, single
    if single and head_low in STANDALONE_PARTICLES:
        key = unit_key(word) if head_low not in ARTICLE_PARTICLES else ""
        return word, cut, PARTICLE, key, "particle", "", al_el, False
    return word, cut, OTHER, "", "", "", al_el, False


def _hyphens(text: str) -> list[int]:
    """Where the hyphens are (``str.find`` is many times quicker than a regular expression)."""
    found = []
    for hyphen in HYPHENS:
        at = text.find(hyphen)
        while at >= 0:
            found.append(at)
            at = text.find(hyphen, at + 1)
    return found


def _lower_vocab_and_walk(doc) -> tuple[set[str], list[int], set[int]]:
    """The words the story writes in lower case, the tokens worth reading one by one, and
    the tokens a hyphen follows.

    Words the story also writes in lower case are common words there ("Bill"/"bill"); the
    lower-case tail of a compound (Jong-un) does not count. Most words are plain lower-case
    words that are no particle and start no compound: such a word ends any name in progress
    and is nothing else, so only the other tokens are walked (a superset is fine: the walk
    treats plain words alike). Both come from C-level passes over the tokens (map,
    compress), not a Python loop over every word."""
    text = doc.text
    starts, ends, lows = doc.token_starts, doc.token_ends, doc.token_words
    n = len(lows)
    firsts = list(map(text.__getitem__, starts))
    lower = list(map(str.islower, firsts))
    hyphened: set[int] = set()
    for at in _hyphens(text):
        k = bisect_right(starts, at) - 1
        if k >= 0 and ends[k] == at:  # a word before a hyphen may start a compound
            hyphened.add(k)
        k += 1
        if k < n and starts[k] == at + 1:  # a word after a hyphen is no word of the story's own
            lower[k] = False
    lower_vocab = set(compress(lows, lower))
    # Only a capital starts a name; not a stop word ("The", "But") nor a word the story
    # writes in lower case (both end a name, as a plain word does), unless it may start a
    # compound or be an Al of Al Thani. (With markup joiners inside words a token's lower
    # case is not its spelling's: stop words are then left to the walk.)
    stop = STOPWORDS if JOINERS[0] not in text and JOINERS[1] not in text else frozenset()
    walk = {
        k for k in compress(range(n), map(str.isupper, firsts))
        if not (lows[k] in lower_vocab or lows[k] in stop) or lows[k] in ("al", "el")
    }
    particles = STANDALONE_PARTICLES.intersection(lows)
    if particles:
        walk.update(compress(range(n), map(particles.__contains__, lows)))
    return lower_vocab, sorted(walk | hyphened), hyphened


def extract_mentions(doc) -> list[Mention]:
    """Runs of name words in the document, titles removed."""
    text = doc.text
    starts, ends, words = doc.token_starts, doc.token_ends, doc.token_words
    n = len(words)
    lower_vocab, walk, hyphened = _lower_vocab_and_walk(doc)
    sentence_first: set[int] = set()
    for s, _e in doc.sentences:
        k = bisect_right(starts, s - 1)
        if k < n:
            sentence_first.add(starts[k])
    mentions: list[Mention] = []
    cur: list[Unit] = []  # the name being read

    def close():
        # Particles at the edges are not part of the name.
        lo, hi = 0, len(cur)
        while hi > lo and cur[hi - 1].role == "particle":
            hi -= 1
        while lo < hi and cur[lo].role == "particle":
            lo += 1
        if lo < hi:
            mentions.append(Mention(cur[lo:hi] if hi - lo < len(cur) else cur))

    last_end = -1
    prev_k = -2
    for i in walk:
        if i <= prev_k:  # a compound's tail, already read
            continue
        if i > prev_k + 1 and cur:  # plain words since the last token read end any name
            close()
            cur = []
        s, e, low = starts[i], ends[i], words[i]
        if cur:
            gap = text[last_end:s] if last_end >= 0 else "\n"
            joined = gap == " " or _cap_gap_ok(gap, text[starts[prev_k] : ends[prev_k]])
            if not joined:
                close()
                cur = []
        else:
            joined = False
        # A compound: Jong-un, Ocasio-Cortez, al-Assad, Ben-Gvir.
        raw = text[s:e]
        j = i
        end = e
        parts = None
        while j in hyphened and j + 1 < n and text[end : starts[j + 1]] in ("-", "‐", "‑"):
            nxt = text[starts[j + 1] : ends[j + 1]]
            tail = parts[-1] if parts else raw
            if _is_cap(nxt) or (
                len(nxt) <= 5 and nxt.isalpha() and nxt.lower() not in HYPHEN_SUFFIXES and (_is_cap(tail) or tail.lower() in ARTICLE_PARTICLES)
                and nxt.lower() not in lower_vocab
            ):
                if parts is None:
                    parts = [raw]
                parts.append(nxt)
                j += 1
                end = ends[j]
            else:
                break
        spelt = raw if parts is None else "-".join(parts)
        info = _CLASSES.get(spelt)
        if info is None:
            info = _classify(parts or [raw])
            if len(_CLASSES) < 200_000:
                _CLASSES[spelt] = info
        word, cut, kind, key, role, bare, al_el, vocab = info
        if vocab and low in lower_vocab:
            kind = OTHER
        end -= cut
        if (
            al_el and joined and i + 1 < n and _is_cap(text[starts[i + 1]]) and text[e : starts[i + 1]] == " "
        ):  # Tamim bin Hamad Al Thani
            cur.append(Unit(s, end, word, "", "particle"))
        elif kind == WORD:
            cur.append(Unit(s, end, word, key, role, s in sentence_first, False, bare))
        elif kind == TITLE:
            if cur:
                close()
                cur = []
            mentions.append(Mention([Unit(s, end, word, key, role, s in sentence_first, True, bare)], title=True))
        elif kind == PARTICLE and joined and gap == " ":
            cur.append(Unit(s, end, word, key, "particle"))
        elif cur:
            close()
            cur = []
        last_end = ends[j]
        if cut:  # a possessive ends the name
            if cur:
                close()
                cur = []
            last_end = -1
        prev_k = j
    if cur:
        close()
    for m in mentions:
        if len(m.units) == 1:
            continue
        words = [u for u in m.units if u.role != "particle"]
        for a, b in zip(words, words[1:]):
            a.next = b
            b.prev = a
    return mentions


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
        for rule in rules:
            if rule.check_mode == "forms":
                for hit in check_forms(doc):
                    yield rule, hit
        rules = [r for r in rules if r.check_mode != "forms"]
        if not rules:
            return
        house = _house(ctx)
        mentions = extract_mentions(doc)
        if not mentions:
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
            for hit in check_document(mentions, house):
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


def _form_word(w: str) -> tuple[bool, str | None, bool]:
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
    if len(_FORM_WORDS) < 200_000:
        _FORM_WORDS[w] = info
    return info


def check_forms(doc) -> list[Hit]:
    """See ``check: forms`` in the module's docstring."""
    # Curly apostrophes made straight, one character for one: offsets do not move.
    text = doc.text.replace("’", "'")
    runs: list[tuple[int, int, tuple[str, ...]]] = []
    n_runs = 0
    seen: list[str] = []  # every word of every run, counted below
    for m in CAP_RUN_RE.finditer(text):
        run = m.group()
        if " " not in run and "\t" not in run:  # one word, as most runs are
            if run not in LEADING_FUNCTION_WORDS:
                n_runs += 1
                seen.append(run)
                if not run[1:].islower():  # see below
                    runs.append((m.start(), m.end(), (run,)))
            continue
        words = run.split()
        start = m.start()
        while words and words[0] in LEADING_FUNCTION_WORDS:  # "The Federal Election Commission"
            start = text.index(words[1], start + len(words[0])) if len(words) > 1 else m.end()
            words = words[1:]
        if not words:
            continue
        n_runs += 1
        seen.extend(words)
        # A lone word is a form of a name only if it has an inner capital (run together, or a
        # brand: see below).
        if len(words) > 1 or not words[0][1:].islower():
            runs.append((start, m.end(), tuple(words)))  # (tuples: fewer objects for the collector)
    if n_runs < 2:
        return []
    words_seen = Counter(seen)
    # Each form of a name -> its key; keys shared by two forms are one name written twice.
    forms: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)  # (key, form) -> uses
    keys: dict[str, set[str]] = defaultdict(set)

    def add(form: str, key: str, start: int, end: int) -> None:
        forms[key, form].append((start, end))
        keys[key].add(form)

    for start, end, words in runs:
        clean = words
        infos = [_FORM_WORDS.get(w) or _form_word(w) for w in words]
        # A word run together from capitalised halves ("YouTube") and its split form.
        if len(clean) == 2:
            add(" ".join(clean), "join:" + "".join(clean).lower(), start, end)
        for i, (w, (joined, _bare, _poss)) in enumerate(zip(words, infos)):
            if joined:
                ws = start + len(" ".join(words[:i])) + (1 if i else 0)
                add(w, "join:" + w.lower(), ws, ws + len(w))
        # An organisation of three words or more with an inner word singular or plural.
        if len(clean) >= 3 and not any("'" in w for w in clean):
            key = " ".join(w.lower()[:-1] if k < len(clean) - 1 and w.endswith("s") and len(w) > 4 else w.lower()
                           for k, w in enumerate(clean))
            add(" ".join(clean), "plural:" + key, start, end)
        # A brand's apostrophe: "McDonald's" where "McDonald" is never written alone.
        for i, (w, (_joined, bare, poss)) in enumerate(zip(words, infos)):
            if bare and words_seen.get(bare, 0) == 0 and (poss or words_seen.get(bare + "'s")):
                ws = start + len(" ".join(words[:i])) + (1 if i else 0)
                add(w, "apostrophe:" + bare.lower(), ws, ws + len(w))
    hits: list[Hit] = []
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
                alone = words_seen.get(tail, 0) > len(forms.get((key, split), ()))
                deliberate = (" " in form) == alone
            return (-len(forms[key, form]), not deliberate, forms[key, form][0][0])

        ranked = sorted(group, key=rank)
        best = ranked[0]
        for form in ranked[1:]:
            for start, end in forms[key, form]:
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


def check_house(mentions: list[Mention], house: HouseNames, text: str):
    matched_entries: set[int] = set()
    singles: list[Unit] = []
    hits: list[Hit] = []
    house.ensure()
    for m in mentions:
        if m.title:
            continue
        if len(m.units) == 1:  # most names are one word (a name never starts with a particle)
            if m.units[0].role == "word":
                singles.append(m.units[0])
            continue
        units = [u for u in m.units if not (u.role == "particle" and not u.key)]
        # keys of units: articles dropped
        n = len(units)
        covered = [False] * n
        if n == 1:
            if units[0].role == "word":
                singles.append(units[0])
            continue
        for size in range(min(n, 5), 1, -1):
            for a in range(0, n - size + 1):
                if any(covered[a : a + size]):
                    continue
                window = units[a : a + size]
                if window[0].role == "particle" or window[-1].role == "particle":
                    continue
                keys = tuple([u.key for u in window])
                entry = house.lookup(keys)
                if entry is None:
                    for cand, i in house.near(keys):
                        u = window[i]
                        if u.role == "word" and slip(u.key, cand.keys[i]) and not house.is_house_word(u.surface):
                            entry = cand
                            break
                if entry is None:
                    continue
                for k in range(a, a + size):
                    covered[k] = True
                matched_entries.add(id(entry))
                start, end = window[0].start, window[-1].end
                written = text[start:end]
                # Accents are a spelling the house may not carry (wire copy drops them):
                # "Peña" is not a misspelling of "Pena".
                if strip_accents(_norm_span(written)) != strip_accents(_norm_span(entry.canonical)):
                    hits.append(Hit(start, end, (entry.canonical,), None, (("term", entry.canonical),)))
    # Most words are neither a listed variant nor a listed surname's key.
    variants, surnames = house.variant_words, house.surnames
    for u in singles:
        if len(u.key) < 4 or not (u.key in variants or u.key in surnames):
            continue
        entry = house.variant_word(u.key)
        if entry is not None:
            surname = entry.words[-1]
            if u.bare != bare_surface(surname):
                hits.append(Hit(u.start, u.end, (surname,), None, (("term", entry.canonical),)))
            continue
        spellings = house.surname_spellings(u.key)
        if not spellings or u.bare in spellings:
            continue
        if house.is_house_word(u.surface):
            continue
        entries = {id(e): e for e in spellings.values()}
        # A one-word listed name (Hezbollah) is checked wherever it appears; a surname on its
        # own only when the story also names the person in full.
        in_story = [e for k, e in entries.items() if k in matched_entries or len(e.keys) == 1]
        if in_story:
            entry = in_story[0] if in_story else next(iter(entries.values()))
            surname = entry.words[-1]
            hits.append(Hit(u.start, u.end, (surname,), None, (("term", entry.canonical),)))
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


def _contradicts(minor: list[Unit], major: list[Unit], slip_pair: bool = False) -> bool:
    """True when the words around two spellings show they belong to different people:
    a neighbouring name word of the rarer spelling never sits next to the common one, which
    has other neighbours of the same sort there (Michele Bachmann, Michelle Obama; M Horan,
    S Horgan); or the common one is a given name (always followed by a surname) and the
    rarer a word used on its own (Giorgia Meloni, Georgia; Mitt Romney, Meet the Press)."""
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
            given_like = 2 * sum(u.next is not None for u in major) > len(major)
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


def _plain(spelling: str) -> str:
    """A spelling without accents or hyphens (cached: names recur)."""
    plain = _PLAINS.get(spelling)
    if plain is None:
        plain = strip_accents(spelling).replace("-", "")
        if len(_PLAINS) < 200_000:
            _PLAINS[spelling] = plain
    return plain


def check_document(mentions: list[Mention], house: HouseNames | None):
    hits: dict[tuple[int, int], Hit] = {}

    def is_house(surface: str) -> bool:
        return house is not None and len(house) > 0 and house.is_house_word(surface)

    house_surfaces = house.ensure().house_surfaces if house is not None and len(house) else None

    # 1. Whole names spelt differently: Kim Jong Un / Kim Jong-un, Bashar Assad / Bashar al-Assad.
    by_compact: dict[str, dict[str, list[Mention]]] = defaultdict(lambda: defaultdict(list))
    for m in mentions:
        if len(m.units) < 2:
            continue
        words = [u for u in m.units if u.role == "word"]
        if len(words) < 2:
            continue
        keys = "".join(u.key for u in m.units if u.key)
        surface = _norm_span(" ".join(u.surface for u in m.units))
        by_compact[keys][surface].append(m)
    for keys, forms in by_compact.items():
        if len(forms) < 2:
            continue
        ranked = sorted(forms.items(), key=lambda kv: (-len(kv[1]), kv[1][0].units[0].start))
        best_surface, best = ranked[0]
        suggestion = " ".join(u.surface for u in best[0].units)
        for surface, ms in ranked[1:]:
            if len(ms) > len(best):
                continue
            if house is not None and len(house):
                entry = house.lookup(tuple(u.key for u in ms[0].units if u.key))
                if entry is not None and _norm_span(entry.canonical) == surface:
                    continue  # the house spelling is never the one to change
            for m in ms:
                s, e = m.units[0].start, m.units[-1].end
                hits[(s, e)] = Hit(s, e, (suggestion,), None, (("term", suggestion),))

    # 2. Single name words: the same key spelt two ways, or one slip apart.
    by_key: dict[str, dict[str, list[Unit]]] = defaultdict(lambda: defaultdict(list))
    counts: dict[str, int] = defaultdict(int)  # key -> uses
    for m in mentions:
        for u in m.units:
            if u.role == "word" and len(u.key) >= 3 and u.surface.replace("-", "").isalpha():
                by_key[u.key][u.bare].append(u)
                counts[u.key] += 1

    def first(units):
        return min(x.start for x in units)

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

    for key, forms in by_key.items():
        if len(forms) < 2:
            continue
        ranked = sorted(forms.items(), key=lambda kv: (-len(kv[1]), first(kv[1])))
        best_surface, best_units = ranked[0]
        for surface, units in ranked[1:]:
            if len(units) > 2 or len(units) > len(best_units):
                continue
            if is_house(surface) or _contradicts(units, best_units):
                continue
            flag(units, best_units[0].surface)

    # 3. Slips: a spelling used once or twice (the minor) one slip from a spelling used at
    # least twice and twice as often (the major). Spellings that cannot take either part are
    # left out first; the rest meet through indexes, never by comparing every pair.
    def units_of(k: str) -> list[Unit]:
        return [u for us in by_key[k].values() for u in us]

    majors = [
        k for k, c in counts.items()
        if c >= 2 and not all(u.title for u in units_of(k))  # titles are matched by key only (Pryce is not Prince)
    ]

    def may_slip(k: str) -> bool:
        """Whether a minor may be a slip at all (whatever the major)."""
        if len(k) < 6 and all(u.initial for u in units_of(k)):
            return False  # a short capitalised word starting a sentence may be any word (Spin/Spain)
        return not (house_surfaces and any(b in house_surfaces for b in by_key[k]))  # is_house of each use

    # Slips are looked for among the keys and among the plain spellings (accents and case
    # dropped), since a slip can make a key move twice (Ireland -> Ieeland).
    plains: dict[str, set[str]] = {}

    def spellings(k: str) -> list[str]:
        """The key and plain spellings of ``k`` long enough for a slip (four letters)."""
        forms = by_key[k]
        if len(forms) == 1:
            plain = _plain(next(iter(forms)))
            plains[k] = {plain}
            return [f for f in ((k,) if plain == k else (k, plain)) if len(f) >= 4]
        plain = plains[k] = {_plain(f) for f in forms}
        return [f for f in {k} | plain if len(f) >= 4]

    # Two words one slip apart share their first letter, and their length and last letter
    # (a letter changed, added or dropped inside, or two swapped inside) or their length and
    # each other's last two letters (the last two swapped); and they share a one-letter
    # deletion. The majors are indexed by the former; those a minor finds there are indexed
    # by their deletions (once), in which the minor's are looked up.
    ends: dict[tuple[str, str, int], list[tuple[str, str]]] = defaultdict(list)  # (first, last, length)
    swaps: dict[tuple[str, str, int], list[tuple[str, str]]] = defaultdict(list)  # (first, before last, length)
    for k in majors:
        for f in spellings(k):
            ends[f[0], f[-1], len(f)].append((k, f))
            swaps[f[0], f[-2], len(f)].append((k, f))
    index: dict[str, set[str]] = defaultdict(set)  # deletion -> majors
    indexed: set[tuple[str, str]] = set()
    candidates: set[tuple[str, str]] = set()  # (minor, major)
    for k, c in counts.items() if ends else ():
        if c > 2:
            continue
        checked = False
        for f in spellings(k):
            head, last, size = f[0], f[-1], len(f)
            near = [
                (major, q)
                for major, q in ends.get((head, last, size), []) + ends.get((head, last, size - 1), [])
                + ends.get((head, last, size + 1), []) + swaps.get((head, last, size), [])
                if counts[major] >= 2 * c
            ]
            if not near:
                continue
            if not checked:
                if not may_slip(k):
                    break
                checked = True
            for major, q in near:
                if (major, q) not in indexed:
                    indexed.add((major, q))
                    for d in _deletes(q):
                        index[d].add(major)
            for d in _deletes(f):
                for major in index.get(d, ()):
                    if counts[major] >= 2 * c:
                        candidates.add((k, major))
    # A spelling one slip from two others gets the suggestion of the first pair tried, so
    # the pairs are tried in an order that depends on the text alone (never on the order a
    # set happens to iterate in, which changes from run to run): the most used spelling
    # first, then the one that comes first in the story.
    firsts = {k: min(u.start for u in units_of(k)) for pair in candidates for k in pair}

    def strength(pair: tuple[str, str]) -> tuple:
        minor, major = pair
        return (-counts[major], firsts[major], firsts[minor], major, minor)

    for minor, major in sorted(candidates, key=strength):
        cM = counts[major]
        pairs = [(minor, major)] + [(p, q) for p in plains[minor] for q in plains[major]]
        if not any(slip(p, q, 5) for p, q in pairs):
            # Four-letter names need more evidence: the common spelling used 3 times,
            # and one slip as written, not only between keys (Royce is not Rice).
            plain_pairs = [(p, q) for p in plains[minor] for q in plains[major]]
            if cM < 3 or not any(slip(p, q, 4) for p, q in plain_pairs):
                continue
        minor_units = units_of(minor)
        major_units = units_of(major)
        if _contradicts(minor_units, major_units, slip_pair=True):
            continue
        major_forms = sorted(by_key[major].items(), key=lambda kv: (-len(kv[1]), first(kv[1])))
        flag(minor_units, major_forms[0][1][0].surface)
    return sorted(hits.values(), key=lambda h: h.start)
