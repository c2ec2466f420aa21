"""The app: `nacm-ethics app` (or `make run`, or `streamlit run ui/app.py` in a checkout). Wires the
pages; each page is thin.

Pages live in ui/views/ (not pages/, which older Streamlit would list on its own).
"""
from __future__ import annotations

from pathlib import Path

import streamlit as st

import engine
from ui import access, style, widgets

# The page icon is a file of ours: a Material icon as page_icon makes the browser fetch it from
# Google's font servers at every load, telling a third party that the tool is open.
ICON = Path(__file__).resolve().parent / "icon.png"
st.set_page_config(page_title="NACM ethics decision support", page_icon=str(ICON),
                   layout="centered", initial_sidebar_state="auto")

PAGES = {
    "Case management ethics": [
        st.Page("views/consult.py", title="Consult", icon=":material/support_agent:", default=True),
        st.Page("views/whatif.py", title="What if", icon=":material/compare_arrows:"),
        st.Page("views/review.py", title="Review", icon=":material/rate_review:"),
        st.Page("views/feedback.py", title="Advice feedback", icon=":material/thumbs_up_down:"),
    ],
    "Learn": [
        st.Page("views/train.py", title="Train", icon=":material/school:"),
        st.Page("views/classes.py", title="Class sessions", icon=":material/groups:"),
        st.Page("views/join.py", title="Join a class", icon=":material/login:"),
        st.Page("views/library.py", title="Library", icon=":material/menu_book:"),
        st.Page("views/about.py", title="About", icon=":material/info:"),
    ],
}

SIGN_IN = st.Page("views/signin.py", title="Sign in", icon=":material/login:", default=True)
# One flat list, in the sections' order: Streamlit's sectioned sidebar puts its section headers inside
# the list, which screen readers and the accessibility audit reject (a <ul> holding <div>s).
visible = access.visible_pages(PAGES, SIGN_IN)  # all of them unless people sign in (ui/access.py)
page = st.navigation([p for section in visible.values() for p in section])
style.apply()  # focus rings, contrast, screen-reader text (ui/style.py)
advisor = widgets.advisor()  # every page needs the rules: if they do not validate, say why and stop
with st.sidebar:
    access.sidebar()
    st.caption(widgets.md(engine.DISCLAIMER))
    st.caption(f"Rules version {widgets.md(advisor.version)} · {advisor.sha256[:12]}")
page.run()
