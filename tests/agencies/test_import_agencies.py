from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from requests_app.agencies.importer import ImportFileError, import_agencies
from requests_app.agencies.models import Agency, AlprVendor
from tests.factories import AgencyFactory, state

pytestmark = pytest.mark.django_db

FILES = Path(__file__).parent / "files"
HEADER = b"name,state,kind,email,portal_url,address,phone,alpr_vendor,notes\n"


def run(path: Path) -> tuple[str, int]:
    """The command's output and exit code."""
    from io import StringIO

    out = StringIO()
    try:
        call_command("import_agencies", str(path), stdout=out)
    except CommandError as exc:
        return out.getvalue() + f"\nERROR {exc}", exc.returncode
    return out.getvalue(), 0


def test_it_imports_a_good_file():
    output, code = run(FILES / "good.csv")
    assert code == 0
    assert output.splitlines()[0] == "imported 5, updated 0, rejected 0"
    eugene = Agency.objects.get(name="Eugene Police Department")
    assert eugene.jurisdiction.code == "OR"
    assert eugene.kind == Agency.Kind.POLICE
    assert eugene.records_email == "records@eugene.example.gov"
    assert eugene.mailing_address == "300 Country Club Road\nEugene, OR 97401"
    assert [v.name for v in eugene.vendors.all()] == ["Flock Safety"]


def test_it_normalises_kinds_states_and_vendor_names():
    run(FILES / "good.csv")
    lane = Agency.objects.get(name="Lane County Sheriff's Office")
    assert lane.kind == Agency.Kind.SHERIFF
    assert sorted(v.name for v in lane.vendors.all()) == ["Flock Safety", "Motorola Solutions"]
    assert Agency.objects.get(name="Washington State Patrol").kind == Agency.Kind.STATE_PATROL
    assert Agency.objects.get(name="Federal Bureau of Investigation").jurisdiction.kind == "federal"
    assert Agency.objects.get(name="Springfield Parks Rangers").kind == Agency.Kind.OTHER
    assert AlprVendor.objects.count() == 2


def test_importing_the_same_file_twice_updates_and_never_duplicates():
    run(FILES / "good.csv")
    output, code = run(FILES / "good.csv")
    assert code == 0
    assert output.splitlines()[0] == "imported 0, updated 5, rejected 0"
    assert "5 of the updated agencies already matched the file." in output
    assert Agency.objects.count() == 5


def test_it_matches_existing_agencies_ignoring_case_and_spacing(tmp_path):
    existing = AgencyFactory(name="Eugene Police Department", jurisdiction=state("OR"), phone="111-555-0000")
    path = tmp_path / "a.csv"
    path.write_bytes(HEADER + b"EUGENE  police department,or,police,new@eugene.example.gov,,,,,\n")
    output, code = run(path)
    assert output.splitlines()[0] == "imported 0, updated 1, rejected 0"
    existing.refresh_from_db()
    assert existing.records_email == "new@eugene.example.gov"
    assert existing.name == "Eugene Police Department"


def test_blank_cells_never_erase_what_is_stored(tmp_path):
    run(FILES / "good.csv")
    path = tmp_path / "partial.csv"
    path.write_bytes(HEADER + b"Eugene Police Department,OR,police,,,,,,\n")
    run(path)
    eugene = Agency.objects.get(name="Eugene Police Department")
    assert eugene.records_email == "records@eugene.example.gov"
    assert eugene.phone == "(541) 555-0100"
    assert eugene.vendors.count() == 1


def test_the_same_name_in_another_state_is_another_agency(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(HEADER + b"Springfield Police Department,OR,police,,,,,,\nSpringfield Police Department,IL,police,,,,,,\n")
    assert run(path)[0].splitlines()[0] == "imported 2, updated 0, rejected 0"


def test_it_rejects_bad_rows_with_line_numbers_and_imports_the_rest():
    output, code = run(FILES / "bad.csv")
    assert code == 1
    assert output.splitlines()[0] == "imported 1, updated 0, rejected 9"
    for expected in [
        "line 3 (Nowhere PD): unknown state 'ZZ'",
        "line 4 (Bad Email PD): malformed email 'not-an-email'",
        "line 5 (Bad Url PD): malformed portal_url 'ftp://files.example.gov'",
        "line 6 (Bad Kind PD): unknown kind 'constable'",
        "line 7: name is empty",
        "line 8 (Short Row PD): has 3 fields but the header has 9",
        "line 9 (Good PD): same agency as line 2",
        "line 10 (Bad Phone PD): malformed phone 'call us'",
        "line 11 (Caf? Police Department): contains bytes that are not UTF-8 (in name)",
    ]:
        assert expected in output
    assert "9 row(s) rejected" in output
    assert list(Agency.objects.values_list("name", flat=True)) == ["Good PD"]


def test_it_lists_every_problem_of_a_row():
    output, _ = run_bytes(HEADER + b"Two Problems PD,ZZ,police,bad@,,,,,\n")
    assert "unknown state 'ZZ'" in output and "malformed email 'bad@'" in output


def run_bytes(data: bytes) -> tuple[str, int]:
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".csv") as handle:
        handle.write(data)
        handle.flush()
        return run(Path(handle.name))


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "the file is empty"),
        (b"name,state,kind\nX PD,WA,police\n", "missing columns: email, portal_url, address, phone, alpr_vendor, notes"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "missing columns"),
        (b"name,name,state,kind,email,portal_url,address,phone,alpr_vendor,notes\n", "repeated column names"),
    ],
)
def test_it_refuses_an_unusable_file_and_imports_nothing(data, message):
    AgencyFactory(name="Already Here PD")
    output, code = run_bytes(data)
    assert code == 1
    assert message in output
    assert "nothing was imported" in output
    assert list(Agency.objects.values_list("name", flat=True)) == ["Already Here PD"]


def test_it_accepts_headers_in_any_case_and_order_with_a_bom(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(b"\xef\xbb\xbfState, Name ,KIND,Email,Portal URL,Address,Phone,ALPR Vendor,Notes\nWA,Seattle Police Department,police,,,,,,\n")
    assert run(path)[0].splitlines()[0] == "imported 1, updated 0, rejected 0"
    assert Agency.objects.get().name == "Seattle Police Department"


def test_a_nul_byte_rejects_its_row_not_the_file():
    output, code = run_bytes(HEADER + b"Null\x00 PD,WA,police,,,,,,\nFine PD,WA,police,,,,,,\n")
    assert code == 1
    assert "line 2 (Null? PD): contains control characters such as NUL (in name)" in output
    assert list(Agency.objects.values_list("name", flat=True)) == ["Fine PD"]


def test_a_missing_file_is_a_clear_error(tmp_path):
    output, code = run(tmp_path / "nope.csv")
    assert code == 1
    assert "cannot read" in output and "No such file" in output


def test_the_service_reports_without_the_command():
    report = import_agencies(data=(FILES / "good.csv").read_bytes())
    assert (report.imported, report.updated, report.rejected) == (5, 0, [])
    with pytest.raises(ImportFileError):
        import_agencies(data=b"   \n")


def test_the_demo_file_imports_cleanly(tmp_path):
    demo = Path(__file__).resolve().parents[2] / "requests_app/demo/data/demo_agencies.csv"
    shutil.copy(demo, tmp_path / "demo.csv")
    assert run(tmp_path / "demo.csv")[1] == 0
