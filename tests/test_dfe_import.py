"""The DfE importer on small hand-made files (every rule, hand-checked) and on the real files."""
import math

import pytest

from benchmarking.errors import BenchmarkingError
from benchmarking.importers.dfe import detect_kind, import_dfe, year_from_path
from benchmarking.importers.problems import FileProblem
from benchmarking.store import sql_text
from tests.conftest import query, table_fingerprints, write_csv

KS4 = """RECTYPE,LEA,ESTAB,URN,SCHNAME,ICLOSE,NFTYPE,TPUP,ATT8SCR,P8PUP,P8MEA,P8CILOW,P8CIUPP,PTL2BASICS_94,P8_BANDING
1,936,4001,111111,Alpha School,0,AC,150,50.1,140,0.25,0.05,0.45,70.0%,2
1,936,4002,222222,Beta School,0,CY,4,SUPP,4,SUPP,SUPP,SUPP,SUPP,SUPP
1,936,4003,333333,Gamma College,1,IND,NA,NA,NA,NA,NA,NA,NA,NA
2,936,7001,444444,Delta Special,0,CYS,12,10.5,11,-1.5,-2.3,-0.7,5.0%,5
1,936,4004,666666,Epsilon School,0,FD,120,44.0,110,LOWCOV,LOWCOV,LOWCOV,,
4,936,,,,,,,,,,,,,
7,,,,,,,500000,46.5,480000,-0.03,,,64.4%,
"""
CENSUS = """URN,LA,ESTAB,SCHOOLTYPE,NOR,PNUMFSMEVER,PNUMEAL,PSENELK,PSENELSE
555555,936,4001,State-funded secondary,1000,20.5,8.0,11.0,1.5
222222,936,4002,State-funded secondary,300,NA,5.0,10.0,2.0
NAT,,,,8000000,23.0,19.0,12.0,3.0
"""
LINKS = '''"URN","LinkURN","LinkName","LinkType","LinkEstablishedDate"
111111,555555,"Alpha Academy","Successor","01-09-2018"
555555,111111,"Alpha School","Predecessor","01-09-2018"
'''
KS2 = """RECTYPE,LEA,ESTAB,URN,SCHNAME,NFTYPE,ICLOSE,TELIG,TKS1AVERAGE,PTFSM6CLA1A,PTRWM_EXP,READPROG,READPROG_LOWER,READPROG_UPPER,WRITPROG,WRITPROG_LOWER,WRITPROG_UPPER,MATPROG,MATPROG_LOWER,MATPROG_UPPER
1,936,4001,111111,Alpha School,AC,0,60,16.1,12%,71%,1.2,-0.3,2.7,0.5,-1.0,2.0,-0.4,-1.9,1.1
3,936,,,,,,,,,,,,,,,,,,
"""


def results(db, urn, measure):
    frame = query(db, "SELECT * FROM results WHERE urn = ? AND measure = ?", [urn, measure])
    return frame.iloc[0] if len(frame) else None


def make_year(tmp_path, **files):
    folder = tmp_path / "2018-2019"
    for name, text in files.items():
        write_csv(folder / name, text, encoding="cp1252" if name.endswith("links.csv") else "utf-8-sig")
    return folder


def test_kinds_are_detected_from_headers():
    assert detect_kind(KS4.splitlines()[0].split(",")).name == "ks4"
    assert detect_kind(KS2.splitlines()[0].split(",")).name == "ks2"
    assert detect_kind(CENSUS.splitlines()[0].split(",")).name == "census"
    assert detect_kind(["URN", "LinkURN", "LinkName", "LinkType", "LinkEstablishedDate"]).name == "gias_links"
    assert detect_kind(["LA", "URN", "PERCTOT"]) is None


