"""The Weimar Jazz Database (CSV export) as a corpus source: one piece per transcribed solo.

Layout (Pfleiderer et al., "Inside the Jazzomat", 2017; the Jazzomat CSV export): `csv_melody/X.csv`
(columns bar, beat, beatdur, denom, division, duration, num, onset, period, pitch, subtatum, tatum;
onset and duration in seconds from the recording) and `csv_beats/X.csv` (bar, bass_pitch, beat,
chord, chorus_id, form, onset, signature: one row per beat, with the chord label on the beats
where a chord starts). Style "jazz"; split by the usual content hash.

Timing: the beat grid is the time map. A note's onset and end in seconds are placed between the
two beats around them (linear in between, the first and last beat extended outward) and snapped
to a twelfth of a beat (sixteenths and eighth-note triplets both land on it), so a solo with
rubato or drifting tempo still sits on its bars. Chord labels (WJazzD spelling: "Bb-7", "Ebj7",
"F79b", "Am7b5", "NC") become lead-sheet figures ("Bbm7", "Ebmaj7", "F7", "Am7b5"), tensions
dropped; each lasts until the next label.
"""

from __future__ import annotations

import csv
import re
import statistics
from bisect import bisect_right
from pathlib import Path

from composer.data.sources import SourceFile

MELODY, BEATS = "csv_melody", "csv_beats"
GRID_PER_BEAT = 12
STYLE = "jazz"

_LABEL = re.compile(r"^([A-G][#b]?)(m7b5|-j|\+j|-|\+|o|sus|j)?(6|7)?((?:9|11|13)[b#]?)*(alt)?(/[A-G][#b]?)?$")
_KINDS = {
    ("", ""): "", ("", "7"): "7", ("", "6"): "6", ("-", ""): "m", ("-", "7"): "m7", ("-", "6"): "m6",
    ("-j", "7"): "mM7", ("-j", ""): "mM7", ("j", "7"): "maj7", ("j", ""): "maj7", ("+", ""): "aug",
    ("+", "7"): "aug7", ("+j", "7"): "maj7#5", ("o", ""): "dim", ("o", "7"): "dim7", ("sus", ""): "sus4",
    ("sus", "7"): "7sus4", ("m7b5", ""): "m7b5",
}


def is_wjazzd_folder(folder: Path) -> bool:
    return (folder / MELODY).is_dir() and (folder / BEATS).is_dir()


def wjazzd_figure(label: str) -> str | None:
    """A WJazzD chord label as a lead-sheet figure ("Bb-79b" -> "Bbm7"); None for "NC" (no chord).

    A label outside WJazzD's grammar is returned unchanged (root_and_quality then judges it).
    """
    label = label.strip()
    if not label or label.upper() == "NC":
        return None
    match = _LABEL.match(label)
    if not match:
        return label
    root, quality, number, _tension, alt, bass = match.groups()
    kind = _KINDS.get((quality or "", number or ("7" if alt else "")))
    return label if kind is None else f"{root}{kind}{bass or ''}"


class WjazzdSource:
    """The WJazzD CSV export at `folder` (holding csv_melody/ and csv_beats/)."""

    def __init__(self, folder: Path):
        self.folder = folder

    @property
    def name(self) -> str:
        return "wjazzd"

    def files(self) -> list[SourceFile]:
        root = self.folder.resolve()
        found = []
        for melody in sorted((root / MELODY).glob("*.csv")):
            beats = f"{BEATS}/{melody.name}"
            if (root / beats).is_file():  # a solo without its beat grid cannot be placed in bars
                found.append(SourceFile(self.name, root, f"{MELODY}/{melody.name}", STYLE, reader="wjazzd",
                                        extra=(beats,)))
        return found

    def describe(self) -> str:
        return str(self.folder.resolve())


