"""MIDI file speed: read_midi against mido.MidiFile and pretty_midi on the same large file, and
write_midi. Prints medians of several runs (seconds) and the ratios.

    .venv/bin/python bench/midi_io.py [--notes 100000] [--tracks 8] [--runs 5]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

import mido
import pretty_midi

from composer.io.midi_file import read_midi, write_midi
from composer.io.smf_reader import parse_smf
from composer.music import Note, Score, TempoChange, Voice


def make_score(notes: int, tracks: int) -> Score:
    rng = random.Random(7)
    voices = [Voice(f"V{i}", program=i * 8, is_drum=i == tracks - 1) for i in range(tracks)]
    onsets = [0] * tracks
    out = []
    for i in range(notes):
        voice = i % tracks
        onsets[voice] += rng.choice((0, 60, 120, 240))
        out.append(Note(rng.randrange(36, 96), onsets[voice], rng.randrange(30, 960), rng.randrange(30, 127), voice))
    return Score(notes=out, voices=voices, tempos=[TempoChange(0, 120.0), TempoChange(9600, 96.0)])


def median_seconds(action, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=100_000)
    parser.add_argument("--tracks", type=int, default=8)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    score = make_score(args.notes, args.tracks)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.mid"
        write = median_seconds(lambda: write_midi(score, path), args.runs)
        data = path.read_bytes()
        results = {
            "write_midi": write,
            "parse_smf (bytes -> events)": median_seconds(lambda: parse_smf(data), args.runs),
            "read_midi (file -> Score)": median_seconds(lambda: read_midi(path), args.runs),
            "mido.MidiFile (file -> messages)": median_seconds(lambda: mido.MidiFile(str(path)), args.runs),
            "pretty_midi.PrettyMIDI (file -> notes)": median_seconds(lambda: pretty_midi.PrettyMIDI(str(path)), args.runs),
        }
    print(f"{args.notes} notes in {args.tracks} tracks, {len(data) / 1e6:.2f} MB, median of {args.runs} runs")
    for name, seconds in results.items():
        print(f"  {name:40s} {seconds * 1000:8.1f} ms  {args.notes / seconds / 1000:8.0f} k notes/s")
    read = results["read_midi (file -> Score)"]
    print(f"  mido / read_midi:        {results['mido.MidiFile (file -> messages)'] / read:.2f}x")
    print(f"  pretty_midi / read_midi: {results['pretty_midi.PrettyMIDI (file -> notes)'] / read:.2f}x")


if __name__ == "__main__":
    main()
