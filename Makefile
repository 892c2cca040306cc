# scoretune: the two commands a new user needs are `make demo` and `make test`.
SHELL := /bin/bash
SWIFT_BUILD_FLAGS ?=
BIN := .build/release/scoretune

.PHONY: all bootstrap build release test demo bench bench-memory bench-peers bench-ceiling bench-profile check-backends clean

all: build

bootstrap:
	@scripts/bootstrap

build: bootstrap
	swift build $(SWIFT_BUILD_FLAGS)

release: bootstrap
	swift build -c release $(SWIFT_BUILD_FLAGS)

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

# The whole suite against the three real S3 backends and the Azure test server, stopped afterwards;
# first the Azure test server's conformance, shown with the official SDK.
test: bootstrap
	@scripts/bootstrap ceph chromium
	.scoretune/venv/bin/python scripts/azure/conformance.py
	swift build --build-tests $(SWIFT_BUILD_FLAGS)
	SCORETUNE_REQUIRE_BACKENDS=1 scripts/with-backends seaweedfs rclone ceph azure -- swift test --skip-build

# `scoretune check` against every local backend (they stay up afterwards).
check-backends: release
	@for b in seaweedfs rclone ceph azure; do scripts/backend start $$b && $(BIN) check --env .scoretune/backends/$$b/.env.score; done

clean:
	@for b in seaweedfs rclone ceph azure; do scripts/backend stop $$b >/dev/null 2>&1 || true; done
	rm -rf .build .scoretune
