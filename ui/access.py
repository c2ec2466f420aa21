"""Who is using the app, and which pages they reach.

The single-user install (NACM_ETHICS_USERS unset): nobody signs in, every page is open, and every
storage call is made for EVERYONE. A shared install (NACM_ETHICS_USERS names a users file,
ui/users.py): people sign in, either with Streamlit's own `st.login` when an identity provider is
configured in `.streamlit/secrets.toml` ([auth]; the users file then gives each e-mail its role),
or with a user name and password checked against the file's Argon2 hashes. Each person then sees
the pages of their role, and every storage call is made for them (a Viewer), so the store's own
queries keep them to their records. Before signing in, only Sign in, Join a class and About are
reachable: trainees join a class without an account.
"""
from __future__ import annotations

from typing import Mapping, Sequence

import streamlit as st

from ui.storage import EVERYONE, Viewer
from ui.users import Directory, SignInRefused, Throttle, User, UsersError, check_password, load_directory, users_path

SIGNED_IN = "signin.user"  # the user name, in this browser session's state
DEFAULT_PAGE = "consult"  # the default page's url_path is "" (it is served at /)
ROLE_PAGES = {
    "case_manager": {"consult", "whatif", "review", "train", "join", "library", "about"},
    "supervisor": {"consult", "whatif", "review", "feedback", "train", "join", "library", "about"},
    "trainer": {"consult", "whatif", "review", "feedback", "train", "classes", "join", "library", "about"},
}
SIGNED_OUT_PAGES = {"join", "about"}
FACILITATORS = {"trainer", "supervisor"}  # who may open a scenario's facilitator view on a shared install


def shared() -> bool:
    """Whether people sign in (NACM_ETHICS_USERS is set)."""
    return users_path() is not None


@st.cache_resource(max_entries=4, show_spinner=False)
def _directory(path: str, mtime_ns: int, size: int) -> Directory:
    return load_directory(__import__("pathlib").Path(path))


@st.cache_resource(show_spinner=False)
def _throttle() -> Throttle:
    return Throttle()


def directory() -> Directory:
    """The users file, read again whenever it changes. If it cannot be used, the page says why and stops."""
    path = users_path()
    try:
        stat = path.stat()
    except OSError:
        stat = None
    try:
        return _directory(str(path), stat.st_mtime_ns if stat else 0, stat.st_size if stat else -1)
    except UsersError as exc:
        from ui.widgets import md

        st.error(f"Sign-in is configured but cannot be used: {md(exc)}. Nobody can sign in until this is fixed.",
                 icon=":material/lock:")
        st.stop()
        raise  # not reached


def identity_provider() -> bool:
    """Whether Streamlit's own sign-in (st.login) is configured: an [auth] section in secrets.toml."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def current_user() -> User | None:
    """The signed-in person on a shared install (None when nobody is signed in, or not shared)."""
    if not shared():
        return None
    people = directory()
    if identity_provider():
        try:
            if st.user.is_logged_in:
                return people.by_email(st.user.get("email"))
        except Exception:
            return None
        return None
    username = st.session_state.get(SIGNED_IN)
    return people.get(username) if username else None


def viewer() -> Viewer:
    """The person this browser session acts for: EVERYONE on the single-user install."""
    if not shared():
        return EVERYONE
    user = current_user()
    if user is None:
        # A page reached without signing in (only Join a class and About are): nothing to read for them.
        return Viewer("", "")
    return Viewer(user.username, user.role)


def signature() -> str | None:
    """How the signed-in person signs what they write, or None on the single-user install."""
    user = current_user()
    return user.signature if user else None


def can_facilitate() -> bool:
    """The facilitator's view of a scenario: anyone on the single-user install (an explicit step before
    the exercise); a trainer or supervisor on a shared one."""
    if not shared():
        return True
    user = current_user()
    return user is not None and user.role in FACILITATORS


def sign_in(username: str, password: str) -> User:
    """Check a user name and password; keep the user in this browser session. SignInRefused otherwise."""
    user = check_password(directory(), username, password, _throttle())
    st.session_state[SIGNED_IN] = user.username
    return user


def sign_out() -> None:
    """Forget the person and everything of their session (answers kept across pages included), so
    nothing of one person's work is left in the tab for the next."""
    for key in list(st.session_state):
        del st.session_state[key]


def _path(page) -> str:
    return page.url_path or DEFAULT_PAGE


def visible_pages(pages: Mapping[str, Sequence], sign_in_page) -> dict[str, list]:
    """The navigation for this person: every page on the single-user install; on a shared one the
    pages of their role, or before signing in the sign-in page, Join a class and About."""
    if not shared():
        return {section: list(items) for section, items in pages.items()}
    user = current_user()
    if user is None:
        reachable = [p for items in pages.values() for p in items if _path(p) in SIGNED_OUT_PAGES]
        return {"": [sign_in_page, *reachable]}
    allowed = ROLE_PAGES[user.role]
    shown = {section: [p for p in items if _path(p) in allowed] for section, items in pages.items()}
    return {section: items for section, items in shown.items() if items}


def sidebar() -> None:
    """Who is signed in, and the way out (nothing on the single-user install)."""
    if not shared():
        return
    user = current_user()
    if user is None:
        return
    from ui.widgets import md

    st.markdown(f"Signed in as **{md(user.name)}** ({md(user.role_words)})")
    if st.button("Sign out", key="signin.out", icon=":material/logout:"):
        if identity_provider():
            sign_out()
            st.logout()
        sign_out()
        st.rerun()


__all__ = ["SignInRefused", "can_facilitate", "current_user", "directory", "identity_provider", "shared",
           "sidebar", "sign_in", "sign_out", "signature", "viewer", "visible_pages"]
