"""What the theme in .streamlit/config.toml cannot say: a visible keyboard focus on every control,
text contrast of at least 4.5:1 where Streamlit fades text, and a class for words only screen
readers need. Kept minimal: each rule says which success criterion of WCAG 2.2 it serves.

Also the one script the app runs: after "See the advice", move the keyboard focus to the advice
and announce it, so that a screen-reader user is not left on a button that is gone.
"""
from __future__ import annotations

import json

import streamlit as st

FOCUS = "#1d4ed8"  # 6.7:1 on white, 6.3:1 on the sidebar's grey (a focus ring needs 3:1, WCAG 1.4.11)

CSS = f"""<style>
/* 2.4.7 / 2.4.13 focus visible: a 3px ring on whatever the keyboard reaches. */
:focus-visible {{ outline: 3px solid {FOCUS} !important; outline-offset: 2px !important; }}
/* Radios and checkboxes hide their input; React Aria marks the visible label instead. */
[data-testid="stRadioOption"][data-focus-visible], [data-testid="stCheckbox"] label[data-focus-visible],
label:has(input:focus-visible) {{
  outline: 3px solid {FOCUS}; outline-offset: 2px; border-radius: 0.25rem;
}}
/* 1.4.3 contrast: captions (opacity 0.6) and quotes are faded to 3.8-4.2:1 by default; 7.9:1 here. */
[data-testid="stCaptionContainer"], [data-testid="stMarkdownContainer"] blockquote {{
  color: #4f4d4b !important; opacity: 1 !important;
}}
input::placeholder, textarea::placeholder {{ color: #64625f !important; opacity: 1 !important; }}
/* Words for screen readers only (the announcement of the advice). */
.nacm-sr-only {{
  position: absolute !important; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden;
  clip: rect(0, 0, 0, 0); white-space: nowrap; border: 0;
}}
</style>"""


def apply() -> None:
    """Once per run, from app.py: the styles above (sent where they take no room on the page)."""
    st.html(CSS)


def focus_and_announce(anchor: str, message: str) -> None:
    """Move the keyboard focus to the heading `anchor` and have screen readers say `message`.

    The live region is created once outside Streamlit's own elements, so it is the same node
    from run to run and its new text is announced (a region born with its text often is not).
    `message` is the engine's headline: rule-base words, never text a person typed."""
    payload = json.dumps({"anchor": anchor, "message": message}).replace("<", "\\u003c")
    st.html(f"""<script>
(() => {{
  const {{anchor, message}} = {payload};
  let live = document.getElementById("nacm-live");
  if (!live) {{
    live = document.createElement("div");
    live.id = "nacm-live";
    live.className = "nacm-sr-only";
    live.setAttribute("role", "status");
    live.setAttribute("aria-live", "polite");
    document.body.appendChild(live);
  }}
  live.textContent = "";
  const target = document.getElementById(anchor);
  if (target) {{
    target.setAttribute("tabindex", "-1");
    target.focus({{preventScroll: false}});
    target.scrollIntoView({{block: "start"}});
  }}
  setTimeout(() => {{ live.textContent = message; }}, 150);
}})();
</script>""", unsafe_allow_javascript=True)
