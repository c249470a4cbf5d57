# The two entry points of the README: `make demo` (main job) and `make test` (every test).
# Both install what a fresh machine lacks (Unicorn from Debian) before building.
SHELL := /bin/bash
LOADER := build/IS25LP512M_STM32U5G7.stldr
SAMPLE := build/sample-reported.hex

.PHONY: deps loader fixtures demo test full-chip clean

deps:
	@if ! pkg-config --exists unicorn 2>/dev/null; then \
	  echo "Installing libunicorn-dev (Unicorn engine) and pkg-config"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq libunicorn-dev pkg-config >/dev/null; \
	fi
	@# The HAL test loaders (Tests/Fixtures/HALLoaders) build with Debian's bare-metal GCC.
	@if ! command -v arm-none-eabi-gcc >/dev/null; then \
	  echo "Installing gcc-arm-none-eabi and libnewlib-arm-none-eabi (HAL test loaders)"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq gcc-arm-none-eabi libnewlib-arm-none-eabi >/dev/null; \
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
# release build: over a minute of emulation, too slow for a debug-built unit test.
full-chip: deps loader
	swift build -c release --product loaderlab
	.build/release/loaderlab bench --scenario full-chip

test: deps loader fixtures full-chip
	swift build --build-tests
	swift test --skip-build

clean:
	rm -rf build .build Firmware/.build
