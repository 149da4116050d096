"""ABC voices keep their order and their names (V:1 name="Fiddle"), whether they are declared in
the body or in the header, as ABC 2.1 lays them out.

Found by QA: a two-voice tune (V:1 name="Fiddle", V:2 name="Cello" clef=bass) opened with the
cello's line as "Voice 1" and the fiddle's as "Voice 2" (declaring V:2 dropped V:1 while it was
still empty, so it came back second); declared before K:, the voices became four, two of them
empty, the music in "Voice 3" and "Voice 4". Files the test writes, read through read_score."""

from __future__ import annotations

from composer.io import read_score

BODY_VOICES = """X:1
T:Two voices
M:3/4
L:1/8
K:G
V:1 name="Fiddle"
V:2 name="Cello" clef=bass
[V:1] D2|G2B2d2|e2c2A2|
[V:2] z2|G,,4D,2|C,4E,2|
"""

HEADER_VOICES = """X:1
T:Header voices
M:4/4
L:1/4
V:1 name="Flute" nm="Fl."
V:2 nm=Bsn clef=bass
K:C
V:1
cdef|g4|
V:2
C,D,E,F,|G,4|
"""


def voices(path):
    score = read_score(path)
    return [(v.name, [n.pitch for n in sorted(score.notes, key=lambda n: n.onset) if n.voice == i])
            for i, v in enumerate(score.voices)]


def test_voices_declared_in_the_body_keep_their_order_and_names(tmp_path):
    (tmp_path / "duet.abc").write_text(BODY_VOICES)
    assert voices(tmp_path / "duet.abc") == [("Fiddle", [62, 67, 71, 74, 76, 72, 69]),
                                             ("Cello", [43, 50, 48, 52])]


def test_voices_declared_in_the_header_are_the_tunes_voices(tmp_path):
    (tmp_path / "duet.abc").write_text(HEADER_VOICES)
    assert voices(tmp_path / "duet.abc") == [("Flute", [72, 74, 76, 77, 79]), ("Bsn", [48, 50, 52, 53, 55])]


def test_voices_without_names_are_numbered_in_file_order(tmp_path):
    (tmp_path / "duet.abc").write_text(BODY_VOICES.replace(' name="Fiddle"', "").replace(' name="Cello"', ""))
    assert [(name, pitches[0]) for name, pitches in voices(tmp_path / "duet.abc")] == [("Voice 1", 62), ("Voice 2", 43)]
