"""Checkpoints: one .safetensors file holding the weights, with the JSON config (architecture,
vocabulary, styles, training-data summary, metrics) in its header metadata. Never pickle: loading
reads tensors and JSON only, so a hostile file cannot run code.

A style may have weights of its own (`composer adapt`: parameter isolation, the "separate
parameters per task" family of continual learning, De Lange et al. 2021, TPAMI): the file then
also holds, for each such style, the tensors in which its network differs from the shared one,
named OWN_PREFIX + "<style index>/" + parameter name, and the config lists those styles under
"own_weights". Every other style is written by the shared weights, exactly as before."""

from __future__ import annotations

import copy
import errno
import json
import math
import os
import stat
import struct
from dataclasses import dataclass, field
from pathlib import Path

import torch
from torch.overrides import TorchFunctionMode

from composer.model import vocab as V
from composer.model.network import NetworkConfig, Seq2Seq

FORMAT = "composer-seq2seq"
FORMAT_VERSION = 1
NEUTRAL_STYLE = "neutral"
OWN_PREFIX = "own/"
_MAX_HEADER = 16 * 1024 * 1024


class CheckpointError(Exception):
    """The file is not a usable Composer checkpoint; the message says why and what to do."""

    def __init__(self, path: str | Path, problem: str):
        self.path = Path(path)
        super().__init__(f"{self.path}: {problem}")


def vocabulary() -> dict:
    return {"grid_per_quarter": V.GRID_PER_QUARTER, "max_delta": V.MAX_DELTA, "max_duration": V.MAX_DURATION,
            "velocity_bins": V.VELOCITY_BINS, "max_interval": V.MAX_INTERVAL, "max_position": V.MAX_POSITION,
            "targets": list(V.TARGETS), "features": list(V.FEATURES)}


@dataclass
class Checkpoint:
    model: Seq2Seq  # the shared weights: every style without weights of its own
    styles: list[str]  # index 0 is NEUTRAL_STYLE
    info: dict = field(default_factory=dict)  # training summary, metrics, anything descriptive
    own: dict[str, Seq2Seq] = field(default_factory=dict)  # style name -> its own network (same architecture)

    def model_for(self, style: str | int | None) -> Seq2Seq:
        """The network that writes `style` (a name, an index into `styles`, or None = neutral):
        the style's own network where it has one, else the shared `model`."""
        name = self.styles[style] if isinstance(style, int) and 0 <= style < len(self.styles) else style
        return self.own.get(name, self.model) if isinstance(name, str) else self.model

    def config(self) -> dict:
        own = [name for name in self.styles if name in self.own]
        return {"format": FORMAT, "format_version": FORMAT_VERSION, "network": self.model.config.to_dict(),
                "vocabulary": vocabulary(), "styles": self.styles, **({"own_weights": own} if own else {}),
                **self.info}

    def tensors(self) -> dict[str, torch.Tensor]:
        """What save() writes: the shared state, then each own network's differing tensors."""
        shared = {k: v.detach().to("cpu").contiguous() for k, v in self.model.state_dict().items()}
        tensors = dict(shared)
        for index, name in enumerate(self.styles):
            if name in self.own:
                for key, value in self.own[name].state_dict().items():
                    value = value.detach().to("cpu").contiguous()
                    if not torch.equal(value, shared[key]):
                        tensors[f"{OWN_PREFIX}{index}/{key}"] = value
        return tensors

    def save(self, path: str | Path) -> None:
        from safetensors.torch import save_file

        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        if any(name not in self.styles for name in self.own):
            raise ValueError(f"own weights for unknown styles: {sorted(set(self.own) - set(self.styles))}")
        tensors = self.tensors()
        # Write beside the target and rename: a crash mid-write never leaves a broken checkpoint.
        # The result gets the umask's permissions, or the replaced file's (safetensors and mkstemp
        # write 0600, which made every checkpoint and adapted style private, unlike the app's other files).
        from composer.io.safe_write import partial_path

        tmp = partial_path(path)
        os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o666))
        try:
            mode = stat.S_IMODE(os.stat(tmp).st_mode)  # 0666 less the umask
            try:
                mode = stat.S_IMODE(os.stat(path).st_mode)
            except FileNotFoundError:
                pass
            save_file(tensors, str(tmp), metadata={"composer": json.dumps(self.config())})
            os.chmod(tmp, mode)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)


