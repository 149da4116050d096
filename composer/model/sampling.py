"""Autoregressive sampling of a region: temperature, top-p, hard constraints (key lock, range,
monophony, polyphony, rhythmic grid, density cap, region bounds), N variations in one batch, and
the priors of composer.model.priors (chord tones, a drum voice's groove) on pitch and onset jointly.

The decoder writes the region's notes in time order, each tagged with one of the target voices;
constraints act as masks on the factored heads (a masked value has probability exactly 0), in the
heads' order: voice, pitch, delta (onset), duration, velocity.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np
import torch

from composer.model import vocab as V
from composer.model.close_voicing import voice_leading_prior
from composer.model.completion import Completion
from composer.model.loops import loop_bans
from composer.model.network import Seq2Seq, evaluation_mode
from composer.model.priors import (BASS_ROOT_STRENGTH, BROKEN_FIGURE_STRENGTH, COMPING_CHORD_STRENGTH,
                                   DURATION_STRENGTH, FIGURE_ROOM_PENALTY, FIGURE_STRENGTH, MAX_STACK, OSTINATO_WEIGHT,
                                   QUARTER_UNITS, RECALL_OTHERS, RHYTHM_STRENGTH, ROOT_BASS_PENALTY, SHELL_FIFTH_PENALTY, SLASH_BASS_STRENGTH,
                                   WALKING_APPROACH_STRENGTH, WALKING_REPEAT_PENALTY, PLAIN_REPEAT_PENALTY, BarFigure, GrooveProfile,
                                   HarmonicRhythm, LineRecall, LineRhythm, Ostinato, Texture, Under, approach_prior,
                                   chord_roots, chord_thirds, chord_tone_prior, chord_tones, fifths_prior, hold_prior, near_grid,
                                   habit_shift, onsets_prior, recall_weight, root_prior, unrepeated, widened_lock_prior)
from composer.model.voice_leading import ParallelGuard
from composer.music.region import Controls
from composer.music.scales import Key

UNISON_PENALTY = 6.0  # nats off a line's pitch that doubles or crosses another part there (region_writer._doubled)

LOWEST, HIGHEST = 21, 108  # the piano's range: pitched voices never leave it
DRUM_LOWEST, DRUM_HIGHEST = 35, 81  # the General MIDI percussion map
NO_SHIFT = 1 << 10
REGISTER_MARGIN = 5  # semitones a voice may go beyond the range it used in the context
REGISTER_PULL, REGISTER_PULL_WIDTH = 0.5, 3.0  # nats per semitone beyond 3 from the voice's median


class Cancelled(Exception):
    """Raised when the caller's cancel() returned True between two steps."""


@dataclass
class SamplingOptions:
    length: int = 32
    temperature: float = 1.0
    top_p: float = 0.95
    key: Key | None = None
    seed: int | None = None

    def __post_init__(self) -> None:
        if self.length < 1:
            raise ValueError("length must be at least one note")
        if self.temperature < 0:
            raise ValueError("temperature must be >= 0 (0 = always the most likely note)")
        if not 0.0 < self.top_p <= 1.0:
            raise ValueError("top-p must be in (0, 1]")


def allowed_pitches(key: Key | None, lowest: int = LOWEST, highest: int = HIGHEST,
                    also: frozenset[int] = frozenset()) -> torch.Tensor:
    """(N_PITCH,) bool: the pitches from lowest to highest in the key (None: any), or of a pitch
    class in `also`."""
    mask = torch.zeros(V.N_PITCH, dtype=torch.bool)
    mask[max(0, lowest):min(127, highest) + 1] = True
    if key is not None:
        mask &= torch.tensor([key.contains(p) or p % 12 in also for p in range(V.N_PITCH)])
    return mask


def pick(logits: torch.Tensor, temperature: float, top_p: float, generator: torch.Generator) -> torch.Tensor:
    """Sample one index per row. Masked entries must already be -inf (probability exactly 0).

    Top-p (nucleus, Holtzman et al. 2020): keep the most likely entries until their mass reaches
    top_p, then draw by inverse CDF in the sorted order."""
    if temperature == 0:
        return logits.argmax(dim=-1)
    logits = logits.float()
    probs = torch.softmax(logits / temperature if temperature != 1 else logits, dim=-1)  # (x / 1 is x)
    if top_p < 1.0:
        top, likeliest = probs.max(dim=-1)
        if bool((top >= top_p).all()):
            # Every row's likeliest entry alone holds top_p of the mass: the nucleus is that entry,
            # which the draw below returns whatever it draws (half the draws while continuing, most
            # of a fill's voice, onset and velocity draws). The draw is still made, so the generator's
            # stream, and every later note, stays the same. (The full path's test differs only for a
            # top probability within a float rounding of top_p.)
            torch.rand(probs.shape[0], 1, generator=generator, device=probs.device)
            return likeliest
    sorted_probs, order = probs.sort(dim=-1, descending=True)
    cumulative = sorted_probs.cumsum(dim=-1)
    if top_p < 1.0:
        kept = (cumulative - sorted_probs) < top_p  # the first entry is always kept
        sorted_probs = sorted_probs * kept
        cumulative = sorted_probs.cumsum(dim=-1)
    draw = torch.rand(probs.shape[0], 1, generator=generator, device=probs.device) * cumulative[:, -1:]
    index = torch.searchsorted(cumulative, draw, right=True).clamp(max=probs.shape[-1] - 1)
    zero = sorted_probs.gather(1, index) == 0  # rounding landed on a zero tail entry: step back
    if zero.any():
        last_kept = (sorted_probs > 0).sum(dim=-1, keepdim=True) - 1
        index = torch.where(zero, last_kept, index)
    return order.gather(1, index).squeeze(1)


@dataclass
class TargetVoice:
    """A voice the region writes: its slot in the model's voice vocabulary and what it knows."""

    slot: int
    score_voice: int
    role: int  # vocab.ROLES index
    monophonic: bool
    last_pitch: int = -1  # its last note before the region (the interval reference), -1 none
    busy_until: int = 0  # grid tick its last note before the region ends
    register: tuple[int, int] | None = None  # lowest/highest pitch it may use (its range in the context, widened)
    centre: float | None = None  # the median pitch of its context notes (a soft pull toward its register)
    keys: tuple[int, ...] | None = None  # a drum voice: the drum keys its context plays (its kit)
    groove: GrooveProfile | None = None  # a drum voice: the grid and feel of its context
    line: tuple[int, ...] = ()  # a monophonic pitched voice: its last context pitches (the loop guard's seed)
    loop_exempt: frozenset[int] = frozenset()  # cycle lengths its context itself loops in (composer.model.loops)
    repeats: int | None = None  # notes of one pitch in a row it may write (loops.repeat_limit; None: loops' 8)
    grid: int | None = None  # a pitched voice: the grid (grid units) its written context keeps (priors.written_grid)
    played: int | None = None  # ... or the grid a played context keeps near (priors.played_grid)
    on_beat: float = 0.0  # a played line: log-odds of an onset on that grid's points (priors.on_beat_pull)
    subdivisions: np.ndarray | None = None  # ... and its log-prior per position in the quarter (priors.unplayed_subdivisions)
    texture: Texture | None = None  # a pitched voice of block chords: its context's chord sizes and voicing
    comping: bool = False  # an added harmony part of block chords: its every note a chord tone (COMPING_CHORD_STRENGTH)
    rhythm: LineRhythm | None = None  # an accompanying line of single notes: its context's onsets and lengths
    entry: LineRhythm | None = None  # any other pitched voice (a melody): where its first note may fall
    flow: LineRhythm | None = None  # a melody filled, or continued in company: its context's rhythm, as a pull
    under: Under | None = None  # an added harmony part: the tune its chords stay under
    ostinato: Ostinato | None = None  # an accompanying part: the figure (line or chords) its context repeats
    recall: LineRecall | None = None  # a line of single notes beside other parts: its context, to recall from
    harmony: HarmonicRhythm | None = None  # a chordal voice: how long its context holds one chord
    figure: BarFigure | None = None  # an accompanying line: the shape its context plays in each bar
    holds: np.ndarray | None = None  # a melody: the longest note its context starts per bar of its phrases (phrase_holds)
    habits: np.ndarray | None = None  # a melody: how often its context repeats a pitch or goes back (priors.line_habits)
    tops: tuple[int, ...] = ()  # ... its last two context pitches (the highest of each onset: a chordal voice's tune)
    # a line that keeps apart from the other parts or doubles one: (first grid tick, (N_PITCH, span)
    # log-prior offsets from there: -UNISON_PENALTY on the pitches that would double or cross a
    # part it keeps apart from, +DOUBLE_BONUS on the doubled pitch at the onsets of a part it
    # doubles) (region_writer._doubled)
    doubled: tuple[int, np.ndarray] | None = None
    parallels: ParallelGuard | None = None  # a part that moves in no parallel fifths or octaves (voice_leading)
    # an inner line among parts that strike chords together: their chords, which its notes are not
    # held past where they are no tone of the next (its prior is in doubled; composer.model.completion)
    completion: Completion | None = None


@dataclass
class RegionPlan:
    """Everything the sampler needs besides the encoder memory. Grid ticks throughout.

    first: the decoder's first input (the last context note before the region, or BOS), (F,);
    features_at(onsets) -> dict of per-onset feature arrays (position, key, chord_root,
    chord_quality, next_root, next_quality, bar_index); stop_at: no onset at or after it (the end
    of the asked bars), None = only max_notes bounds an open region."""

    start: int
    end: int | None
    voices: list[TargetVoice]
    first: np.ndarray
    first_onset: int
    first_pitch: int
    max_notes: int
    prefix: np.ndarray | None
    features_at: Callable[[np.ndarray], dict]
    stop_at: int | None = None
    # The last bar's downbeat (grid tick) where the region ends the piece, else None: a bass line
    # ends there, on the chord held to the end (FINAL_BAR_PENALTY).
    final_bar: int | None = None
    # ... and the chord the parts end on there: (root pitch class, its pitch classes), the one the
    # piece's other parts hold there, else the key's tonic triad (_ending_prior; None: not known)
    final_chord: tuple[int, frozenset[int]] | None = None
    controls: Controls = field(default_factory=Controls)
    key: Key | None = None
    density: int = 0
    bar: int = 48
    start_bar: int = 0  # bar index (features_at's "bar_index") of the region's start
    pull_register: bool = False  # pull each voice toward its median pitch (when voices are written in turn)
    chord_strength: float = 0.0  # composer.model.priors.chord_tone_prior strength (0: off; no chords: 0)
    # Per variation, its own region end (grid ticks; None: open), overriding `end`, with `first`
    # then one decoder input per variation (variations, F): a later voice written beside first
    # voices that ended at different bars, in one pass.
    row_ends: tuple[int | None, ...] | None = None
    prior_features_at: Callable[[np.ndarray], dict] | None = None  # chords for the prior only (None: features_at's)
    # ... which are as sure as written ones: the piece's own progression cycled on, or a fill's chords
    # estimated from the parts playing in it
    prior_chords_sure: bool = False
    prior_chords_led: bool = False  # ... estimated from the other parts in the region (RegionPlan per score)
    # Per variation, its own prior chords (overriding prior_features_at), where they were estimated
    # from the parts written before this voice, which differ by variation (None: the plan's for all).
    row_prior_features: tuple[Callable[[np.ndarray], dict] | None, ...] | None = None
    # Per variation, its voices' TargetVoice.doubled (slot -> doubled), where the parts it doubles
    # were written before it by this request and differ by variation (None: the voices' own).
    row_doubled: tuple[dict, ...] | None = None
    # The bass notes slash chords name ("Eb/G"): rows (onset, end, pitch class) in grid ticks, the
    # bass line's note where the chord arrives instead of the root (None: no slash chords).
    slash_basses: np.ndarray | None = None
    # Pitch classes of the chords written or given over the region that the key lock lacks (E7's
    # G# in A minor, a secondary dominant's leading note): allowed too, so the chord can sound.
    chord_pitch_classes: frozenset[int] = frozenset()
    # A blues's blue notes outside its key's scale (region_writer._blue_notes): in its key over every
    # chord, not only where a chord holds them.
    blue_notes: frozenset[int] = frozenset()

    def allowed_pitch_classes(self) -> frozenset[int] | None:
        """The key lock's pitch classes, the written chords' and a blues's blue notes (None: no lock)."""
        return None if self.key is None else self.key.pitch_classes | self.chord_pitch_classes | self.blue_notes


