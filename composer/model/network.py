"""The co-writer network: a bidirectional-LSTM encoder over the context with a style (theme)
embedding, and an LSTM decoder with attention, that remembers the whole piece.

- Encoder: 2-layer BiLSTM over every context note (all voices; before, after and beside the
  region being written, told apart by the `segment` feature), style embedding added to each step.
- Decoder: 2-layer LSTM over the notes being written, started from the encoder's final states,
  with Luong attention over the encoder states (Luong et al. 2015).
- Memory: a second attention over *every earlier note*, the encoder's and the decoder's own
  history, whose weights also form copy distributions (pointer-generator networks, See et al.
  2017): a note in the history says "what followed me", and that successor is copied in interval
  terms (the same step from the current voice's last pitch, so a phrase can return in another
  key), as an absolute pitch, and for voice, onset delta and duration. A learned gate per
  attribute blends copy and generated distributions; the mass a copy would put outside the
  vocabulary goes to the generated distribution, so every distribution sums to one.

Each decoder step predicts one note as a factored distribution in the order of vocab.TARGETS
(voice, pitch, delta, duration, velocity), each later head conditioned on the earlier choices.
Heads return log-probabilities (normalised), usable wherever logits are expected.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from composer.model import vocab as V
from composer.model.precision import CastCache, cell_dtype, lstm_dtype

# Successor features a history position offers for copying: (voice, pitch, delta, duration,
# interval index, raw semitone shift from its reference pitch, valid).
SUCC_FIELDS = ("voice", "pitch", "delta", "duration", "interval", "shift", "valid")
_COPIED = ("voice", "delta", "duration")  # copied as absolute values besides pitch
LOCAL = 4  # notes of local context (intervals and rhythm) that address the history attention
MATCH = 16  # longest exact match (in notes) between contexts that the history attention counts
PREFIX = max(LOCAL, MATCH) - 1  # notes before the decoder's first input that it is given
_PITCH, _VOICE = V.FEATURES.index("pitch"), V.FEATURES.index("voice")
_INTERVAL, _DELTA, _DURATION = (V.FEATURES.index(name) for name in ("interval", "delta", "duration"))


def _shift_right(x: torch.Tensor, k: int, fill: int) -> torch.Tensor:
    """x (B, L) moved k positions later along L, the first k filled with `fill`."""
    if k == 0:
        return x
    pad = torch.full_like(x[:, :k], fill)
    return torch.cat([pad, x[:, :-k]], dim=1)[:, : x.shape[1]]


@dataclass
class NetworkConfig:
    n_styles: int = 8  # index 0 is the neutral style
    embed: int = 256
    encoder_hidden: int = 128  # per direction
    encoder_layers: int = 2
    decoder_hidden: int = 256
    decoder_layers: int = 2
    dropout: float = 0.2
    relative_pitch: bool = True  # an interval expert added to the absolute pitch logits
    memory_dim: int = 128  # keys/queries of the attention over the whole history
    copy: bool = True  # pointer (copy) distributions from the history
    match: int = MATCH  # exact-match lengths (up to this many notes) bias the history attention; 0 = off

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "NetworkConfig":
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        known.setdefault("match", 0)  # checkpoints from before match lengths existed
        return cls(**known)


MATCH_STREAMS = ("interval", "full", "pitch")


def match_tokens(steps: torch.Tensor, pad: int) -> torch.Tensor:
    """(..., L, F) steps -> (..., L, 3) token streams (MATCH_STREAMS) whose equality defines a
    match: the interval alone (a phrase in any key and rhythm); voice + interval + onset delta +
    duration (the same phrase, same rhythm, any key); voice + pitch (the same notes: also a
    restatement of the opening, whose first note has no interval). Steps with no note (BOS,
    padding) get distinct negative tokens `pad - position`, so they never match anything."""
    interval = steps[..., _INTERVAL]
    full = ((steps[..., _VOICE] * V.N_INTERVAL + interval) * V.N_DELTA + steps[..., _DELTA]) * V.N_DURATION \
        + steps[..., _DURATION]
    pitch = steps[..., _VOICE] * V.N_PITCH + steps[..., _PITCH]
    empty = (steps[..., _PITCH] == 0)[..., None]
    unique = (pad - torch.arange(steps.shape[-2], device=steps.device))[:, None]
    return torch.where(empty, unique, torch.stack([interval, full, pitch], dim=-1))


def _step_tokens(step: torch.Tensor, pad: int) -> torch.Tensor:
    """match_tokens(step[:, None], pad)[:, 0] for one step per row, step (B, F) -> (B, streams):
    the same integers from a few numpy operations instead of ~15 tensor ones (sampling)."""
    s = step.cpu().numpy()
    interval = s[:, _INTERVAL]
    full = ((s[:, _VOICE] * V.N_INTERVAL + interval) * V.N_DELTA + s[:, _DELTA]) * V.N_DURATION + s[:, _DURATION]
    tokens = np.stack([interval, full, s[:, _VOICE] * V.N_PITCH + s[:, _PITCH]], axis=-1)
    return torch.as_tensor(np.where((s[:, _PITCH] == 0)[:, None], pad, tokens), device=step.device)


def _last_match_lengths(stream: torch.Tensor, keys: torch.Tensor, cap: int) -> torch.Tensor:
    """For token streams stream (B, P, streams) and keys (B, K, streams): the exact-match length
    (up to cap notes) of the stream's end against keys ending at each position, per stream ->
    (B, K, streams): match_lengths(...)[:, -1] for every stream at once (the match runs after a
    prefix, without streaming it in note by note)."""
    n = min(stream.shape[1], cap)
    if n == 0:
        return torch.zeros_like(keys)
    never = torch.iinfo(keys.dtype).min  # no token is this
    windows = nn.functional.pad(keys, (0, 0, n - 1, 0), value=never).unfold(1, n, 1)  # (B, K, streams, n)
    equal = windows == stream[:, -n:].transpose(1, 2)[:, None]  # [..., w]: keys[j - n + 1 + w] == stream[-n + w]
    return equal.flip(-1).cumprod(-1).sum(-1)


def match_lengths(query: torch.Tensor, keys: torch.Tensor, cap: int) -> torch.Tensor:
    """Exact-match lengths: out[b, i, j] = the number of notes (up to `cap`) over which the token
    stream `query` (B, Lq) ending at i equals the stream `keys` (B, Lk) ending at j. The context
    matching of PPM* (Cleary & Teahan 1997), the "induction" pattern of a recalled phrase.
    -> (B, Lq, Lk) int64."""
    equal = query[:, :, None] == keys[:, None, :]
    run, current = equal.long(), equal
    for lag in range(1, cap):
        if lag >= min(query.shape[1], keys.shape[1]):
            break
        earlier = torch.zeros_like(equal)
        earlier[:, lag:, lag:] = equal[:, :-lag, :-lag]
        current = current & earlier
        run = run + current.long()
    return run


_ENCODER_PAD, _DECODER_PAD = -(1 << 20), -1  # distinct pad tokens of the two streams
# Seq2Seq._latest_local_code's gather: the rows (lags 0..LOCAL-1 back from the last), feature
# columns and table offsets of local_code's index columns, in its order.
_LATEST_LOCAL = (torch.arange(LOCAL - 1, -1, -1).repeat_interleave(3),
                 torch.tensor([_INTERVAL, _DELTA, _DURATION] * LOCAL),
                 torch.tensor([k * n for k in range(LOCAL) for n in (V.N_INTERVAL, V.N_DELTA, V.N_DURATION)]))


def evaluation_mode(model: nn.Module) -> nn.Module:
    """model.eval() only when it is training: eval() walks every submodule (~1 ms each time for
    this network), and generation asks for it once per voice and pass."""
    if model.training:
        model.eval()
    return model


class StepEmbedding(nn.Module):
    """Sum of one embedding per step feature (an embedding is a learned one-hot projection).

    Without gradients (sampling, scoring) the tables are read as one stacked table in a single
    embedding_bag call: one kernel instead of one per feature, ~20 fewer per decoder step."""

    def __init__(self, dim: int, names=V.FEATURES):
        super().__init__()
        self.names = tuple(names)
        self.tables = nn.ModuleList(nn.Embedding(V.FEATURE_SIZES[f], dim) for f in self.names)
        self._fused: tuple | None = None

    def forward(self, steps: torch.Tensor) -> torch.Tensor:  # (..., len(names)) -> (..., dim)
        if torch.is_grad_enabled() and self.training:
            out = self.tables[0](steps[..., 0])
            for i in range(1, len(self.tables)):
                out = out + self.tables[i](steps[..., i])
            return out
        return fused_sum([t.weight for t in self.tables], steps, self)

    def fused(self) -> tuple[torch.Tensor, torch.Tensor]:
        """(table, offsets) for bag_sum: forward's numbers without gradients."""
        return fused_table([t.weight for t in self.tables], self)