# Bounds on the architecture a checkpoint may ask for, checked before anything is built: a 2 KB
# header asking for 3,000 layers must not cost gigabytes. Generous: the shipped model is ~5 M
# parameters; every integer field of NetworkConfig is a size, a count of layers or of styles.
MAX_CONFIG_INT = 8192
MAX_LAYERS = 16
MAX_PARAMETERS = 200_000_000  # 800 MB of float32
MAX_STYLES = 1024
_MAX_TENSORS = 10_000
_DTYPES = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.float64: "F64",
           torch.int64: "I64", torch.int32: "I32", torch.bool: "BOOL"}
_ITEM_BYTES = {"F32": 4, "F16": 2, "BF16": 2, "F64": 8, "I64": 8, "I32": 4, "BOOL": 1}


def _file_size(path: Path) -> int:
    """The size of a regular file, or CheckpointError saying what the path is instead."""
    try:
        info = os.stat(path)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise CheckpointError(path, "it is a symbolic link that loops back on itself; choose the model file") \
                from None
        if isinstance(error, FileNotFoundError):
            raise CheckpointError(path, "no such file") from None
        raise CheckpointError(path, f"cannot open it ({error.strerror or error})") from None
    if stat.S_ISDIR(info.st_mode):
        raise CheckpointError(path, "it is a folder; choose the .safetensors file inside it")
    if stat.S_ISFIFO(info.st_mode) or stat.S_ISSOCK(info.st_mode):
        raise CheckpointError(path, "it is a pipe or socket, not a checkpoint file (reading it could wait forever)")
    if not stat.S_ISREG(info.st_mode):
        raise CheckpointError(path, "it is a device, not a checkpoint file")
    return info.st_size


def _read_header(path: Path) -> tuple[dict, int, int]:
    """(header, header length, file size) of a safetensors file; CheckpointError for anything
    malformed (the format: safetensors' README, "Format")."""
    size = _file_size(path)
    try:
        with open(path, "rb") as handle:
            prefix = handle.read(8)
            if len(prefix) < 8:
                raise CheckpointError(path, "file is too short to be a safetensors checkpoint (truncated?)")
            (header_len,) = struct.unpack("<Q", prefix)
            if header_len > min(_MAX_HEADER, size - 8):
                hint = " (it looks like a pickle/torch.save file, which Composer refuses to load)" \
                    if prefix[:1] == b"\x80" or prefix[:2] == b"PK" else ""
                raise CheckpointError(path, f"not a safetensors file{hint}")
            raw = handle.read(header_len)
    except OSError as error:
        raise CheckpointError(path, f"cannot read it ({error.strerror or error})") from None
    try:
        header = json.loads(raw)
    except (UnicodeDecodeError, ValueError) as error:
        raise CheckpointError(path, f"corrupt safetensors header ({error})") from None
    except RecursionError:
        raise CheckpointError(path, "corrupt safetensors header (nested too deeply)") from None
    if not isinstance(header, dict):
        raise CheckpointError(path, "corrupt safetensors header (not a JSON object)")
    return header, header_len, size


def _tensor_entries(path: Path, header: dict, data_bytes: int) -> dict[str, tuple[str, list[int]]]:
    """name -> (dtype, shape) for every tensor, each entry checked against the format: a dtype
    name, a shape of non-negative integers, and data offsets inside the file matching the size."""
    entries = {}
    if len(header) > _MAX_TENSORS:
        raise CheckpointError(path, f"corrupt safetensors header (more than {_MAX_TENSORS} tensors)")
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        if not isinstance(entry, dict):
            raise CheckpointError(path, f"corrupt safetensors header (tensor {name[:60]!r} is not an object)")
        dtype, shape, offsets = entry.get("dtype"), entry.get("shape"), entry.get("data_offsets")
        if not (isinstance(shape, list) and len(shape) <= 8
                and all(isinstance(d, int) and not isinstance(d, bool) and 0 <= d < 2**40 for d in shape)):
            raise CheckpointError(path, f"corrupt safetensors header (tensor {name[:60]!r} has no valid shape)")
        if not (isinstance(offsets, list) and len(offsets) == 2
                and all(isinstance(o, int) and not isinstance(o, bool) for o in offsets)
                and 0 <= offsets[0] <= offsets[1]):
            raise CheckpointError(path, f"corrupt safetensors header (tensor {name[:60]!r} has no valid data offsets)")
        if offsets[1] > data_bytes:
            raise CheckpointError(path, f"truncated: tensor {name[:60]!r} ends at byte {offsets[1]} of the data, "
                                        f"the file holds {data_bytes}")
        if not isinstance(dtype, str) or dtype not in _ITEM_BYTES:
            raise CheckpointError(path, f"tensor {name[:60]!r} has dtype {str(dtype)[:20]!r}; Composer's weights are F32")
        if math.prod(shape) * _ITEM_BYTES[dtype] != offsets[1] - offsets[0]:
            raise CheckpointError(path, f"corrupt safetensors header (tensor {name[:60]!r}: its shape and "
                                        "data size disagree)")
        entries[name] = (dtype, shape)
    return entries


