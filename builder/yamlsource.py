"""YAML loading that keeps line numbers, for `path:line` errors in course.yml and front matter."""

import yaml

from builder.i18n import N_, _

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TextLoader = getattr(yaml, "CBaseLoader", yaml.BaseLoader)  # every value a text: 0912…, 05/09, có stay as written


class YamlError(Exception):
    """Unparseable YAML, with the 1-based line where the parser stopped."""

    def __init__(self, line: int, message: str, kind: str = ""):
        super().__init__(message)
        self.line, self.kind = line, kind


class Located:
    """A parsed YAML mapping plus the line of every key and list item in it."""

    def __init__(self, node: yaml.Node | None, data, first_line: int):
        self.node, self.data, self.first_line = node, data, first_line

    def line(self, *path) -> int:
        """Line of the value at path (keys and list indexes); the nearest known line otherwise."""
        node = self.node
        line = node.start_mark.line if node is not None else 0
        for step in path:
            child = _child(node, step)
            if child is None:
                break
            node = child
            line = node.start_mark.line
        return self.first_line + line

    def duplicate_keys(self) -> list[tuple[str, int]]:
        """Keys given twice in the top-level mapping (YAML keeps only the last silently)."""
        seen, duplicates = set(), []
        for key, _ in getattr(self.node, "value", []) if isinstance(self.node, yaml.MappingNode) else []:
            if key.value in seen:
                duplicates.append((key.value, self.first_line + key.start_mark.line))
            seen.add(key.value)
        return duplicates


def load_yaml(text: str, first_line: int = 1, texts_only: bool = False) -> Located:
    """Parse one YAML document; lines are reported relative to first_line. With texts_only, every value is
    a string (no numbers, dates or booleans guessed from how it looks). Anchors and aliases are refused
    before anything is built: a few lines of them expand to billions of values ("billion laughs")."""
    _refuse_aliases(text, first_line)
    loader = (_TextLoader if texts_only else _Loader)(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        line, kind, message = _describe(error)
        raise YamlError(first_line + line, message, kind) from None
    except yaml.YAMLError as error:
        raise YamlError(first_line, str(error).splitlines()[0]) from None
    finally:
        loader.dispose()
    return Located(node, data, first_line)


def _refuse_aliases(text: str, first_line: int) -> None:
    try:
        for token in yaml.scan(text, Loader=_Loader):
            if isinstance(token, (yaml.AnchorToken, yaml.AliasToken)):
                raise YamlError(first_line + token.start_mark.line, _("YAML anchors and aliases (&, *) are not "
                                                                    "allowed: write each value out where it is used"))
    except yaml.YAMLError:
        return  # load_yaml reports it, with its line


def _child(node, step):
    if isinstance(node, yaml.MappingNode) and isinstance(step, str):
        return next((value for key, value in node.value if key.value == step), None)
    if isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
        return node.value[step]
    return None


_INDENT = N_("this line is not lined up with the lines above it: indent the fields of a group equally, with spaces")
# PyYAML's common errors in plain words: (kind, words in its context or problem, mark to report, message).
_PLAIN = (
    ("quote", "quoted scalar", "context",
     N_("a quote (\" or ') opened on this line is never closed: add the closing quote")),
    ("bracket", "flow sequence", "context",
     N_("a '[' on this line is never closed: put a text that starts with [ in quotes")),
    ("bracket", "flow mapping", "context",
     N_("a '{' on this line is never closed: put a text that starts with { in quotes")),
    ("tab", "tab character", "problem", N_("a tab character: indent with spaces, not tabs")),
    ("tab", "cannot start any token", "problem",
     N_("a tab, @ or ` where a value starts: indent with spaces, and put a text that starts with @ or ` in quotes")),
    ("colon", "mapping values are not allowed", "problem",
     N_("a second ': ' on this line, or a line indented more than the one above: put a text that contains ': ' "
        "in quotes, and line the fields up one under the other")),
    ("colon", "could not find expected ':'", "context", N_("this line has no ':' after its name: write 'name: value'")),
    ("indent", "expected <block end>", "problem", _INDENT),
    ("indent", "did not find expected key", "problem", _INDENT),
)


def _describe(error: yaml.MarkedYAMLError) -> tuple[int, str, str]:
    """(0-based line, kind, message) for a YAML error: at the line where the mistake is, in plain words."""
    said = f"{error.context or ''} {error.problem or ''}"
    for kind, words, where, message in _PLAIN:
        mark = error.context_mark if where == "context" else error.problem_mark
        if words in said and mark is not None:
            return mark.line, kind, _(message)
    mark = error.problem_mark or error.context_mark
    parts = [part for part in (error.context, error.problem) if part]
    return (mark.line if mark else 0), "", _("invalid YAML: %(problem)s") % {"problem": ", ".join(parts)}
