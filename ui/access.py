"""Who is looking: signed in through Streamlit's st.login (OpenID Connect) when [auth] is configured in
.streamlit/secrets.toml, or the open demo when it is not. The library decides what each viewer may see."""
from __future__ import annotations

import streamlit as st

from benchmarking.access import Viewer

from . import data
from .format import plain


def auth_configured() -> bool:
    """Whether sign-in is configured ([auth] in .streamlit/secrets.toml)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all: Streamlit raises its own error types here
        return False


def sign_in_page() -> None:
    st.title("School Benchmarking Club")
    st.write("Sign in with your school or local authority account to compare your school with schools like it.")
    st.button("Sign in", type="primary", on_click=st.login)
    st.stop()


def current_viewer() -> Viewer:
    """This run's viewer; without sign-in configured, the open demo; a visitor not signed in gets the
    sign-in page and nothing else."""
    if not auth_configured():
        return Viewer.demo(imported_pupils=data.imported_pupils_present())
    if not st.user.is_logged_in:
        sign_in_page()
    # Microsoft Entra ID gives the sign-in name as preferred_username where the email claim is not set up.
    return data.viewer_for_email(st.user.get("email") or st.user.get("preferred_username"))


def viewer() -> Viewer:
    """The viewer the entry script found (a page run on its own, as under AppTest, finds it itself)."""
    if "viewer" not in st.session_state:
        st.session_state["viewer"] = current_viewer()
    return st.session_state["viewer"]


def account(viewer: Viewer) -> None:
    """Who is signed in (with a way out), or the open demo's banner; and, on the demo store, that its
    schools are fictional."""
    if data.store_exists() and data.synthetic():
        st.caption("The schools and pupils here are fictional: this is the synthetic demo store.")
    if viewer.role == "demo":
        message = ("Open demo: sign-in is not configured, so anyone who can reach this dashboard sees everything in it. "
                   "Configure sign-in before importing real pupil data (see docs/sign-in.md).")
        if viewer.imported_pupils:
            message += " This store holds imported pupils: they are not shown until sign-in is configured."
        if st.query_params.get("projector") == "1":  # in the meeting room, a line, not a banner
            st.caption(message)
        else:
            st.warning(message)
        return
    with st.sidebar:
        st.caption(f"Signed in as {plain(viewer.label)}")
        st.button("Sign out", on_click=st.logout, key="sign_out")
