"""The one generation request, and how continue / fill / add-a-part requests are built from a
score. Plain data without torch or Qt: the window builds a request in its own process, pickles
it to the model process (composer.ui.model_process), and applies the answer with apply_result.

Bars are counted as a musician numbers them: bar 1 is the first full bar, a pickup is bar 0.
They follow the score's meter map (Score.meters, composer.music.meter) when it has one, else its
time signature. Ticks are score ticks (TICKS_PER_QUARTER per quarter).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from composer.music.blues import blues_tonic_of
from composer.music.hands import two_handed_voices
from composer.music.region import ROLES, Controls, Region
from composer.music.roles import infer_roles
from composer.music.scales import Key, estimate_key, fitted_scale
from composer.music.meter import TICKS_PER_QUARTER, MeterMap
from composer.music.score import Note, Score, Voice

# The parts "add a part" offers: name shown -> (role, GM program 0-based, voice name).
PARTS: dict[str, tuple[str, int, str]] = {
    "bass": ("bass", 33, "Bass"),  # Electric Bass (finger)
    "harmony": ("harmony", 0, "Harmony"),  # Acoustic Grand Piano (48 String Ensemble over a piano)
    "counter": ("melody", 71, "Counter-melody"),  # Clarinet: a middle register under the tune
    "drums": ("drums", 0, "Drums"),
}
DEFAULT_CONTINUE_BARS = 4


@dataclass
class GenerationRequest:
    """Write `region` of `score` given everything else in it.

    key: "auto" (estimated from the notes outside the region), a Key, "C:major"-style text, or
    None (no key lock). chords: composer.music.chords.ChordSymbol list to follow, or None.
    length: most new notes in all (None = the region or `bars` decide); bars: bars to write after
    region.start when the region is open-ended (a continuation). seed: random seed (None =
    a fresh one). Raises ValueError for a region voice the score lacks or a bad option."""

    score: Score
    region: Region
    style: str | None = None
    key: Key | str | None = "auto"
    chords: list | None = None
    controls: Controls = field(default_factory=Controls)
    temperature: float = 1.0
    top_p: float = 0.95
    variations: int = 1
    seed: int | None = None
    length: int | None = None
    bars: int | None = None
    # The Key given was detected from the music (the window's "Detect from seed"), not chosen:
    # like "auto", the chords written or given over the region widen it by their tones.
    key_detected: bool = False

    def key_widens_to_chords(self) -> bool:
        """Whether the key lock is the music's (auto or detected), which written chords widen."""
        return self.key == "auto" or self.key_detected

    def __post_init__(self) -> None:
        if self.variations < 1:
            raise ValueError("variations must be at least 1")
        if self.temperature < 0:
            raise ValueError("temperature must be >= 0 (0 = always the most likely note)")
        if not 0.0 < self.top_p <= 1.0:
            raise ValueError("top-p must be in (0, 1]")
        if self.length is not None and self.length < 1:
            raise ValueError("length must be at least one note")
        if self.bars is not None and self.bars < 1:
            raise ValueError("bars must be at least 1")
        missing = [v for v in self.region.voices if v >= len(self.score.voices)]
        if missing:
            raise ValueError(f"voice {missing[0] + 1} is not in the score (it has {len(self.score.voices)} voices)")
        if isinstance(self.key, str) and self.key != "auto":
            self.key = Key.parse(self.key)

    def context(self) -> Score:
        """The score without the notes the region replaces (what the model is given)."""
        return clear_region(self.score, self.region)

    def replaced(self) -> list[Note]:
        """The notes of the score the region replaces (Region.members)."""
        return [n for n, inside in zip(self.score.notes, self.region.members(self.score.notes)) if inside]

    def resolved_key(self, context: Score | None = None) -> Key | None:
        """The key lock: "auto" = estimated from the pitched notes outside the region or, when
        chords sound in the region (given with the request or on the score's chord track), from
        their chord tones: the harmony asked for the new music decides its key (a C major seed
        continued over "Bb | Eb | Bb | F7" must be allowed its B flats)."""
        if self.key != "auto":
            return self.key  # type: ignore[return-value]
        context = self.context() if context is None else context
        chords = self.chords if self.chords is not None else getattr(context, "chords", None)
        start, end = self.region.start, self.region.end
        inside = [c for c in chords or () if c.end > start and (end is None or c.onset < end)]
        if inside:
            from composer.music.chords import CHORD_INTERVALS, QUALITIES, root_and_quality

            tones = []
            for chord in inside:
                try:
                    root, quality = root_and_quality(chord.figure)
                except ValueError:
                    continue
                tones += [Note(60 + (root + i) % 12, chord.onset, chord.duration, 80)
                          for i in CHORD_INTERVALS[QUALITIES[quality]]]
            if tones:
                return fitted_scale(estimate_key(tones), tones)
        drums = {i for i, v in enumerate(context.voices) if v.is_drum}
        pitched = [n for n in context.notes if n.voice not in drums]
        return key_of_section(getattr(context, "keys", None) or (), pitched, start, end, meters_of(context))

    def describe(self) -> str:
        """A short line for status bars and the CLI, e.g. 'fill bars 5-6, voices 1, 3'."""
        voices = ", ".join(self.score.voices[v].name for v in self.region.voices)
        if self.region.end is None:
            return f"continue {voices}"
        return f"write {voices} from tick {self.region.start} to {self.region.end}"


