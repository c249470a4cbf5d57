# The two entry points of the README: `make demo` (main job) and `make test` (every test).
# Both install what a fresh machine lacks (Debian packages, `deps`) before building.
SHELL := /bin/bash
LOADER := build/IS25LP512M_STM32U5G7.stldr
SAMPLE := build/sample-reported.hex

.PHONY: deps loader fixtures demo test full-chip fuzz clean

# Debian packages: Unicorn (the emulator), bare-metal GCC with newlib headers (the GCC and
# ST-HAL test loaders in Tests/Fixtures), gdb-multiarch (the GDB server tests), GNU time (the
# resident peak of the memory-cap tests).
DEBS := libunicorn-dev pkg-config gcc-arm-none-eabi libnewlib-arm-none-eabi gdb-multiarch time

deps:
	@if ! pkg-config --exists unicorn 2>/dev/null || ! command -v arm-none-eabi-gcc >/dev/null \
	    || ! command -v gdb-multiarch >/dev/null || [ ! -x /usr/bin/time ]; then \
	  echo "Installing $(DEBS)"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq $(DEBS) >/dev/null; \
	fi

loader:
	@bash Firmware/build.sh

fixtures:
	@if [ -f Tests/Fixtures/BrokenLoaders/build.sh ]; then bash Tests/Fixtures/BrokenLoaders/build.sh; fi
	@if [ -f Tests/Fixtures/HALLoaders/build.sh ]; then bash Tests/Fixtures/HALLoaders/build.sh; fi

demo: deps loader
	swift build -c release --product loaderlab
	.build/release/loaderlab sample-image --output $(SAMPLE)
	.build/release/loaderlab program $(SAMPLE) --loader $(LOADER)

# Our loader programs and verifies a whole 64 MiB chip (MassErase + 1,000 Writes) in a
# release build: too slow for a debug-built unit test (docs/benchmarks.md).
full-chip: deps loader
	swift build -c release --product loaderlab
	.build/release/loaderlab bench --scenario full-chip

# The full-chip session runs beside the unit tests' build and run instead of before them:
# the suite waits for it only at the end, and fails if it did not program and verify.
test: deps loader fixtures
	swift build -c release --product loaderlab
	@mkdir -p build; \
	.build/release/loaderlab bench --scenario full-chip > build/full-chip.log 2>&1 & pid=$$!; \
	swift build --build-tests && swift test --skip-build; status=$$?; \
	if wait $$pid; then cat build/full-chip.log; else echo "full-chip session failed:"; cat build/full-chip.log; status=1; fi; \
	exit $$status

# libFuzzer targets (Fuzz/): the ELF/loader/lint reader, the HEX and S-record readers, the
# board JSON, and a whole session on a mutated loader; counts and crashes in docs/robustness.md.
fuzz: deps loader fixtures
	bash Fuzz/build.sh
	bash Fuzz/run.sh

clean:
	rm -rf build .build Firmware/.build
