"""The co-writer network: a bidirectional-LSTM encoder over the seed with a style (theme)
embedding, and an LSTM decoder with attention over the encoder states.

Each decoder step predicts one note as a factored distribution, in the order of vocab.TARGETS:
pitch, then delta given the pitch, then duration given both, then velocity given all three.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from composer.model import vocab as V


@dataclass
class NetworkConfig:
    n_styles: int = 8  # index 0 is the neutral style
    embed: int = 256
    encoder_hidden: int = 128  # per direction
    encoder_layers: int = 2
    decoder_hidden: int = 256
    decoder_layers: int = 2
    dropout: float = 0.2
    # A second pitch head scores the interval from the previous note; its logits are added to the
    # absolute ones (a product of experts). Motifs are interval patterns, so this is what lets the
    # decoder learn them in any key (False in checkpoints made before it existed).
    relative_pitch: bool = False

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "NetworkConfig":
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**known)


class StepEmbedding(nn.Module):
    """Sum of one embedding per step feature (an embedding is a learned one-hot projection)."""

    def __init__(self, dim: int):
        super().__init__()
        self.tables = nn.ModuleList(nn.Embedding(V.FEATURE_SIZES[f], dim) for f in V.FEATURES)

    def forward(self, steps: torch.Tensor) -> torch.Tensor:  # (..., len(FEATURES)) -> (..., dim)
        out = self.tables[0](steps[..., 0])
        for i in range(1, len(self.tables)):
            out = out + self.tables[i](steps[..., i])
        return out


class Head(nn.Module):
    def __init__(self, dim: int, size: int):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(dim, dim), nn.GELU(), nn.Linear(dim, size))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


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
        # The top encoder layer's final states (both directions) start every decoder layer.
        self.bridge_h = nn.Linear(enc_out, c.decoder_hidden * c.decoder_layers)
        self.bridge_c = nn.Linear(enc_out, c.decoder_hidden * c.decoder_layers)
        self.decoder = nn.LSTM(c.embed, c.decoder_hidden, c.decoder_layers, batch_first=True,
                               dropout=c.dropout if c.decoder_layers > 1 else 0.0)
        self.attend = nn.Linear(enc_out, c.decoder_hidden, bias=False)  # Luong "general" score
        self.combine = nn.Linear(c.decoder_hidden + enc_out, c.decoder_hidden)
        self.heads = nn.ModuleList(Head(c.decoder_hidden, V.TARGET_SIZES[t]) for t in V.TARGETS)
        self.interval_head = Head(c.decoder_hidden, V.N_INTERVAL) if c.relative_pitch else None
        # Embeddings of the attributes already chosen within a step, conditioning the later heads.
        self.condition = nn.ModuleList(nn.Embedding(V.TARGET_SIZES[t], c.decoder_hidden) for t in V.TARGETS[:-1])

    # -- encoder -------------------------------------------------------------------------------
    def encode(self, src: torch.Tensor, src_len: torch.Tensor, style: torch.Tensor):
        """src (B, S, F), src_len (B,), style (B,) -> memory dict used by the decoder."""
        c = self.config
        style_vec = self.style(style)
        x = self.drop(self.embed(src) + style_vec[:, None, :])
        packed = pack_padded_sequence(x, src_len.cpu(), batch_first=True, enforce_sorted=False)
        out, (h, cell) = self.encoder(packed)
        out, _ = pad_packed_sequence(out, batch_first=True, total_length=src.shape[1])
        batch = src.shape[0]

        def bridge(state: torch.Tensor, layer: nn.Linear) -> torch.Tensor:
            # (layers*2, B, H): the last two rows are the top layer's forward and backward states.
            top = torch.cat([state[-2], state[-1]], dim=-1)  # (B, 2H)
            out = torch.tanh(layer(top)).view(batch, c.decoder_layers, c.decoder_hidden)
            return out.transpose(0, 1).contiguous()

        mask = torch.arange(src.shape[1], device=src.device)[None, :] < src_len.to(src.device)[:, None]
        return {
            "keys": self.attend(out),  # (B, S, Hd)
            "values": out,  # (B, S, 2H)
            "mask": mask,
            "state": (bridge(h, self.bridge_h), bridge(cell, self.bridge_c)),
            "style": style_vec,
        }

    def expand_memory(self, memory: dict, copies: int) -> dict:
        """Repeat each batch row `copies` times (N variations share one encoder pass)."""
        rep = lambda t, dim=0: t.repeat_interleave(copies, dim=dim)  # noqa: E731
        h, cell = memory["state"]
        return {"keys": rep(memory["keys"]), "values": rep(memory["values"]), "mask": rep(memory["mask"]),
                "state": (rep(h, 1), rep(cell, 1)), "style": rep(memory["style"])}

    # -- decoder -------------------------------------------------------------------------------
    def decode(self, dec_in: torch.Tensor, memory: dict, state=None):
        """dec_in (B, T, F) -> hidden (B, T, Hd), new state. Whole sequences at once (cuDNN)."""
        x = self.drop(self.embed(dec_in) + memory["style"][:, None, :])
        out, state = self.decoder(x, memory["state"] if state is None else state)
        scores = torch.bmm(out, memory["keys"].transpose(1, 2))
        scores = scores.masked_fill(~memory["mask"][:, None, :], float("-inf"))
        context = torch.bmm(torch.softmax(scores, dim=-1), memory["values"])
        hidden = self.drop(torch.tanh(self.combine(torch.cat([out, context], dim=-1))))
        return hidden, state

    def decode_step(self, step: torch.Tensor, memory: dict, state):
        """One decoder step for sampling: step (B, F) -> hidden (B, Hd), new state.

        Same maths as decode(), with the LSTM cell written out: oneDNN's fused RNN kernel costs
        ~1.7 ms per call on a CPU, against ~0.05 ms for these few matrix products."""
        x = self.embed(step) + memory["style"]
        h_all, c_all = state
        new_h, new_c = [], []
        for layer in range(self.config.decoder_layers):
            gates = torch.addmm(getattr(self.decoder, f"bias_ih_l{layer}"), x, getattr(self.decoder, f"weight_ih_l{layer}").t())
            gates = torch.addmm(gates, h_all[layer], getattr(self.decoder, f"weight_hh_l{layer}").t())
            gates = gates + getattr(self.decoder, f"bias_hh_l{layer}")
            i, f, g, o = gates.chunk(4, dim=1)
            cell = torch.sigmoid(f) * c_all[layer] + torch.sigmoid(i) * torch.tanh(g)
            x = torch.sigmoid(o) * torch.tanh(cell)
            new_h.append(x)
            new_c.append(cell)
        scores = torch.bmm(x[:, None, :], memory["keys"].transpose(1, 2))
        scores = scores.masked_fill(~memory["mask"][:, None, :], float("-inf"))
        context = torch.bmm(torch.softmax(scores, dim=-1), memory["values"])[:, 0]
        hidden = torch.tanh(self.combine(torch.cat([x, context], dim=-1)))
        return hidden, (torch.stack(new_h), torch.stack(new_c))

    def pitch_logits(self, hidden: torch.Tensor, previous: torch.Tensor) -> torch.Tensor:
        """Pitch logits (..., 128); `previous` (...) is the pitch of the note before."""
        logits = self.heads[0](hidden)
        if self.interval_head is None:
            return logits
        relative = self.interval_head(hidden)  # (..., N_INTERVAL): -24..+24, then "further"
        index = torch.arange(V.N_PITCH, device=hidden.device) - previous[..., None] + V.MAX_INTERVAL
        index = torch.where((index < 0) | (index > 2 * V.MAX_INTERVAL), V.NO_INTERVAL, index)
        return logits + relative.gather(-1, index)

    def logits(self, hidden: torch.Tensor, chosen: torch.Tensor, previous: torch.Tensor) -> list[torch.Tensor]:
        """All heads' logits, each later head conditioned on the earlier attributes in `chosen`
        (B, T, >=3; negative values, i.e. padding, are read as 0). `previous` (B, T): the pitch
        of the note before each step."""
        outputs, h = [self.pitch_logits(hidden, previous)], hidden
        for i, head in enumerate(self.heads):
            if i:
                outputs.append(head(h))
            if i < len(self.condition):
                h = h + self.condition[i](chosen[..., i].clamp(min=0))
        return outputs

    def forward(self, src, src_len, style, dec_in, targets) -> list[torch.Tensor]:
        memory = self.encode(src, src_len, style)
        hidden, _ = self.decode(dec_in, memory)
        return self.logits(hidden, targets, dec_in[..., 0])

    def parameter_count(self) -> int:
        return sum(p.numel() for p in self.parameters())
