#!/usr/bin/python3
"""Writes the PyTorch-exported ONNX fixtures of EmbeddedMlp.Onnx.Tests (PyTorchFixtureTests.cs).

Run with Debian's PyTorch (python3-torch, python3-onnx; see README.md beside this file):

    /usr/bin/python3 tests/EmbeddedMlp.Onnx.Tests/Fixtures~/make_fixtures.py

Deterministic: every fixture seeds torch and numpy from a CRC of its own name, so adding a fixture changes no other
one, and a rerun with the same package versions rewrites the same bytes. CI does not run this: the outputs are
committed.

For each fixture NAME it writes NAME.onnx and NAME.json:
  {"description", "opset", "form", "dtype", "in": input width,
   "layers": [[units, activation, has_bias], ...]   (activation as EmbeddedMlp names it: identity, relu, ...),
   "input": [[...], ...] (5 rows), "expected": [[...], ...] (PyTorch's float32 outputs for those rows)}
or, for a model the importer must refuse, {"description", "opset", "reject": true, "mentions": op type}.
Floats are written as the shortest decimal that round-trips the float32 value.

Graph forms (what torch.onnx.export, the TorchScript exporter of torch 1.13, emits):
  * "gemm": nn.Linear with bias on a 2-D input is Gemm(x, W, b) with transB=1, alpha=beta=1, W as [out, in].
    nn.Linear(bias=False) is MatMul(x, W^T) with the transposed weight constant-folded into an [in, out]
    initializer and no Add; these fixtures mix both.
  * "matmul_add_exported": nn.Linear on an input of rank 3 ([N, 1, F]) is exported as MatMul(x, W^T) followed by
    Add(b, y) (bias FIRST); this is the exporter's own node pattern. The only post-processing (onnx package) is to
    declare the graph input and output as rank 2 ([batch, F], [batch, out]) so that the model is an ordinary MLP;
    the nodes and initializers are untouched. "expected" is the PyTorch output of the same model on 2-D rows.
  * "matmul_add_rewritten": exported as "gemm", then each Gemm(transB=1) is replaced, with the onnx package, by
    MatMul(x, W^T) with a transposed [in, out] initializer followed by Add(y, b) (bias SECOND), the order other
    converters (and hand-written graphs) use.
  * "float16": exported in float32 (torch 1.13 cannot run nn.Linear in half precision on the CPU, so
    model.half() does not trace), then every float initializer and the graph input/output are converted to
    FLOAT16: the graph model.half() exports on a GPU. "input" rows are float16-exact; "expected" is PyTorch's
    float32 forward with the float16-rounded weights (the importer widens float16 initializers to float32).
  * "flatten": nn.Flatten() in front, exported as Flatten(axis=1) on the [N, F] input: a no-op.
  * "shared_initializer": all biases zero (nn.init.zeros_, common in RL code). The exporter deduplicates
    initializers with equal values, so layer 2's bias becomes Identity(layer 1's bias): a real PyTorch form.

Opsets: 9, 13 and 17 are exported; 21 is attempted and skipped when the exporter refuses it (torch 1.13 stops at 17),
with a note on stdout. Before writing, every non-reject fixture is checked with onnx.checker and evaluated by a small
numpy interpreter of the graph (below), which must match "expected" within 1e-5 relative + 1e-6 absolute.
"""
import io
import json
import os
import sys
import warnings
import zlib

import numpy as np
import onnx
import torch
import torch.nn as nn
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
OPSETS = (9, 13, 17, 21)
ROWS = 5
RTOL, ATOL = 1e-5, 1e-6

ACTIVATIONS = {nn.ReLU: "relu", nn.LeakyReLU: "leaky_relu", nn.Tanh: "tanh", nn.Sigmoid: "sigmoid",
               nn.Softmax: "softmax"}

written = []
skipped = []


class UnsupportedOpset(Exception):
    pass


def seed_of(name):
    return zlib.crc32(name.encode())


def f32(v):
    """Shortest decimal that round-trips the float32 v, as a Python float (json writes it back unchanged)."""
    v = np.float32(v)
    out = float(np.format_float_positional(v, unique=True, trim="-")) if v != 0 else 0.0
    if abs(v) < 1e-4 and v != 0:
        out = float(np.format_float_scientific(v, unique=True, trim="-"))
    assert np.float32(out) == v, (v, out)
    return out


