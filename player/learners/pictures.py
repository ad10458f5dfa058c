"""The picture code: three pictures picked in order from a grid, for learners who read poorly."""

from flask_babel import gettext

PICTURES = ("sun", "moon", "star", "tree", "flower", "fish", "house", "bird", "boat", "heart", "key",
            "umbrella")
CODE_LENGTH = 3


def picture_labels() -> dict[str, str]:
    """Each picture's name in the UI language (its alt text), in grid order."""
    return {
        "sun": gettext("sun"), "moon": gettext("moon"), "star": gettext("star"), "tree": gettext("tree"),
        "flower": gettext("flower"), "fish": gettext("fish"), "house": gettext("house"),
        "bird": gettext("bird"), "boat": gettext("boat"), "heart": gettext("heart"), "key": gettext("key"),
        "umbrella": gettext("umbrella"),
    }


def picture_code(form) -> str | None:
    """The code a form's `picture1`..`picture3` fields spell (`sun-fish-key`), or None if incomplete."""
    picked = [form.get(f"picture{number}", "") for number in range(1, CODE_LENGTH + 1)]
    if not all(name in PICTURES for name in picked):
        return None
    return "-".join(picked)
