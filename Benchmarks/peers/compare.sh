#!/usr/bin/env bash
# Runs Cortex and PyTorch side by side at 1 and 2 threads, alternating the two, and prints
# Cortex items/s over PyTorch items/s per case. Extra arguments go to both benchmarks.
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --product CortexBench >/dev/null
out=$(mktemp -d)
for threads in 1 2; do
    .build/release/CortexBench --json --threads "$threads" "$@" >>"$out/cortex.jsonl"
    python3 Benchmarks/peers/pytorch_bench.py --json --threads "$threads" "$@" >>"$out/pytorch.jsonl"
done
python3 Benchmarks/peers/ratio_table.py "$out/cortex.jsonl" "$out/pytorch.jsonl"
