"""Who may see what: the scopes of every role, the functions that give pupil-level data, users, the audit
log and safe CSV downloads."""
import json

import pandas as pd
import pytest

from benchmarking import audit, pupil_views
from benchmarking.access import ADMIN, NotAllowed, Viewer
from benchmarking.csv_export import csv_bytes
from benchmarking.errors import BenchmarkingError
from benchmarking.store import open_store
from benchmarking.targets import targets_for
from benchmarking.users import add_user, list_users, remove_user, viewer_for
from benchmarking.va_report import pupil_value_added
from benchmarking.writer import writing
from tests.conftest import query, run_cli, write_csv


@pytest.fixture(scope="module")
def two_las(small_demo_path):
    """Two secondaries in one LA and one in another, from the small demo store."""
    with open_store(small_demo_path) as store:
        schools = store.query("SELECT urn, la_code FROM schools WHERE phase = 'secondary' ORDER BY la_code, urn")
    first_la = schools[schools["la_code"] == schools["la_code"].iloc[0]]
    other = schools[schools["la_code"] != schools["la_code"].iloc[0]].iloc[0]
    return {"la": int(first_la["la_code"].iloc[0]), "mine": int(first_la["urn"].iloc[0]),
            "neighbour": int(first_la["urn"].iloc[1]), "elsewhere": int(other["urn"]), "other_la": int(other["la_code"])}


@pytest.mark.parametrize("viewer, mine, neighbour, elsewhere", [
    (Viewer("school", "head@a.sch.uk", urns=frozenset({1})), True, False, False),
    (Viewer("adviser", "adv@la.gov.uk", las=frozenset({10})), True, True, False),
    (Viewer("chair", "chair@a.sch.uk", club="North"), False, False, False),
    (Viewer("admin", "admin@la.gov.uk"), True, True, True),
    (Viewer("public", "stranger@gmail.com"), False, False, False),
    (Viewer.demo(), True, True, True),
    (Viewer.demo(imported_pupils=True), False, False, False),
])
def test_each_role_sees_the_pupils_of_its_scope_only(viewer, mine, neighbour, elsewhere):
    # School 1 and 2 are in LA 10; school 3 in LA 20.
    assert [viewer.may_see_pupils(1, 10), viewer.may_see_pupils(2, 10), viewer.may_see_pupils(3, 20)] == [mine, neighbour, elsewhere]


def test_only_admins_manage_and_only_admins_and_the_demo_import():
    assert [Viewer(r).may_import for r in ("school", "adviser", "chair", "admin", "public", "demo")] == [
        False, False, False, True, False, True]
    assert [Viewer(r).may_manage for r in ("school", "adviser", "chair", "admin", "public", "demo")] == [
        False, False, False, True, False, False]


def test_pupil_rows_come_only_within_scope_and_never_for_five_or_fewer(small_demo_path, two_las):
    with open_store(small_demo_path) as store:
        va = pupil_value_added(store, 2024)
        mine, elsewhere = pupil_views.school(store, two_las["mine"]), pupil_views.school(store, two_las["elsewhere"])
    head = Viewer("school", "head@x.sch.uk", urns=frozenset({two_las["mine"]}))
    rows = pupil_views.pupils_of_school(head, mine, va)
    assert len(rows) > 5 and set(rows["urn"]) == {two_las["mine"]}
    with pytest.raises(NotAllowed, match="outside what your account covers"):
        pupil_views.pupils_of_school(head, elsewhere, va)
    with pytest.raises(NotAllowed):
        pupil_views.pupil_groups_of_school(head, elsewhere, va, [])
    assert len(pupil_views.pupil_labels_of_school(head, mine, va)) == len(rows)  # their groups: the same checks
    with pytest.raises(NotAllowed):
        pupil_views.pupil_labels_of_school(head, elsewhere, va)
    adviser = Viewer("adviser", "adv@la.gov.uk", las=frozenset({two_las["la"]}))
    assert len(pupil_views.pupils_of_school(adviser, mine, va)) == len(rows)
    with pytest.raises(NotAllowed):
        pupil_views.pupils_of_school(adviser, elsewhere, va)
    tiny = va.pupils[va.pupils["urn"] == two_las["mine"]].head(1)
    va.pupils = pd.concat([va.pupils[va.pupils["urn"] != two_las["mine"]], tiny])
    with pytest.raises(pupil_views.Suppressed, match="has 1 pupils in this measure"):
        pupil_views.pupils_of_school(ADMIN, mine, va)
    with pytest.raises(pupil_views.Suppressed):
        pupil_views.pupil_labels_of_school(ADMIN, mine, va)