def test_ks4_values_confidence_intervals_counts_and_reasons_are_stored(tmp_path, db):
    import_dfe(db, [make_year(tmp_path, **{"ks4.csv": KS4})])
    p8 = results(db, 111111, "ks4_p8")
    assert (p8.year, p8.value, p8.ci_low, p8.ci_high, p8.n) == (2019, 0.25, 0.05, 0.45, 140)
    assert results(db, 111111, "ks4_basics_94").value == 70.0
    assert results(db, 111111, "ks4_p8_band_published").value == 2
    suppressed = results(db, 222222, "ks4_p8")
    assert math.isnan(suppressed.value) and suppressed.reason == "SUPP" and math.isnan(suppressed.ci_low)
    assert results(db, 333333, "ks4_att8").reason == "NA"
    assert results(db, 666666, "ks4_p8").reason == "LOWCOV"
    assert results(db, 666666, "ks4_basics_94").reason == "BLANK"
    # No missing value is ever stored as zero.
    assert query(db, "SELECT count(*) AS n FROM results WHERE reason IS NOT NULL AND value IS NOT NULL")["n"][0] == 0


def test_school_rows_are_typed_and_aggregate_rows_skipped(tmp_path, db):
    report = import_dfe(db, [make_year(tmp_path, **{"ks4.csv": KS4})])
    assert (report.stored[0].rows_read, report.stored[0].rows_skipped, report.stored[0].rows_stored) == (7, 2, 5)
    schools = query(db, "SELECT * FROM schools ORDER BY urn").set_index("urn")
    assert schools.loc[111111, "phase"] == "secondary" and bool(schools.loc[111111, "state_funded"])
    assert schools.loc[444444, "phase"] == "special" and not schools.loc[444444, "mainstream"]
    assert not schools.loc[333333, "state_funded"] and not schools.loc[333333, "is_open"]
    log = query(db, "SELECT * FROM import_log")
    assert log[["rows_read", "rows_stored", "rows_skipped", "status"]].values.tolist() == [[7, 5, 2, "stored"]]
    assert len(log["checksum"][0]) == 64


def test_a_urn_change_joins_census_context_through_gias_links(tmp_path, db):
    import_dfe(db, [make_year(tmp_path, **{"ks4.csv": KS4, "census.csv": CENSUS, "links.csv": LINKS})])
    context = query(db, "SELECT * FROM school_context WHERE year = 2019 ORDER BY urn").set_index("urn")
    assert context.loc[111111, "context_urn"] == 555555 and bool(context.loc[111111, "via_link"])
    assert context.loc[111111, "pct_disadvantaged"] == 20.5
    assert context.loc[222222, "context_urn"] == 222222 and not context.loc[222222, "via_link"]
    assert math.isnan(context.loc[222222, "pct_disadvantaged"])
    reason = query(db, "SELECT reason FROM context WHERE urn = 222222 AND measure = 'pct_disadvantaged'")
    assert reason["reason"][0] == "NA"


def test_reimporting_the_same_year_replaces_rows_without_duplicates(tmp_path, db):
    folder = make_year(tmp_path, **{"ks4.csv": KS4})
    import_dfe(db, [folder])
    before = query(db, "SELECT count(*) AS n FROM results")["n"][0]
    write_csv(folder / "ks4.csv", KS4.replace("0.25,0.05,0.45", "0.30,0.10,0.50"))
    import_dfe(db, [folder])
    assert query(db, "SELECT count(*) AS n FROM results")["n"][0] == before
    assert results(db, 111111, "ks4_p8").value == 0.30


def test_a_bad_cell_names_file_row_and_column_and_the_whole_import_changes_nothing(tmp_path, db):
    bad = KS4.replace("0.25,0.05,0.45", "0.25,oops,0.45")
    folder = make_year(tmp_path, **{"census.csv": CENSUS, "zz_ks4.csv": bad})
    with pytest.raises(FileProblem) as error:
        import_dfe(db, [folder])
    assert str(error.value) == ("zz_ks4.csv, line 2, column P8CILOW: expected a number or a DfE code "
                                "(SUPP, NE, NP, NA, LOWCOV, NEW, x, c, z, low...), found 'oops'.")
    # The census file was valid and read first, but nothing of it was stored: there is no store at all.
    assert not db.exists()


def test_a_failure_while_writing_leaves_the_store_as_it_was(tmp_path, db, monkeypatch):
    from benchmarking.store import Store

    import_dfe(db, [make_year(tmp_path, **{"census.csv": CENSUS})])
    before = table_fingerprints(db)
    original = Store.upsert

    def fail_on_results(self, table, frame):
        if table == "results":
            raise RuntimeError("disk full")
        return original(self, table, frame)

    monkeypatch.setattr(Store, "upsert", fail_on_results)
    with pytest.raises(RuntimeError):
        import_dfe(db, [make_year(tmp_path / "again", **{"ks4.csv": KS4})])
    assert table_fingerprints(db) == before


