# spark-mesos-dispatcher. `make help` lists the targets.
# Every target runs on the project's own Node 24 (the `node` devDependency), via npm/npx.
SHELL := /bin/bash
NPX := npx --no-install
# The commit sparkdispatcher_build_info reports (the image sets it from its REVISION build argument).
export SMD_REVISION ?= $(shell git rev-parse --short HEAD 2>/dev/null)

.PHONY: help install system-deps run build test typecheck lint unit bench chaos ci crds

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

node_modules/.package-lock.json: package.json package-lock.json
	npm ci
	@touch $@

# Debian packages first (tools.sh needs unzip), then the lockfile, then kubectl and helm.
install: system-deps node_modules/.package-lock.json ## Install what is missing: Debian packages, the lockfile's dependencies, kubectl/helm into .tools/
	@bash scripts/tools.sh

system-deps: ## Install the Debian packages the tests and `make run` need, if missing (scripts/system-deps.sh)
	@bash scripts/system-deps.sh

run: install ## Run the dispatcher on the embedded default (emulated Kubernetes API and Mesos master); ZK=1: three masters elected in a real ZooKeeper
	DEVCLUSTER_ZK=$(ZK) $(NPX) node --disable-warning=ExperimentalWarning src/devcluster/run.ts

build: install ## Compile src/ into dist/ for production
	rm -rf dist
	$(NPX) tsc -p tsconfig.build.json

typecheck: install ## Type-check everything (tsc --noEmit)
	$(NPX) tsc -p tsconfig.json --noEmit

lint: install ## Lint with typescript-eslint
	$(NPX) eslint .

crds: install ## Regenerate crds/ from the schemas in src/kube and src/scheduled
	$(NPX) node --disable-warning=ExperimentalWarning scripts/generate-crds.ts

unit: install ## Run the Jest suite only
	npm test

test: install ## Run all checks and tests; ends with "N passed, N failed"
	@bash scripts/test.sh

chaos: install ## Long chaos run, then the long fuzz run; prints their figures (env: CHAOS_SEED, CHAOS_MINUTES, CHAOS_DRIVERS, CHAOS_KILLS, FUZZ_INPUTS)
	$(NPX) node --disable-warning=ExperimentalWarning test/chaos/chaos-cli.ts

# BENCH=queued,launches,... picks scenarios; SMD_DIST=<checkout>/dist measures another build (bench/run.ts lists the knobs).
bench: build ## Print the operator's figures at scale against the emulators (reported, never judged; all: ~15 min)
	@$(NPX) node --disable-warning=ExperimentalWarning bench/run.ts

ci: test ## What .ci/run calls
