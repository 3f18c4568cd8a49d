"""Runs generated PyTorch modules on the cases the vitest suite prepared from tfjs and reports the differences.

Usage: python3 compare.py CASES.json MODULE_DIR RESULTS.json. Each case names an inference module and a
training module (the same model with dropout off) in MODULE_DIR, and holds float32 arrays as base64 of their
bytes: the tfjs weights, an input, targets, and what tfjs computed (outputs at inference and in training mode,
the loss gradients, the population statistics after the training call). For each case the results hold,
per quantity, the largest difference |a - b| / (1 + |b|) (null where it is not finite), whether
tfjs -> PyTorch -> tfjs kept every weight's bytes, and the outcome of one guarded update step (update_step).

A case whose training module has initial-state noise also holds tfjs's draws of it ("initial_noise", in draw
order: layer by layer, forward direction first, h_0 before c_0); the module's runtime is handed those instead of
drawing its own, so the training-mode comparison is exact rather than statistical.

Inference outputs are compared with tfjs's directly. Training-mode quantities (outputs, loss, gradients,
population statistics) are judged against the exact answer: the same module in float64, given the same
float32 weights and input. The results hold each quantity's distance from it for tfjs ("training", ...) and
for the module in float32 ("training_float32", ...): the second measures how far float32 rounding alone moves
this computation (about 1e-7 where it is well-conditioned, far more where per-step batch statistics normalize
values of near-zero spread), and the test's bound scales with it (test/codegen/pytorch.test.ts says how).
"""
import base64
import importlib.util
import json
import math
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


def difference(actual, expected):
    actual = np.asarray(actual, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    if actual.shape != expected.shape:
        return float("inf")
    if actual.size == 0:
        return 0.0
    return float(np.max(np.abs(actual - expected) / (1.0 + np.abs(expected))))


def largest(pairs):
    return max([difference(*pair) for pair in pairs] + [0.0])


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


def from_exact(computed, exact, population_names):
    """Each training-mode quantity's distance from the float64 result: (outputs, loss, gradients, weights after)."""
    (outputs, value, gradients, after), (outputs64, value64, gradients64, after64) = computed, exact
    return {
        "training": largest((outputs[name], outputs64[name]) for name in outputs64),
        "loss": difference(value, value64),
        "gradients": largest((gradients[name], gradients64[name]) for name in gradients64),
        "population": largest((after[name], after64[name]) for name in population_names),
    }


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
    exact = train_call(training, weights, x, targets, torch.float64, noise)
    tfjs = (
        {name: array(entry) for name, entry in case["training"].items()},
        case["loss"],
        {name: array(entry) for name, entry in case["gradients"].items()},
        {name: array(entry) for name, entry in case["population"].items()},
    )
    for suffix, computed in (("", tfjs), ("_float32", single)):
        result.update({key + suffix: value for key, value in from_exact(computed, exact, case["population"]).items()})
    result["update"] = update_step(module, x, targets)
    return result


# Dropout draws the update step tries before it gives up finding one whose gradients are finite.
DRAWS = 4


def backward(module, x, targets, dtype, draw):
    """The module from its own initial weights, every dropout form on, masks drawn after manual_seed(draw): the
    model after loss.backward() and the loss."""
    model = module.Model()
    model.to(dtype)
    model.train()
    torch.manual_seed(draw)
    value = module.loss(model(x.to(dtype)), {name: target.to(dtype) for name, target in targets.items()})
    value.backward()
    return model, value


def update_step(module, x, targets):
    """One optimizer step of the train block, guarded as seqnet's trainers guard it (GuardedOptimizer, the
    torchrun trainer): an update whose gradients are not all finite is skipped. A draw of dropout masks may
    meet the degenerate point of docs/runtime.md (an all-zero step into a norm of tiny epsilon, whose gradient
    compounds 1/sqrt(epsilon) per step past float32's range); such a draw is skipped, and must be an overflow
    and nothing else: the same masks in float64 (runtime masks are dtype-independent) give finite gradients
    and loss, where an invalid operation (0/0, the root of a negative) would give NaN there too. Then the next
    draw is tried. Returns whether a draw's update was applied, finite and moved the weights, how many draws
    were degenerate, and whether every degenerate one was an overflow only."""
    degenerate, overflow_only = 0, True
    for draw in range(DRAWS):
        model, value = backward(module, x, targets, torch.float32, draw)
        parameters = list(model.parameters())
        if not (bool(torch.isfinite(value)) and module.st.gradients_finite(parameters)):
            degenerate += 1
            exact, value64 = backward(module, x, targets, torch.float64, draw)
            overflow_only = overflow_only and bool(torch.isfinite(value64)) and module.st.gradients_finite(exact.parameters())
            continue
        before = [p.detach().clone() for p in parameters]
        optimizer = module.make_optimizer(parameters)
        module.st.clip_gradients(parameters, module.TRAIN)
        optimizer.step()
        finite = all(bool(torch.isfinite(p).all()) for p in parameters)
        moved = any(not torch.equal(a, b) for a, b in zip(parameters, before))
        return {"applied": finite and moved, "degenerate_draws": degenerate, "overflow_only": overflow_only}
    return {"applied": False, "degenerate_draws": degenerate, "overflow_only": overflow_only}


def finite_or_none(value):
    """JSON has no NaN or Infinity: a distance that is not finite (NaN or Inf in a result, or shapes that
    differ) is written as null, which the test rejects."""
    return None if isinstance(value, float) and not math.isfinite(value) else value


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
        json.dump({name: {key: finite_or_none(value) for key, value in result.items()} for name, result in results.items()}, target)


if __name__ == "__main__":
    main(*sys.argv[1:4])