def rows(a):
    return [[f32(v) for v in r] for r in np.asarray(a, dtype=np.float32)]


def layer_specs(model):
    """[[units, activation, has_bias], ...] of an nn.Sequential of Linear layers, activations and Flatten."""
    specs = []
    for m in model:
        if isinstance(m, nn.Linear):
            specs.append([m.out_features, "identity", m.bias is not None])
        elif type(m) in ACTIVATIONS:
            assert specs and specs[-1][1] == "identity", "one activation per Linear"
            if isinstance(m, nn.LeakyReLU):
                assert m.negative_slope == 0.01
            if isinstance(m, nn.Softmax):
                assert m.dim == -1
            specs[-1][1] = ACTIVATIONS[type(m)]
        elif isinstance(m, nn.Flatten):
            assert not specs
        else:
            raise TypeError(type(m))
    return specs


def export(model, args, opset, input_names=("input",)):
    """torch.onnx.export (TorchScript exporter), dynamic batch axis, as an onnx ModelProto."""
    model.eval()
    f = io.BytesIO()
    kwargs = {}
    if "dynamo" in torch.onnx.export.__code__.co_varnames:  # torch >= 2.5: keep the TorchScript exporter
        kwargs["dynamo"] = False
    axes = {n: {0: "batch"} for n in list(input_names) + ["output"]}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(model, args, f, opset_version=opset, input_names=list(input_names),
                              output_names=["output"], dynamic_axes=axes, do_constant_folding=True, **kwargs)
    except (ValueError, RuntimeError) as e:
        if "opset" in str(e).lower():
            raise UnsupportedOpset(str(e))
        raise
    return onnx.load_from_string(f.getvalue())


# ---- post-processing with the onnx package ------------------------------------------------------------------------

def set_io_rank2(mp, fan_in, fan_out):
    """Declares the graph input [batch, fan_in] and output [batch, fan_out] (the model was traced on [N, 1, F])."""
    g = mp.graph
    for vi, width in ((g.input[0], fan_in), (g.output[0], fan_out)):
        dims = vi.type.tensor_type.shape.dim
        assert len(dims) == 3 and dims[1].dim_value == 1, dims
        del dims[:]
        dims.add().dim_param = "batch"
        dims.add().dim_value = width
    del g.value_info[:]


def gemm_to_matmul_add(mp):
    """Each Gemm(x, W, b) with transB=1, alpha=beta=1 becomes MatMul(x, W^T) + Add(y, b); W^T a new initializer."""
    g = mp.graph
    inits = {t.name: t for t in g.initializer}
    nodes = []
    for n in g.node:
        if n.op_type != "Gemm":
            nodes.append(n)
            continue
        attrs = {a.name: helper.get_attribute_value(a) for a in n.attribute}
        assert attrs.get("transB", 0) == 1 and attrs.get("transA", 0) == 0
        assert attrs.get("alpha", 1.0) == 1.0 and attrs.get("beta", 1.0) == 1.0
        w = numpy_helper.to_array(inits[n.input[1]])
        wt_name = n.input[1] + ".T"
        g.initializer.append(numpy_helper.from_array(np.ascontiguousarray(w.T), wt_name))
        prefix = n.name or n.output[0]
        mm_out = prefix + "/MatMul_output_0"
        nodes.append(helper.make_node("MatMul", [n.input[0], wt_name], [mm_out], name=prefix + "/MatMul"))
        if len(n.input) > 2 and n.input[2]:
            nodes.append(helper.make_node("Add", [mm_out, n.input[2]], [n.output[0]], name=prefix + "/Add"))
        else:
            nodes[-1].output[0] = n.output[0]
    del g.node[:]
    g.node.extend(nodes)
    used = {i for n in g.node for i in n.input}
    keep = [t for t in g.initializer if t.name in used]
    del g.initializer[:]
    g.initializer.extend(keep)