def test_the_year_comes_from_the_folder_or_the_option_or_the_import_says_how(tmp_path, db):
    assert year_from_path(tmp_path / "2016-2017" / "x" / "f.csv") == 2017
    loose = write_csv(tmp_path / "loose" / "ks4.csv", KS4)
    with pytest.raises(BenchmarkingError, match="--year 2019"):
        import_dfe(db, [loose])
    import_dfe(db, [loose], year=2018)
    assert results(db, 111111, "ks4_p8").year == 2018


def test_a_school_in_both_ks2_and_ks4_files_is_all_through(tmp_path, db):
    import_dfe(db, [make_year(tmp_path, **{"ks4.csv": KS4, "ks2.csv": KS2})])
    assert query(db, "SELECT phase FROM schools WHERE urn = 111111")["phase"][0] == "all-through"
    read = results(db, 111111, "ks2_read_progress")
    assert (read.value, read.ci_low, read.ci_high, read.n) == (1.2, -0.3, 2.7, 60)
    assert query(db, "SELECT value FROM context WHERE urn = 111111 AND measure = 'ks2_cohort_pct_disadvantaged'")["value"][0] == 12


def test_an_unknown_file_is_refused_when_named_and_skipped_inside_a_folder(tmp_path, db):
    folder = make_year(tmp_path, **{"ks4.csv": KS4, "absence.csv": "LA,URN,PERCTOT\n936,1,2.5\n"})
    with pytest.raises(BenchmarkingError, match="not a file kind this tool imports"):
        import_dfe(db, [folder / "absence.csv"])
    report = import_dfe(db, [folder])
    assert [name for name, _ in report.skipped] == ["absence.csv"]


# -- the real files -------------------------------------------------------------------------------

def test_real_england_2018_19_gives_every_state_funded_secondary_with_progress_8(dfe_dir, db):
    import_dfe(db, [dfe_dir / "2018-2019" / "england", dfe_dir / "gias" / "2021-05-06" / "2021_giaslinks.csv"])
    coverage = query(db, sql_text("progress8_coverage")).iloc[0]
    assert (coverage.year, coverage.schools, coverage.las) == (2019, 3182, 150)
    assert (coverage.with_context, coverage.context_via_urn_change) == (3182, 47)
    # Suppression codes as counted in the data README (school rows of the provisional file).
    reasons = query(db, "SELECT coalesce(reason, 'number') AS r, count(*) AS n FROM results "
                          "WHERE measure = 'ks4_p8' GROUP BY ALL").set_index("r")["n"].to_dict()
    assert reasons == {"number": 3525, "NA": 1376, "NE": 278, "SUPP": 138, "LOWCOV": 7, "BLANK": 171}
    national = query(db, "SELECT avg(value) AS mean, stddev(value) AS sd FROM results r JOIN schools s USING (urn) "
                           "WHERE measure = 'ks4_p8' AND s.state_funded AND s.mainstream AND value IS NOT NULL")
    assert round(national["mean"][0], 3) == -0.015 and round(national["sd"][0], 3) == 0.474


def test_the_performance_tables_absence_file_is_stored_in_its_own_year(real_england_db, dfe_dir):
    """england_abs.csv, in the 2018-19 tables, is 2017-18's absence: stored as 2018, every school's row, PPERSABS10's
    SUPP a missing value with its reason, and England's rows as national figures by phase."""
    log = query(real_england_db, "SELECT kind, year, rows_read, rows_stored, message FROM import_log WHERE file = 'england_abs.csv'")
    assert log[["kind", "year"]].values.tolist() == [["absence", 2018]]
    assert log["message"][0] == "absence of 2017-18 (the performance tables of a year publish the year before's absence)"
    found = query(real_england_db, "SELECT year, measure, count(value) AS n, count(*) FILTER (WHERE reason = 'SUPP') AS supp "
                                   "FROM results WHERE measure LIKE 'absence%' GROUP BY ALL ORDER BY measure")
    rows = [line for line in (dfe_dir / "2018-2019" / "england" / "england_abs.csv").read_text(encoding="utf-8-sig").splitlines()[1:]
            if line.split(",")[2].strip().isdigit()]
    assert found.values.tolist() == [[2018, "absence_overall", len(rows), 0], [2018, "absence_persistent", len(rows) - 864, 864]]
    national = query(real_england_db, "SELECT measure, grp, value FROM national_figures WHERE grouping = 'phase' ORDER BY ALL")
    assert national.values.tolist() == [["absence_overall", "primary", 4.0], ["absence_overall", "secondary", 5.5],
                                        ["absence_overall", "special", 10.1], ["absence_persistent", "primary", 8.2],
                                        ["absence_persistent", "secondary", 13.7], ["absence_persistent", "special", 28.8]]
    # A year of absence alone is not a year of results: 2019 stays the year pages and commands open on.
    assert query(real_england_db, sql_text("result_years"))["year"].tolist() == [2019]
    assert query(real_england_db, sql_text("latest_year"))["year"].tolist() == [2019]


