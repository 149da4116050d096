"""Training examples: regions cut from pieces, with everything around them as context, batched.

Every example is a region of a piece (a time span x a set of voices, composer.music.region) and
its context, the three kinds of request the co-writer serves:
- continue: the notes after a point, all voices (or the melody alone), the context before it;
- fill: one to four bars in the middle, all voices or one, with the music before, after and
  (for one voice) beside it;
- accompany: one voice over two to eight bars given the other voices, that voice sometimes
  removed from the whole piece (adding a new part).
Context lengths vary from a few notes to hundreds (whole-piece memory); each batch draws one
context cap so that padding stays small. Targets are teacher-forced.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Iterator, Sequence

import numpy as np
import torch

from composer.model import vocab as V
from composer.model.encoding import ONSET, Steps, array_to_notes, encode, notes_to_array, transpose_steps, voice_roles
from composer.model.network import PREFIX, SUCC_FIELDS
from composer.music.score import Score, Voice
from composer.music.transform import melody

NO_SHIFT = 1 << 10  # a successor shift no pitch can take: copies nothing
TASKS = ("continue", "fill", "accompany")
DRUMS = V.ROLES.index("drums")


def melody_array(notes: np.ndarray, drum_voices: Sequence[int] = ()) -> np.ndarray:
    """The evaluation protocol's melody (highest note at each onset, drums left out) as an array."""
    voices = int(notes[:, 4].max()) + 1 if len(notes) else 1
    score = Score(notes=array_to_notes(notes), voices=[Voice(is_drum=i in drum_voices) for i in range(voices)])
    return notes_to_array(melody(score))


@dataclass
class TrainingPiece:
    """A piece encoded once: its steps (all voices) and, when polyphonic, its melody's steps."""

    steps: Steps
    style: int  # index into the checkpoint's style list (0 = neutral)
    melody: Steps | None = None
    voices: tuple[int, ...] = ()  # score voices that play
    notes: np.ndarray = field(default_factory=lambda: np.zeros((0, 5), np.int64))

    def __len__(self) -> int:
        return len(self.steps)


def make_piece(notes: np.ndarray, style: int, time_signature: tuple[int, int] = (4, 4),
               drum_voices: Sequence[int] = (), *, meters: np.ndarray | None = None,
               keys: Sequence[tuple[int, str]] | None = None, key: str | None = None,
               chords: np.ndarray | None = None, roles: Sequence[str | None] | None = None) -> TrainingPiece:
    """Encode a piece's notes (N, 5) with its meter map (or single time signature), keys and chords."""
    notes = np.asarray(notes, dtype=np.int64).reshape(-1, 5)
    if meters is None:
        meters = np.array([(0, *time_signature)], dtype=np.int64)
    role_map = voice_roles(notes, drum_voices, roles) if len(notes) else {}
    steps = encode(notes, meters=meters, drum_voices=drum_voices, roles=role_map, keys=keys, key=key, chords=chords)
    voices = tuple(sorted(set(notes[:, 4].tolist())))
    pitched = notes[~np.isin(notes[:, 4], list(drum_voices))] if drum_voices else notes
    polyphonic = len(voices) > 1 or (len(pitched) > 1 and bool(np.any(np.diff(np.sort(pitched[:, ONSET])) == 0)))
    line = None
    if polyphonic and len(pitched):
        tune = melody_array(notes, drum_voices)
        if len(tune):
            tune[:, 4] = 0
            line = encode(tune, meters=meters, roles={0: V.ROLES.index("melody")}, keys=keys, key=key, chords=chords)
    return TrainingPiece(steps=steps, style=style, melody=line, voices=voices, notes=notes)


