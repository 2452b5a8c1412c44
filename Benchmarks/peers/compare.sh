#!/usr/bin/env bash
# Runs Cortex and PyTorch side by side at 1 and 2 threads, alternating the two, and prints
# Cortex items/s over PyTorch items/s per case. Extra arguments go to both benchmarks.
# PYTHON selects the interpreter that has torch (the Makefile passes its virtual environment's).
set -euo pipefail
cd "$(dirname "$0")/../.."
PYTHON=${PYTHON:-python3}
swift build -c release --product CortexBench >/dev/null
bench=.build/release/CortexBench
echo "Cortex:  $(env -u OPENBLAS_CORETYPE -u CORTEX_BLAS_CORE $bench --info)"
echo "PyTorch: $("$PYTHON" -c 'import torch; print(torch.__version__, "| CPU capability", torch.backends.cpu.get_cpu_capability(), "|", torch.__config__.parallel_info().splitlines()[0])')"
out=$(mktemp -d)
for threads in 1 2; do
    env -u OPENBLAS_CORETYPE -u CORTEX_BLAS_CORE $bench --json --threads "$threads" "$@" >>"$out/cortex.jsonl"
    "$PYTHON" Benchmarks/peers/pytorch_bench.py --json --threads "$threads" "$@" >>"$out/pytorch.jsonl"
done
"$PYTHON" Benchmarks/peers/ratio_table.py "$out/cortex.jsonl" "$out/pytorch.jsonl"

# The kernels Cortex runs with nothing set against the same core forced by the user.
core=$(env -u OPENBLAS_CORETYPE -u CORTEX_BLAS_CORE $bench --info | sed -E 's/.*\| core ([A-Za-z0-9_]+) .*/\1/')
plain=$(env -u OPENBLAS_CORETYPE -u CORTEX_BLAS_CORE $bench --json --threads 1 --filter sgemm_1024 | grep '"cortex"')
forced=$(OPENBLAS_CORETYPE=$core $bench --json --threads 1 --filter sgemm_1024 | grep '"cortex"')
"$PYTHON" - "$plain" "$forced" "$core" <<'PY'
import json, sys
plain, forced = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(f"sgemm 1024^3, 1 thread: {plain['gflops']:.1f} GFLOP/s with nothing set, "
      f"{forced['gflops']:.1f} with OPENBLAS_CORETYPE={sys.argv[3]} ({plain['gflops'] / forced['gflops']:.1%})")
PY
