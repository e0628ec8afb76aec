# The two commands: `make run` and `make test`. Everything else here serves them.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
CONFIG ?= config.toml

.PHONY: run test lint bench clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[test]'
	touch $(STAMP)

## run: start the bot with $(CONFIG); without a token (or without the file) start the sandbox
run: $(STAMP)
	@dpkg -s $(RUNTIME_PACKAGES) >/dev/null 2>&1 || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(RUNTIME_PACKAGES) >/dev/null; } || \
		echo "warning: install $(RUNTIME_PACKAGES) (as root) for the printable posters" >&2
	$(PY) run.py --config $(CONFIG)

# A third-party Bot API emulator (npm) that the compatibility tests run the bot against.
FOREIGN := tests/foreign_botapi
$(FOREIGN)/node_modules/.package-lock.json: $(FOREIGN)/package.json $(FOREIGN)/package-lock.json
	npm ci --prefix $(FOREIGN) --no-audit --no-fund --loglevel=error

# Browser tests drive Debian's Chromium through Playwright (never `playwright install`); the CJK
# and emoji fonts make Chinese text render in screenshots and printed posters. Needs root (CI).
BROWSER_PACKAGES := chromium fonts-noto-cjk fonts-noto-color-emoji
# The printable posters embed a TrueType CJK font (reportlab cannot embed Noto CJK's CFF outlines).
RUNTIME_PACKAGES := fonts-wqy-zenhei
# The poster tests render PDFs to images (pdftoppm, pdftotext) and read the QR codes back (zbarimg).
TEST_PACKAGES := $(BROWSER_PACKAGES) $(RUNTIME_PACKAGES) poppler-utils zbar-tools

## test: lint, check the import arrows, run the whole suite
test: $(STAMP) $(FOREIGN)/node_modules/.package-lock.json
	@dpkg -s $(TEST_PACKAGES) >/dev/null 2>&1 || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		$(TEST_PACKAGES) >/dev/null; }
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) -m pytest -q

bench: $(STAMP)
	$(PY) -m bench

clean:
	rm -rf $(VENV) .pytest_cache