@pytest.mark.parametrize("year, la, expected", [
    ("2016-2017", "la-815-north-yorkshire", 41), ("2016-2017", "la-850-hampshire", 69),
    ("2016-2017", "la-936-surrey", 53), ("2017-2018", "la-815-north-yorkshire", 42),
    ("2017-2018", "la-850-hampshire", 68), ("2017-2018", "la-936-surrey", 53),
    ("2018-2019", "la-936-surrey", 54), ("2018-2019", "la-815-north-yorkshire", 43),
])
def test_real_la_full_width_ks4_files_import_for_three_years(dfe_dir, db, year, la, expected):
    report = import_dfe(db, [dfe_dir / year / la])
    ks4 = [p for p in report.stored if p.kind.name == "ks4"]
    assert [p.variant for p in ks4] == ["provisional" if la.startswith("la-815") and year == "2018-2019" else "final"]
    coverage = query(db, sql_text("progress8_coverage"))
    assert coverage["schools"].tolist() == [expected]


@pytest.mark.parametrize("year, la, rows", [
    ("2016-2017", "la-850-hampshire", 331), ("2016-2017", "la-936-surrey", 235),
    ("2017-2018", "la-850-hampshire", 331), ("2017-2018", "la-936-surrey", 238),
    ("2018-2019", "la-850-hampshire", 334), ("2018-2019", "la-936-surrey", 242),
])
def test_real_la_ks2_files_import_for_three_years(dfe_dir, db, year, la, rows):
    files = [p for p in (dfe_dir / year / la).glob("*ks2*.csv")]
    report = import_dfe(db, files)
    assert report.stored[0].kind.name == "ks2" and report.stored[0].rows_read == rows
    progress = query(db, "SELECT count(value) AS present, count(*) AS total FROM results WHERE measure = 'ks2_read_progress'")
    assert 0.85 < progress["present"][0] / progress["total"][0] <= 1


def test_real_hampshire_2018_19_ks2_codes_match_the_data_readme(dfe_dir, db):
    import_dfe(db, [dfe_dir / "2018-2019" / "la-850-hampshire"])
    reasons = query(db, "SELECT coalesce(reason, 'number') AS r, count(*) AS n FROM results "
                          "WHERE measure = 'ks2_read_progress' GROUP BY ALL").set_index("r")["n"].to_dict()
    assert reasons == {"number": 321, "SUPP": 4, "NA": 1, "BLANK": 5}
    assert query(db, "SELECT count(*) AS n FROM context WHERE measure = 'pupils_on_roll' AND reason = 'NEW'")["n"][0] == 3


def test_real_gias_spine_and_older_census_files_import(dfe_dir, db):
    import_dfe(db, [dfe_dir / "gias" / "2021-05-06" / "2021_936_gias.csv",
                       dfe_dir / "gias" / "2022-04-20" / "20220420_gias.csv",
                       dfe_dir / "2018-2019" / "la-815-north-yorkshire" / "815_spine.csv",
                       dfe_dir / "2016-2017" / "la-815-north-yorkshire"])
    phases = query(db, "SELECT phase, count(*) AS n FROM schools GROUP BY ALL").set_index("phase")["n"]
    assert phases["primary"] > 500 and phases["secondary"] > 50
    np_codes = query(db, "SELECT count(*) AS n FROM context WHERE year = 2017 AND measure = 'pct_disadvantaged' AND reason = 'NP'")
    assert np_codes["n"][0] == 24