def key_sections(request: GenerationRequest, context: Score | None = None) -> list[tuple[int, int]]:
    """The spans [start, end) (ticks) a bounded region is written in under the auto key lock: cut
    at the score's written key changes inside it, so each is locked to its own key; one span when
    it crosses none, the key is given or off, the region is open (a continuation) or it writes
    drums only."""
    region = request.region
    if request.key != "auto" or region.end is None:
        return [(region.start, region.end)]
    score = request.score if context is None else context
    if all(v < len(score.voices) and score.voices[v].is_drum for v in region.voices):
        return [(region.start, region.end)]
    cuts = sorted({k.tick for k in getattr(score, "keys", None) or () if region.start < k.tick < region.end})
    if not cuts:
        return [(region.start, region.end)]
    bounds = [region.start, *cuts, region.end]
    spans: list[tuple[int, int]] = []
    keys: list = []
    for start, end in zip(bounds[:-1], bounds[1:]):
        key = replace(request, region=replace(region, start=start, end=end)).resolved_key(context)
        if keys and keys[-1] == key:  # the same key again (a key signature restated): one section
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
            keys.append(key)
    # Each section after the first costs a pass per variation: a file that changes key signature
    # every bar or two is written in one pass, locked as before.
    return spans if len(spans) <= MAX_KEY_SECTIONS else [(region.start, region.end)]


MAX_KEY_SECTIONS = 8


MIN_SECTION_NOTES = 8  # fewer pitched notes in the region's key section: its written key is the lock
# Share of the notes' duration the estimated key's scale must hold to be a lock (lead sheets: 1 %
# below 0.78, the median 0.96); under it the music changes key too often for one, and no key is
# locked (of 300 OpenEWLD lead sheets, 1).
KEY_CLARITY = 0.7


def meters_of(score: Score) -> MeterMap | None:
    """The score's meter map, by whose bars a blues is told (composer.music.blues); None where
    the score has none (4/4 is assumed there)."""
    meter_map = getattr(score, "meter_map", None)
    return meter_map() if meter_map is not None else None


def key_of_section(keys, pitched: list[Note], start: int, end: int | None,
                   meters: MeterMap | None = None) -> Key | None:
    """The auto key lock where the score changes key (two or more entries in its key map): the
    key estimated from the notes of the written key section(s) the region [start, end) lies in,
    or that section's written key when it holds fewer than MIN_SECTION_NOTES notes. A piece in
    G major that modulates to Eb major was continued, and filled, locked to the key of the whole
    piece's notes (G major, or G minor for a mixture), so its Eb-major bars got B and F# naturals.
    With one key (or none) written: the whole piece's notes, as before. Either way the written
    key stands where the notes fit it as well as the estimate (estimated_or_written). meters: the
    meter map (meters_of) by whose bars a blues is told (None: 4/4 from tick 0)."""
    # (estimate_key says major or minor; the notes decide which minor or mode: fitted_scale)
    if len(keys) < 2:
        return estimated_or_written(keys[0].key if keys else None, pitched, meters)
    ticks = sorted(k.tick for k in keys)
    first = max((t for t in ticks if t <= start), default=ticks[0])
    last = start if end is None else max(start, end - 1)
    after = [t for t in ticks if t > last]
    stop = None if end is None or not after else after[0]
    section = [n for n in pitched if n.onset >= first and (stop is None or n.onset < stop)]
    written = max((k for k in keys if k.tick <= start), key=lambda k: k.tick, default=keys[0])
    if len(section) >= MIN_SECTION_NOTES:
        return estimated_or_written(written.key, section, meters)
    return written.key


