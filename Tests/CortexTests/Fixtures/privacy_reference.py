"""Regenerates privacy_reference.json, the accountant values the privacy tests compare against.

    /work/pyenv/bin/python Tests/CortexTests/Fixtures/privacy_reference.py   (from the repo root)

Needs opacus==1.6.0 and dp-accounting==0.6.0 (checked below). CI does not run this; the JSON it
writes is committed. Every case is a list of records [noise_multiplier, sample_rate, steps]
composed in order (Poisson-subsampled Gaussian mechanism, add-or-remove-one adjacency).
"""
import json
import math
import pathlib
import warnings
from importlib.metadata import version

import dp_accounting
from dp_accounting import pld as dp_pld
from dp_accounting import rdp as dp_rdp
from opacus.accountants import PRVAccountant
from opacus.accountants import RDPAccountant as OpacusRDP
from opacus.accountants.analysis import rdp as opacus_rdp
from opacus.accountants.utils import get_noise_multiplier

assert version("opacus") == "1.6.0", version("opacus")
assert version("dp-accounting") == "0.6.0", version("dp-accounting")
warnings.filterwarnings("ignore")  # Opacus warns when the optimum is at the first or last order

here = pathlib.Path(__file__).resolve().parent

# TensorFlow Privacy's compute_dp_sgd_privacy (compute_dp_sgd_privacy_lib.py): these orders,
# dp_accounting.rdp.RdpAccountant and its get_epsilon_and_optimal_order.
TF_PRIVACY_ORDERS = [1.25, 1.5, 1.75, 2.0, 2.25, 2.5, 3.0, 3.5, 4.0, 4.5] + list(range(5, 64)) + [128, 256, 512]


def poisson_events(records):
    return [
        dp_accounting.SelfComposedDpEvent(
            dp_accounting.PoissonSampledDpEvent(q, dp_accounting.GaussianDpEvent(sigma)), steps)
        for sigma, q, steps in records
    ]


def opacus_rdp_epsilon(records, delta):
    accountant = OpacusRDP()
    accountant.history = [(sigma, q, steps) for sigma, q, steps in records]
    eps, order = accountant.get_privacy_spent(delta=delta)
    return {"epsilon": float(eps), "order": float(order)}


def dp_accounting_rdp_epsilon(records, delta, orders=None):
    accountant = dp_rdp.RdpAccountant(orders)
    for event in poisson_events(records):
        accountant.compose(event)
    eps, order = accountant.get_epsilon_and_optimal_order(delta)
    return {"epsilon": float(eps), "order": float(order)}


def pld_epsilon(records, delta):
    accountant = dp_pld.PLDAccountant()
    for event in poisson_events(records):
        accountant.compose(event)
    return float(accountant.get_epsilon(delta))


def prv_epsilon(records, delta):
    accountant = PRVAccountant()
    accountant.history = [(sigma, q, steps) for sigma, q, steps in records]
    return float(accountant.get_epsilon(delta=delta))


def tf_privacy_case(n, batch_size, noise_multiplier, epochs, delta):
    q = batch_size / n
    steps = int(math.ceil(epochs * n / batch_size))
    result = dp_accounting_rdp_epsilon([[noise_multiplier, q, steps]], delta, TF_PRIVACY_ORDERS)
    result.update({"records": [[noise_multiplier, q, steps]], "delta": delta})
    return result


anchor_records = [[1.5, 0.04, 2250]]
anchors = {
    # Opacus tests/accountants_test.py and the issue: 7.32911117143 at delta 1e-5.
    "opacus_rdp": {"records": anchor_records, "delta": 1e-5, **opacus_rdp_epsilon(anchor_records, 1e-5),
                   "published": 7.32911117143},
    # TF Privacy compute_dp_sgd_privacy_test.py (Test0, Test1, Test2).
    "tf_privacy": [
        {**tf_privacy_case(60000, 150, 1.3, 15, 1e-5), "published": 0.7242234026109595, "published_order": 19.0},
        {**tf_privacy_case(100000, 100, 1.0, 30, 1e-7), "published": 1.4154988495444842, "published_order": 13.0},
        {**tf_privacy_case(100000000, 1024, 0.1, 10, 1e-7), "published": 5907982.3113978775,
         "published_order": 1.25},
    ],
    "pld": {"records": anchor_records, "delta": 1e-5, "epsilon": pld_epsilon(anchor_records, 1e-5),
            "published": 6.7688},
    "prv": {"records": anchor_records, "delta": 1e-5, "epsilon": prv_epsilon(anchor_records, 1e-5),
            "published": 6.7774},
}

# Per-order RDP of one step, both libraries, to localize a mismatch.
per_order = []
for sigma, q in [(1.5, 0.04), (0.7, 0.01), (0.8, 0.2), (4.0, 0.001)]:
    per_order.append({
        "noise_multiplier": sigma, "sample_rate": q,
        "opacus_orders": [float(a) for a in OpacusRDP.DEFAULT_ALPHAS],
        "opacus": [float(r) for r in opacus_rdp.compute_rdp(
            q=q, noise_multiplier=sigma, steps=1, orders=OpacusRDP.DEFAULT_ALPHAS)],
        "dp_accounting_orders": [float(a) for a in dp_rdp.rdp_privacy_accountant.DEFAULT_RDP_ORDERS],
        "dp_accounting": [float(r) for r in dp_rdp.rdp_privacy_accountant._compute_rdp_poisson_subsampled_gaussian(
            q, sigma, dp_rdp.rdp_privacy_accountant.DEFAULT_RDP_ORDERS)],
    })

