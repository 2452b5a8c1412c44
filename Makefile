# Cortex: build, test, benchmark and demo. Every target installs missing system packages first.
SWIFT ?= swift
PACKAGES := libopenblas-dev liblapacke-dev zlib1g-dev
ARGS ?=

FUZZ_SECONDS ?= 60
FUZZ_READERS ?= npy npz safetensors checkpoint idx idx-gz csv
FUZZ_FLAGS := -Xswiftc -sanitize=fuzzer,address -Xswiftc -DCORTEX_FUZZ -Xswiftc -Xclang-linker -Xswiftc -fuse-ld=lld

.PHONY: deps build test bench bench-compare demo fuzz format

# Installs the Debian packages that COpenBLAS and CZlib link against, only when missing.
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
test: deps
	$(SWIFT) test -c release -Xswiftc -enable-testing

bench: deps
	$(SWIFT) run -c release CortexBench $(ARGS)

bench-compare: deps
	@python3 -c "import torch" 2>/dev/null || { \
		echo "bench-compare needs PyTorch: pip install torch numpy (or pip install torch==2.13.0+cpu where a local CPU wheel exists)"; exit 1; }
	bash Benchmarks/peers/compare.sh

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

format:
	$(SWIFT) format --in-place --recursive Package.swift Sources Tests Benchmarks Examples
