"""``get_backend``: turn a spec (or the configured default) into a ready backend."""

from __future__ import annotations

import atexit
import sys
import threading
import weakref
from pathlib import Path

from rung.lm.base import Backend
from rung.lm.cache import CachedBackend, ResponseCache
from rung.lm.models import resolve_model_path
from rung.lm.pool import EndpointPool, format_stats
from rung.lm.settings import LMSettings, load_settings
from rung.lm.spec import (
    SPEC_HELP,
    BackendKind,
    BackendSpec,
    SpecError,
    check_base_url,
    is_endpoint_list,
    parse_endpoints,
    parse_spec,
)

__all__ = ["clear_loaded_models", "get_backend"]

_LOADED: dict[tuple[Path, int], Backend] = {}
_LOCK = threading.Lock()
_CLOSE_AT_EXIT: list[bool] = []  # becomes [True] once the exit hook is registered
_POOLS: weakref.WeakSet[EndpointPool] = weakref.WeakSet()


def _close_loaded_models() -> None:
    """Free loaded llama.cpp models before interpreter teardown: freed later, from
    ``__del__``, llama-cpp-python finds its C bindings already gone and prints
    "Exception ignored ... 'NoneType' object is not callable"."""
    with _LOCK:
        for backend in _LOADED.values():
            close = getattr(backend, "close", None)
            if close is not None:
                close()
        _LOADED.clear()


def clear_loaded_models() -> None:
    """Forget the models this process has loaded (they are freed when unreferenced)."""
    with _LOCK:
        _LOADED.clear()


def _embedded(spec: BackendSpec, settings: LMSettings, n_threads: int | None) -> Backend:
    from rung.lm.backends.llamacpp import LlamaCppBackend

    path = resolve_model_path(spec.model, settings.model_dir)
    threads = n_threads or settings.threads
    with _LOCK:
        key = (path, threads)
        if key not in _LOADED:  # one copy of the weights per process
            _LOADED[key] = LlamaCppBackend(path, n_threads=threads)
            if not _CLOSE_AT_EXIT:
                atexit.register(_close_loaded_models)
                _CLOSE_AT_EXIT.append(True)
        return _LOADED[key]


def _print_pool_stats() -> None:
    """At exit: each used pool's per-endpoint counts and latencies, on stderr."""
    for pool in list(_POOLS):
        stats = pool.stats()
        if any(s.ok or s.failed for s in stats):
            sys.stderr.write(f"rung.lm pool {pool.model_id}:\n{format_stats(stats)}\n")


def _pool(urls: tuple[str, ...], model: str, settings: LMSettings) -> Backend:
    pool = EndpointPool(urls, model, timeout=settings.timeout)
    with _LOCK:
        if not _POOLS:
            atexit.register(_print_pool_stats)
        _POOLS.add(pool)
    return pool


def _openai(spec: BackendSpec, settings: LMSettings) -> Backend:
    from rung.lm.backends.openai import OpenAIBackend

    if spec.is_pool:
        return _pool(spec.endpoints, spec.model, settings)
    if spec.base_url is None and is_endpoint_list(settings.base_url):
        return _pool(parse_endpoints(settings.base_url, "OPENAI_BASE_URL"), spec.model, settings)
    url = spec.base_url or check_base_url(settings.base_url, "OPENAI_BASE_URL")
    return OpenAIBackend(base_url=url, model=spec.model, timeout=settings.timeout)


def _build(spec: BackendSpec, settings: LMSettings, n_threads: int | None) -> Backend:
    if spec.kind is BackendKind.EMBEDDED:
        return _embedded(spec, settings, n_threads)
    if spec.kind is BackendKind.OPENAI:
        return _openai(spec, settings)
    if spec.kind is BackendKind.TRANSFORMERS:
        from rung.lm.backends.hf import TransformersBackend

        return TransformersBackend(Path(spec.model).expanduser(), n_threads=n_threads)
    if spec.kind is BackendKind.SCRIPTED:
        from rung.lm.backends.scripted import ScriptedBackend

        return ScriptedBackend()
    raise SpecError(f"backend kind {spec.kind!r} has no backend: {SPEC_HELP} (setting RUNG_LM)")


def get_backend(
    spec: str | None = None, *, cache: bool = True, n_threads: int | None = None
) -> Backend:
    """A backend for ``spec``, or for the configured default (``RUNG_LM``, config file,
    else ``embedded``), behind the persistent response cache unless ``cache=False``.

    Parameters
    ----------
    spec : str, optional
        ``embedded``, ``tiny``, ``gguf:/path``, ``openai:MODEL``, ``http://HOST/v1|MODEL``,
        ``http://H1/v1,http://H2/v1|MODEL`` (a pool, :class:`rung.lm.pool.EndpointPool`;
        its per-endpoint counts are printed on stderr at exit), ``transformers:/path``.
    cache : bool
        Wrap in :class:`rung.lm.cache.CachedBackend` (file: ``RUNG_LM_CACHE``).
    n_threads : int, optional
        llama.cpp threads (default: setting ``RUNG_LM_THREADS``, else 2).

    Raises
    ------
    ValueError
        The spec cannot be parsed.
    LMError
        The model file is missing or corrupt (the message names ``rung lm setup``).

    Examples
    --------
    >>> lm = get_backend("scripted", cache=False)
    >>> lm.name
    'scripted'
    """
    settings = load_settings(spec)
    backend = _build(parse_spec(settings.spec), settings, n_threads)
    if not cache:
        return backend
    return CachedBackend(backend, ResponseCache(settings.cache_path))