def _guard_loops(pitch_logits: torch.Tensor, rows: list, voice: torch.Tensor, slots: dict) -> None:
    """Masks, per row, the pitch that would state a short cycle more often in a row than
    composer.model.loops allows (monophonic pitched voices; never the last allowed pitch)."""
    for b, r in enumerate(rows):
        tv = slots.get(int(voice[b]))
        if r.done or tv is None or not tv.monophonic or tv.role == V.ROLES.index("drums"):
            continue
        line = list(tv.line) + [n[1] for n in r.notes if n[0] == tv.score_voice]
        for pitch in loop_bans(line, tv.loop_exempt, tv.repeats):
            if 0 <= pitch < V.N_PITCH and bool(torch.isfinite(pitch_logits[b]).sum() > 1):
                pitch_logits[b, pitch] = float("-inf")


@dataclass
class _Row:
    onset: int
    pitch: int
    end: int | None = None  # the region's end for this row (grid tick; None: open)
    voice: int = -1  # slot of the last written note
    count: int = 0
    done: bool = False
    last_pitch: dict = field(default_factory=dict)  # slot -> pitch
    busy: dict = field(default_factory=dict)  # slot -> grid end of its last note
    sounding: dict = field(default_factory=dict)  # slot -> [(onset, end)] of its written notes
    per_bar: dict = field(default_factory=dict)  # (slot, bar index) -> notes written
    dead: set = field(default_factory=set)  # slots with no valid onset left
    notes: list = field(default_factory=list)  # (score_voice, pitch, onset, duration, velocity bin)
    recalled: tuple | None = None  # this step's recalled note (onset, pitch, length, weight: _recalled)
    recall_states: dict = field(default_factory=dict)  # slot -> priors.RecallState after its written notes
    chords: Callable[[np.ndarray], dict] | None = None  # this row's prior chords (RegionPlan.row_prior_features)
    tops: dict = field(default_factory=dict)  # slot -> [pitch before, last pitch] of its top line (the highest at each onset)
    doubled: dict = field(default_factory=dict)  # slot -> this row's TargetVoice.doubled (RegionPlan.row_doubled)
    habit_odds: dict = field(default_factory=dict)  # slot -> (the model's log-odds of each habit at its steps, last shifts)


def _prior_chords(plan: "RegionPlan", row: _Row, features) -> Callable[[np.ndarray], dict]:
    """The features whose chords the priors follow for this row: its own, the plan's prior chords,
    or the score's."""
    return row.chords or plan.prior_features_at or features


GRID_STEP = {"straight": 3, "triplet": 4}  # 16ths; 8th-note triplets


def fold_octaves(logprobs: torch.Tensor) -> torch.Tensor:
    """(N_PITCH,) log-probabilities -> each pitch given the mass of its pitch class (all octaves),
    log sum_k p(pitch + 12 k): what a register pull then places in an octave."""
    n = logprobs.shape[-1]
    octaves = torch.nn.functional.pad(logprobs, (0, -n % 12), value=float("-inf")).view(-1, 12)
    return torch.logsumexp(octaves, dim=0)[torch.arange(n, device=logprobs.device) % 12]


def _same_onset_ok(row: _Row, voice: TargetVoice, pitch: int) -> bool:
    """A chord is written top-down within the region (a unison only across voices; a line's own
    second note at least _LINE_STACK_GAP under its first); sample_region has a vectorised copy for
    the joint prior. With no note before the region (the decoder starts from BOS) delta 0 is the
    first note at the region's start, as training encodes it (restream)."""
    if row.count == 0:
        return row.pitch < 0
    return pitch <= row.pitch - _stack_gap(row, voice) or (pitch == row.pitch and voice.slot != row.voice)


# Semitones a line (a pitched voice of single notes, no chordal texture) stacks a note under its
# own at one onset, at least: a played tune, stacking now and then at its context's odds, had
# struck clusters of seconds (C5 B4 A4 at once, a G4 A4 B4 held 2 beats) in 28 of 43 stacked
# onsets of a QA piano's fills and continuations (QA qa25).
_LINE_STACK_GAP = 3


def _stack_gap(row: _Row, voice: TargetVoice) -> int:
    """The least interval under the row's last note for this voice's next note at its onset."""
    line = voice.texture is None and voice.role != V.ROLES.index("drums") and not voice.comping
    return _LINE_STACK_GAP if line and row.voice == voice.slot else 1


def _held_to_room(lengths: np.ndarray, ok: np.ndarray) -> np.ndarray:
    """A kept length prior (N_DURATION,) log-shares with the share of the lengths that do not fit
    (ok False past the longest that does: the region's or the asked bars' end) moved onto that
    longest length: a bass holding each 3/4 bar's note holds a 2/4 bar's to its end. Without it,
    the model chose among lengths its context never played (a quarter, then a silent beat)."""
    fits = np.flatnonzero(ok)
    if not len(fits) or fits[-1] + 1 >= len(lengths):
        return lengths
    longest = int(fits[-1])
    out = lengths.copy()
    out[longest] = np.logaddexp(lengths[longest], np.logaddexp.reduce(lengths[longest + 1:]))
    return out


def _bar_fields(features, onsets: np.ndarray) -> dict:
    """bar_index, position and bar_len of onsets, by features_at's cheap path where it has one."""
    cheap = getattr(features, "bars", None)
    return cheap(onsets) if cheap is not None else features(onsets)


def _positions(features, onsets: np.ndarray) -> np.ndarray:
    """Positions in the bar (grid ticks) of onsets, by features_at's cheap path where it has one."""
    cheap = getattr(features, "positions", None)
    return cheap(onsets) if cheap is not None else features(onsets)["position"]


def _onset_mask(plan: RegionPlan, row: _Row, voice: TargetVoice, pitch: int | None, features) -> np.ndarray:
    """Which deltas 0..MAX_DELTA give an allowed onset for this row's next note (pitch None:
    whatever the pitch; delta 0 then depends on it through _same_onset_ok)."""
    onsets = row.onset + np.arange(V.N_DELTA)
    ok = onsets >= plan.start
    if pitch is not None:
        ok[0] &= _same_onset_ok(row, voice, pitch)
    stops = _may_stop(voice, plan)  # (a voice that may stop: an onset past the end stops it, see sample_region)
    for bound in (row.end, plan.stop_at):
        if bound is not None and not (stops or _in_last_beat(row, voice, bound)):
            ok &= onsets < bound
    c = plan.controls
    if voice.monophonic or c.max_polyphony == 1:
        ok &= onsets >= row.busy.get(voice.slot, voice.busy_until)
    elif c.max_polyphony is not None:
        spans = row.sounding.get(voice.slot, [])
        if spans:
            starts = np.array([s for s, _ in spans])[:, None]
            ends = np.array([e for _, e in spans])[:, None]
            ok &= ((starts <= onsets[None]) & (onsets[None] < ends)).sum(0) < c.max_polyphony
    if c.grid == "swing":
        ok &= np.isin(onsets % V.GRID_PER_QUARTER, (0, 8))
    elif c.grid in GRID_STEP:
        ok &= onsets % GRID_STEP[c.grid] == 0
    elif voice.groove is not None and voice.groove.step is not None:  # the grid its context was played on
        ok &= _positions(features, onsets) % voice.groove.step == 0
    elif voice.grid is not None:  # a quantised part stays on its grid (no note 1/12 beat early or late)
        ok &= _positions(features, onsets) % voice.grid == 0
    elif voice.played is not None:  # a played line stays near its beats, with its feel
        positions = _positions(features, onsets)
        ok &= near_grid(positions, voice.played)
        # ... and a note just before a beat is that beat's: none just before the region's end, or
        # the bars asked (a played tune's fills and continuations had all ended on a 40-tick note
        # on the bar's last grid tick, its next downbeat played early; QA qa24)
        off = positions % voice.played
        beat = onsets + np.where(2 * off > voice.played, voice.played - off, 0)
        for bound in (row.end, plan.stop_at):
            if bound is not None:
                ok &= (onsets >= bound) | (beat < bound)
    if c.density is not None:
        # At most round(density) notes in a bar, and a bar is left only once it holds at least one
        # fewer than that (bars skipped entirely hold none). A bar with no allowed onset left is
        # passed: a continuation starts where the last note ends, and its first "bar" was then
        # one tick off the grid, so no note could go anywhere and continue wrote none.
        target = max(1, int(round(c.density)))
        floor = max(1, target - 1) if c.density >= 1 else 0
        bars = features(onsets)["bar_index"]
        written = np.array([row.per_bar.get((voice.slot, int(b)), 0) for b in bars])
        ok &= written < target
        first_bar = plan.start_bar
        for b in range(first_bar, int(bars.max()) if len(bars) else first_bar):
            if row.per_bar.get((voice.slot, b), 0) < floor and (ok & (bars <= b)).any():
                ok &= bars <= b
                break
    return ok


def _may_stop(voice: TargetVoice, plan: "RegionPlan | None" = None) -> bool:
    """Whether the voice may end before the region does: a voice of block chords keeping its
    context's rhythm (Texture.occupancy), whose next chord often falls on the region's end (a
    half-note comping part filling two bars), and any part ending the piece (on its last
    downbeat: _ending_prior). Others are written to the end, as the model was trained (its
    regions end with a note, not with a stop), so without this the last chord of a fill was
    forced into the few beats left, chords crammed in eighths."""
    return (voice.texture is not None and voice.texture.occupancy is not None) or voice.rhythm is not None \
        or (plan is not None and _ends_the_piece(plan, voice))


def _in_last_beat(row: _Row, voice: TargetVoice, bound: int) -> bool:
    """Whether a voice that writes to the end (not _may_stop) may stop now: it has a note in the
    region and the row is within a quarter of `bound` (grid ticks), where the model's next onset
    often falls on the bound itself. Held to the end, a played piano's tune crammed its last beat
    with 2-6 notes at once, 7-13 notes in a bar of quarters (QA qa24)."""
    return voice.slot in row.last_pitch and bound - row.onset <= QUARTER_UNITS


# Log-odds taken from a bass line's onsets after the last bar's downbeat where the region ends the
# piece, that note held to the end: with beat 4 an approach note in every
# bar, an added bass ended the piece on a passing note (8 of 27 parts ended on the root; QA qa14 W1b).
FINAL_BAR_PENALTY = 12.0
# ... and the root bonus (BASS_ROOT_STRENGTH) that note gets, times this: at 1 (any arrival's) a
# bass ended a G major piece on A2 in 1 of 4 variations (the stage-10 weights).
FINAL_ROOT_WEIGHT = 4.0
# ... and where a written or given chord begins (its root, quality or slash bass new there; on a
# beat), times this. At 1 (a downbeat's) an added bass played the new chord's root (or slash bass)
# on 75 % of chord onsets (8 tunes written for the purpose, 3 seeds x 4 variations, 1704 onsets),
# 77 % on the QA lead sheet, and E2 E2 E2 under a waltz's C bar (QA qa15 L5); pop and jazz bass
# players play it on 85-90 % of chord changes, and nearly always on a plain song's. At 1.5: 91 %
# and 85 %; 1.7: 94 % and 86 %; 2: 96 % and 94 %, the notes between as free as before (2.24 -> 2.29
# pitches a bar, the root on 36 -> 40 % of them). Within a chord the downbeats keep 1.
CHORD_ONSET_ROOT_WEIGHT = 2.0


