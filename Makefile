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
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
TSAN_BUILD ?= build-tsan

.PHONY: all deps configure build install fuzz test-fuzz test-fuzz-load test-tsan test test-cpp test-python test-slow check-boundary demo clean

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
	  $(PYTHON) -m pytest -q -m "not slow" tests/python

# The tests marked `slow` (models too slow to build for `make test`: tests/python/test_trace_torchvision.py).
test-slow: build
	TSCRIPT_BIN=$(abspath $(BUILD))/bin/tscript PYTHONPATH=$(abspath python) \
	  $(PYTHON) -m pytest -q -m slow tests/python

check-boundary: build
	scripts/check-boundary.sh $(BUILD)

test: test-cpp test-python check-boundary test-fuzz

# The libFuzzer targets (clang, ASan + UBSan; their own build folder, cmake/Fuzz.cmake), on
# the seeds of tests/fuzz/. `make test` fuzzes the archive reader (zip, pickles, code records)
# for FUZZ_SECONDS: it links only the serialize layer, so its build is small. Whole loads
# (tensor rebuild, code compile, method creation) are fuzzed by `make test-fuzz-load`, which
# is not part of `make test`: it builds the whole stack a second time with clang and ASan,
# which alone would take about a third of make test's 30-minute budget on 2 cores. The seeds
# of both targets are replayed through full loads of the normal build in make test
# (tests/python/test_fuzz_corpus.py).
$(FUZZ_BUILD)/build.ninja: | deps
	cmake -S . -B $(FUZZ_BUILD) -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DTSCRIPT_FUZZ=ON \
	  -DTSCRIPT_PYTHON=$(PYTHON)

fuzz: $(FUZZ_BUILD)/build.ninja
	ninja -C $(FUZZ_BUILD) -j $(JOBS) archive_reader_fuzz

test-fuzz: fuzz
	scripts/run-fuzz.sh $(FUZZ_BUILD)/bin/archive_reader_fuzz $(FUZZ_SECONDS)

test-fuzz-load: $(FUZZ_BUILD)/build.ninja
	ninja -C $(FUZZ_BUILD) -j $(JOBS) archive_load_fuzz
	scripts/run-fuzz.sh $(FUZZ_BUILD)/bin/archive_load_fuzz $(FUZZ_SECONDS)

# The thread tests (C++ API, interface-call dispatch) under ThreadSanitizer (their own build folder; see TSCRIPT_SANITIZE in
# CMakeLists.txt and the suppressions in tests/cpp/tsan.supp). Not part of `make test`: the
# instrumented build takes too long on 2 cores.
$(TSAN_BUILD)/build.ninja: | deps
	cmake -S . -B $(TSAN_BUILD) -G Ninja -DTSCRIPT_SANITIZE=thread -DTSCRIPT_PYTHON=$(PYTHON)

test-tsan: $(TSAN_BUILD)/build.ninja
	ninja -C $(TSAN_BUILD) -j $(JOBS) test_api test_runtime
	TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$(abspath tests/cpp/tsan.supp)" \
	  $(TSAN_BUILD)/bin/test_api --gtest_filter='*Thread*'
	TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$(abspath tests/cpp/tsan.supp)" \
	  $(TSAN_BUILD)/bin/test_runtime --gtest_filter='*Thread*'

demo: build
	@scripts/demo.sh $(BUILD)

clean:
	rm -rf $(BUILD)
