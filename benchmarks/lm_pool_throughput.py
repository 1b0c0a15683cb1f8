"""Throughput of one vs two single-threaded llama.cpp servers behind rung's endpoint pool.

Usage: ``python benchmarks/lm_pool_throughput.py [--prompts N] [--threads T] [--score S]``

Starts two ``llama_cpp.server`` processes (SmolLM2-135M, ``--n_threads 1``) on 127.0.0.1,
then sends the same kind of work through ``EndpointPool([A])`` and ``EndpointPool([A, B])``
from ``T`` client threads: ``N`` greedy generations of 16 tokens and ``S`` echo-scored
yes/no prompts (the call a benchmark question makes; slow on llama_cpp.server, which sorts
the vocabulary for every prompt token). Prints prompts/s of each, the ratio, the prompt
tokens per prompt, the per-endpoint table and the machine's load average, which matters:
two servers only help when two cores are free. Ends with one ``RESULT`` line.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
from _result import print_result  # benchmarks/_result.py

from rung.lm.base import Message
from rung.lm.chat import CHATML, render_chat
from rung.lm.models import tiny_model_path
from rung.lm.pool import EndpointPool, format_stats

WORDS = ["ice", "fire", "snow", "lava", "rain", "milk", "steel", "wool", "glass", "sand",
         "tea", "wind", "moss", "salt", "clay", "gold"]


def _server() -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cmd = [sys.executable, "-m", "llama_cpp.server", "--model", str(tiny_model_path()),
           "--host", "127.0.0.1", "--port", str(port), "--n_threads", "1"]
    env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE"}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return proc, f"http://127.0.0.1:{port}/v1"


def _wait(url: str) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/models", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise SystemExit(f"llama_cpp.server at {url} did not start within 120 s")


def _prompt(tag: str, i: int) -> list[Message]:
    return [Message("user", f"Is {WORDS[i % len(WORDS)]} ({tag}{i}) cold? Answer yes or no.")]


def _prompt_tokens(prompts: list[list[Message]]) -> float:
    from llama_cpp import Llama

    vocab = Llama(str(tiny_model_path()), vocab_only=True, verbose=False)
    sizes = [len(vocab.tokenize(render_chat(CHATML, p).encode(), special=True)) for p in prompts]
    return sum(sizes) / len(sizes)


def _measure(pool: EndpointPool, tag: str, n: int, s: int, threads: int) -> tuple[float, float]:
    """(generations/s, scored prompts/s) through ``pool`` from ``threads`` threads."""
    with ThreadPoolExecutor(threads) as workers:
        start = time.perf_counter()
        list(workers.map(lambda i: pool.generate(_prompt(tag, i), max_tokens=16), range(n)))
        gen = n / (time.perf_counter() - start)
        score = 0.0
        if s:
            start = time.perf_counter()
            list(workers.map(lambda i: pool.score_options(_prompt(tag + "s", i), ["yes", "no"]),
                             range(s)))
            score = s / (time.perf_counter() - start)
    return gen, score


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prompts", type=int, default=16, help="generations per setting")
    parser.add_argument("--threads", type=int, default=4, help="client threads")
    parser.add_argument("--score", type=int, default=0, help="echo-scored prompts per setting")
    args = parser.parse_args()
    servers = [_server(), _server()]
    try:
        for _, url in servers:
            _wait(url)
        urls = [url for _, url in servers]
        warm = EndpointPool(urls, "smollm2", concurrency=1, timeout=120)
        warm.generate(_prompt("w", 0), max_tokens=2)
        warm.generate(_prompt("w", 1), max_tokens=2)
        print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        results = {}
        for size in (1, 2):
            pool = EndpointPool(urls[:size], "smollm2", concurrency=1, timeout=300)
            results[size] = _measure(pool, f"p{size}-", args.prompts, args.score, args.threads)
            print(f"{size} endpoint(s): {results[size][0]:.2f} generations/s (16 tokens)"
                  + (f", {results[size][1]:.3f} scored prompts/s" if args.score else ""))
            print(format_stats(pool.stats()))
        tokens = _prompt_tokens([_prompt("p1-", i) for i in range(args.prompts)])
        print(f"prompt tokens per prompt: {tokens:.1f}; load average after: "
              f"{os.getloadavg()[0]:.1f}")
        ratio = results[2][0] / results[1][0]
        text = f"2 endpoints {ratio:.2f}x the generation throughput of 1"
        if args.score:
            text += f", scoring {results[2][1] / results[1][1]:.2f}x"
        print(text)
        print_result(script="lm_pool_throughput", peer="1 endpoint", peer_version="-",
                     result=text)
    finally:
        for proc, _ in servers:
            proc.kill()
            proc.wait(10)


if __name__ == "__main__":
    main()
