"""A corpus of bad inputs, each refused with its exact message and the store left exactly as it was
(every table's fingerprint), through the command line and through the Data page."""
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from benchmarking.cli import main
from benchmarking.importers.dfe import import_dfe
from benchmarking.writer import leftovers
from ui.format import plain
from benchmarking.years import last_year
from tests.conftest import ROOT, table_fingerprints, write_csv

KS4_HEADER = "RECTYPE,LEA,URN,SCHNAME,ICLOSE,NFTYPE,TPUP,ATT8SCR,P8PUP,P8MEA,P8CILOW,P8CIUPP,PTL2BASICS_94,P8_BANDING"
KS4_ROWS = ["1,936,111111,Alpha School,0,AC,150,50.1,140,0.25,0.05,0.45,70.0%,2",
            "1,936,222222,Beta School,0,CY,120,44.0,110,-0.10,-0.32,0.12,55.0%,3",
            "2,936,444444,Delta Special,0,CYS,12,10.5,11,-1.5,-2.3,-0.7,5.0%,5"]
KS2_HEADER = ("RECTYPE,LEA,URN,SCHNAME,NFTYPE,ICLOSE,TELIG,PTRWM_EXP,READPROG,READPROG_LOWER,READPROG_UPPER,"
              "WRITPROG,WRITPROG_LOWER,WRITPROG_UPPER,MATPROG,MATPROG_LOWER,MATPROG_UPPER,READ_AVERAGE")
KS2_ROWS = ["1,936,333333,Gamma Primary,CY,0,60,71%,1.2,-0.3,2.7,0.5,-1.0,2.0,-0.4,-1.9,1.1,105",
            "1,936,555555,Epsilon Primary,AC,0,30,65%,-0.5,-2.6,1.6,0.1,-2.0,2.2,0.3,-1.8,2.4,104"]
CENSUS_HEADER = "URN,LA,SCHOOLTYPE,NOR,PNUMFSMEVER,PNUMEAL,PSENELK,PSENELSE"
CENSUS_ROWS = ["111111,936,State-funded secondary,1000,20.5,8.0,11.0,1.5",
               "333333,936,State-funded primary,300,14.0,5.0,10.0,2.0"]
PUPIL_HEADER = "pupil_id,urn,key_stage,prior_attainment,attainment8,disadvantaged,sen,eal,sex"
PUPIL_OK = "P001,111111,KS4,100,40,N,N,N,F"
LAST = last_year()
NUMBER_OR_CODE = "expected a number or a DfE code (SUPP, NE, NP, NA, LOWCOV, NEW, x, c, z, low...)"


def csv_bytes(header: str, rows: list[str]) -> bytes:
    return ("\ufeff" + "\n".join([header, *rows]) + "\n").encode()


def ks4(*rows: str, header: str = KS4_HEADER) -> bytes:
    return csv_bytes(header, list(rows) or KS4_ROWS)


def pupils(*rows: str, header: str = PUPIL_HEADER) -> bytes:
    return csv_bytes(header, list(rows))


@dataclass
class Bad:
    """One bad input: its files, how it is imported, and the exact message that refuses it."""
    id: str
    files: list[tuple[str, bytes]]
    message: str
    kind: str = "dfe"  # dfe or pupils
    year: int = 2019
    report: bool = True  # a validation report (FileProblem): the CLI says "nothing was imported" first
    page: bool = True  # also through the Data page
    args: list[str] = field(default_factory=list)  # the command line instead of the usual one


