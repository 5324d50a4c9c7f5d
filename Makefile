# margin-lab: one command to open the course, one to test everything.
# Needs only Python >= 3.11 on the PATH; everything else goes into .venv.

PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python
STAMP   = $(VENV)/.installed

.PHONY: lab test test-fast test-matplotlib-range matplotlib-range-envs outputs students bench html links readme-links clean

# The course's JupyterLab settings (no "Jupyter news" pop-up), installed as the overrides of
# the venv's own JupyterLab; binder/postBuild installs the same file on Binder.
SETTINGS = $(VENV)/share/jupyter/lab/settings/overrides.json
# JupyterLab refuses to start as root without --allow-root: containers and many cloud machines
# run as root, so `make lab` adds it there (and says so); a normal user gets the plain command.
ROOT_FLAG = $(if $(filter 0,$(or $(EUID),$(shell id -u))),--allow-root)

$(STAMP): pyproject.toml binder/requirements.txt
	$(PYTHON) -c 'import sys; sys.exit("margin-lab needs Python >= 3.11, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c binder/requirements.txt -e '.[test]'
	touch $(STAMP)

$(SETTINGS): binder/overrides.json $(STAMP)
	mkdir -p $(dir $(SETTINGS))
	cp binder/overrides.json $(SETTINGS)

## lab: set up (first time) and open the course in JupyterLab (student copies; as root: --allow-root)
lab: $(STAMP) $(SETTINGS)
	@$(if $(ROOT_FLAG),echo "make lab: running as root: starting JupyterLab with --allow-root")
	$(VENV)/bin/jupyter lab $(ROOT_FLAG) lessons/student/00_start_here.ipynb

## test: set up (first time) and run every test: unit, doctests, strict nbval, browser
test: $(STAMP)
	$(PY) -m pytest

## test-fast: everything except the notebooks and the browser
test-fast: $(STAMP)
	$(PY) -m pytest -m "not browser and not slow" --ignore=lessons

# The ranges pyproject.toml declares for the library's own dependencies (numpy, matplotlib,
# ipywidgets), proven at both ends in two extra environments (.venv-mpl-low, .venv-mpl-new):
# the lowest version each allows, with the pyparsing of their time (matplotlib before 3.10.9
# calls pyparsing names that pyparsing 3.3 deprecates, and the tests turn warnings into errors),
# and whatever releases are newest when the environment is built. tests/test_dependency_range.py
# keeps RANGE_LOW equal to pyproject's lower bounds. The environments hold only numpy, matplotlib,
# ipywidgets, nbformat, pytest and hypothesis, binary wheels only: no JupyterLab, no browser, no
# nbval. So RANGE_TESTS is the library's doctests and every test but the ones that drive Jupyter
# itself (executing, rendering or serving notebooks, Binder pins, JupyterLab settings), which
# make test runs on the pinned set. margin_lab comes from this folder (PYTHONPATH), so nothing is
# built. pytest runs with pyproject's addopts minus --nbval (lessons/ is not collected here).
RANGE_LOW    ?= 'numpy==1.26.0' 'matplotlib==3.8.0' 'ipywidgets==8.1.0' 'pyparsing<3.3'
RANGE_NEW    ?= numpy matplotlib ipywidgets
RANGE_DEPS    = nbformat pytest hypothesis
RANGE_JUPYTER = about binder execute_lessons lesson_cells lesson_hygiene make_lab no_answers_shown render_html
RANGE_TESTS   = margin_lab tests $(foreach t,$(RANGE_JUPYTER),--ignore=tests/test_$(t).py)
RANGE_OPTS    = $(filter-out --nbval,$(shell sed -n 's/^addopts = "\(.*\)"$$/\1/p' pyproject.toml))

# Kept even when a run builds one only on the way to a test-mpl-% target.
.PRECIOUS: .venv-mpl-%/.installed
.venv-mpl-%/.installed: pyproject.toml Makefile
	test -x .venv-mpl-$*/bin/python || $(PYTHON) -m venv .venv-mpl-$*
	.venv-mpl-$*/bin/python -m pip install --quiet --only-binary :all: --upgrade $(RANGE_DEPS) $(RANGE_$(shell echo $* | tr a-z A-Z))
	touch $@

## matplotlib-range-envs: build the two environments of test-matplotlib-range (.ci/run does it during make test)
matplotlib-range-envs: .venv-mpl-low/.installed .venv-mpl-new/.installed

## test-matplotlib-range: the library's tests on the lowest numpy, matplotlib and ipywidgets pyproject.toml
## allows and on the newest releases (both at once, one per core; each one's output is printed whole when it ends)
test-matplotlib-range: matplotlib-range-envs
	$(MAKE) --no-print-directory -j2 --output-sync=target test-mpl-low test-mpl-new

test-mpl-%: .venv-mpl-%/.installed
	.venv-mpl-$*/bin/python -c 'import numpy, matplotlib, ipywidgets as w; print("numpy", numpy.__version__, "matplotlib", matplotlib.__version__, "ipywidgets", w.__version__, "in .venv-mpl-$*")'
	PYTHONPATH=$(CURDIR) .venv-mpl-$*/bin/python -m pytest -q -o addopts='$(RANGE_OPTS)' \
	  -m "not browser and not slow" --ignore=lessons $(RANGE_TESTS)

## outputs: re-execute every lesson headless, in order, and store its outputs
outputs: $(STAMP)
	$(PY) tools/execute_lessons.py

## students: regenerate lessons/student/ from the stored lessons (no execution)
students: $(STAMP)
	$(PY) tools/student_copies.py

## bench: print the benchmark table (ratios measured in one run)
bench: $(STAMP)
	$(PY) benchmarks/run.py

## html: render every lesson to static HTML with its widgets' initial state (site/)
html: $(STAMP)
	$(PY) tools/render_html.py --out site

## links: print Binder, nbgitpuller and Colab links: make links HUB=https://hub.example.edu [BRANCH=main] [SOLUTIONS=1]
## (standard library only: runs with $(PYTHON), builds no environment)
links:
	@test -n "$(HUB)" || { echo "usage: make links HUB=https://hub.example.edu [BRANCH=main] [SOLUTIONS=1]"; exit 2; }
	$(PYTHON) -m margin_lab.links --hub "$(HUB)" --branch "$(or $(BRANCH),main)" $(if $(SOLUTIONS),--solutions,--student)

## readme-links: rewrite the launch-links blocks in README.md and lessons/README.md
readme-links: $(STAMP)
	$(PY) tools/update_readme_links.py

clean:
	rm -rf $(VENV) .venv-mpl-low .venv-mpl-new build *.egg-info