def restream(steps: Steps) -> Steps:
    """Recompute delta, ref and interval for a subsequence of steps (time order), so nothing refers
    to a note left out of it (a note inside the region must not leak through its neighbours)."""
    out = steps.take(slice(None))
    n = len(out)
    if n == 0:
        return out
    out.delta = np.zeros(n, np.int64)
    out.delta[1:] = np.minimum(np.diff(out.onset), V.MAX_DELTA)
    ref = np.full(n, -1, np.int64)
    ref[1:] = out.pitch[:-1]  # the previous step, unless the voice played before
    for v in np.unique(out.score_voice):
        idx = np.flatnonzero(out.score_voice == v)
        ref[idx[1:]] = out.pitch[idx[:-1]]
    out.ref = ref
    out.interval = np.where(ref >= 0, np.clip(out.pitch - ref, -V.MAX_INTERVAL, V.MAX_INTERVAL) + V.MAX_INTERVAL,
                            V.NO_INTERVAL)
    return out


def successors(steps: Steps, valid: np.ndarray) -> np.ndarray:
    """(N, 7) SUCC_FIELDS rows: the features of each step itself, as the successor some earlier
    position offers (valid False: offers nothing)."""
    shift = np.where(steps.ref >= 0, steps.pitch - steps.ref, NO_SHIFT)
    return np.stack([steps.voice, steps.pitch, steps.delta, steps.duration, steps.interval, shift,
                     valid.astype(np.int64)], axis=-1)


def bos_step(role: int = V.UNKNOWN_ROLE) -> Steps:
    """The begin-of-sequence step that opens every encoder stream (and a decoder with no note before)."""
    one = lambda value: np.array([value], np.int64)  # noqa: E731
    return Steps(voice=one(0), pitch=one(0), delta=one(0), duration=one(0), velocity=one(0), interval=one(V.NO_INTERVAL),
                 position=one(0), role=one(role), key=one(V.UNKNOWN_KEY), chord_root=one(V.NO_CHORD_ROOT),
                 chord_quality=one(V.NO_CHORD_QUALITY), next_root=one(V.NO_CHORD_ROOT),
                 next_quality=one(V.NO_CHORD_QUALITY), segment=one(0), region_bar=one(0), to_end=one(V.OPEN_END),
                 density=one(0), onset=one(0), ref=one(-1), score_voice=one(-1), bar_len=one(48))