IDACI_RANK = "Income Deprivation Affecting Children Index (IDACI) Rank (where 1 is most deprived)"
IDACI_DECILE = "Income Deprivation Affecting Children Index (IDACI) Decile (where 1 is most deprived 10% of LSOAs)"


def write_idaci_workbook(path, ranks, lsoas="2011", sheet_name="IoD2019 IDACI & IDAOPI", codes=None):
    """A workbook shaped like MHCLG's supplementary indices file (File 3), with the given IDACI ranks: the
    IoD2019 one (2011 LSOAs) unless told otherwise."""
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "Notes"
    sheet = book.create_sheet(sheet_name)
    sheet.append([f"LSOA code ({lsoas})" if lsoas else "LSOA code", f"LSOA name ({lsoas})", IDACI_RANK, IDACI_DECILE])
    for i, rank in enumerate(ranks):
        code = codes[i] if codes else f"E0100000{i}"
        sheet.append([code, f"Area {i}", rank, min(10, (rank - 1) * 10 // 32844 + 1)])
    book.save(path)
    return path


def test_area_deprivation_joins_schools_through_their_gias_lsoa(tmp_path, db):
    # Ranks across all of England's 32,844 areas: the percentile is among them all, never among the file's rows.
    workbook = write_idaci_workbook(tmp_path / "idaci.xlsx", [1, 8212, 16423, 24633, 32844])
    gias = write_csv(tmp_path / "gias.csv", '"URN","LA (code)","EstablishmentName","PhaseOfEducation (name)","LSOA (code)"\n'
                                            '"111111","936","Alpha School","Secondary","E01000003"\n', encoding="utf-8")
    import_dfe(db, [workbook, gias])
    areas = query(db, "SELECT * FROM area_deprivation ORDER BY idaci_rank")
    assert areas["area_deprivation"].round(1).tolist() == [100.0, 75.0, 50.0, 25.0, 0.0]  # rank 1 is the most deprived
    assert set(areas["index_name"]) == {"IoD2019"}
    joined = query(db, "SELECT area_deprivation, area_index FROM school_area WHERE urn = 111111")
    assert joined.round(1).values.tolist() == [[25.0, "IoD2019"]]


def test_each_school_takes_the_index_of_its_lsoa_codes_vintage(tmp_path, db):
    # E01000001 is in both indices, E01000002 only among the 2011 areas (split in 2021), E01035000 only among the
    # 2021 areas (new in 2021): the newest index a code is in gives the school's area deprivation.
    old = write_idaci_workbook(tmp_path / "File_3_IoD2019.xlsx", [100, 200], codes=["E01000001", "E01000002"])
    new = write_idaci_workbook(tmp_path / "File_3_IoD2025.xlsx", [3000, 4000], lsoas="2021",
                               sheet_name="IoD2025 IDACI", codes=["E01000001", "E01035000"])
    rows = "".join(f'"{urn}","936","School {urn}","Primary","{code}"\n'
                   for urn, code in ((111, "E01000001"), (222, "E01000002"), (333, "E01035000")))
    gias = write_csv(tmp_path / "gias.csv", '"URN","LA (code)","EstablishmentName","PhaseOfEducation (name)","LSOA (code)"\n'
                     + rows, encoding="utf-8")
    import_dfe(db, [old, new, gias])
    found = query(db, "SELECT urn, area_index, round(area_deprivation, 2) AS p FROM school_area ORDER BY urn")
    assert found.values.tolist() == [[111, "IoD2025", round(100 * (1 - 2999 / 33754), 2)],
                                     [222, "IoD2019", round(100 * (1 - 199 / 32843), 2)],
                                     [333, "IoD2025", round(100 * (1 - 3999 / 33754), 2)]]


def test_an_idaci_file_of_unknown_vintage_is_refused_with_how_to_mend_it(tmp_path, db):
    unknown = write_idaci_workbook(tmp_path / "idaci.xlsx", [1, 2], lsoas="", sheet_name="IDACI")
    with pytest.raises(BenchmarkingError, match="cannot tell whether this IDACI file is the 2019 or the 2025 index"):
        import_dfe(db, [unknown])
    assert not db.exists()


def test_other_workbooks_in_a_folder_are_skipped(tmp_path, db):
    import openpyxl

    openpyxl.Workbook().save(tmp_path / "abbreviations.xlsx")
    report = import_dfe(db, [tmp_path])
    assert [name for name, _ in report.skipped] == ["abbreviations.xlsx"]


def test_real_idaci_workbook_and_surrey_gias_import(dfe_dir, db):
    import_dfe(db, [dfe_dir / "deprivation", dfe_dir / "gias" / "2021-05-06" / "2021_936_gias.csv"])
    assert query(db, "SELECT count(*) AS n FROM area_deprivation")["n"][0] == 32844
    assert query(db, "SELECT count(*) AS n FROM school_area")["n"][0] == 590


def test_every_bad_cell_is_reported_not_just_the_first(tmp_path, db):
    bad = KS4.replace("0.25,0.05,0.45", "0.25,oops,0.45").replace("1,936,4004,666666,Epsilon School,0,FD,120,44.0",
                                                                    "1,936,4004,666666,Epsilon School,0,FD,lots,44.0")
    bad = bad.replace("2,936,7001,444444", "2,936,7001,notaurn")
    with pytest.raises(FileProblem) as error:
        import_dfe(db, [write_csv(tmp_path / "2018-2019" / "ks4.csv", bad)])
    where = sorted((p.line, p.column) for p in error.value.problems)
    assert where == [(2, "P8CILOW"), (5, "URN"), (6, "TPUP")]
    assert str(error.value).endswith("(2 more problems in the file.)")
    assert not db.exists()


def test_a_bad_cell_in_an_integer_column_gets_a_report_not_a_crash(tmp_path, db):
    estimates = write_csv(tmp_path / "2024" / "p8.csv", "ks2emss_grp,p8est\n1,15.9\nx,16.6\n")
    with pytest.raises(FileProblem) as error:
        import_dfe(db, [estimates])
    assert [(p.line, p.column) for p in error.value.problems] == [(3, "ks2emss_grp")]
    workbook = write_idaci_workbook(tmp_path / "idaci.xlsx", [1, 2, 3])
    import openpyxl

    book = openpyxl.load_workbook(workbook)
    book["IoD2019 IDACI & IDAOPI"]["C3"] = "n/a"
    book.save(workbook)
    with pytest.raises(FileProblem) as error:
        import_dfe(db, [workbook])
    assert [p.line for p in error.value.problems] == [3]
    assert not db.exists()


def test_a_years_whole_folder_of_england_and_la_files_imports_with_the_las_final_figures_kept(dfe_dir, db, capsys):
    """The 2018-19 folder holds England's headline files and the LAs' own (full-width, and Surrey's final): the
    same schools in both are not an error; the later release, else the LA's own file, wins, and the import says so."""
    from benchmarking.cli import main

    assert main(["--db", str(db), "import-dfe", str(dfe_dir / "2018-2019")]) == 0
    printed = capsys.readouterr().out
    assert "2018-2019_936_ks4final.csv: KS4 results (final) 2019" in printed
    assert "130 schools also in england_ks4provisional.csv: this file's figures are kept (a later release)" in printed
    assert "schools also in england_census.csv: this file's figures are kept (the LA's own file)" in printed
    assert "figures replaced by 2018-2019_936_ks4final.csv's (a later release)" in printed
    surrey = query(db, "SELECT r.urn, r.value FROM results r JOIN schools s USING (urn) WHERE s.la_code = 936 "
                       "AND r.year = 2019 AND r.measure = 'ks4_p8' AND r.value IS NOT NULL").set_index("urn")["value"]
    final = query(db, "SELECT count(*) AS n FROM import_log WHERE file = '2018-2019_936_ks4final.csv'")["n"][0]
    assert final == 1 and len(surrey) > 40
    # Every other LA's schools come from England's file: the folder gives all of England.
    assert query(db, "SELECT count(DISTINCT s.la_code) AS n FROM results r JOIN schools s USING (urn) "
                     "WHERE r.year = 2019 AND r.measure = 'ks4_p8'")["n"][0] >= 140
    log = query(db, "SELECT message FROM import_log WHERE file = 'england_ks4provisional.csv'")["message"][0]
    assert "replaced by 2018-2019_936_ks4final.csv's" in log