def to_float16(mp):
    """Every float initializer and the graph input/output become FLOAT16 (the graph of model.half())."""
    g = mp.graph
    for i, t in enumerate(g.initializer):
        if t.data_type == TensorProto.FLOAT:
            a = numpy_helper.to_array(t).astype(np.float16)
            g.initializer[i].CopyFrom(numpy_helper.from_array(a, t.name))
    for vi in list(g.input) + list(g.output):
        assert vi.type.tensor_type.elem_type == TensorProto.FLOAT
        vi.type.tensor_type.elem_type = TensorProto.FLOAT16
    del g.value_info[:]


# ---- a small interpreter of the graph, to check the fixtures --------------------------------------------------------

def run_graph(mp, x):
    g = mp.graph
    opset = next(o.version for o in mp.opset_import if o.domain in ("", "ai.onnx"))
    env = {t.name: numpy_helper.to_array(t).astype(np.float32) for t in g.initializer}
    env[g.input[0].name] = np.asarray(x, dtype=np.float32)
    for n in g.node:
        a = {at.name: helper.get_attribute_value(at) for at in n.attribute}
        i = [env[s] for s in n.input if s]
        op = n.op_type
        if op == "Gemm":
            A = i[0].T if a.get("transA", 0) else i[0]
            B = i[1].T if a.get("transB", 0) else i[1]
            y = np.float32(a.get("alpha", 1.0)) * (A @ B)
            if len(i) > 2:
                y = y + np.float32(a.get("beta", 1.0)) * i[2]
        elif op == "MatMul":
            y = i[0] @ i[1]
        elif op == "Add":
            y = i[0] + i[1]
        elif op == "Relu":
            y = np.maximum(i[0], 0)
        elif op == "LeakyRelu":
            y = np.where(i[0] > 0, i[0], np.float32(a.get("alpha", 0.01)) * i[0])
        elif op == "Tanh":
            y = np.tanh(i[0])
        elif op == "Sigmoid":
            y = 1 / (1 + np.exp(-i[0]))
        elif op == "Softmax":
            axis = a.get("axis", -1 if opset >= 13 else 1)
            assert axis in (-1, i[0].ndim - 1), axis
            e = np.exp(i[0] - i[0].max(axis=-1, keepdims=True))
            y = e / e.sum(axis=-1, keepdims=True)
        elif op == "Flatten":
            y = i[0].reshape(i[0].shape[0], -1) if a.get("axis", 1) == 1 else None
        elif op == "Identity":
            y = i[0]
        else:
            raise NotImplementedError(op)
        env[n.output[0]] = y.astype(np.float32)
    return env[g.output[0].name]


# ---- writing --------------------------------------------------------------------------------------------------------

def write_json(path, obj):
    parts = []
    for k, v in obj.items():
        if k in ("input", "expected", "layers"):
            body = ",\n".join("    " + json.dumps(r) for r in v)
            parts.append(f'  "{k}": [\n{body}\n  ]')
        else:
            parts.append(f"  {json.dumps(k)}: {json.dumps(v)}")
    with open(path, "w", newline="\n") as f:
        f.write("{\n" + ",\n".join(parts) + "\n}\n")


def save(name, mp, meta):
    onnx.checker.check_model(mp)
    data = mp.SerializeToString()
    with open(os.path.join(HERE, name + ".onnx"), "wb") as f:
        f.write(data)
    write_json(os.path.join(HERE, name + ".json"), meta)
    written.append((name, len(data)))


def fixture(name, build, opset, description, form="gemm", post=None, input_scale=1.5, rank3=False,
            dtype="float32", init=None):
    """Builds the model (seeded by name), exports it, post-processes it, checks it and writes NAME.onnx/.json."""
    seed = seed_of(name)
    torch.manual_seed(seed)
    model = build().eval()
    if init is not None:
        init(model)
    specs = layer_specs(model)
    fan_in = next(m.in_features for m in model if isinstance(m, nn.Linear))
    rng = np.random.default_rng(seed)
    x = (rng.standard_normal((ROWS, fan_in)) * input_scale).astype(np.float32)
    if dtype == "float16":
        x = x.astype(np.float16).astype(np.float32)
        with torch.no_grad():
            for p in model.parameters():
                p.copy_(p.half().float())  # expected = float32 arithmetic on the float16-rounded weights
    with torch.no_grad():
        expected = model(torch.from_numpy(x)).numpy()
    example = torch.from_numpy(x[:2])
    if rank3:
        example = example[:, None, :]
    try:
        mp = export(model, (example,), opset)
    except UnsupportedOpset as e:
        skipped.append((name, str(e)))
        print(f"skipped {name}: {e}", file=sys.stderr)
        return
    if rank3:
        set_io_rank2(mp, fan_in, specs[-1][0])
    if post is not None:
        post(mp)
    if dtype == "float16":
        to_float16(mp)
    got = run_graph(mp, x)
    assert np.allclose(got, expected, rtol=RTOL, atol=ATOL), (name, got, expected)
    meta = {"description": description, "opset": opset, "form": form, "dtype": dtype, "in": fan_in,
            "layers": specs, "input": rows(x), "expected": rows(expected)}
    save(name, mp, meta)


