"""The player's services, made once per app by `create_app` and reached through `services()`: one typed
object instead of string keys in `app.extensions`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask import Flask, current_app

if TYPE_CHECKING:
    from player.library.approvals import PendingInstalls
    from player.library.bundles import Library
    from player.library.trust import TrustStore
    from player.paths import DataPaths
    from player.progress.summary import ProgressBook
    from player.progress.visits import Visits
    from player.quizzes.submit import AttemptBook
    from player.results.runner import SyncRunner
    from player.results.source import StatementSource
    from player.search.index import SearchIndex
    from player.store import Store
    from player.web.online import OnlineCheck

EXTENSION_KEY = "tramhoc"


@dataclass
class Services:
    """Everything the views share: the data folder's layout and the objects that own its files."""

    paths: DataPaths
    store: Store                  # learners, their statements, the centre settings
    trust: TrustStore             # the publisher keys this player trusts
    library: Library              # installed courses
    approvals: PendingInstalls    # uploaded course files waiting for the admin
    progress: ProgressBook        # each learner's progress, summarised from their statements
    visits: Visits                # open lesson pages, for the time spent
    attempts: AttemptBook         # quiz submits in progress and recently recorded attempts
    statements: StatementSource   # what export and sync read (a test may put another source here)
    sync: SyncRunner              # "Sync now" in the background
    search: SearchIndex           # the installed courses' words, for the search page
    online: OnlineCheck           # whether this PC seems online, before a learner follows a link out


def attach(app: Flask, made: Services) -> None:
    app.extensions[EXTENSION_KEY] = made


def services(app: Flask | None = None) -> Services:
    """The services of `app`, or of the app handling the current request."""
    return (app or current_app).extensions[EXTENSION_KEY]