# A melody's fill, or a melody continued beside other parts, keeps to the rhythm (onsets and
# lengths) of its own notes around it at this share of the strength an accompanying line keeps its
# own (priors.RHYTHM_STRENGTH, DURATION_STRENGTH): free to vary it, not to ignore it. The stage-9
# weights filled two bars of a tune in quarters over held chords in half notes in 5 of 8 variations
# (1.9 distinct pitches a bar; the tune around it 3.8). 6 seeds x 4 variations, distinct pitches a
# bar / successive notes repeating a pitch: 0 1.9 / 21 %, 0.05 2.35 / 13 %, 0.12 2.68 / 17 %, 0.25
# (and up: the context's lengths win) 2.8 / 23 %. A pedalled hymn's right hand in quarters over a
# left hand of chords, continued 4 bars (3 seeds x 4 variations): 8.7 notes of 16 and rests of up
# to 8 beats without it, 14.2 notes with it.
MELODY_RHYTHM_SHARE = 0.12


def _ends_here(plan: "RegionPlan", voice: TargetVoice) -> bool:
    """Whether the voice is a bass line keeping a rhythm (LineRhythm) in a region that ends the piece."""
    return plan.final_bar is not None and voice.role == V.ROLES.index("bass") and voice.rhythm is not None


_LENGTHS = np.arange(1, V.N_DURATION + 1)  # grid units of each duration index
PRIOR_CANDIDATES = 8  # likeliest pitches whose own onset distribution the pitch prior uses (others: the first's)


def _joint_prior(plan: RegionPlan, row: _Row, voice: TargetVoice, features) -> np.ndarray | None:
    """_chord_prior, a line's unisons and crossings with the other parts (TargetVoice.doubled), an added harmony
    part's chords kept under the tune (Under), and the piece's ending (_ending_prior)."""
    prior = _chord_prior(plan, row, voice, features)
    doubled = row.doubled.get(voice.slot, voice.doubled)
    if doubled is not None:  # a line that doubles no other part
        first, sounding = doubled
        at = row.onset + np.arange(V.N_DELTA) - first
        inside = (at >= 0) & (at < sounding.shape[1])
        if inside.any():
            unison = np.zeros((V.N_PITCH, V.N_DELTA))
            unison[:, inside] = sounding[:, at[inside]]
            prior = unison if prior is None else unison + (prior if prior.ndim == 2 else prior[None])
    if voice.parallels is not None:
        mine = [(n[2], n[1]) for n in row.notes if n[0] == voice.score_voice]
        roots = None
        if plan.chord_strength > 0 and plan.prior_chords_sure and voice.harmony is not None and voice.harmony.root_bass:
            roots = np.asarray(_prior_chords(plan, row, features)(row.onset + np.arange(V.N_DELTA))["chord_root"])
        guard = voice.parallels.prior(mine, row.onset, V.N_DELTA, roots)
        prior = guard if prior is None else guard + (prior if prior.ndim == 2 else prior[None])
    if voice.completion is not None:  # an inner line among chords struck together: no parallels with them
        last = row.last_pitch.get(voice.slot, -1)
        since = next((n[2] for n in reversed(row.notes) if n[0] == voice.score_voice), None)
        if since is not None:
            guard = voice.completion.parallels(last, since, row.onset, V.N_DELTA)
            guard = guard + voice.completion.rests(row.busy.get(voice.slot, voice.busy_until), row.onset,
                                                   V.N_DELTA)[None]
            prior = guard if prior is None else guard + (prior if prior.ndim == 2 else prior[None])
    if voice.under is not None:
        under = voice.under.prior(row.onset + np.arange(V.N_DELTA))
        prior = under if prior is None else under + (prior if prior.ndim == 2 else prior[None])
    return _ending_prior(plan, row, voice, prior, features)


def _ends_the_piece(plan: "RegionPlan", voice: TargetVoice) -> bool:
    """Whether the voice (not a bass keeping a rhythm: _ends_here) is written into a region that
    ends the piece, so it ends on the last bar's downbeat (_ending_prior)."""
    return plan.final_bar is not None and not _ends_here(plan, voice)


# The last bar of a region that ends the piece (RegionPlan.final_bar): every part sounds its last
# note or chord on the downbeat, held to the end, and a pitched part on RegionPlan.final_chord (the
# chord the band holds there, else the key's tonic triad): the bass on its root, a melody on the
# root or (FINAL_MELODY_OTHER nats less) the chord's other tones, any other pitch
# FINAL_CHORD_PENALTY nats less. Filling the last bars of every part,
# no fill had ended on the tonic chord with the tonic in the bass (0 of 30 over 10 pieces) and the
# last bar ran on in quarters (QA qa19 H2).
FINAL_CHORD_PENALTY = 10.0
FINAL_MELODY_OTHER = 1.5
# ... and a note under that chord's first outside the triad, or a note after the downbeat, this
# many: in effect none (the model, sure of its voicing, had put an A3 under a final C4, ending on
# A minor; a left hand whose last chord ended on the downbeat struck another on beat 3 at 12 nats).
# Stopping stays free.
FINAL_NO_PENALTY = 30.0


def final_chord_prior(chord: tuple[int, frozenset[int]], role: int) -> np.ndarray:
    """(N_PITCH,) log-prior of the piece's last note of a part of `role` on `chord` (root pitch
    class, pitch classes): 0 on the root, on the chord's other tones 0 for a chordal part,
    -FINAL_MELODY_OTHER for a melody, -FINAL_CHORD_PENALTY for a bass; -FINAL_CHORD_PENALTY
    elsewhere."""
    root, tones = chord
    classes = np.arange(V.N_PITCH) % 12
    other = {V.ROLES.index("melody"): -FINAL_MELODY_OTHER, V.ROLES.index("bass"): -FINAL_CHORD_PENALTY}.get(role, 0.0)
    return np.where(classes == root, 0.0, np.where(np.isin(classes, sorted(tones)), other, -FINAL_CHORD_PENALTY))


def tonic_triad(key: Key) -> tuple[int, frozenset[int]]:
    """(tonic, the tonic triad's pitch classes) of `key`, its third the key's own (a minor key
    ends minor)."""
    third = 4 if (key.tonic + 4) % 12 in key.pitch_classes else 3
    return key.tonic, frozenset({key.tonic, (key.tonic + third) % 12, (key.tonic + 7) % 12})


def _ending_prior(plan: "RegionPlan", row: _Row, voice: TargetVoice, prior: np.ndarray | None,
                  features=None) -> np.ndarray | None:
    """`prior` (as _chord_prior's) with the piece's ending where the region ends it
    (RegionPlan.final_bar): onsets after the last bar's downbeat cost
    FINAL_NO_PENALTY instead, and stopping (an onset past the end) is free once the voice has
    played on that downbeat or sounds over it (and a complete chord's voice has all its tones there:
    _lacks_tones), else costs FINAL_BAR_PENALTY (_ends_the_piece);
    the downbeat's pitches take final_chord_prior of RegionPlan.final_chord where no chords are
    written or given there. A drum part stops on the downbeat as well."""
    if plan.final_bar is None or row.end is None:
        return prior
    onsets = row.onset + np.arange(V.N_DELTA)
    final = plan.final_bar
    reached = any(n[0] == voice.score_voice and n[2] >= final for n in row.notes[-MAX_STACK * 4:])
    # (or sounds over it: a note tied over the downbeat ends the part as well; a left hand whose
    # last note did had been made to strike another on beat 3)
    over = any(start <= final < end for start, end in row.sounding.get(voice.slot, []))
    if not _ends_here(plan, voice):  # (a bass keeping a rhythm has its own: _chord_prior)
        prior = np.zeros(V.N_DELTA) if prior is None else prior
        prior = np.where((onsets > final) & (onsets < row.end), -FINAL_NO_PENALTY, prior)
        free = (reached or over) and not _lacks_tones(plan, row, voice, features)
        prior = np.where(onsets >= row.end, 0.0 if free else -FINAL_BAR_PENALTY, prior)
    if plan.final_chord is None or voice.role == V.ROLES.index("drums") or not (onsets == final).any() \
            or (plan.chord_strength > 0 and plan.prior_features_at is None and plan.row_prior_features is None):
        return prior  # (chords written or given lead the last chord; not those estimated from the parts)
    last = final_chord_prior(plan.final_chord, voice.role)
    if reached:  # a note under the last chord's first: in that chord, or none (the voice stops)
        last = np.where(last <= -FINAL_CHORD_PENALTY, -FINAL_NO_PENALTY, last)
    chord = np.where((onsets == final)[None, :], last[:, None], 0.0)
    return chord + (prior if prior.ndim == 2 else prior[None])


def _lacks_tones(plan: "RegionPlan", row: _Row, voice: TargetVoice, features) -> bool:
    """Whether the chord a voice of complete chords (Texture.complete) is writing at the row's
    onset lacks a tone of the chord sounding there: its last chord then stops only at a cost (the
    free stop had left a final C of an added comping part as C4 E4 in 2 of 3 seeds)."""
    if voice.texture is None or not voice.texture.complete or features is None or plan.chord_strength <= 0:
        return False
    mine = {n[1] % 12 for n in row.notes[-MAX_STACK * 4:] if n[0] == voice.score_voice and n[2] == row.onset}
    if not mine:
        return False
    tones = _voicing_tops(plan, row, voice, np.array([row.onset]), features)[0][0]
    return tones is not None and all(tones[pc] for pc in mine) and any(
        tones[pc] and pc not in mine for pc in range(12))


def _known_notes(row: _Row, voice: TargetVoice, recent: tuple) -> list[tuple[int, int]]:
    """(grid onset, pitch) of the voice's last notes: its context's `recent` ones, then those written."""
    written = [(n[2], n[1]) for n in row.notes[-MAX_STACK * 8:] if n[0] == voice.score_voice]
    return [*recent, *written][-MAX_STACK * 8:]


def _held_chord(row: _Row, voice: TargetVoice, onsets: np.ndarray, features,
                texture: np.ndarray | None) -> np.ndarray | None:
    """texture plus, for a chordal voice under no chords written, given or cycled, its harmonic
    rhythm kept (priors.HarmonicRhythm): the chord its current span holds, held to the span's end."""
    harmony = voice.harmony
    known = _known_notes(row, voice, harmony.recent) if harmony is not None else None
    if not known:
        return texture
    _, mine, theirs = _spans(harmony, known, onsets, features)
    here = mine == mine[0]
    current = [p for (_, p), s in zip(known, theirs) if s == mine[0]]
    before = [p for (_, p), s in zip(known, theirs) if s == mine[0] - 1]
    held = harmony.prior({p % 12 for p in current}, here, {p % 12 for p in before},
                         min(current) if current else None, min(before) if before else None)
    if current:  # ... and the next span's first note: the bass moves with the chords
        opening = harmony.opening(min(current), mine == mine[0] + 1)
        if opening is not None:
            held = opening if held is None else held + opening
    if held is None:
        return texture
    return held if texture is None else held + (texture if texture.ndim == 2 else texture[None])


