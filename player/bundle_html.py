"""The one door through which HTML from a course bundle enters a page of the player, piece by piece."""

from markupsafe import Markup


def bundle_fragment(html: str) -> Markup:
    """An HTML fragment of a bundle (a question's text, a choice, a step, feedback, an explanation) as markup.

    The builder made it from the trainer's Markdown and the bundle's checksums prove it is unchanged, but a
    bundle can come from anyone: the lesson-HTML sanitiser plugs in here, so that every fragment the player
    inserts passes through it. Never pass a learner's input: that is text, and Jinja escapes it.
    """
    return Markup(html)
