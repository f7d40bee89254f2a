# tempoload: `make demo` runs a guided set on the simulated machine; `make test` runs every test.
# Both install missing Debian packages (.ci/deps.sh) and build first.
BUILD ?= build
JOBS ?= $(shell nproc)
BUILD_TYPE ?= RelWithDebInfo

.PHONY: all deps configure build demo demo-dyn test bench bench-storage bench-telemetry api-doc format clean

all: build

deps:
	@bash .ci/deps.sh

configure: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) >/dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

demo: build
	@bash sim/run_demo.sh $(BUILD)

demo-dyn: build
	@bash sim/run_demo_dyn.sh $(BUILD)

test: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

bench: build
	@bash tests/bench/control_loop_bench.sh $(BUILD) 30

bench-storage: build
	@bash tests/bench/storage_bench.sh $(BUILD)

bench-telemetry: build
	@bash tests/bench/telemetry_bench.sh $(BUILD) 20

api-doc: build
	@cmake --build $(BUILD) --target api-doc

format:
	@git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

clean:
	@rm -rf $(BUILD)
