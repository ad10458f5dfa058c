"""Messages about a course's content (a question without a right answer, a title with hidden characters), in
English, keeping what a translation needs.

A `Message` is the English text itself (a `str`, so callers, tests and BundleError details read English), and
it keeps its msgid and parameters: the builder shows it in the trainer's language (builder.i18n.translate;
babel-builder.cfg extracts the msgids marked `N_` here into the builder's catalog). The player shows these
only as the English technical detail under its own translated sentence (player.web.errors.bundle_problem).
"""


def N_(msgid: str) -> str:
    """Mark an English message for the builder's catalog; `Message` carries it to where it is shown."""
    return msgid


class Message(str):
    """An English message (`msgid % params`, or the msgid as it is without params), with its msgid and params."""

    msgid: str
    params: dict

    def __new__(cls, msgid: str, **params):
        message = super().__new__(cls, msgid % params if params else msgid)
        message.msgid, message.params = msgid, params
        return message

    def __reduce__(self):
        return _message, (self.msgid, self.params)

    def translated(self, gettext) -> str:
        """The message through `gettext` (msgid -> text in some language), its Message parameters too."""
        params = {name: value.translated(gettext) if isinstance(value, Message) else value
                  for name, value in self.params.items()}
        text = gettext(self.msgid)
        return text % params if params else text


def _message(msgid: str, params: dict) -> Message:
    return Message(msgid, **params)