# The RDP grid: single settings over sigma, q, steps and delta, then heterogeneous compositions.
rdp_grid_records = [
    [[0.5, 0.01, 1000]], [[0.7, 0.004, 5000]], [[0.8, 0.05, 200]], [[1.0, 0.016, 625]], [[1.0, 0.001, 10000]],
    [[1.1, 0.1, 50]], [[1.5, 0.04, 1]], [[1.5, 0.04, 100]], [[2.0, 0.2, 300]], [[3.0, 0.5, 1000]],
    [[5.0, 0.01, 100000]], [[8.0, 1.0, 20]], [[1.3, 1.0, 1]], [[0.9, 0.02, 3000]], [[12.0, 0.3, 500]],
    [[1.0, 0.01, 500], [2.0, 0.05, 300]],
    [[0.8, 0.02, 100], [1.2, 0.02, 1000], [0.8, 0.02, 50]],
    [[1.5, 0.04, 1000], [1.5, 0.08, 500], [3.0, 0.5, 20]],
]
rdp_grid = []
for records in rdp_grid_records:
    for delta in [1e-5, 1e-7, 1e-3]:
        rdp_grid.append({
            "records": records, "delta": delta,
            "opacus": opacus_rdp_epsilon(records, delta),
            "dp_accounting": dp_accounting_rdp_epsilon(records, delta),
            "tf_privacy_orders": dp_accounting_rdp_epsilon(records, delta, TF_PRIVACY_ORDERS),
        })

# The PLD grid (dp-accounting's PLDAccountant, discretization 1e-4), with Opacus' PRV for comparison.
pld_grid_records = [
    [[1.5, 0.04, 2250]], [[1.0, 0.016, 625]], [[0.8, 0.05, 200]], [[2.0, 0.2, 300]], [[1.1, 0.01, 3000]],
    [[4.0, 1.0, 10]], [[1.5, 0.04, 1]], [[0.7, 0.004, 5000]],
    [[1.0, 0.01, 500], [2.0, 0.05, 300]],
    [[0.8, 0.02, 100], [1.2, 0.02, 1000], [0.8, 0.02, 50]],
]
pld_grid = []
for records in pld_grid_records:
    for delta in [1e-5, 1e-7]:
        pld_grid.append({"records": records, "delta": delta, "pld": pld_epsilon(records, delta),
                         "prv": prv_epsilon(records, delta)})

# The inverse: Opacus' get_noise_multiplier (RDP, epsilon_tolerance 0.01).
inverse = []
for target_epsilon, delta, q, steps in [
    (3.0, 1e-5, 64 / 4000, 625), (1.0, 1e-5, 256 / 60000, 2340), (8.0, 1e-5, 0.04, 2250),
    (0.5, 1e-6, 0.001, 10000), (2.0, 1e-5, 0.1, 100), (10.0, 1e-3, 0.5, 20),
]:
    sigma = get_noise_multiplier(target_epsilon=target_epsilon, target_delta=delta, sample_rate=q, steps=steps,
                                 accountant="rdp", epsilon_tolerance=0.01)
    inverse.append({"target_epsilon": target_epsilon, "delta": delta, "sample_rate": q, "steps": steps,
                    "noise_multiplier": float(sigma),
                    "epsilon_at_result": opacus_rdp_epsilon([[sigma, q, steps]], delta)["epsilon"]})

# TF Privacy's compute_dp_sgd_privacy_statement test (10000 examples, batch 64, 5 epochs, sigma 2.0
# with microbatching, i.e. an effective noise multiplier of 1.0, delta 1e-6): shuffled batches
# ("each example occurring once per epoch": 5 unsampled Gaussian mechanisms) and Poisson sampling
# (ceil(5 / q) steps at q = 64 / 10000). Published to 3 decimals: 13.376 and 1.616 (RDP).
statement = []
for name, records, published in [("shuffled", [[1.0, 1.0, 5]], 13.376),
                                  ("poisson", [[1.0, 64 / 10000, math.ceil(5 / (64 / 10000))]], 1.616)]:
    statement.append({"name": name, "records": records, "delta": 1e-6, "published": published,
                      "dp_accounting": dp_accounting_rdp_epsilon(records, 1e-6),
                      "opacus": opacus_rdp_epsilon(records, 1e-6)})

out = {
    "versions": {"opacus": version("opacus"), "dp_accounting": version("dp-accounting")},
    "anchors": anchors, "per_order": per_order, "rdp_grid": rdp_grid, "pld_grid": pld_grid, "inverse": inverse,
    "statement": statement,
}


def finite_or_string(value):
    """JSON has no infinity: write it as the string "inf" (the Swift tests decode it back)."""
    if isinstance(value, float) and not math.isfinite(value):
        return "inf" if value > 0 else ("-inf" if value < 0 else "nan")
    if isinstance(value, dict):
        return {k: finite_or_string(v) for k, v in value.items()}
    if isinstance(value, list):
        return [finite_or_string(v) for v in value]
    return value


(here / "privacy_reference.json").write_text(json.dumps(finite_or_string(out), indent=1, allow_nan=False) + "\n")
print(f"wrote privacy_reference.json: {len(rdp_grid)} RDP cases, {len(pld_grid)} PLD cases, {len(inverse)} inverses")
print("anchors:", json.dumps(anchors, indent=1))
