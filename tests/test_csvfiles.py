from benchmarking.csvfiles import read_header, read_text_table
from tests.conftest import write_csv


def test_bom_is_stripped_from_the_first_column_name(tmp_path):
    path = write_csv(tmp_path / "a.csv", "RECTYPE,URN\n1,100\n")
    assert read_header(path) == ["RECTYPE", "URN"]
    assert read_text_table(path).columns.tolist() == ["RECTYPE", "URN"]


def test_windows_1252_files_decode(tmp_path):
    path = write_csv(tmp_path / "links.csv", '"URN","LinkName"\n1,"St Mary\u2019s C of E"\n', encoding="cp1252")
    assert read_text_table(path)["LinkName"][0] == "St Mary\u2019s C of E"


def test_short_rows_are_padded_and_long_rows_trimmed(tmp_path):
    path = write_csv(tmp_path / "ragged.csv", "A,B,C\n1\n1,2,3,extra,more\n")
    table = read_text_table(path)
    assert table.values.tolist() == [["1", "", ""], ["1", "2", "3"]]
