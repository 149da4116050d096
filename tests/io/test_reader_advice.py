"""QA: a score file music21 cannot read must say what to do, not only music21's exception. A text
file named .abc said "not a readable .abc file (ABCHandlerException: no active default note length
provided for note processing. tPrev: None, token: <music21.abcFormat.ABCNote 'e'> ...)"; broken XML
and Humdrum files gave the exception alone. Files the test writes."""

from __future__ import annotations

import pytest

from composer.io import ScoreFileError, read_score


def test_a_text_that_is_no_abc_tune_says_what_an_abc_tune_looks_like(tmp_path):
    path = tmp_path / "notes.abc"
    path.write_text("hello world\nthis is not music\n")
    with pytest.raises(ScoreFileError) as error:
        read_score(path)
    message = str(error.value)
    assert message.startswith(str(path)) and "no ABC tune" in message and "X:" in message and "K:" in message
    assert "ABCHandlerException" not in message and "tPrev" not in message


def test_abc_notes_without_a_header_still_read(tmp_path):
    path = tmp_path / "bare.abc"
    path.write_text("L:1/8\nCDEF|GABc|\n")
    assert [n.pitch for n in read_score(path).notes] == [60, 62, 64, 65, 67, 69, 71, 72]


@pytest.mark.parametrize("suffix, text, advice", [
    (".xml", "hello", "export it again as MusicXML"),
    (".krn", "junk\n", "Humdrum **kern"),
])
def test_unreadable_xml_and_humdrum_say_what_to_do(tmp_path, suffix, text, advice):
    path = tmp_path / f"broken{suffix}"
    path.write_text(text)
    with pytest.raises(ScoreFileError, match=f"not a readable {suffix} file") as error:
        read_score(path)
    assert advice in str(error.value)