def region_bar(onset: np.ndarray, start: int, end: int | None, bar: int) -> np.ndarray:
    """vocab.region_bar of grid onsets for a region [start, end) with bars of `bar` grid ticks."""
    inside = 1 + np.clip((onset - start) // max(1, bar), 0, V.MAX_REGION_BARS - 1)
    out = np.where(onset < start, 0, inside)
    if end is not None:
        out = np.where(onset >= end, V.MAX_REGION_BARS + 1, out)
    return out


@dataclass
class Example:
    src: np.ndarray  # (S, F)
    src_succ: np.ndarray  # (S, 7)
    dec_in: np.ndarray  # (T, F)
    dec_succ: np.ndarray  # (T, 7)
    targets: np.ndarray  # (T, len(TARGETS))
    ref: np.ndarray  # (T,)
    style: int
    prefix: np.ndarray | None = None  # (PREFIX, F): the notes before dec_in[0]


@dataclass
class Context:
    """The encoder side of a region: the context steps (BOS first), what each offers to copy,
    and the restreamed notes before the region (whose last note opens the decoder)."""

    src: np.ndarray  # (S, F)
    src_succ: np.ndarray  # (S, 7)
    before: Steps


def region_context(steps: Steps, *, start: int, end: int | None, voices: set[int], bar: int, max_context: int,
                   max_after: int = 64, hide_voices: bool = False, inside_until: int | None = None) -> Context:
    """Context of region [start, end) (grid ticks; None = open) x `voices` (score voices): the
    last `max_context` notes before it, the other voices' notes inside it (up to `inside_until`
    for an open region), the first `max_after` notes after it. hide_voices drops the target
    voices from the context altogether (a new part)."""
    onset = steps.onset
    in_target_voice = np.isin(steps.score_voice, list(voices))
    inside = (onset >= start) & (np.ones_like(onset, bool) if end is None else onset < end)
    if end is None:
        inside &= onset <= (inside_until if inside_until is not None else start - 1)
    keep = ~in_target_voice if hide_voices else np.ones_like(in_target_voice)
    before_idx = np.flatnonzero((onset < start) & keep)[-max_context:] if max_context > 0 else np.zeros(0, int)
    beside_idx = np.flatnonzero(inside & ~in_target_voice)
    after_idx = np.flatnonzero((onset >= end) & keep)[:max_after] if end is not None else np.zeros(0, int)
    context = np.sort(np.concatenate([before_idx, beside_idx, after_idx]), kind="stable")
    enc = restream(steps.take(context))
    enc.segment = np.where(np.isin(context, after_idx), 1, np.where(np.isin(context, beside_idx), 2, 0))
    enc.region_bar = region_bar(enc.onset, start, end, bar)
    src_steps = Steps.concat([bos_step(), enc])
    # Position 1 + j (context note j) offers note j + 1 when both lie in the same segment; BOS
    # and the last note before the region offer nothing (what follows it is being written).
    offered = np.zeros((len(src_steps), len(SUCC_FIELDS)), np.int64)
    if len(enc) > 1:
        offered[1:len(enc)] = successors(enc.take(slice(1, None)), enc.segment[:-1] == enc.segment[1:])
    return Context(src=src_steps.matrix(), src_succ=offered, before=restream(steps.take(before_idx)))


def decoder_inputs(first: Steps, notes: Steps, *, start: int, end: int | None, bar: int, density: int) -> Steps:
    """Decoder input steps: the note before each written note (`first`, then `notes` but the
    last), with the region features of the decoder side."""
    dec = Steps.concat([first, notes]) if len(notes) else first.take(slice(None))
    dec.segment[:] = 3
    dec.region_bar = region_bar(dec.onset, start, end, bar)
    dec.to_end = np.full(len(dec), V.OPEN_END) if end is None else np.clip(end - dec.onset, 0, V.MAX_TO_END)
    dec.density[:] = density
    return dec


def local_prefix(before: Steps) -> np.ndarray:
    """(PREFIX, F): the PREFIX notes before the decoder's first input (the last note before the
    region), padded at the front with empty steps (no note, no interval, no rhythm)."""
    out = np.zeros((PREFIX, len(V.FEATURES)), np.int64)
    out[:, V.FEATURES.index("interval")] = V.NO_INTERVAL
    notes = before.take(slice(max(0, len(before) - 1 - PREFIX), max(0, len(before) - 1))).matrix() if len(before) > 1 \
        else np.zeros((0, len(V.FEATURES)), np.int64)
    if len(notes):
        out[-len(notes):] = notes
    return out


def build_example(steps: Steps, *, start: int, end: int | None, voices: set[int], style: int, bar: int,
                  max_context: int, max_after: int = 64, max_targets: int | None = None,
                  hide_voices: bool = False, density: bool = False) -> Example | None:
    """The example for region [start, end) (grid ticks; end None = continue) x `voices` (score
    voices) of a piece's steps. hide_voices drops the target voices from the context too (a new
    part); density feeds the target's notes per bar as a conditioning input."""
    onset = steps.onset
    inside = (onset >= start) & (np.ones_like(onset, bool) if end is None else onset < end)
    target_idx = np.flatnonzero(inside & np.isin(steps.score_voice, list(voices)))
    if max_targets is not None:
        target_idx = target_idx[:max_targets]
    if len(target_idx) == 0:
        return None
    context = region_context(steps, start=start, end=end, voices=voices, bar=bar, max_context=max_context,
                             max_after=max_after, hide_voices=hide_voices, inside_until=int(onset[target_idx[-1]]))
    before = context.before
    targets = restream(Steps.concat([before, steps.take(target_idx)])).take(slice(len(before), None))
    n_targets = len(targets)
    span = (end if end is not None else int(targets.onset[-1]) + 1) - start
    per_bar = n_targets / (max(1, -(-span // max(1, bar))) * max(1, len(voices)))
    first = before.take(slice(-1, None)) if len(before) else bos_step()
    dec = decoder_inputs(first, targets.take(slice(0, n_targets - 1)), start=start, end=end, bar=bar,
                         density=int(np.clip(round(per_bar), 1, V.MAX_DENSITY)) if density else 0)
    return Example(src=context.src, src_succ=context.src_succ, dec_in=dec.matrix(),
                   dec_succ=successors(targets, np.ones(n_targets, bool)), targets=targets.matrix(V.TARGETS),
                   ref=targets.ref, style=style, prefix=local_prefix(before))


# Context lengths that training examples are cut to (about 1.5 apart). On a CPU the encoder runs
# the rows of each length together (Seq2Seq._run_encoder), a fixed cost per group: free lengths
# made ~22 groups of a 32-row batch, this ladder about half as many, for the cost of up to a
# third of the context (the oldest notes, or the farthest after a fill region); the context cap
# of a batch is a random draw anyway.
CONTEXT_LADDER = np.array([1, 2, 4, 8, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024, 1536, 2048])
AFTER_KEPT = 8


def to_context_ladder(example: Example) -> Example:
    """The example with context notes dropped so that the context length (BOS included) is the
    next CONTEXT_LADDER length down: the oldest notes before the region first (the last of them,
    the decoder's first input, stays), then the farthest notes after it (the first AFTER_KEPT
    stay). Unchanged where those cannot make up the difference."""
    length = len(example.src)
    rung = CONTEXT_LADDER[CONTEXT_LADDER <= length]
    if not len(rung) or rung[-1] == length:
        return example
    drop = length - int(rung[-1])
    segment = example.src[:, V.FEATURES.index("segment")]
    leading = segment[1:] == 0
    before = int(np.argmin(leading)) if not leading.all() else len(leading)  # rows 1..before
    after = int(np.argmin((segment == 1)[::-1])) if not (segment == 1).all() else length  # trailing rows
    from_before = min(drop, max(0, before - 1))
    from_after = drop - from_before
    if from_after > max(0, after - AFTER_KEPT):
        return example
    keep = np.r_[0, np.arange(1 + from_before, length - from_after)]
    return replace(example, src=example.src[keep], src_succ=example.src_succ[keep])


@dataclass
class Batch:
    src: torch.Tensor  # (B, S, F)
    src_len: torch.Tensor  # (B,)
    style: torch.Tensor  # (B,)
    src_succ: torch.Tensor  # (B, S, 7)
    dec_in: torch.Tensor  # (B, T, F)
    dec_succ: torch.Tensor  # (B, T, 7)
    targets: torch.Tensor  # (B, T, len(TARGETS)), -100 = padding
    ref: torch.Tensor  # (B, T)
    prefix: torch.Tensor  # (B, PREFIX, F)

    def to(self, device) -> "Batch":
        return Batch(*(getattr(self, f).to(device, non_blocking=True) for f in self.__dataclass_fields__))

    @property
    def notes(self) -> int:
        return int((self.targets[..., 0] >= 0).sum())

    def model_inputs(self) -> tuple:
        return (self.src, self.src_len, self.style, self.src_succ, self.dec_in, self.dec_succ, self.targets, self.ref,
                self.prefix)


def collate(examples: list[Example]) -> Batch:
    batch = len(examples)
    s_max = max(len(e.src) for e in examples)
    t_max = max(len(e.targets) for e in examples)
    n_feat, n_succ = len(V.FEATURES), len(SUCC_FIELDS)
    src = np.zeros((batch, s_max, n_feat), np.int64)
    src_succ = np.zeros((batch, s_max, n_succ), np.int64)
    dec_in = np.zeros((batch, t_max, n_feat), np.int64)
    dec_succ = np.zeros((batch, t_max, n_succ), np.int64)
    targets = np.full((batch, t_max, len(V.TARGETS)), -100, np.int64)
    ref = np.full((batch, t_max), -1, np.int64)
    for i, e in enumerate(examples):
        src[i, : len(e.src)] = e.src
        src_succ[i, : len(e.src)] = e.src_succ
        dec_in[i, : len(e.dec_in)] = e.dec_in
        dec_succ[i, : len(e.dec_succ)] = e.dec_succ
        targets[i, : len(e.targets)] = e.targets
        ref[i, : len(e.ref)] = e.ref
    return Batch(src=torch.from_numpy(src), src_len=torch.tensor([len(e.src) for e in examples]),
                 style=torch.tensor([e.style for e in examples]), src_succ=torch.from_numpy(src_succ),
                 dec_in=torch.from_numpy(dec_in), dec_succ=torch.from_numpy(dec_succ),
                 targets=torch.from_numpy(targets), ref=torch.from_numpy(ref),
                 prefix=torch.from_numpy(np.stack([e.prefix if e.prefix is not None else local_prefix(bos_step())
                                                   for e in examples])))


RESTATED = (2, 5)  # statements of a synthetic phrase (fewest, most)
TRANSPOSED_SHARE = 0.4  # of restatements moved by -7..+7 semitones (not 0)
FILLER_SHARE = 0.2  # of restatements after 1-4 other notes


def restatement_piece(rng: np.random.Generator) -> TrainingPiece:
    """A synthetic melody: a random phrase of 8-16 notes (pitches drawn from two octaves, no note
    repeated at once; eighths, quarters and dotted quarters on the beat grid), stated 2-5 times,
    each restatement as it was or transposed (TRANSPOSED_SHARE), some after a few other notes
    (FILLER_SHARE); neutral style. It keeps the memory of the piece in training: fine-tuning on the
    corpus alone slowly lost the recall of a restated random phrase (95 % -> 94 %) and of a
    transposed one (73 % -> 60 %), which corpus music holds too rarely to keep it. An induction
    task in the spirit of the copy tasks that train pointer networks (Vinyals et al. 2015)."""
    length = int(rng.integers(8, 17))
    pitches = [int(rng.integers(55, 80))]
    while len(pitches) < length:
        p = int(rng.integers(55, 80))
        if p != pitches[-1]:
            pitches.append(p)
    durations = rng.choice([240, 480, 720], size=length, p=[0.5, 0.4, 0.1])
    notes, onset = [], 0
    for k in range(int(rng.integers(RESTATED[0], RESTATED[1] + 1))):
        shift = int(rng.integers(-7, 8)) if k and rng.random() < TRANSPOSED_SHARE else 0
        if k and rng.random() < FILLER_SHARE:
            for _ in range(int(rng.integers(1, 5))):
                notes.append((onset, 240, int(rng.integers(55, 80)), 80, 0))
                onset += 240
        for pitch, duration in zip(pitches, durations):
            notes.append((onset, int(duration), pitch + shift, 80, 0))
            onset += int(duration)
    return make_piece(np.array(notes, dtype=np.int64), style=0)


class RegionSampler:
    """Cuts pieces into region examples (continue / fill / accompany) and yields batches.

    task_weights: how often each task is drawn; context_caps/context_weights: the most context
    notes per batch (one draw per batch); target_length: notes written by a continue example;
    melody_probability: how often a polyphonic piece is reduced to its melody for a continue;
    style_dropout / key_dropout / chord_dropout: how often those inputs are withheld, so that the
    model also works without them; windows_per_piece: examples per piece per epoch; open_accompany:
    the share of accompany examples that continue one voice beside the others with no end;
    polyphonic_task_weights: task weights for pieces of several voices (default task_weights).
    Accompany can only be drawn from those (about one piece in eight of the corpus), so with one
    set of weights it is a small share of all examples. style_balance: each style's share of the
    examples is proportional to its share of the corpus raised to this power (1 = as in the
    corpus; 0.5 = a style with a quarter of the examples gets half as many as the largest:
    temperature sampling over languages in multilingual translation, Arivazhagan et al. 2019),
    the examples per epoch staying the same; drum kits and pitched pieces are balanced apart.
    restatements: the share of training examples replaced by a synthetic phrase stated again
    (restatement_piece): a random phrase, restated as is or transposed, continued from a point
    after its first statement."""

    def __init__(self, pieces: list[TrainingPiece], *, batch_size: int = 32, target_length: int = 96,
                 task_weights=(0.65, 0.2, 0.15), context_caps=(16, 48, 128, 256, 512),
                 context_weights=(0.2, 0.3, 0.25, 0.15, 0.1), melody_probability: float = 0.5,
                 style_dropout: float = 0.1, key_dropout: float = 0.3, chord_dropout: float = 0.2,
                 density_probability: float = 0.5, transpose: int = 5, windows_per_piece: int = 2,
                 open_accompany: float = 0.4, polyphonic_task_weights=None, style_balance: float = 1.0,
                 restatements: float = 0.0, rank: int = 0, world: int = 1, fixed: bool = False):
        self.pieces = [p for p in pieces if len(p) >= 8]
        self.batch_size, self.target_length = batch_size, target_length
        self.task_weights = np.asarray(task_weights, float) / sum(task_weights)
        weights = task_weights if polyphonic_task_weights is None else polyphonic_task_weights
        self.polyphonic_task_weights = np.asarray(weights, float) / sum(weights)
        self.context_caps, self.context_weights = context_caps, np.asarray(context_weights, float) / sum(context_weights)
        self.melody_probability, self.style_dropout = melody_probability, style_dropout
        self.key_dropout, self.chord_dropout, self.density_probability = key_dropout, chord_dropout, density_probability
        self.transpose, self.windows_per_piece, self.open_accompany = transpose, windows_per_piece, open_accompany
        self.rank, self.world, self.fixed = rank, world, fixed
        self.restatements = restatements
        # Long pieces give more windows (up to windows_per_piece), short ones one.
        self.weights = np.array([min(windows_per_piece, max(1, len(p) // (target_length + 32))) for p in self.pieces])
        self.expected = self.weights.astype(float)  # examples per piece per epoch (fractional when balanced)
        if style_balance != 1.0 and len(self.pieces):
            # Drum kits and pitched music are balanced apart, each keeping its share (12 small
            # drum styles would otherwise take examples from the melodies).
            styles = np.array([p.style for p in self.pieces])
            drums = np.array([bool(np.all(p.steps.role == DRUMS)) for p in self.pieces])
            for group in (drums, ~drums):
                totals = np.bincount(styles[group], weights=self.weights[group])
                share = totals ** style_balance
                share *= totals.sum() / share.sum()
                self.expected[group] = self.weights[group] * share[styles[group]] / totals[styles[group]]

    def steps_per_epoch(self) -> int:
        return -(-int(round(self.expected.sum())) // (self.batch_size * self.world))

    def _counts(self, rng: np.random.Generator) -> np.ndarray:
        """Examples of each piece this epoch: the expected number, rounded up or down at random
        where it is fractional (the same numbers as self.weights when styles are not balanced)."""
        whole = np.floor(self.expected)
        if np.array_equal(whole, self.expected):
            return self.weights
        return (whole + (rng.random(len(whole)) < self.expected - whole)).astype(int)

    def example(self, piece: TrainingPiece, rng: np.random.Generator, max_context: int) -> Example | None:
        steps = piece.steps
        polyphonic = len(piece.voices) > 1
        task = TASKS[int(rng.choice(3, p=self.polyphonic_task_weights if polyphonic else self.task_weights))]
        if task == "accompany" and not polyphonic:
            task = "fill" if rng.random() < 0.5 else "continue"
        if task == "continue" and piece.melody is not None and rng.random() < self.melody_probability:
            steps = piece.melody
        if self.transpose and not self.fixed:
            pitched = steps.pitch[steps.role != DRUMS]
            if len(pitched):
                low = max(-self.transpose, 21 - int(pitched.min()))
                high = min(self.transpose, 108 - int(pitched.max()))
                if low <= high:
                    steps = transpose_steps(steps, int(rng.integers(low, high + 1)))
        if not self.fixed:
            steps = self._drop_inputs(steps, rng)
        n = len(steps)
        style = 0 if rng.random() < self.style_dropout else piece.style
        voices = set(np.unique(steps.score_voice).tolist())
        if task == "continue":
            i = int(rng.integers(1, max(2, n - 4)))
            return build_example(steps, start=int(steps.onset[i]), end=None, voices=voices, style=style,
                                 bar=int(steps.bar_len[i]),
                                 max_context=max_context, max_targets=self.target_length,
                                 density=rng.random() < self.density_probability)
        if task == "accompany" and rng.random() < self.open_accompany:
            # One voice continued with the other voices known as far as it goes (the evaluation's
            # accompany task; `composer evaluate --task accompany`), rather than over fixed bars.
            i = int(rng.integers(1, max(2, n - 4)))
            return build_example(steps, start=int(steps.onset[i]), end=None, voices={int(rng.choice(sorted(voices)))},
                                 style=style, bar=int(steps.bar_len[i]), max_context=max_context,
                                 max_targets=self.target_length, density=rng.random() < self.density_probability)
        bars = int(rng.integers(1, 5)) if task == "fill" else int(rng.integers(2, 9))
        i = int(rng.integers(0, max(1, n - 8)))
        bar = int(steps.bar_len[i])
        start = int(steps.onset[i]) - int(steps.position[i])  # the bar line at or before note i
        end = start + bars * bar
        if task == "fill":
            chosen = voices if (not polyphonic or rng.random() < 0.5) else {int(rng.choice(sorted(voices)))}
            hide = False
        else:
            chosen = {int(rng.choice(sorted(voices)))}
            hide = rng.random() < 0.5
        return build_example(steps, start=max(0, start), end=end, voices=chosen, style=style, bar=bar,
                             max_context=max_context, hide_voices=hide, density=rng.random() < self.density_probability)

    def _drop_inputs(self, steps: Steps, rng: np.random.Generator) -> Steps:
        drop_key, drop_chords = rng.random() < self.key_dropout, rng.random() < self.chord_dropout
        if not (drop_key or drop_chords):
            return steps
        steps = steps.take(slice(None))
        if drop_key:
            steps.key[:] = V.UNKNOWN_KEY
        if drop_chords:
            steps.chord_root[:] = V.NO_CHORD_ROOT
            steps.next_root[:] = V.NO_CHORD_ROOT
            steps.chord_quality[:] = V.NO_CHORD_QUALITY
            steps.next_quality[:] = V.NO_CHORD_QUALITY
        return steps

    def batches(self, rng: np.random.Generator) -> Iterator[Batch]:
        order = np.repeat(np.arange(len(self.pieces)), self._counts(rng))
        order = order[rng.permutation(len(order))][self.rank :: self.world]
        for begin in range(0, len(order), self.batch_size):
            cap = int(rng.choice(self.context_caps, p=self.context_weights))
            examples = [e for e in (self.example(restatement_piece(rng) if self.restatements and
                                                 rng.random() < self.restatements else self.pieces[i], rng, cap)
                                    for i in order[begin : begin + self.batch_size])
                        if e is not None]
            if examples:
                yield collate(examples if self.fixed else [to_context_ladder(e) for e in examples])