def test_the_dashboard_hands_a_school_s_held_pupils_only_to_viewers_allowed_them(small_demo_path, two_las, monkeypatch):
    """The dashboard slices a school's pupils once and holds them; the checks still run for every viewer."""
    from ui import data

    monkeypatch.setenv("BENCHMARKING_DB", str(small_demo_path))
    head = Viewer("school", "head@x.sch.uk", urns=frozenset({two_las["mine"]}))
    measure = "ks4_p8"
    rows = data.school_pupils(head, 2024, measure, two_las["mine"])  # held from now on
    assert len(rows) > 5 and set(rows["urn"]) == {two_las["mine"]}
    assert len(data.school_pupil_labels(head, 2024, measure, two_las["mine"])) == len(rows)
    assert data.school_pupils(ADMIN, 2024, measure, two_las["mine"]) is rows
    for stranger in (Viewer("school", "other@y.sch.uk", urns=frozenset({two_las["elsewhere"]})),
                     Viewer("public", "stranger@gmail.com"), Viewer("chair", "chair@a.sch.uk", club="North")):
        with pytest.raises(NotAllowed):
            data.school_pupils(stranger, 2024, measure, two_las["mine"])
        with pytest.raises(NotAllowed):
            data.school_pupil_labels(stranger, 2024, measure, two_las["mine"])


def test_a_one_pupil_school_gets_no_pupil_target_nor_id_on_the_command_line(demo_db, tmp_path, two_las):
    from benchmarking.importers.pupils import import_pupils

    import_pupils(demo_db, write_csv(tmp_path / "p.csv", "pupil_id,urn,key_stage,prior_attainment,attainment8,"
                                     f"disadvantaged,sen,eal,sex\nONLY1,{two_las['mine']},KS4,101,44,N,N,N,F\n"), 2024)
    with open_store(demo_db) as store:
        result = targets_for(store, two_las["mine"], 2024, k=10)
    assert result["pupils"] is None and result["cohort"] is None and "5 or fewer" in result["pupils_note"]
    printed = run_cli("--db", demo_db, "targets", two_las["mine"], "--year", 2024, "--json")
    assert printed.returncode == 0 and "ONLY1" not in printed.stdout and '"pupils": null' in printed.stdout
    with open_store(demo_db) as store:
        other = targets_for(store, two_las["neighbour"], 2024, k=10,
                            viewer=Viewer("school", "h@x.sch.uk", urns=frozenset({two_las["mine"]})))
    assert other["pupils"] is None and "outside what your account covers" in other["pupils_note"]


def test_users_are_added_checked_listed_and_removed(demo_db, two_las):
    with writing(demo_db) as store:
        add_user(store, " Head@School.Example ", "school", urns=[two_las["mine"]])
        add_user(store, "adv@la.example", "adviser", las=[two_las["la"], two_las["other_la"]])
        add_user(store, "boss@la.example", "admin")
        for args, message in [(("not-an-email", "admin"), "is not an email address"),
                              (("x@y.example", "teacher"), "The role must be one of school, adviser, chair, admin"),
                              (("x@y.example", "school"), "A school user needs --urn"),
                              (("x@y.example", "adviser"), "An adviser user needs --la"),
                              (("x@y.example", "chair"), "A chair user needs --club")]:
            with pytest.raises(BenchmarkingError, match=message):
                add_user(store, *args)
        with pytest.raises(BenchmarkingError, match="Not in the store: URN 1"):
            add_user(store, "x@y.example", "school", urns=[1])
        with pytest.raises(BenchmarkingError, match="Not an LA code: 999"):
            add_user(store, "x@y.example", "adviser", las=[999])
        with pytest.raises(BenchmarkingError, match="A school user takes no --la"):
            add_user(store, "x@y.example", "school", urns=[two_las["mine"]], las=[two_las["la"]])
    with open_store(demo_db) as store:
        assert list_users(store)["email"].tolist() == ["boss@la.example", "adv@la.example", "head@school.example"]
        head = viewer_for(store, "HEAD@school.example")
        assert (head.role, head.urns) == ("school", frozenset({two_las["mine"]}))
        assert viewer_for(store, "someone@else.example").role == "public"
    with writing(demo_db) as store:
        remove_user(store, "adv@la.example")
        with pytest.raises(BenchmarkingError, match="No user 'adv@la.example'"):
            remove_user(store, "adv@la.example")
    assert query(demo_db, "SELECT count(*) AS n FROM users")["n"][0] == 2