def finds_no_key(request: GenerationRequest) -> bool:
    """True when the request asks for the auto key lock and it finds none for pitched new notes (no
    pitched notes, chords or key signature around them, as beside a drum groove): the front ends
    say so, since a bass added to drums alone wandered through all twelve notes without a word (QA)."""
    if request.key != "auto":
        return False
    voices = request.score.voices
    if not any(v < len(voices) and not voices[v].is_drum for v in request.region.voices):
        return False
    return request.resolved_key() is None


def _blues_tonic(pitched: list[Note], meters: MeterMap | None) -> int | None:
    """composer.music.blues.blues_tonic_of of the notes, by the bars of `meters` (None: 4/4 from
    tick 0); None without notes."""
    if not pitched:
        return None
    return blues_tonic_of([n.onset for n in pitched], [n.duration for n in pitched], [n.pitch for n in pitched], meters)


def estimated_key(pitched: list[Note], blues: int | None) -> Key | None:
    """The key the notes are in: the tonic `blues` (the notes' blues tonic, _blues_tonic; None:
    none), major or mixolydian, else Krumhansl-Schmuckler's estimate (estimate_key); then the
    scale of its tonic that fits them best (fitted_scale). A boogie riff in C had been read as A
    phrygian, a riff on the tonic as Eb major, the README's riff swung as G phrygian (QA qa35).
    None without notes."""
    if not pitched:
        return None
    return fitted_scale(Key(blues, "major") if blues is not None else estimate_key(pitched), pitched)


def estimated_or_written(written: Key | None, pitched: list[Note], meters: MeterMap | None = None) -> Key | None:
    """The key the notes are in (estimate_key, then fitted_scale), unless the written key
    signature's scale (fitted to the notes: C major with B flats is C mixolydian) allows other
    pitches and holds as much of their duration: eight notes of C major (C E G C B G E D) read as
    E minor, and a fill of the next bars in a piece written in C major was locked to E minor (F#
    allowed, F forbidden; QA). A signature the notes contradict (a stray C major over a tune with
    F# and C#) loses. Without notes, the written key (None when there is none): a bass added to a
    drum groove in a file marked E minor was held to no key (QA). Where neither the estimate nor
    the written key holds KEY_CLARITY of the notes' duration, None: the music changes key too
    often for one lock. meters: the meter map by whose bars a blues is told (_blues_tonic;
    None: 4/4 from tick 0)."""
    held = [0.0] * 12
    for note in pitched:
        held[note.pitch % 12] += note.duration
    share = lambda key: sum(held[c] for c in key.pitch_classes)  # noqa: E731
    blues = _blues_tonic(pitched, meters)
    estimated = estimated_key(pitched, blues)
    if estimated is not None and share(estimated) < KEY_CLARITY * sum(held):
        # (no one key: a jazz tune through C, Eb, D and Ab major was locked to G lydian, and a
        # left hand filled beside its Eb bars played G6 and A6, QA qa30; a written key the notes
        # hold as little of is no lock either)
        kept = fitted_scale(written, pitched) if written is not None else None
        return kept if kept is not None and share(kept) >= KEY_CLARITY * sum(held) else None
    if written is None or estimated is None:
        return estimated or written
    kept = fitted_scale(written, pitched)
    if blues is not None:
        # (a blues keeps its tonic over a signature of the same notes: a G blues in a file marked C
        # major, as notation programs write one with no key set, was locked to C major, and its
        # D7 bars were played as F major, QA qa36)
        return kept if share(kept) > share(estimated) else estimated
    if kept.pitch_classes == estimated.pitch_classes:
        # The same notes under another name: the lock is the same, and the name is the one a
        # musician reads: a major or minor key over a mode on another degree (G major read under
        # a D major signature as D mixolydian is G major; a piece under a G signature whose bass
        # held D read "B phrygian", QA: G major).
        plain = ("major", "minor")
        if kept == written and written.scale not in plain:
            return kept  # (a mode written as one, K:Ddor, is the musician's own name: it had shown C major, QA)
        return kept if kept.scale in plain and estimated.scale not in plain else estimated
    return kept if share(kept) >= share(estimated) else estimated


