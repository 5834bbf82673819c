# The two commands of the README: `make demo` and `make test`.
.PHONY: setup demo test lint bench

setup: .venv/.postcast-setup

.venv/.postcast-setup: pyproject.toml scripts/setup.sh $(wildcard package.json package-lock.json)
	./scripts/setup.sh
	touch $@

demo: setup
	.venv/bin/postcast demo

test: setup
	.venv/bin/ruff check src tests benchmarks
	.venv/bin/mypy
	.venv/bin/python -m pytest

lint: setup
	.venv/bin/ruff check src tests benchmarks
	.venv/bin/ruff format --check src tests benchmarks
	.venv/bin/mypy

bench: setup
	.venv/bin/python -m pip install -q -e ".[bench]"
	.venv/bin/python benchmarks/run_all.py