def _rows(path: Path, columns: set[str]) -> list[dict[str, str]]:
    from composer.io.errors import ScoreFileError

    try:
        with open(path, newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            missing = columns - set(reader.fieldnames or ())
            if missing:
                raise ScoreFileError(path, f"not a WJazzD CSV file: no column {', '.join(sorted(missing))}")
            return list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise ScoreFileError(path, f"cannot read it ({error})") from error


def read_wjazzd(melody_path: Path, beats_path: Path) -> list:
    """One solo (its melody CSV and beat-grid CSV) -> [Score] with notes quantised through the beat
    grid and the chord track. Raises ScoreFileError naming the file when either is unusable."""
    from composer.io.errors import ScoreFileError
    from composer.music.chords import ChordSymbol, is_chord_figure
    from composer.music.score import DEFAULT_VELOCITY, TICKS_PER_QUARTER, Note, Score, TempoChange, TimeSignature, Voice

    beats = _rows(beats_path, {"bar", "beat", "chord", "onset", "signature"})
    melody = _rows(melody_path, {"onset", "duration", "pitch"})
    try:
        times = [float(row["onset"]) for row in beats]
        first_beat = int(beats[0]["beat"]) if beats else 1
    except ValueError as error:
        raise ScoreFileError(beats_path, f"a beat onset is not a number ({error})") from error
    if len(times) < 2 or any(b <= a for a, b in zip(times, times[1:])):
        raise ScoreFileError(beats_path, "the beat grid needs at least two beats in time order")
    signature = next((row["signature"] for row in beats if row["signature"].strip()), "4/4")
    numerator, _, denominator = signature.partition("/")
    meter = TimeSignature(int(numerator), int(denominator)) if numerator.isdigit() and denominator in ("2", "4", "8") \
        else TimeSignature()
    beat_ticks = meter.beat_ticks
    grid = beat_ticks // GRID_PER_BEAT
    origin = (first_beat - 1) * beat_ticks if 1 <= first_beat <= meter.numerator else 0  # tick 0 starts a bar

    def tick_at(seconds: float) -> int:
        i = min(max(bisect_right(times, seconds) - 1, 0), len(times) - 2)  # the beat span around it
        beats_in = i + (seconds - times[i]) / (times[i + 1] - times[i])
        return origin + round(beats_in * GRID_PER_BEAT) * grid

    notes = []
    for number, row in enumerate(melody, 2):
        try:
            onset, duration, pitch = float(row["onset"]), float(row["duration"]), round(float(row["pitch"]))
        except ValueError as error:
            raise ScoreFileError(melody_path, f"line {number}: not a number ({error})") from error
        start = tick_at(onset)
        if start < 0 or not 0 <= pitch <= 127:
            continue  # before the first bar, or not a MIDI pitch
        notes.append(Note(pitch, start, max(grid, tick_at(onset + duration) - start), DEFAULT_VELOCITY, 0))
    if not notes:
        raise ScoreFileError(melody_path, "the solo holds no notes")

    chords, last = [], None  # last: (onset, figure) of the chord sounding
    end = origin + len(times) * beat_ticks
    for index, row in enumerate(beats):
        label = row["chord"].strip()
        if not label:
            continue
        tick = origin + index * beat_ticks
        if last is not None and tick > last[0]:
            chords.append(ChordSymbol(last[0], tick - last[0], last[1]))
        figure = wjazzd_figure(label)
        last = (tick, figure) if figure is not None and is_chord_figure(figure) else None
    if last is not None and end > last[0]:
        chords.append(ChordSymbol(last[0], end - last[0], last[1]))

    spans = [b - a for a, b in zip(times, times[1:])]
    bpm = 60.0 / statistics.median(spans) * beat_ticks / TICKS_PER_QUARTER
    title = melody_path.stem.removesuffix("_Solo").replace("_", " ")
    return [Score(notes=notes, voices=[Voice(name="Solo")], tempos=[TempoChange(0, round(bpm, 3))],
                  time_signature=meter, title=title, chords=chords)]
