"""Sign in, on a shared install: through the organisation's identity provider (Streamlit's st.login)
when one is configured, otherwise with the user name and password the administrator gave you.
Trainees joining a class need no account: Join a class is open without signing in."""
from __future__ import annotations

import streamlit as st

from ui import access
from ui.widgets import md

P = "signin"

st.title("Sign in")
st.markdown("This install is shared by a team: sign in to see your consultations, those shared with you, or "
            "your class sessions. **Joining a class as a trainee needs no account**: open *Join a class*.")

if access.identity_provider():
    if st.user.is_logged_in:
        st.error(f"You are signed in with your organisation as {md(st.user.get('email') or 'someone')}, but this "
                 "install's users file gives that address no role. Ask your administrator to add you.",
                 icon=":material/no_accounts:")
        if st.button("Sign out", key=f"{P}.idp_out"):
            st.logout()
    elif st.button("Sign in with your organisation", key=f"{P}.idp", type="primary", icon=":material/login:"):
        st.login()
    st.stop()

with st.form(f"{P}.form"):
    username = st.text_input("User name", key=f"{P}.username", max_chars=40, autocomplete="username")
    password = st.text_input("Password", key=f"{P}.password", type="password", max_chars=200,
                             autocomplete="current-password")
    submitted = st.form_submit_button("Sign in", type="primary", icon=":material/login:")
if submitted:
    st.session_state.pop(f"{P}.password", None)  # the password is not kept in the session, right or wrong
    try:
        access.sign_in(username, password)
    except access.SignInRefused as exc:
        st.error(md(str(exc).capitalize()) + ".", icon=":material/lock:")
    else:
        st.rerun()
st.caption("Forgotten your password? Your administrator sets a new one in the users file.")
