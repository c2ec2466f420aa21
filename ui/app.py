"""The app: `nacm-ethics app` (or `make run`, or `streamlit run ui/app.py` in a checkout). Wires the
pages; each page is thin.

Pages live in ui/views/ (not pages/, which older Streamlit would list on its own).
"""
from __future__ import annotations

import streamlit as st

import engine
from ui import style, widgets

st.set_page_config(page_title="NACM ethics decision support", page_icon=":material/balance:",
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
        st.Page("views/library.py", title="Library", icon=":material/menu_book:"),
        st.Page("views/about.py", title="About", icon=":material/info:"),
    ],
}

# One flat list: Streamlit's sectioned sidebar puts its section headers inside the list, which screen
# readers and the accessibility audit reject (a <ul> holding <div>s); the order keeps the sections.
page = st.navigation([p for section in PAGES.values() for p in section])
style.apply()  # focus rings, contrast, screen-reader text (ui/style.py)
advisor = widgets.advisor()  # every page needs the rules: if they do not validate, say why and stop
with st.sidebar:
    st.caption(widgets.md(engine.DISCLAIMER))
    st.caption(f"Rules version {widgets.md(advisor.version)} · {advisor.sha256[:12]}")
page.run()
