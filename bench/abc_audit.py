"""Audit Composer's ABC reading against an independent one: abc2midi, the ABC community's
reference player (Debian/Homebrew `abcmidi`; scripts/setup.sh installs it).

For every tune (or a seeded sample) of the ABC files in music21's corpus, both readings are
compared as sorted (onset, pitch) lists; each tune lands in one kind:

  same                 same notes at the same times (within a 32nd note)
  same pitches, timing the same pitch sequence, some onsets apart
  ours: N more / fewer a different number of notes (the count difference is tallied)
  pitch: +-1 / +-12 / other   same count and timing, pitches differ (accidental, octave, other)
  ours failed / abc2midi failed
  ... (ornaments)      any of these in a tune with ~ rolls, trills or turns, which abc2midi
                       plays as extra notes and Composer (like notation programs' playback) not

abc2midi runs with -NGUI (no accompaniment from chord symbols) and -NFER (fermatas not
lengthened: Composer does not lengthen them); grace notes sound in both.

    .venv/bin/python bench/abc_audit.py --sample 1500 --seed 1 [--json out.json]
    .venv/bin/python bench/abc_audit.py                 # every tune (~13,000; ~10 min a core)
    .venv/bin/python bench/abc_audit.py --sample 1000 --seed 7 --baseline   # music21 alone, for comparison
"""

from __future__ import annotations

import argparse
import collections
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

ORNAMENTS = re.compile(r"~|!(?:roll|trill|turn|mordent|lowermordent|uppermordent|pralltriller)!|(?<![A-Za-z\"])T(?=[_=^A-Ga-g])")


def ours(tune: str) -> list[tuple[int, int]]:
    from music21 import converter

    from composer.io import abc_normalise, music21_screens
    from composer.io.music21_reader import _apply_abc_reading, score_from_music21

    normal = abc_normalise.normalise_tune(tune)
    with music21_screens.notes_only_parsing():
        piece = converter.parseData(normal.text, format="abc")
    score = score_from_music21(piece)
    _apply_abc_reading(score, normal)
    return sorted((n.onset, n.pitch) for n in score.notes)


def baseline(tune: str) -> list[tuple[int, int]]:
    """music21 alone on the tune as written, as Composer read ABC before (grace notes dropped)."""
    from music21 import converter

    from composer.io import music21_screens

    with music21_screens.notes_only_parsing():
        piece = converter.parseData(tune, format="abc")
    notes = []
    for part in list(getattr(piece, "parts", [])) or [piece]:
        flat = part.stripTies(inPlace=False).flatten()
        for element in flat.notes:
            if element.duration.quarterLength > 0 and "Harmony" not in element.classes:
                onset = round(float(element.getOffsetInHierarchy(flat)) * 480)
                notes += [(onset, int(round(pitch.ps))) for pitch in element.pitches]
    return sorted(notes)


def reference(tune: str, folder: Path) -> list[tuple[int, int]]:
    from composer.io.midi_file import read_midi

    source, target = folder / "tune.abc", folder / "tune.mid"
    source.write_text(tune, encoding="utf-8")
    target.unlink(missing_ok=True)
    subprocess.run(["abc2midi", str(source), "-o", str(target), "-NGUI", "-NFER", "-silent", "-quiet"],
                   capture_output=True, timeout=30, check=False)
    if not target.is_file():
        raise RuntimeError("abc2midi wrote no file")
    score = read_midi(target)
    return sorted((n.onset, n.pitch) for n in score.notes if not score.voices[n.voice].is_drum)


def kind_of(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> str:
    # abc2midi starts a tick late and staggers chord notes by ~10 ticks: compare on a 32nd grid.
    a = sorted((round(t / 60), p) for t, p in a)
    b = sorted((round(t / 60), p) for t, p in b)
    if len(a) != len(b):
        difference = len(a) - len(b)
        return f"ours: {abs(difference)} {'more' if difference > 0 else 'fewer'}"
    timing = all(abs(x[0] - y[0]) <= 1 for x, y in zip(a, b))
    shifts = collections.Counter(x[1] - y[1] for x, y in zip(a, b) if x[1] != y[1])
    if not shifts:
        return "same" if timing else "same pitches, timing"
    if not timing:
        return "pitch and timing"
    if set(shifts) <= {1, -1}:
        return "pitch: +-1 (accidental)"
    if set(shifts) <= {12, -12}:
        return "pitch: +-12 (octave)"
    return "pitch: other"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sample", type=int, help="tunes to audit (default: all)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, help="write each tune's kind here")
    parser.add_argument("--baseline", action="store_true",
                        help="audit music21 alone on the text as written (how ABC was read before issue 10)")
    args = parser.parse_args(argv)
    if shutil.which("abc2midi") is None:
        print("abc2midi not found: install abcmidi (apt-get install abcmidi)", file=sys.stderr)
        return 2
    warnings.filterwarnings("ignore")
    import logging

    logging.disable(logging.WARNING)
    import music21

    from composer.io import abc_text

    root = Path(music21.__file__).parent / "corpus"
    tunes = []
    for path in sorted(root.rglob("*.abc")):
        for number, tune in enumerate(abc_text.split_tunes(abc_text.decode(path.read_bytes()))):
            if abc_text.hostile_reason(tune) is None and any(line.startswith("K:") for line in tune.splitlines()):
                tunes.append((f"{path.relative_to(root)}#{number}", tune))
    total = len(tunes)
    if args.sample:
        tunes = random.Random(args.seed).sample(tunes, min(args.sample, total))
    kinds: collections.Counter = collections.Counter()
    examples: dict[str, list[str]] = collections.defaultdict(list)
    per_tune = {}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        for name, tune in tunes:
            try:
                mine = baseline(tune) if args.baseline else ours(tune)
            except Exception as error:  # noqa: BLE001 - tallied, not raised
                kind = "ours failed"
                per_tune[name] = f"{kind}: {type(error).__name__}"
            else:
                try:
                    theirs = reference(tune, Path(folder))
                except Exception as error:  # noqa: BLE001
                    kind = "abc2midi failed"
                    per_tune[name] = f"{kind}: {error}"
                else:
                    kind = kind_of(mine, theirs)
                    per_tune[name] = kind
            group = kind if not kind.startswith("ours: ") else ("ours: more" if kind.endswith("more") else "ours: fewer")
            if group != "same" and ORNAMENTS.search(tune.split("\nK:", 1)[-1]):
                group += " (ornaments)"  # abc2midi plays ~ rolls, trills and turns as notes; Composer does not
            kinds[group] += 1
            if len(examples[group]) < 5:
                examples[group].append(name)
    seconds = time.perf_counter() - started
    print(f"{len(tunes)} of {total} tunes in {seconds:.0f} s ({len(tunes) / seconds:.1f} tunes/s)")
    for kind, count in kinds.most_common():
        print(f"  {kind:<26} {count:6d}  {100 * count / len(tunes):5.1f} %   e.g. {', '.join(examples[kind][:3])}")
    if args.json:
        args.json.write_text(json.dumps({"kinds": dict(kinds), "tunes": per_tune}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
