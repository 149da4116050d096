"""An oom-pah-pah accompaniment in one voice (the bass note on beat 1, a two-note chord on beats 2
and 3) continued goes on with its bass on the root of each chord. Its V7 bars, the root then the
third and seventh (C3, then Bb3 E4 in F), had been read as no chord, so its context's chords did
not stand on their roots, and the part was continued on one bass note, C3 under F as under C7:
the root on beat 1 in 8 of 24 new bars over six seeds (QA); now 20. Here 8 of 24, now 19. The real command, the shipped
model, the piece written here (a waltz in G: G | D7 | D7 | G | C | G | D7 | G)."""

from __future__ import annotations

from composer.cli import main
from composer.io import read_score
from composer.io.midi_writer import write_midi
from composer.music import Note, Score, TimeSignature, Voice
from composer.music.scales import Key

Q, BAR = 480, 1440
NAMES = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}


def _pitch(name: str) -> int:
    """'F#4' -> MIDI pitch."""
    return 12 * (int(name[-1]) + 1) + NAMES[name[0]] + name.count("#")


def _waltz() -> Score:
    tune = "B4:2 D5:1 D5:2 C5:1 A4:2 B4:1 B4:3 E5:2 E5:1 D5:2 B4:1 A4:1 B4:1 C5:1 B4:3"
    notes, at = [], 0
    for token in tune.split():
        name, length = token.split(":")
        notes.append(Note(_pitch(name), at, int(float(length) * Q) - 10, 90, 0))
        at += int(float(length) * Q)
    bars = [("G2", "B3 D4"), ("D3", "C4 F#4"), ("D3", "C4 F#4"), ("G2", "B3 D4"),
            ("C3", "E4 G4"), ("G2", "B3 D4"), ("D3", "C4 F#4"), ("G2", "B3 D4")]
    for b, (bass, chord) in enumerate(bars):
        notes.append(Note(_pitch(bass), b * BAR, Q, 75, 1))
        for beat in (1, 2):
            for name in chord.split():
                notes.append(Note(_pitch(name), b * BAR + beat * Q, Q, 60, 1))
    return Score(notes=notes, voices=[Voice("Melody", 0), Voice("Accomp", 0)], time_signature=TimeSignature(3, 4),
                 key=Key(7, "major"))


def test_an_oom_pah_pah_continued_keeps_its_bass_on_the_chords_roots(tmp_path, one_thread):
    write_midi(_waltz(), tmp_path / "waltz.mid")
    roots = [7, 2, 2, 7]  # bars 9-12: the piece's progression going round again, G D7 D7 G
    on_root = bars = 0
    for seed in (1, 2, 3):
        out = tmp_path / f"c{seed}.mid"
        assert main(["continue", str(tmp_path / "waltz.mid"), "--seed", str(seed), "-o", str(out)]) == 0
        accomp = [n for n in read_score(out).notes if n.voice == 1 and n.onset >= 8 * BAR]
        for k, root in enumerate(roots):
            downbeat = [n.pitch for n in accomp if n.onset == (8 + k) * BAR]
            bars += 1
            on_root += bool(downbeat) and min(downbeat) % 12 == root
    assert on_root >= 8, (on_root, bars)  # (4 of 12 before)