def read_config(path: str | Path) -> dict:
    """The JSON config of a checkpoint, validated (format, version, vocabulary, styles, bounded
    architecture, well-formed tensor entries), without loading any tensor or building a model.
    Raises CheckpointError naming the file for anything else, whatever the header holds."""
    path = Path(path)
    header, header_len, size = _read_header(path)
    metadata = header.get("__metadata__")
    if not isinstance(metadata, dict) or "composer" not in metadata:
        raise CheckpointError(path, "a safetensors file, but not a Composer checkpoint (no composer config)")
    if not isinstance(metadata["composer"], str):
        raise CheckpointError(path, "corrupt safetensors header (the composer config is not a JSON string)")
    try:
        config = json.loads(metadata["composer"])
    except ValueError as error:
        raise CheckpointError(path, f"its config is not valid JSON ({error})") from None
    except RecursionError:
        raise CheckpointError(path, "its config is nested too deeply to be a Composer config") from None
    if not isinstance(config, dict) or config.get("format") != FORMAT:
        raise CheckpointError(path, "its config is not a Composer seq2seq config")
    if config.get("format_version") != FORMAT_VERSION:
        raise CheckpointError(path, f"made by another version of Composer (checkpoint format "
                                    f"{str(config.get('format_version'))[:20]}, this version reads {FORMAT_VERSION})")
    styles = config.get("styles")
    if not isinstance(styles, list) or not styles or not all(isinstance(s, str) for s in styles):
        raise CheckpointError(path, "its config lists no styles")
    if len(styles) > MAX_STYLES:
        raise CheckpointError(path, f"its config lists {len(styles)} styles (at most {MAX_STYLES})")
    own = config.get("own_weights", [])
    if not (isinstance(own, list) and all(isinstance(s, str) and s in styles for s in own) and len(set(own)) == len(own)):
        raise CheckpointError(path, "its config's own_weights is not a list of its styles (a damaged or hostile file)")
    _network_config(path, config.get("network"))
    _tensor_entries(path, header, size - 8 - header_len)
    # (after the structure: a damaged or hostile file is told what is wrong with it, not that an
    # old version made it; QA qa16)
    if config.get("vocabulary") != vocabulary():
        raise CheckpointError(path, "its note vocabulary differs from this version's; retrain or upgrade")
    return config


def _network_config(path: Path, raw) -> NetworkConfig:
    """NetworkConfig from the config's "network" object, every field type-checked and bounded
    before anything is built (fields this version does not know are ignored, as from_dict does)."""
    if not isinstance(raw, dict):
        raise CheckpointError(path, "its config has no network architecture")
    defaults = NetworkConfig()
    for name in NetworkConfig.__dataclass_fields__:
        if name not in raw:
            continue
        value, default = raw[name], getattr(defaults, name)
        if isinstance(default, bool):
            ok = isinstance(value, bool)
        elif isinstance(default, int):
            limit = MAX_LAYERS if name.endswith("layers") else MAX_CONFIG_INT
            ok = isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= limit
        elif isinstance(default, float):
            ok = isinstance(value, (int, float)) and not isinstance(value, bool) and 0.0 <= value <= 1.0
        else:
            ok = isinstance(value, type(default)) if default is not None else value is None or isinstance(value, str)
        if not ok:
            raise CheckpointError(path, f"its architecture asks for {name} = {str(value)[:40]}, outside what "
                                        "Composer builds (a damaged or hostile file)")
    try:
        return NetworkConfig.from_dict(raw)
    except (TypeError, ValueError) as error:
        raise CheckpointError(path, f"its architecture config is unusable ({error})") from None


def _expected_tensors(path: Path, network: NetworkConfig) -> dict[str, torch.Tensor]:
    """The state dict the config describes, built on the 'meta' device (shapes and dtypes, no
    memory), so new layers in Seq2Seq need no change here."""
    try:
        with torch.device("meta"), _SkipRandomFills():
            expected = Seq2Seq(network).state_dict()
    except Exception as error:  # an architecture the code refuses (e.g. a size it cannot divide)
        raise CheckpointError(path, f"its architecture config is unusable ({error})") from None
    parameters = sum(t.numel() for t in expected.values())
    if parameters > MAX_PARAMETERS:
        raise CheckpointError(path, f"its architecture has {parameters:,} parameters (at most {MAX_PARAMETERS:,})")
    return expected


