# The two commands: `make start` and `make test`. Each creates .venv when it
# is missing and installs the course into it; a second run installs nothing
# unless pyproject.toml or the pinned versions changed.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.mentorkit-installed
PIN    := binder/requirements.txt
TEMPLATE := share/jupyter/voila/templates/mentorkit
PORT   ?= 8888
HUB    := deploy/jupyterhub
PROXY  := $(HUB)/node_modules/.bin/configurable-http-proxy

# With no display there is no browser to open: print the address instead.
BROWSER_FLAG := $(if $(DISPLAY)$(WAYLAND_DISPLAY),,--no-browser)

.PHONY: start test bench install lint links clean-venv hub

$(STAMP): pyproject.toml $(PIN)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Installing mentorkit and its dependencies into $(VENV) (first run takes a few minutes)..."
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c $(PIN) -e ".[test]"
	@# the course's Voila template (voila.json): an editable install does not copy data files
	mkdir -p $(VENV)/share/jupyter/voila/templates
	ln -sfn $(CURDIR)/$(TEMPLATE) $(VENV)/share/jupyter/voila/templates/mentorkit
	@touch $(STAMP)

install: $(STAMP)

# JupyterHub's proxy, from npm (pinned in package-lock.json); Debian's nodejs and
# npm are installed first when missing and we are root.
$(PROXY): $(HUB)/package.json $(HUB)/package-lock.json
	@command -v npm >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  apt-get install -y -q nodejs npm >/dev/null; } || \
	  { echo "npm is needed for JupyterHub's proxy: install Node.js (https://nodejs.org)"; exit 1; }
	npm ci --prefix $(HUB) --no-audit --no-fund --loglevel=error
	@touch $(PROXY)

# One server for the whole repository: the course home opens as an app (Voila),
# and JupyterLab is there for those who want the code (mentorkit/launch.py).
start: $(STAMP)
	$(BIN)/python -m mentorkit.launch --port=$(PORT) $(BROWSER_FLAG)

test: $(STAMP) $(PROXY)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# A hub for a workshop on this machine: roster in deploy/jupyterhub/roster.csv,
# a password per person, an OS account per person when run as root (docs/deploy.md).
hub: $(STAMP) $(PROXY)
	$(BIN)/jupyterhub -f $(HUB)/jupyterhub_config.py

bench: $(STAMP) $(PROXY)
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check widgets tests benchmarks

clean-venv:
	rm -rf $(VENV)

links:
	$(PYTHON) binder/links.py
