"""The report's class tables: each class (from the exports' headers, merged by class id) and each of its
courses with its learners enrolled, started, finished and passed, the average pre-test, post-test and gain,
attendance by local date, each question right before and after; and for the period, the same per centre.

A class is held in the period (`since`, `until`: `YYYY-MM-DD`, either open) when its days meet it. Its
learners are the ids its newest export from each computer lists, on that computer. Averages are over the
learners who have the figure (gain: both tests). Shares and gains are exact; see player.results.tables.
A class known only from its learners' statements (read from an LRS: player.results.seen_classes) has no
trainer, place or days, its learners are those seen in it, and its "enrolled" figures are unknown (None).
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import tzinfo

from player.results.figures import Figures, LearnerCourse, parse_timestamp
from player.results.gains import POST, PRE, PrePost, mean, question_counts
from player.results.merge import FileRead
from player.results.resultsfile import ClassRecord
from player.results.tables import Column, Naming, Table, learner_id, share, short_id
from player.search.folding import alphabetical
from player.web.i18n import N_
from player.xapi import vocabulary as xapi

_CLASS = (("class_id", N_("Class id"), "text", False), ("class", N_("Class"), "text"),
          ("centre", N_("Centre"), "text"))
_FIGURES = (("enrolled", N_("Learners enrolled"), "count"), ("started", N_("Started"), "count"),
            ("finished", N_("Finished"), "count"), ("passed", N_("Passed"), "count"),
            ("pre", N_("Average pre-test"), "share"), ("post", N_("Average post-test"), "share"),
            ("gain", N_("Average gain (points)"), "gain"))
CLASS_COLUMNS = tuple(Column(*spec) for spec in (
    *_CLASS, ("trainer", N_("Trainer"), "text"), ("place", N_("Place"), "text"), ("start", N_("First day"), "text"),
    ("end", N_("Last day"), "text"), ("course", N_("Course"), "text"), *_FIGURES))
CLASS_LEARNER_COLUMNS = tuple(Column(*spec) for spec in (
    *_CLASS, ("course", N_("Course"), "text"), ("learner", N_("Learner"), "text"),
    ("learner_id", N_("Learner id"), "text", False), ("started", N_("Started"), "yesno"),
    ("finished", N_("Finished"), "yesno"), ("passed", N_("Passed"), "yesno"), ("pre", N_("Pre-test"), "share"),
    ("post", N_("Post-test"), "share"), ("gain", N_("Gain (points)"), "gain")))
ATTENDANCE_COLUMNS = tuple(Column(*spec) for spec in (
    *_CLASS, ("date", N_("Date"), "text"), ("learners", N_("Learners active"), "count"),
    ("enrolled", N_("Learners enrolled"), "count")))
CLASS_QUESTION_COLUMNS = tuple(Column(*spec) for spec in (
    *_CLASS, ("course", N_("Course"), "text"), ("question_id", N_("Question id"), "text", False),
    ("question", N_("Question"), "text"), ("before_answers", N_("Answers in the pre-test"), "count"),
    ("before", N_("Right before (pre-test)"), "share"), ("after_answers", N_("Answers in the post-test"), "count"),
    ("after", N_("Right after (post-test)"), "share")))
PERIOD_COLUMNS = tuple(Column(*spec) for spec in (
    ("centre", N_("Centre"), "text"), ("classes", N_("Classes held"), "count"), *_FIGURES))
TOTAL = N_("All centres")


@dataclass(frozen=True)
class HeldClass:
    """A class as the exports tell it: its newest record, its centre, its learners (computer, learner id) and
    the names its exports give them; `enrolment_known` False when only its learners' statements tell it."""

    record: ClassRecord
    centre: str
    learners: tuple[tuple[str, str], ...]
    names: Mapping[tuple[str, str], str] = field(default_factory=dict)
    enrolment_known: bool = True


def header_classes(files: list[FileRead]) -> list[tuple[str, str, ClassRecord]]:
    """(exported at, computer, record) of every class in the files' headers."""
    return [(item.header.exported_at, item.header.device_id, record) for item in files
            for record in item.header.classes]


