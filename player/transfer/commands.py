"""`python -m player learners export | import`: moving learners by file from the command line. `export` only
reads the data folder; `import` changes it (the CLI takes the folder's lock first)."""

import argparse
import sys
from pathlib import Path

NAME = "learners"
YES = ("y", "yes", "c", "co", "có")


def add_parsers(commands) -> None:
    learners = commands.add_parser(NAME, help="move learners to another player by file (e.g. on a USB stick)")
    actions = learners.add_subparsers(dest="learners_command", required=True)
    export = actions.add_parser("export", help="write learners (profile, PIN hash, progress, attempts) to a file")
    export.add_argument("-o", "--out", type=Path, required=True, metavar="FILE",
                        help="the learners file to write (a folder: a new file in it)")
    export.add_argument("--learner", action="append", default=[], metavar="ID",
                        help="a learner's id (repeatable; default: every learner)")
    imported = actions.add_parser("import", help="merge a learners file into this player (shows what it does first)")
    imported.add_argument("file", type=Path)
    imported.add_argument("--yes", action="store_true", help="import without asking")


def changes_the_folder(args: argparse.Namespace) -> bool:
    return args.learners_command == "import"


def run(made, args: argparse.Namespace, lang) -> int:
    """`learners export` or `learners import` over a player's services, messages in `lang`."""
    from player.web.errors import os_problem

    try:
        if args.learners_command == "export":
            return _export(made.store, args.out, args.learner, lang)
        return _import(made.store, args.file, args.yes, lang)
    except OSError as error:
        problem = os_problem(error)
        print(f"{error.filename or ''}: {problem.text(lang.gettext)} ({problem.detail})", file=sys.stderr)
        return 1


def _export(store, out: Path, chosen: list[str], lang) -> int:
    from player.transfer.moving import export_learners, write_learners

    learner_ids = chosen or [row["id"] for row in store.learners.learners()]
    unknown = [learner_id for learner_id in learner_ids if store.learners.profile(learner_id) is None]
    if unknown:
        print(lang.gettext("No learner with the id %(id)s here.", id=", ".join(unknown)), file=sys.stderr)
        return 1
    if out.is_dir():
        out = export_learners(store, learner_ids, out)
    elif out.exists():
        print(lang.gettext("%(file)s already exists: name another file.", file=out), file=sys.stderr)
        return 1
    else:
        write_learners(store, learner_ids, out)
    print(lang.ngettext("Wrote %(num)d learner to %(file)s", "Wrote %(num)d learners to %(file)s",
                        len(learner_ids), file=out))
    return 0


def _import(store, path: Path, yes: bool, lang) -> int:
    from player.transfer.learnerfile import LearnerFileError
    from player.transfer.moving import apply_import, plan_import

    try:
        plan = plan_import(store, path)
    except LearnerFileError as error:
        print(lang.gettext("%(file)s cannot be imported: %(reason)s. Nothing was imported.", file=path,
                           reason=error.problem.text(lang.gettext)), file=sys.stderr)
        return 1
    for line in preview(plan, lang):
        print(line)
    if not plan.changes_anything:
        return 0
    if not yes:
        try:
            answer = input(lang.gettext("Import these learners? [y/N] "))
        except EOFError:
            answer = ""
        if answer.strip().lower() not in YES:
            print(lang.gettext("Nothing was imported."))
            return 1
    apply_import(store, plan)
    print(lang.ngettext("Imported %(num)d result.", "Imported %(num)d results.", plan.statements))
    return 0


def preview(plan, lang) -> list[str]:
    """What importing the file does, one line per learner, as the admin page says it."""
    from player.transfer.moving import FIELD_LABELS

    source = plan.source
    origin = (lang.gettext("from another centre: “%(centre)s”", centre=source.centre) if plan.other_centre
              else lang.gettext("from this centre: “%(centre)s”", centre=source.centre))
    lines = [lang.ngettext("%(num)d learner, written on %(day)s, %(origin)s",
                           "%(num)d learners, written on %(day)s, %(origin)s", len(source.learners),
                           day=source.exported_at[:10], origin=origin)]
    for change in plan.changes:
        if change.new:
            what = lang.ngettext("new learner, %(num)d result", "new learner, %(num)d results",
                                 len(change.statements))
        elif not change.changes_anything:
            what = lang.gettext("nothing new")
        else:
            fields = ", ".join(lang.gettext(FIELD_LABELS[name]) for name in change.changed_fields)
            what = lang.ngettext("merged: %(num)d result to add", "merged: %(num)d results to add",
                                 len(change.statements))
            if fields:
                what += "; " + lang.gettext("changed: %(fields)s", fields=fields)
        if change.renamed_from:
            what += "; " + lang.gettext("another learner here is called “%(name)s”", name=change.renamed_from)
        lines.append(f"  {change.name} ({change.learner_id}): {what}")
    if not plan.changes_anything:
        lines.append(lang.gettext("Everything in this file is already on this computer: importing it would change "
                                  "nothing."))
    return lines
