"""Reading CSV files as text: encodings, the file's own line numbers, and structure checks."""
import pytest

from benchmarking.errors import BenchmarkingError
from benchmarking.importers.problems import FileProblem, checking
from benchmarking.importers.text import LINE, check_widths, header_of, read_text_table
from tests.conftest import write_csv


def test_bom_is_stripped_from_the_first_column_name(tmp_path):
    path = write_csv(tmp_path / "a.csv", "RECTYPE,URN\n1,100\n")
    assert header_of(path.read_bytes()) == ["RECTYPE", "URN"]
    assert read_text_table(path).frame.columns.tolist()[:2] == ["RECTYPE", "URN"]


def test_windows_1252_files_decode(tmp_path):
    path = write_csv(tmp_path / "links.csv", '"URN","LinkName"\n1,"St Mary\u2019s C of E"\n', encoding="cp1252")
    assert read_text_table(path).frame["LinkName"][0] == "St Mary\u2019s C of E"


def test_a_multibyte_character_across_the_old_sniffing_boundary_is_read(tmp_path):
    # The header sniffer used to read 262,144 bytes and split "é" in two, refusing a valid file.
    header = "URN," + "X" * (262_144 - 5) + "é,SCHNAME\n"
    path = write_csv(tmp_path / "wide.csv", header + "1,a,b\n", encoding="utf-8")
    assert header_of(path.read_bytes())[1].endswith("é")


def test_line_numbers_are_the_files_own_with_blank_lines_and_multiline_cells_counted(tmp_path):
    path = write_csv(tmp_path / "a.csv", 'URN,NAME\n1,Alpha\n\n2,"Beta\nSchool"\n\n\n3,Gamma\n')
    table = read_text_table(path)
    assert table.frame[LINE].tolist() == [2, 4, 8]
    assert table.frame["NAME"].tolist() == ["Alpha", "Beta\nSchool", "Gamma"]
    assert table.last_line == 8


def test_short_and_long_rows_are_reported_unless_allowed(tmp_path):
    path = write_csv(tmp_path / "ragged.csv", "A,B,C\n1\n1,2,3,extra\n1,2,3\n4,5\n")
    table = read_text_table(path)
    assert table.frame[["A", "B", "C"]].values.tolist() == [["1", "", ""], ["1", "2", "3"], ["1", "2", "3"], ["4", "5", ""]]
    with pytest.raises(FileProblem) as error:
        with checking():
            check_widths(table, "ragged.csv")
    assert [str(p) for p in error.value.problems] == [
        "ragged.csv, line 2: the row has 1 fields where the header has 3.",
        "ragged.csv, line 3: the row has 4 fields where the header has 3.",
        "ragged.csv, line 5: the last row has 2 fields where the header has 3: the file looks cut off. Download it again."]
    with checking():  # GIAS's extra trailing fields, and DfE's omitted trailing empty fields, are allowed
        check_widths(table, "ragged.csv", short_ok=table.frame["A"] != "", long_ok=True)


def test_a_quote_never_closed_means_a_file_cut_off(tmp_path):
    path = write_csv(tmp_path / "cut.csv", 'URN,NAME\n1,Alpha\n2,"Beta Sch')
    with pytest.raises(BenchmarkingError, match=r"cut.csv, line 3: a quoted cell is never closed, so the file looks cut off"):
        read_text_table(path)


@pytest.mark.parametrize("raw, what", [
    (b"PK\x03\x04\x14\x00\x06\x00binary", "line 1 holds NUL bytes"),
    ("URN,NAME\n1,Alpha\x07\n".encode(), "line 2 holds a control character (byte 0x07)"),
    ("URN,NAME\n1,Alpha\n".encode("utf-16"), "line 1 holds NUL bytes"),
])
def test_binary_files_and_control_characters_are_refused_in_one_line(tmp_path, raw, what):
    path = tmp_path / "bad.csv"
    path.write_bytes(raw)
    with pytest.raises(BenchmarkingError) as error:
        read_text_table(path)
    assert str(error.value).startswith(f"bad.csv: not a CSV text file: {what}")
    assert "\n" not in str(error.value)
