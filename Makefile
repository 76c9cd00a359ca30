# Each target creates and uses the local .venv; nothing needs to be installed beforehand.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PYTEST_FLAGS ?= -q

.PHONY: install demo test unit lint format bench record clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test,examples]"
	touch $@

install: $(VENV)/.installed

demo: $(VENV)/.installed
	$(PY) examples/quickstart.py

OFFLINE := --record-mode=none --block-network --allowed-hosts=127.0.0.1,localhost,::1

# Everything, offline: unit, cassette and soak tests.
test: $(VENV)/.installed
	$(PY) -m pytest $(OFFLINE) $(PYTEST_FLAGS)

# The fast loop: unit tests only, without the soak test.
unit: $(VENV)/.installed
	$(PY) -m pytest tests/unit_tests -m "not soak" $(OFFLINE) $(PYTEST_FLAGS)

lint: $(VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy --strict langchain_onerouter_audio tests/typecheck

format: $(VENV)/.installed
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

# Re-record every cassette against the API named by ONEROUTER_BASE_URL (the live API when it is
# unset) with ONEROUTER_API_KEY, then replay the new set offline as `make test` does. While
# recording, a test's sync run writes its cassette and its async twin is left out (conftest.py).
# ONEROUTER_SERVER_NAME (optional) describes the server in cassettes/examples/*.source.json.
LIVE_BASE_URL := https://audio.onerouter.pro/v1
RECORD_ENV := ONEROUTER_BASE_URL="$${ONEROUTER_BASE_URL:-$(LIVE_BASE_URL)}"
REFERENCE_SERVER_NAME := a local Whisper reference server (Whisper base, Piper voice)

define RECORD_HELP
make record needs ONEROUTER_API_KEY: it re-records every cassette against a real server.

The committed cassettes come from a local OpenAI-compatible audio server running
Whisper base and a Piper voice. Start such a server and record against it:

    export ONEROUTER_BASE_URL=http://127.0.0.1:<port>/v1 ONEROUTER_API_KEY=<its key>
    ONEROUTER_SERVER_NAME="$(REFERENCE_SERVER_NAME)" make record

Or record against the live API ($(LIVE_BASE_URL)):

    ONEROUTER_API_KEY=... make record
endef
export RECORD_HELP

record: $(VENV)/.installed
	@if [ -z "$$ONEROUTER_API_KEY" ]; then echo "$$RECORD_HELP" >&2; exit 2; fi
	@echo "Recording every cassette against $${ONEROUTER_BASE_URL:-$(LIVE_BASE_URL)}"
	$(RECORD_ENV) $(PY) -m pytest --record-mode=rewrite -m vcr $(PYTEST_FLAGS)
	$(RECORD_ENV) ONEROUTER_RECORD=1 $(PY) examples/quickstart.py
	$(RECORD_ENV) ONEROUTER_RECORD=1 $(PY) examples/speak_answer.py
	$(RECORD_ENV) ONEROUTER_RECORD=1 $(PY) examples/rag_transcripts.py
	$(RECORD_ENV) $(PY) -m pytest --record-mode=rewrite tests/integration_tests/test_docs.py $(PYTEST_FLAGS)
	$(RECORD_ENV) ONEROUTER_RECORD=1 $(PY) examples/voice_agent.py
	env -u ONEROUTER_API_KEY -u ONEROUTER_BASE_URL -u ONEROUTER_RECORD $(MAKE) --no-print-directory test

bench: $(VENV)/.installed
	$(PY) -m pip install --quiet -e ".[bench]"
	$(PY) benchmarks/run_all.py

clean:
	rm -rf $(VENV) build dist *.egg-info .mypy_cache .ruff_cache