def _spans(harmony: HarmonicRhythm, known: list[tuple[int, int]], onsets: np.ndarray, features) -> tuple:
    """(bar fields of `onsets` then of the `known` notes' onsets, the span ids (harmony.span_ids)
    of `onsets` (D,), of the known notes (K,))."""
    feats = _bar_fields(features, np.concatenate([onsets, [o for o, _ in known]]))
    span = harmony.span_ids(feats["bar_index"], feats["position"], feats["bar_len"])
    return feats, span[: len(onsets)], span[len(onsets):]


def _arpeggiates(voice: TargetVoice) -> bool:
    """Whether the voice is a line of broken triads (an Alberti bass, an arpeggio: a line with a
    harmonic rhythm of three pitch classes a span), whose figure is kept at BROKEN_FIGURE_STRENGTH.
    A bass of root and fifth (two a span) keeps its figure as other lines do: at that strength its
    figure's fifth overruled the chord where a bar began on the chord's fifth (D A D A under G)."""
    return voice.texture is None and voice.harmony is not None and voice.harmony.size >= 3


def _kept_figure(plan: RegionPlan, row: _Row, voice: TargetVoice, onsets: np.ndarray, features,
                 texture: np.ndarray | None) -> np.ndarray | None:
    """texture plus a line's figure (priors.BarFigure) at the onsets in the bar of its last note, from
    the bar's first note of it (under chords only while the chord of that first note lasts), and
    at onsets that would open a bar, room for the figure in its register."""
    figure = voice.figure
    if figure is None:
        return texture
    known = _known_notes(row, voice, figure.recent)
    strength = BROKEN_FIGURE_STRENGTH if _arpeggiates(voice) else FIGURE_STRENGTH  # (room penalty in proportion)
    d = len(onsets)
    feats = _bar_fields(features, np.concatenate([onsets, [o for o, _ in known]]))
    bars = feats["bar_index"]
    mine = [(o, p) for (o, p), b in zip(known, bars[d:]) if b == bars[0]]  # its notes in the current bar
    prior = np.zeros((V.N_PITCH, d))
    if mine:
        here = bars[:d] == bars[0]
        if plan.chord_strength > 0:
            chords = _prior_chords(plan, row, features)(np.concatenate([[mine[0][0]], onsets]))
            here &= (chords["chord_root"][1:] == chords["chord_root"][0]) & \
                (chords["chord_quality"][1:] == chords["chord_quality"][0])
        prior += figure.prior(mine[0][1], feats["position"][:d], feats["bar_len"][:d], here, strength)
    opening = bars[:d] != bars[0] if mine else np.ones(d, dtype=bool)
    if voice.register is not None:
        prior += figure.room(voice.register[0] - REGISTER_MARGIN, voice.register[1] + REGISTER_MARGIN, opening,
                             FIGURE_ROOM_PENALTY * strength / FIGURE_STRENGTH)
    if figure.root_first and plan.chord_strength > 0:
        prior += figure.rooted(_prior_chords(plan, row, features)(onsets)["chord_root"], opening)
    return prior if texture is None else prior + (texture if texture.ndim == 2 else texture[None])


def _chord_prior(plan: RegionPlan, row: _Row, voice: TargetVoice, features) -> np.ndarray | None:
    """(N_PITCH, N_DELTA) log-prior f(pitch, onset of each delta) for this row's next note in this
    voice (composer.model.priors), (N_DELTA,) where it does not depend on the pitch (a line's
    rhythm alone), or None where there is none (no chords, no groove, no chordal texture or line
    rhythm to keep)."""
    onsets = row.onset + np.arange(V.N_DELTA)
    if voice.role == V.ROLES.index("drums"):
        if voice.groove is None:
            return None
        positions = features(onsets)["position"]
        # A first key at the current onset (the last note was another voice's) is the top of its
        # onset: with the kick's odds there a new part's first downbeat had no hi-hat (0 of 12, QA).
        fresh = not any(n[2] == row.onset and n[0] == voice.score_voice for n in row.notes[-MAX_STACK * 4:])
        prior = voice.groove.prior(np.arange(V.N_PITCH), positions, fresh=fresh) + \
            voice.groove.onset_prior(positions)[None]
        if row.voice == voice.slot:  # its last note was this drum voice's: stack under it or move on
            prior = prior + voice.groove.stack_prior(row.pitch, positions[0], V.N_DELTA)[None]
        return prior
    texture = None
    if voice.texture is not None and row.voice == voice.slot and row.count:  # a chordal voice: a note under?
        above = []  # its notes at the last onset, top-down
        for note in reversed(row.notes):
            if note[2] != row.onset or note[0] != voice.score_voice:
                break
            above.insert(0, note[1])
        positions = _positions(features, onsets) if voice.texture.occupancy is not None else None
        chord = tops = tones = None
        if plan.chord_strength > 0 and _plays_chords(plan, voice):  # a note under completes the chord there
            tones, tops = _voicing_tops(plan, row, voice, onsets, features)
            chord = tones[0]
        texture = voice.texture.prior(above, V.N_DELTA, positions, chord, tops)
        texture = texture + _changes_struck(plan, row, voice, onsets, features)[None]
        if tones is not None and voice.texture.complete:
            texture = texture + _nearest_voicings(plan, row, voice, tones, above)
    elif voice.texture is not None and voice.texture.occupancy is not None:
        # Its next chord after another voice's note (or the region's first): where its context's
        # chords start too. Without this a skank under a tune began every continuation on the
        # downbeat (8 of 8 variations; its context never plays there).
        fresh = not any(n[2] == row.onset and n[0] == voice.score_voice for n in row.notes[-MAX_STACK * 4:])
        tones, tops = _voicing_tops(plan, row, voice, onsets, features) \
            if plan.chord_strength > 0 and _plays_chords(plan, voice) else (None, None)
        texture = voice.texture.entry_prior(_positions(features, onsets), fresh, tops)
        texture = texture + _changes_struck(plan, row, voice, onsets, features)[None]
        if tones is not None and voice.texture.complete:
            nearest = _nearest_voicings(plan, row, voice, tones, None)
            if not fresh:  # (delta 0 is no new chord where it has notes at this onset already)
                nearest[:, 0] = 0.0
            texture = texture + nearest
    elif voice.rhythm is not None:  # an accompanying line: its next onset where its context's fall
        fresh = not (row.voice == voice.slot and row.count)
        texture = voice.rhythm.prior(_positions(features, onsets), fresh)  # (N_DELTA,): the same for every pitch
        if _ends_here(plan, voice) and row.end is not None:  # ... ending the piece on the last bar's downbeat:
            # no onset after it in the bar, and (once it is played) past the end, the voice's stop,
            # free of the rhythm's cost of skipping beats (6 nats a beat it plays: it never stopped)
            texture = np.where((onsets > plan.final_bar) & (onsets < row.end), -FINAL_BAR_PENALTY, texture)
            texture = np.where(onsets >= row.end, 0.0 if row.onset >= plan.final_bar else -FINAL_BAR_PENALTY,
                               texture)
    elif voice.entry is not None and not any(n[0] == voice.score_voice for n in row.notes):
        # A melody's first note where its context's notes fall: after another part's long note the
        # model waited for that note's end (a fill of a tune that plays every downbeat began two
        # beats late in 32 of 32 variations); after its first note it is free.
        texture = voice.entry.prior(_positions(features, onsets), True)
    elif voice.flow is not None:  # ... and its further notes, more freely (a fill, or beside other parts)
        texture = MELODY_RHYTHM_SHARE * voice.flow.prior(_positions(features, onsets), False)
    if voice.ostinato is not None:  # an accompanying line's riff: its next note where the figure has it
        riff = voice.ostinato.prior(*_riff_next(row, voice, plan, features), origin=row.onset)
        if riff is not None:
            texture = riff if texture is None else riff + (texture if texture.ndim == 2 else texture[None])
    texture = _kept_figure(plan, row, voice, onsets, features, texture)
    if plan.chord_strength <= 0:
        return _held_chord(row, voice, onsets, features, texture)
    feats = _prior_chords(plan, row, features)(onsets)
    if not (feats["chord_root"] < 12).any():
        return _held_chord(row, voice, onsets, features, texture)
    # A part of chords plays the chord on every onset: an added comping part, and a chordal part of
    # the piece's own under chords written or given (not estimated from its own notes). At the
    # melody's strength and metric weight an oom-pah-pah left hand under "C | G | D7 | G" kept its
    # context's chords: 55-75 % of its notes chord tones (QA).
    if _plays_chords(plan, voice):
        chords = chord_tone_prior(feats["chord_root"], feats["chord_quality"], np.ones(len(onsets)),
                                  max(plan.chord_strength, COMPING_CHORD_STRENGTH))
        if voice.harmony is not None and voice.harmony.shells:  # its chords without their fifth, and (a
            # chord written top-down) a new chord's top its third or seventh, the root under them:
            # topped by the root, a G7 went G4 D4 G3 (the shells' usual interval under the top)
            chords = chords + fifths_prior(feats["chord_root"], feats["chord_quality"], SHELL_FIFTH_PENALTY)
            stacks = voice.texture
            if stacks is not None:  # (where its chords' first note, the top, is seldom alone)
                positions = np.clip(feats["position"][1:], 0, V.MAX_POSITION - 1)
                under = (stacks.rates_at[positions, 0] if stacks.rates_at is not None
                         else np.full(len(positions), stacks.rates[0])) >= 0.5
                chords[:, 1:] += root_prior(feats["chord_root"][1:], under, -SHELL_FIFTH_PENALTY)
    else:
        chords = chord_tone_prior(feats["chord_root"], feats["chord_quality"], feats["metric"], plan.chord_strength)
    if voice.role == V.ROLES.index("melody"):  # a tune repeating its last note: no more bonus than moving
        chords = unrepeated(chords, row.last_pitch.get(voice.slot, -1))
    elif voice.role == V.ROLES.index("bass") and BASS_ROOT_STRENGTH > 0:
        # A bass line: the root where the chord arrives, on the downbeat or a strong beat where it
        # changes; elsewhere any chord tone (a root on every beat droned, 3 pitches in 8 bars).
        roots, qualities = feats["chord_root"], feats["chord_quality"]
        change = np.r_[False, (roots[1:] != roots[:-1]) | (qualities[1:] != qualities[:-1])]
        arrives = (feats["position"] == 0) | ((feats["metric"] >= 1.0) & change)
        weight = arrives.astype(np.float64)
        if plan.prior_features_at is None or plan.prior_chords_sure:  # a written or given chord's root where
            # it begins, firmly
            weight = np.where(_chord_onsets(plan, onsets, _prior_chords(plan, row, features))
                              & (feats["metric"] >= 0.5), CHORD_ONSET_ROOT_WEIGHT, weight)
            if voice.rhythm is not None and voice.rhythm.within_bar:  # a made-up plain line: on every
                # downbeat, a chord held over from the bar before too (the second bar of Bb7 | Bb7 in a
                # blues had opened on the Ab the first ended on, 4 of 4 seeds)
                weight = np.where(feats["position"] == 0, np.maximum(weight, CHORD_ONSET_ROOT_WEIGHT), weight)
        if _ends_here(plan, voice):  # the piece's last note: its root (or slash bass), firmly
            weight = np.where(onsets == plan.final_bar, np.maximum(FINAL_ROOT_WEIGHT, weight), weight)
        if plan.slash_basses is not None and plan.prior_features_at is None:  # "Eb/G": G in the bass
            rows = np.searchsorted(plan.slash_basses[:, 0], onsets, side="right") - 1
            inside = (rows >= 0) & (onsets < plan.slash_basses[np.maximum(rows, 0), 1])
            roots = np.where(inside, plan.slash_basses[np.maximum(rows, 0), 2], roots)
            weight *= np.where(inside, SLASH_BASS_STRENGTH / BASS_ROOT_STRENGTH, 1.0)
        chords = chords + root_prior(roots, weight, BASS_ROOT_STRENGTH)
        if voice.rhythm is not None and voice.rhythm.walking:
            # A walking line moves on (but for the root where a chord arrives), leading to the root
            # the next beat brings.
            ahead = _prior_chords(plan, row, features)(onsets + QUARTER_UNITS)
            arriving = (ahead["position"] == 0) | ((ahead["metric"] >= 1.0) & (
                (ahead["chord_root"] != feats["chord_root"]) | (ahead["chord_quality"] != feats["chord_quality"])))
            chords = chords + approach_prior(ahead["chord_root"], arriving & ~arrives, WALKING_APPROACH_STRENGTH)
            if 0 <= row.last_pitch.get(voice.slot, -1) < V.N_PITCH:
                chords[row.last_pitch[voice.slot], 1:] -= np.where(weight[1:] > 0, 0.0, WALKING_REPEAT_PENALTY)
        elif voice.rhythm is not None and voice.rhythm.within_bar and 0 <= row.last_pitch.get(voice.slot, -1) < V.N_PITCH:
            # A made-up plain line moves off a tone other than the root (PLAIN_REPEAT_PENALTY)
            last = row.last_pitch[voice.slot]
            off_root = (last % 12) != np.asarray(roots[1:])
            same = np.arange(V.N_PITCH) % 12 == last % 12  # (in any octave: G#2 G#1 G#2 is no line either)
            chords[same, 1:] -= np.where((weight[1:] > 0) | ~off_root, 0.0, PLAIN_REPEAT_PENALTY)[None]
    if plan.prior_chords_sure and voice.texture is not None and voice.harmony is not None and voice.harmony.root_bass:
        chords = chords + _rooted_spans(row, voice, onsets, feats, features)
    if plan.chord_pitch_classes and plan.key is not None:  # a detected lock widened chord by chord (after
        # unrepeated: a repeated note gets no bonus, and no pass either)
        chords = chords + widened_lock_prior(feats["chord_root"], feats["chord_quality"],
                                             plan.key.pitch_classes | plan.blue_notes,
                                             plan.chord_pitch_classes - plan.blue_notes)
    return chords if texture is None else chords + texture