def reject(name, model, args, opset, description, mentions, input_names=("input",)):
    torch.manual_seed(seed_of(name))
    mp = export(model, args, opset, input_names)
    ops = {n.op_type for n in mp.graph.node}
    assert mentions in ops or mentions == "input", (mentions, ops)
    save(name, mp, {"description": description, "opset": opset, "reject": True, "mentions": mentions})


# ---- the fixtures ---------------------------------------------------------------------------------------------------

def main():
    for opset in OPSETS:
        fixture(f"relu_op{opset}",
                lambda: nn.Sequential(nn.Linear(6, 8), nn.ReLU(), nn.Linear(8, 8, bias=False), nn.ReLU(),
                                      nn.Linear(8, 3)),
                opset, "ReLU hidden layers (the second without bias: MatMul, no Add), identity output (Gemm)")
        fixture(f"leaky_relu_op{opset}",
                lambda: nn.Sequential(nn.Linear(6, 8), nn.LeakyReLU(), nn.Linear(8, 5, bias=False), nn.LeakyReLU(),
                                      nn.Linear(5, 2, bias=False)),
                opset, "LeakyReLU (default slope 0.01) hidden layers, output layer without bias (MatMul only)")
        fixture(f"tanh_op{opset}",
                lambda: nn.Sequential(nn.Linear(6, 8), nn.Tanh(), nn.Linear(8, 4), nn.Tanh()),
                opset, "Tanh hidden and output layers, all with bias (Gemm)")
        fixture(f"sigmoid_op{opset}",
                lambda: nn.Sequential(nn.Linear(6, 8, bias=False), nn.Sigmoid(), nn.Linear(8, 3), nn.Sigmoid()),
                opset, "Sigmoid hidden layer without bias (MatMul) and sigmoid output (Gemm)")
        fixture(f"softmax_op{opset}",
                lambda: nn.Sequential(nn.Linear(6, 8), nn.ReLU(), nn.Linear(8, 4), nn.Softmax(dim=-1)),
                opset, "ReLU hidden layer, Softmax(dim=-1) output (Softmax axis=1 before opset 13, axis=-1 from 13)")

    fixture("matmul_add_exported_op9",
            lambda: nn.Sequential(nn.Linear(6, 8), nn.ReLU(), nn.Linear(8, 8), nn.LeakyReLU(), nn.Linear(8, 3)),
            9, "exporter's MatMul + Add(bias, y) (Linear traced on [N,1,F]; graph I/O redeclared as [N,F])",
            form="matmul_add_exported", rank3=True)
    fixture("matmul_add_exported_op17",
            lambda: nn.Sequential(nn.Linear(6, 8), nn.Tanh(), nn.Linear(8, 8, bias=False), nn.Sigmoid(),
                                  nn.Linear(8, 4), nn.Softmax(dim=-1)),
            17, "exporter's MatMul + Add(bias, y) and a bias-free MatMul (traced on [N,1,F]; I/O redeclared as [N,F])",
            form="matmul_add_exported", rank3=True)
    fixture("matmul_add_rewritten_op13",
            lambda: nn.Sequential(nn.Linear(6, 8), nn.ReLU(), nn.Linear(8, 8), nn.Tanh(), nn.Linear(8, 3),
                                  nn.Softmax(dim=-1)),
            13, "each Gemm(transB=1) rewritten as MatMul(x, W^T) + Add(y, bias) with the onnx package",
            form="matmul_add_rewritten", post=gemm_to_matmul_add)
    fixture("float16_op13",
            lambda: nn.Sequential(nn.Linear(6, 8), nn.ReLU(), nn.Linear(8, 8, bias=False), nn.Tanh(),
                                  nn.Linear(8, 3), nn.Softmax(dim=-1)),
            13, "float16 initializers and float16 graph input/output (model.half()'s graph); expected from the "
                "float16-rounded weights in float32 arithmetic", form="float16", dtype="float16")
    fixture("float16_op17",
            lambda: nn.Sequential(nn.Linear(6, 8), nn.LeakyReLU(), nn.Linear(8, 2), nn.Sigmoid()),
            17, "float16 initializers and float16 graph input/output (model.half()'s graph), Gemm form",
            form="float16", dtype="float16")
    fixture("flatten_op9",
            lambda: nn.Sequential(nn.Flatten(), nn.Linear(6, 8), nn.ReLU(), nn.Linear(8, 3)),
            9, "nn.Flatten() on the [N,F] input: Flatten(axis=1), a no-op, in front of the Gemm layers",
            form="flatten")
    fixture("flatten_op17",
            lambda: nn.Sequential(nn.Flatten(), nn.Linear(6, 8), nn.Tanh(), nn.Linear(8, 4), nn.Softmax(dim=-1)),
            17, "nn.Flatten() on the [N,F] input: Flatten(axis=1), a no-op, in front of the Gemm layers",
            form="flatten")

    def zero_biases(model):
        for m in model:
            if isinstance(m, nn.Linear) and m.bias is not None:
                nn.init.zeros_(m.bias)

    fixture("shared_initializer_op13",
            lambda: nn.Sequential(nn.Linear(6, 8), nn.ReLU(), nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 3)),
            13, "zero biases: the exporter deduplicates equal initializers, so layer 1's bias is "
                "Identity(layer 0's bias) (hidden layers of equal width)", form="shared_initializer",
            init=zero_biases)

    # Models the importer must refuse, naming the op (or, for two inputs, the graph inputs).
    torch.manual_seed(seed_of("reject_batchnorm_op13"))
    bn = nn.Sequential(nn.Linear(6, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 3)).eval()
    with torch.no_grad():  # random running statistics: fresh ones (0 and 1) equal the affine parameters and the
        bn[1].running_mean.normal_()  # exporter would turn them into Identity nodes ahead of BatchNormalization
        bn[1].running_var.uniform_(0.5, 2.0)
    reject("reject_batchnorm_op13", bn, (torch.randn(2, 6),), 13,
           "Linear, BatchNorm1d (eval), ReLU, Linear: BatchNormalization is not a dense layer or activation",
           "BatchNormalization")
    torch.manual_seed(seed_of("reject_conv1d_op13"))
    conv = nn.Sequential(nn.Conv1d(2, 3, 3), nn.ReLU(), nn.Flatten(), nn.Linear(9, 3)).eval()
    reject("reject_conv1d_op13", conv, (torch.randn(2, 2, 5),), 13,
           "Conv1d on an [N,2,5] input, ReLU, Flatten, Linear: Conv is not supported", "Conv")

    class TwoInputs(nn.Module):
        def __init__(self):
            super().__init__()
            self.a, self.b, self.out = nn.Linear(4, 8), nn.Linear(2, 8), nn.Linear(8, 3)

        def forward(self, x, y):
            return self.out(torch.relu(self.a(x) + self.b(y)))

    torch.manual_seed(seed_of("reject_two_inputs_op13"))
    reject("reject_two_inputs_op13", TwoInputs(), (torch.randn(2, 4), torch.randn(2, 2)), 13,
           "two graph inputs x [N,4] and y [N,2] (Linear(x) + Linear(y)): only one input is supported",
           "input", input_names=("x", "y"))

    total = 0
    for name, size in written:
        total += size + os.path.getsize(os.path.join(HERE, name + ".json"))
    print(f"torch {torch.__version__}, onnx {onnx.__version__}, numpy {np.__version__}: "
          f"{len(written)} fixtures written ({total} bytes with their JSON), {len(skipped)} skipped")
    for name, why in skipped:
        print(f"  skipped {name}: {why}")


if __name__ == "__main__":
    main()