# ----------------------------------------------------------------------------- bars

def _bar_starts(score: Score, until: int) -> list[int]:
    """Every bar line up to and including the first at or after `until` (pickup bar first)."""
    meter_map = getattr(score, "meter_map", None)
    if meter_map is not None:
        mm = meter_map()
        starts = mm.bar_starts(until + 1)
        last = starts[-1] if starts else 0
        while last <= until:
            last += mm.at(last).bar_ticks
            starts.append(last)
        return starts
    bar = score.time_signature.bar_ticks
    return list(range(0, until + bar + 1, bar))


def _has_pickup(score: Score) -> bool:
    meters = getattr(score, "meters", None)
    return bool(meters) and meters[0].tick < 0


def first_bar_line(score: Score) -> int:
    """Tick of the first full bar's downbeat: after a pickup its length, else 0."""
    if not _has_pickup(score):
        return 0
    first = score.meters[0]
    return first.tick + first.bar_ticks


def bar_span(score: Score, first: int, last: int) -> tuple[int, int]:
    """Ticks [start, end) of bars first..last (inclusive, numbered from 1; a pickup is bar 0).
    Raises ValueError for last < first or a bar number below the first bar."""
    lowest = 0 if _has_pickup(score) else 1
    if first < lowest or last < first:
        raise ValueError(f"bars {first}-{last} are not a range of bars from {lowest}")
    offset = 0 if _has_pickup(score) else 1  # index into bar starts of bar number `first`
    starts = [0]
    guess = max(score.end, 1)
    while True:
        starts = _bar_starts(score, guess)
        if len(starts) > last - offset + 1:
            break
        guess *= 2
    return max(0, starts[first - offset]), starts[last - offset + 1]


def bar_at(score: Score, tick: int) -> tuple[int, int]:
    """Ticks [start, end) of the bar holding `tick`."""
    starts = _bar_starts(score, max(0, tick))
    for a, b in zip(starts, starts[1:]):
        if a <= tick < b:
            return max(0, a), b
    return starts[-2], starts[-1]


def bar_number(score: Score, tick: int) -> int:
    """The musician's number of the bar holding `tick` (1 = first full bar, 0 = a pickup)."""
    starts = _bar_starts(score, max(0, tick))
    index = max(i for i, start in enumerate(starts) if start <= max(0, tick))
    return index if _has_pickup(score) else index + 1


def parse_bars(text: str) -> tuple[int, int]:
    """'5-6' -> (5, 6); '3' -> (3, 3). Raises ValueError with the expected form."""
    try:
        parts = [int(p) for p in text.replace(" ", "").split("-")]
    except ValueError:
        parts = []
    if len(parts) == 1:
        parts = parts * 2
    if len(parts) == 2 and 0 <= parts[1] < parts[0]:  # '5-3': say so, not only the form
        raise ValueError(f"bars {text!r} run backwards: give a range of bars first bar first, {parts[1]}-{parts[0]}")
    if len(parts) != 2 or parts[0] < 0:
        raise ValueError(f"bars {text!r}: give a bar or a range of bars, e.g. 5-6")
    return parts[0], parts[1]


def past_the_end(score: Score, start: int, end: int) -> str:
    """What to tell the person when a Fill of ticks [start, end) reaches past the last bar of the
    music ('' when it does not): there is nothing after to fill towards, so those bars are a
    continuation (e.g. 'bars 50-51 are after the end of the piece (48 bars): continuing it
    instead; bar 49 stays empty'). The command line and the window say the same."""
    if not score.notes or end <= start:
        return ""
    last_tick = max(0, score.end - 1)
    if end <= bar_at(score, last_tick)[1]:
        return ""
    bars = bar_number(score, last_tick)
    first, last = bar_number(score, start), bar_number(score, end - 1)
    after = max(first, bars + 1)
    span = f"bar {after} is" if after == last else f"bars {after}-{last} are"
    piece = f"the end of the piece ({bars} bar{'s' if bars != 1 else ''})"
    if start < bar_at(score, last_tick)[1]:
        return f"{span} after {piece}: those are a continuation, with nothing after them to lead into"
    gap = "" if first == bars + 1 else (
        f"; bar {bars + 1} stays empty" if first == bars + 2 else f"; bars {bars + 1}-{first - 1} stay empty")
    return f"{span} after {piece}: continuing it instead{gap}"


