"""The admin area's menu: one entry per admin page, in the order shown. A feature that adds an admin page
adds its entry to PAGES and extends "admin/_layout.html"; nothing else needs to change."""

from dataclasses import dataclass

from flask import request, url_for
from flask_babel import gettext

from player.admin.access import is_admin
from player.web.i18n import N_


@dataclass(frozen=True)
class AdminPage:
    """A menu entry: the page's endpoint, its label (marked with N_, translated when shown), and the
    endpoints (or "blueprint." prefixes) of the pages under it, where the entry shows the current section."""

    endpoint: str
    label: str
    within: tuple[str, ...] = ()

    def current(self, endpoint: str | None) -> str | None:
        """aria-current for this entry: "page" on the page itself, "true" on a page under it."""
        if endpoint == self.endpoint:
            return "page"
        if endpoint and any(endpoint == name or (name.endswith(".") and endpoint.startswith(name))
                            for name in self.within):
            return "true"
        return None


PAGES = (
    AdminPage("admin.index", N_("Overview")),
    AdminPage("admin.learners", N_("Learners"), ("admin.learner", "admin.delete_learner")),
    AdminPage("admin.courses", N_("Courses"), ("admin.course", "admin.remove_course")),
    AdminPage("classes.index", N_("Classes"), ("classes.",)),
    AdminPage("results.index", N_("Learning results"), ("results.",)),
    AdminPage("transfer.index", N_("Move learners"), ("transfer.",)),
    AdminPage("publishers.index", N_("Trusted publishers"), ("publishers.",)),
    AdminPage("lan.index", N_("LAN mode: several PCs"), ("lan.",)),
    AdminPage("admin.settings", N_("Centre settings")),
)


@dataclass(frozen=True)
class MenuItem:
    url: str
    label: str
    current: str | None


def admin_menu() -> list[MenuItem]:
    """The menu as the admin sees it on this request (nothing for anyone else)."""
    if not is_admin():
        return []
    return [MenuItem(url_for(page.endpoint), gettext(page.label), page.current(request.endpoint)) for page in PAGES]
