"""Offline render speed: a 3-minute, four-voice score to WAV, in × real time (median of runs).

    .venv/bin/python bench/audio_render.py [--runs 3] [--soundfont F]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
from pathlib import Path

from composer.audio import render_wav
from composer.music.score import Note, Score, TempoChange, Voice

BPM = 120.0
MINUTES = 3.0


def four_voice_score(seed: int = 7) -> Score:
    """Melody (flute), inner voice (strings), bass, drums: 3 minutes at 120 bpm, in C major."""
    rng = random.Random(seed)
    beats = int(MINUTES * BPM)
    scale = [0, 2, 4, 5, 7, 9, 11]
    notes: list[Note] = []
    for beat in range(beats):
        t = beat * 480
        for half in (0, 240):  # melody in eighths
            notes.append(Note(72 + rng.choice(scale), t + half, 220, rng.randint(70, 110), voice=0))
        if beat % 2 == 0:  # inner voice: a chord tone every half note
            notes.append(Note(60 + rng.choice([0, 4, 7]), t, 940, 70, voice=1))
        notes.append(Note(36 + rng.choice([0, 5, 7]), t, 460, 90, voice=2))  # bass in quarters
        notes.append(Note(36 if beat % 2 == 0 else 38, t, 120, 100, voice=3))  # kick / snare
        notes.append(Note(42, t + 240, 60, 70, voice=3))  # hi-hat on the off-beat
    voices = [Voice("melody", 73), Voice("strings", 48), Voice("bass", 33),
              Voice("drums", 0, is_drum=True)]
    return Score(notes=notes, voices=voices, tempos=[TempoChange(0, BPM)], title="bench")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--soundfont", type=Path)
    args = parser.parse_args()
    score = four_voice_score()
    speeds, elapsed = [], []
    with tempfile.TemporaryDirectory() as folder:
        for run in range(args.runs):
            result = render_wav(score, Path(folder) / f"bench{run}.wav", soundfont=args.soundfont)
            speeds.append(result.speed)
            elapsed.append(result.elapsed)
    print(f"score: {len(score.notes)} notes, 4 voices, {result.seconds:.1f} s of audio "
          f"(soundfont {result.soundfont.name}, {result.sample_rate} Hz)")
    print(f"render time: median {statistics.median(elapsed):.2f} s over {args.runs} runs")
    print(f"speed: median {statistics.median(speeds):.1f}x real time "
          f"(min {min(speeds):.1f}x, max {max(speeds):.1f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