class _SkipRandomFills(TorchFunctionMode):
    """Initialisers (torch.nn.init, in-place random fills) do nothing on the 'meta' device (it
    holds no data), but torch routes the first meta normal_ through decompositions that import
    torch._dynamo (~10 s); skip them. Only meta tensors are affected, and a torch function mode is
    per thread, so models built elsewhere meanwhile are initialised as usual."""

    _SKIPPED = frozenset({"normal_", "uniform_", "random_", "bernoulli_", "exponential_", "log_normal_",
                          "cauchy_", "geometric_"})

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        target = args[0] if args else kwargs.get("tensor")  # torch.nn.init passes it by keyword
        fills = getattr(func, "__name__", "") in self._SKIPPED or getattr(func, "__module__", "") == "torch.nn.init"
        if fills and getattr(target, "is_meta", False):
            return target
        return func(*args, **kwargs)


def _check_against_config(path: Path, header: dict, expected: dict[str, torch.Tensor],
                          own: tuple[int, ...] = ()) -> None:
    """Tensor names, shapes and dtypes in the header against the architecture, before building;
    `own`: the indices of the styles with weights of their own (any subset of the tensors)."""
    found = _tensor_entries(path, header, 2**63)
    for name in [k for k in found if k.startswith(OWN_PREFIX)]:
        index, _, key = name[len(OWN_PREFIX):].partition("/")
        if index.isdigit() and int(index) in own and key in expected:
            _check_tensor(path, name, found.pop(name), expected[key])
    missing = [k for k in expected if k not in found]
    extra = [k for k in found if k not in expected]
    if missing or extra:
        detail = f"missing {missing[0]!r}" if missing else f"unexpected {extra[0]!r}"
        raise CheckpointError(path, f"weights do not match the architecture ({detail}; "
                                    f"{len(missing)} missing, {len(extra)} unexpected)")
    for name, tensor in expected.items():
        _check_tensor(path, name, found[name], tensor)


def _check_tensor(path: Path, name: str, entry: tuple[str, list[int]], tensor: torch.Tensor) -> None:
    dtype, shape = entry
    if list(tensor.shape) != shape:
        raise CheckpointError(path, f"weights do not match the architecture ({name}: shape {shape}, "
                                    f"the config needs {list(tensor.shape)})")
    if _DTYPES.get(tensor.dtype) != dtype:
        raise CheckpointError(path, f"tensor {name} has dtype {dtype}; the model needs "
                                    f"{_DTYPES.get(tensor.dtype, tensor.dtype)}")


def load_checkpoint(path: str | Path, device: str | torch.device = "cpu") -> Checkpoint:
    """Load a checkpoint. Everything is checked before use: the header and config (read_config),
    the tensors' names, shapes and dtypes against the architecture the config describes (built
    on the 'meta' device first, so a hostile config costs no memory), then every weight is
    finite. Raises CheckpointError naming the file and what to do."""
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    path = Path(path)
    config = read_config(path)
    network = _network_config(path, config["network"])
    header, _, _ = _read_header(path)
    styles = list(config["styles"])
    own_styles = config.get("own_weights", [])
    _check_against_config(path, header, _expected_tensors(path, network), tuple(styles.index(s) for s in own_styles))
    try:
        model = Seq2Seq(network)
    except Exception as error:
        raise CheckpointError(path, f"its architecture config is unusable ({error})") from None
    try:
        tensors = load_file(str(path), device="cpu")
    except (SafetensorError, OSError, ValueError) as error:
        raise CheckpointError(path, f"could not read the weights ({error})") from None
    bad = next((name for name, tensor in tensors.items()
                if tensor.is_floating_point() and not bool(torch.isfinite(tensor).all())), None)
    if bad is not None:
        raise CheckpointError(path, f"tensor {bad} holds NaN or infinite weights (a diverged or damaged model); "
                                    "retrain or choose another checkpoint")
    own_tensors = {name: tensors.pop(name) for name in [k for k in tensors if k.startswith(OWN_PREFIX)]}
    try:
        model.load_state_dict(tensors, strict=True)
    except RuntimeError as error:
        raise CheckpointError(path, f"weights do not match the architecture ({str(error).splitlines()[0]})") from None
    own = {}
    for style in own_styles:
        prefix = f"{OWN_PREFIX}{styles.index(style)}/"
        own[style] = copy.deepcopy(model)
        own[style].load_state_dict({k[len(prefix):]: v for k, v in own_tensors.items() if k.startswith(prefix)},
                                   strict=False)
        own[style].to(device).eval()
    model.to(device).eval()
    info = {k: v for k, v in config.items()
            if k not in ("format", "format_version", "network", "vocabulary", "styles", "own_weights")}
    return Checkpoint(model=model, styles=styles, info=info, own=own)
