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

# safetensors written by Python: a Dense(3) layer on 4 inputs in Keras layout, F32,
# and a file of every other dtype the reader converts.
import torch
from safetensors.numpy import save_file
from safetensors.torch import save_file as save_torch

kernel = np.arange(12, dtype=np.float32).reshape(4, 3) / 10
bias = np.array([0.5, -0.5, 0.25], dtype=np.float32)
save_file({"dense.kernel": kernel, "dense.bias": bias}, str(here / "python_dense.safetensors"),
          metadata={"written_by": "safetensors.numpy"})
save_torch({
    "f64": torch.tensor([1.5, -2.25], dtype=torch.float64),
    "f16": torch.tensor([0.5, -3.0, 65504.0], dtype=torch.float16),
    "bf16": torch.tensor([1.0, -2.5], dtype=torch.bfloat16),
    "i64": torch.tensor([[-3, 7]], dtype=torch.int64),
    "u8": torch.tensor([0, 255], dtype=torch.uint8),
    "bool": torch.tensor([True, False]),
}, str(here / "python_dtypes.safetensors"))

# NumPy arrays: C and Fortran order, several dtypes and byte orders, and .npz archives.
matrix = np.arange(6, dtype=np.float32).reshape(2, 3) * 1.5
np.save(here / "float32_c.npy", matrix)
np.save(here / "float64_fortran.npy", np.asfortranarray(matrix.astype(np.float64)))
np.save(here / "int64.npy", np.array([[-1, 2], [3, -4]], dtype=np.int64))
np.save(here / "bigendian_f4.npy", matrix.astype(">f4"))
np.save(here / "bool.npy", np.array([True, False, True]))
np.save(here / "scalar_u1.npy", np.array(200, dtype=np.uint8))
np.savez(here / "arrays.npz", matrix=matrix, labels=np.array([3, 1, 4], dtype=np.int32))
np.savez_compressed(here / "arrays_compressed.npz", matrix=matrix, labels=np.array([3, 1, 4], dtype=np.int32))
print("wrote safetensors and NumPy fixtures")