# A part of block chords under chords written or given strikes each chord where it begins:
# its next onset's rhythm prior (RHYTHM_STRENGTH x onset_prior) taken as if its context played
# there in CHANGE_SHARE of its bars, unless it mostly plays there (or, a part off the beat, within
# a beat after: a skank keeps its own), and none of
# its notes held into the next chord (_next_change). A harmony part of half notes under
# "C F G | C / / F | Am / G /" had struck 36 of 51 chord changes, 15 of them under the chord
# before still sounding (QA qa32).
CHANGE_SHARE = 0.9


def _follows_changes(plan: RegionPlan, voice: TargetVoice) -> bool:
    """A part of block chords that plays the chords (_plays_chords) written or given (not those
    estimated, looped or planned, which follow its own harmonic rhythm)."""
    return voice.texture is not None and plan.chord_strength > 0 and plan.prior_features_at is None \
        and _plays_chords(plan, voice)


def _changes_struck(plan: RegionPlan, row: _Row, voice: TargetVoice, onsets: np.ndarray, features) -> np.ndarray:
    """(len(onsets),) log-prior over the next onset (delta 0, a note under the last onset's, left
    be) of a part that follows the changes, added to its texture's: the difference its rhythm
    prior makes where the next chord begins taken as played in CHANGE_SHARE of its context's bars."""
    out = np.zeros(len(onsets))
    if not _follows_changes(plan, voice) or voice.texture.occupancy is None:
        return out
    begins = _chord_onsets(plan, onsets, _prior_chords(plan, row, features))
    begins[0] = False
    if not begins.any():
        return out
    shares = voice.texture.occupancy[np.clip(_positions(features, onsets), 0, V.MAX_POSITION - 1)]
    first = int(np.flatnonzero(begins)[0])
    # (it strikes there; or it is a part off the beat, its downbeats mostly silent, that strikes
    # within a beat after: a skank on two and four plays a chord of beat one on two)
    after = QUARTER_UNITS if voice.texture.occupancy[0] < 0.5 else 0
    if (shares[first:first + after + 1] >= 0.5).any():
        return out
    changed = shares.copy()
    changed[first] = CHANGE_SHARE
    return RHYTHM_STRENGTH * (onsets_prior(changed) - onsets_prior(shares))


def _next_change(plan: RegionPlan, row: _Row, voice: TargetVoice, onset: int, features) -> int | None:
    """Grid units from `onset` to where the next chord begins, for a part that follows the changes
    (within N_DURATION; None: none, or not such a part)."""
    if not _follows_changes(plan, voice):
        return None
    ticks = onset + np.arange(1, V.N_DURATION + 1)
    begins = _chord_onsets(plan, ticks, _prior_chords(plan, row, features))
    return int(np.flatnonzero(begins)[0]) + 1 if begins.any() else None


def _nearest_voicings(plan: RegionPlan, row: _Row, voice: TargetVoice, tones: list,
                      above: list[int] | None) -> np.ndarray:
    """(N_PITCH, N_DELTA) close_voicing.voice_leading_prior for a made-up comping part's next note
    (Texture.complete; tones: _voicing_tops' chord at each delta's onset, None where none is
    known): at delta 0 the note under `above` (its notes at the row's onset, top-down; None: it
    has none there, a new chord's top), moving from its chord before; at later deltas a new
    chord's top, moving from its chord at the row's onset (or the last before); a slash chord's
    written bass (plan.slash_basses) lowest."""
    chords: dict[int, list[int]] = {}  # its last chords' pitches by grid onset
    for note in row.notes[-MAX_STACK * 8:]:
        if note[0] == voice.score_voice:
            chords.setdefault(note[2], []).append(note[1])
    earlier = [o for o in chords if o < row.onset]
    before = tuple(sorted(chords[max(earlier)])) if earlier else ()
    current = tuple(sorted(chords[row.onset])) if row.onset in chords else before
    basses = np.full(V.N_DELTA, -1)
    if plan.slash_basses is not None:
        ticks = row.onset + np.arange(V.N_DELTA)
        rows = np.searchsorted(plan.slash_basses[:, 0], ticks, side="right") - 1
        inside = (rows >= 0) & (ticks < plan.slash_basses[np.maximum(rows, 0), 1])
        basses = np.where(inside, plan.slash_basses[np.maximum(rows, 0), 2], -1)
    out = np.zeros((V.N_PITCH, V.N_DELTA))
    found: dict[tuple, np.ndarray] = {}
    for d, chord in enumerate(tones):
        if chord is None:
            continue
        bass = int(basses[d]) if basses[d] >= 0 else None
        if d == 0:
            out[:, 0] = voice_leading_prior(chord, current, (), bass) if above is None else \
                voice_leading_prior(chord, before, tuple(above), bass)
            continue
        if (id(chord), bass) not in found:
            found[id(chord), bass] = voice_leading_prior(chord, current, (), bass)
        out[:, d] = found[id(chord), bass]
    return out