# ----------------------------------------------------------------------------- regions

def clear_region(score: Score, region: Region) -> Score:
    """A copy of score without the notes the region rewrites (target voices, chord starting
    inside: Region.members)."""
    return score.copy(notes=[n for n, inside in zip(score.notes, region.members(score.notes)) if not inside])


def apply_result(request: GenerationRequest, new: list[Note], context: Score | None = None) -> Score:
    """The request's score with the region's notes replaced by `new` (after the kept notes):
    notes outside the region are never touched, and new notes outside it are dropped; every new
    note is marked generated. `context`: request.context(), when the caller has it already."""
    region = request.region
    kept = [n if n.generated else n.with_(generated=True) for n in new if region.contains(n.onset, n.voice)]
    context = request.context() if context is None else context
    return context.copy(notes=[*context.notes, *_let_go_before(kept, context.notes)])


def _let_go_before(new: list[Note], kept: list[Note]) -> list[Note]:
    """The new notes, each let go where a kept note of its voice and pitch starts while it sounds
    (a chord the region leaves, played from just before the region's end: its note-on must not
    be cut off by a new note's note-off)."""
    starts: dict[tuple[int, int], list[int]] = {}
    for n in kept:
        starts.setdefault((n.voice, n.pitch), []).append(n.onset)
    out = []
    for n in new:
        later = [t for t in starts.get((n.voice, n.pitch), ()) if n.onset < t < n.end]
        out.append(n.with_(duration=min(later) - n.onset) if later else n)
    return out


def same_variations(variations: list[Score]) -> dict[int, int]:
    """{variation number: the earlier variation number whose new notes it repeats exactly} (from 1;
    new notes: those marked generated, compared by pitch, onset, duration and voice). A piece that
    states a whole tune twice is continued with a third statement note for note: the model's copy
    of it is certain, so every variation was the same without a word (QA)."""
    seen: dict[tuple, int] = {}
    same = {}
    for number, score in enumerate(variations, start=1):
        key = tuple(sorted((n.onset, n.pitch, n.duration, n.voice) for n in score.notes if n.generated))
        if key in seen:
            same[number] = seen[key]
        else:
            seen[key] = number
    return same


def same_variations_text(same: dict[int, int], temperature: float | None = None) -> str | None:
    """What to say of same_variations' result (None when every variation differs). A variation
    that came out the same as an earlier one is written again to leave it where the co-writer was
    least sure (composer.model.sampling.branch_points), so one still the same had no other note
    it could take: temperature 0 (only the likeliest), or every note bound by the controls."""
    if not same:
        return None
    repeats = ", ".join(f"{k} is the same as {v}" for k, v in sorted(same.items()))
    if temperature == 0:
        return f"variation {repeats}: temperature 0 takes only the likeliest notes; raise it for others"
    return (f"variation {repeats}: the co-writer found no other notes to write there within the controls; "
            "for others raise the temperature or top-p, loosen the key lock, range or density, or ask for "
            "other bars or voices")


def voices_with_notes(score: Score, start: int = 0, end: int | None = None) -> tuple[int, ...]:
    """Voices with a note starting in [start, end)."""
    return tuple(sorted({n.voice for n in score.notes if n.onset >= start and (end is None or n.onset < end)}))


def sounding_at_end(score: Score) -> tuple[int, ...]:
    """The voices (pitched and drums) that sound in the last two bars of the music: those a
    continuation carries on (a tune that rests through the last bar while the left hand holds the
    final chord goes on too: it had been left out, 3 of 3 waltz continuations without a melody;
    QA qa17 M4). Raises ValueError for a score without notes."""
    if not score.notes:
        raise ValueError("there are no notes to continue: draw or play a few first")
    last, _ = bar_at(score, max(0, score.end - 1))
    start, _ = bar_at(score, max(0, last - 1)) if last > 0 else (last, None)
    return tuple(sorted({n.voice for n in score.notes if n.end > start}))


