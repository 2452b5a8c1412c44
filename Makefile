# Cortex: build, test, benchmark and demo. Every target installs missing system packages first.
SWIFT ?= swift
PACKAGES := libopenblas-dev liblapacke-dev zlib1g-dev openmpi-bin libopenmpi-dev
ARGS ?=

FUZZ_SECONDS ?= 60
FUZZ_READERS ?= npy npz safetensors checkpoint idx idx-gz csv
FUZZ_FLAGS := -Xswiftc -sanitize=fuzzer,address -Xswiftc -DCORTEX_FUZZ -Xswiftc -Xclang-linker -Xswiftc -fuse-ld=lld

.PHONY: deps build test test-distributed interop sanitize docs bench bench-compare bench-distributed demo fuzz format

# Installs the Debian packages that COpenBLAS, CZlib and CMPI link against, only when missing.
deps:
	@missing=""; for p in $(PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "Installing$$missing"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
		$$SUDO apt-get install -y $$missing || { $$SUDO apt-get update && $$SUDO apt-get install -y $$missing; }; \
	fi

build: deps
	$(SWIFT) build -c release

# Release build with testing enabled: the training tests run ~10x faster than in debug.
# Then the distributed checks under mpirun (Swift Testing does not run under mpirun), and the
# ONNX Runtime checks where python3 exists (the Swift tests need no Python).
test: deps
	$(SWIFT) test -c release -Xswiftc -enable-testing
	$(MAKE) --no-print-directory test-distributed
	@if command -v python3 >/dev/null 2>&1; then $(MAKE) --no-print-directory interop; \
	else echo "python3 not found: skipping make interop (ONNX export checked by ONNX Runtime)"; fi

# ONNX export checked by ONNX Runtime: ONNXExportCheck exports every supported layer and the
# seed CNN and RNN with Cortex's predictions, check_onnx.py runs onnx.checker (full check) and
# ONNX Runtime on them. onnx and onnxruntime come from the package index into INTEROP_VENV,
# installed again only when the requirements change. Same build flags as `test`: no rebuild.
INTEROP_VENV ?= .venv-interop
INTEROP_DIR ?= .build/interop

$(INTEROP_VENV)/.installed: Tests/Interop/requirements.txt
	python3 -m venv $(INTEROP_VENV)
	$(INTEROP_VENV)/bin/pip install --quiet -r Tests/Interop/requirements.txt
	touch $@

interop: deps $(INTEROP_VENV)/.installed
	$(SWIFT) run -c release -Xswiftc -enable-testing ONNXExportCheck $(INTEROP_DIR)
	$(INTEROP_VENV)/bin/python Tests/Interop/check_onnx.py $(INTEROP_DIR)

# CortexDistributedChecks on 1-3 processes, and the failure scenarios with their exit status and
# time limit (Tests/DistributedTests/run.sh). Same flags as `test`, so nothing is rebuilt after it.
test-distributed: deps
	$(SWIFT) build -c release -Xswiftc -enable-testing --product CortexDistributedChecks
	bash Tests/DistributedTests/run.sh "$$($(SWIFT) build -c release -Xswiftc -enable-testing --show-bin-path)/CortexDistributedChecks"

bench: deps
	$(SWIFT) run -c release CortexBench $(ARGS)

# PyTorch (and Opacus) for the peer benchmarks, in a virtual environment of their own; the CPU
# wheel where pip's find-links offer one, else the package index's.
PEERS_VENV := .venv-peers
$(PEERS_VENV)/ready:
	python3 -m venv $(PEERS_VENV)
	$(PEERS_VENV)/bin/pip install -q "torch==2.13.0+cpu" numpy || $(PEERS_VENV)/bin/pip install -q torch numpy
	touch $@

bench-compare: deps $(PEERS_VENV)/ready
	PYTHON=$(PEERS_VENV)/bin/python bash Benchmarks/peers/compare.sh $(ARGS)

# Allreduce and broadcast time and bandwidth by message size on NP processes (default 2). Not
# --oversubscribe: it makes waiting ranks yield their core, which slows large messages (measured);
# for more processes than cores, MPIRUN="mpirun --oversubscribe".
NP ?= 2
MPIRUN ?= mpirun $(if $(filter 0,$(shell id -u)),--allow-run-as-root)
bench-distributed: deps
	$(SWIFT) build -c release --product CortexDistributedBench
	$(MPIRUN) -np $(NP) "$$($(SWIFT) build -c release --show-bin-path)/CortexDistributedBench" $(ARGS)

demo: deps
	$(SWIFT) run -c release MNISTDemo $(ARGS)

# libFuzzer with AddressSanitizer over every file reader, FUZZ_SECONDS each, seeded from the
# hostile-file corpus (Tests/HostileFiles). The harness lowers Cortex.readLimits to 32 MiB and
# libFuzzer stops at any single allocation above 128 MB (-malloc_limit_mb) or 1 GB resident:
# an allocation the limits should have prevented is a finding. Each reader's log, final stats
# (exec/s) and any crashing input are in .build-fuzz/.
fuzz: deps
	$(SWIFT) build --scratch-path .build-fuzz -c debug --product CortexFuzz $(FUZZ_FLAGS)
	@for reader in $(FUZZ_READERS); do \
		rm -rf .build-fuzz/seeds/$$reader && mkdir -p .build-fuzz/corpus/$$reader && \
		.build-fuzz/debug/CortexFuzz --write-seeds .build-fuzz/seeds/$$reader $$reader || exit 1; \
		echo "== $$reader ($(FUZZ_SECONDS) s)"; \
		CORTEX_FUZZ_READER=$$reader .build-fuzz/debug/CortexFuzz .build-fuzz/corpus/$$reader .build-fuzz/seeds/$$reader \
			-max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=10 -rss_limit_mb=1024 -malloc_limit_mb=128 \
			-artifact_prefix=.build-fuzz/$$reader- -print_final_stats=1 > .build-fuzz/$$reader.log 2>&1 \
			|| { tail -60 .build-fuzz/$$reader.log; echo "fuzz: finding for $$reader, see .build-fuzz/$$reader.log"; exit 1; }; \
		grep -E "^(stat::number_of_executed_units|stat::average_exec_per_sec|stat::peak_rss_mb|#[0-9]+ +DONE)" .build-fuzz/$$reader.log; \
	done

# The thread-count stress (training while another thread changes Cortex.threadCount) under
# AddressSanitizer, for SANITIZE_SECONDS.
SANITIZE_SECONDS ?= 10
sanitize: deps
	$(SWIFT) build --scratch-path .build-asan -c debug --product ThreadCountStress -Xswiftc -sanitize=address
	.build-asan/debug/ThreadCountStress $(SANITIZE_SECONDS)

# The DocC site of the Cortex module as a static site in DOCS_DIR, after checking that every
# public declaration has a doc comment; warnings (broken links) fail the build.
DOCS_DIR ?= .build/docs
docs: deps
	$(SWIFT) package dump-symbol-graph --minimum-access-level public >/dev/null
	python3 Tests/Docs/check_doc_coverage.py "$$($(SWIFT) build --show-bin-path)/../symbolgraph" Cortex CortexDistributed
	$(SWIFT) package --allow-writing-to-directory $(DOCS_DIR) generate-documentation --target Cortex \
		--disable-indexing --transform-for-static-hosting --hosting-base-path Cortex --output-path $(DOCS_DIR) \
		--warnings-as-errors

format:
	$(SWIFT) format --in-place --recursive Package.swift Sources Tests Benchmarks Examples
