"""Prints Cortex/PyTorch throughput ratios from the two benchmarks' JSON lines."""
import json
import sys


def load(path):
    rows = {}
    for line in open(path):
        r = json.loads(line)
        if r["framework"] in ("cortex", "pytorch"):
            rows[(r["case"], r["threads"], r["batch"])] = r
    return rows


cortex, torch = load(sys.argv[1]), load(sys.argv[2])
print(f"{'case':24} {'thr':>3} {'batch':>5} {'cortex/s':>12} {'pytorch/s':>12} {'ratio':>7}")
for key in sorted(cortex, key=lambda k: (k[1], k[0], k[2] or 0)):
    if key not in torch:
        continue
    c, t = cortex[key]["items_per_s"], torch[key]["items_per_s"]
    print(f"{key[0]:24} {key[1]:>3} {str(key[2] or '-'):>5} {c:12.1f} {t:12.1f} {c / t:7.2f}")
