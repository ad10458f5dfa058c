"""Search across the installed courses: every lesson and every glossary entry (a term of a definition
list) in one SQLite FTS5 index in the data folder, kept in step with the library at each search.

Each entry is indexed twice per word (player.search.folding): by its key, which keeps every mark, and by
its folded form. A query matches either; matching the key weighs far more, so the words written as the
learner wrote them (`công`) come before those that only fold alike (`cổng`, `cộng`). Several words are a
phrase. The index is derived data: a damaged one is deleted and built again.
"""

import hashlib
import sqlite3
import threading
import weakref
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser
from itertools import islice, product
from pathlib import Path

from markupsafe import Markup

from courses import Bundle, Course
from courses.members import lesson_member
from player.search.folding import WORD, Term, fold, key, typed_terms, words
from player.web.sanitise import marked

SCHEMA = """
CREATE VIRTUAL TABLE IF NOT EXISTS entries USING fts5(
    title_keys, title_folded, body_keys, body_folded,
    course_id UNINDEXED, lesson_id UNINDEXED, kind UNINDEXED, title UNINDEXED, body UNINDEXED,
    tokenize = 'unicode61 remove_diacritics 0');
CREATE TABLE IF NOT EXISTS courses (course_id TEXT PRIMARY KEY, stamp TEXT NOT NULL);
"""
WEIGHTS = (20.0, 2.0, 10.0, 1.0)  # title_keys, title_folded, body_keys, body_folded: marks as written first
MAX_QUERY_WORDS = 8
RESULTS = 10  # on one page: an old PC renders them at once, a learner reads them
MAX_PHRASES = 16
SNIPPET_WORDS = 24
BLOCKS = {"p", "li", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "tr", "figcaption", "blockquote",
          "pre", "br", "div", "section"}


@dataclass(frozen=True)
class Hit:
    """One result: a lesson, or a glossary entry in a lesson, with its words around the match marked."""

    course_id: str
    lesson_id: str
    kind: str  # "lesson" or "glossary"
    title: Markup  # the words found marked
    snippet: Markup