def held_classes(versions: Iterable[tuple[str, str, ClassRecord]], figures: Figures, naming: Naming,
                 since: str | None = None, until: str | None = None,
                 enrolment_known: bool = True) -> list[HeldClass]:
    """The classes of `versions` ((exported at, computer, record): header_classes, or SeenClasses.versions)
    held in the period, merged by id, by centre and start."""
    newest: dict[tuple[str, str], tuple[str, ClassRecord]] = {}  # (class id, computer) -> (exported at, record)
    for exported_at, device, record in versions:
        key = (record.id, device)
        if key not in newest or exported_at > newest[key][0]:
            newest[key] = (exported_at, record)
    by_id: dict[str, list[tuple[str, str, ClassRecord]]] = defaultdict(list)
    for (class_id, device), (exported_at, record) in newest.items():
        by_id[class_id].append((exported_at, device, record))
    found = []
    for versions in by_id.values():
        _, device, record = max(versions, key=lambda version: (version[0], version[1]))
        if (until and record.start and record.start > until) or (since and record.end and record.end < since):
            continue
        learners = sorted({(where, learner) for _, where, kept in versions for learner in kept.learners})
        names = {(where, learner): name for _, where, kept in versions for learner, name in kept.names}
        found.append(HeldClass(record, naming.centre(figures, device), tuple(learners), names, enrolment_known))
    return sorted(found, key=lambda held: (held.centre, held.record.start, held.record.name, held.record.id))