def voice_indices(score: Score, names: str | list[str] | None) -> tuple[int, ...] | None:
    """'Melody,Bass' or ['1', 'bass'] -> voice indices by name (case-insensitive), 1-based
    number, or role; None for None. Raises ValueError naming the voices the score has."""
    if names is None:
        return None
    if isinstance(names, str):
        names = [n for n in names.split(",") if n.strip()]
    roles = infer_roles(score)
    out = []
    for name in names:
        wanted = name.strip().lower()
        hits = [i for i, v in enumerate(score.voices) if v.name.lower() == wanted]
        if not hits and wanted.isdigit() and 1 <= int(wanted) <= len(score.voices):
            hits = [int(wanted) - 1]
        if not hits:
            hits = [i for i, role in enumerate(roles) if role == wanted]
        if not hits:
            # (a piano played with both hands in one track is both: its tune's role alone read as
            # "1 Piano (melody)" for a waltz's whole piano, QA qa27)
            both = two_handed_voices(score)
            have = ", ".join(f"{i + 1} {v.name} ({'both hands' if i in both else roles[i]})"
                             for i, v in enumerate(score.voices))
            raise ValueError(f"no voice {name.strip()!r}; this score has: {have}")
        out.extend(h for h in hits if h not in out)
    return tuple(out)


# A last note held this far past a bar line, with nothing starting after it, is let go late (a
# pedal, a legato release), not music in the new bar: rolled piano chords held 25 ticks past bar 17
# were continued from beat 3 of it, every take (QA qa21 M2), and `bars` counted that bar's rest.
LATE_RELEASE = TICKS_PER_QUARTER // 4


# ... and a bar whose last notes are let go before its bar line is complete where each of them
# starts on its last beat (a detached "pah" of a waltz) or is let go by up to this share of the time
# from its onset to that line (or LATE_RELEASE): a played tune's last notes, let go 40-150 ticks
# early, ended "in" its last bar, so a continuation's --chords were laid from that bar, a bar early
# (12 of 12 new left-hand chords under the next bar's chord, QA qa27 H1), and the new bars began
# a grid step before their downbeat. A last note on an earlier beat, held half its time, leaves
# the beats after it to the continuation.
EARLY_RELEASE_SHARE = 0.25


def continuation_start(score: Score) -> int:
    """Where a continuation of `score` starts (ticks): the end of its music, or the bar line its
    last notes were let go just after (within LATE_RELEASE, no note starting at or after it) or
    just before (the notes ending last each starting on the bar's last beat or held to within
    EARLY_RELEASE_SHARE of its time from onset to that line, or LATE_RELEASE)."""
    end = score.end
    meters = score.meter_map()
    bar_line, _ = meters.bar_span(end)
    if 0 < end - bar_line <= LATE_RELEASE and all(n.onset < bar_line for n in score.notes):
        return bar_line
    if end <= 0:
        return end
    _, next_line = meters.bar_span(end - 1)
    beat = meters.at(end - 1).beat_ticks
    last = [n for n in score.notes if n.onset + n.duration > end - LATE_RELEASE]  # (the notes ending last)
    if end < next_line and last and all(
            n.onset >= next_line - beat - LATE_RELEASE
            or next_line - (n.onset + n.duration) <= max(LATE_RELEASE, EARLY_RELEASE_SHARE * (next_line - n.onset))
            for n in last):
        return next_line
    return end


def continue_request(score: Score, voices: tuple[int, ...] | None = None, **options: Any) -> GenerationRequest:
    """Continue after the end of the music (continuation_start), each chosen voice (default: those
    sounding at the end) in its own voice. Without length or bars, DEFAULT_CONTINUE_BARS bars."""
    voices = voices or sounding_at_end(score)
    if options.get("length") is None and options.get("bars") is None:
        options["bars"] = DEFAULT_CONTINUE_BARS
    return GenerationRequest(score, Region(continuation_start(score), None, tuple(voices)), **options)


