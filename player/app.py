"""The Flask application factory: everything the player does, for the window, a browser and tests."""

from pathlib import Path

from flask import Flask

from player.admin import hiding as hiding_views
from player.admin import publishers as publisher_views
from player.admin import views as admin_views
from player.certificates import views as certificate_views
from player.classes import views as class_views
from player.lan import views as lan_views
from player.learners import sessions
from player.learners import views as learner_views
from player.lessons import leave as leave_views
from player.lessons import views as lesson_views
from player.library import views as library_views
from player.library.approvals import PendingInstalls
from player.library.bundles import Library
from player.library.trust import TrustStore
from player.paths import DataPaths, resolve_data_dir
from player.practice import views as practice_views
from player.progress import recorder
from player.progress import views as progress_views
from player.progress.summary import ProgressBook
from player.progress.visits import Visits
from player.quizzes import views as quiz_views
from player.quizzes.recorded import AttemptBook
from player.results import views as result_views
from player.results.runner import SyncRunner
from player.results.source import StoreSource
from player.search import views as search_views
from player.search.index import SearchIndex
from player.store import Store
from player.transfer import views as transfer_views
from player.web import errors, i18n, security
from player.web.online import OnlineCheck
from player.web.services import Services, attach


def create_app(data_dir: str | Path | None = None, test_config: dict | None = None) -> Flask:
    """Create the player app over a data folder (see player.paths for the default)."""
    app = Flask(__name__)
    paths = DataPaths(resolve_data_dir(data_dir))
    app.config.update(
        SECRET_KEY=security.secret_key(paths),
        MAX_CONTENT_LENGTH=security.MAX_FORM_BYTES,  # larger only for views marked security.large_body
        SESSION_COOKIE_SAMESITE="Strict",
    )
    if test_config:
        app.config.update(test_config)

    store = Store(paths)
    trust = TrustStore(paths.trust_store)
    library = Library(paths, trust)
    attach(app, Services(
        paths=paths, store=store, trust=trust, library=library,
        approvals=PendingInstalls(library, app.config["SECRET_KEY"]),
        progress=ProgressBook(store.learners), visits=Visits(), attempts=AttemptBook(),
        statements=StoreSource(store), sync=SyncRunner(paths), search=SearchIndex(paths.search_index),
        online=OnlineCheck(),
    ))

    # Shared web plumbing first: the language, then the guards every request passes.
    i18n.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    sessions.init_app(app)
    recorder.init_app(app)
    # One blueprint per feature.
    for feature in (library_views, learner_views, lesson_views, leave_views, progress_views, quiz_views, practice_views,
                    certificate_views, search_views, admin_views, hiding_views, publisher_views, class_views,
                    result_views, transfer_views, lan_views):
        feature.init_app(app)
    return app
