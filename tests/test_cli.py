"""The command line, run as a user would run it."""
import json

import pytest

from benchmarking.writer import writing
from tests.conftest import query
from tests.conftest import run_cli as run


def test_demo_then_info_json_reports_the_store(tmp_path):
    db = tmp_path / "demo.duckdb"
    built = run("--db", db, "demo", "--scale", "small", "--seed", "3")
    assert built.returncode == 0, built.stderr
    assert "[100%]" in built.stderr  # progress is shown
    info = json.loads(run("--db", db, "info", "--json").stdout)
    assert info["years"] == [2022, 2023, 2024, 2025, 2026]
    assert info["schools_by_phase"] == {"primary": 240, "secondary": 60}
    assert info["local_authorities"] == 6
    assert info["pupils"] == sum(info["pupils_by_year"].values()) > 50_000
    assert set(info["progress8_schools"]) == {"2022", "2023", "2024"}
    assert info["imports"]["stored"] == 1


def test_the_environment_variable_chooses_the_store(tmp_path):
    db = tmp_path / "env.duckdb"
    assert run("demo", "--scale", "small", env={"BENCHMARKING_DB": str(db)}).returncode == 0
    assert db.exists()


def test_a_user_error_prints_one_line_and_no_traceback(tmp_path):
    result = run("--db", tmp_path / "s.duckdb", "import-dfe", tmp_path / "nothing-here.csv")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [f"error: {tmp_path / 'nothing-here.csv'}: no such file or folder."]


@pytest.mark.parametrize("command", [("value-added",), ("clubs", "form")])
def test_a_command_on_a_store_without_results_says_how_to_fill_it(tmp_path, command):
    with writing(tmp_path / "empty.duckdb", create=True):
        pass
    result = run("--db", tmp_path / "empty.duckdb", *command)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"error: The store {tmp_path / 'empty.duckdb'} holds no results yet. Build the demo store with "
        "`python -m benchmarking demo`, or import DfE files with `import-dfe`."]


def test_import_dfe_and_info_on_real_england_files(dfe_dir, tmp_path):
    db = tmp_path / "real.duckdb"
    imported = run("--db", db, "import-dfe", dfe_dir / "2018-2019" / "england",
                   dfe_dir / "gias" / "2021-05-06" / "2021_giaslinks.csv")
    assert imported.returncode == 0, imported.stderr
    assert "stored  england_ks4provisional.csv: KS4 results (provisional) 2019" in imported.stdout
    info = json.loads(run("--db", db, "info", "--json").stdout)
    assert info["progress8_schools"]["2019"] == {"schools": 3182, "las": 150, "with_context": 3182,
                                                 "context_via_urn_change": 47}


def test_info_on_a_store_of_links_only_says_there_are_no_schools_yet(tmp_path):
    db = tmp_path / "links.duckdb"
    links = tmp_path / "links.csv"
    links.write_text("URN,LinkURN,LinkName,LinkType,LinkEstablishedDate\n100000,137181,New Academy,Successor,01-09-2011\n")
    assert run("--db", db, "import-dfe", links).returncode == 0
    info = run("--db", db, "info").stdout
    assert "Schools: none yet" in info and "()" not in info


