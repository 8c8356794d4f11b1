"""Users: who may sign in, and what their role lets them see (admins only)."""
import pandas as pd
import streamlit as st

from benchmarking.access import ROLES, NotAllowed
from benchmarking.users import add_user, list_users, remove_user
from benchmarking.writer import writing
from ui import data
from ui.access import viewer
from ui.app import require_entry
from ui.errors import show_problem
from ui.selection import selection
from ui.widgets import table

require_entry()

me = viewer()
sel = selection()
if not (me.may_manage or me.role == "demo"):
    raise NotAllowed("Only an admin manages users.")
st.title("Users")
st.caption("Who may sign in, and what they see. Published school-level figures are open to every signed-in user; "
           "pupil-level data only to a school's own users (their schools), advisers (their LAs) and admins.")
users = list_users(data.store())
if sel is not None and sel.anonymise:
    st.info("The list of users is hidden while anonymised mode is on: it names schools.")
    st.stop()
table(pd.DataFrame({"Email": users["email"], "Role": users["role"],
                    "Schools (URN)": users["urns"].map(lambda v: ", ".join(map(str, v))),
                    "LAs": users["la_codes"].map(lambda v: ", ".join(map(str, v))),
                    "Club": users["club"].fillna("")}), "users.csv", empty="No users yet.")

st.header("Add a user, or change their role")
with st.form("add_user"):
    email = st.text_input("Email", help="The address their identity provider gives (Microsoft, Google...)")
    role = st.selectbox("Role", ROLES, help="school: their own schools' pupils; adviser: their LAs' pupils; "
                                          "chair: their club's school-level figures; admin: everything")
    urns = st.text_input("Schools (URNs, for a school user)", placeholder="100053, 100054")
    las = st.text_input("LA codes (for an adviser)", placeholder="850, 936")
    clubs = data.clubs()["name"].tolist()
    club = st.selectbox("Club (for a chair)", [None] + clubs, format_func=lambda c: "–" if c is None else c)
    add = st.form_submit_button("Save user")
if add:
    try:
        numbers = [[int(v) for v in text.replace(",", " ").split()] for text in (urns, las)]
    except ValueError:
        st.error("URNs and LA codes are whole numbers, separated by commas.")
    else:
        try:
            with writing(data.store().path, wait=60) as store:
                added = add_user(store, email, role, numbers[0], numbers[1], club)
            st.success(f"Saved {added['email']} as {added['role']}.")
        except Exception as exc:  # a bad entry, said in one sentence
            show_problem(exc)

st.header("Remove a user")
with st.form("remove_user"):
    gone = st.selectbox("User", users["email"].tolist(), index=None, placeholder="Choose a user")
    remove = st.form_submit_button("Remove")
if remove and gone:
    with writing(data.store().path, wait=60) as store:
        remove_user(store, gone)
    st.success(f"Removed {gone}.")
