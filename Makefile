# mirrorpo: `make run-direct` runs the main job, `make test` runs the tests (both set up first).
SHELL := /bin/bash
.DEFAULT_GOAL := help

MVN := mvn -B -ntp -Dstyle.color=never
VENV := .venv
APT_PACKAGES := libmujoco-dev libmujoco-samples
APT_TORCH_PACKAGES := python3-numpy python3-torch
MLFLOW_REQUIREMENTS := mlflow/requirements.txt
RUNS := runs
# The trainer benchmark's dataset (the quick preset, made when missing) and the JAX reference's virtualenv.
BENCH_DATASET := $(RUNS)/datasets/quick-base
BENCH_REFERENCE_VENV := .venv-bench-reference
BENCH_REFERENCE_REQUIREMENTS := bench/reference/requirements.txt
# Makes the quick dataset once (a directory without manifest.json is an interrupted run, replaced); its
# summary goes to stderr so that the benchmarks' stdout stays one JSON line per figure.
BENCH_DATASET_IF_MISSING = [ -f $(BENCH_DATASET)/manifest.json ] || { echo "bench: making the quick dataset $(BENCH_DATASET)" >&2; \
  bin/mirrorpo dataset generate --config configs/quick.yaml --out $(BENCH_DATASET) --overwrite >&2; }
# The candidate-cost bench trains on the first pairs of a paper preset's dataset and scales to the whole
# (docs/benchmarks.md): $(call BENCH_PREFIX_IF_MISSING,DIR,PRESET,PAIRS) makes them once, about a minute for
# 512 Hopper pairs and 2-4 minutes for 128 TLA pairs.
BENCH_HOPPER_PREFIX := $(RUNS)/datasets/paper-hopper-512
BENCH_TLA_PREFIX := $(RUNS)/datasets/paper-tla-128
BENCH_PREFIX_IF_MISSING = [ -f $(1)/manifest.json ] || { echo "bench: making $(1), the first $(3) pairs of $(2)" >&2; \
  bin/mirrorpo dataset generate --config $(2) --pairs $(3) --out $(1) --overwrite >&2; }

.PHONY: help setup setup-native setup-python setup-torch build test check-reproducible bench bench-reference run-direct mlflow-up \
  mlflow-down clean flink-up flink-down run-flink
# The local Flink session cluster (docs/flink.md): `make flink-up TASKMANAGERS=2 SLOTS=1`.
TASKMANAGERS ?= 1
SLOTS ?= 1
FLINK_RUNS := $(RUNS)/flink

help:
	@echo "make run-direct   build and run the main job locally (output in $(RUNS)/)"
	@echo "make test         run every test (real MuJoCo)"
	@echo "make check-reproducible   does this machine compute the golden digests? (about a minute)"
	@echo "make bench        benchmarks, one JSON line per figure"
	@echo "make setup        install MuJoCo, NumPy and CPU PyTorch (apt) and the MLflow server (.venv); quiet when done"
	@echo "make build        compile the modules, the native MuJoCo shim and the network kernel"
	@echo "make mlflow-up / mlflow-down   start / stop the local MLflow server on 127.0.0.1:5000"
	@echo "make flink-up / flink-down     start / stop a local Flink session cluster [TASKMANAGERS=1 SLOTS=1]"
	@echo "make run-flink    the main job submitted to the local Flink cluster (started if it is not up)"

setup: setup-native setup-python setup-torch

# Installs the Debian packages $(1) with apt-get unless all of them are installed.
APT_INSTALL = if ! dpkg -s $(1) >/dev/null 2>&1; then \
	  echo "setup: installing $(1) with apt-get"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(1) >/dev/null; \
	fi

# Debian's MuJoCo 2.2.2: headers and library for the JNI shim, mujoco-testspeed for the benchmark.
setup-native:
	@$(call APT_INSTALL,$(APT_PACKAGES))

# Debian's NumPy and CPU PyTorch (about 35 s; PyPI's Linux torch is the CUDA build, about 5 GB), in which
# MpoExportTest runs an exported objective's Python (docs/mpo.md, "Exporting an objective").
setup-torch:
	@$(call APT_INSTALL,$(APT_TORCH_PACKAGES))

# The MLflow tracking server in a virtualenv, reinstalled only when its pinned requirements change.
setup-python: $(VENV)/.installed