def _voicing_tops(plan: RegionPlan, row: _Row, voice: TargetVoice, onsets: np.ndarray,
                  features) -> tuple[list, np.ndarray | None]:
    """For a part that plays the chords (_plays_chords): the tones (12,) bool of the chord at each
    of `onsets` (chord_tones; None where none is known) and the top note its context voices that
    chord with there (Texture.chord_tops; None: none known)."""
    here = _prior_chords(plan, row, features)(onsets)
    allowed = plan.allowed_pitch_classes()
    # (each chord once: a step's onsets span a few)
    codes, inverse = np.unique(here["chord_root"] * 256 + here["chord_quality"], return_inverse=True)
    known = [chord_tones(int(code) // 256, int(code) % 256, allowed) for code in codes.tolist()]
    tops = voice.texture.chord_tops(known)
    return [known[i] for i in inverse.tolist()], None if tops is None else tops[inverse]


def _rooted_spans(row: _Row, voice: TargetVoice, onsets: np.ndarray, chords: dict, features) -> np.ndarray:
    """(N_PITCH, len(onsets)) log-prior for a part of chords whose context stands them on their
    roots (HarmonicRhythm.root_bass), under chords as sure as written ones (a loop, a planned
    progression, chords played around): -ROOT_BASS_PENALTY for a note other than the chord's root
    (in `chords`, features of `onsets`) that is likely the lowest of a span's first onset (of any
    onset of a part of shells whose context's are: HarmonicRhythm.root_onsets): a note
    under the notes the voice has there (delta 0), or a new onset opening a span (delta > 0),
    where its texture (at that bar position) seldom adds another note under that many. Without
    it a left hand that starts each bar with a lone bass note stood on the planned chord's third
    or fifth in 38 of 48 bars (its harmonic rhythm, under no chords, roots 41 of 48)."""
    texture, harmony = voice.texture, voice.harmony
    known = _known_notes(row, voice, harmony.recent)
    feats, mine, theirs = _spans(harmony, known, onsets, features)
    last_span = theirs[-1] if len(theirs) else None
    opening_onset = not any(s == mine[0] and o < row.onset for (o, _), s in zip(known, theirs))
    positions = np.clip(np.asarray(feats["position"][: len(onsets)]), 0, V.MAX_POSITION - 1)
    rates = texture.rates_at[positions] if texture.rates_at is not None else np.broadcast_to(
        texture.rates, (len(onsets), len(texture.rates)))
    here = sum(1 for o, _ in known if o == row.onset)  # notes of the voice at the current onset
    # (where its chords after a span's first stand on the root too, every onset: a jazz left hand's
    # shells struck twice a bar had the root under 18 of 48 new chords, half of them the bar's second.
    # Shells only: a pop left hand of close triads, its bar's second chord topped by the third,
    # then could not end on a fifth under it, and played two-note chords, 13 -> 16 of 24, QA qa30)
    every = harmony.root_onsets and harmony.shells
    opens = np.ones(len(onsets), dtype=bool) if every else mine != (last_span if last_span is not None else -1)
    lowest = opens & (rates[:, 0] < 0.5)  # a new onset opening a span, alone or the chord's lowest
    if here:  # delta 0: a note under those at the current onset, if it is the span's first
        lowest[0] = (opening_onset or every) and rates[0, min(here, MAX_STACK - 1)] < 0.5
    roots = np.asarray(chords["chord_root"])
    off = (np.arange(12)[:, None] != roots[None]) & (roots[None] < 12) & lowest[None]
    return np.where(off, -ROOT_BASS_PENALTY, 0.0)[np.arange(V.N_PITCH) % 12]


def _chord_onsets(plan: RegionPlan, onsets: np.ndarray, features) -> np.ndarray:
    """(len(onsets),) bool: where a chord begins (written or given: features'), its root, quality
    or slash bass (plan.slash_basses) another than at the grid tick before; onsets: consecutive
    grid ticks. A chord symbol repeating the one before is no new chord."""
    ticks = np.r_[onsets[0] - 1, onsets]
    feats = features(ticks)
    bass = feats["chord_root"]
    if plan.slash_basses is not None:
        rows = np.searchsorted(plan.slash_basses[:, 0], ticks, side="right") - 1
        inside = (rows >= 0) & (ticks < plan.slash_basses[np.maximum(rows, 0), 1])
        bass = np.where(inside, plan.slash_basses[np.maximum(rows, 0), 2] + 12, bass)
    new = (bass[1:] != bass[:-1]) | (feats["chord_root"][1:] != feats["chord_root"][:-1]) \
        | (feats["chord_quality"][1:] != feats["chord_quality"][:-1])
    return new & (feats["chord_root"][1:] < 12)


def _plays_chords(plan: RegionPlan, voice: TargetVoice) -> bool:
    """Whether the voice plays the chord on every onset (_joint_prior: an added comping part, or a
    chordal part of the piece's own, or a line of broken chords (an Alberti bass, an arpeggio: a
    line with a harmonic rhythm), under chords written, given or as sure)."""
    return voice.comping or ((voice.texture is not None or voice.harmony is not None)
                             and voice.role != V.ROLES.index("drums")
                             and (plan.prior_features_at is None or plan.prior_chords_sure))


def _pitch_priors(delta_logprobs: torch.Tensor, candidates: torch.Tensor, prior: torch.Tensor,
                  allowed: np.ndarray, same_onset: np.ndarray, pitches: torch.Tensor | None = None) -> torch.Tensor:
    """(R, N_PITCH) log of E_onset~p(onset | pitch)[exp f(pitch, onset)] for R rows at once: the
    pitch marginal of the model's joint (pitch, onset) distribution tilted by exp(f). prior
    (R, N_PITCH, N_DELTA): f; delta_logprobs (R, K, N_DELTA): the delta head given each of K
    candidate pitches (R, K) (other pitches use the first's); allowed (R, N_DELTA): the onset mask
    but for delta 0, which same_onset (R, N_PITCH) gives per pitch; pitches (N_PITCH,) bool: the
    pitches some row can still draw (None: all), the others left 0 uncomputed (a key lock and a
    register leave ~20 of 128: most of this function's time). (Each row's numbers are those of the
    row alone: log-sum-exp reduces each row by itself.)"""
    rows, k = candidates.shape
    device, neg_inf = prior.device, torch.tensor(float("-inf"), device=prior.device)
    index = torch.zeros(rows, V.N_PITCH, dtype=torch.long, device=device)
    index.scatter_(1, candidates, torch.arange(k, device=device).expand(rows, k))
    if pitches is not None:
        columns = torch.nonzero(pitches)[:, 0]
        index, prior, same_onset = index[:, columns], prior[:, columns], same_onset[:, columns.cpu().numpy()]
    n = index.shape[1]
    first = torch.as_tensor(same_onset & allowed[:, :1], device=device)  # delta 0 allowed, per pitch
    mask = torch.as_tensor(np.broadcast_to(allowed[:, None], (rows, n, V.N_DELTA)).copy(), device=device)
    mask[..., 0] = first
    logp = torch.where(mask, delta_logprobs.gather(1, index[..., None].expand(-1, -1, V.N_DELTA)), neg_inf)
    # Each pitch's onset distribution is one of 2K rows (its candidate's, delta 0 allowed or not):
    # normalised once each, then looked up (the same numbers: each row is reduced by itself).
    variants = torch.as_tensor(np.broadcast_to(allowed[:, None, None], (rows, 2, k, V.N_DELTA)).copy(), device=device)
    variants[:, 0, :, 0] = False
    norms = torch.logsumexp(torch.where(variants, delta_logprobs[:, None], neg_inf), dim=-1).view(rows, 2 * k)
    norm = norms.gather(1, first.long() * k + index)[..., None]
    tilted = torch.logsumexp(logp - norm + prior, dim=-1)
    tilted = torch.where(torch.isfinite(tilted), tilted, torch.zeros_like(tilted))
    if pitches is None:
        return tilted
    return torch.zeros(rows, V.N_PITCH, device=device).index_copy_(1, columns, tilted)


def _keep_habits(logits: torch.Tensor, row: _Row, voice: TargetVoice, temperature: float) -> None:
    """Shift (in place) the log-odds in `logits` (N_PITCH,) of `voice` repeating the last pitch
    of its top line and of its going back to the one before, so that the share of each it is
    expected to write meets its context's (priors.habit_shift, from the log-odds each had at
    `temperature` at this row's steps in the voice so far). One after the other: a repeat held
    down goes back more. A voice of chords (written top-down) is weighed only where its texture
    makes the chord begun complete: the next note is the next chord's top, where the habits are."""
    before, last = row.tops.get(voice.slot, (-1, -1))
    if not 0 <= last < V.N_PITCH:
        return
    if voice.texture is not None:
        size = 0  # the voice's notes at the row's onset: the chord it is writing
        for note in reversed(row.notes[-MAX_STACK * 4:]):
            if note[2] != row.onset:
                break
            size += note[0] == voice.score_voice
        if size and voice.texture.rates[min(size, len(voice.texture.rates)) - 1] >= 0.5:
            return
    values = logits.detach().float().cpu().numpy()
    finite = np.isfinite(values)
    if finite.sum() < 2:
        return
    z = values / temperature
    weights = np.exp(z - z[finite].max())
    total = float(weights.sum())  # (the two pitches' shares are kept as weights over this total)
    seen, shifts = row.habit_odds.setdefault(voice.slot, (([], []), [None, None]))
    pitches = (last, before if 0 <= before < V.N_PITCH and before != last else -1)
    mass = [float(weights[p]) if p >= 0 else 0.0 for p in pitches]
    applied, recorded = [0.0, 0.0], [False, False]
    # Repeat, go back, then repeat again: holding one down gives the other its mass (a tune kept
    # from repeating swung between two notes; one kept from going back repeated more), so the
    # repeat is weighed again beside the return as shifted, its step's log-odds taken anew.
    for k in (0, 1, 0):
        pitch = pitches[k]
        if pitch < 0 or not np.isfinite(values[pitch]):
            continue
        p = min(max(mass[k] / total, 1e-6), 1 - 1e-6)
        odds = np.log(p / (1 - p)) - applied[k]  # the model's, with the other habit's shift
        if recorded[k]:
            seen[k][-1] = odds
        else:
            seen[k].append(odds)
            recorded[k] = True
        shift = shifts[k] = habit_shift(float(voice.habits[k]), np.array(seen[k]), shifts[k] or None)
        change, applied[k] = shift - applied[k], shift
        if change:
            logits[pitch] += change
            grown = mass[k] * math.exp(change)
            total += grown - mass[k]
            mass[k] = grown


def _recalled(row: _Row, voice: TargetVoice | None, features) -> tuple[int, int, int, float] | None:
    """(grid onset, pitch, grid length, mixture weight) of the note a line beside other parts
    recalls next (priors.LineRecall over its context, after the notes this row wrote in it; not
    where the chord differs from the one under the recalled note)."""
    if voice is None or voice.recall is None:
        return None
    found = voice.recall.recalled(row.recall_states.get(voice.slot, voice.recall.first),
                                  lambda onset: int(chord_roots(features, np.array([onset]))[0]))
    if found is None:
        return None
    return found[0], found[1], found[3], recall_weight(found[2])


def _riff_next(row: _Row, voice: TargetVoice, plan: RegionPlan, features) -> tuple:
    """Ostinato.next_note's (after, root_at, below, third_at) for the row's next note in an
    accompanying part with a figure: after the notes the row wrote in it (chords are written top
    down: the next note under the last, or on), moved with the chords where they are known."""
    mine = [n for n in row.notes if n[0] == voice.score_voice]
    root_at = third_at = None
    if voice.ostinato.roots is not None:
        # (chords as sure as written ones, as a blues form's, move it as written ones do)
        chords = _prior_chords(plan, row, features) if plan.prior_chords_sure else features
        root_at = lambda onset: int(chord_roots(chords, np.array([onset]))[0])  # noqa: E731
        third_at = lambda onset: int(chord_thirds(chords, np.array([onset]))[0])  # noqa: E731
    if mine and voice.texture is not None:
        last = mine[-1][2]
        return last, root_at, min(n[1] for n in mine if n[2] == last), third_at
    return (mine[-1][2] + 1 if mine else plan.start), root_at, None, third_at  # (a line: after its last note)


def _riff_note(row: _Row, voice: TargetVoice, plan: RegionPlan, features) -> tuple[int, int, int | None, float]:
    """(grid onset, pitch, grid length or None, OSTINATO_WEIGHT): the figure's next note, mixed into the
    distributions as a recalled note is, over the log-odds bonus the joint prior gives it: where
    the model expects something else the bonus alone lost (a bass loop's downbeat took the
    previous bar's note in 35 of 56 bars; QA)."""
    after, root_at, below, third_at = _riff_next(row, voice, plan, features)
    onset, pitch = voice.ostinato.next_note(after, root_at, below, third_at)
    return onset, pitch, voice.ostinato.next_length(after, below), OSTINATO_WEIGHT


def _mix_recalled(logits: torch.Tensor, index: int, weight: float) -> torch.Tensor:
    """log((1 - weight) softmax(logits) + weight onehot(index)) for one row of logits (entries at
    -inf stay there); the logits unchanged where `index` is out of range or masked."""
    if not 0 <= index < logits.shape[-1] or not bool(torch.isfinite(logits[index])) or weight <= 0:
        return logits
    mixed = torch.log_softmax(logits.float(), dim=-1) + math.log1p(-weight)
    mixed[index] = torch.logaddexp(mixed[index], torch.tensor(math.log(weight)))
    return mixed.to(logits.dtype)


def _condition(model: Seq2Seq, index: int, chosen: torch.Tensor) -> torch.Tensor:
    """model.condition[index](chosen) without the module call."""
    return torch.nn.functional.embedding(chosen, model.condition[index].weight)


@dataclass
class PitchStep:
    """One decoder step's pitch draw, as sample_region(record=...) keeps it: the logits drawn from
    (variations, N_PITCH; priors and masks applied), the pitches drawn, and which rows wrote a note."""

    logits: torch.Tensor
    pitches: list[int]
    emitted: np.ndarray


NEAR_TWIN_SHARE = 0.75  # a variation sharing this much of its start with an earlier one counts as the same ...
NEAR_TWIN_NOTES = 8  # ... when that is this many notes or more


def _shared_start(a: tuple, b: tuple) -> int:
    """How many notes two variations share from their first."""
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


def branch_points(results: list[list[tuple]], record: list[PitchStep], temperature: float,
                  reference: Sequence[tuple] | None = None,
                  timeless: frozenset[int] = frozenset()) -> dict[int, tuple[int, int]]:
    """Where variations that came out the same as an earlier one, or as `reference` (the notes the
    region held, in results' form: a fill that gave back the bars it replaces, which a musician
    takes for a fill that did nothing; QA), should leave it: {row: (step, pitch it drew there)}
    for sample_region(branches=...).

    A piece that states a tune twice is continued with a third statement note for note, the copy
    so sure (p > 0.99 at almost every note) that top-p sampling leaves nothing else to draw: four
    variations were one (QA). Each repeat takes instead the co-writer's other choices at the step
    where they are likeliest, weighted by how much of the variation is still to come (a late
    branch changes little): the second repeat the best such step, the third the next, and so on,
    so they differ from the first and from each other. The step's other choices keep their
    relative odds (the drawn pitch masked, top-p over the rest). A variation that shares
    NEAR_TWIN_SHARE of its start with an earlier one (and NEAR_TWIN_NOTES notes or more) counts
    as the same, and leaves it within what they share: three "variations" of a verse recalled a
    third time differed only in their last beat (QA). An idea from diverse decoding (Vijayakumar
    et al. 2018, diverse beam search), applied only where sampling gave no diversity. timeless:
    score voices whose notes' lengths do not count (drums: a hit sounds its own length), so that
    drum parts differing only in how long their hits were written count as the same (QA F9:
    three "variations" of an added drum part, identical in onset and key)."""
    if temperature <= 0 or not record:
        return {}

    # (the same notes but for the velocity bin are the same: written notes take their velocity
    # from the music around them, composer.model.dynamics)
    def key_of_note(note) -> tuple:
        return tuple(note[:3]) + ((0,) if note[0] in timeless else tuple(note[3:4]))
    keys = [tuple(key_of_note(note) for note in notes) for notes in results]
    twins_of: dict[int, list[int]] = {}  # an original row (-1: the reference) -> the later rows that are (nearly) it
    shared: dict[int, int] = {}  # a later row -> the notes it shares with its original
    if reference:
        twins_of[-1] = []
    key_of = {-1: tuple(key_of_note(note) for note in reference or ())}
    for row, key in enumerate(keys):
        key_of[row] = key
        for original in twins_of:
            common = _shared_start(key, key_of[original])
            same = common == len(key) == len(key_of[original])
            if same or (common >= NEAR_TWIN_NOTES and common >= NEAR_TWIN_SHARE * min(len(key), len(key_of[original]))):
                twins_of[original].append(row)
                shared[row] = common
                break
        else:
            twins_of[row] = []
    branches: dict[int, tuple[int, int]] = {}
    for original, twins in twins_of.items():
        taken: set[int] = set()  # the notes (ordinal in the shared start) earlier twins branch at
        for row in twins:
            # its own steps up to where it leaves the original (the same as the original's there)
            steps = [i for i, s in enumerate(record) if s.emitted[row]][:shared[row]]
            if not steps:
                continue
            total = len(steps)
            scored = []
            for k, i in enumerate(steps):
                logits = record[i].logits[row].detach().float() / temperature
                others = logits.clone()
                others[record[i].pitches[row]] = float("-inf")
                if torch.isfinite(others).any():  # (in logs: a low temperature leaves odds below a float's range)
                    other = float(torch.logsumexp(others, 0) - torch.logsumexp(logits, 0))
                    scored.append((other + math.log((total - k) / total), k, i))
            scored.sort(reverse=True)
            # The best note no earlier twin branches at: twins that share less of the start rank
            # them otherwise, and two that left at the same note went on the same (QA F9: two of
            # three drum variations).
            chosen = next(((k, i) for _, k, i in scored if k not in taken), None)
            if chosen is not None:
                taken.add(chosen[0])
                branches[row] = (chosen[1], record[chosen[1]].pitches[row])
    return branches


@torch.inference_mode()
def sample_region(model: Seq2Seq, memory: dict, plan: RegionPlan, variations: int, *, temperature: float = 1.0,
                  top_p: float = 0.95, seed: int | None = None, progress: Callable[[int, int], None] | None = None,
                  cancel: Callable[[], bool] | None = None, record: list | None = None,
                  branches: dict[int, tuple[int, int]] | None = None) -> list[list[tuple[int, int, int, int, int]]]:
    """Write the region `variations` times. memory: model.encode of the context (batch 1, shared
    by the variations) or of one context per variation (batch `variations`).
    Returns per variation the notes (score voice, pitch, onset grid, duration grid, velocity bin).

    record: a list that gets one PitchStep per decoder step (for branch_points); branches: {row:
    (step, pitch)}, that row may not draw that pitch at that step (a run with the same seed
    repeats the others' draws, so the row leaves the notes it had there: see branch_points)."""
    evaluation_mode(model)
    device = next(model.parameters()).device
    generator = torch.Generator(device=device)
    generator.manual_seed(seed if seed is not None else int(torch.seed() % 2**63))
    if memory["mem_keys"].shape[0] == 1:
        memory = model.expand_memory(memory, variations)
    state = memory["state"]
    capacity = plan.max_notes * 2 + 8
    history = model.init_history(memory, capacity, plan.prefix)
    c = plan.controls
    slots = {v.slot: v for v in plan.voices}
    voice_mask = torch.zeros(V.N_VOICE, dtype=torch.bool)
    voice_mask[[v.slot for v in plan.voices]] = True
    pitched = allowed_pitches(plan.key, c.lowest if c.lowest is not None else LOWEST,
                              c.highest if c.highest is not None else HIGHEST, plan.chord_pitch_classes | plan.blue_notes)
    # The pitch range is a control of pitched voices: a drum voice keeps its kit (keys are drums, not pitches).
    drums = allowed_pitches(None, DRUM_LOWEST, DRUM_HIGHEST)
    if not pitched.any() and any(v.role != V.ROLES.index("drums") for v in plan.voices):
        raise ValueError(f"the key lock {plan.key} and pitch range leave no playable pitch")
    # Each voice keeps to its register: the range it used in the context, widened by REGISTER_MARGIN.
    registers, pulls = {}, {}
    for v in plan.voices:
        if v.role == V.ROLES.index("drums"):
            if v.keys:
                mask = torch.zeros_like(drums)
                mask[list(v.keys)] = True
                registers[v.slot] = mask & drums if (mask & drums).any() else drums
            continue
        if v.register is not None:
            mask = pitched.clone()
            mask[: max(0, v.register[0] - REGISTER_MARGIN)] = False
            mask[v.register[1] + REGISTER_MARGIN + 1:] = False
            registers[v.slot] = mask if mask.any() else pitched
        if v.centre is not None and plan.pull_register:
            # log-prior: flat within REGISTER_PULL_WIDTH of the centre, then falling off
            distance = (torch.arange(V.N_PITCH, device=device) - v.centre).abs()
            pulls[v.slot] = -REGISTER_PULL * (distance - REGISTER_PULL_WIDTH).clamp(min=0)
    # A new part (no notes of its own, pulled to the middle of its asked range): the model picks
    # the pitch class, the pull the octave (composer.model.region_writer._new_part_centre).
    folded = {v.slot for v in plan.voices if v.register is None and v.centre is not None and plan.pull_register}
    ends = plan.row_ends if plan.row_ends is not None else (plan.end,) * variations
    chords = plan.row_prior_features or (None,) * variations
    doubled = plan.row_doubled or ({},) * variations
    rows = [_Row(onset=plan.first_onset, pitch=plan.first_pitch, end=end, chords=row_chords,
                 last_pitch={v.slot: v.last_pitch for v in plan.voices},
                 tops={v.slot: [-1, -1, *v.tops][-2:] for v in plan.voices if v.habits is not None},
                 doubled=row_doubled)
            for end, row_chords, row_doubled in zip(ends, chords, doubled)]
    # (no bound: past any onset)
    row_ends = np.array([V.OPEN_END if e is None else e for e in ends], dtype=np.int64)
    open_rows = np.array([e is None for e in ends])
    # each row's end as a bound on onsets and note ends (None: every row open)
    row_bound = None if open_rows.all() else np.where(open_rows, np.iinfo(np.int64).max, row_ends)
    # The bookkeeping of each step is done on Python ints and numpy arrays, one tensor made from
    # them where the model needs one: a handful of torch calls on 4-element tensors cost more
    # than the decoder's matrix products (~25 % of a step).
    first = np.asarray(plan.first, dtype=np.int64)
    step_np = first.copy() if first.ndim == 2 else np.repeat(first[None], variations, axis=0)
    neg_inf = torch.tensor(float("-inf"), device=device)
    no_ref = torch.full((variations,), -1, dtype=torch.long, device=device)
    features = plan.features_at
    start_bar = int(features(np.array([plan.start]))["bar_index"][0])
    drum_role = V.ROLES.index("drums")
    plan_slots = set(slots)
    by_voices: dict[tuple, tuple] = {}  # voice per row -> (pitch mask, register pull or None)
    side = model.side_gate_weights()  # the gates' stacked layers, once a run (head_logprobs)
    per_run = {} if side is None else {"side_weights": side}
    iterations = 0
    while not all(r.done for r in rows) and iterations < capacity:
        iterations += 1
        if cancel is not None and cancel():
            raise Cancelled()
        step = torch.as_tensor(step_np, device=device)
        hidden, new_state, weights, matched = model.decode_step(step, memory, state, history)
        succ = model.successors(history)
        h, w = hidden[:, None], weights[:, None]
        m = None if matched is None else matched[:, None]

        shared: dict = dict(per_run)  # what the heads of this step share (model.head_logprobs)

        def head(index: int, ref: torch.Tensor) -> torch.Tensor:
            return model.head_logprobs(index, h, w, succ, ref[:, None], m, shared)[:, 0]

        for r in rows:
            if plan_slots <= r.dead:  # no voice of this row can place another note
                r.done = True
        if len(plan.voices) == 1:  # one voice to write: nothing to choose
            voice = torch.full((variations,), plan.voices[0].slot, dtype=torch.long, device=device)
        else:
            live = voice_mask.repeat(variations, 1)
            for b, r in enumerate(rows):
                live[b, list(r.dead)] = False
            logits = torch.where(live, head(0, no_ref), neg_inf)
            logits[~live.any(-1)] = 0.0  # finished rows: any value, discarded below
            voice = pick(logits, temperature, top_p, generator)
        voices = voice.tolist()
        h = h + _condition(model, 0, voice)[:, None]
        refs = [r.last_pitch.get(v, -1) if r.last_pitch.get(v, -1) >= 0 else r.pitch for r, v in zip(rows, voices)]
        ref = torch.tensor(refs, device=device)
        if tuple(voices) not in by_voices:
            is_drum = [v in slots and slots[v].role == drum_role for v in voices]
            by_voices[tuple(voices)] = (
                torch.stack([registers.get(v, drums if d else pitched) for v, d in zip(voices, is_drum)]),
                torch.stack([pulls.get(v, torch.zeros(V.N_PITCH, device=device)) for v in voices]) if pulls else None)
        pitch_ok, pull = by_voices[tuple(voices)]
        pitch_logits = head(1, ref)
        if folded:
            for b, v in enumerate(voices):
                if v in folded:
                    pitch_logits[b] = fold_octaves(pitch_logits[b])
        if pull is not None:
            pitch_logits = pitch_logits + pull
        pitch_logits = torch.where(pitch_ok, pitch_logits, neg_inf)
        _guard_loops(pitch_logits, rows, voice, slots)
        priors, onset_priors = {}, {}
        for b, r in enumerate(rows):
            if not r.done and voices[b] in slots:
                f = _joint_prior(plan, r, slots[voices[b]], features)
                if f is not None:
                    # A prior on the onset alone (a line's rhythm) leaves the pitch marginal as the
                    # model's: it tilts the onset once the pitch is chosen, without the candidates'
                    # onset heads (~0.5 ms a step).
                    (priors if f.ndim == 2 else onset_priors)[b] = f
        if priors:  # sample (pitch, onset) from the model's joint tilted by the prior: pitch first
            tilted_rows = list(priors)
            prior = torch.as_tensor(np.stack([priors[b] for b in tilted_rows]), dtype=torch.float32, device=device)
            k = PRIOR_CANDIDATES
            candidates = pitch_logits.topk(k, dim=-1).indices
            # (the copy side of the onset head does not depend on the pitch: w and m broadcast over the candidates)
            given = model.head_logprobs(2, h + _condition(model, 1, candidates), w, succ, ref[:, None].expand(-1, k), m,
                                        shared)
            allowed, same = np.zeros((len(tilted_rows), V.N_DELTA), bool), np.zeros((len(tilted_rows), V.N_PITCH), bool)
            every_pitch = np.arange(V.N_PITCH)
            for i, b in enumerate(tilted_rows):
                r, tv = rows[b], slots[voices[b]]
                allowed[i] = _onset_mask(plan, r, tv, None, features)
                same[i] = r.pitch < 0 if r.count == 0 else (every_pitch <= r.pitch - _stack_gap(r, tv)) \
                    | ((every_pitch == r.pitch) & (tv.slot != r.voice))  # _same_onset_ok
            chosen = torch.tensor(tilted_rows, device=device)
            pitch_logits[chosen] += _pitch_priors(given[chosen], candidates[chosen], prior, allowed, same,
                                                  pitches=torch.isfinite(pitch_logits[chosen]).any(0))
        if branches:
            for b, (at, avoid) in branches.items():
                if at == iterations - 1 and torch.isfinite(pitch_logits[b]).sum() > 1:
                    pitch_logits[b, avoid] = float("-inf")
        for b, r in enumerate(rows):  # a melody repeats a pitch, or goes back, as often as its context does
            tv = slots.get(voices[b])
            if not r.done and tv is not None and tv.habits is not None and temperature > 0:  # (greedy: no share)
                _keep_habits(pitch_logits[b], r, tv, temperature)
        for b, r in enumerate(rows):  # a riff's next note; a line beside other parts: what followed its last notes
            tv = slots.get(voices[b])
            if r.done or tv is None:
                r.recalled = None
            elif tv.ostinato is not None:
                r.recalled = _riff_note(r, tv, plan, features)
            else:
                r.recalled = _recalled(r, tv, _prior_chords(plan, r, features) if plan.prior_chords_sure else features)
                if r.recalled is not None and b > 0:  # the other variations recall less: they vary
                    r.recalled = (*r.recalled[:3], r.recalled[3] * RECALL_OTHERS)
            if r.recalled is not None and plan.final_bar is not None and r.recalled[0] >= plan.final_bar:
                r.recalled = None  # (the piece's last chord is its ending, not a phrase recalled: _ending_prior)
            if r.recalled is not None:
                pitch_logits[b] = _mix_recalled(pitch_logits[b], r.recalled[1], r.recalled[3])
        pitch = pick(pitch_logits, temperature, top_p, generator)
        pitches = pitch.tolist()
        h = h + _condition(model, 1, pitch)[:, None]
        delta_ok = np.zeros((variations, V.N_DELTA), bool)
        for b, r in enumerate(rows):
            v = voices[b]
            if not r.done and v in slots:
                delta_ok[b] = _onset_mask(plan, r, slots[v], pitches[b], features)
        skip = ~delta_ok.any(-1)
        for b in np.flatnonzero(skip):
            if not rows[b].done and voices[b] in slots:
                rows[b].dead.add(voices[b])  # this voice cannot place another note
        delta_ok[skip, 0] = True
        delta_logits = head(2, ref)
        if priors:  # ... then the onset given that pitch, tilted the same way
            delta_logits[chosen] += prior[torch.arange(len(tilted_rows), device=device), pitch[chosen]]
        for b, f in onset_priors.items():
            delta_logits[b] += torch.as_tensor(f, dtype=delta_logits.dtype, device=device)
        for b, r in enumerate(rows):  # a played line: its notes on the beat as often as the player's
            tv = slots.get(voices[b])
            if tv is not None and tv.played is not None and (tv.on_beat > 0 or tv.subdivisions is not None) \
                    and not r.done:
                positions = _positions(features, r.onset + np.arange(V.N_DELTA))
                pull = tv.on_beat * (positions % tv.played == 0)
                if tv.subdivisions is not None:  # ... and at the points of the beat the player plays
                    pull = pull + tv.subdivisions[positions % QUARTER_UNITS]
                delta_logits[b] += torch.as_tensor(pull, dtype=delta_logits.dtype, device=device)
        delta_logits = torch.where(torch.as_tensor(delta_ok, device=device), delta_logits, neg_inf)
        for b, r in enumerate(rows):  # ... its onset, where its pitch was taken
            if r.recalled is not None and pitches[b] == r.recalled[1]:
                delta_logits[b] = _mix_recalled(delta_logits[b], r.recalled[0] - r.onset, r.recalled[3])
        delta = pick(delta_logits, temperature, top_p, generator)
        h = h + _condition(model, 2, delta)[:, None]
        onsets = np.array([r.onset for r in rows], dtype=np.int64) + np.array(delta.tolist(), dtype=np.int64)
        for bound in (row_bound, plan.stop_at):  # a voice that may stop, stopped: its next onset is past the end
            if bound is not None:
                for b in np.flatnonzero(onsets >= bound):
                    if not skip[b] and not rows[b].done and voices[b] in slots:
                        rows[b].dead.add(voices[b])
                        skip[b] = True
        duration_ok = np.ones((variations, V.N_DURATION), dtype=bool)
        if c.density is not None:  # leave room in the bar for the asked number of notes
            longest = max(1, plan.bar // max(1, int(round(c.density))))
            duration_ok &= np.arange(V.N_DURATION)[None] < longest
        for bound in (row_bound, plan.stop_at):  # a note ends by the region's end / the asked bars
            if bound is not None:
                room = np.maximum(bound - onsets, 1)
                duration_ok &= np.arange(V.N_DURATION)[None] < room[:, None]
        arrival = plan.final_bar if plan.final_bar is not None \
            and int(features(np.array([plan.final_bar]))["position"][0]) != 0 else None
        if arrival is not None:  # a part ends the piece where its tune arrives inside the last bar: a
            # note before it is let go there, not held over it (a bass's E2 held from beat 1 over
            # the tune's last note, D on beat 2, ended the part on it)
            for b, v in enumerate(voices):
                room = arrival - int(onsets[b])
                if v in slots and slots[v].role != V.ROLES.index("drums") and room > 0 and duration_ok[b, :room].any():
                    duration_ok[b, room:] = False
        # (before the kept lengths: a pad's held chord is held to the change, _held_to_room, not cut short)
        for b, v in enumerate(voices):  # an inner line holds no note into a chord it is not a tone of
            done = slots[v].completion if v in slots and not rows[b].done else None
            longest = None if done is None else done.longest(int(pitches[b]), int(onsets[b]))
            if v in slots and not rows[b].done and longest is None:  # ... nor a part of chords into the next
                longest = _next_change(plan, rows[b], slots[v], int(onsets[b]), features)
            if longest is not None and duration_ok[b, :longest].any():
                duration_ok[b, longest:] = False
        duration_logits = head(3, ref)
        held = [b for b, v in enumerate(voices) if v in slots and slots[v].holds is not None and not rows[b].done]
        if held:  # a melody holds long notes where in its phrases its context does
            at = _bar_fields(features, onsets[held])["bar_index"]
            for b, bar in zip(held, at):
                duration_logits[b] += torch.as_tensor(hold_prior(slots[voices[b]].holds, int(bar), _LENGTHS),
                                                      dtype=duration_logits.dtype, device=device)
        for b, v in enumerate(voices):  # a chordal voice or accompanying line keeps its context's lengths (per bar position)
            kept = (slots[v].texture or slots[v].rhythm) if v in slots and not rows[b].done else None
            share = 1.0
            if kept is None and v in slots and not rows[b].done and slots[v].flow is not None:
                kept, share = slots[v].flow, MELODY_RHYTHM_SHARE  # (a melody's lengths, more freely)
            if isinstance(kept, LineRhythm) and kept.within_bar:
                at = features(onsets[b:b + 1])
                duration_ok[b] &= np.arange(V.N_DURATION) < max(1, int(at["bar_len"][0] - at["position"][0]))
                duration_ok[b, 0] = True
            if v in slots and int(onsets[b]) == plan.final_bar and duration_ok[b].any() and (
                    (kept is not None and _ends_here(plan, slots[v])) or _ends_the_piece(plan, slots[v])):
                # the last note held to the end, whatever lengths the line played or the model likes
                # (6 nats for it were not enough: a model trained longer ended on a quarter note)
                duration_ok[b] = np.arange(V.N_DURATION) == np.flatnonzero(duration_ok[b])[-1]
            if kept is not None and kept.durations is not None:
                lengths = kept.durations
                if lengths.ndim == 2:
                    lengths = lengths[int(np.clip(_positions(features, onsets[b:b + 1])[0], 0, V.MAX_POSITION - 1))]
                lengths = _held_to_room(lengths, duration_ok[b])
                duration_logits[b] += torch.as_tensor(DURATION_STRENGTH * share * lengths, dtype=duration_logits.dtype,
                                                      device=device)
        for b, r in enumerate(rows):  # ... and its length, where its pitch and onset were taken
            if r.recalled is not None and r.recalled[2] is not None and (int(onsets[b]), pitches[b]) == r.recalled[:2]:
                duration_logits[b] = _mix_recalled(torch.where(torch.as_tensor(duration_ok[b], device=device),
                                                               duration_logits[b], neg_inf),
                                                   r.recalled[2] - 1, r.recalled[3])
        duration = pick(torch.where(torch.as_tensor(duration_ok, device=device), duration_logits, neg_inf),
                        temperature, top_p, generator)
        h = h + _condition(model, 3, duration)[:, None]
        velocity = pick(head(4, ref), temperature, top_p, generator)

        # Bookkeeping, the next decoder input, and what the history offers to copy.
        emitted = np.array([not r.done and not skip[b] for b, r in enumerate(rows)])
        if not emitted.all():
            keep = torch.as_tensor(emitted, device=device)[None, :, None]
            new_state = tuple(torch.where(keep, n, o) for n, o in zip(new_state, state))
        state = new_state
        feats = features(onsets)
        columns = {name: np.array(values.tolist(), dtype=np.int64)
                   for name, values in (("voice", voice), ("pitch", pitch), ("delta", delta), ("duration", duration),
                                        ("velocity", velocity))}
        ref_np = np.array(refs, dtype=np.int64)
        interval = np.where(ref_np >= 0, np.clip(columns["pitch"] - ref_np, -V.MAX_INTERVAL, V.MAX_INTERVAL)
                            + V.MAX_INTERVAL, V.NO_INTERVAL)
        columns.update(interval=interval, segment=np.full(variations, 3), density=np.full(variations, plan.density),
                       role=np.array([slots[v].role if v in slots else V.UNKNOWN_ROLE for v in voices]))
        for name in ("position", "key", "chord_root", "chord_quality", "next_root", "next_quality"):
            columns[name] = feats[name]
        bar_index = feats["bar_index"]
        columns["region_bar"] = np.clip(bar_index - start_bar, 0, V.MAX_REGION_BARS - 1) + 1
        columns["to_end"] = np.where(open_rows, V.OPEN_END, np.clip(row_ends - onsets, 0, V.MAX_TO_END))
        new_step = np.stack([columns[name] for name in V.FEATURES], axis=-1).astype(np.int64)
        step_np = np.where(emitted[:, None], new_step, step_np)
        shift = np.where(ref_np >= 0, columns["pitch"] - ref_np, NO_SHIFT)
        remembered = np.stack([columns["voice"], columns["pitch"], columns["delta"], columns["duration"], interval,
                               shift, emitted.astype(np.int64)], axis=-1)
        model.remember(history, torch.as_tensor(remembered, device=device))
        if record is not None:
            record.append(PitchStep(pitch_logits, pitches, emitted))
        velocities = columns["velocity"].tolist()
        for b, r in enumerate(rows):
            if not emitted[b]:
                continue
            v, p, o, d = voices[b], pitches[b], int(onsets[b]), int(columns["duration"][b]) + 1
            r.notes.append((slots[v].score_voice, p, o, d, velocities[b]))
            r.onset, r.pitch, r.voice, r.count = o, p, v, r.count + 1
            if v in r.tops and not (r.sounding.get(v) and r.sounding[v][-1][0] == o):  # (a chord's first note: its top)
                r.tops[v] = [r.tops[v][1], p]
            r.last_pitch[v] = p
            if slots[v].recall is not None:
                r.recall_states[v] = slots[v].recall.advance(r.recall_states.get(v, slots[v].recall.first), o, p)
            r.busy[v] = max(r.busy.get(v, 0), o + d)
            r.sounding.setdefault(v, []).append((o, o + d))
            r.sounding[v] = r.sounding[v][-16:]
            key = (v, int(bar_index[b]))
            r.per_bar[key] = r.per_bar.get(key, 0) + 1
            if r.count >= plan.max_notes:
                r.done = True
        if progress is not None:
            progress(min(plan.max_notes, max(r.count for r in rows)), plan.max_notes)
    return [r.notes for r in rows]
