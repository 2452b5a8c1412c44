"""Checks that files Cortex writes load in Python (run from the repo root; needs safetensors, numpy).

    python3 Tests/CortexTests/Fixtures/check_cortex_files.py

The Swift test SafeTensorsInteropTests checks that Cortex writes exactly these committed bytes.
"""
import pathlib

import numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file

here = pathlib.Path(__file__).resolve().parent
kernel = np.arange(12, dtype=np.float32).reshape(4, 3) * 0.25 - 1
tensors = load_file(str(here / "cortex_dense.safetensors"))
assert set(tensors) == {"dense.kernel", "dense.bias"}, tensors.keys()
assert tensors["dense.kernel"].dtype == np.float32 and np.array_equal(tensors["dense.kernel"], kernel)
assert np.array_equal(tensors["dense.bias"], np.array([0.5, -0.5, 2], dtype=np.float32))
with safe_open(str(here / "cortex_dense.safetensors"), "np") as f:
    assert f.metadata() == {"format": "cortex", "model": "sequential"}, f.metadata()
assert np.array_equal(np.load(here / "cortex_kernel.npy"), kernel)
with np.load(here / "cortex_zip64.npz") as archive:  # ZIP64 records on every field, as Cortex writes past 65,535 arrays
    assert sorted(archive.files) == ["labels", "matrix"], archive.files
    assert np.array_equal(archive["matrix"], np.array([[0, 1.5, 3], [4.5, 6, 7.5]], dtype=np.float32))
    assert archive["labels"].dtype == np.int64 and archive["labels"].tolist() == [3, 1, 4]
print("Cortex-written safetensors, .npy and ZIP64 .npz files load in Python with the expected values")
