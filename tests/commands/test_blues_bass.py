"""A bass added under a 12-bar blues given as --chords stands on the root of every bar (a chord
held over from the bar before too) and moves off any other tone: it had opened the second Bb7 bar
on the Ab the first ended on and struck one tone three times after the root (Bb2 Ab2 Ab2 Ab2) in
8 of 36 bars (QA qa31). Measured on the shipped model, seeds 1-4: roots on 44 of 48 downbeats
(31 of 36 before), 3 of 48 bars of one repeated tone. The real command; a tune written here."""

from __future__ import annotations

from composer.cli import main
from composer.io import read_score
from composer.io.midi_writer import write_midi
from composer.music import Note, Score, Voice

Q, BAR = 480, 1920
BLUES = ["F7", "Bb7", "F7", "F7", "Bb7", "Bb7", "F7", "F7", "C7", "Bb7", "F7", "C7"]
ROOTS = {"F7": 65, "Bb7": 70, "C7": 72}


def blues_tune() -> Score:
    """A riff on each chord: on the fifth and seventh in odd bars, the blue third in even ones."""
    notes = []
    for bar, chord in enumerate(BLUES):
        root = ROOTS[chord]
        riff = [(0, 7, 2), (2, 10, 1), (3, 12, 1), (4, 10, 2), (6, 7, 2)] if bar % 2 == 0 else \
            [(0, 3, 1), (1, 4, 1), (2, 7, 2), (4, 0, 4)]
        notes += [Note(root + step, bar * BAR + at * Q // 2, length * Q // 2 - 10, 90, 0) for at, step, length in riff]
    return Score(notes=notes, voices=[Voice("Sax", 65)])


def test_a_bass_under_a_blues_given_as_chords_keeps_to_the_roots(tmp_path, one_thread):
    write_midi(blues_tune(), tmp_path / "blues.mid")
    roots = repeats = bars = 0
    for seed in (1, 2, 3):
        out = tmp_path / f"b{seed}.mid"
        assert main(["accompany", str(tmp_path / "blues.mid"), "--part", "bass", "--chords", "|".join(BLUES),
                     "--seed", str(seed), "-o", str(out)]) == 0
        bass = [n for n in read_score(out).notes if n.voice == 1]
        for bar, chord in enumerate(BLUES):
            mine = sorted((n.onset, n.pitch) for n in bass if bar * BAR <= n.onset < (bar + 1) * BAR)
            bars += 1
            roots += bool(mine) and mine[0][0] == bar * BAR and mine[0][1] % 12 == ROOTS[chord] % 12
            after = [p % 12 for _, p in mine[1:]]
            repeats += len(after) >= 3 and len(set(after)) == 1 and after[0] != ROOTS[chord] % 12
    assert roots >= 0.88 * bars, (roots, bars)
    assert repeats <= 0.1 * bars, (repeats, bars)


def test_parts_added_under_a_blues_tune_alone_play_its_dominant_sevenths(tmp_path, one_thread):
    """The same tune with no chords given: its chords are read as the blues's I7, IV7 and V7
    (priors.blues_tonic), not as the minor triads its riff on the fifth, seventh and blue third
    spells: a bass had its roots on 22 of 48 downbeats (seeds 1-4; QA qa31), now 41; a harmony
    part voiced F7 as C minor or F minor and C7 as G minor, its chords now holding each seventh."""
    write_midi(blues_tune(), tmp_path / "blues.mid")
    roots, sevenths, bars = _roots_and_sevenths(tmp_path / "blues.mid", [ROOTS[chord] % 12 for chord in BLUES],
                                                (1, 2, 3))
    assert roots >= 0.7 * bars, (roots, bars)  # (seeds 1-3: 17 of 36 before, 29 now)
    assert sevenths >= 0.75 * bars, (sevenths, bars)  # (33 of 36)


def test_parts_added_under_a_boogie_riff_play_the_blues_chords_on_its_roots(tmp_path, one_thread):
    """A boogie riff (b3 3 5 6 b7 6 5 3 on each chord's root, swung) with no chords given: the key
    is its blues's (composer.music.blues), and each bar's chord the I7, IV7 or V7 whose blue third
    opens it. Its auto key had been F minor for a Bb blues, and an added harmony part played Db,
    Gb and Ab major (a minor third above each root; QA qa35: 0 of 24 chords right, 0 of 12 bass
    roots on the downbeats). Now, seeds 1-2: every chord holds its root's third and seventh."""
    from tests.music.test_blues_tonic import FORM, boogie

    write_midi(Score(notes=boogie(10, swing=True), voices=[Voice("Piano", 0)]), tmp_path / "boogie.mid")
    roots, sevenths, bars = _roots_and_sevenths(tmp_path / "boogie.mid", [(10 + step) % 12 for step in FORM], (1, 2))
    assert roots >= 0.8 * bars, (roots, bars)
    assert sevenths >= 0.8 * bars, (sevenths, bars)


def _roots_and_sevenths(tune, roots: list[int], seeds) -> tuple[int, int, int]:
    """A bass and a harmony part added under the MIDI file `tune` (no chords given), each seed:
    the bars whose bass strikes the bar's root (pitch classes `roots`, one a bar) lowest on the
    downbeat, those whose harmony strikes the root's major third and minor seventh there (Eb and A
    in F7), and the bars counted per part."""
    hit = {"bass": 0, "harmony": 0}
    for seed in seeds:
        for part in hit:
            out = tune.parent / f"{part}{seed}.mid"
            assert main(["accompany", str(tune), "--part", part, "--seed", str(seed), "-o", str(out)]) == 0
            new = [n for n in read_score(out).notes if n.voice == 1]
            for bar, root in enumerate(roots):
                first = [n.pitch for n in new if n.onset == bar * BAR]
                if part == "bass":
                    hit[part] += bool(first) and min(first) % 12 == root
                else:
                    hit[part] += {(root + 4) % 12, (root + 10) % 12} <= {p % 12 for p in first}
    return hit["bass"], hit["harmony"], len(roots) * len(seeds)
