.DEFAULT_GOAL := help
PY ?= python
# The training seed of the bundled model: of seeds 1-8, the best on CoNLL-2003 dev.
SEED ?= 2

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

build:  ## build the extension in release mode into the current environment
	maturin develop --release

test:  ## install with test extras and run every test (the README's command; CI runs it)
	pip install '.[test]' && $(PY) -m pytest && cargo test

lint:  ## rustfmt, clippy (core and bindings), ruff
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings
	cargo clippy --all-targets --features python -- -D warnings
	ruff check python tests benchmarks build_backend .ci/smoke.py
	ruff format --check python tests benchmarks build_backend .ci/smoke.py
	$(PY) -m mypy.stubtest newsgraph._core

fmt:  ## format Rust and Python sources
	cargo fmt
	ruff format python tests benchmarks build_backend .ci/smoke.py
	ruff check --fix python tests benchmarks build_backend .ci/smoke.py

wheel:  ## build the portable wheel into target/wheels (README "Platforms")
	rm -rf target/wheels
	pip wheel . --no-deps -w target/wheels

bench:  ## every benchmark against its peers, results in benchmarks/RESULTS.md (needs ../shared)
	pip install '.[bench]'
	$(PY) benchmarks/parse_bench.py
	$(PY) benchmarks/ner_eval.py
	$(PY) benchmarks/entity_eval.py
	$(PY) benchmarks/cooccur_bench.py
	$(PY) benchmarks/run.py

.PHONY: help build test lint fmt wheel bench model

model:  ## rebuild the bundled entity tagger from ../shared (gazetteers, clusters, CoNLL train/dev)
	pip install -r training/requirements.txt
	$(PY) training/build_resources.py --out build/ner-resources
	$(PY) -m newsgraph.train ../shared/data/conll2003/eng.train \
		--dev ../shared/data/conll2003/eng.testa \
		--gazetteers build/ner-resources/gazetteers.tsv \
		--clusters build/ner-resources/clusters.tsv \
		--seed $(SEED) \
		--out python/newsgraph/models/ner-en.bin