@pytest.mark.parametrize("args, message", [
    (["clubs", "create", "Club X", "--urns", "abc"],
     "--urns takes school URNs separated by commas (like 100053,100054), not 'abc'."),
    (["clubs", "form", "--year", "1999"], "No secondary schools with results and context in 1999 to form clubs from."),
    (["similar", "{secondary}", "--weights", "pct_eal=nan"], "The weight for pct_eal must be a number of 0 or more, not nan."),
    (["similar", "{secondary}", "--weights", "pct_eal=inf"], "The weight for pct_eal must be a number of 0 or more, not inf."),
    (["similar", "{secondary}", "--weights", "pct_eal=-1"], "The weight for pct_eal must be a number of 0 or more, not -1.0."),
    (["clubs", "form", "--weights", "pct_eal=nan"], "The weight for pct_eal must be a number of 0 or more, not nan."),
    (["partners", "{secondary}", "--measure", "ks4_magic"],
     "Partners are found on value added: the measure must be one of ks4_p8, ks2_read_progress, ks2_writ_progress, "
     "ks2_mat_progress, not 'ks4_magic'."),
    (["floor", "--rules-file", "{rules_text}", "--rule", "mine"],
     "rules.json, rule 1: the threshold must be a number or \"national median\", not 'low'."),
    (["floor", "--rules-file", "{rules_measure}", "--rule", "mine"],
     "rules.json, rule 1: unknown measure 'ks4_magic'. Measures: ks4_att8, ks4_p8, ks4_p8_uncapped, ks4_p8_english, "
     "ks4_p8_maths, ks4_att8_english, ks4_att8_maths, ks4_p8_band_published, ks4_basics_94, ks4_basics_95, ks4_5em_94, "
     "ks4_ebacc_aps, ks4_ebacc_entry, ks4_ebacc_94, ks4_ebacc_95, ks2_rwm_expected, ks2_rwm_higher, ks2_read_progress, "
     "ks2_writ_progress, ks2_mat_progress, ks2_read_band_published, ks2_writ_band_published, ks2_mat_band_published, "
     "ks2_read_average, ks2_mat_average, absence_overall, absence_persistent."),
])
def test_each_user_error_ends_in_one_error_line_and_status_1(args, message, small_demo_path, tmp_path, capsys):
    from benchmarking.cli import main
    from tests.conftest import query, table_fingerprints

    db = tmp_path / "demo.duckdb"
    db.write_bytes(small_demo_path.read_bytes())
    before = table_fingerprints(db)
    secondary = str(query(db, "SELECT min(urn) AS u FROM schools WHERE phase = 'secondary'")["u"][0])
    (tmp_path / "text").mkdir()
    (tmp_path / "text" / "rules.json").write_text(json.dumps([{"name": "mine", "all_of": [{"measure": "ks4_p8", "below": "low"}]}]))
    (tmp_path / "measure").mkdir()
    (tmp_path / "measure" / "rules.json").write_text(json.dumps([{"name": "mine", "all_of": [{"measure": "ks4_magic", "below": 0}]}]))
    named = {"secondary": secondary, "rules_text": str(tmp_path / "text" / "rules.json"),
             "rules_measure": str(tmp_path / "measure" / "rules.json")}
    status = main(["--db", str(db), *[named.get(a.strip("{}"), a) if a.startswith("{") else a for a in args]])
    err = capsys.readouterr().err.strip().splitlines()
    assert status == 1 and err == [f"error: {message}"]
    assert table_fingerprints(db) == before


@pytest.mark.parametrize("command", [["info"], ["similar", "100000"], ["value-added"], ["floor"], ["concern"],
                                     ["partners", "100000"], ["targets", "100000"], ["clubs", "list"],
                                     ["clubs", "show", "A club"], ["clubs", "add", "A club", "100000"],
                                     ["targets", "100000", "--set", "median"], ["import-pupils", "p.csv", "--year", "2024"]])
def test_a_mistyped_store_path_is_an_error_and_makes_nothing(command, tmp_path):
    missing = tmp_path / "tpyo" / "store.duckdb"
    (tmp_path / "p.csv").write_text("pupil_id,urn,key_stage,prior_attainment,disadvantaged,sen,eal,sex\nP1,100000,KS4,100,N,N,N,F\n")
    result = run("--db", missing, *[str(tmp_path / c) if c == "p.csv" else c for c in command])
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"error: No store at {missing}. Build the demo store with `python -m benchmarking demo`, "
        "or import DfE files with `python -m benchmarking import-dfe PATH`."]
    assert not (tmp_path / "tpyo").exists()


