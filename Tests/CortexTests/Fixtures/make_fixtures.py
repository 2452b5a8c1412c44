"""Regenerates the reference values the tests compare against (NumPy; run from the repo root).

    python3 Tests/CortexTests/Fixtures/make_fixtures.py

CI does not run this; the JSON it writes is committed.
"""
import json
import pathlib

import numpy as np

root = pathlib.Path(__file__).resolve().parents[3]
here = pathlib.Path(__file__).resolve().parent

# Ordinary least squares on diabetes.csv with an intercept column, in float64.
# Cortex holds the table as float32, so the reference starts from the same float32 values.
data = np.loadtxt(root / "Data/tabular/diabetes.csv", delimiter=",", skiprows=1).astype(np.float32).astype(np.float64)
x, y = data[:, :-1], data[:, -1]
design = np.hstack([x, np.ones((x.shape[0], 1))])
solution, *_ = np.linalg.lstsq(design, y, rcond=None)
prediction = design @ solution
r2 = 1 - ((y - prediction) ** 2).sum() / ((y - y.mean()) ** 2).sum()
# Ridge with an unpenalized intercept: center, then solve (XᵀX + l2 I) w = Xᵀy.
xc, yc = x - x.mean(0), y - y.mean()
ridge = np.linalg.solve(xc.T @ xc + 10.0 * np.eye(x.shape[1]), xc.T @ yc)
ridge_intercept = y.mean() - x.mean(0) @ ridge
json.dump(
    {
        "coefficients": solution[:-1].tolist(), "intercept": float(solution[-1]), "r2": float(r2),
        "ridge_l2": 10.0, "ridge_coefficients": ridge.tolist(), "ridge_intercept": float(ridge_intercept),
    },
    open(here / "lstsq_diabetes.json", "w"), indent=1)
print("wrote", here / "lstsq_diabetes.json")