def fill_request(score: Score, start: int, end: int, voices: tuple[int, ...] | None = None,
                 **options: Any) -> GenerationRequest:
    """Rewrite [start, end) in the chosen voices (default: every voice with notes there, else
    every voice with notes); the music on both sides stays."""
    voices = voices or voices_with_notes(score, start, end) or voices_with_notes(score)
    if not voices:
        raise ValueError("there are no notes around the gap: draw or play some first")
    return GenerationRequest(score, Region(start, end, tuple(voices)), **options)


def _unused_name(name: str, taken: list[str]) -> str:
    """name, or "name 2", "name 3", ...: the first no voice has (case aside), so that a second added
    bass is not a second "Bass" in the voicing panel, the tracks of an export or --voices."""
    names = {t.casefold() for t in taken}
    number = 1
    candidate = name
    while candidate.casefold() in names:
        number += 1
        candidate = f"{name} {number}"
    return candidate


PART_WORDS = {"bass": "bass", "harmony": "harmony", "counter": "counter-melody", "drums": "drum"}


class PartExists(ValueError):
    """Add part > Harmony, Drums or Bass on a score that already has a part of the kind over the span
    asked (composer.music.second_part.find_part_there): another would double it. `complement` says
    which part it is (voice, name, part) and how a second one would be written (add_part(...,
    anyway=True)); str() is the command line's message (naming --anyway), question() the window's."""

    def __init__(self, complement):
        self.complement = complement
        self.part = complement.part
        others = ", ".join(p for p in PARTS if p != self.part)
        super().__init__(f"{complement.found_text()}, so another would double it: add --anyway to write one "
                         f"that complements it ({complement.plan_text()}), or choose another --part ({others})")

    def question(self) -> str:
        """The window's question: what is there, and what Add Anyway writes."""
        c = self.complement
        found = c.found_text()
        others = ", ".join(PART_WORDS[p] if p != "drums" else "drums" for p in PARTS if p != self.part)
        return (f"{found[0].upper()}{found[1:]}, so another {PART_WORDS[self.part]} part would double it.\n\n"
                f"Add it anyway, and the new part complements {c.name}: {c.plan_text()}. "
                f"Or choose another part ({others}).")


