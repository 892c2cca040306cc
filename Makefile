# scoretune: the two commands a new user needs are `make demo` and `make test`.
SHELL := /bin/bash
SWIFT_BUILD_FLAGS ?=
BIN := .build/release/scoretune

PREFIX ?= /usr/local

.PHONY: all bootstrap build release install test check demo bench bench-memory bench-peers bench-ceiling bench-profile bench-search bench-merge bench-retries dist check-backends clean chaos soak \
	fuzz-build fuzz fuzz-ci

all: build

bootstrap:
	@scripts/bootstrap

build: bootstrap
	swift build $(SWIFT_BUILD_FLAGS)

release: bootstrap
	swift build -c release $(SWIFT_BUILD_FLAGS)

# `scoretune` on PATH: the release build into $(PREFIX)/bin (PREFIX=/usr/local unless given).
install: release
	install -D -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/scoretune

# A binary that travels: the release with the Swift runtime linked in, as
# dist/scoretune-<version>-linux-<arch>.tar.gz, proved to run with the toolchain hidden (scripts/dist).
dist: bootstrap
	@scripts/backend start seaweedfs
	scripts/dist

# Start SeaweedFS, prove it is Score-compatible, run the quick-start scenario through Score's data
# path, print the recommended settings and write the reports (results in reports/scoretune.sqlite).
demo: release
	@scripts/backend start seaweedfs
	$(BIN) check --env .scoretune/backends/seaweedfs/.env.score
	$(BIN) run scenarios/quickstart.yaml
	$(BIN) recommend
	$(BIN) report

# Benchmarks (not tests): results go under reports/.
bench: bench-memory bench-ceiling bench-peers bench-profile

bench-ceiling: release
	.scoretune/venv/bin/python scripts/bench/ceiling.py --rounds $(or $(ROUNDS),5)

bench-peers: release
	@scripts/bootstrap ceph
	@scripts/backend start seaweedfs
	@scripts/backend start ceph
	.scoretune/venv/bin/python scripts/bench/peers.py --rounds $(or $(ROUNDS),5)

bench-memory: release
	@scripts/backend start seaweedfs
	scripts/bench/memory

bench-profile: release
	@scripts/backend start seaweedfs
	scripts/bench/profile

# A fleet of 64 synthetic workers of 100,000 and of 1,000,000 attempts each: merge, report, recommend and
# compare, each timed with its peak RSS (reports/bench-merge-<date>.md).
bench-merge: release
	@scripts/backend start seaweedfs
	.scoretune/venv/bin/python scripts/bench/merge.py

# The whole grid beside successive halving on shipped scenarios (reports/bench-search-<date>.md).
bench-search: release
	@scripts/backend start seaweedfs
	.scoretune/venv/bin/python scripts/bench/search.py

# Retries and timeouts sized from a soak of two played fault models, then the file's values and the
# recommended ones run through the same model (reports/retries-<date>.md).
bench-retries: release
	@scripts/backend start seaweedfs
	scripts/bench/retries

# The inner loop: every test that needs no server (the in-memory store stands in for the stores;
# tests of what only real stores prove skip), and the module graph's declared dependencies.
check: bootstrap
	python3 scripts/checks/dependencies.py
	swift build --build-tests $(SWIFT_BUILD_FLAGS)
	SCORETUNE_SKIP_BACKENDS=1 swift test --skip-build

# The whole suite against the three real S3 backends and the Azure test server, stopped afterwards;
# first the Azure test server's conformance, shown with the official SDK.
test: bootstrap
	python3 scripts/checks/dependencies.py
	@scripts/bootstrap ceph chromium slurm
	.scoretune/venv/bin/python scripts/azure/conformance.py
	swift build --build-tests $(SWIFT_BUILD_FLAGS)
	SCORETUNE_REQUIRE_BACKENDS=1 scripts/with-backends seaweedfs rclone ceph azure slurm -- swift test --skip-build
	scripts/with-backends seaweedfs -- .scoretune/venv/bin/python scripts/chaos/matrix.py --binary .build/debug/scoretune --sample 8 --seed 1
	$(MAKE) --no-print-directory fuzz-ci

