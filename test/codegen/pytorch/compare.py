"""Runs generated PyTorch modules on the cases the vitest suite prepared from tfjs and reports the differences.

Usage: python3 compare.py CASES.json MODULE_DIR RESULTS.json. Each case names an inference module and a
training module (the same model with dropout off) in MODULE_DIR, and holds float32 arrays as base64 of their
bytes: the tfjs weights, an input, targets, and what tfjs computed (outputs at inference and in training mode,
the loss gradients, the population statistics after the training call). For each case the results hold the
largest difference |a - b| / (1 + |b|) per quantity, and whether tfjs -> PyTorch -> tfjs kept every weight's bytes.

A case whose training module has initial-state noise also holds tfjs's draws of it ("initial_noise", in draw
order: layer by layer, forward direction first, h_0 before c_0); the module's runtime is handed those instead of
drawing its own, so the training-mode comparison is exact rather than statistical.

Training-mode quantities are computed twice, in float32 and in float64. Where the float32 computation is itself
ill-conditioned (per-step batch statistics of a few examples over many steps, a max whose arguments tie), no
float32 implementation can meet a fixed tolerance: there each element may also differ from tfjs by twice the
module's own float32 error |a32 - a64|, which is about 1e-7 where the computation is well-conditioned.
"""
import base64
import importlib.util
import json
import sys

import numpy as np
import torch


def array(entry):
    data = np.frombuffer(base64.b64decode(entry["data"]), dtype=np.float32)
    return data.reshape(entry["shape"])


def load_module(folder, name):
    spec = importlib.util.spec_from_file_location(name, folder + "/" + name + ".py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def difference(actual, expected, exact=None):
    actual = np.asarray(actual, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    if actual.shape != expected.shape:
        return float("inf")
    if actual.size == 0:
        return 0.0
    error = np.abs(actual - expected)
    if exact is not None:
        error = np.maximum(error - 2.0 * np.abs(actual - np.asarray(exact, dtype=np.float64)), 0.0)
    return float(np.max(error / (1.0 + np.abs(expected))))


def largest(triples):
    return max([difference(*triple) for triple in triples] + [0.0])


def handing_in(module, noise):
    """Makes the runtime's initial_noise return tfjs's draws (in draw order) instead of its own; returns the
    function to restore."""
    original = module.st.initial_noise
    draws = iter([array(entry) for entry in noise])
    module.st.initial_noise = lambda state, std: torch.from_numpy(next(draws).copy()).to(state.dtype)
    return original


def train_call(module, weights, x, targets, dtype, noise=None):
    """One training-mode call and its loss gradients: outputs, loss, gradients and weights after, in float64.
    'noise': tfjs's initial-state noise draws, handed in for the runtime's own (None: the model has none)."""
    original = None if noise is None else handing_in(module, noise)
    try:
        return train_step(module, weights, x, targets, dtype)
    finally:
        if original is not None:
            module.st.initial_noise = original


def train_step(module, weights, x, targets, dtype):
    model = module.Model()
    model.load_tfjs_weights(weights)
    model.to(dtype)
    model.train()
    outputs = model(x.to(dtype))
    value = module.loss(outputs, {name: target.to(dtype) for name, target in targets.items()})
    value.backward()
    gradients = {
        name: (np.zeros(tuple(tensor.shape)) if tensor.grad is None else tensor.grad.double().numpy())
        for name, tensor, trainable in model.tfjs_entries()
        if trainable
    }
    after = {name: tensor.detach().double().numpy() for name, tensor, _ in model.tfjs_entries()}
    return {name: out.detach().double().numpy() for name, out in outputs.items()}, float(value), gradients, after


def run_case(folder, case):
    weights = {name: array(entry) for name, entry in case["weights"].items()}
    x = torch.from_numpy(array(case["input"]).copy())
    result = {}

    module = load_module(folder, case["module"])
    model = module.Model()
    model.load_tfjs_weights(weights)
    back = model.tfjs_weights()
    result["roundtrip"] = list(back.keys()) == [name for name, _ in module.TFJS_WEIGHTS] and all(
        back[name].dtype == np.float32 and back[name].tobytes() == weights[name].tobytes() for name in weights
    )
    result["weight_shapes"] = [[name, list(shape)] for name, shape in module.TFJS_WEIGHTS]
    model.eval()
    with torch.no_grad():
        outputs = model(x)
    result["inference"] = largest((outputs[name].numpy(), array(entry)) for name, entry in case["inference"].items())

    training = load_module(folder, case["training_module"])
    targets = {name: torch.from_numpy(array(entry).copy()) for name, entry in case["targets"].items()}
    noise = case.get("initial_noise")
    single = train_call(training, weights, x, targets, torch.float32, noise)
    double = train_call(training, weights, x, targets, torch.float64, noise)
    (outputs, value, gradients, after), (outputs64, value64, gradients64, after64) = single, double
    result["training"] = largest((outputs[name], array(entry), outputs64[name]) for name, entry in case["training"].items())
    result["loss"] = difference(value, case["loss"], value64)
    result["gradients"] = largest((gradients[name], array(entry), gradients64[name]) for name, entry in case["gradients"].items())
    result["population"] = largest((after[name], array(entry), after64[name]) for name, entry in case["population"].items())
    result["conditioning"] = largest((outputs[name], outputs64[name]) for name in outputs)
    result["update"] = update_step(module, x, targets)
    return result


def update_step(module, x, targets):
    """From the module's own initial weights, with every dropout form on: one optimizer step of the train block.
    Returns whether outputs, loss and updated weights are finite and the weights moved."""
    torch.manual_seed(0)
    model = module.Model()
    model.train()
    before = [p.detach().clone() for p in model.parameters()]
    value = module.loss(model(x), targets)
    optimizer = module.make_optimizer(model.parameters())
    optimizer.zero_grad()
    value.backward()
    module.st.clip_gradients(model.parameters(), module.TRAIN)
    optimizer.step()
    after = list(model.parameters())
    finite = bool(torch.isfinite(value)) and all(bool(torch.isfinite(p).all()) for p in after)
    return finite and any(not torch.equal(a, b) for a, b in zip(after, before))


def main(cases_path, folder, results_path):
    sys.path.insert(0, folder)
    with open(cases_path) as source:
        cases = json.load(source)
    torch.set_num_threads(1)
    results = {}
    for case in cases:
        try:
            results[case["name"]] = run_case(folder, case)
        except Exception as error:  # reported per case, so that one failure does not hide the others
            results[case["name"]] = {"error": "%s: %s" % (type(error).__name__, error)}
    with open(results_path, "w") as target:
        json.dump(results, target)


if __name__ == "__main__":
    main(*sys.argv[1:4])
