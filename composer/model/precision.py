"""The number format of the LSTMs' matrix products at inference (generation and scoring).

On CPUs with native bfloat16 arithmetic (AVX512-BF16 or AMX, which oneDNN uses), the LSTMs run
their matrix products in bfloat16 when no gradient is needed: the encoder's BiLSTM and the
decoder's cell are the largest matrix products of a generation (the cell's 2 MB of weights are
read at every note), and in bfloat16 they take ~0.55-0.65x the time (oneDNN, 1 thread; the cell
only when it steps 3 or more variations at once, see CELL_MIN_ROWS). The LSTM
state and everything after the matrix products stay in float32. This is the mixed precision
that training on accelerators uses (Kalamkar et al. 2019, "A Study of BFLOAT16 for Deep Learning
Training"); models/README.md gives the measured effect on the predictions (validation nats).

Training, and CPUs without native bfloat16 (where it would be emulated, and slower), keep
float32. COMPOSER_PRECISION=float32 keeps float32 everywhere (bit-exact comparisons with older
results); COMPOSER_PRECISION=bfloat16 asks for bfloat16 even without native support.
"""

from __future__ import annotations

import os
from functools import cache

import torch

ENV = "COMPOSER_PRECISION"
CHOICES = ("auto", "float32", "bfloat16")


@cache
def _native_bfloat16() -> bool:
    try:
        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):  # a build without oneDNN
        return False


def inference_dtype() -> torch.dtype:
    """torch.bfloat16 or torch.float32: the LSTMs' number format at inference, from
    COMPOSER_PRECISION (auto, the default: bfloat16 where the CPU has it natively).
    Raises ValueError for another value of COMPOSER_PRECISION."""
    choice = os.environ.get(ENV, "auto").strip().lower() or "auto"
    if choice not in CHOICES:
        raise ValueError(f"{ENV}={choice!r}: use one of {', '.join(CHOICES)}")
    if choice == "auto":
        return torch.bfloat16 if _native_bfloat16() else torch.float32
    return torch.bfloat16 if choice == "bfloat16" else torch.float32


def lstm_dtype(x: torch.Tensor, training: bool) -> torch.dtype:
    """The format an LSTM's matrix products use for input x: inference_dtype() on a CPU when
    neither the module trains nor gradients are recorded, else x's own."""
    if training or torch.is_grad_enabled() or x.device.type != "cpu" or x.dtype != torch.float32:
        return x.dtype
    return inference_dtype()


# A matrix-vector product is faster in float32 (oneDNN, 1 thread, the decoder cell's 512 -> 1024:
# 29 us against 47 in bfloat16): the cell rounds only when it steps several rows at once (4 rows:
# 88 us against 48; 2 rows: 54 against 49).
CELL_MIN_ROWS = 3


def cell_dtype(x: torch.Tensor, training: bool) -> torch.dtype:
    """lstm_dtype for one step of an LSTM cell over x (rows, features): float32 below
    CELL_MIN_ROWS rows."""
    return lstm_dtype(x, training) if x.shape[0] >= CELL_MIN_ROWS else x.dtype


class CastCache:
    """Copies of a set of tensors in another dtype, made once and remade when any of them changes
    (another tensor object, or an in-place update: its version counter; tensors made under
    torch.inference_mode have none and are taken as unchanged while they are the same objects)."""

    def __init__(self) -> None:
        self._sources: list[torch.Tensor] = []  # held, so that `is` below cannot meet a reused id
        self._stamp: tuple = ()
        self._copies: list[torch.Tensor] = []

    def get(self, tensors: list[torch.Tensor], dtype: torch.dtype) -> list[torch.Tensor]:
        stamp = (dtype, *(-1 if t.is_inference() else t._version for t in tensors))
        if stamp != self._stamp or len(tensors) != len(self._sources) \
                or any(a is not b for a, b in zip(tensors, self._sources)):
            self._copies = [t.detach().to(dtype) for t in tensors]
            self._sources, self._stamp = list(tensors), stamp
        return self._copies
