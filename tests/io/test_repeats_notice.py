"""QA (qa12 F14): a tune whose repeats and endings were written out as played opened without a
word, though its bars (and the bar numbers Fill's --bars takes) are the played ones. Now the
score carries a notice with both lengths in bars; a tune without repeats has none. ABC and
MusicXML files written here, read by Composer's readers."""

from __future__ import annotations

from composer.io import read_score

REEL = """X:1
T:Reel with endings
M:4/4
L:1/8
K:D
A|:FAAF BAFA|dBAF ABde|fBBA Bcde|1 fedB AFEA:|2 fedB AFED||
|:fabf bafa|dfaf gfef|1 gfef gbag|fedB AFED:|2 gfeg fedB|AFEF D4|]
"""


def _musicxml(repeat: bool) -> str:
    measures = []
    for number, step in ((1, "C"), (2, "D"), (3, "E")):
        attributes = ("<attributes><divisions>1</divisions><key><fifths>0</fifths></key>"
                      "<time><beats>4</beats><beat-type>4</beat-type></time></attributes>") if number == 1 else ""
        start = '<barline location="left"><repeat direction="forward"/></barline>' if repeat and number == 2 else ""
        end = '<barline location="right"><repeat direction="backward"/></barline>' if repeat and number == 3 else ""
        note = f"<note><pitch><step>{step}</step><octave>4</octave></pitch><duration>4</duration><type>whole</type></note>"
        measures.append(f'<measure number="{number}">{attributes}{start}{note}{end}</measure>')
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<score-partwise version="3.1"><part-list>'
            '<score-part id="P1"><part-name>Flute</part-name></score-part></part-list>'
            f'<part id="P1">{"".join(measures)}</part></score-partwise>\n')


def test_abc_repeats_and_endings_are_said(tmp_path):
    path = tmp_path / "reel.abc"
    path.write_text(REEL)
    score = read_score(path)
    assert "repeats" in score.features
    assert score.notices == ("repeats written out as played: 16 bars from 11 written; bar numbers count played bars",)


def test_musicxml_repeats_are_said(tmp_path):
    path = tmp_path / "repeat.musicxml"
    path.write_text(_musicxml(repeat=True))
    score = read_score(path)
    assert [n.pitch for n in score.sorted_notes()] == [60, 62, 64, 62, 64]
    assert score.notices == ("repeats written out as played: 5 bars from 3 written; bar numbers count played bars",)


def test_no_repeats_no_notice(tmp_path):
    (tmp_path / "plain.musicxml").write_text(_musicxml(repeat=False))
    (tmp_path / "plain.abc").write_text("X:1\nT:Plain\nM:4/4\nL:1/4\nK:C\nC D E F | G A B c |]\n")
    assert read_score(tmp_path / "plain.musicxml").notices == () and read_score(tmp_path / "plain.abc").notices == ()