CORPUS = [
    # Row structure: files cut off, rows too wide or too short.
    Bad("truncated-ks4", [("ks4.csv", ks4(*KS4_ROWS[:2], "1,936,666666,Zeta Sch"))],
        "ks4.csv, line 4: the last row has 4 fields where the header has 14: the file looks cut off. Download it again."),
    Bad("cut-inside-a-quote", [("ks4.csv", ks4(*KS4_ROWS[:2], '1,936,666666,"Zeta School'))],
        "ks4.csv, line 4: a quoted cell is never closed, so the file looks cut off. Download it again.", report=False),
    Bad("row-too-wide", [("ks4.csv", ks4(KS4_ROWS[0] + ",extra", *KS4_ROWS[1:]))],
        "ks4.csv, line 2: the row has 15 fields where the header has 14."),
    Bad("census-row-too-short", [("census.csv", csv_bytes(CENSUS_HEADER, ["111111,936,State-funded secondary,1000", CENSUS_ROWS[1]]))],
        "census.csv, line 2: the row has 4 fields where the header has 8."),
    Bad("pupil-row-too-wide", [("p.csv", pupils(PUPIL_OK + ",oops"))],
        "p.csv, line 2: the row has 10 fields where the header has 9.", kind="pupils"),
    # The same school twice.
    Bad("school-twice-in-a-file", [("ks4.csv", ks4(*KS4_ROWS, KS4_ROWS[0].replace("0.25", "0.35")))],
        "ks4.csv, line 5, column URN: this school (111111) is also on line 2; each may appear once."),
    Bad("school-twice-across-files", [("a.csv", ks4(KS4_ROWS[0])), ("b.csv", ks4(KS4_ROWS[0].replace("Alpha", "Alpha II")))],
        "b.csv, line 2, column URN: this school (111111) is also in a.csv, line 2, for 2019: each may appear once."),
    Bad("census-school-twice", [("census.csv", csv_bytes(CENSUS_HEADER, CENSUS_ROWS + [CENSUS_ROWS[0]]))],
        "census.csv, line 4, column URN: this school (111111) is also on line 2; each may appear once."),
    # Implausible values, declared once in the measures catalogue.
    Bad("negative-cohort", [("ks4.csv", ks4(KS4_ROWS[0].replace(",150,", ",-5,"), *KS4_ROWS[1:]))],
        "ks4.csv, line 2, column TPUP: expected a whole number of 0 or more, found '-5'."),
    Bad("progress-8-of-99", [("ks4.csv", ks4(KS4_ROWS[0].replace(",0.25,0.05,0.45,", ",99,98,100,"), *KS4_ROWS[1:]))],
        "ks4.csv, line 2, column P8MEA: expected a number from -5 to 5, found '99'."),
    Bad("percentage-of-250", [("ks4.csv", ks4(KS4_ROWS[0].replace("70.0%", "250%"), *KS4_ROWS[1:]))],
        "ks4.csv, line 2, column PTL2BASICS_94: expected a number from 0 to 100, found '250%'."),
    Bad("attainment-8-of-95", [("ks4.csv", ks4(KS4_ROWS[0].replace(",50.1,", ",95,"), *KS4_ROWS[1:]))],
        "ks4.csv, line 2, column ATT8SCR: expected a number from 0 to 90, found '95'."),
    Bad("score-outside-its-ci", [("ks4.csv", ks4(KS4_ROWS[0].replace(",0.25,0.05,0.45,", ",0.25,0.30,0.60,"), *KS4_ROWS[1:]))],
        "ks4.csv, line 2, column P8MEA: the score 0.25 is outside its own confidence interval (0.3 to 0.6)."),
    Bad("band-of-7", [("ks4.csv", ks4(KS4_ROWS[0][:-1] + "7", *KS4_ROWS[1:]))],
        "ks4.csv, line 2, column P8_BANDING: expected a whole number from 1 to 5, found '7'."),
    Bad("fractional-pupil-count", [("ks4.csv", ks4(KS4_ROWS[0].replace(",140,", ",140.5,"), *KS4_ROWS[1:]))],
        "ks4.csv, line 2, column P8PUP: expected a whole number of 0 or more, found '140.5'."),
    Bad("ks2-progress-of-25", [("ks2.csv", csv_bytes(KS2_HEADER, [KS2_ROWS[0].replace(",1.2,-0.3,2.7,", ",25,24,26,"), KS2_ROWS[1]]))],
        "ks2.csv, line 2, column READPROG: expected a number from -20 to 20, found '25'."),
    Bad("ks2-scaled-score-of-130", [("ks2.csv", csv_bytes(KS2_HEADER, [KS2_ROWS[0][:-3] + "130", KS2_ROWS[1]]))],
        "ks2.csv, line 2, column READ_AVERAGE: expected a number from 80 to 120, found '130'."),
    Bad("census-eal-of-101", [("census.csv", csv_bytes(CENSUS_HEADER, [CENSUS_ROWS[0].replace(",8.0,", ",101,"), CENSUS_ROWS[1]]))],
        "census.csv, line 2, column PNUMEAL: expected a number from 0 to 100, found '101'."),
    Bad("census-negative-roll", [("census.csv", csv_bytes(CENSUS_HEADER, [CENSUS_ROWS[0].replace(",1000,", ",-1,"), CENSUS_ROWS[1]]))],
        "census.csv, line 2, column NOR: expected a whole number of 0 or more, found '-1'."),
    Bad("text-in-a-number-cell", [("ks4.csv", ks4(KS4_ROWS[0].replace("0.05", "oops"), *KS4_ROWS[1:]))],
        f"ks4.csv, line 2, column P8CILOW: {NUMBER_OR_CODE}, found 'oops'."),
    Bad("urn-not-a-number", [("ks4.csv", ks4(KS4_ROWS[0].replace("111111", "11111x"), *KS4_ROWS[1:]))],
        "ks4.csv, line 2, column URN: expected a school URN (a whole number), found '11111x'."),
    Bad("urn-of-zero", [("ks4.csv", ks4(KS4_ROWS[0].replace("111111", "0"), *KS4_ROWS[1:]))],
        "ks4.csv, line 2, column URN: expected a school URN (a whole number), found '0'."),
    # Required columns.
    Bad("ks4-without-its-ci-columns", [("ks4.csv", ks4(header=KS4_HEADER.replace("P8CILOW", "P8CI_LOWER")))],
        "ks4.csv: this KS4 results file has no P8CILOW column, which this kind of file needs.", report=False),
    Bad("ks4-without-schname", [("ks4.csv", ks4(*[r.replace(",Alpha School", "").replace(",Beta School", "").replace(",Delta Special", "")
                                                   for r in KS4_ROWS], header=KS4_HEADER.replace(",SCHNAME", "")))],
        "ks4.csv: this KS4 results file has no SCHNAME column, which this kind of file needs.", report=False),
    Bad("ks2-without-schname", [("ks2.csv", csv_bytes(KS2_HEADER.replace(",SCHNAME", ""), ["1,936,333333,CY,0,60,71%,1.2,-0.3,2.7,0.5,-1.0,2.0,-0.4,-1.9,1.1,105"]))],
        "ks2.csv: this KS2 results file has no SCHNAME column, which this kind of file needs.", report=False),
    # Text that is not CSV text.
    Bad("binary-file", [("results.csv", b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00binary")],
        "results.csv: not a CSV text file: line 1 holds NUL bytes (it looks like a binary file, or text saved as UTF-16). "
        "Save it as CSV (UTF-8) and try again.", report=False),
    Bad("utf-16-file", [("ks4.csv", "\n".join([KS4_HEADER, *KS4_ROWS]).encode("utf-16"))],
        "ks4.csv: not a CSV text file: line 1 holds NUL bytes (it looks like a binary file, or text saved as UTF-16). "
        "Save it as CSV (UTF-8) and try again.", report=False),
    Bad("control-character", [("ks4.csv", ks4(KS4_ROWS[0].replace("Alpha", "Al\x07pha"), *KS4_ROWS[1:]))],
        "ks4.csv: not a CSV text file: line 2 holds a control character (byte 0x07). Save it as CSV (UTF-8) and try again.",
        report=False),
    Bad("nul-byte-in-a-cell", [("ks4.csv", ks4(*KS4_ROWS[:2], KS4_ROWS[2].replace("Delta", "Del\x00ta")))],
        "ks4.csv: not a CSV text file: line 4 holds NUL bytes (it looks like a binary file, or text saved as UTF-16). "
        "Save it as CSV (UTF-8) and try again.", report=False),
    Bad("empty-file", [("ks4.csv", b"")], "ks4.csv: the file is empty.", report=False),
    Bad("header-only-ks4", [("ks4.csv", (KS4_HEADER + "\n").encode())], "ks4.csv: the file has a header but no rows.", report=False),
    Bad("not-a-kind-this-tool-imports", [("destinations.csv", b"LA,URN,OVERALL_DESTPER\n936,1,92\n")],
        "destinations.csv: not a file kind this tool imports. It takes KS4 and KS2 results and school information "
        "(performance tables or Explore Education Statistics), the school census (performance tables, or the "
        "school-level data of Schools, pupils and their characteristics), SEN by school, pupil absence by school, "
        "school information (spine), GIAS establishments and links, DfE's Progress 8 estimates and SD, DfE's lowest "
        "pupil scores (caps), and the IDACI file of the Indices of Deprivation 2019 or 2025.", report=False),
    Bad("damaged-workbook", [("idaci.xlsx", b"not really a workbook")],
        "idaci.xlsx: not a readable Excel workbook (BadZipFile).", report=False),
    # National reference tables.
    Bad("estimate-group-35", [("p8.csv", b"ks2emss_grp,p8est\n1,15.9\n35,80.1\n")],
        "p8.csv, line 3, column ks2emss_grp: expected a whole number from 1 to 34, found '35'.", year=2024),
    Bad("estimate-group-twice", [("p8.csv", b"ks2emss_grp,p8est\n1,15.9\n1,16.6\n")],
        "p8.csv, line 3, column ks2emss_grp: this group (1) is also on line 2; each may appear once.", year=2024),
    Bad("estimate-missing", [("p8.csv", b"ks2emss_grp,p8est\n1,15.9\n2,\n")],
        "p8.csv, line 3, column p8est: expected a number, found ''.", year=2024),
    Bad("national-sd-of-zero", [("sd.csv", b"Progress 8,Progress 8 English element\n0,1.6\n")],
        "sd.csv, line 2, column Progress 8: expected a number from 0.01 to 5, found '0'.", year=2024),
    Bad("national-sd-twice", [("sd.csv", b"Progress 8\n1.4\n1.5\n")],
        "sd.csv: expected one row of national SDs, found 2.", year=2024, report=False),
    Bad("gias-link-not-a-urn", [("links.csv", b'"URN","LinkURN","LinkType"\n111111,abc,"Successor"\n')],
        "links.csv, line 2, column LinkURN: expected a school URN (a whole number), found 'abc'."),
    # Years.
    Bad("year-minus-1", [("ks4.csv", ks4())], f"argument --year: The year must be between 1990 and {LAST} (the year of the "
        "summer exams: 2018-19 is 2019), not -1. (`python -m benchmarking import-dfe --help` lists the options)",
        report=False, page=False, args=["import-dfe", "{ks4.csv}", "--year", "-1"]),
    Bad("year-99999", [("ks4.csv", ks4())], f"argument --year: The year must be between 1990 and {LAST} (the year of the "
        "summer exams: 2018-19 is 2019), not 99999. (`python -m benchmarking import-dfe --help` lists the options)",
        report=False, page=False, args=["import-dfe", "{ks4.csv}", "--year", "99999"]),
    Bad("folder-year-out-of-range", [("2050-2051/ks4.csv", ks4())],
        f"The year must be between 1990 and {LAST} (the year of the summer exams: 2018-19 is 2019), not 2051.",
        report=False, page=False, args=["import-dfe", "{2050-2051/ks4.csv}"]),
    Bad("no-year-at-all", [("loose/ks4.csv", ks4())],
        "ks4.csv: cannot tell the year of this KS4 results file. Put it in a folder named like 2018-2019, or give the year "
        "(--year 2019: the year of the summer exams).", report=False, page=False, args=["import-dfe", "{loose/ks4.csv}"]),
    # Pupil files.
    Bad("header-only-pupil-file", [("p.csv", (PUPIL_HEADER + "\n").encode())], "p.csv: the file has a header but no pupils.",
        kind="pupils", report=False),
    Bad("pupil-file-missing-columns", [("p.csv", b"pupil_id,urn\nP1,111111\n")],
        "p.csv: missing columns key_stage, prior_attainment, disadvantaged, sen, eal, sex. The template's columns are: "
        "pupil_id, urn, key_stage, prior_attainment, attainment8, english_grade, maths_grade, ks2_read, ks2_writ, ks2_mat, "
        "disadvantaged, sen, eal, sex.", kind="pupils", report=False),
    Bad("pupil-id-a-upn", [("p.csv", pupils(PUPIL_OK, "A123456789012,111111,KS4,100,40,N,N,N,F"))],
        "p.csv, line 3, column pupil_id: this id looks like a UPN; use a pseudonymous id (UPNs identify pupils).", kind="pupils"),
    Bad("pupil-id-a-name", [("p.csv", pupils(PUPIL_OK, "Mary Smith,111111,KS4,100,40,N,N,N,F"))],
        "p.csv, line 3, column pupil_id: this id looks like a name; use a pseudonymous id.", kind="pupils"),
    Bad("ks4-pupils-at-a-primary", [("p.csv", pupils(PUPIL_OK, "P002,333333,KS4,100,40,N,N,N,F"))],
        "p.csv, line 3, column key_stage: KS4 pupils cannot be at a primary school; check the URN or the key stage.", kind="pupils"),
    Bad("ks2-pupils-at-a-secondary", [("p.csv", pupils("P003,111111,KS2,15,,N,N,N,F"))],
        "p.csv, line 2, column key_stage: KS2 pupils cannot be at a secondary school; check the URN or the key stage.", kind="pupils"),
    Bad("pupil-at-an-unknown-school", [("p.csv", pupils("P004,999999,KS4,100,40,N,N,N,F"))],
        "p.csv, line 2, column urn: this URN is not in the store; import the school's DfE files first, or check the URN.", kind="pupils"),
    Bad("pupil-twice", [("p.csv", pupils(PUPIL_OK, PUPIL_OK.replace(",40,", ",41,")))],
        "p.csv, line 3, column pupil_id: this pupil id appears on an earlier line; each pupil must appear once.", kind="pupils"),
    Bad("pupil-infinite-score", [("p.csv", pupils(PUPIL_OK.replace(",100,", ",inf,")))],
        "p.csv, line 2, column prior_attainment: expected a number or a blank.", kind="pupils"),
    Bad("pupil-binary-file", [("p.csv", b"\x00\x01\x02\x03")],
        "p.csv: not a CSV text file: line 1 holds NUL bytes (it looks like a binary file, or text saved as UTF-16). "
        "Save it as CSV (UTF-8) and try again.", kind="pupils", report=False),
]
assert len(CORPUS) >= 40 and len({bad.id for bad in CORPUS}) == len(CORPUS)


@pytest.fixture(scope="module")
def base_db(tmp_path_factory) -> Path:
    """A small store from hand-made DfE files: two secondaries, a special school and two primaries."""
    folder = tmp_path_factory.mktemp("base") / "2018-2019"
    write_csv(folder / "ks4.csv", "\n".join([KS4_HEADER, *KS4_ROWS]) + "\n")
    write_csv(folder / "ks2.csv", "\n".join([KS2_HEADER, *KS2_ROWS]) + "\n")
    write_csv(folder / "census.csv", "\n".join([CENSUS_HEADER, *CENSUS_ROWS]) + "\n")
    db = folder.parent / "base.duckdb"
    import_dfe(db, [folder])
    return db


def _write_files(bad: Bad, folder: Path) -> list[Path]:
    paths = []
    for name, raw in bad.files:
        path = folder / bad.id / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(raw)
        paths.append(path)
    return paths


@pytest.mark.parametrize("bad", CORPUS, ids=[bad.id for bad in CORPUS])
def test_the_command_line_refuses_each_bad_input_with_its_exact_message(bad, base_db, tmp_path, capsys):
    before = table_fingerprints(base_db)
    paths = _write_files(bad, tmp_path)
    if bad.args:
        named = {name: str(path) for (name, _), path in zip(bad.files, paths)}
        args = [named[a[1:-1]] if a.startswith("{") else a for a in bad.args]
    elif bad.kind == "pupils":
        args = ["import-pupils", str(paths[0]), "--year", str(bad.year)]
    else:
        args = ["import-dfe", *map(str, paths), "--year", str(bad.year)]
    try:
        status = main(["--db", str(base_db), *args])
    except SystemExit as exit_:  # argparse refuses a bad argument before the command runs
        status = exit_.code
    err = capsys.readouterr().err.strip().splitlines()
    assert status == 1
    assert err[-1] == ("error: nothing was imported. " if bad.report else "error: ") + bad.message
    assert table_fingerprints(base_db) == before
    assert leftovers(base_db) == []


@pytest.fixture(scope="module")
def data_page(base_db):
    """The Data page on the base store, in one AppTest that every case uploads to in turn."""
    import os

    previous = os.environ.get("BENCHMARKING_DB")
    os.environ["BENCHMARKING_DB"] = str(base_db)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120).switch_page("pages/data.py").run()
    assert not at.exception
    yield at
    if previous is None:
        os.environ.pop("BENCHMARKING_DB")
    else:
        os.environ["BENCHMARKING_DB"] = previous


@pytest.mark.parametrize("bad", [b for b in CORPUS if b.page], ids=[b.id for b in CORPUS if b.page])
def test_the_data_page_refuses_each_bad_input_with_its_exact_message(bad, base_db, data_page):
    before = table_fingerprints(base_db)
    at = data_page
    uploader, button = (0, 0) if bad.kind == "dfe" else (1, 1)
    if bad.kind == "dfe":
        at.number_input[0].set_value(bad.year)
    files = [(Path(name).name, raw, "text/csv") for name, raw in bad.files]
    at.file_uploader[uploader].set_value(files if bad.kind == "dfe" else files[0])
    at.button[button].click().run()
    assert not at.exception, [e.message for e in at.exception]
    # Shown as text: the message is escaped so that nothing in a file is read as Markdown.
    assert [e.value for e in at.error] == [f"Nothing was imported: the store is as it was. {plain(bad.message)}"]
    if bad.report:
        assert any(h.value.startswith("Validation report:") for h in at.subheader)
    assert table_fingerprints(base_db) == before
    at.file_uploader[uploader].set_value(None)