$(VENV)/.installed: $(MLFLOW_REQUIREMENTS)
	@echo "setup: installing the MLflow server into $(VENV) (pinned in $(MLFLOW_REQUIREMENTS))"
	@python3 -m venv $(VENV)
	@$(VENV)/bin/pip install -q --disable-pip-version-check -r $(MLFLOW_REQUIREMENTS)
	@touch $@

# Maven 3.8 prints stray colour resets even in batch mode; they would prefix the next command's output.
build: setup-native
	@set -o pipefail; $(MVN) -q package -DskipTests 2>&1 | sed 's/\x1b\[0m//g'

# The Flink tests (flink-job/) submit the job jar that `build` packages.
test: setup build
	$(MVN) test

# Same seed, same result: the quick dataset, two short trainings and a search generation against the
# golden digests committed in docs/reproducibility/ (docs/reproducibility.md).
check-reproducible: build
	@bin/mirrorpo reproducibility check

# setup-python: bench-flink.sh reads the fitness rows (Parquet) with the MLflow virtualenv's pyarrow.
bench: build setup-python
	@bin/mirrorpo envs bench --env hopper --json
	@bin/mirrorpo envs bench --env ant --json
	@bin/mirrorpo agents bench --env hopper --json
	@bin/mirrorpo dataset bench --config configs/quick.yaml --json
	@$(BENCH_DATASET_IF_MISSING)
	@bin/mirrorpo objectives bench --dataset $(BENCH_DATASET) --json \
	  $$( [ -x $(BENCH_REFERENCE_VENV)/bin/python ] && echo --reference-python $(BENCH_REFERENCE_VENV)/bin/python )
	@bin/mirrorpo objectives bench-population --dataset $(BENCH_DATASET) --members 1,2,4,8,16 --json
	@$(call BENCH_PREFIX_IF_MISSING,$(BENCH_HOPPER_PREFIX),configs/paper-hopper.yaml,512)
	@bin/mirrorpo objectives bench-evaluation --config configs/paper-hopper.yaml --dataset $(BENCH_HOPPER_PREFIX) --json
	@$(call BENCH_PREFIX_IF_MISSING,$(BENCH_TLA_PREFIX),configs/paper-tla.yaml,128)
	@bin/mirrorpo objectives bench-evaluation --config configs/paper-tla.yaml --dataset $(BENCH_TLA_PREFIX) --json
	@scripts/bench-search.sh $(BENCH_DATASET)
	@scripts/bench-numerics.sh $(BENCH_DATASET)
	@scripts/bench-flink.sh $(BENCH_DATASET)

# The trainer benchmark against the same loop in JAX on CPU (bench/reference/), jax in its own virtualenv.
bench-reference: build $(BENCH_REFERENCE_VENV)/.installed
	@$(BENCH_DATASET_IF_MISSING)
	@bin/mirrorpo objectives bench --dataset $(BENCH_DATASET) --reference-python $(BENCH_REFERENCE_VENV)/bin/python --json
	@bin/mirrorpo objectives bench-population --dataset $(BENCH_DATASET) --members 4,8,16 --rounds 1 \
	  --reference-python $(BENCH_REFERENCE_VENV)/bin/python --json

$(BENCH_REFERENCE_VENV)/.installed: $(BENCH_REFERENCE_REQUIREMENTS)
	@echo "bench-reference: installing jax into $(BENCH_REFERENCE_VENV) (pinned in $<)" >&2
	@python3 -m venv $(BENCH_REFERENCE_VENV)
	@$(BENCH_REFERENCE_VENV)/bin/pip install -q --disable-pip-version-check -r $<
	@touch $@

run-direct: setup build
	@scripts/run-direct.sh $(RUNS)

mlflow-up: setup-python
	@scripts/mlflow-server.sh up $(RUNS)/mlflow

mlflow-down:
	@scripts/mlflow-server.sh down $(RUNS)/mlflow

# The cluster runs the jars `build` makes; a fresh clone builds once here.
flink-up: setup-native
	@[ -f flink-cluster/target/cluster-classpath.txt ] && [ -f flink-job/target/mirrorpo-flink-job.jar ] || $(MAKE) --no-print-directory build
	@scripts/flink-cluster.sh up $(FLINK_RUNS) $(TASKMANAGERS) $(SLOTS)

flink-down:
	@scripts/flink-cluster.sh down $(FLINK_RUNS)

run-flink: setup build
	@scripts/run-flink.sh $(RUNS) $(TASKMANAGERS) $(SLOTS)

clean:
	@$(MVN) -q clean