class SearchIndex:
    """The index of one data folder: one writer at a time, a connection per thread."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._local = threading.local()
        self._write = threading.Lock()

    def search(self, library, query: str, limit: int = RESULTS, leave_out: frozenset[str] = frozenset()) -> list[Hit]:
        """The best entries for a query, over the courses installed now but those in `leave_out`."""
        phrases = query_phrases(query)
        if not phrases:
            return []
        self.update(library)
        match = " OR ".join(phrases)
        left_out = ", ".join("?" * len(leave_out))
        rows = self._db().execute(
            "SELECT course_id, lesson_id, kind, title, title_folded, body, body_folded FROM entries "
            f"WHERE entries MATCH ? AND course_id NOT IN ({left_out}) "
            f"ORDER BY bm25(entries, {', '.join(map(str, WEIGHTS))}) LIMIT ?",
            (match, *sorted(leave_out), limit)).fetchall()
        wanted = [{term.folded for term in terms} for terms in _query_terms(query)]
        hits, terms_seen = [], set()
        for course_id, lesson_id, kind, title, title_folded, body, body_folded in rows:
            if kind == "glossary":  # a term explained alike in two lessons of a course is one result
                if (course_id, title, body) in terms_seen:
                    continue
                terms_seen.add((course_id, title, body))
            hits.append(Hit(course_id, lesson_id, kind, snippet(title, title_folded, wanted, len(title)),
                            snippet(body, body_folded, wanted)))
        return hits

    def update(self, library) -> None:
        """Index the courses installed since the last look, and forget the removed ones."""
        installed = {course.id: course for course in library.courses()}
        stamps = {course_id: _stamp(library.bundle(course_id)) for course_id in installed}
        known = dict(self._db().execute("SELECT course_id, stamp FROM courses").fetchall())
        if known == stamps:
            return
        with self._write:
            db = self._db()
            known = dict(db.execute("SELECT course_id, stamp FROM courses").fetchall())
            with db:
                for course_id in set(known) - set(stamps):
                    self._forget(db, course_id)
                for course_id, stamp in stamps.items():
                    if known.get(course_id) != stamp:
                        self._forget(db, course_id)
                        db.executemany("INSERT INTO entries VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                       _entries(installed[course_id], library.bundle(course_id)))
                        db.execute("INSERT INTO courses VALUES (?, ?)", (course_id, stamp))

    @staticmethod
    def _forget(db, course_id: str) -> None:
        db.execute("DELETE FROM entries WHERE course_id = ?", (course_id,))
        db.execute("DELETE FROM courses WHERE course_id = ?", (course_id,))

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = self._open()
        return db

    def _open(self) -> sqlite3.Connection:
        for _ in range(2):
            db = sqlite3.connect(self.path, timeout=10)
            try:
                db.execute("PRAGMA journal_mode=WAL")
                db.executescript(SCHEMA)
                db.execute("SELECT count(*) FROM courses").fetchone()
                return db
            except sqlite3.DatabaseError:  # damaged: it is only an index, build it again
                db.close()
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        raise sqlite3.DatabaseError(f"{self.path}: the search index cannot be made")


def query_phrases(query: str) -> list[str]:
    """The FTS5 query for what a learner typed: each reading of the words, as a phrase of keys and as a
    phrase of folded words (tokens are letters and digits only, so nothing in a query is syntax)."""
    terms = _query_terms(query)
    if not terms:
        return []
    readings = list(islice(product(*[sorted(options, key=lambda term: term.key) for options in terms]),
                           MAX_PHRASES))
    keys = {" ".join(term.key for term in reading) for reading in readings}
    folded = {" ".join(term.folded for term in reading) for reading in readings}
    return ([f'{{title_keys body_keys}} : "{phrase}"' for phrase in sorted(keys)]
            + [f'{{title_folded body_folded}} : "{phrase}"' for phrase in sorted(folded)])


def _query_terms(query: str) -> list[set[Term]]:
    return [typed_terms(word) for word in words(query)[:MAX_QUERY_WORDS]]


def snippet(text: str, folded: str, wanted: list[set[str]], length: int = SNIPPET_WORDS) -> Markup:
    """About `length` words of `text` (punctuation kept) around the first place the query's words stand in a
    row, those words marked; `folded` is the text's words folded, as indexed (one for one)."""
    tokens, size = folded.split(), len(wanted)
    start = next((index for index, token in enumerate(tokens) if token in wanted[0]
                  and all(index + offset < len(tokens) and tokens[index + offset] in wanted[offset]
                          for offset in range(1, size))), None)
    first = 0 if start is None else max(0, start - length // 3)
    spans = [match.span() for match in islice(WORD.finditer(text), first, first + length + 1)]
    if not spans:
        return marked("", [])
    found = spans[start - first:start - first + size] if start is not None else []
    cut = len(spans) > length
    return marked(text, found, spans[0][0], spans[length - 1][1] if cut else len(text),
                  "… " if first else "", " …" if cut else "")


@lru_cache(maxsize=65536)
def _fold(word: str) -> str:
    return fold(word)


@lru_cache(maxsize=65536)
def _key(word: str) -> str:
    return key(word)


def _columns(text: str) -> tuple[str, str]:
    """A text's words as keys and as folded words, each a space-separated column."""
    found = words(text)
    return " ".join(_key(word) for word in found), " ".join(_fold(word) for word in found)


def _entry(course: Course, lesson_id: str, kind: str, title: str, body: str) -> tuple:
    return (*_columns(title), *_columns(body), course.id, lesson_id, kind, title, body)


def _entries(course: Course, bundle: Bundle):
    """A course's lessons and the terms of their glossaries, as rows of the index."""
    for lesson in course.lessons:
        text = _LessonText()
        text.feed(bundle.read(lesson_member(lesson.id)).decode("utf-8", errors="replace"))
        text.close()
        yield _entry(course, lesson.id, "lesson", lesson.title, " ".join(text.parts))
        for term, meaning in text.terms:
            yield _entry(course, lesson.id, "glossary", term, meaning)


def _stamp(bundle: Bundle) -> str:
    """Changes whenever the course's lessons or titles change (a new version installed); worked out once
    per open bundle."""
    with _stamps_guard:
        found = _stamps.get(bundle)
    if found is None:
        found = _stamp_of(bundle)
        with _stamps_guard:
            _stamps[bundle] = found
    return found


_stamps: "weakref.WeakKeyDictionary[Bundle, str]" = weakref.WeakKeyDictionary()
_stamps_guard = threading.Lock()


def _stamp_of(bundle: Bundle) -> str:
    digest = hashlib.sha256(bundle.course.version.encode())
    for name in sorted(bundle.manifest.files):
        if name.startswith("lessons/"):
            digest.update(f"{name}\0{bundle.manifest.files[name].sha256}\0".encode())
    digest.update("\0".join(lesson.title for lesson in bundle.course.lessons).encode())
    return digest.hexdigest()


class _LessonText(HTMLParser):
    """A lesson's text (blocks kept apart), and each glossary term (<dt>) with its meaning (<dd>)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.terms: list[tuple[str, str]] = []
        self._in, self._current = None, []

    def handle_starttag(self, tag, attrs):
        if tag in ("dt", "dd"):
            self._finish_term_part()
            self._in = tag
        if tag in BLOCKS:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in ("dt", "dd", "dl"):
            self._finish_term_part()
        if tag in BLOCKS:
            self.parts.append(" ")

    def handle_data(self, data):
        self.parts.append(data)
        if self._in:
            self._current.append(data)

    def _finish_term_part(self):
        text = " ".join("".join(self._current).split())
        if self._in == "dt" and text:
            self.terms.append((text, ""))
        elif self._in == "dd" and text and self.terms and not self.terms[-1][1]:
            self.terms[-1] = (self.terms[-1][0], text)
        self._in, self._current = None, []
