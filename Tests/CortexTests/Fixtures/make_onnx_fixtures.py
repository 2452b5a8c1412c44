"""Bytes of small ONNX messages as the `onnx` Python package serializes them, for the Swift
tests of Cortex's protobuf writer (ONNXMessagesTests). Run from the repository root:

    python3 Tests/CortexTests/Fixtures/make_onnx_fixtures.py

Needs `pip install onnx numpy` (written with onnx 1.23.2). CI does not run this; the JSON it
writes is committed. Each entry is the hex of `SerializeToString()`; the Swift test builds the
same message with ONNX.* and compares bytes.
"""
import json
import pathlib

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

here = pathlib.Path(__file__).resolve().parent
fixtures = {}


def put(name, message):
    fixtures[name] = message.SerializeToString().hex()


# Varints: one and two bytes, the 7-bit boundaries, 2^31, negatives (ten bytes), the extremes.
ints = [0, 1, 127, 128, 300, 16383, 16384, 2**31, -1, -300, -(2**63), 2**63 - 1]
put("int64_tensor", helper.make_tensor("ints", TensorProto.INT64, [len(ints)], ints))
# Packed fixed32 floats, including -0.0, a subnormal and a large value.
floats = [1.5, -0.0, 3.25e-5, 1e30, -7.0, 0.1, 1e-40]
put("float_tensor", helper.make_tensor("floats", TensorProto.FLOAT, [len(floats)], floats))
# raw_data as numpy_helper writes it; 40 floats, so its length prefix takes two bytes.
raw = (np.arange(40, dtype=np.float32).reshape(2, 4, 5) - 20) / 8
put("raw_tensor", numpy_helper.from_array(raw, "conv2d.kernel"))

put("attribute_int", helper.make_attribute("axis", -1))
put("attribute_float", helper.make_attribute("epsilon", 1e-3))
put("attribute_ints", helper.make_attribute("perm", [0, 3, 1, 2]))
put("attribute_floats", helper.make_attribute("activation_alpha", [1.0, 0.5]))
put("attribute_string", helper.make_attribute("direction", "forward"))
put("attribute_strings", helper.make_attribute("activations", ["Tanh", "Relu"]))
put("attribute_tensor", helper.make_attribute("value", helper.make_tensor("v", TensorProto.INT64, [1], [1])))

# An optional output skipped with an empty name.
put("node", helper.make_node("LSTM", ["X", "W", "R", "B"], ["", "Y_h"], name="lstm/LSTM", hidden_size=7))
put("value_info", helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch", 28, 28, 1]))
put("opset", helper.make_opsetid("", 17))
entry = onnx.StringStringEntryProto(key="note", value="café ∑")
put("metadata_entry", entry)

# A whole model: Gemm with initializers, then Relu; a doc string longer than 127 bytes.
kernel = numpy_helper.from_array(np.array([[0.5, -1.0], [2.0, 0.25], [-0.75, 1.5]], np.float32), "dense.kernel")
bias = numpy_helper.from_array(np.array([0.1, -0.2], np.float32), "dense.bias")
graph = helper.make_graph(
    [
        helper.make_node("Gemm", ["input", "dense.kernel", "dense.bias"], ["dense/Gemm_output"], name="dense/Gemm"),
        helper.make_node("Relu", ["dense/Gemm_output"], ["output"], name="dense/Relu"),
    ],
    "sequential",
    [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch", 3])],
    [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["batch", 2])],
    initializer=[kernel, bias],
)
model = helper.make_model(
    graph, producer_name="Cortex", producer_version="0.1.0", doc_string="d" * 150,
    opset_imports=[helper.make_opsetid("", 17)])
model.ir_version = 8
helper.set_model_props(model, {"cortex_model_name": "sequential"})
onnx.checker.check_model(model, full_check=True)
put("model", model)

path = here / "onnx_protobuf.json"
path.write_text(json.dumps(fixtures, indent=1, sort_keys=True) + "\n")
print("wrote", path, f"(onnx {onnx.__version__})")