def test_importing_into_a_new_path_says_it_made_a_store(tmp_path):
    (tmp_path / "2018-2019").mkdir()
    (tmp_path / "2018-2019" / "sd.csv").write_text("Progress 8\n1.4\n")
    result = run("--db", tmp_path / "new" / "store.duckdb", "import-dfe", tmp_path / "2018-2019")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == f"Created a new store at {tmp_path / 'new' / 'store.duckdb'}."


def test_a_full_disk_ends_in_one_error_line_and_leaves_the_store_as_it_was(small_demo_path, tmpfs, tmp_path):
    from tests.conftest import table_fingerprints

    size_mb = small_demo_path.stat().st_size / 2**20
    disk = tmpfs(size_mb=int(size_mb * 1.5) + 1)  # room for the store, not for the copy a write builds
    db = disk / "store.duckdb"
    db.write_bytes(small_demo_path.read_bytes())
    before = table_fingerprints(db)
    (tmp_path / "2024").mkdir()
    (tmp_path / "2024" / "sd.csv").write_text("Progress 8\n1.4\n")
    result = run("--db", db, "import-dfe", tmp_path / "2024")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        f"error: The disk holding {db} is full: nothing was changed. A write needs free space of about the store's "
        "size again; free some space and try again.")
    assert "Traceback" not in result.stderr
    assert table_fingerprints(db) == before
    assert sorted(p.name for p in disk.iterdir()) == ["store.duckdb", "store.duckdb.lock"]


def test_reading_commands_work_on_a_read_only_disk(small_demo_path, tmpfs):
    disk = tmpfs(size_mb=int(small_demo_path.stat().st_size / 2**20) + 8)
    (disk / "store.duckdb").write_bytes(small_demo_path.read_bytes())
    disk.remount_read_only()
    info = run("--db", disk / "store.duckdb", "info", "--json")
    assert info.returncode == 0 and json.loads(info.stdout)["schools"] == 300
    clubs = run("--db", disk / "store.duckdb", "clubs", "list")
    assert clubs.returncode == 0 and "Demo network 01 secondary  2023   demo        8" in clubs.stdout
    write = run("--db", disk / "store.duckdb", "clubs", "create", "X", "--urns", "500001")
    assert write.returncode == 1 and write.stderr.startswith(f"error: Cannot write to the store's folder {disk}")


def test_help_lists_every_command_and_each_command_has_help(capsys):
    from benchmarking.cli import build_parser

    parser = build_parser()
    with pytest.raises(SystemExit) as done:
        parser.parse_args(["--help"])
    assert done.value.code == 0
    listing = capsys.readouterr().out
    commands = next(a for a in parser._actions if isinstance(a, __import__("argparse")._SubParsersAction)).choices
    for name, command in commands.items():
        assert name in listing
        with pytest.raises(SystemExit) as done:
            command.parse_args(["--help"])
        assert done.value.code == 0, name
    assert "top 10%" in listing  # a percent sign in a help text once broke --help for every command


def test_clubs_rename_keeps_members_and_refuses_a_taken_or_empty_name(demo_db):
    urns = query(demo_db, "SELECT urn FROM schools WHERE phase = 'secondary' ORDER BY urn LIMIT 3")["urn"].tolist()
    for name, members in (("North", urns[:2]), ("South", urns[1:])):
        assert run("--db", demo_db, "clubs", "create", name, "--urns", ",".join(map(str, members))).returncode == 0
    renamed = run("--db", demo_db, "clubs", "rename", "North", "Pennine partnership")
    assert renamed.returncode == 0, renamed.stderr
    shown = json.loads(run("--db", demo_db, "clubs", "show", "Pennine partnership", "--json").stdout)
    assert sorted(m["urn"] for m in shown["members"]) == sorted(urns[:2])
    gone = run("--db", demo_db, "clubs", "show", "North")
    assert gone.returncode == 1 and gone.stderr.startswith("error:")
    taken = run("--db", demo_db, "clubs", "rename", "Pennine partnership", "South")
    assert taken.returncode == 1 and "South" in taken.stderr
    assert run("--db", demo_db, "clubs", "rename", "South", "  ").returncode == 1
