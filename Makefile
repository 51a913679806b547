# One task runner. `make run` starts the app, `make test` runs every test,
# `make cluster` starts the proxy, N app processes and PostgreSQL (deploy/README.md).
# Both create .venv and install what they need on first use.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run cluster test lint format validate security bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip 'setuptools>=78.1.1'
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python -m compliance_app.ui.settings
	$(BIN)/streamlit run streamlit_app.py --browser.gatherUsageStats false --server.address localhost

N ?= 2
cluster: $(STAMP)
	deploy/run.sh $(N)

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m compliance_app validate rules
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

validate: $(STAMP)
	$(BIN)/python -m compliance_app validate rules

security: $(STAMP)
	$(BIN)/bandit -q -c bandit.yaml -r compliance_app streamlit_app.py
	$(BIN)/pip-audit --vulnerability-service pypi

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -r bench/requirements.txt
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV)
