"""Reading the player's pages in route tests."""

import re

ADMIN_PIN = "135790"  # what the tests set as the centre's admin PIN


def text(response) -> str:
    """A response's HTML with runs of white space folded to one space, for `in` checks."""
    return re.sub(r"\s+", " ", response.get_data(as_text=True))
