"""What keeps a render bounded: long silences shortened, a length limit, a disk-space check.

Policy (documented in README, "Files"): a stretch where nothing sounds that is longer than
MAX_SILENCE_SECONDS is shortened to that length before rendering, and the render says so (a
MIDI file can hold a note 16 days after the last one: ~250 GB of silence as WAV). What remains
must fit in MAX_RENDER_SECONDS, and the disk must have room for it twice (the synth's raw
samples, then the normalised file), or the render is refused with the reason before it starts.
"""

from __future__ import annotations

import shutil
import tempfile
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path

from composer.audio.errors import AudioError
from composer.music.meter import MeterChange
from composer.music.score import KeyChange, Pedal, Score, TempoChange, united_pedals

MAX_SILENCE_SECONDS = 10.0
MAX_RENDER_SECONDS = 6 * 3600.0  # six hours of audio, about 3.6 GB of 44.1 kHz stereo WAV
WAV_BYTES_PER_FRAME = 4  # 16-bit stereo


class RenderRefused(AudioError):
    """The render would be too long or the disk too full; the message says which and why."""


@dataclass(frozen=True, slots=True)
class Shortened:
    at_seconds: float  # where the silence began, in the original score
    removed_seconds: float


def _human(seconds: float) -> str:
    if seconds >= 86400:
        return f"{seconds / 86400:.1f} days"
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} hours"
    if seconds >= 60:
        return f"{seconds / 60:.1f} minutes"
    return f"{seconds:.1f} s"


def describe(shortened: list[Shortened], limit: float = MAX_SILENCE_SECONDS) -> str:
    """One sentence for the person rendering: what was shortened."""
    total = sum(s.removed_seconds for s in shortened)
    count = len(shortened)
    first = shortened[0]
    where = f"the first after {_human(first.at_seconds)}" if count > 1 else f"after {_human(first.at_seconds)}"
    return (f"shortened {count} silent stretch{'es' if count > 1 else ''} to {limit:g} s{' each' if count > 1 else ''} "
            f"({_human(total)} of silence left out; {where})")


def shorten_silences(score: Score, max_seconds: float = MAX_SILENCE_SECONDS) -> tuple[Score, list[Shortened]]:
    """A copy of `score` in which every stretch longer than max_seconds where no note sounds is
    cut to max_seconds (notes, pedals, tempo, meter and key changes after it move earlier), and
    what was cut. The score itself is unchanged; with nothing to cut the same score is returned."""
    notes = sorted(score.notes, key=lambda n: n.onset)
    cuts: list[tuple[int, int]] = []  # (tick where the cut begins, ticks removed)
    shortened: list[Shortened] = []
    sounding_until = 0
    for note in notes:
        if note.onset > sounding_until:
            gap = score.seconds_at(note.onset) - score.seconds_at(sounding_until)
            if gap > max_seconds:
                keep_until = score.tick_at(score.seconds_at(sounding_until) + max_seconds)
                cuts.append((keep_until, note.onset - keep_until))
                shortened.append(Shortened(score.seconds_at(sounding_until), gap - max_seconds))
        sounding_until = max(sounding_until, note.end)
    if not cuts:
        return score, []
    starts = [start for start, _ in cuts]
    removed_before = [0]
    for _, removed in cuts:
        removed_before.append(removed_before[-1] + removed)

    def moved(tick: int) -> int:
        at = bisect_right(starts, tick) - 1
        if at < 0:
            return tick
        start, removed = cuts[at]
        inside = min(tick - start, removed)  # a change inside a cut lands where the cut begins
        return tick - removed_before[at] - inside

    copy = score.copy(notes=[n.with_(onset=moved(n.onset)) for n in score.notes])
    copy.tempos = _last_per_tick([TempoChange(moved(t.tick), t.bpm) for t in score.tempos])
    copy.meters = [score.meters[0]] + [MeterChange(moved(m.tick), m.numerator, m.denominator) for m in score.meters[1:]]
    copy.meters = list({m.tick: m for m in copy.meters}.values())
    copy.keys = list({k.tick: KeyChange(k.tick, k.key) for k in
                      (KeyChange(moved(k.tick), k.key) for k in score.keys)}.values())
    copy.pedals = united_pedals(Pedal(p.voice, moved(p.onset), moved(p.end)) for p in score.pedals
                                if moved(p.end) > moved(p.onset))
    return copy, shortened


def _last_per_tick(changes: list[TempoChange]) -> list[TempoChange]:
    by_tick: dict[int, TempoChange] = {}
    for change in changes:
        by_tick[change.tick] = change
    return [by_tick[t] for t in sorted(by_tick)]


def check_render(seconds: float, path: Path, sample_rate: int, max_seconds: float = MAX_RENDER_SECONDS) -> None:
    """Raise RenderRefused if `seconds` of audio is over the limit or will not fit on the disks
    it is written to (the target's folder, and the temporary folder for the raw samples)."""
    if seconds > max_seconds:
        raise RenderRefused(f"the piece would render to {_human(seconds)} of audio, more than the "
                            f"{_human(max_seconds)} Composer renders; shorten it or render a part of it")
    needed = int(seconds * sample_rate * WAV_BYTES_PER_FRAME) + 1_000_000
    for folder, what in ((path.parent, "the target folder"), (Path(tempfile.gettempdir()), "the temporary folder")):
        try:
            free = shutil.disk_usage(folder).free
        except OSError:
            continue
        if free < needed:
            raise RenderRefused(f"{what} ({folder}) has {free / 1e6:.0f} MB free; the render needs about "
                                f"{needed / 1e6:.0f} MB")