class ClassFigures:
    """Each held class's learners in each of its courses, looked up in the figures."""

    def __init__(self, figures: Figures, naming: Naming, zone: tzinfo, total: str):
        """`total` names the period table's last row, all centres together."""
        self.figures, self.naming, self.zone, self.total = figures, naming, zone, total
        self.index = {(learner.device_id, learner_id(learner.account)): number
                      for number, learner in enumerate(figures.learners)
                      if learner.account.startswith(f"account:{xapi.ACCOUNT_HOME}|")}
        self.courses = {course: naming.pick(named.names, short_id(course)) for course, named in figures.courses.items()}
        self._dates: dict[str, str] = {}

    def tables(self, classes: list[HeldClass]) -> list[Table]:
        rows = {name: [] for name in ("classes", "class_learners", "class_attendance", "class_questions")}
        enrolled: dict[str, dict[tuple, LearnerCourse | None]] = {}  # centre -> (learner, course) -> pair
        for held in classes:
            record, mine = held.record, enrolled.setdefault(held.centre, {})
            ident = {"class_id": record.id, "class": record.name, "centre": held.centre}
            for course in record.courses:
                iri = xapi.course_iri(course)
                name = self.courses.get(iri, course)
                pairs = {who: self.pair(who, iri) for who in held.learners}
                mine.update({(who, iri): pair for who, pair in pairs.items()})
                rows["classes"].append({**ident, "trainer": record.trainer, "place": record.place,
                                        "start": record.start, "end": record.end, "course": name,
                                        **figures_of(pairs.values(), held.enrolment_known)})
                rows["class_learners"] += [{**ident, "course": name,
                                            **self.learner_row(who, pair, held.names.get(who, ""))}
                                           for who, pair in pairs.items()]
                rows["class_questions"] += self.question_rows(ident, name, course, pairs.values())
            rows["class_attendance"] += self.attendance_rows(ident, held)
        rows["class_learners"].sort(key=lambda row: (row["centre"], row["class"], row["class_id"], row["course"],
                                                     alphabetical(row["learner"]), row["learner_id"]))
        return [Table("classes", N_("Classes"), CLASS_COLUMNS, rows["classes"]),
                Table("class_learners", N_("Learners of the classes"), CLASS_LEARNER_COLUMNS, rows["class_learners"]),
                Table("class_attendance", N_("Attendance by date"), ATTENDANCE_COLUMNS, rows["class_attendance"]),
                Table("class_questions", N_("Questions before and after"), CLASS_QUESTION_COLUMNS,
                      rows["class_questions"]),
                Table("class_centres", N_("Classes of the period by centre"), PERIOD_COLUMNS,
                      self.period_rows(classes, enrolled))]

    def period_rows(self, classes: list[HeldClass], enrolled: dict[str, dict]) -> list[dict]:
        """One row per centre, each learner counted once per course, then all centres together."""
        if not classes:
            return []
        held, known = defaultdict(int), defaultdict(lambda: True)
        for one in classes:
            held[one.centre] += 1
            known[one.centre] &= one.enrolment_known
        rows = [{"centre": centre, "classes": held[centre], **figures_of(enrolled[centre].values(), known[centre])}
                for centre in sorted(enrolled)]
        every = {key: pair for pairs in enrolled.values() for key, pair in pairs.items()}
        return rows + [{"centre": self.total, "classes": len(classes),
                        **figures_of(every.values(), all(known[centre] for centre in held))}]

    def pair(self, who: tuple[str, str], course: str) -> LearnerCourse | None:
        number = self.index.get(who)
        return None if number is None else self.figures.pairs.get((number, course))

    def learner_row(self, who: tuple[str, str], pair: LearnerCourse | None, listed: str) -> dict:
        """`listed`: the name the class's export gives, for a learner with no statement to be named by."""
        device, learner = who
        number = self.index.get(who)
        named = self.figures.learners[number].name if number is not None else ""
        name = self.naming.learner(device, learner, named or listed or learner[:8])
        gains = pair.tests if pair else PrePost()
        return {"learner": name, "learner_id": learner, "started": pair is not None,
                "finished": bool(pair and pair.completed_at), "passed": bool(pair and pair.passed),
                "pre": gains.pre, "post": gains.post, "gain": gains.gain}

    def question_rows(self, ident: dict, course_name: str, course_id: str, pairs) -> list[dict]:
        """Each question the learners answered in either test, those least often right after first."""
        counts = question_counts(pair.tests for pair in pairs if pair)
        rows = []
        for question_id, sides in counts.items():
            stats = self.figures.questions.get(xapi.question_iri(course_id, question_id))
            definition = (stats.definition if stats else None) or {}
            (right_before, before), (right_after, after) = sides[PRE], sides[POST]
            rows.append({**ident, "course": course_name, "question_id": question_id,
                         "question": self.naming.pick(definition.get("description") or definition.get("name"),
                                                      question_id),
                         "before_answers": before, "before": share(right_before, before),
                         "after_answers": after, "after": share(right_after, after)})
        return sorted(rows, key=lambda row: (row["after"] is None, row["after"] or 0, row["question_id"]))

    def attendance_rows(self, ident: dict, held: HeldClass) -> list[dict]:
        """Learners with a statement in the class's courses on each local date."""
        active: dict[str, set] = defaultdict(set)
        for who in held.learners:
            for course in held.record.courses:
                pair = self.pair(who, xapi.course_iri(course))
                for quarter in pair.quarters if pair else ():
                    active[self.local_date(quarter)].add(who)
        enrolled = len(held.learners) if held.enrolment_known else None
        return [{**ident, "date": day, "learners": len(learners), "enrolled": enrolled}
                for day, learners in sorted(active.items())]

    def local_date(self, quarter: str) -> str:
        if quarter not in self._dates:
            when = parse_timestamp(quarter)
            self._dates[quarter] = when.astimezone(self.zone).date().isoformat() if when else quarter[:10]
        return self._dates[quarter]


def figures_of(pairs, enrolment_known: bool = True) -> dict:
    """Enrolled (None unless `enrolment_known`), started, finished, passed and the averages, over learners'
    pairs (None: not started)."""
    pairs = list(pairs)
    started = [pair for pair in pairs if pair is not None]
    return {"enrolled": len(pairs) if enrolment_known else None, "started": len(started),
            "finished": sum(pair.completed_at is not None for pair in started),
            "passed": sum(bool(pair.passed) for pair in started),
            "pre": mean(pair.tests.pre for pair in started), "post": mean(pair.tests.post for pair in started),
            "gain": mean(pair.tests.gain for pair in started)}
