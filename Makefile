# A thin front for people; the build itself is CMake + Ninja (+ ccache).
#   make          build everything (C++ libraries, the tscript tool, the Python extension)
#   make test     install what is missing, build, run every test
#   make demo     the main job, as far as it exists today
#   make install  the library, headers, `tscript` and the CMake package into PREFIX (/usr/local)
PYTHON ?= /usr/bin/python3
BUILD  ?= build
JOBS   ?= 2
CMAKE_FLAGS ?=
PREFIX ?= /usr/local

.PHONY: all deps configure build install test test-cpp test-python check-boundary demo clean

all: build

deps:
	@scripts/install-deps.sh --if-missing

$(BUILD)/build.ninja: | deps
	cmake -S . -B $(BUILD) -G Ninja -DTSCRIPT_PYTHON=$(PYTHON) $(CMAKE_FLAGS)

configure: $(BUILD)/build.ninja

build: deps configure
	ninja -C $(BUILD) -j $(JOBS)

install: build
	cmake --install $(BUILD) --prefix $(PREFIX)

# Tests run the IR verifier after every pass (src/ir/pass_registry.h).
export TSCRIPT_VERIFY = 1

test-cpp: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

test-python: build
	TSCRIPT_BIN=$(abspath $(BUILD))/bin/tscript PYTHONPATH=$(abspath python) \
	  $(PYTHON) -m pytest -q tests/python

check-boundary: build
	scripts/check-boundary.sh $(BUILD)

test: test-cpp test-python check-boundary

demo: build
	@scripts/demo.sh $(BUILD)

clean:
	rm -rf $(BUILD)
