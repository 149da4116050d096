"""The one set of limits on what Composer holds, applied at every door: the file readers
(fit_score), the editor (composer.ui.document), project save and project load
(composer.io.project_file). What the app holds it can therefore always save and reopen.

The values are far beyond real music and exist to keep damaged or hostile files from costing
minutes or gigabytes: a 300-voice orchestra file is real (and merged to fit, with a message), a
tempo of 1,200,000 bpm is damage (clamped, with a message).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import replace

MAX_VOICES = 256  # the voicing panel and the mixer stay usable; 128 GM programs x drum/not fits
MIN_BPM, MAX_BPM = 1.0, 1000.0  # a MIDI tempo event reaches 60,000,000 bpm; no music goes past 1000
MAX_TEMPO_CHANGES = 100_000
MAX_METER_CHANGES = 100_000
MAX_KEY_CHANGES = 100_000
MAX_METER_NUMERATOR = 255  # the MIDI time-signature event's byte
MAX_TICK = 2**40  # onsets and note ends: ~300 years at 120 bpm; further is damage, not music
MAX_NOTES = 2_000_000  # past this the editor and the model are no use, and memory runs to gigabytes
MAX_TITLE = 500  # characters
MAX_VOICE_NAME = 200
MAX_STYLE = 200

# One generation request (composer continue / fill / accompany, checked as the options are parsed,
# before the model loads). Past these a request runs for many minutes on a CPU: a typo, not music.
MAX_NEW_NOTES = 4096  # --length: several minutes of a busy tune; longer pieces are written in takes
MAX_CONTINUE_BARS = 256  # --bars: longer than most whole songs; more is continued from the result
MAX_VARIATIONS = 32  # --variations: more takes than anyone auditions, each one a file on disk
# Where composer.model.region_writer stops a --bars continuation (its literals; keep in step): the
# first voice written at this many new notes, each voice after it at voice_fill_cap. The last bars
# of that voice may then be empty, and the command says so.
BARS_REQUEST_NOTES = 1024
VOICE_FILL_NOTES = 256
VOICE_FILL_PER_BAR = 24  # ... or this many a bar of the span (a drum kit's eighths, kicks and snares), if more


def region_fill_cap(span_bars: float, voices: int) -> int:
    """The most new notes a bounded region (a fill, an added part) is written with: VOICE_FILL_PER_BAR
    a bar of it for each voice, at least VOICE_FILL_NOTES, at most MAX_NEW_NOTES (a request's
    --length bound). At a flat 256 an added drum part stopped at bar 22 of 48, and a bass added to a
    400-bar reel at bar 67, without a word (QA qa15 H1)."""
    return int(min(MAX_NEW_NOTES, max(VOICE_FILL_NOTES, VOICE_FILL_PER_BAR * span_bars) * max(1, voices)))


def voice_fill_cap(span_bars: float) -> int:
    """The most new notes a voice written after the first gets over `span_bars` bars (the span the
    first voice set): VOICE_FILL_NOTES, or VOICE_FILL_PER_BAR a bar where that is more, at most
    BARS_REQUEST_NOTES. At 256 a drum part stopped at bar 36 of a 56-bar continuation (QA)."""
    return int(min(BARS_REQUEST_NOTES, max(VOICE_FILL_NOTES, VOICE_FILL_PER_BAR * span_bars)))


class LimitError(ValueError):
    """A score is outside the limits and cannot be brought within them without losing music."""


def score_problems(score) -> list[str]:
    """Every way `score` (composer.music.score.Score) breaks the limits, in words; [] = fine.
    Used by project save and load, so a file that saves is a file that opens."""
    problems = []
    if len(score.voices) > MAX_VOICES:
        problems.append(f"{len(score.voices)} voices (at most {MAX_VOICES})")
    if len(score.notes) > MAX_NOTES:
        problems.append(f"{len(score.notes):,} notes (at most {MAX_NOTES:,})")
    if any(n.end > MAX_TICK for n in score.notes):
        problems.append(f"a note ends past tick {MAX_TICK}")
    if any(n.voice >= len(score.voices) for n in score.notes):
        problems.append("a note belongs to a voice the score does not have")
    pedals = getattr(score, "pedals", None) or []
    if len(pedals) > MAX_NOTES:
        problems.append(f"{len(pedals):,} pedal presses (at most {MAX_NOTES:,})")
    if any(p.voice >= len(score.voices) or p.end > MAX_TICK for p in pedals):
        problems.append(f"a pedal on a voice the score does not have or past tick {MAX_TICK}")
    if len(score.tempos) > MAX_TEMPO_CHANGES:
        problems.append(f"{len(score.tempos):,} tempo changes (at most {MAX_TEMPO_CHANGES:,})")
    bad = next((t.bpm for t in score.tempos if not (math.isfinite(t.bpm) and MIN_BPM <= t.bpm <= MAX_BPM)), None)
    if bad is not None:
        problems.append(f"a tempo of {bad:g} bpm (Composer plays {MIN_BPM:g}-{MAX_BPM:g})")
    if any(not 0 <= t.tick <= MAX_TICK for t in score.tempos):
        problems.append(f"a tempo change outside ticks 0-{MAX_TICK}")
    meters = getattr(score, "meters", None) or []
    if len(meters) > MAX_METER_CHANGES:
        problems.append(f"{len(meters):,} meter changes (at most {MAX_METER_CHANGES:,})")
    if any(m.numerator > MAX_METER_NUMERATOR or abs(m.tick) > MAX_TICK for m in meters):
        problems.append(f"a meter over {MAX_METER_NUMERATOR} beats or past tick {MAX_TICK}")
    keys = getattr(score, "keys", None) or []
    if len(keys) > MAX_KEY_CHANGES:
        problems.append(f"{len(keys):,} key changes (at most {MAX_KEY_CHANGES:,})")
    if len(score.title) > MAX_TITLE:
        problems.append(f"a title of {len(score.title)} characters (at most {MAX_TITLE})")
    if score.style is not None and len(score.style) > MAX_STYLE:
        problems.append(f"a style name over {MAX_STYLE} characters")
    if any(len(v.name) > MAX_VOICE_NAME for v in score.voices):
        problems.append(f"a voice name over {MAX_VOICE_NAME} characters")
    return problems


def fit_score(score) -> list[str]:
    """Bring a score just read from a file within the limits, in place, and say what changed
    (the reader shows it to the person). Voices past MAX_VOICES are merged by sound (program and
    drum flag: what MIDI plays them with anyway); tempos are clamped; over-long names shortened;
    notes past MAX_TICK dropped. Raises LimitError when the notes themselves are too many."""
    changed: list[str] = []
    if len(score.notes) > MAX_NOTES:
        raise LimitError(f"it holds {len(score.notes):,} notes; Composer edits at most {MAX_NOTES:,}")
    if len(score.voices) > MAX_VOICES:
        changed.append(_merge_voices(score))
    late = [n for n in score.notes if n.end > MAX_TICK]
    if late:
        if len(late) == len(score.notes):
            raise LimitError(f"every note ends past tick {MAX_TICK} (centuries in): damage, not music")
        score.notes = [n for n in score.notes if n.end <= MAX_TICK]
        changed.append(f"{len(late)} notes ending past tick {MAX_TICK} (centuries in) were left out")
    if any(p.end > MAX_TICK for p in getattr(score, "pedals", None) or []):
        score.pedals = [p for p in score.pedals if p.end <= MAX_TICK]
    wild = [t.bpm for t in score.tempos if not (math.isfinite(t.bpm) and MIN_BPM <= t.bpm <= MAX_BPM)]
    if wild:
        score.tempos = [replace(t, bpm=min(MAX_BPM, max(MIN_BPM, t.bpm)) if math.isfinite(t.bpm) else 120.0)
                        for t in score.tempos]
        changed.append(f"a tempo of {wild[0]:g} bpm was set to {min(MAX_BPM, max(MIN_BPM, wild[0])):g} "
                       f"(Composer plays {MIN_BPM:g}-{MAX_BPM:g} bpm)")
    if len(score.tempos) > MAX_TEMPO_CHANGES or any(t.tick > MAX_TICK for t in score.tempos):
        score.tempos = [t for t in score.tempos if t.tick <= MAX_TICK][:MAX_TEMPO_CHANGES]
        changed.append(f"only the first {len(score.tempos):,} tempo changes were kept")
    for name, limit in (("meters", MAX_METER_CHANGES), ("keys", MAX_KEY_CHANGES)):
        values = getattr(score, name, None)
        if values is not None and len(values) > limit:
            setattr(score, name, values[:limit])
            changed.append(f"only the first {limit:,} {name[:-1]} changes were kept")
    if len(score.title) > MAX_TITLE:
        score.title = score.title[:MAX_TITLE]
        changed.append(f"the title was shortened to {MAX_TITLE} characters")
    if score.style is not None and len(score.style) > MAX_STYLE:
        score.style = score.style[:MAX_STYLE]
    for index, voice in enumerate(score.voices):
        if len(voice.name) > MAX_VOICE_NAME:
            score.voices[index] = replace(voice, name=voice.name[:MAX_VOICE_NAME])
    return changed


def _merge_voices(score) -> str:
    """Merge voices into others of the same sound (program and drum flag: what MIDI plays them
    with anyway) until at most MAX_VOICES remain, those with the fewest notes first, each into its
    sound's voice with the most notes; the rest stay as they were. One voice per instrument for
    all had merged a 300-voice project into 128, 172 more than the limit asked (QA qa27)."""
    before = len(score.voices)
    notes_of = Counter(n.voice for n in score.notes)
    groups: dict[tuple[int, bool], list[int]] = {}
    for index, voice in enumerate(score.voices):
        groups.setdefault((voice.program, voice.is_drum), []).append(index)
    into = {}  # merged voice -> the voice it joins
    primary = {sound: max(indices, key=lambda i: (notes_of[i], -i)) for sound, indices in groups.items()}
    spare = sorted((i for sound, indices in groups.items() for i in indices if i != primary[sound]),
                   key=lambda i: (notes_of[i], i))
    for index in spare[:max(0, before - MAX_VOICES)]:
        voice = score.voices[index]
        into[index] = primary[(voice.program, voice.is_drum)]
    kept = [i for i in range(before) if i not in into]
    position = {old: new for new, old in enumerate(kept)}
    new_index = [position[into.get(i, i)] for i in range(before)]
    counts = Counter(into.values())
    score.voices = [replace(score.voices[i], name=f"{score.voices[i].name} (+{counts[i]} merged)"[:MAX_VOICE_NAME])
                    if counts[i] else score.voices[i] for i in kept]
    score.notes = [n if n.voice == new_index[n.voice] else replace(n, voice=new_index[n.voice]) for n in score.notes]
    if getattr(score, "pedals", None):  # a merged voice keeps its pedal (overlapping spans made one)
        from composer.music.score import united_pedals
        score.pedals = united_pedals(replace(p, voice=new_index[p.voice]) for p in score.pedals)
    return (f"{before} voices were merged into {len(kept)}: the {len(into)} with the fewest notes each joined a "
            f"voice of its instrument (Composer edits at most {MAX_VOICES} voices)")


def field_problem(name: str, value) -> str | None:
    """Why setting Score field `name` to `value` would break the limits (the editor's door), or None."""
    probe = _Probe()
    if name in ("voices", "tempos", "meters", "keys"):
        setattr(probe, name, list(value))
    elif name in ("title", "style"):
        setattr(probe, name, value)
    else:
        return None
    problems = score_problems(probe)
    return problems[0] if problems else None


def notes_problem(notes, voices: int) -> str | None:
    """Why adding these notes to a score of `voices` voices would break the limits, or None."""
    for note in notes:
        if note.end > MAX_TICK:
            return f"a note would end past tick {MAX_TICK}"
        if note.voice >= min(voices, MAX_VOICES):
            return f"a note is in voice {note.voice + 1}, past the score's {voices}"
    return None


class _Probe:
    """A stand-in Score holding one field to check (the others empty)."""

    def __init__(self):
        self.notes, self.voices, self.tempos, self.meters, self.keys = [], [], [], [], []
        self.title, self.style = "", None


def fits(score) -> bool:
    return not score_problems(score)