def fused_table(weights: list[torch.Tensor], owner) -> tuple[torch.Tensor, torch.Tensor]:
    """The tables `weights` stacked into one (sum of rows, dim), with each table's first row in it
    (n,): fused_sum's operands. Cached on `owner` while the weights stay the same tensors."""
    stamp = tuple((w.data_ptr(), w._version) for w in weights)
    cached = owner._fused
    if cached is None or cached[0] != stamp:
        sizes = torch.tensor([0] + [w.shape[0] for w in weights[:-1]], device=weights[0].device)
        cached = owner._fused = (stamp, torch.cat([w.detach() for w in weights]), sizes.cumsum(0))
    return cached[1], cached[2]


def bag_sum(table: torch.Tensor, offsets: torch.Tensor, index: torch.Tensor) -> torch.Tensor:
    """sum_i table[offsets[i] + index[..., i]] in one embedding_bag call: index (..., n) -> (..., dim)."""
    flat = (index.reshape(-1, index.shape[-1]) + offsets).reshape(-1, index.shape[-1])
    return nn.functional.embedding_bag(flat, table, mode="sum").reshape(*index.shape[:-1], table.shape[1])


def fused_sum(weights: list[torch.Tensor], index: torch.Tensor, owner) -> torch.Tensor:
    """sum_i weights[i][index[..., i]] in one embedding_bag call: index (..., n) -> (..., dim).
    The stacked table is cached on `owner` while the weights stay the same tensors (checking
    that costs ~15 us a call: a sampling run takes the table once, fused_table, and calls bag_sum)."""
    return bag_sum(*fused_table(weights, owner), index)


class Head(nn.Module):
    def __init__(self, dim: int, size: int):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(dim, dim), nn.GELU(), nn.Linear(dim, size))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # = self.net(x) without three submodule calls (~8 us a head at every sampled note)
        first, _, second = self.net
        return nn.functional.linear(nn.functional.gelu(nn.functional.linear(x, first.weight, first.bias)),
                                    second.weight, second.bias)


def _scatter_copy(weights: torch.Tensor, index: torch.Tensor, valid: torch.Tensor, size: int) -> torch.Tensor:
    """Copy distribution: weights (B, T, P) summed into `size` bins by index (B, T, P) or (B, 1, P);
    entries with valid False, or an index outside [0, size), contribute nothing."""
    index = index.expand_as(weights)
    inside = index.clamp(0, size - 1)
    valid = valid & (inside == index)
    out = weights.new_zeros(weights.shape[:-1] + (size,))
    return out.scatter_add_(-1, inside, weights * valid)


def _linear(layer: nn.Linear, x: torch.Tensor) -> torch.Tensor:
    """layer(x) without the module call (~3 us; the decoder step and heads make ~20 a note)."""
    return nn.functional.linear(x, layer.weight, layer.bias)