def test_the_users_commands_add_list_and_remove(demo_db, two_las):
    added = run_cli("--db", demo_db, "users", "add", "adv@la.example", "--role", "adviser", "--la", two_las["la"])
    assert added.returncode == 0 and added.stdout.strip() == f"adv@la.example is an adviser user (LA {two_las['la']})."
    listed = json.loads(run_cli("--db", demo_db, "users", "list", "--json").stdout)
    assert [(u["email"], u["role"], u["la_codes"]) for u in listed] == [("adv@la.example", "adviser", [two_las["la"]])]
    removed = run_cli("--db", demo_db, "users", "remove", "ADV@la.example")
    assert removed.returncode == 0 and json.loads(run_cli("--db", demo_db, "users", "list", "--json").stdout) == []


def test_the_audit_log_records_who_saw_which_school_and_the_command_prints_it(demo_db):
    audit.record(demo_db, "head@x.sch.uk", "viewed pupils", 500001, 2024)
    audit.record(demo_db, "adv@la.gov.uk", "downloaded pupil groups", 500002, 2024)
    entries = audit.entries(demo_db)
    assert entries[["email", "action", "urn"]].values.tolist() == [
        ["adv@la.gov.uk", "downloaded pupil groups", 500002], ["head@x.sch.uk", "viewed pupils", 500001]]
    printed = json.loads(run_cli("--db", demo_db, "audit", "--json").stdout)
    assert [e["action"] for e in printed] == ["downloaded pupil groups", "viewed pupils"]


def test_csv_downloads_neutralise_formulas_keep_numbers_and_open_in_excel():
    frame = pd.DataFrame({"School": ['=HYPERLINK("http://x","click")', "+1 Academy", "-lead", "@sum", "\tTab", "Ordinary – St Mary’s"],
                          "Score": [-0.5, 0.25, 1.0, 2.0, 3.0, 4.0]})
    text = csv_bytes(frame)
    assert text.startswith(b"\xef\xbb\xbf")
    rows = pd.read_csv(__import__("io").BytesIO(text), encoding="utf-8-sig")
    assert rows["School"].tolist() == ["'=HYPERLINK(\"http://x\",\"click\")", "'+1 Academy", "'-lead", "'@sum", "'\tTab",
                                       "Ordinary – St Mary’s"]
    assert rows["Score"].tolist() == [-0.5, 0.25, 1.0, 2.0, 3.0, 4.0]


def test_numbers_written_as_text_on_pages_are_numbers_in_a_csv():
    """Pages format numbers as text (−0.52 with a real minus, 1,357, +0.21): in a CSV each is a number a spreadsheet
    sorts and sums, with no apostrophe; text that merely starts like a number stays neutralised."""
    from benchmarking.numbers import number

    frame = pd.DataFrame({"Score": [number(-0.52), number(0.21, sign=True), number(1357, 0), "-0.45 to +0.06", "-1+2"],
                          "Pupils": ["72", "1,204", "–", "5", "6"]})
    rows = pd.read_csv(__import__("io").BytesIO(csv_bytes(frame)), encoding="utf-8-sig", dtype=str)
    assert rows["Score"].tolist() == ["-0.52", "0.21", "1357", "'-0.45 to +0.06", "'-1+2"]
    assert pd.to_numeric(rows["Score"].head(3)).tolist() == [-0.52, 0.21, 1357]
    assert rows["Pupils"].tolist() == ["72", "1204", "–", "5", "6"]
