"""The field's standard statistical baseline: IDyOM-style PPM with a long-term and a short-term model.

One viewpoint (a sequence of small integer symbols: pitch, onset delta, duration or velocity bin) is
predicted by two PPM models and their combination, as in IDyOM (Pearce 2005, "The construction and
evaluation of statistical models of melodic structure in music perception and composition", PhD
thesis, City University London, ch. 6; Pearce & Wiggins 2004, J. New Music Research 33(4)):

- the **long-term model** (LTM) is trained once on the training split (every piece in turn, contexts
  never crossing a piece boundary) and is not changed while a piece is predicted;
- the **short-term model** (STM) starts empty for each piece and learns the piece so far, one true
  symbol at a time: it is the memory of the piece;
- each is PPM (Cleary & Witten 1984) with the settings IDyOM found best: escape method C (Moffat
  1990), *interpolated* smoothing (blending: every order's estimate is mixed with the lower orders',
  down to a uniform order -1), *update exclusion* (a symbol's count is raised only in the contexts
  from the longest one down to the longest one that had already seen it, so lower orders count how
  many different longer contexts a symbol follows), and either an order bound or PPM* (Cleary &
  Teahan 1997: start from the shortest deterministic context, else the longest matching one);
- the two distributions are combined by the entropy-weighted geometric mean of Pearce, Conklin &
  Wiggins 2004 ("Methods for combining statistical models of music", CMMR 2004): each model's weight
  is its relative entropy H/H_max raised to the power -b, so the more certain model counts more.

The interpolated escape-C estimate of symbol s in a context c of order k is

    p_k(s) = (c(s) + t * p_{k-1}(s)) / (n + t),      p_{-1}(s) = 1 / |A|,

with c(s) the count of s in c, n the sum of counts and t the number of distinct symbols seen in c;
an unseen context passes p_{k-1} on unchanged. Orders, the PPM* cap and b are chosen on the
validation split (`fit_viewpoint`).

The LTM's counts are computed for the whole training split at once with numpy (contexts hashed to
64 bits, sorted): update exclusion equals counting, at order k < bound, only the occurrences that
are the first time their order-(k+1) context saw the symbol (or that have no order-(k+1) context),
so no sequential pass is needed and both the raw counts (for the bound's own order) and the
excluded counts are kept for every order; one fit serves every bound. The STM is a dict of hashed
contexts updated note by note.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Iterable, Sequence

import numpy as np

MASK = (1 << 64) - 1
PRIME = 0x9E3779B97F4A7C15  # odd 64-bit multiplier of the polynomial context hash
_PRIME64 = np.uint64(PRIME)

LTM_DEPTH = 10  # longest LTM context kept (the PPM* cap); longer melodic contexts are ~all unique
STM_DEPTH = 24  # the STM is small, so it keeps longer contexts (long repeats stay deterministic)
BIASES = (0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0, 16.0)
STAR = None  # an order of None means PPM* (unbounded, capped at the model's depth)


def context_hashes(history: Sequence[int], depth: int) -> list[int]:
    """Hashes of the contexts of order 1..min(depth, len(history)) before the next symbol:
    element k-1 hashes the last k symbols (the same hash `StaticCounts.fit` computes with numpy)."""
    out, h = [], 0
    n = len(history)
    for k in range(1, min(depth, n) + 1):
        h = (h * PRIME + int(history[n - k]) + 1) & MASK
        out.append(h)
    return out


# A matching context's counts: (symbols, raw counts, update-excluded counts), int arrays.
LevelCounts = tuple[np.ndarray, np.ndarray, np.ndarray]


@dataclass
class _Level:
    contexts: np.ndarray  # (C,) uint64, sorted
    starts: np.ndarray  # (C+1,) offsets into the per-pair arrays
    symbols: np.ndarray  # (P,) int32, sorted within a context
    raw: np.ndarray  # (P,) int32
    excluded: np.ndarray  # (P,) int32
    n_raw: np.ndarray | None = None  # (C,) sums per context
    n_excluded: np.ndarray | None = None

    def totals(self) -> None:
        self.n_raw = np.add.reduceat(self.raw.astype(np.int64), self.starts[:-1])
        self.n_excluded = np.add.reduceat(self.excluded.astype(np.int64), self.starts[:-1])

    def index(self, h: int) -> int:
        i = int(np.searchsorted(self.contexts, np.uint64(h)))
        return i if i < len(self.contexts) and int(self.contexts[i]) == h else -1

    def counts(self, i: int) -> LevelCounts:
        a, b = self.starts[i], self.starts[i + 1]
        return self.symbols[a:b], self.raw[a:b], self.excluded[a:b]

    def info(self, i: int, symbol: int) -> tuple[int, int, int, int, int]:
        a, b = int(self.starts[i]), int(self.starts[i + 1])
        j = a + int(np.searchsorted(self.symbols[a:b], symbol))
        hit = j < b and int(self.symbols[j]) == symbol
        return (b - a, int(self.n_raw[i]), int(self.n_excluded[i]),
                int(self.raw[j]) if hit else 0, int(self.excluded[j]) if hit else 0)


ALL = "all"  # lookup every matching order (not only those an order bound or PPM* uses)


def _wanted(order, k: int, t: int) -> bool:
    """Whether a lookup for `order` goes on past order k, whose context saw t symbols."""
    if order == ALL:
        return True
    if order is None:
        return t != 1  # PPM* stops at the shortest deterministic context
    return k < order


@dataclass
class StaticCounts:
    """PPM counts of a fixed training set (the LTM), for contexts of order 0..depth."""

    depth: int
    levels: list[_Level] = field(default_factory=list)

    @classmethod
    def fit(cls, sequences: Iterable[Sequence[int]], depth: int = LTM_DEPTH) -> "StaticCounts":
        """Count every context of order 0..depth (not crossing sequence boundaries), in the order
        given (update exclusion depends on it, as in a sequential PPM). Time O(N depth log N)."""
        seqs = [np.asarray(s, dtype=np.int64).ravel() for s in sequences]
        seqs = [s for s in seqs if len(s)]
        out = cls(depth)
        if not seqs:
            return out
        x = np.concatenate(seqs)
        lengths = np.array([len(s) for s in seqs])
        pos = np.arange(len(x)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        h = np.zeros(len(x), dtype=np.uint64)
        pending = None  # the previous order's level, waiting for this order's first occurrences
        for k in range(depth + 1):
            if k:
                shifted = np.zeros(len(x), dtype=np.int64)
                shifted[k:] = x[:-k]
                h = h * _PRIME64 + (shifted + 1).astype(np.uint64)
            idx = np.flatnonzero(pos >= k)
            if not len(idx):
                break
            hk, sk = h[idx], x[idx]
            order = np.lexsort((sk, hk))  # stable: within a (context, symbol) pair, sequence order
            hs, ss = hk[order], sk[order]
            new_pair = np.ones(len(hs), dtype=bool)
            new_pair[1:] = (hs[1:] != hs[:-1]) | (ss[1:] != ss[:-1])
            pair_starts = np.flatnonzero(new_pair)
            raw = np.diff(np.append(pair_starts, len(hs))).astype(np.int32)
            first = np.zeros(len(x), dtype=bool)
            first[idx[order[pair_starts]]] = True  # first occurrence of each (order-k context, symbol)
            if pending is not None:
                cls._exclude(*pending, (pos == k - 1) | first)
            ctx = hs[pair_starts]
            new_ctx = np.ones(len(ctx), dtype=bool)
            new_ctx[1:] = ctx[1:] != ctx[:-1]
            ctx_starts = np.flatnonzero(new_ctx)
            level = _Level(contexts=ctx[ctx_starts], starts=np.append(ctx_starts, len(ctx)).astype(np.int64),
                           symbols=ss[pair_starts].astype(np.int32), raw=raw, excluded=raw)
            out.levels.append(level)
            pending = (level, idx, order, pair_starts)
        for level in out.levels:
            level.totals()
        return out

    @staticmethod
    def _exclude(level: _Level, idx, order, pair_starts, counted: np.ndarray) -> None:
        """Update-excluded counts of one order: only the occurrences flagged in `counted`."""
        level.excluded = np.add.reduceat(counted[idx][order].astype(np.int32), pair_starts).astype(np.int32)

    def lookup(self, history: Sequence[int], order=ALL) -> list[LevelCounts]:
        """Counts of the matching contexts of order 0, 1, ... (stopping at the first unseen one,
        and past what `order` uses: a bound, None for PPM*, or ALL)."""
        found = []
        hashes = [0] + context_hashes(history, min(self.depth, len(self.levels) - 1))
        for k, (level, h) in enumerate(zip(self.levels, hashes)):
            i = level.index(h)
            if i < 0:
                break
            found.append(level.counts(i))
            if not _wanted(order, k, len(found[-1][0])):
                break
        return found

    def target_info(self, history: Sequence[int], symbol: int) -> list[tuple[int, int, int, int, int]]:
        """Per matching order: (symbols seen, raw total, excluded total, raw and excluded count of
        `symbol`), what `target_probabilities` needs."""
        found = []
        hashes = [0] + context_hashes(history, min(self.depth, len(self.levels) - 1))
        for level, h in zip(self.levels, hashes):
            i = level.index(h)
            if i < 0:
                break
            found.append(level.info(i, symbol))
        return found

    @property
    def size(self) -> int:
        """Number of (context, symbol) entries held."""
        return sum(len(level.symbols) for level in self.levels)


class DynamicCounts:
    """PPM counts learned one symbol at a time (the STM), for contexts of order 0..depth."""

    def __init__(self, depth: int = STM_DEPTH):
        self.depth = depth
        # per order: context hash -> [raw total, excluded total, {symbol: [raw, excluded]}]
        self.tables: list[dict[int, list]] = [{} for _ in range(depth + 1)]

    def _hashes(self, history, hashes):
        return [0] + (context_hashes(history, self.depth) if hashes is None else hashes[: self.depth])

    def add(self, history: Sequence[int], symbol: int, hashes: list[int] | None = None) -> None:
        """Count `symbol` after `history` (or after the contexts `hashes`, as context_hashes gives
        them), with update exclusion (see the module doc)."""
        symbol = int(symbol)
        hashes = self._hashes(history, hashes)
        entries = [self.tables[k].get(h) for k, h in enumerate(hashes)]
        seen = [entry is not None and symbol in entry[2] for entry in entries]
        top = len(hashes) - 1
        for k, h in enumerate(hashes):
            entry = entries[k]
            if entry is None:
                entry = self.tables[k][h] = [0, 0, {}]
            cell = entry[2].get(symbol)
            if cell is None:
                cell = entry[2][symbol] = [0, 0]
            cell[0] += 1
            entry[0] += 1
            if k == top or not seen[k + 1]:
                cell[1] += 1
                entry[1] += 1

    def lookup(self, history: Sequence[int], hashes: list[int] | None = None, order=ALL) -> list[LevelCounts]:
        """As StaticCounts.lookup."""
        found = []
        for k, h in enumerate(self._hashes(history, hashes)):
            entry = self.tables[k].get(h)
            if entry is None:
                break
            table = entry[2]
            counts = np.array(list(table.values()), dtype=np.int64)
            found.append((np.fromiter(table.keys(), dtype=np.int64, count=len(table)), counts[:, 0], counts[:, 1]))
            if not _wanted(order, k, len(table)):
                break
        return found

    def target_info(self, hashes: list[int], symbol: int) -> list[tuple[int, int, int, int, int]]:
        """As StaticCounts.target_info, for the contexts `hashes` (context_hashes' output)."""
        found = []
        for k, h in enumerate(self._hashes((), hashes)):
            entry = self.tables[k].get(h)
            if entry is None:
                break
            raw, excluded = entry[2].get(symbol, (0, 0))
            found.append((len(entry[2]), entry[0], entry[1], raw, excluded))
        return found


def blend(levels: list[LevelCounts], vocab: int, order: int | None, depth: int, *,
          exclusion: bool = True) -> np.ndarray:
    """P(next symbol) over range(vocab), interpolated escape-C PPM from the matching contexts'
    counts (`levels[k]` for order k). order: the bound, or None for PPM* capped at depth.

    The recursion p_k = (c_k + t_k p_{k-1}) / (n_k + t_k) unrolled: p = prod(beta)/|A| +
    sum_k (prod_{j>k} beta_j) c_k / (n_k + t_k), with beta_k = t_k / (n_k + t_k), in one bincount.
    exclusion=False uses the raw counts at every order: an interpolated Witten-Bell n-gram."""
    m = len(levels) - 1
    if order is None:
        top = next((k for k in range(m + 1) if len(levels[k][0]) == 1), m)
        own = depth
    else:
        top, own = min(order, m), order
    if top < 0:
        return np.full(vocab, 1.0 / vocab)
    used = levels[: top + 1]
    counts = [raw if k == own or not exclusion else excluded for k, (_, raw, excluded) in enumerate(used)]
    totals = np.array([c.sum() for c in counts], dtype=np.float64)
    types = np.array([len(c) for c in counts], dtype=np.float64)
    denominator = totals + types
    beta = types / denominator
    after = np.append(np.cumprod(beta[::-1])[::-1][1:], 1.0)  # prod_{j>k} beta_j
    weights = np.concatenate([c * (after[k] / denominator[k]) for k, c in enumerate(counts)])
    symbols = np.concatenate([level[0] for level in used])
    return np.bincount(symbols, weights, minlength=vocab)[:vocab] + np.prod(beta) / vocab


def target_probabilities(info: list[tuple[int, int, int, int, int]], vocab: int, orders: Sequence[int | None],
                         depth: int) -> list[float]:
    """The probability `blend` gives one symbol, for each of several orders, from
    `target_info`'s per-order counts (scalars only: what order selection needs)."""
    m = len(info) - 1
    raw_p, excluded_p = [], []
    p = 1.0 / vocab
    for t, n_raw, n_excluded, c_raw, c_excluded in info:
        raw_p.append((c_raw + t * p) / (n_raw + t))
        p = (c_excluded + t * p) / (n_excluded + t)
        excluded_p.append(p)
    out = []
    for order in orders:
        if m < 0:
            out.append(1.0 / vocab)
        elif order is None:
            top = next((k for k in range(m + 1) if info[k][0] == 1), m)
            out.append(raw_p[top] if top == depth else excluded_p[top])
        else:
            out.append(raw_p[order] if order <= m else excluded_p[m])
    return out


def blend_all(levels: list[LevelCounts], vocab: int, orders: Sequence[int | None], depth: int) -> list[np.ndarray]:
    """`blend` for several orders at once (one pass over the levels), for order selection."""
    m = len(levels) - 1
    excluded_p, raw_p = [], []
    p = np.full(vocab, 1.0 / vocab)
    for k in range(m + 1):
        symbols, raw, excluded = levels[k]
        t = len(symbols)
        for counts, out in ((raw, raw_p), (excluded, excluded_p)):
            n = float(counts.sum())
            q = p * (t / (n + t))
            q[symbols] += counts / (n + t)
            out.append(q)
        p = excluded_p[-1]
    result = []
    for order in orders:
        if m < 0:
            result.append(np.full(vocab, 1.0 / vocab))
        elif order is None:
            top = next((k for k in range(m + 1) if len(levels[k][0]) == 1), m)
            result.append(raw_p[top] if top == depth else excluded_p[top])
        else:
            result.append(raw_p[order] if order <= m else excluded_p[m])
    return result


def combine(distributions: Sequence[np.ndarray], bias: float) -> np.ndarray:
    """Entropy-weighted geometric mean (Pearce, Conklin & Wiggins 2004): weight_m = (H_m/H_max)^-b,
    p(s) proportional to prod_m p_m(s)^(weight_m / sum weights). Works on (..., vocab) arrays."""
    stack = np.stack(distributions)  # (M, ..., V)
    logs = np.log(np.maximum(stack, 1e-300))
    vocab = stack.shape[-1]
    relative = np.maximum(-(stack * logs).sum(-1) / math.log(vocab), 1e-6)  # (M, ...)
    weights = relative ** -bias
    mixed = (weights[..., None] * logs).sum(0) / weights.sum(0)[..., None]
    p = np.exp(mixed - mixed.max(-1, keepdims=True))
    return p / p.sum(-1, keepdims=True)


@dataclass
class Settings:
    ltm_order: int | None = STAR  # None = PPM*
    stm_order: int | None = STAR
    bias: float = 1.0


@dataclass
class Prediction:
    """Per scored position: the true symbol's probability and whether it was the arg-max, for the
    long-term model, the short-term model and their combination."""

    probability: dict[str, np.ndarray]
    hit: dict[str, np.ndarray]


PARTS = ("ltm", "stm", "both")


class ViewpointPPM:
    """LTM + STM for one viewpoint of `vocab` symbols. Without an LTM (no corpus) only the STM
    predicts and `both` equals it."""

    def __init__(self, vocab: int, ltm: StaticCounts | None, settings: Settings | None = None,
                 stm_depth: int = STM_DEPTH):
        self.vocab, self.ltm, self.settings, self.stm_depth = vocab, ltm, settings or Settings(), stm_depth

    def distributions(self, sequence: Sequence[int], first: int, stop: int):
        """Yield (t, {"ltm"?, "stm", "both": distribution}) for t in [first, stop): each given the
        true symbols before t; the STM learns sequence[:stop] as it goes, starting empty."""
        sequence = [int(s) for s in sequence]
        stm = DynamicCounts(self.stm_depth)
        s = self.settings
        for t in range(stop):
            hashes = context_hashes(sequence[:t], self.stm_depth)
            if t >= first:
                out = {"stm": blend(stm.lookup((), hashes, s.stm_order), self.vocab, s.stm_order, self.stm_depth)}
                if self.ltm is not None:
                    out["ltm"] = blend(self.ltm.lookup(sequence[:t], s.ltm_order), self.vocab, s.ltm_order,
                                       self.ltm.depth)
                    out["both"] = combine([out["ltm"], out["stm"]], s.bias)
                else:
                    out["both"] = out["stm"]
                yield t, out
            stm.add((), sequence[t], hashes)

    def predict(self, sequence: Sequence[int], first: int, stop: int | None = None) -> Prediction:
        """Score sequence[first:stop] (see `distributions`)."""
        stop = len(sequence) if stop is None else stop
        probability = {part: [] for part in PARTS}
        hit = {part: [] for part in PARTS}
        for t, dists in self.distributions(sequence, first, stop):
            target = int(sequence[t])
            for part, p in dists.items():
                probability[part].append(p[target] if target < self.vocab else 0.0)
                hit[part].append(int(np.argmax(p)) == target)
        return Prediction({k: np.array(v, dtype=np.float64) for k, v in probability.items() if v},
                          {k: np.array(v, dtype=bool) for k, v in hit.items() if v})


def candidate_orders(depth: int) -> list[int | None]:
    return [*range(depth + 1), STAR]


def fit_viewpoint(vocab: int, train: Iterable[Sequence[int]], validation: Sequence[tuple[Sequence[int], int, int]],
                  *, ltm_depth: int = LTM_DEPTH, stm_depth: int = STM_DEPTH,
                  biases: Sequence[float] = BIASES) -> tuple[ViewpointPPM, dict]:
    """Fit the LTM on `train` and choose, on `validation` cases (sequence, first, stop) scored as
    `ViewpointPPM.predict` scores them: the LTM order (0..ltm_depth or PPM*) and the STM order
    (0..stm_depth or PPM*), each by its own mean NLL, then the combination bias b by the combined
    NLL. Returns the model and a report {"ltm_order", "stm_order", "bias", "validation": {...}}."""
    ltm = StaticCounts.fit(train, ltm_depth)
    ltm_orders, stm_orders = candidate_orders(ltm.depth), candidate_orders(stm_depth)
    ltm_nll, stm_nll = np.zeros(len(ltm_orders)), np.zeros(len(stm_orders))
    count = 0
    for sequence, first, stop in validation:
        sequence = [int(s) for s in sequence]
        stm = DynamicCounts(stm_depth)
        for t in range(stop):
            hashes = context_hashes(sequence[:t], stm_depth)
            if t >= first:
                target = sequence[t]
                stm_nll -= np.log(target_probabilities(stm.target_info(hashes, target), vocab, stm_orders, stm_depth))
                ltm_nll -= np.log(target_probabilities(ltm.target_info(sequence[:t], target), vocab, ltm_orders,
                                                       ltm.depth))
                count += 1
            stm.add((), sequence[t], hashes)
    if count:
        settings = Settings(ltm_order=ltm_orders[int(np.argmin(ltm_nll))],
                            stm_order=stm_orders[int(np.argmin(stm_nll))])
    else:  # nothing to choose on: IDyOM's defaults (PPM*, b = 1)
        settings = Settings()
    count = max(1, count)
    model = ViewpointPPM(vocab, ltm, settings, stm_depth)
    pairs, targets = [], []
    for sequence, first, stop in validation:
        for t, dists in model.distributions(sequence, first, stop):
            pairs.append((dists["ltm"], dists["stm"]))
            targets.append(int(sequence[t]))
    both_nll = []
    if pairs:
        ltm_p, stm_p = np.array([a for a, _ in pairs]), np.array([b for _, b in pairs])
        rows = np.arange(len(targets))
        for bias in biases:
            both_nll.append(-np.log(combine([ltm_p, stm_p], bias)[rows, targets]).sum())
        settings.bias = float(biases[int(np.argmin(both_nll))])
    name = lambda order: "*" if order is None else order  # noqa: E731
    report = {"ltm_order": name(settings.ltm_order), "stm_order": name(settings.stm_order), "bias": settings.bias,
              "validation": {"notes": count if pairs else 0,
                             "ltm_nll": float(ltm_nll.min() / count), "stm_nll": float(stm_nll.min() / count),
                             "both_nll": float(min(both_nll) / count) if both_nll else None,
                             "ltm_nll_by_order": {str(name(o)): float(v / count) for o, v in zip(ltm_orders, ltm_nll)},
                             "stm_nll_by_order": {str(name(o)): float(v / count) for o, v in zip(stm_orders, stm_nll)},
                             "both_nll_by_bias": {str(b): float(v / count) for b, v in zip(biases, both_nll)}}}
    return model, report


# -- pitch from two viewpoints: cpitch and the derived cpint -------------------------------------

MAX_INTERVAL = 24
FAR, NO_PREVIOUS = 2 * MAX_INTERVAL + 1, 2 * MAX_INTERVAL + 2
N_INTERVAL = 2 * MAX_INTERVAL + 3  # -24..+24, "further", "no previous note"


def intervals(pitches: Sequence[int]) -> np.ndarray:
    """IDyOM's cpint viewpoint as symbols: semitones from the previous pitch (+24 offset), FAR
    beyond two octaves, NO_PREVIOUS for the first note."""
    pitches = np.asarray(pitches, dtype=np.int64)
    out = np.full(len(pitches), NO_PREVIOUS, dtype=np.int64)
    if len(pitches) > 1:
        d = np.diff(pitches)
        out[1:] = np.where(np.abs(d) <= MAX_INTERVAL, d + MAX_INTERVAL, FAR)
    return out


def interval_to_pitch(p_interval: np.ndarray, previous: int, vocab: int = 128) -> np.ndarray:
    """A cpint distribution turned into one over pitches after `previous` (FAR's mass spread evenly
    over the pitches more than two octaves away; NO_PREVIOUS's mass dropped), renormalised."""
    offsets = np.arange(vocab) - previous
    near = np.abs(offsets) <= MAX_INTERVAL
    p = np.empty(vocab)
    p[near] = p_interval[offsets[near] + MAX_INTERVAL]
    if (~near).any():
        p[~near] = p_interval[FAR] / (~near).sum()
    return p / p.sum()


class LinkedPitchPPM:
    """Pitch predicted by a cpitch model and a cpint model (each LTM + STM), as IDyOM combines
    viewpoints (Pearce 2005, §6.2.4; Conklin & Witten 1995): within the LTM and within the STM the
    two viewpoints' pitch distributions are combined by the entropy-weighted geometric mean with
    bias `viewpoint_bias`, then LTM and STM with `bias`. The interval viewpoint is what recognises a
    phrase restated in another key. Same interface as ViewpointPPM."""

    def __init__(self, cpitch: ViewpointPPM, cpint: ViewpointPPM, viewpoint_bias: float, bias: float):
        self.cpitch, self.cpint, self.viewpoint_bias, self.bias = cpitch, cpint, viewpoint_bias, bias
        self.vocab = cpitch.vocab
        self.ltm = cpitch.ltm

    def parts(self, sequence: Sequence[int], first: int, stop: int):
        """Yield (t, {"ltm"?: (cpitch, cpint as pitch), "stm": (...)})."""
        sequence = [int(s) for s in sequence]
        steps = intervals(sequence)
        by_interval = dict(self.cpint.distributions(steps, first, stop))
        for t, dists in self.cpitch.distributions(sequence, first, stop):
            out = {}
            for part in ("ltm", "stm"):
                if part not in dists:
                    continue
                if t == 0:
                    out[part] = (dists[part], dists[part])
                else:
                    out[part] = (dists[part], interval_to_pitch(by_interval[t][part], sequence[t - 1], self.vocab))
            yield t, out

    def distributions(self, sequence: Sequence[int], first: int, stop: int):
        for t, parts in self.parts(sequence, first, stop):
            out = {part: combine(pair, self.viewpoint_bias) for part, pair in parts.items()}
            out["both"] = combine([out["ltm"], out["stm"]], self.bias) if "ltm" in out else out["stm"]
            yield t, out

    predict = ViewpointPPM.predict


def fit_pitch(train: Sequence[Sequence[int]], validation: Sequence[tuple[Sequence[int], int, int]], *,
              ltm_depth: int = LTM_DEPTH, stm_depth: int = STM_DEPTH,
              biases: Sequence[float] = BIASES) -> tuple[ViewpointPPM | LinkedPitchPPM, dict]:
    """cpitch alone (`fit_viewpoint`) or cpitch + cpint (`LinkedPitchPPM`), whichever predicts
    the validation pitches better; the cpint models' orders and both biases are chosen there too."""
    train = [np.asarray(s, dtype=np.int64) for s in train]
    cpitch, report = fit_viewpoint(128, train, validation, ltm_depth=ltm_depth, stm_depth=stm_depth, biases=biases)
    cpint, int_report = fit_viewpoint(N_INTERVAL, [intervals(s) for s in train],
                                      [(intervals(s), first, stop) for s, first, stop in validation],
                                      ltm_depth=ltm_depth, stm_depth=stm_depth, biases=biases)
    report["cpint"] = {k: v for k, v in int_report.items() if k != "validation"}
    probe = LinkedPitchPPM(cpitch, cpint, 0.0, 0.0)
    stacks, targets = {"ltm": ([], []), "stm": ([], [])}, []
    for sequence, first, stop in validation:
        for t, parts in probe.parts(sequence, first, stop):
            for part, (a, b) in parts.items():
                stacks[part][0].append(a)
                stacks[part][1].append(b)
            targets.append(int(sequence[t]))
    if not targets:
        return cpitch, report
    rows = np.arange(len(targets))
    pairs = {part: (np.array(a), np.array(b)) for part, (a, b) in stacks.items()}
    best = (math.inf, 0.0, 0.0)
    for viewpoint_bias in biases:
        ltm = combine(pairs["ltm"], viewpoint_bias)
        stm = combine(pairs["stm"], viewpoint_bias)
        for bias in biases:
            nll = -np.log(combine([ltm, stm], bias)[rows, targets]).mean()
            best = min(best, (float(nll), viewpoint_bias, bias))
    report["cpint"]["validation_both_nll"] = best[0]
    if best[0] < report["validation"]["both_nll"]:
        report["viewpoints"] = "cpitch+cpint"
        report["viewpoint_bias"], report["bias"] = best[1], best[2]
        return LinkedPitchPPM(cpitch, cpint, best[1], best[2]), report
    report["viewpoints"] = "cpitch"
    return cpitch, report