def add_part(score: Score, part: str, start: int | None = None, end: int | None = None, *,
             anyway: bool = False, **options: Any) -> GenerationRequest:
    """Append a voice for `part` (a key of PARTS) and ask for it over [start, end) (default: the
    whole piece, whole bars: from the first downbeat, after a pickup). The other voices are the
    context. A counter-melody with no range control gets one below the melody's median (so it does
    not double the tune); a bass gets E1 up to
    an octave under the melody's median, at most G3 (MIDI 28-55). The co-writer pulls a new part to
    the middle of its range and takes only the pitch class from the model for it
    (composer.model.region_writer._new_part_centre). A harmony, drum or bass part where the score
    has one over the span already raises PartExists (a second would double it) unless `anyway`:
    then the new part is written to complement it (composer.music.second_part: for a bass, its
    range is set here, an octave away)."""
    if part not in PARTS:
        raise ValueError(f"unknown part {part!r}; choose one of {', '.join(PARTS)}")
    if not score.notes:
        raise ValueError("there is no music to accompany: draw or play some first")
    role, program, name = PARTS[part]
    if part == "harmony" and any(v.program == 0 and not v.is_drum for v in score.voices):
        program = 48  # String Ensemble 1: a piano part already there keeps its own colour
    # whole bars: from the first bar line, so a part never enters under a pickup (anacrusis)
    start = first_bar_line(score) if start is None else start
    end = bar_at(score, max(0, score.end - 1))[1] if end is None else end
    if end <= start:  # (said in ticks before: "region end 480 is not after its start 480"; QA)
        raise ValueError("the music is only a pickup before the first bar line, and a part begins on a bar "
                         "line: write at least one whole bar, or give the bars to write (--bars)")
    given = options.get("controls")
    keep_range = given is not None and (given.lowest, given.highest) != (None, None)
    from composer.music.second_part import find_part_there

    there = find_part_there(score, part, start, end, keep_range=keep_range)
    if there is not None and not anyway:
        raise PartExists(there)
    roles = infer_roles(score)
    score = score.copy()
    score.voices.append(Voice(name=_unused_name(name, [v.name for v in score.voices]), program=program,
                              is_drum=role == "drums", role=role))
    controls = options.pop("controls", None) or Controls()
    if part in ("counter", "bass") and controls.lowest is None and controls.highest is None:
        melody = sorted(n.pitch for n in score.notes if roles[n.voice] == "melody") or [72]
        median = melody[len(melody) // 2]
        if part == "counter":
            controls = replace(controls, lowest=max(21, median - 15), highest=max(33, median - 3))
        else:  # a new bass has no notes of its own to keep it low: it drifted up into the tune (D4-A4)
            controls = replace(controls, lowest=28, highest=max(40, min(55, median - 12)))  # E1 .. <= G3
            if there is not None and there.lowest is not None:  # beside a bass there: an octave away from it
                controls = replace(controls, lowest=there.lowest, highest=there.highest)
    return GenerationRequest(score, Region(start, end, (len(score.voices) - 1,)), controls=controls, **options)


def style_notice(request: GenerationRequest, name=str) -> str | None:
    """What a part added in request.style plays where the style's name alone does not say it (None
    where there is nothing to add), for the command line and the window alike; name: a style as
    the person reads it (the command line's ids, the window's display names). Drums in a style
    without a beat of its own play its drum family's measured beat (composer.model.style_beats:
    'jazz' -> groove_jazz's ride, swung; QA qa15 L4); a groove style without a beat in the meter
    leaves them the plain beat; a groove style is learnt from drums alone, so a new bass leans to
    its kick where that plays off the beat (funk, Latin: style_beats.kick_line) and another part
    keeps the plain rhythm (QA qa15 L4b: a funk bass the same as the neutral one, without a word)."""
    from composer.model.style_beats import beat_style, kick_line, style_beat, swung

    style, region, score = request.style, request.region, request.score
    if not style or style == "neutral" or len(region.voices) != 1:
        return None
    within = [n for n in score.notes if region.start <= n.onset < (region.end or n.onset + 1)]
    roles = infer_roles(score)
    role = score.voices[region.voices[0]].role or roles[region.voices[0]]
    family = beat_style(style)
    meter = score.meter_map().at(region.start)
    if role != "drums":
        if not style.startswith("groove_"):
            return None
        part = {"bass": "bass", "harmony": "harmony"}.get(role, "counter-melody")
        kicked = kick_line(style, meter.numerator, meter.denominator) and request.controls.density is None
        if role == "bass" and kicked and not any(roles[n.voice] == "bass" and n.voice not in region.voices
                                                 for n in within):
            # (region_writer.default_bass_line; beside a bass there, a second one plays held notes or beats)
            return (f"the new bass part leans to {name(style)}'s kick; the other parts keep the plain rhythm "
                    "(a style learnt from drum grooves alone)")
        return (f"only drums follow {name(style)}'s beat (a style learnt from drum grooves alone): "
                f"the new {part} part keeps the plain rhythm")
    others = {v for v, voice in enumerate(score.voices) if voice.is_drum and v not in region.voices}
    if family is None or any(n.voice in others for n in within):
        return None  # (beside drums there, a new kit part plays hand percussion: second_part)
    beat = style_beat(style, meter.numerator, meter.denominator)
    if beat is None:
        return (f"{name(family)} has no beat measured in {meter.numerator}/{meter.denominator} (the Groove MIDI "
                f"Dataset is nearly all 4/4): the drums play the plain {meter.numerator}/{meter.denominator} beat")
    if family == style:
        return None
    hand = "ride" if any(k == 51 for _, k in beat) else "hi-hat"
    feel = "swung" if swung(style, meter.numerator, meter.denominator) else "straight"
    meter_text = "" if (meter.numerator, meter.denominator) == (4, 4) else f" {meter.numerator}/{meter.denominator}"
    return (f"the drums play the {name(family)}{meter_text} beat ({hand}, {feel}), the groove style nearest to "
            f"{name(style)}")


__all__ = ["GenerationRequest", "PARTS", "PART_WORDS", "PartExists", "ROLES", "add_part",
           "apply_result", "bar_at", "bar_number", "bar_span",
           "clear_region", "continue_request", "fill_request", "first_bar_line", "parse_bars", "past_the_end",
           "same_variations",
           "same_variations_text", "sounding_at_end", "style_notice", "voice_indices", "voices_with_notes"]
