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

# Re-record every cassette against the API named by ONEROUTER_BASE_URL with ONEROUTER_API_KEY.
# ONEROUTER_SERVER_NAME (optional) describes that server in cassettes/examples/*.source.json.
record: $(VENV)/.installed
	$(PY) -m pytest --record-mode=rewrite -m vcr $(PYTEST_FLAGS)
	ONEROUTER_RECORD=1 $(PY) examples/quickstart.py
	ONEROUTER_RECORD=1 $(PY) examples/speak_answer.py
	ONEROUTER_RECORD=1 $(PY) examples/rag_transcripts.py
	$(PY) -m pytest --record-mode=rewrite tests/integration_tests/test_docs.py $(PYTEST_FLAGS)
	ONEROUTER_RECORD=1 $(PY) examples/voice_agent.py

bench: $(VENV)/.installed
	$(PY) -m pip install --quiet -e ".[bench]"
	$(PY) benchmarks/run_all.py

clean:
	rm -rf $(VENV) build dist *.egg-info .mypy_cache .ruff_cache
