"""Read (or refuse) times of the inputs that used to hang or crawl (issue 11; target: each in
about a second or refused at once).

Writes its own files of each kind: a 400- and an 800-bar ABC reel, MIDI files of 4,000 and
16,000 one-note tracks (linear reading: the time per track should not grow), a MusicXML key of
99999999999 fifths, a checkpoint header asking for 3,000 layers. With --cases DIR it also times
the handed files there (e.g. /work/shared/cases/reliability). --compare also times the ABC reel
with music21's beaming and re-barring left on (how it was read before). Prints medians; it does
not pass or fail.

    .venv/bin/python bench/reliability.py [--repeat 3] [--cases DIR] [--compare]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import struct
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "io"))

REEL_LINE = "d2fd Adfd|e2fg fe dBAF|G2BG FAdf|e2ce dBAF|\n"  # 4 bars, 30 notes


def reel(lines: int) -> bytes:
    return ("X:1\nT:Reel\nM:4/4\nL:1/8\nK:D\n" + REEL_LINE * lines).encode()


def tracks(count: int) -> bytes:
    from handmade_smf import event, note, smf, track

    return smf(*[track(event(0, 0xC0, i % 128), note(0, 60 + i % 12, 120)) for i in range(count)])


def key_bomb() -> bytes:
    return b"""<?xml version="1.0"?><score-partwise version="4.0"><part-list><score-part id="P1"><part-name>x
</part-name></score-part></part-list><part id="P1"><measure number="1"><attributes><divisions>1</divisions>
<key><fifths>99999999999</fifths></key><time><beats>3</beats><beat-type>4</beat-type></time></attributes>
<note><pitch><step>A</step><octave>4</octave></pitch><duration>3</duration></note></measure></part></score-partwise>"""


def layers_bomb(folder: Path) -> Path:
    from composer.model.checkpoint import FORMAT, FORMAT_VERSION, vocabulary

    config = {"format": FORMAT, "format_version": FORMAT_VERSION, "vocabulary": vocabulary(), "styles": ["neutral"],
              "network": {"encoder_layers": 3000, "decoder_layers": 3000}}
    header = json.dumps({"__metadata__": {"composer": json.dumps(config)}}).encode()
    path = folder / "layers-3000.safetensors"
    path.write_bytes(struct.pack("<Q", len(header)) + header)
    return path


def timed(fn, repeat: int) -> tuple[float, str]:
    samples, outcome = [], ""
    for _ in range(repeat):
        start = time.perf_counter()
        try:
            result = fn()
            outcome = f"{len(result.notes)} notes, {len(result.voices)} voices" if hasattr(result, "notes") else "read"
        except Exception as error:  # the refusal is the outcome being timed
            outcome = f"refused: {str(error).split(': ', 1)[-1][:60]}"
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), outcome


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cases", type=Path, default=None)
    parser.add_argument("--compare", action="store_true")
    args = parser.parse_args()

    import music21  # noqa: F401 - imported once up front: its ~1 s import is not a read time

    from composer.io import music21_screens, read_score
    from composer.model.checkpoint import load_checkpoint

    folder = Path(tempfile.mkdtemp(prefix="composer-reliability-"))
    files = {"abc-400-bars.abc": reel(100), "abc-800-bars.abc": reel(200), "midi-4000-tracks.mid": tracks(4000),
             "midi-16000-tracks.mid": tracks(16000), "xml-key-fifths-1e11.xml": key_bomb()}
    cases = []
    for name, data in files.items():
        (folder / name).write_bytes(data)
        cases.append((name, lambda p=folder / name: read_score(p)))
    bomb = layers_bomb(folder)
    cases.append((bomb.name, lambda: load_checkpoint(bomb)))
    if args.cases and args.cases.is_dir():
        for path in sorted(args.cases.iterdir()):
            reader = load_checkpoint if path.suffix == ".safetensors" else read_score
            if path.suffix != ".md":
                cases.append((f"[handed] {path.name}", lambda p=path, r=reader: r(p)))

    print(f"median of {args.repeat}")
    per_track = {}
    for name, fn in cases:
        seconds, outcome = timed(fn, args.repeat)
        print(f"{name:<58} {seconds * 1000:8.1f} ms   {outcome}")
        if name.startswith("midi-") and "tracks" in name:
            per_track[int(name.split("-")[1])] = seconds / int(name.split("-")[1])
    if len(per_track) == 2:
        small, large = sorted(per_track)
        print(f"MIDI time per track, {large} vs {small} tracks: ratio {per_track[large] / per_track[small]:.2f} "
              "(1.0 = linear)")
    if args.compare:
        original = music21_screens.notes_only_parsing
        music21_screens.notes_only_parsing = contextlib.nullcontext
        try:
            seconds, outcome = timed(lambda: read_score(folder / "abc-400-bars.abc"), 1)
        finally:
            music21_screens.notes_only_parsing = original
        fast, _ = timed(lambda: read_score(folder / "abc-400-bars.abc"), args.repeat)
        print(f"abc-400-bars with music21's beaming and re-barring (before): {seconds * 1000:.0f} ms "
              f"({outcome}); ratio {seconds / fast:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
