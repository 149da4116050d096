"""A clip to drag out of the window into a DAW or a file manager: some notes of a score as a
type-1 .mid file (conductor track with tempo and meter, a track per voice used), written with
composer.io.midi_writer. Pure apart from the file; Qt-free (composer/ui/clip_drag.py drags it).

The clip starts at the bar line before its first note (what a DAW expects of a dropped clip:
the notes keep their place in the bar); the tempo in force there becomes the clip's tempo at
tick 0, later changes inside the clip follow, shifted with it; so do the meter in force there and
later meter changes (a clip from a pickup keeps the pickup).
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import replace
from pathlib import Path

from composer.io.midi_writer import write_midi
from composer.music.meter import MeterChange
from composer.music.score import Note, Score, TempoChange

CLIP_DIR_NAME = "composer-clips"


def clip_score(score: Score, notes: list[Note], title: str = "") -> Score:
    """`notes` (of `score`) as a score of their own: moved to start at the bar line before the
    first, only the voices they use (in order), tempo and meter of that place. ValueError when
    there are no notes."""
    if not notes:
        raise ValueError("there are no notes to make a clip of")
    # The bar line by the meter map (a bar of the first meter from tick 0 is not one after a
    # pickup or a meter change); a clip from the pickup keeps it (its bar starts before 0).
    first = min(n.onset for n in notes)
    meter = score.meter_map().at(first)
    bar_start = first - (first - meter.tick) % meter.bar_ticks
    shift = max(0, bar_start)
    used = sorted({n.voice for n in notes})
    index = {voice: i for i, voice in enumerate(used)}
    moved = [n.with_(onset=n.onset - shift, voice=index[n.voice]) for n in notes]
    tempos = sorted(score.tempos, key=lambda t: t.tick)
    start_bpm = tempos[0].bpm
    for change in tempos:
        if change.tick <= shift:
            start_bpm = change.bpm
    end = max(n.end for n in notes)
    later = [TempoChange(t.tick - shift, t.bpm) for t in tempos if shift < t.tick < end]
    meters = [MeterChange(bar_start - shift, meter.numerator, meter.denominator)]
    meters += [MeterChange(m.tick - shift, m.numerator, m.denominator)
               for m in score.meters if bar_start < m.tick < end]
    voices = [replace(score.voices[v]) if v < len(score.voices) else replace(score.voices[0]) for v in used]
    for voice in voices:
        voice.mute = voice.solo = False
    return Score(notes=sorted(moved, key=lambda n: (n.onset, n.pitch)), voices=voices,
                 tempos=[TempoChange(0, start_bpm)] + later, meters=meters,
                 key=score.key, title=title or score.title, style=score.style)


def clip_folder() -> Path:
    folder = Path(tempfile.gettempdir()) / CLIP_DIR_NAME
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def write_clip(score: Score, notes: list[Note], name: str, folder: Path | None = None) -> Path:
    """Write the clip as `<name>.mid` (a name a file manager accepts) in `folder` (default: a
    temporary folder that outlives the drag, since the drop target reads the file afterwards).
    Raises ValueError (no notes) or composer.io.errors.ScoreFileError (cannot write)."""
    safe = re.sub(r"[^\w\- ]+", "", name).strip() or "clip"
    path = (folder or clip_folder()) / f"{safe[:60]}.mid"
    write_midi(clip_score(score, notes, name), path)
    return path