def _as_dtype(x: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    """x.to(dtype) without a call when it already is (most calls while sampling, ~1 us each)."""
    return x if x.dtype == dtype else x.to(dtype)


class Seq2Seq(nn.Module):
    def __init__(self, config: NetworkConfig):
        super().__init__()
        self.config = c = config
        self.embed = StepEmbedding(c.embed)
        self.style = nn.Embedding(c.n_styles, c.embed)
        self.drop = nn.Dropout(c.dropout)
        self.encoder = nn.LSTM(c.embed, c.encoder_hidden, c.encoder_layers, batch_first=True,
                               bidirectional=True, dropout=c.dropout if c.encoder_layers > 1 else 0.0)
        enc_out = 2 * c.encoder_hidden
        hd = c.decoder_hidden
        # The top encoder layer's final states (both directions) start every decoder layer.
        self.bridge_h = nn.Linear(enc_out, hd * c.decoder_layers)
        self.bridge_c = nn.Linear(enc_out, hd * c.decoder_layers)
        self.decoder = nn.LSTM(c.embed, hd, c.decoder_layers, batch_first=True,
                               dropout=c.dropout if c.decoder_layers > 1 else 0.0)
        self.attend = nn.Linear(enc_out, hd, bias=False)  # Luong "general" score
        # Attention over the whole history (encoder positions + the decoder's earlier steps).
        self.query = nn.Linear(hd, c.memory_dim)
        self.key_enc = nn.Linear(enc_out, c.memory_dim)
        self.key_dec = nn.Linear(hd, c.memory_dim)
        self.successor = StepEmbedding(hd, ("voice", "pitch", "delta", "duration", "interval"))
        # Content addressing: the last LOCAL notes' intervals and rhythm, one table shared by
        # queries and keys, so the same local phrase (in any key) finds itself; IDyOM's
        # short-term model matches contexts the same way.
        self.local_interval = nn.Embedding(V.N_INTERVAL * LOCAL, c.memory_dim)
        self.local_delta = nn.Embedding(V.N_DELTA * LOCAL, c.memory_dim)
        self.local_duration = nn.Embedding(V.N_DURATION * LOCAL, c.memory_dim)
        self._fused: tuple | None = None  # local_code's stacked tables (fused_sum)
        # Reduced-precision copies of the LSTM weights for inference (composer.model.precision).
        self._cast = {"encoder": CastCache(), "decoder": CastCache(), "cells": CastCache()}
        self._cells: tuple | None = None  # the decoder's stacked cell weights (_cell_weights)
        self.combine = nn.Linear(hd + enc_out + hd, hd)
        # A learned attention bonus per exact-match length (interval stream, full stream). It starts
        # as a ramp (a longer shared context is more likely to continue alike, as in PPM*) rather
        # than at zero: Adam's steps of ~lr would take thousands of steps to build it from nothing.
        if c.match:
            self.match_interval = nn.Parameter(torch.zeros(c.match + 1))
            self.match_full = nn.Parameter(torch.zeros(c.match + 1))
            self.match_pitch = nn.Parameter(torch.zeros(c.match + 1))
        self.heads = nn.ModuleList(Head(hd, V.TARGET_SIZES[t]) for t in V.TARGETS)
        self.interval_head = Head(hd, V.N_INTERVAL) if c.relative_pitch else None
        # Gates: pitch blends generated / copied interval / copied absolute pitch; voice, delta and
        # duration blend generated / copied.
        self.gates = nn.ModuleDict({"pitch": nn.Linear(hd, 3), **{name: nn.Linear(hd, 2) for name in _COPIED}}) \
            if c.copy else None
        # How sure the history attention is (its largest weight, its total on real positions) also
        # moves each gate: a phrase matched exactly should be copied whatever the rest of the state.
        self.gate_focus = nn.ModuleDict({"pitch": nn.Linear(2, 3), **{name: nn.Linear(2, 2) for name in _COPIED}}) \
            if c.copy else None
        if self.gate_focus is not None:
            for layer in self.gate_focus.values():
                nn.init.zeros_(layer.weight)
                nn.init.zeros_(layer.bias)
        # The expected match lengths under the history attention (interval stream, full stream; as
        # a share of c.match) move the gates too: after a long exact match, copying is what PPM's
        # short-term model would do. Starts leaning toward the copies, bias-free.
        streams = len(MATCH_STREAMS)
        self.gate_match = nn.ModuleDict({"pitch": nn.Linear(streams, 3, bias=False),
                                         **{name: nn.Linear(streams, 2, bias=False) for name in _COPIED}}) \
            if c.copy and c.match else None
        # (On the 'meta' device, where checkpoints are shape-checked, arithmetic would import
        # torch._dynamo, seconds at every start: the values do not matter there.)
        if c.match and not self.match_full.is_meta:
            with torch.no_grad():
                ramp = 0.25 * torch.arange(c.match + 1, dtype=torch.float32)
                for table in self._match_tables():
                    table.copy_(ramp)
        if self.gate_match is not None and not self.match_full.is_meta:
            with torch.no_grad():
                for name, layer in self.gate_match.items():
                    layer.weight.zero_()
                    if name == "pitch":
                        # interval copy <- interval stream; absolute copy <- full and pitch streams
                        layer.weight[1, 0] = layer.weight[2, 1] = layer.weight[2, 2] = 4.0
                    else:
                        layer.weight[1, 1] = 4.0
        # Embeddings of the attributes already chosen within a step, conditioning the later heads.
        self.condition = nn.ModuleList(nn.Embedding(V.TARGET_SIZES[t], hd) for t in V.TARGETS[:-1])

    # -- encoder -------------------------------------------------------------------------------
    def encode(self, src: torch.Tensor, src_len: torch.Tensor, style: torch.Tensor, src_succ: torch.Tensor):
        """src (B, S, F) context steps (S >= 1), src_len (B,), style (B,), src_succ (B, S, 7) the
        successor of each context step (SUCC_FIELDS) -> memory dict used by the decoder."""
        c = self.config
        style_vec = self.style(style)
        x = self.drop(self.embed(src) + style_vec[:, None, :])
        out, (h, cell) = self._run_encoder(x, src_len)
        batch = src.shape[0]

        def bridge(state: torch.Tensor, layer: nn.Linear) -> torch.Tensor:
            top = torch.cat([state[-2], state[-1]], dim=-1)  # (B, 2H): top layer, both directions
            return torch.tanh(layer(top)).view(batch, c.decoder_layers, c.decoder_hidden).transpose(0, 1).contiguous()

        mask = torch.arange(src.shape[1], device=src.device)[None, :] < src_len.to(src.device)[:, None]
        succ_valid = (src_succ[..., 6] > 0) & mask
        return {
            "keys": self.attend(out),  # (B, S, Hd)
            "values": out,  # (B, S, 2H)
            "mask": mask,
            "mem_keys": torch.cat([self.key_enc(out), self.local_code(src)], dim=-1),  # (B, S, 2M)
            "mem_values": self.successor(src_succ[..., :5].clamp(min=0)),  # (B, S, Hd)
            "succ": src_succ,
            "succ_valid": succ_valid,
            "state": (bridge(h, self.bridge_h), bridge(cell, self.bridge_c)),
            "style": style_vec,
            "tokens": match_tokens(src, _ENCODER_PAD),  # (B, S, len(MATCH_STREAMS))
        }

    def _run_encoder(self, x: torch.Tensor, src_len: torch.Tensor):
        """The BiLSTM over x (B, S, E) with rows of src_len (B,) steps -> (out (B, S, 2H) zero
        past each row's end, (h, c) (2 layers x 2 directions, B, H) at each row's ends).

        On a CPU, packed sequences take PyTorch's step-by-step RNN path, 2-4x slower (forward and
        backward) than oneDNN's fused kernel, which needs rows of one length: there, rows are
        grouped by length and each group runs unpacked (the same numbers to float rounding; the
        rows at a batch's context cap, most of them, form one group); without gradients, rows of
        several lengths run in one batch (_run_encoder_in_chunks). CUDA runs packed rows."""
        lengths = src_len.cpu().clamp(min=1, max=x.shape[1])
        s = x.shape[1]
        dtype = lstm_dtype(x, self.encoder.training)
        if dtype != x.dtype:  # inference in reduced precision (composer.model.precision)
            weights = self._cast["encoder"].get(self.encoder._flat_weights, dtype)
            out, (h, c) = self._run_encoder_in_chunks(x.to(dtype), lengths, weights)
            return out.to(x.dtype), (h.to(x.dtype), c.to(x.dtype))
        if x.device.type != "cpu":
            packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
            out, state = self.encoder(packed)
            out, _ = pad_packed_sequence(out, batch_first=True, total_length=s)
            return out, state
        if bool((lengths == s).all()):
            return self.encoder(x)
        if not torch.is_grad_enabled() and not self.encoder.training:
            return self._run_encoder_in_chunks(x, lengths)
        out = x.new_zeros(x.shape[0], s, 2 * self.config.encoder_hidden)
        h = x.new_zeros(2 * self.config.encoder_layers, x.shape[0], self.config.encoder_hidden)
        c = torch.zeros_like(h)
        for n in torch.unique(lengths).tolist():
            rows = torch.nonzero(lengths == n)[:, 0]
            group_out, (group_h, group_c) = self.encoder(x[rows, :n])
            out = out.index_copy(0, rows, nn.functional.pad(group_out, (0, 0, 0, s - n)))
            h, c = h.index_copy(1, rows, group_h), c.index_copy(1, rows, group_c)
        return out, (h, c)

    def _run_encoder_in_chunks(self, x: torch.Tensor, lengths: torch.Tensor,
                               flat_weights: list[torch.Tensor] | None = None):
        """_run_encoder for rows of several lengths, without gradients, on a CPU: every row in one
        batch. Each layer and direction runs through oneDNN's kernel (torch.lstm, as nn.LSTM calls
        it) in time chunks that end at the rows' lengths, the rows still running in each chunk
        carrying their state on, so a row's last chunk leaves its final state; the backward
        direction reads each row reversed within its length. The same numbers bit for bit as one
        call per row (per-row results do not depend on the batch, nor on where a sequence is cut),
        at the cost of ~1.2 calls instead of one per length (a fill's 4 variations have 4 lengths).
        flat_weights: the encoder's weights in nn.LSTM's _flat_weights order (default its own), e.g.
        copies in x's reduced precision."""
        flat = dict(zip(self.encoder._flat_weights_names, flat_weights or self.encoder._flat_weights))
        batch, s, hidden = x.shape[0], x.shape[1], self.config.encoder_hidden
        ends = sorted(set(lengths.tolist()))
        running = [torch.nonzero(lengths >= n)[:, 0] for n in ends]
        time = torch.arange(s)
        back = lengths[:, None] - 1 - time[None]  # per row, its steps reversed (an involution on them)
        back = torch.where(back >= 0, back, time[None]).to(x.device)[..., None]
        layer_in, final_h, final_c = x, [], []
        for layer in range(self.config.encoder_layers):
            outs = []
            for suffix in ("", "_reverse"):
                weights = [flat[f"{name}_l{layer}{suffix}"] for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")]
                seq = layer_in if not suffix else layer_in.gather(1, back.expand(-1, -1, layer_in.shape[-1]))
                out = x.new_zeros(batch, s, hidden)
                h, c = x.new_zeros(1, batch, hidden), x.new_zeros(1, batch, hidden)
                done = 0
                for n, rows in zip(ends, running):
                    chunk, h_rows, c_rows = torch.lstm(seq[rows, done:n], (h[:, rows], c[:, rows]), weights,
                                                       True, 1, 0.0, False, False, True)
                    out[rows, done:n] = chunk
                    h[:, rows], c[:, rows] = h_rows, c_rows
                    done = n
                outs.append(out if not suffix else out.gather(1, back.expand(-1, -1, hidden)))
                final_h.append(h)
                final_c.append(c)
            layer_in = torch.cat(outs, dim=-1)
        return layer_in, (torch.cat(final_h), torch.cat(final_c))

    def expand_memory(self, memory: dict, copies: int) -> dict:
        """Repeat each batch row `copies` times (N variations share one encoder pass). A single
        row is repeated as views of it (the attention then reads one copy of the memory, which
        stays in cache, instead of N: the same numbers)."""
        batch = memory["mem_keys"].shape[0]

        def repeat(t: torch.Tensor, dim: int) -> torch.Tensor:
            if batch == 1:
                return t.expand(*t.shape[:dim], copies, *t.shape[dim + 1:])
            return t.repeat_interleave(copies, dim=dim)

        return {name: tuple(repeat(t, 1) for t in value) if name == "state" else repeat(value, 0)
                for name, value in memory.items()}

    def local_code(self, steps: torch.Tensor) -> torch.Tensor:
        """(B, L, F) steps -> (B, L, M): the code of the LOCAL notes ending at each step."""
        columns = []
        for k in range(LOCAL):
            columns += [_shift_right(steps[..., _INTERVAL], k, V.NO_INTERVAL) + k * V.N_INTERVAL,
                        _shift_right(steps[..., _DELTA], k, 0) + k * V.N_DELTA,
                        _shift_right(steps[..., _DURATION], k, 0) + k * V.N_DURATION]
        index = torch.stack(columns, dim=-1)  # (B, L, 3 * LOCAL): the three tables, LOCAL lags each
        tables = (self.local_interval, self.local_delta, self.local_duration)
        if torch.is_grad_enabled() and self.training:
            return sum(tables[j % 3](index[..., j]) for j in range(index.shape[-1]))
        weights = [tables[j % 3].weight for j in range(index.shape[-1])]
        return fused_sum(weights, index, self)

    def _latest_local_tables(self) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
        """_latest_local_code's operands: the step rows and feature columns it reads, the stacked
        table and each column's offset in it (lag and table together)."""
        tables = (self.local_interval, self.local_delta, self.local_duration)
        table, offsets = fused_table([tables[j % 3].weight for j in range(3 * LOCAL)], self)
        rows, columns, lags = (t.to(table.device) for t in _LATEST_LOCAL)
        return rows, columns, table, offsets + lags

    def _latest_local_code(self, recent: torch.Tensor, tables: tuple | None = None) -> torch.Tensor:
        """local_code(recent)[:, -1:] for recent (B, LOCAL, F), without coding the earlier rows:
        the same table rows summed in the same order (one embedding_bag call). tables: what
        _latest_local_tables gives, where the caller keeps it (a sampling run's history)."""
        rows, columns, table, offsets = tables or self._latest_local_tables()
        return bag_sum(table, offsets, recent[:, rows, columns][:, None])  # local_code's column order

    # -- decoder -------------------------------------------------------------------------------
    def _attend_encoder(self, out: torch.Tensor, memory: dict) -> torch.Tensor:
        scores = torch.bmm(out, memory["keys"].transpose(1, 2))
        scores = scores.masked_fill(~memory["mask"][:, None, :], float("-inf"))
        return torch.bmm(torch.softmax(scores, dim=-1), memory["values"])

    def decode(self, dec_in: torch.Tensor, memory: dict, dec_succ: torch.Tensor, prefix: torch.Tensor | None = None):
        """Teacher-forced decoding of whole sequences. dec_in (B, T, F): the previous note of each
        step; dec_succ (B, T, 7): each step's own target as a successor (SUCC_FIELDS) for later
        steps to copy; prefix (B, P, F): the notes before dec_in[0] (P <= PREFIX, padded at the
        front with empty steps), whose intervals and rhythm address the first steps' history
        attention. -> (hidden (B, T, Hd), history attention weights (B, T, S + T), expected match
        lengths under those weights (B, T, streams) or None when config.match is 0)."""
        x = self.drop(self.embed(dec_in) + memory["style"][:, None, :])
        dtype = lstm_dtype(x, self.decoder.training)
        if dtype != x.dtype:  # inference in reduced precision (composer.model.precision)
            weights = self._cast["decoder"].get(self.decoder._flat_weights, dtype)
            state = tuple(s.to(dtype) for s in memory["state"])
            out = torch.lstm(x.to(dtype), state, weights, True, self.config.decoder_layers, 0.0, False, False,
                             True)[0].to(x.dtype)
        else:
            out, _ = self.decoder(x, memory["state"])
        context = self._attend_encoder(out, memory)
        t = out.shape[1]
        stream = dec_in if prefix is None else torch.cat([prefix, dec_in], dim=1)
        local = self.local_code(stream)[:, -t:]
        query = torch.cat([self.query(out), local], dim=-1) / math.sqrt(self.config.memory_dim)
        keys = torch.cat([memory["mem_keys"], torch.cat([self.key_dec(out), local], dim=-1)], dim=1)  # (B, S+T, 2M)
        values = torch.cat([memory["mem_values"], self.successor(dec_succ[..., :5].clamp(min=0))], dim=1)
        causal = torch.ones(t, t, dtype=torch.bool, device=out.device).tril(-1)  # step s < t only
        valid = torch.cat([memory["succ_valid"][:, None, :].expand(-1, t, -1),
                           causal[None].expand(out.shape[0], -1, -1) & (dec_succ[..., 6] > 0)[:, None, :]], dim=-1)
        bias, runs = None, []
        if self.config.match:
            tokens = match_tokens(stream, _DECODER_PAD)  # (B, P + T, streams)
            cap = self.config.match
            bias = 0
            for i, table in enumerate(self._match_tables()):
                enc = match_lengths(tokens[..., i], memory["tokens"][..., i], cap)[:, -t:]
                dec = match_lengths(tokens[..., i], tokens[..., i], cap)[:, -t:, -t:]
                runs.append(torch.cat([enc, dec], dim=-1))
                bias = bias + table[runs[-1]]
        weights = self._memory_weights(query, keys, valid, bias)
        readout = torch.bmm(weights, values)
        hidden = self.drop(torch.tanh(self.combine(torch.cat([out, context, readout], dim=-1))))
        return hidden, weights, self._matched(weights, runs)

    def _match_tables(self) -> list[nn.Parameter]:
        """The attention bonus per match length of each stream, in MATCH_STREAMS order."""
        return [self.match_interval, self.match_full, self.match_pitch]

    def _matched(self, weights: torch.Tensor, runs: list[torch.Tensor]) -> torch.Tensor | None:
        """Expected match lengths under the history weights (B, T, P) for each stream's runs
        (B, T, P), as a share of config.match -> (B, T, streams), or None without match lengths."""
        if not runs:
            return None
        return torch.stack([(weights * r).sum(-1) for r in runs], dim=-1) / self.config.match

    @staticmethod
    def _memory_weights(query: torch.Tensor, keys: torch.Tensor, valid: torch.Tensor,
                        bias: torch.Tensor | None = None) -> torch.Tensor:
        """Softmax over valid history positions plus an always-present null position (weight
        left on it copies nothing). query (B, T, M), keys (B, P, M), valid (B, T, P), bias
        (B, T, P) added to the scores (the match-length bonus)."""
        scores = torch.bmm(query, keys.transpose(1, 2))
        if bias is not None:
            scores = scores + bias
        scores = scores.masked_fill(~valid, float("-inf"))
        null = scores.new_zeros(scores.shape[:-1] + (1,))
        return torch.softmax(torch.cat([scores, null], dim=-1), dim=-1)[..., :-1]

    def init_history(self, memory: dict, capacity: int, prefix: torch.Tensor | None = None) -> dict:
        """Empty decoder history for step-by-step sampling (capacity = most steps to write);
        prefix (P, F) or (B, P, F): the notes before the first decoder input (as in decode).
        successors(history) gives the successor table (B, S + L, 7) that head_logprobs reads."""
        batch = memory["mem_keys"].shape[0]
        device = memory["mem_keys"].device
        n_feat = len(V.FEATURES)
        if prefix is None:
            prefix = torch.zeros(batch, 0, n_feat, dtype=torch.long, device=device)
        prefix = torch.as_tensor(prefix, device=device)
        prefix = prefix.expand(batch, -1, -1) if prefix.dim() == 3 else prefix[None].expand(batch, -1, -1)
        recent = torch.zeros(batch, LOCAL, n_feat, dtype=torch.long, device=device)
        recent[..., _INTERVAL] = V.NO_INTERVAL
        kept = min(LOCAL - 1, prefix.shape[1])
        if kept:
            recent[:, LOCAL - kept :] = prefix[:, -kept:]  # the oldest row drops out at the first step
        # One buffer per attended quantity, the encoder positions first and room for `capacity`
        # steps after them, so that each step reads a slice instead of concatenating the memory
        # with its growing history (keys, values, successors, validity: ~0.15 ms a step). Keys and
        # values are read only where written: their room is left uninitialised (untouched pages
        # cost nothing; zeroing room for 2 x 256 steps took ~1 ms).
        s = memory["mem_keys"].shape[1]

        def buffer(head: torch.Tensor, zero: bool) -> torch.Tensor:
            out = (head.new_zeros if zero else head.new_empty)((batch, s + capacity) + head.shape[2:])
            out[:, :s] = head
            return out

        history = {"all_keys": buffer(memory["mem_keys"], False), "all_values": buffer(memory["mem_values"], False),
                   "all_succ": buffer(memory["succ"], True), "all_valid": buffer(memory["succ_valid"], True),
                   "memory_length": s, "recent": recent, "length": 0,
                   # The run's weights in the shapes a step reads (the weights cannot change within one)
                   "cells": self._cell_weights(memory["style"]),
                   "bags": {"embed": self.embed.fused(), "successor": self.successor.fused(),
                            "local": self._latest_local_tables()}}
        for name in ("keys", "values", "succ"):  # the decoder's own steps (views of the same buffers)
            history[name] = history[f"all_{name}"][:, s:]
        if self.config.match:
            # The decoder's own token stream (prefix, then each input as it comes) and, for the
            # latest input, its match length against every encoder position and every stream position.
            p = prefix.shape[1]
            stream = match_tokens(prefix, _DECODER_PAD)
            history["stream"] = torch.cat([stream, stream.new_zeros(batch, capacity, len(MATCH_STREAMS))], dim=1)
            history["streamed"] = p  # what _advance_match would leave after streaming the prefix in
            history["prefix"] = p
            history["run_enc"] = _last_match_lengths(stream, memory["tokens"], self.config.match)
            history["run_dec"] = torch.zeros(batch, p + capacity, len(MATCH_STREAMS), dtype=torch.long, device=device)
            if p > 1:
                history["run_dec"][:, : p - 1] = _last_match_lengths(stream, stream[:, : p - 1], self.config.match)
        return history

    def _advance_match(self, history: dict, memory: dict, token: torch.Tensor) -> None:
        """Extend the decoder's token stream by token (B, streams) and update the match lengths of the
        stream's end against the encoder positions and the earlier stream positions."""
        cap, n = self.config.match, history["streamed"]
        run_enc, run_dec, stream = history["run_enc"], history["run_dec"], history["stream"]
        # (a match ending one position earlier, one step longer; positions past n stay 0)
        grown = nn.functional.pad(run_enc[:, :-1], (0, 0, 1, 0)) + 1
        history["run_enc"] = torch.where(memory["tokens"] == token[:, None], grown.clamp_(max=cap), 0)
        if n:
            grown = nn.functional.pad(run_dec[:, : n - 1], (0, 0, 1, 0)) + 1
            run_dec[:, :n] = torch.where(stream[:, :n] == token[:, None], grown.clamp_(max=cap), 0)
        stream[:, n] = token
        history["streamed"] = n + 1

    def decode_step(self, step: torch.Tensor, memory: dict, state, history: dict):
        """One decoder step for sampling: step (B, F) the previous note -> hidden (B, Hd), new
        state, history weights (B, S + L) over the encoder positions and the L earlier steps,
        expected match lengths (B, streams) or None (see decode).
        The LSTM cell is written out: oneDNN's fused RNN kernel costs ~1.7 ms per call on a CPU,
        against ~0.05 ms for these few matrix products. Call `remember` once the step's note is
        chosen, so that later steps can copy it."""
        x = bag_sum(*history["bags"]["embed"], step) + memory["style"]  # = self.embed(step) + ...
        h_all, c_all = state
        new_h, new_c = [], []
        for layer, (weight, bias) in enumerate(history["cells"]):
            gates = _as_dtype(nn.functional.linear(_as_dtype(torch.cat([x, h_all[layer]], dim=1), weight.dtype),
                                                   weight, bias), x.dtype)
            i, f, g, o = gates.chunk(4, dim=1)
            cell = torch.sigmoid(f) * c_all[layer] + torch.sigmoid(i) * torch.tanh(g)
            x = torch.sigmoid(o) * torch.tanh(cell)
            new_h.append(x)
            new_c.append(cell)
        out = x[:, None, :]
        context = self._attend_encoder(out, memory)
        length = history["length"]
        history["recent"] = torch.cat([history["recent"][:, 1:], step[:, None]], dim=1)
        local = self._latest_local_code(history["recent"], history["bags"]["local"])
        query = torch.cat([_linear(self.query, out), local], dim=-1) / math.sqrt(self.config.memory_dim)
        seen = history["memory_length"] + length
        keys, values = history["all_keys"][:, :seen], history["all_values"][:, :seen]
        valid = history["all_valid"][:, None, :seen]
        bias = None
        if self.config.match:
            tokens = _step_tokens(step, _DECODER_PAD - history["streamed"])
            self._advance_match(history, memory, tokens)
            p = history["prefix"]
            runs = torch.cat([history["run_enc"], history["run_dec"][:, p : p + length]], dim=1)  # (B, S + L, streams)
            tables = self._match_tables()
            bias = tables[0][runs[..., 0]]
            for i in range(1, len(tables)):
                bias = bias + tables[i][runs[..., i]]
            bias = bias[:, None, :]
        weights = self._memory_weights(query, keys, valid, bias)
        # (_matched's numbers as one product: (B, 1, S + L) x (B, S + L, streams))
        matched = torch.bmm(weights, runs.to(weights.dtype)) / self.config.match if bias is not None else None
        readout = torch.bmm(weights, values)
        hidden = torch.tanh(_linear(self.combine, torch.cat([out, context, readout], dim=-1)))[:, 0]
        history["pending_key"] = torch.cat([_linear(self.key_dec, x), local[:, 0]], dim=-1)
        return hidden, (torch.stack(new_h), torch.stack(new_c)), weights[:, 0], \
            None if matched is None else matched[:, 0]

    def _cell_weights(self, rows: torch.Tensor) -> list[tuple[torch.Tensor, torch.Tensor]]:
        """Per decoder layer, [W_ih | W_hh] (4H, E + H) and b_ih + b_hh: one matrix product per layer
        and step instead of two and an addition; in the format of cell_dtype for steps of rows
        (B, E) (the matrix products in reduced precision, the state in float32). Asked once per
        sampling run (init_history), the weights being unable to change within one; kept while
        they stay the same tensors (stacking and casting them take ~1 ms)."""
        names = [(f"weight_ih_l{k}", f"weight_hh_l{k}", f"bias_ih_l{k}", f"bias_hh_l{k}")
                 for k in range(self.config.decoder_layers)]
        params = [getattr(self.decoder, name) for layer in names for name in layer]
        stamp = tuple((p.data_ptr(), p._version) for p in params)
        cached = self._cells
        if cached is None or cached[0] != stamp:
            weights = [(torch.cat([getattr(self.decoder, w_ih), getattr(self.decoder, w_hh)], dim=1).detach(),
                        (getattr(self.decoder, b_ih) + getattr(self.decoder, b_hh)).detach())
                       for w_ih, w_hh, b_ih, b_hh in names]
            cached = self._cells = (stamp, weights)
        dtype = cell_dtype(rows, self.decoder.training)
        if dtype == rows.dtype:
            return cached[1]
        cast = self._cast["cells"].get([t for pair in cached[1] for t in pair], dtype)
        return list(zip(cast[::2], cast[1::2]))

    def remember(self, history: dict, succ: torch.Tensor) -> None:
        """Append the step just decoded (its key from decode_step, its chosen note `succ` (B, 7))."""
        i = history["length"]
        history["keys"][:, i] = history.pop("pending_key")
        history["values"][:, i] = bag_sum(*history["bags"]["successor"], succ[:, :5].clamp(min=0))  # self.successor
        history["succ"][:, i] = succ
        history["all_valid"][:, history["memory_length"] + i] = succ[:, 6] > 0
        history["length"] = i + 1

    @staticmethod
    def successors(history: dict) -> torch.Tensor:
        """The successors (B, S + L, 7) (SUCC_FIELDS) of the encoder positions and the L steps
        remembered so far: what the history attention of the next step points at."""
        return history["all_succ"][:, : history["memory_length"] + history["length"]]

    # -- heads ---------------------------------------------------------------------------------
    def _copy_mix(self, name: str, log_gen: torch.Tensor, hidden: torch.Tensor, copies: list[torch.Tensor],
                  focus: torch.Tensor, agree: torch.Tensor | None = None,
                  matched: torch.Tensor | None = None, shared: dict | None = None) -> torch.Tensor:
        """log of gate-weighted generated + copied distributions; leaked copy mass goes to the
        generated one, so the result sums to one. For pitch, `agree` (..., 1) is how much of the
        attended history sits at the current pitch level: the absolute copy keeps that share of
        its gate, the rest moves to the interval copy (a transposed restatement is copied as
        intervals, an exact one either way)."""
        gate = _linear(self.gates[name], hidden) + self._side_gates(focus, matched, shared)[name]
        gates = list(torch.softmax(_as_dtype(gate, torch.float32), dim=-1).split(1, dim=-1))  # (..., 1) each
        if agree is not None:
            moved = gates[2] * (1.0 - agree)
            gates = [gates[0], gates[1] + moved, gates[2] - moved]
        generated = _as_dtype(log_gen, torch.float32).exp()
        mixed, leak = gates[0] * generated, None
        for copy, share in zip(copies, gates[1:]):
            copy = _as_dtype(copy, torch.float32)
            mixed = mixed + share * copy
            lost = share * (1.0 - copy.sum(-1, keepdim=True)).clamp(min=0)
            leak = lost if leak is None else leak + lost
        mixed = mixed + leak * generated
        return torch.log(mixed.clamp(min=1e-30))

    def side_gate_weights(self) -> tuple[torch.Tensor, torch.Tensor] | None:
        """The gates' focus and match layers of every copied attribute stacked into one layer over
        [focus, matched] (2 + streams inputs): (weight (sum of gates, 2 + streams), bias), or None
        without copying. A sampling run makes it once and passes it in `shared` (head_logprobs)."""
        if self.gate_focus is None:
            return None
        names = list(self.gate_focus)
        weight = torch.cat([torch.cat([self.gate_focus[n].weight, self.gate_match[n].weight], dim=1)
                            if self.gate_match is not None else self.gate_focus[n].weight for n in names])
        return weight, torch.cat([self.gate_focus[n].bias for n in names])

    def _side_gates(self, focus: torch.Tensor, matched: torch.Tensor | None,
                    shared: dict | None) -> dict[str, torch.Tensor]:
        """gate_focus[name](focus) + gate_match[name](matched) of every copied attribute, from one
        matrix product over [focus, matched] (B, T, 2 + streams) -> {name: (B, T, gates)}. These
        inputs are the same for every head of a step, so the result is kept in `shared` (and the
        stacked weights read from shared["side_weights"] where the caller put them there)."""
        if shared is not None and "side_gates" in shared:
            return shared["side_gates"]
        weight, bias = shared["side_weights"] if shared and "side_weights" in shared else self.side_gate_weights()
        if self.gate_match is not None:  # (a model without match lengths has matched None and no match layers)
            focus = torch.cat([focus, _as_dtype(matched, focus.dtype)], dim=-1)
        side = nn.functional.linear(focus, weight, bias)
        out = dict(zip(self.gate_focus, side.split([f.out_features for f in self.gate_focus.values()], dim=-1)))
        if shared is not None:
            shared["side_gates"] = out
        return out

    def head_logprobs(self, index: int, hidden: torch.Tensor, weights: torch.Tensor | None, succ: torch.Tensor | None,
                      ref: torch.Tensor, matched: torch.Tensor | None = None, shared: dict | None = None) -> torch.Tensor:
        """Log-probabilities of target `index` (vocab.TARGETS) at each step.

        hidden (B, T, Hd) already conditioned on the earlier choices; weights (B, T, P) history
        attention and succ (B, P, 7) the successors it points at (None: no copying); ref (B, T)
        the pitch the interval counts from (the chosen voice's previous pitch; -1 = none); matched
        (B, T, streams) the expected match lengths from decode (None: not used). shared: an empty
        dict that the heads of one sampling step pass along with the same weights and succ, so
        that what depends only on those (validity, focus, the copies of voice, delta, duration)
        is computed by the first head that needs it (None: all computed here)."""
        name = V.TARGETS[index]
        logits = self.heads[index](hidden)
        if name == "pitch" and self.interval_head is not None:
            relative = self.interval_head(hidden)
            rel_index = torch.arange(V.N_PITCH, device=hidden.device) - ref[..., None] + V.MAX_INTERVAL
            rel_index = torch.where((rel_index < 0) | (rel_index > 2 * V.MAX_INTERVAL) | (ref[..., None] < 0),
                                    V.NO_INTERVAL, rel_index)
            logits = logits + relative.gather(-1, rel_index)
        log_gen = torch.log_softmax(_as_dtype(logits, torch.float32), dim=-1)
        if self.gates is None or weights is None or name == "velocity":
            return log_gen
        shared = {} if shared is None else shared
        if "valid" not in shared:
            shared["valid"] = succ[..., 6][:, None, :] > 0
            shared["focus"] = torch.stack([weights.max(-1).values if weights.shape[-1]
                                           else weights.new_zeros(weights.shape[:-1]), weights.sum(-1)], dim=-1)
        valid, focus = shared["valid"], _as_dtype(shared["focus"], hidden.dtype)
        column = SUCC_FIELDS.index
        if name == "pitch":
            shift = succ[..., column("shift")][:, None, :]
            rel = _scatter_copy(weights, ref[..., None] + shift, valid & (ref[..., None] >= 0), V.N_PITCH)
            absolute = _scatter_copy(weights, succ[..., column("pitch")][:, None, :], valid, V.N_PITCH)
            copies = [rel, absolute]
            # The note each history position stood on (its successor's reference pitch).
            level = (succ[..., column("pitch")] - succ[..., column("shift")])[:, None, :]
            same = (level == ref[..., None]) & valid
            total = shared["focus"][..., 1:]  # weights.sum(-1, keepdim=True)
            agree = (weights * same).sum(-1, keepdim=True) / total.clamp(min=1e-6)
            return self._copy_mix(name, log_gen, hidden, copies, focus, _as_dtype(agree, torch.float32), matched,
                                  shared)
        if name not in shared:
            shared[name] = _scatter_copy(weights, succ[..., column(name)][:, None, :], valid, V.TARGET_SIZES[name])
        return self._copy_mix(name, log_gen, hidden, [shared[name]], focus, matched=matched, shared=shared)

    def logits(self, hidden: torch.Tensor, chosen: torch.Tensor, ref: torch.Tensor, weights: torch.Tensor | None = None,
               succ: torch.Tensor | None = None, matched: torch.Tensor | None = None) -> list[torch.Tensor]:
        """All heads' log-probabilities, teacher-forced: each later head conditioned on the earlier
        attributes in `chosen` (B, T, >= 4; negative values, i.e. padding, are read as 0).
        ref (B, T): each target's reference pitch. weights/succ: the history attention (B, T, P)
        and the successors (B, P, 7) it points at."""
        outputs, h, shared = [], hidden, {}
        for i in range(len(V.TARGETS)):
            outputs.append(self.head_logprobs(i, h, weights, succ, ref, matched, shared))
            if i < len(self.condition):
                h = h + self.condition[i](chosen[..., i].clamp(min=0))
        return outputs

    def forward(self, src, src_len, style, src_succ, dec_in, dec_succ, targets, ref, prefix=None) -> list[torch.Tensor]:
        memory = self.encode(src, src_len, style, src_succ)
        hidden, weights, matched = self.decode(dec_in, memory, dec_succ, prefix)
        succ = torch.cat([memory["succ"], dec_succ], dim=1)
        return self.logits(hidden, targets, ref, weights, succ, matched)

    def parameter_count(self) -> int:
        return sum(p.numel() for p in self.parameters())
