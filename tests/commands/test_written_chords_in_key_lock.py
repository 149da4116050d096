"""Chords written or given over a region widen the automatic key lock by their tones: a tune in
A minor without a G# locked its E7 bars to G natural, and the added harmony comped them as E
minor or A minor (16 of 16 chords), the bass never playing G# (QA). The real command, the
shipped model, a lead sheet written here."""

from __future__ import annotations

import numpy as np

from composer.cli import main
from composer.io import read_score
from composer.model.region_writer import _chord_pitch_classes
from composer.music.chords import QUALITY_INDEX
from composer.music.region import Region
from composer.music.scales import Key

TUNE = """X:1
T:Minor with written chords
M:4/4
L:1/4
K:Am
"Am"A c e c|"Dm"d f a f|"E7"e B d B|"Am"A4|"C"c e g e|"G7"d B G B|"E7"E B, D E|"Am"A,4|
"""
BAR = 1920
E7_BARS = (2, 6)


def test_the_chords_over_the_region_add_the_tones_the_key_lacks():
    # rows onset, duration, root, quality (composer.music.chords.QUALITY_INDEX)
    rows = np.array([[0, BAR, 9, QUALITY_INDEX["min"]], [BAR, BAR, 4, QUALITY_INDEX["dom7"]],
                     [2 * BAR, BAR, 2, QUALITY_INDEX["dom7"]]])
    a_minor = Key(9, "minor")
    assert _chord_pitch_classes(rows, Region(0, 2 * BAR, (0,)), a_minor) == {8}  # E7's G#
    assert _chord_pitch_classes(rows, Region(2 * BAR, None, (0,)), a_minor) == {6}  # D7's F#
    assert _chord_pitch_classes(rows, Region(0, BAR, (0,)), a_minor) == set()  # Am alone
    assert _chord_pitch_classes(rows, Region(0, None, (0,)), None) == set()  # no lock, nothing to widen


def test_an_added_harmony_plays_the_written_e7_with_its_g_sharp(tmp_path, one_thread):
    (tmp_path / "tune.abc").write_text(TUNE)
    assert main(["accompany", str(tmp_path / "tune.abc"), "--part", "harmony", "-o", str(tmp_path / "h.mid"),
                 "--seed", "1", "--variations", "4"]) == 0
    for k in range(1, 5):
        harmony = [n for n in read_score(tmp_path / f"h-{k}.mid").notes if n.voice == 1]
        over_e7 = [n.pitch % 12 for n in harmony if n.onset // BAR in E7_BARS]
        assert 8 in over_e7 and 7 not in over_e7, over_e7  # G#, never G natural (G-B-D before)
        assert not [n for n in harmony if n.pitch % 12 == 8 and n.onset // BAR not in E7_BARS]  # only there
