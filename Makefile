# Optional shortcuts: every target delegates to dev.py or .venv binaries, so nothing here
# is required (python3 dev.py <cmd> does the same without make).
# Pass extra arguments with ARGS, e.g.  make test ARGS="-k referral -x"

PYTHON ?= python3
VENV_BIN := .venv/bin
ARGS ?=

.PHONY: help setup demo test check pg-test fmt bench messages

help:
	@echo "targets: setup demo test check pg-test fmt bench messages   (extra args: ARGS=...)"

setup:
	$(PYTHON) dev.py setup

demo:
	$(PYTHON) dev.py demo $(ARGS)

test:
	$(PYTHON) dev.py test $(ARGS)

check:
	$(PYTHON) dev.py check $(ARGS)

pg-test:
	$(PYTHON) dev.py pg-test $(ARGS)

fmt:
	$(PYTHON) dev.py fmt

bench: setup
	@if [ -f bench/run_all.py ]; then $(VENV_BIN)/python bench/run_all.py $(ARGS); \
	else echo "bench: no bench/run_all.py yet, nothing to run"; fi

messages: setup
	@command -v xgettext >/dev/null 2>&1 || { echo "messages: needs GNU gettext (Debian: apt-get install gettext)" >&2; exit 1; }
	$(VENV_BIN)/baove manage makemessages -l vi -l en --ignore .venv
	$(VENV_BIN)/python scripts/compile_messages.py
