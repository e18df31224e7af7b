# shopcms: the two commands of the README.
#   make start   create .venv, install, initialise the database from content/, serve :6543
#   make test    install the test extras and run the whole suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INI ?= development.ini
LOCALES := src/shopcms/locale

.PHONY: start test install install-test translations extract-messages french-typography lint format clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip 'setuptools>=68,<81' wheel

# Installing includes compiling the message catalogs with Babel.
$(VENV)/.installed: $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@

install: $(VENV)/.installed translations

# The test tools from the npm registry (tests/js: axe-core, the Nu HTML checker, Lighthouse),
# exact versions from the committed lock; their install scripts are not needed (vnu-jar's
# would download a Java: Debian's is used).
JS := tests/js
$(JS)/node_modules/.installed: $(JS)/package.json $(JS)/package-lock.json
	npm ci --prefix $(JS) --no-audit --no-fund --ignore-scripts
	@touch $@

install-test: $(VENV)/.installed-test translations $(JS)/node_modules/.installed

translations: $(BIN)/python
	$(BIN)/pybabel compile --domain shopcms --directory $(LOCALES) --statistics

# Regenerate the .pot from the sources and templates, then merge it into each catalog.
extract-messages: $(VENV)/.installed-test
	$(BIN)/pot-create --config lingua.cfg --package-name shopcms --output $(LOCALES)/shopcms.pot src/shopcms
	for lang in nl fr en; do \
		$(BIN)/pybabel update --domain shopcms --input-file $(LOCALES)/shopcms.pot \
			--output-dir $(LOCALES) --locale $$lang --no-fuzzy-matching --ignore-obsolete; \
	done

# French punctuation spacing (U+202F before ; : ! ? and inside « »): docs/translations.md.
french-typography: $(BIN)/python
	$(BIN)/python -m shopcms.web.typography $(LOCALES)/fr/LC_MESSAGES/shopcms.po

start: install
	mkdir -p var
	$(BIN)/shopcms init $(INI)
	@# pserve imports Pyramid before shopcms can filter its pkg_resources warning.
	PYTHONWARNINGS='ignore:pkg_resources is deprecated as an API:UserWarning' $(BIN)/pserve $(INI)

# Three workers on the two cores (many tests wait on servers, subprocesses and the browser,
# so a third keeps the cores busy), a test module on one worker: the accessibility walk
# (about three minutes, shared by its module's tests) runs once.  (--dist loadgroup let
# every worker walk.)
test: install-test
	$(BIN)/python -m pytest -n 3 --dist loadscope $(PYTEST_ARGS)

lint:
	$(BIN)/ruff check src tests bench content
	$(BIN)/ruff format --check src tests bench content
	$(BIN)/lint-imports --no-cache

format:
	$(BIN)/ruff format src tests bench content
	$(BIN)/ruff check --fix src tests bench content

clean:
	rm -rf $(VENV) var test-artifacts build *.egg-info src/*.egg-info $(JS)/node_modules
