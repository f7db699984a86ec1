"""Office files and PDFs judged by their bytes (DESIGN, "Input rules, round
three"): VBA projects however named, archives beyond the expansion limits, absurd
entry counts and nested archives, PDFs with active content; each refused (415)
without expanding the archive, and the ordinary files still accepted."""

from __future__ import annotations

import pytest

from shared.app.content import MAX_ENTRIES, judge_content
from shared.app.errors import UnsupportedContent
from shared.domain.documents import DOCX, PDF, PPTX, XLSX
from tests import hostile_documents as hostile

TYPES = {"docx": DOCX, "xlsx": XLSX, "pptx": PPTX}


def refusal(content: bytes) -> str:
    with pytest.raises(UnsupportedContent) as refused:
        judge_content(content)
    assert refused.value.details[0]["field"] == "file"
    return refused.value.message


@pytest.mark.parametrize("kind", sorted(hostile.OFFICE))
def test_an_office_file_without_macros_is_accepted(kind):
    assert judge_content(hostile.office(kind)) == TYPES[kind]


@pytest.mark.parametrize("how", [hostile.vba_by_content_type, hostile.vba_by_relationship, hostile.vba_by_file_name],
                         ids=lambda how: how.__name__)
@pytest.mark.parametrize("kind", sorted(hostile.OFFICE))
def test_a_vba_project_however_named_is_refused(kind, how):
    assert "macros" in refusal(how(kind))


def test_a_300_mib_part_is_refused_from_the_directory_without_expanding_it():
    bomb = hostile.zeros_docx()
    assert len(bomb) < 1024 * 1024, "a thousand times smaller than what it declares"
    assert "expand" in refusal(bomb)


def test_parts_expanding_more_than_100_times_the_file_are_refused():
    assert "expand" in refusal(hostile.ratio_docx())


def test_60000_entries_are_refused():
    assert f"at most {MAX_ENTRIES}" in refusal(hostile.many_entries_docx())


def test_a_nested_archive_is_refused():
    assert "another archive" in refusal(hostile.nested_zip_docx())


def test_a_chart_s_embedded_workbook_is_accepted_and_judged_as_a_package_of_its_own():
    assert judge_content(hostile.chart_docx()) == DOCX
    assert "macros" in refusal(hostile.chart_docx(hostile.vba_by_content_type("xlsx")))
    assert "another archive" in refusal(hostile.chart_docx(hostile.chart_docx()))


@pytest.mark.parametrize("name", hostile.ACTIVE_NAMES)
@pytest.mark.parametrize("written", ["plain", "escaped", "object stream"])
def test_a_pdf_with_active_content_is_refused(name, written):
    content = {"plain": hostile.pdf_with(name), "escaped": hostile.pdf_with(hostile.escaped(name)),
               "object stream": hostile.pdf_with_object_stream(name)}[written]
    if written != "object stream":
        assert (f"/{name} " in content.decode()) is (written == "plain")
    assert f"/{name}" in refusal(content)


def test_a_plain_pdf_and_one_with_an_ordinary_action_are_accepted():
    assert judge_content(hostile.PLAIN_PDF) == PDF
    assert judge_content(hostile.pdf_with("GoTo")) == PDF
    assert judge_content(hostile.pdf_with("URI")) == PDF


def test_pdf_names_are_case_sensitive():
    assert judge_content(hostile.pdf_with("Js")) == PDF