# The chaos suite: every ending (SIGINT, SIGTERM, SIGHUP, a double Ctrl-C, kill -9 then clean) at
# every phase against every store state, each cell's invariants checked (reports/chaos-<date>.md).
# `make test` runs a seeded sample of 8 cells.
chaos: release
	@scripts/backend start seaweedfs
	.scoretune/venv/bin/python scripts/chaos/matrix.py --seed $(or $(SEED),1)

# 30 minutes (SOAK_MINUTES) through a path that resets, stalls and answers 503: memory, descriptors
# and threads flat, every trial verified or explained, nothing left (reports/soak-<date>.md).
soak: release
	@scripts/backend start seaweedfs
	.scoretune/venv/bin/python scripts/soak/run.py

# `scoretune check` against every local backend (they stay up afterwards).
check-backends: release
	@for b in seaweedfs rclone ceph azure; do scripts/backend start $$b && $(BIN) check --env .scoretune/backends/$$b/.env.score; done

# Coverage-guided fuzzing with libFuzzer (this toolchain's -sanitize=fuzzer), in its own build folder.
# `make fuzz` runs each target FUZZ_TIME seconds; `make fuzz-ci` a fixed, seeded FUZZ_RUNS runs each.
# Crashes land in .build-fuzz/artifacts/; replay one with `$(FUZZ_RUN) .build-fuzz/release/FuzzScenario FILE`.
FUZZ_DIR := .build-fuzz
FUZZ_TIME ?= 600
FUZZ_RUNS ?= 2000
FUZZ_JOBS ?= 2
# Coverage for Swift code. Add `-Xcc -fsanitize=fuzzer-no-link` to cover C (libyaml in Yams) too:
# more guidance for the YAML target, about 90 s more to build. Changing these rebuilds everything.
FUZZ_SWIFT_FLAGS ?= -Xswiftc -sanitize=fuzzer
FUZZ_ARGS ?=
# Swift's crash backtracer would take the signal before libFuzzer and no reproducer would be written.
FUZZ_RUN := SWIFT_BACKTRACE=enable=no
fuzz_env := FuzzScoreConfig
fuzz_scenario := FuzzScenario

fuzz-build:
	@for product in $(fuzz_env) $(fuzz_scenario); do \
		SCORETUNE_FUZZ=1 swift build -c release --scratch-path $(FUZZ_DIR) -j $(FUZZ_JOBS) $(FUZZ_SWIFT_FLAGS) --product $$product || exit 1; \
	done

# $(call fuzz_one,corpus name,product,libFuzzer options,folder new inputs go to)
# Reads the seeds (shipped files, test fixtures) and the committed corpus Fuzz/corpus/NAME, which
# `make fuzz` grows (inputs of at most 4 KiB); `make fuzz-ci` writes its finds under .build-fuzz.
define fuzz_one
	@mkdir -p $(4) $(FUZZ_DIR)/artifacts
	$(FUZZ_RUN) $(FUZZ_DIR)/release/$(2) $(3) -timeout=10 -max_len=4096 -dict=Fuzz/$(1).dict -artifact_prefix=$(FUZZ_DIR)/artifacts/$(1)- \
		$(FUZZ_ARGS) $(4) $(if $(filter Fuzz/corpus/$(1),$(4)),,Fuzz/corpus/$(1)) Fuzz/seeds/$(1)
endef

fuzz: fuzz-build
	$(call fuzz_one,env,$(fuzz_env),-max_total_time=$(FUZZ_TIME),Fuzz/corpus/env)
	$(call fuzz_one,scenario,$(fuzz_scenario),-max_total_time=$(FUZZ_TIME),Fuzz/corpus/scenario)

fuzz-ci: fuzz-build
	$(call fuzz_one,env,$(fuzz_env),-runs=$(FUZZ_RUNS) -seed=1,$(FUZZ_DIR)/corpus/env)
	$(call fuzz_one,scenario,$(fuzz_scenario),-runs=$(FUZZ_RUNS) -seed=1,$(FUZZ_DIR)/corpus/scenario)

clean:
	@for b in seaweedfs rclone ceph azure slurm; do scripts/backend stop $$b >/dev/null 2>&1 || true; done
	rm -rf .build .scoretune
