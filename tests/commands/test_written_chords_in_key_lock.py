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


def test_an_added_bass_takes_the_written_e7s_g_sharp(tmp_path, one_thread):
    # QA qa14 W1: lines never chose the G# the widened lock allows (0 of 8 bass lines here; the
    # model, told the key, holds to it): the chord's own widened tone is now helped a little.
    (tmp_path / "tune.abc").write_text(TUNE)
    lines = []
    for seed in (1, 2):
        assert main(["accompany", str(tmp_path / "tune.abc"), "--part", "bass", "-o", str(tmp_path / "b.mid"),
                     "--seed", str(seed), "--variations", "4"]) == 0
        for k in range(1, 5):
            lines.append([n.pitch % 12 for n in read_score(tmp_path / f"b-{k}.mid").notes
                          if n.generated and n.onset // BAR in E7_BARS])
    assert sum(8 in line for line in lines) >= 2, lines  # G# in some lines (2 of 8; 0 before)
    assert not any(7 in line for line in lines), lines  # never G natural under E7
    assert all(line.count(8) <= len(line) / 2 for line in lines), lines  # the third does not take over


def test_the_widened_lock_holds_chord_by_chord():
    from composer.model.priors import WIDENED_LOCK_PENALTY, WIDENED_TONE_BONUS, widened_lock_prior

    c_major = Key(0, "major")
    # onsets under F, Fm, C (roots/qualities as vocab indices)
    roots = np.array([5, 5, 0])
    qualities = np.array([QUALITY_INDEX["maj"], QUALITY_INDEX["min"], QUALITY_INDEX["maj"]])
    prior = widened_lock_prior(roots, qualities, c_major.pitch_classes, frozenset({8}))
    ab, a = prior[68], prior[69]  # Ab4, A4
    assert list(ab) == [-WIDENED_LOCK_PENALTY, WIDENED_TONE_BONUS, -WIDENED_LOCK_PENALTY]  # Fm's Ab under Fm only
    assert list(a) == [0.0, -WIDENED_LOCK_PENALTY, 0.0]  # A, the third Ab stands for, not under Fm
    assert not prior[[60, 62, 64, 65, 67, 71]].any()  # the rest of C major is left alone
    # E7 in A minor: G# under E7 only, G natural not under it.
    prior = widened_lock_prior(np.array([4, 9]), np.array([QUALITY_INDEX["dom7"], QUALITY_INDEX["min"]]),
                               Key(9, "minor").pitch_classes, frozenset({8}))
    assert list(prior[68]) == [WIDENED_TONE_BONUS, -WIDENED_LOCK_PENALTY]
    assert list(prior[67]) == [-WIDENED_LOCK_PENALTY, 0.0]


def test_a_borrowed_chords_note_is_written_under_that_chord_only(tmp_path, one_thread):
    # QA N9: over given chords C | F | Fm | C | Am | F | Fm | C, the lock widened for the whole
    # region put Ab once under F major, and A (against Fm's Ab) 6 times under Fm, in 8 variations.
    (tmp_path / "scale.abc").write_text("X:1\nT:Scale\nM:4/4\nL:1/4\nK:C\nC D E F|G A B c|c B A G|F E D C|\n")
    chords = "C F Fm C Am F Fm C".split()
    assert main(["continue", str(tmp_path / "scale.abc"), "-o", str(tmp_path / "c.mid"), "--bars", "8",
                 "--chords", " | ".join(chords), "--seed", "1", "--variations", "8"]) == 0
    clashes = []
    for k in range(1, 9):
        for n in read_score(tmp_path / f"c-{k}.mid").notes:
            bar = n.onset // BAR - 4
            if 0 <= bar < 8 and ((n.pitch % 12 == 8) != (chords[bar] == "Fm") and n.pitch % 12 in (8, 9)):
                clashes.append((k, bar, chords[bar], n.pitch))
    assert not clashes, clashes


def test_a_chosen_key_that_lacks_a_given_chords_tones_is_said(tmp_path, one_thread, capsys):
    """A key a person chose stays as chosen, so a given chord with tones outside it sounds with the
    key's notes (QA qa34: under --key C:major, Bb7 as B D F against the tune's B flat): the
    command says which tones of which chords, in their own spelling, and how to play them as
    written. Auto (the default) says nothing: its lock takes the chords' tones."""
    (tmp_path / "tune.abc").write_text(TUNE.replace("K:Am", "K:C"))
    chart = "C | E7 | Am | Bb7 | E7"
    args = ["accompany", str(tmp_path / "tune.abc"), "--part", "harmony", "--chords", chart, "--seed", "1"]
    assert main([*args, "--key", "C:major", "-o", str(tmp_path / "k.mid")]) == 0
    said = capsys.readouterr().err
    assert "--key C:major leaves out G# of E7 (bars 2, 5), Bb Ab of Bb7 (bar 4)" in said, said  # (each chord once)
    assert "leave --key out" in said
    assert main([*args, "-o", str(tmp_path / "auto.mid")]) == 0
    assert "leaves out" not in capsys.readouterr().err
    # A minor key whose given dominant is major: its harmonic form holds the leading tone.
    minor = ["accompany", str(tmp_path / "tune.abc"), "--part", "harmony", "--chords", "Am | E7 | Am | Dm E7",
             "--seed", "1", "--key", "A:minor", "-o", str(tmp_path / "m.mid")]
    assert main(minor) == 0
    said = capsys.readouterr().err
    assert "--key A:minor leaves out G# of E7 (bars 2, 4)" in said, said
    assert "--key A:harmonic_minor holds them all, or leave --key out (auto)" in said, said


def test_chords_read_from_the_parts_widen_a_detected_lock(tmp_path, one_thread):
    """With no chords written or given, the chords estimated from the other parts widen a lock
    detected from the music by their tones, as written ones do: over a bass's A under the tune's
    C# in a C major piece the estimate reads A major, and an added harmony part locked to C major
    had played A minor or C major there in 3 of 3 seeds (QA qa34). The parts sound those tones."""
    from composer.io.midi_writer import write_midi
    from composer.music import Note, Score, Voice

    # (tune, bass root) a bar: C | Am | Dm | G | C | A | Dm G | C, the tune on chord tones
    bars = [((72, 76, 79, 76), 36), ((69, 72, 76, 72), 45), ((74, 77, 81, 77), 38), ((71, 74, 79, 74), 43),
            ((72, 76, 79, 76), 36), ((73, 76, 81, 76), 45), ((74, 77, 79, 71), 38), ((72, 76, 79, 84), 36)]
    notes = []
    for bar, (tune, root) in enumerate(bars):
        notes += [Note(p, bar * BAR + k * 480, 470, 90, 0) for k, p in enumerate(tune)]
        notes.append(Note(root, bar * BAR, BAR - 20, 80, 1))
    write_midi(Score(notes=notes, voices=[Voice("Flute", 73), Voice("Bass", 33)]), tmp_path / "tune.mid")
    sharp = natural = 0
    for seed in (1, 2, 3):
        out = tmp_path / f"h{seed}.mid"
        assert main(["accompany", str(tmp_path / "tune.mid"), "--part", "harmony", "--seed", str(seed),
                     "-o", str(out)]) == 0
        a_bar = [n.pitch % 12 for n in read_score(out).notes if n.voice == 2 and 5 * BAR <= n.onset < 6 * BAR]
        sharp += 1 in a_bar
        natural += 0 in a_bar
    assert sharp == 3 and natural == 0, (sharp, natural)
