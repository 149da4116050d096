"""The ABC pre-pass: splitting collections into tunes and screening hostile note lengths."""

from __future__ import annotations

import pytest

from composer.io.abc_text import MAX_NOTE_UNITS, decode, hostile_reason, split_tunes


def test_split_keeps_the_file_header_with_every_tune():
    text = "%abc\nL:1/4\n\nX:1\nT:A\nK:C\nCD|]\n\nX:2\nT:B\nK:G\nGA|]\n"
    tunes = split_tunes(text)
    assert len(tunes) == 2
    assert all(t.startswith("%abc\nL:1/4\n\n") for t in tunes)
    assert "T:A" in tunes[0] and "T:B" not in tunes[0] and "T:B" in tunes[1]


def test_text_without_reference_numbers_is_one_tune():
    assert split_tunes("T:A\nK:C\nCDE|]\n") == ["T:A\nK:C\nCDE|]\n"]


@pytest.mark.parametrize("body, hostile", [
    ("CDEF c8 d16 e32 |]", False),
    (f"CDEF z{MAX_NOTE_UNITS} |]", False),
    (f"CDEF z{MAX_NOTE_UNITS + 1} |]", True),
    ("CDEF ^c''9999 |]", True),
    ("CDEF [CEG]9999 |]", True),
    ("Z9999 | CDEF |]", False),  # a multi-bar rest counts bars: cheap for music21
    ('"G9999" CDEF !9999! |] % c99999', False),  # chord symbols, decorations, comments
    ("CDEF " + "c500 " * 3 + "|]", True),  # each allowed alone, too costly together
    ("CDEF |\nM:1000/1\n| CDEF |]", True),  # found by fuzzing: 26 s in music21
    ("CDEF [M:2+3+2/8] CDE |]", False),
    ("CDEF [M:60+9/8] CDE |]", True),
    ("CDEF z4M:1000/1 |]", True),  # music21 reads a field even in mid-line
    ("CDEF |\nM:[1000/1\n| CDEF |]", True),  # fuzzing: music21 skips the junk, 66 s
    ("CDEF |\nM:2+998/4\n| CDEF |]", True),
    ("[L:9999991/8] CDEF |]", True),
    ("[L:1/1] CDEF |]", False),
])
def test_hostile_reasons(body, hostile):
    tune = f"X:1\nT:t\nM:4/4\nL:1/8\nK:C\n{body}\nw:lyrics c99999\n"
    assert (hostile_reason(tune) is not None) == hostile


def test_decode_falls_back_to_windows_latin1():
    assert decode("T:Caf\xe9".encode("cp1252")) == "T:Caf\xe9"
    assert decode("\ufeffT:Caf\xe9".encode("utf-8")) == "T:Caf\xe9"
