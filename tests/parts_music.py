"""Music the part/fill tests write for themselves: a four-voice piece (melody, chords, bass,
drums) in D major, a jig whose A part is stated twice (ABC), and a small untrained checkpoint for
tests of the plumbing (not of quality)."""

from __future__ import annotations

from pathlib import Path

from composer.music.score import Note, Score, Voice

Q = 480
D_MAJOR_CHORDS = [(62, 66, 69), (67, 71, 74), (69, 73, 76), (62, 66, 69)]  # D G A D in the 4th octave
BASS_ROOTS = [38, 43, 45, 38]  # D2 G2 A2 D2
MELODY = [74, 76, 78, 79, 81, 79, 78, 76, 78, 76, 74, 73, 74, 76, 73, 74]  # around D5-A5, in quarters
# A jig's A part with a repeat sign: 8 bars of 6/8 stated twice (84 notes), in G major.
REPEATED_JIG = """X:1
T:Test Jig
M:6/8
L:1/8
K:G
D|GAG GAB|c2B AGF|GAG GBd|e2d dBG|
GAG GAB|c2B AGF|GFG ABc|d3 d2:|
"""


def four_voice_score(bars: int = 8) -> Score:
    """bars of 4/4: voice 0 a flute melody (quarters and eighths, D5-A5), voice 1 piano chords
    (half notes, D4-E5), voice 2 an electric bass (quarters, D2-A2), voice 3 drums (kick 36,
    snare 38, closed hat 42 in eighths)."""
    notes: list[Note] = []
    for bar in range(bars):
        t0 = bar * 4 * Q
        chord = D_MAJOR_CHORDS[bar % 4]
        for beat in range(4):
            pitch = MELODY[(bar * 4 + beat) % len(MELODY)]
            if beat == 3 and bar % 2:
                notes += [Note(pitch, t0 + beat * Q, Q // 2, 90, 0), Note(pitch - 2, t0 + beat * Q + Q // 2, Q // 2, 85, 0)]
            else:
                notes.append(Note(pitch, t0 + beat * Q, Q, 90, 0))
            notes.append(Note(BASS_ROOTS[bar % 4] + (7 if beat == 2 else 0), t0 + beat * Q, Q, 95, 2))
            notes.append(Note(36 if beat % 2 == 0 else 38, t0 + beat * Q, Q // 4, 100, 3))
            for half in range(2):
                notes.append(Note(42, t0 + beat * Q + half * Q // 2, Q // 4, 70, 3))
        for half in range(2):
            notes += [Note(p, t0 + half * 2 * Q, 2 * Q, 70, 1) for p in chord]
    voices = [Voice("Melody", program=73), Voice("Chords", program=0), Voice("Bass", program=33),
              Voice("Drums", is_drum=True)]
    return Score(notes=notes, voices=voices, title="four voices")


def random_checkpoint(path: Path) -> Path:
    """An untrained small model saved like any checkpoint: it exercises the whole request path
    (encoding, sampling, decoding into voices) quickly; its notes say nothing about quality."""
    import torch

    from composer.model.checkpoint import Checkpoint
    from composer.model.network import NetworkConfig, Seq2Seq

    torch.manual_seed(3)
    model = Seq2Seq(NetworkConfig(n_styles=2, embed=32, encoder_hidden=16, decoder_hidden=32))
    Checkpoint(model=model, styles=["neutral", "folk"]).save(path)
    return path


def adapted_style(base: Path, path: Path, name: str) -> Path:
    """A style file as composer adapt writes one (the base's styles plus `name`, started from the
    base's second style row), without training: for the window's style handling."""
    from composer.adapt import with_new_style
    from composer.model.checkpoint import Checkpoint, load_checkpoint

    model = load_checkpoint(base)
    Checkpoint(model=with_new_style(model.model, model.model.style.weight[1]), styles=[*model.styles, name],
               info={"adapt": {"style": name}}).save(path)
    return path

