"""rung's batched prefix-shared option scoring vs naive one-forward-per-option scoring (and
guidance's ``select`` when it runs offline) on the embedded model.

Usage: ``python benchmarks/lm_select.py [--model tiny|embedded] [--prompts K] [--threads N]``
Prints the time of each method, the ratio naive/batched, and how far apart their scores are,
next to the numeric noise floor: naive scoring itself, decoded one token at a time instead of
in one batch. llama.cpp's repacked Q4_K CPU kernels round differently for different batch
shapes, so on Qwen Q4_K_M all three differ by up to ~0.1-0.3 nat per option; with
``--no-repack`` batched and one-batch naive scoring agree to float precision (docs/lm.md).
Ends with one ``RESULT`` line per peer (read by ``benchmarks/run_all.py``).
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from _result import faster, peer_version, print_result  # benchmarks/_result.py

from rung.lm.backends.llamacpp import LlamaCppBackend
from rung.lm.base import Message, normalize_scores
from rung.lm.models import resolve_model_path
from rung.lm.settings import load_settings

PAIRS = [
    ("altitude", "temperature"), ("smoking", "lung cancer"), ("rain", "wet streets"),
    ("age", "income"), ("exercise", "heart rate"), ("fertilizer", "crop yield"),
    ("study time", "exam score"), ("sunlight", "plant growth"),
]
OPTIONS = [
    ["yes", "no"],
    ["yes", "no", "it depends"],
    ["A causes B.", "B causes A.", "Neither causes the other.", "Both cause each other."],
]


def _prompts(k: int) -> list[tuple[list[Message], list[str]]]:
    out = []
    for i in range(k):
        a, b = PAIRS[i % len(PAIRS)]
        system = Message("system", "You are an expert in causal reasoning. Answer briefly.")
        user = Message("user", f"Let A be {a} and B be {b}. Does A cause B? Think carefully.")
        out.append(([system, user], OPTIONS[i % len(OPTIONS)]))
    return out


def _time(fn, prompts):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    scores = [fn(m, o) for m, o in prompts]
    return time.perf_counter() - start, scores


def _gap(name: str, a: list[list[float]], b: list[list[float]]) -> None:
    """Largest |log-likelihood| and |normalised probability| differences over all options."""
    d_ll = max(abs(x - y) for sa, sb in zip(a, b, strict=True) for x, y in zip(sa, sb, strict=True))
    d_p = max(
        abs(x - y)
        for sa, sb in zip(a, b, strict=True)
        for x, y in zip(normalize_scores(sa), normalize_scores(sb), strict=True)
    )
    print(f"{name:44s} max |dLL| {d_ll:.2e} nat   max |dP| {d_p:.2e}")


def _guidance(path: str, prompts, threads: int) -> float | None:  # type: ignore[no-untyped-def]
    try:
        from guidance import assistant, models, select, system, user
    except ImportError:
        return None
    lm0 = models.LlamaCpp(path, n_ctx=2048, n_threads=threads, echo=False, verbose=False)
    start = time.perf_counter()
    for messages, options in prompts:
        lm = lm0
        with system():
            lm += messages[0].content
        with user():
            lm += messages[1].content
        with assistant():
            lm += select(options, name="x")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default="tiny", choices=["tiny", "embedded"])
    parser.add_argument("--prompts", type=int, default=12)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--no-guidance", action="store_true")
    parser.add_argument("--no-repack", action="store_true", help="plain (batch-invariant) kernels")
    parser.add_argument("--noise-floor", action="store_true", help="also naive token by token")
    args = parser.parse_args()
    name = "tiny" if args.model == "tiny" else "default"
    path = resolve_model_path(name, load_settings().model_dir)
    lm = LlamaCppBackend(path, n_threads=args.threads, repack=not args.no_repack)
    prompts = _prompts(args.prompts)
    lm.score_options(*prompts[0])  # warm-up
    t_naive, p_naive = _time(lm.score_options_naive, prompts)
    lm.score_options_naive(*prompts[-1])  # clear the KV cache: no reuse across methods
    t_batch, p_batch = _time(lm.score_options, prompts)
    n_opts = sum(len(o) for _, o in prompts)
    print(f"model={path.name} prompts={len(prompts)} options={n_opts} threads={args.threads} "
          f"repack={not args.no_repack}")
    k = len(prompts)
    print(f"naive (one forward per option): {t_naive:7.2f} s  {t_naive / k:.3f} s/prompt")
    print(f"rung batched prefix-shared:     {t_batch:7.2f} s  {t_batch / k:.3f} s/prompt")
    print(f"speed-up naive/batched: {t_naive / t_batch:.2f}x")
    print_result(script="lm_select", peer="naive per-option scoring (same backend)",
                 peer_version=f"llama-cpp-python {peer_version('llama-cpp-python')}",
                 ratio=f"{t_naive / t_batch:.2f}",
                 result=f"{faster(t_naive / t_batch)} than naive ({path.name}, "
                        f"{k} prompts, {n_opts} options, {args.threads} threads)")
    _gap("batched vs naive", p_batch, p_naive)
    if args.noise_floor:
        _, p_step = _time(lambda m, o: lm.score_options_naive(m, o, step=1), prompts)
        _gap("noise floor: naive token-by-token vs naive", p_step, p_naive)
    if not args.no_guidance:
        try:
            t_guid = _guidance(str(path), prompts, args.threads)
        except Exception as exc:  # report, don't hide: guidance is an optional peer
            print(f"guidance select: failed offline ({type(exc).__name__}: {exc})")
            _guidance_result(f"not measured: failed offline ({type(exc).__name__})")
        else:
            if t_guid is None:
                _guidance_result("not measured: guidance is not installed")
            else:
                print(f"guidance select (no probabilities): {t_guid:7.2f} s  "
                      f"ratio guidance/rung: {t_guid / t_batch:.2f}x")
                _guidance_result(f"{faster(t_guid / t_batch)} than guidance's select "
                                 "(which returns no probabilities)", f"{t_guid / t_batch:.2f}")


def _guidance_result(result: str, ratio: str = "") -> None:
    print_result(script="lm_select", peer="guidance select",
                 peer_version=f"guidance {peer_version('guidance')}", ratio=ratio, result=result)


if __name__ == "__main__":
    main()
