"""The baseline every evaluation reports against: an interpolated Witten-Bell n-gram (the escape
estimate of PPM method C, blended over all orders) per note attribute. Its order is chosen on the
validation split, so it is as strong as an n-gram of this kind gets on the data."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np


@dataclass
class NGram:
    vocab: int
    order: int
    # counts[k][context of length k] = {token: count}
    counts: list[dict[tuple, dict[int, int]]] = field(default_factory=list)

    def fit(self, sequences) -> "NGram":
        self.counts = [defaultdict(lambda: defaultdict(int)) for _ in range(self.order)]
        for seq in sequences:
            seq = [int(x) for x in seq]
            for i, token in enumerate(seq):
                for k in range(min(self.order, i + 1)):
                    self.counts[k][tuple(seq[i - k : i])][token] += 1
        self.counts = [{c: dict(t) for c, t in level.items()} for level in self.counts]
        return self

    def distribution(self, history) -> np.ndarray:
        """P(next token | the last order-1 tokens of history), over the whole vocabulary."""
        probs = np.full(self.vocab, 1.0 / self.vocab)
        history = [int(x) for x in history]
        for k in range(min(self.order, len(history) + 1)):
            table = self.counts[k].get(tuple(history[len(history) - k :]) if k else ())
            if not table:
                break  # a longer context that was never seen has no evidence either
            total, kinds = sum(table.values()), len(table)
            seen = np.zeros(self.vocab)
            for token, count in table.items():
                if token < self.vocab:
                    seen[token] = count
            probs = (seen + kinds * probs) / (total + kinds)
        return probs

    def nll(self, sequences, start: int = 0) -> tuple[float, int]:
        total, count = 0.0, 0
        for seq in sequences:
            for i in range(start, len(seq)):
                total -= math.log(self.distribution(seq[:i])[int(seq[i])])
                count += 1
        return total, count


def fit_best_order(vocab: int, train, validation, orders=range(1, 8)) -> NGram:
    """Fit one n-gram per order and keep the one with the lowest validation NLL."""
    best, best_nll = None, math.inf
    full = NGram(vocab, max(orders)).fit(train)
    for order in orders:
        model = NGram(vocab, order, full.counts[:order])
        total, count = model.nll(validation)
        nll = total / max(1, count)
        if nll < best_nll:
            best, best_nll = model, nll
    return best


@dataclass
class CountedNGram:
    """NGram's model (the same probabilities) on composer.model.ppm.StaticCounts, whose numpy
    counting fits a corpus in seconds where NGram.fit's dicts take minutes."""

    vocab: int
    order: int
    counts: "StaticCounts"

    def distribution(self, history) -> np.ndarray:
        from composer.model.ppm import blend

        levels = self.counts.lookup(history, order=self.order - 1)
        return blend(levels, self.vocab, self.order - 1, self.counts.depth, exclusion=False)


def fit_best_order_counted(vocab: int, train, validation, orders=range(1, 8)) -> CountedNGram:
    """fit_best_order with CountedNGram: one count of the training set, every order's
    validation NLL from the per-order counts of each target."""
    from composer.model.ppm import StaticCounts

    orders = list(orders)
    counts = StaticCounts.fit(train, depth=max(orders) - 1)
    nll = np.zeros(len(orders))
    for seq in validation:
        seq = [int(x) for x in seq]
        for i, token in enumerate(seq):
            p, chain = 1.0 / vocab, []
            for t, n_raw, _, c_raw, _ in counts.target_info(seq[:i], token):
                p = (c_raw + t * p) / (n_raw + t)
                chain.append(p)
            nll -= np.log([chain[min(order - 1, len(chain) - 1)] if chain else 1.0 / vocab for order in orders])
    return CountedNGram(vocab, orders[int(np.argmin(nll))], counts)
