"""Checks the ONNX files that ONNXExportCheck wrote against ONNX Runtime (`make interop`).

    python Tests/Interop/check_onnx.py <folder written by ONNXExportCheck>

For every case in the folder's manifest.json:
  - onnx.checker.check_model(full_check=True): the graph is valid and strict shape inference
    agrees with the declared input and output types;
  - the file is canonical protobuf: onnx parses it and re-serializes it to the same bytes;
  - the model is opset 17, produced by "Cortex", with a symbolic batch dimension;
  - ONNX Runtime (CPU) runs it on the whole test batch and on its first example alone (the
    batch dimension is dynamic), and both agree with Cortex's predictions to a maximum relative
    error of 1e-5 (defined below);
  - for classifiers, the top-1 class of every row is Cortex's.

Relative error of one element: |onnx - cortex| / max(|cortex|, FLOOR * max(1, scale)), where
scale is the largest |cortex| in the case's output and FLOOR = 1e-2. Elements smaller than 1% of
max(1, scale) are thus compared absolutely, at 1e-7 of it. Float32 rounding is relative to the
terms a value is made of, not to the value: these models' terms are of order one at least
(unit-variance inputs, gates and activations in [0, 1] or [-1, 1]) and of the output's scale, so
an element near zero (a convolution sum that cancelled, an LSTM state near zero, tanh(0.005)) has
an absolute rounding error of about 1e-7 in either implementation, measured against float64
references: OpenBLAS's summation order against MLAS's, Cortex's tanh = 1 - 2 / (exp(2x) + 1)
against MLAS's rational tanh. Relative to the small element itself that is far above 1e-5 for
two correct results.

Prints one line per case with its maximum error and exits non-zero on any failure.
"""
import json
import pathlib
import sys

import numpy as np
import onnx
import onnxruntime as ort

TOLERANCE = 1e-5
FLOOR = 1e-2
OPSET = 17


def relative_error(actual, expected, scale):
    """The largest |actual - expected| / max(|expected|, FLOOR * max(1, scale)), in float64."""
    a, e = actual.astype(np.float64), expected.astype(np.float64)
    floor = FLOOR * max(1.0, scale)
    return float(np.max(np.abs(a - e) / np.maximum(np.abs(e), floor))) if e.size else 0.0


def check(folder, case):
    """Returns (ok, message) for one case."""
    path = folder / f"{case['name']}.onnx"
    raw = path.read_bytes()
    model = onnx.load_from_string(raw)
    onnx.checker.check_model(model, full_check=True)
    problems = []
    if model.SerializeToString() != raw:
        problems.append("not canonical protobuf (re-serialized bytes differ)")
    opsets = {o.domain: o.version for o in model.opset_import}
    if opsets != {"": OPSET}:
        problems.append(f"opset imports {opsets}, expected {{'': {OPSET}}}")
    if model.producer_name != "Cortex":
        problems.append(f"producer_name {model.producer_name!r}")
    batch = model.graph.input[0].type.tensor_type.shape.dim[0]
    if batch.dim_param != "batch":
        problems.append("input's batch dimension is not symbolic")

    x = np.load(folder / f"{case['name']}.input.npy")
    expected = np.load(folder / f"{case['name']}.expected.npy")
    session = ort.InferenceSession(raw, providers=["CPUExecutionProvider"])
    input_name = session.get_inputs()[0].name
    actual = session.run(None, {input_name: x})[0]
    if actual.shape != expected.shape:
        return False, f"ONNX Runtime gives shape {actual.shape}, Cortex {expected.shape}"
    single = session.run(None, {input_name: x[:1]})[0]
    scale = float(np.max(np.abs(expected))) if expected.size else 0.0
    error = max(relative_error(actual, expected, scale), relative_error(single, expected[:1], scale))
    if not error <= TOLERANCE:
        problems.append(f"max relative error {error:.2e} > {TOLERANCE:.0e}")
    detail = ""
    if case["check"] == "top1":
        agree = int(np.sum(actual.argmax(axis=1) == expected.argmax(axis=1)))
        rows = expected.shape[0]
        detail = f", top-1 equal on {agree}/{rows} (Cortex accuracy {case['cortexAccuracy'] * 100:.1f}%)"
        if agree != rows:
            problems.append(f"top-1 differs on {rows - agree} rows")
    ops = sorted({n.op_type for n in model.graph.node})
    line = f"max rel err {error:.2e}{detail}  {case['description']}  [{', '.join(ops)}]"
    return not problems, line + ("  FAILED: " + "; ".join(problems) if problems else "")


def main():
    folder = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".build/interop")
    cases = json.loads((folder / "manifest.json").read_text())
    print(f"onnx {onnx.__version__}, onnxruntime {ort.__version__}: checking {len(cases)} models "
          f"(checker full_check, ONNX Runtime vs Cortex, max relative error {TOLERANCE:.0e}, "
          f"floor {FLOOR:.0e} x max(1, largest |output|))")
    width = max(len(c["name"]) for c in cases)
    failures = 0
    for case in cases:
        try:
            ok, message = check(folder, case)
        except Exception as error:  # a checker or runtime refusal is a failure of this case
            ok, message = False, f"FAILED: {type(error).__name__}: {error}"
        failures += not ok
        print(f"{'PASS' if ok else 'FAIL'}  {case['name']:<{width}}  {message}")
    print(f"{len(cases) - failures}/{len(cases)} models pass")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
