"""YAML loading that keeps line numbers, for `path:line` errors in course.yml and front matter."""

import yaml

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TextLoader = getattr(yaml, "CBaseLoader", yaml.BaseLoader)  # every value a text: 0912…, 05/09, có stay as written


class YamlError(Exception):
    """Unparseable YAML, with the 1-based line where the parser stopped."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line


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
        mark = error.problem_mark or error.context_mark
        raise YamlError(first_line + (mark.line if mark else 0), _describe(error)) from None
    except yaml.YAMLError as error:
        raise YamlError(first_line, str(error).splitlines()[0]) from None
    finally:
        loader.dispose()
    return Located(node, data, first_line)


def _refuse_aliases(text: str, first_line: int) -> None:
    try:
        for token in yaml.scan(text, Loader=_Loader):
            if isinstance(token, (yaml.AnchorToken, yaml.AliasToken)):
                raise YamlError(first_line + token.start_mark.line, "YAML anchors and aliases (&, *) are not "
                                "allowed: write each value out where it is used")
    except yaml.YAMLError:
        return  # load_yaml reports it, with its line


def _child(node, step):
    if isinstance(node, yaml.MappingNode) and isinstance(step, str):
        return next((value for key, value in node.value if key.value == step), None)
    if isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
        return node.value[step]
    return None


def _describe(error: yaml.MarkedYAMLError) -> str:
    parts = [part for part in (error.context, error.problem) if part]
    return "invalid YAML: " + ", ".join(parts)
