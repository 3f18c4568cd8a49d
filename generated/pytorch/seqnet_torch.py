"""seqnet's PyTorch runtime: the layers the generated modules ('seqnet generate --target pytorch') are built of.

Written by 'seqnet generate' beside the generated modules; do not edit. Every layer computes what seqnet's tfjs
layer of the same name computes (docs/runtime.md, docs/pytorch.md) and keeps its weights in the tfjs layout
(kernel [in, G*u], gates i, f, c, o for the LSTM and z, r, h for the GRU), so that exchanging weights with a
tfjs model is a copy: 'load_tfjs_weights' and 'tfjs_weights' below are the only conversion, written once.
"""
import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

GATE_COUNT = {"lstm": 4, "gru": 3, "rnn": 1, "indrnn": 1}
# The candidate's gate block (g for the LSTM, h for the GRU); its own group under 'gates_and_candidate'.
CANDIDATE_BLOCK = {"lstm": 2, "gru": 2, "rnn": 0, "indrnn": 0}
# Replaces padded steps before a max, so they never win; finite, so that an all-padding row stays finite.
PADDING_FLOOR = -1e9
# tfjs's epsilon for clipping probabilities in the cross-entropies.
PROBABILITY_EPSILON = 1e-7


def hard_sigmoid(x):
    # tfjs / tf.keras 2: clip(0.2 x + 0.5, 0, 1) (not Keras 3's relu6(x + 3) / 6).
    return torch.clamp(0.2 * x + 0.5, 0.0, 1.0)


def softsign(x):
    return x / (1.0 + torch.abs(x))


def swish(x):
    return x * torch.sigmoid(x)


def linear(x):
    return x


def softmax(x):
    return torch.softmax(x, dim=-1)


ACTIVATIONS = {
    "tanh": torch.tanh,
    "sigmoid": torch.sigmoid,
    "hard_sigmoid": hard_sigmoid,
    "relu": torch.relu,
    "elu": F.elu,
    "selu": F.selu,
    "gelu": F.gelu,  # the exact form x (1 + erf(x / sqrt 2)) / 2, as tfjs
    "softsign": softsign,
    "softplus": F.softplus,
    "swish": swish,
    "linear": linear,
    "softmax": softmax,
}


def activation(name):
    return ACTIVATIONS[name]


# ---------------------------------------------------------------------------------------------------------------
# Weights in the tfjs layout


class TfjsWeighted(nn.Module):
    """A module whose weights have tfjs names: 'tfjs_entries()' lists (name, tensor, trainable) in build order."""

    def tfjs_entries(self):
        raise NotImplementedError


def ordered_tfjs_entries(modules):
    """tfjs saves every trainable weight of every layer (in layer order), then every non-trainable one."""
    entries = [entry for module in modules for entry in module.tfjs_entries()]
    return [e for e in entries if e[2]] + [e for e in entries if not e[2]]


def load_tfjs_weights(entries, expected, values):
    """Copies tfjs weights (name -> float32 array in the tfjs layout) into the tensors of 'entries'."""
    names = [name for name, _, _ in entries]
    if names != [name for name, _ in expected]:
        raise ValueError("the model's weights do not match TFJS_WEIGHTS")
    missing = [name for name in names if name not in values]
    if missing:
        raise KeyError("missing tfjs weights: " + ", ".join(missing))
    with torch.no_grad():
        for name, tensor, _ in entries:
            value = np.asarray(values[name], dtype=np.float32)
            if tuple(value.shape) != tuple(tensor.shape):
                raise ValueError("tfjs weight %s has shape %s, expected %s" % (name, value.shape, tuple(tensor.shape)))
            tensor.copy_(torch.from_numpy(value.copy()))


def tfjs_weights(entries):
    """The weights as name -> float32 numpy array in the tfjs layout, in TFJS_WEIGHTS order."""
    return {name: tensor.detach().cpu().numpy().astype(np.float32, copy=True) for name, tensor, _ in entries}


# ---------------------------------------------------------------------------------------------------------------
# Initial weights: the spec's initializers, drawn with PyTorch's generator (so not the numbers tfjs draws)


def fans(shape):
    if len(shape) == 1:
        # tfjs's fans of a vector of n values are both sqrt(n).
        return shape[0] ** 0.5, shape[0] ** 0.5
    return shape[0], shape[1]


def kernel_init(name, shape, gates, generator):
    fan_in, fan_out = fans(shape)
    if name == "zeros":
        return torch.zeros(shape)
    if name == "glorot_uniform":
        limit = (6.0 / (fan_in + fan_out)) ** 0.5
        return (torch.rand(shape, generator=generator) * 2.0 - 1.0) * limit
    if name == "glorot_normal":
        return truncated_normal(shape, (2.0 / (fan_in + fan_out)) ** 0.5, generator)
    if name == "he_uniform":
        limit = (6.0 / fan_in) ** 0.5
        return (torch.rand(shape, generator=generator) * 2.0 - 1.0) * limit
    if name == "he_normal":
        return truncated_normal(shape, (2.0 / fan_in) ** 0.5, generator)
    if name == "orthogonal":
        rows, columns = shape
        flat = torch.randn((max(rows, columns), min(rows, columns)), generator=generator)
        q, r = torch.linalg.qr(flat)
        q = q * torch.sign(torch.diagonal(r))
        return q if rows >= columns else q.t()
    if name == "identity":
        # One identity block per gate.
        units = shape[0]
        return torch.cat([torch.eye(units)] * gates, dim=1)
    raise ValueError("unknown initializer " + name)


def vector_init(name, units, steps, generator):
    """A recurrent vector's initial values (docs/runtime.md, Weights): Li et al.'s ranges with T = 'steps' (the
    input's steps; without them the T -> infinity limit), haste's, u = 1, or tfjs's glorot names."""
    if name == "identity":
        return torch.ones(units)
    bound = 2.0 ** (1.0 / steps) if steps else 1.0
    ranges = {"indrnn": (0.0, bound), "indrnn_long": (1.0 / bound, bound), "haste": (-0.5, 0.5)}
    if name in ranges:
        low, high = ranges[name]
        return low + (high - low) * torch.rand(units, generator=generator)
    return kernel_init(name, (units,), 1, generator)


def truncated_normal(shape, stddev, generator):
    # tfjs's glorot_normal / he_normal: a normal truncated at two standard deviations.
    values = torch.randn(shape, generator=generator)
    while True:
        outside = values.abs() > 2.0
        if not outside.any():
            return values * stddev
        values[outside] = torch.randn(int(outside.sum()), generator=generator)


def initialize(model, seed):
    """Draws every weight of 'model' from its initializer, reproducibly from 'seed'."""
    generator = torch.Generator().manual_seed(int(seed))
    for module in model.modules():
        if module is not model and hasattr(module, "reset_weights"):
            module.reset_weights(generator)


# ---------------------------------------------------------------------------------------------------------------
# Masks


def padding_mask(x, padding):
    """tfjs Masking: a step is valid unless all its features equal 'padding'; [batch, time] bool."""
    return torch.any(x != padding, dim=-1)


def apply_padding(x, valid):
    # tfjs's Masking layer also zeroes the padded steps of its output.
    return x * valid.unsqueeze(-1).to(x.dtype)


def masked_moments(v, weights, dims):
    """Mean and population variance of v over 'dims', counting only rows with weight 1 (all when weights is None)."""
    if weights is None:
        mean = v.mean(dim=dims)
        return mean, ((v - mean) ** 2).mean(dim=dims), None
    count = weights.sum(dim=dims)
    safe = torch.clamp(count, min=1.0)
    mean = (v * weights).sum(dim=dims) / safe
    variance = (((v - mean) ** 2) * weights).sum(dim=dims) / safe
    return mean, variance, (count > 0).to(v.dtype)


def moving_average(population, batch, valid, momentum):
    """pop <- momentum pop + (1 - momentum) batch, only where 'valid' (1: a valid example took part)."""
    weight = 1.0 - momentum if valid is None else (1.0 - momentum) * valid
    population.add_(weight * (batch - population))


# ---------------------------------------------------------------------------------------------------------------
# Normalization inside a recurrent cell


def group_ids(groups, first, count, candidate):
    """Group id of each of 'count' gate blocks from 'first' (grouping.ts's groupIdsFor)."""
    ids = []
    for gate in range(first, first + count):
        if groups == "per_gate":
            ids.append(gate)
        elif groups == "gates_and_candidate":
            ids.append(1 if gate == candidate else 0)
        else:
            ids.append(0)
    return ids


class CellNorm(TfjsWeighted):
    """One normalization site of a cell: layer, RMS or batch norm over 'blocks' gate blocks of 'units' each."""

    def __init__(self, cell, site, kind, units, blocks, epsilon, center, gamma_init, beta_init, groups="all",
                 carry=False, statistics=None, max_steps=None, momentum=None):
        super().__init__()
        if kind not in ("layer", "rms", "batch"):
            raise ValueError("seqnet_torch has no %s norm" % kind)
        self.cell, self.site, self.kind, self.units, self.blocks = cell, site, kind, units, blocks
        self.epsilon, self.groups, self.carry = epsilon, groups, carry
        self.statistics, self.max_steps, self.momentum = statistics, max_steps, momentum
        width = units * blocks
        self.gamma = nn.Parameter(torch.full((width,), float(gamma_init)))
        self.beta = nn.Parameter(torch.full((width,), float(beta_init))) if center else None
        if kind == "batch":
            shape = (max_steps, width) if statistics == "per_step" else (width,)
            self.register_buffer("moving_mean", torch.zeros(shape))
            self.register_buffer("moving_variance", torch.ones(shape))
        self.gamma_init, self.beta_init = gamma_init, beta_init
        self.records = []
        self.averaging = {}

    def reset_weights(self, generator):
        with torch.no_grad():
            self.gamma.fill_(self.gamma_init)
            if self.beta is not None:
                self.beta.fill_(self.beta_init)
            if self.kind == "batch":
                self.moving_mean.zero_()
                self.moving_variance.fill_(1.0)

    def tfjs_entries(self):
        prefix = self.site + "_norm/"
        entries = [(prefix + "gamma", self.gamma, True)]
        if self.beta is not None:
            entries.append((prefix + "beta", self.beta, True))
        if self.kind == "batch":
            entries += [(prefix + "moving_mean", self.moving_mean, False), (prefix + "moving_variance", self.moving_variance, False)]
        return entries

    def averaging_matrix(self, first, count):
        """[count, count] matrix averaging block means within each group (None: one group, or one per block)."""
        key = (first, count)
        if key not in self.averaging:
            ids = group_ids(self.groups, first, count, CANDIDATE_BLOCK[self.cell])
            if len(set(ids)) in (1, len(ids)):
                self.averaging[key] = len(set(ids)) == 1
            else:
                rows = [[(1.0 / ids.count(a)) if a == b else 0.0 for b in ids] for a in ids]
                self.averaging[key] = torch.tensor(rows)
        return self.averaging[key]

    def group_mean(self, blocks, first, count):
        """Mean of 'blocks' [N, count, u] over each block's group, broadcastable onto 'blocks'."""
        averaging = self.averaging_matrix(first, count)
        if averaging is True:
            return blocks.mean(dim=(-2, -1), keepdim=True)
        block_means = blocks.mean(dim=-1)
        if averaging is False:
            return block_means.unsqueeze(-1)
        return (block_means @ averaging.to(device=blocks.device, dtype=blocks.dtype)).unsqueeze(-1)

    def forward(self, v, first=0, count=None, step=0, valid=None):
        """Normalizes v [..., count*u], the blocks first..first+count of the site, at processing step 'step'.

        'valid' ([batch, 1] float, 1 for a real step) leaves padded examples out of batch statistics.
        """
        count = self.blocks if count is None else count
        lo, hi = first * self.units, (first + count) * self.units
        gamma = self.gamma if count == self.blocks else self.gamma[lo:hi]
        beta = self.beta if (self.beta is None or count == self.blocks) else self.beta[lo:hi]
        if self.kind == "batch":
            normalized = self.batch_normalized(v, lo, hi, step, valid)
        else:
            shape = v.shape
            blocks = v.reshape(shape[:-1] + (count, self.units))
            if self.kind == "layer":
                blocks = blocks - self.group_mean(blocks, first, count)
            spread = self.group_mean(blocks * blocks, first, count)
            normalized = (blocks * torch.rsqrt(spread + self.epsilon)).reshape(shape)
        out = normalized * gamma
        return out if beta is None else out + beta

    def batch_normalized(self, v, lo, hi, step, valid):
        if self.training:
            mean, variance, has = masked_moments(v, valid, 0)
            if step < self.max_steps:
                self.records.append((step, lo, hi, mean.detach(), variance.detach(), has))
        else:
            row = min(step, self.max_steps - 1)
            mean, variance = self.moving_mean[row, lo:hi], self.moving_variance[row, lo:hi]
        return (v - mean) * torch.rsqrt(variance + self.epsilon)

    def sequence_normalized(self, u, valid):
        """The input site over all steps at once, u [batch, time, width] (valid [batch, time, 1] or None)."""
        if self.kind != "batch":
            return self.forward(u)
        steps = u.shape[1]
        if self.statistics == "shared":
            if self.training:
                mean, variance, has = masked_moments(u, valid, (0, 1))
                self.records.append((None, 0, u.shape[-1], mean.detach(), variance.detach(), has))
            else:
                mean, variance = self.moving_mean, self.moving_variance
        elif self.training:
            mean, variance, has = masked_moments(u, valid, 0)
            for t in range(min(steps, self.max_steps)):
                self.records.append((t, 0, u.shape[-1], mean[t].detach(), variance[t].detach(), None if has is None else has[t, 0]))
        else:
            rows = torch.clamp(torch.arange(steps, device=u.device), max=self.max_steps - 1)
            mean, variance = self.moving_mean[rows], self.moving_variance[rows]
        normalized = (u - mean) * torch.rsqrt(variance + self.epsilon)
        out = normalized * self.gamma
        return out if self.beta is None else out + self.beta

    def update_population(self):
        """Folds the training call's batch statistics into the population statistics, as tfjs does after its forward."""
        records, self.records = self.records, []
        if self.kind != "batch":
            return
        with torch.no_grad():
            for step, lo, hi, mean, variance, has in records:
                target_mean = self.moving_mean[lo:hi] if step is None else self.moving_mean[step, lo:hi]
                target_variance = self.moving_variance[lo:hi] if step is None else self.moving_variance[step, lo:hi]
                moving_average(target_mean, mean, has, self.momentum)
                moving_average(target_variance, variance, has, self.momentum)


# ---------------------------------------------------------------------------------------------------------------
# Dropout


def uniform(shape, like):
    """Uniform draws for a mask, always in float32, so that masks do not depend on the model's dtype: after the
    same torch.manual_seed a float64 copy of a model draws the float32 model's masks (the PyTorch equivalence
    test relies on it to tell float32 overflow from an invalid operation)."""
    return torch.rand(shape, dtype=torch.float32, device=like.device)


def dropout_mask(shape, rate, like):
    """An inverted-dropout mask: kept units scaled by 1 / (1 - rate)."""
    keep = 1.0 - rate
    return (uniform(shape, like) < keep).to(like.dtype) / keep


def zoneout(previous, new, rate, training):
    """Zoneout (Krueger et al. 2017): each unit keeps its previous value with probability 'rate'; at inference
    the expectation rate * previous + (1 - rate) * new."""
    if training:
        keep = (uniform(new.shape, new) < rate).to(new.dtype)
        return new + keep * (previous - new)
    return new + rate * (previous - new)


def initial_noise(state, std):
    """Gaussian noise for an initial state (Cooijmans et al. 2016): N(0, std^2) per example and unit, drawn anew
    on every training call, in float32 like the masks (so a float64 copy of a model draws the same noise). A
    module-level function, so a test can hand in the draws of another implementation."""
    return torch.randn(state.shape, dtype=torch.float32, device=state.device).to(state.dtype) * std


# ---------------------------------------------------------------------------------------------------------------
# Recurrent layers


class Direction(TfjsWeighted):
    """One direction of a seqnet recurrent layer: every cell, norm site and dropout form (docs/runtime.md).

    The input projection x W (and the input norm, and the bias when no joint norm follows it) is computed for all
    steps before the loop; a step is then one matmul h U and elementwise work.
    """

    def __init__(self, prefix, cell, features, units, activation_name, recurrent_activation, use_bias,
                 forget_bias, reset_after, norms, dropout, initializers):
        super().__init__()
        self.forget_init, forget_constant = forget_bias
        self.initializers = initializers
        gates = GATE_COUNT[cell]
        self.prefix, self.cell, self.units, self.gates = prefix, cell, units, gates
        self.act, self.gate_act = activation(activation_name), activation(recurrent_activation)
        self.forget_constant, self.reset_after = forget_constant, reset_after
        self.kernel = nn.Parameter(torch.zeros(features, gates * units))
        shape = (units,) if cell == "indrnn" else (units, gates * units)
        self.recurrent_kernel = nn.Parameter(torch.zeros(shape))
        self.bias = nn.Parameter(torch.zeros(gates * units)) if use_bias else None
        self.norms = nn.ModuleDict()
        for norm in norms:
            blocks = gates if norm["site"] in ("input", "recurrent", "gates") else 1
            self.norms[norm["site"]] = CellNorm(cell, units=units, blocks=blocks, **norm)
        self.dropout = dropout
        # PyTorch's own LSTM (one fused op per sequence) computes exactly this layer when nothing seqnet adds to
        # the cell is on: the same gate order i, f, g, o, tanh and sigmoid, one bias (its second bias is 0).
        self.torch_lstm = (cell == "lstm" and activation_name == "tanh" and recurrent_activation == "sigmoid"
                           and not norms and forget_constant == 0 and dropout["recurrent"] is None
                           and dropout["candidate"] is None and dropout["zoneout"] is None
                           and dropout.get("recurrent_weights") is None)

    def reset_weights(self, generator):
        gates, units = self.gates, self.units
        with torch.no_grad():
            self.kernel.copy_(kernel_init(self.initializers["kernel"], tuple(self.kernel.shape), gates, generator))
            recurrent = self.initializers["recurrent_kernel"]
            if self.cell == "indrnn":
                self.recurrent_kernel.copy_(vector_init(recurrent, units, self.initializers.get("steps"), generator))
            else:
                self.recurrent_kernel.copy_(kernel_init(recurrent, tuple(self.recurrent_kernel.shape), gates, generator))
            if self.bias is not None:
                self.bias.zero_()
                if self.cell == "lstm":
                    self.bias[units:2 * units] = self.forget_init
            for norm in self.norms.values():
                norm.reset_weights(generator)

    def tfjs_entries(self):
        entries = [(self.prefix + "kernel", self.kernel, True), (self.prefix + "recurrent_kernel", self.recurrent_kernel, True)]
        if self.bias is not None:
            entries.append((self.prefix + "bias", self.bias, True))
        for norm in self.norms.values():
            entries += [(self.prefix + name, tensor, trainable) for name, tensor, trainable in norm.tfjs_entries()]
        return entries

    def norm(self, site, v, step, valid, first=0, count=None):
        return self.norms[site](v, first, count, step, valid) if site in self.norms else v

    def forward(self, x, valid):
        """x [batch, time, features] in processing order; valid [batch, time] bool or None. Returns the
        outputs [batch, time, units] (zeros at padded steps) and the final h."""
        batch, steps, _ = x.shape
        training = self.training
        dropout = self.dropout
        if training and dropout["input"] is not None:
            rate, lifetime = dropout["input"]
            x = x * dropout_mask((batch, 1, x.shape[2]) if lifetime == "sequence" else x.shape, rate, x)
        h = x.new_zeros((batch, self.units))
        c = x.new_zeros((batch, self.units)) if self.cell == "lstm" else None
        # Initial-state noise, training only: h_0 then c_0 (the order of the tfjs runtime's draws).
        noise = dropout.get("initial_noise")
        if training and noise is not None:
            if noise[1] > 0:
                h = h + initial_noise(h, noise[1])
            if c is not None and noise[0] > 0:
                c = c + initial_noise(c, noise[0])
        if self.torch_lstm and valid is None:
            return self.run_torch_lstm(x, h, c)
        weights = None if valid is None else valid.unsqueeze(-1).to(x.dtype)
        projected = x @ self.kernel
        if "input" in self.norms:
            projected = self.norms["input"].sequence_normalized(projected, weights)
        fold_bias = self.bias is not None and "gates" not in self.norms
        if fold_bias:
            projected = projected + self.bias
        late_bias = None if fold_bias else self.bias
        recurrent_mask = None
        if training and dropout["recurrent"] is not None:
            recurrent_mask = dropout_mask((batch, self.units), dropout["recurrent"], x)
        candidate_rate = candidate_lifetime = None
        if training and dropout["candidate"] is not None:
            candidate_rate, candidate_lifetime = dropout["candidate"]
        sequence_candidate_mask = None
        if candidate_rate is not None and candidate_lifetime == "sequence":
            sequence_candidate_mask = dropout_mask((batch, self.units), candidate_rate, x)
        zone = dropout["zoneout"]
        # Weight drop (DropConnect on U): one inverted mask of U's shape per call in training, the same at every
        # step and for every example; U itself at inference.
        kernel = self.recurrent_kernel
        if training and dropout.get("recurrent_weights") is not None:
            kernel = kernel * dropout_mask(tuple(kernel.shape), dropout["recurrent_weights"], kernel)
        step_fn = getattr(self, self.cell + "_step")
        keep = None if valid is None else valid.unsqueeze(-1)
        outputs = []
        for t in range(steps):
            candidate_mask = sequence_candidate_mask
            if candidate_rate is not None and candidate_lifetime == "step":
                candidate_mask = dropout_mask((batch, self.units), candidate_rate, x)
            step_valid = None if weights is None else weights[:, t]
            h_in = h if recurrent_mask is None else h * recurrent_mask
            h_new, c_new = step_fn(projected[:, t], h, h_in, c, t, step_valid, late_bias, candidate_mask, kernel)
            if zone is not None and zone[0] > 0 and c is not None:
                c_new = zoneout(c, c_new, zone[0], training)
            h_new = self.norm("hidden", h_new, t, step_valid)
            if zone is not None and zone[1] > 0:
                h_new = zoneout(h, h_new, zone[1], training)
            if keep is None:
                h, c = h_new, c_new
                outputs.append(h_new)
            else:
                # A padded step keeps the states and outputs zeros.
                k = keep[:, t]
                h = torch.where(k, h_new, h)
                c = None if c is None else torch.where(k, c_new, c)
                outputs.append(torch.where(k, h_new, torch.zeros_like(h_new)))
        if training:
            for norm in self.norms.values():
                norm.update_population()
        return torch.stack(outputs, dim=1), h

    def run_torch_lstm(self, x, h, c):
        """The layer as torch's LSTM op on the tfjs-layout weights (transposed views, so gradients reach them),
        from the initial states h and c [batch, units]."""
        weights = [self.kernel.t(), self.recurrent_kernel.t()]
        if self.bias is not None:
            weights += [self.bias, torch.zeros_like(self.bias)]
        initial = (h.unsqueeze(0), c.unsqueeze(0))
        outputs, h, _ = torch._VF.lstm(x, initial, weights, self.bias is not None, 1, 0.0, self.training, False, True)
        return outputs, h[0]

    def joint(self, u, v, t, valid, bias, first=0, count=None):
        """N_gates(u + v) + b over the blocks first..first+count."""
        z = u + v
        if "gates" in self.norms:
            z = self.norms["gates"](z, first, count, t, valid)
        if bias is not None:
            n = self.gates if count is None else count
            z = z + (bias if n == self.gates else bias[first * self.units:(first + n) * self.units])
        return z

    def lstm_step(self, u, h, h_in, c, t, valid, bias, candidate_mask, kernel):
        v = self.norm("recurrent", h_in @ kernel, t, valid)
        i, f, g, o = self.joint(u, v, t, valid, bias).chunk(4, dim=1)
        i = self.gate_act(i)
        f = self.gate_act(f + self.forget_constant if self.forget_constant != 0 else f)
        g = self.act(g)
        if candidate_mask is not None:
            g = g * candidate_mask
        o = self.gate_act(o)
        raw = f * c + i * g
        normalized = self.norm("cell", raw, t, valid)
        norm = self.norms["cell"] if "cell" in self.norms else None
        carried = normalized if norm is not None and norm.carry else raw
        return o * self.act(normalized), carried

    def gru_step(self, u, h, h_in, c, t, valid, bias, candidate_mask, kernel):
        units = self.units
        if self.reset_after:
            v = self.norm("recurrent", h_in @ kernel, t, valid)
            v_gates, v_candidate = v[:, :2 * units], v[:, 2 * units:]
        else:
            v_gates = self.norm("recurrent", h_in @ kernel[:, :2 * units], t, valid, 0, 2)
        gates = self.gate_act(self.joint(u[:, :2 * units], v_gates, t, valid, bias, 0, 2))
        z, r = gates[:, :units], gates[:, units:]
        if self.reset_after:
            recurrent_term = r * v_candidate
        else:
            recurrent_term = self.norm("recurrent", (r * h_in) @ kernel[:, 2 * units:], t, valid, 2, 1)
        candidate = self.act(self.joint(u[:, 2 * units:], recurrent_term, t, valid, bias, 2, 1))
        if candidate_mask is not None:
            candidate = candidate * candidate_mask
        # The interpolation uses the undropped h (Keras 3; docs/runtime.md).
        return z * h + (1.0 - z) * candidate, None

    def rnn_step(self, u, h, h_in, c, t, valid, bias, candidate_mask, kernel):
        return self.single_block_step(u, h_in @ kernel, t, valid, bias, candidate_mask)

    def indrnn_step(self, u, h, h_in, c, t, valid, bias, candidate_mask, kernel):
        # The simple RNN's step with u scaling each unit's own previous state instead of U h.
        return self.single_block_step(u, h_in * kernel, t, valid, bias, candidate_mask)

    def single_block_step(self, u, recurrent_term, t, valid, bias, candidate_mask):
        v = self.norm("recurrent", recurrent_term, t, valid)
        new = self.act(self.joint(u, v, t, valid, bias))
        return (new if candidate_mask is None else new * candidate_mask), None


MERGES = {
    "concat": lambda f, b: torch.cat([f, b], dim=-1),
    "sum": lambda f, b: f + b,
    "mul": lambda f, b: f * b,
    "ave": lambda f, b: (f + b) / 2.0,
}


class Recurrent(TfjsWeighted):
    """A seqnet recurrent layer (SeqnetRecurrent): one or two directions, the whole sequence or the last state."""

    def __init__(self, name, cell, features, units, activation, recurrent_activation, return_sequences,
                 bidirectional, use_bias, forget_bias, reset_after, norms, dropout, initializers):
        super().__init__()
        self.name, self.return_sequences, self.merge = name, return_sequences, bidirectional
        prefixes = [""] if bidirectional is None else ["forward/", "backward/"]
        self.directions = nn.ModuleList([
            Direction(prefix, cell, features, units, activation, recurrent_activation, use_bias, forget_bias,
                      reset_after, norms, dropout, initializers)
            for prefix in prefixes
        ])

    def tfjs_entries(self):
        entries = [entry for direction in self.directions for entry in direction.tfjs_entries()]
        return [(self.name + "/" + name, tensor, trainable) for name, tensor, trainable in entries]

    def forward(self, x, valid):
        outputs, finals = [], []
        for index, direction in enumerate(self.directions):
            if index == 0:
                out, h = direction(x, valid)
            else:
                # The backward direction reads the sequence from the end; its outputs are realigned with time.
                out, h = direction(x.flip(1), None if valid is None else valid.flip(1))
                out = out.flip(1)
            outputs.append(out)
            finals.append(h)
        parts = outputs if self.return_sequences else finals
        return parts[0] if len(parts) == 1 else MERGES[self.merge](parts[0], parts[1])


# ---------------------------------------------------------------------------------------------------------------
# Layers between recurrent layers, and the heads' readers


class Dense(TfjsWeighted):
    """tf.layers.dense: x W + b and the activation, at every step of a sequence."""

    def __init__(self, name, features, units, activation_name):
        super().__init__()
        self.name, self.act = name, activation(activation_name)
        self.kernel = nn.Parameter(torch.zeros(features, units))
        self.bias = nn.Parameter(torch.zeros(units))

    def reset_weights(self, generator):
        with torch.no_grad():
            self.kernel.copy_(kernel_init("glorot_uniform", tuple(self.kernel.shape), 1, generator))
            self.bias.zero_()

    def tfjs_entries(self):
        return [(self.name + "/kernel", self.kernel, True), (self.name + "/bias", self.bias, True)]

    def forward(self, x):
        return self.act(x @ self.kernel + self.bias)


class Normalization(TfjsWeighted):
    """Layer, RMS or batch norm over the features of each step (tf.layers.layerNormalization and
    batchNormalization, seqnet's RmsNormalization). Batch statistics are over batch and time, padding included,
    as tfjs's BatchNormalization (which ignores masks)."""

    def __init__(self, name, kind, features, epsilon, center, gamma_init, beta_init, momentum=None):
        super().__init__()
        if kind not in ("layer", "rms", "batch"):
            raise ValueError("seqnet_torch has no %s norm" % kind)
        self.name, self.kind, self.epsilon, self.momentum = name, kind, epsilon, momentum
        self.gamma_init, self.beta_init = gamma_init, beta_init
        self.gamma = nn.Parameter(torch.full((features,), float(gamma_init)))
        self.beta = nn.Parameter(torch.full((features,), float(beta_init))) if center else None
        if kind == "batch":
            self.register_buffer("moving_mean", torch.zeros(features))
            self.register_buffer("moving_variance", torch.ones(features))

    reset_weights = CellNorm.reset_weights

    def tfjs_entries(self):
        entries = [(self.name + "/gamma", self.gamma, True)]
        if self.beta is not None:
            entries.append((self.name + "/beta", self.beta, True))
        if self.kind == "batch":
            entries += [(self.name + "/moving_mean", self.moving_mean, False), (self.name + "/moving_variance", self.moving_variance, False)]
        return entries

    def forward(self, x):
        if self.kind == "layer":
            mean = x.mean(dim=-1, keepdim=True)
            centered = x - mean
            normalized = centered * torch.rsqrt((centered * centered).mean(dim=-1, keepdim=True) + self.epsilon)
        elif self.kind == "rms":
            normalized = x * torch.rsqrt((x * x).mean(dim=-1, keepdim=True) + self.epsilon)
        elif self.training:
            dims = tuple(range(x.dim() - 1))
            mean, variance, _ = masked_moments(x, None, dims)
            with torch.no_grad():
                moving_average(self.moving_mean, mean.detach(), None, self.momentum)
                moving_average(self.moving_variance, variance.detach(), None, self.momentum)
            normalized = (x - mean) * torch.rsqrt(variance + self.epsilon)
        else:
            normalized = (x - self.moving_mean) * torch.rsqrt(self.moving_variance + self.epsilon)
        out = normalized * self.gamma
        return out if self.beta is None else out + self.beta


class Dropout(nn.Module):
    """seqnet's SequenceDropout: inverted dropout, a new mask every step or one per sequence and feature."""

    def __init__(self, rate, lifetime):
        super().__init__()
        self.rate, self.lifetime = rate, lifetime

    def forward(self, x):
        if not self.training or self.rate == 0:
            return x
        shape = (x.shape[0], 1, x.shape[2]) if self.lifetime == "sequence" and x.dim() == 3 else x.shape
        return x * dropout_mask(shape, self.rate, x)


def last_step(x, valid):
    """The output at the last valid step (the last step without a mask; step 0 for an all-padding row)."""
    if valid is None:
        return x[:, -1]
    steps = x.shape[1]
    positions = torch.arange(1, steps + 1, device=x.device, dtype=x.dtype)
    last = torch.argmax(valid.to(x.dtype) * positions, dim=1)
    return x[torch.arange(x.shape[0], device=x.device), last]


def mean_over_steps(x, valid):
    if valid is None:
        return x.mean(dim=1)
    weights = valid.unsqueeze(-1).to(x.dtype)
    return (x * weights).sum(dim=1) / torch.clamp(weights.sum(dim=1), min=1.0)


def max_with_tfjs_gradient(x, dim):
    """The max over 'dim', whose gradient reaches every element equal to the max, in full (tfjs's max gradient;
    PyTorch's goes to one of them). The added term is exactly zero, so the value is the max itself."""
    values = x.detach().max(dim=dim, keepdim=True).values
    at_max = (x.detach() == values).to(x.dtype)
    return values.squeeze(dim) + ((x - x.detach()) * at_max).sum(dim=dim)


def max_over_steps(x, valid):
    if valid is None:
        return max_with_tfjs_gradient(x, 1)
    pooled = max_with_tfjs_gradient(torch.where(valid.unsqueeze(-1), x, torch.full_like(x, PADDING_FLOOR)), 1)
    # Rows without any valid step pool to 0 rather than the floor.
    return pooled * torch.clamp(valid.to(x.dtype).sum(dim=1, keepdim=True), max=1.0)


# ---------------------------------------------------------------------------------------------------------------
# Losses (src/runtime/training/losses.ts): per head, the mean over all non-batch axes, times the loss weight;
# the model's loss is the sum over heads of the mean over examples, as tfjs's model.compile computes it.


def huber(target, output):
    error = torch.abs(target - output)
    quadratic = torch.clamp(error, max=1.0)
    return (0.5 * quadratic * quadratic + (error - quadratic)).mean(dim=-1)


def binary_crossentropy(target, output):
    p = torch.clamp(output, PROBABILITY_EPSILON, 1.0 - PROBABILITY_EPSILON)
    return -(target * torch.log(p) + (1.0 - target) * torch.log(1.0 - p)).mean(dim=-1)


def categorical_crossentropy(target, output):
    p = torch.clamp(output / output.sum(dim=-1, keepdim=True), PROBABILITY_EPSILON, 1.0 - PROBABILITY_EPSILON)
    return -(target * torch.log(p)).sum(dim=-1)


def sparse_categorical_crossentropy(target, output):
    classes = output.shape[-1]
    labels = target.reshape(output.shape[:-1]).long()
    p = torch.clamp(output, PROBABILITY_EPSILON, 1.0 - PROBABILITY_EPSILON)
    return -(F.one_hot(labels, classes).to(output.dtype) * torch.log(p)).sum(dim=-1)


LOSSES = {
    "mse": lambda target, output: ((target - output) ** 2).mean(dim=-1),
    "mae": lambda target, output: torch.abs(target - output).mean(dim=-1),
    "huber": huber,
    "binary_crossentropy": binary_crossentropy,
    "categorical_crossentropy": categorical_crossentropy,
    "sparse_categorical_crossentropy": sparse_categorical_crossentropy,
}


def head_loss(name, weight, target, output):
    value = LOSSES[name](target, output)
    per_example = value.reshape(value.shape[0], -1).mean(dim=1) if value.dim() > 1 else value
    return (per_example * weight).mean() if weight != 1 else per_example.mean()


def total_loss(heads, outputs, targets):
    """heads: [(name, loss, loss weight)]; outputs and targets: head name -> tensor."""
    total = None
    for name, loss_name, weight in heads:
        value = head_loss(loss_name, weight, targets[name].to(outputs[name].dtype) if loss_name != "sparse_categorical_crossentropy" else targets[name], outputs[name])
        total = value if total is None else total + value
    return total


# ---------------------------------------------------------------------------------------------------------------
# Optimizers (src/runtime/training/optimizer.ts) and gradient clipping (clipping.ts)


def optimizer(params, settings):
    """The train block's optimizer. tfjs's RMSProp adds epsilon inside the square root, PyTorch's outside."""
    kind = settings["type"]
    if kind == "adam":
        return torch.optim.Adam(params, lr=settings["learning_rate"], betas=(settings["beta1"], settings["beta2"]), eps=settings["epsilon"])
    if kind == "sgd":
        return torch.optim.SGD(params, lr=settings["learning_rate"], momentum=settings["momentum"], nesterov=settings["nesterov"])
    if kind == "rmsprop":
        return torch.optim.RMSprop(params, lr=settings["learning_rate"], alpha=settings["decay"], eps=settings["epsilon"], momentum=settings["momentum"])
    raise ValueError("unknown optimizer " + str(kind))


def gradients_finite(params):
    """Whether every gradient is finite; seqnet's trainer skips an update otherwise (docs/training.md)."""
    return all(bool(torch.isfinite(p.grad).all()) for p in params if p.grad is not None)


def clip_gradients(params, train):
    """The train block's clipping: element-wise (clip_value) first, then the global norm (clip_norm), as seqnet's
    GuardedOptimizer does: g <- g * norm / max(|g|, norm) with |g| the norm over all gradients together."""
    clip_value, clip_norm = train["clip_value"], train["clip_norm"]
    params = list(params)
    grads = [p.grad for p in params if p.grad is not None]
    if clip_value is not None:
        for g in grads:
            g.clamp_(-clip_value, clip_value)
    if clip_norm is not None and grads:
        total = torch.sqrt(sum((g * g).sum() for g in grads))
        scale = clip_norm / torch.clamp(total, min=clip_norm)
        for g in grads:
            g.mul_(scale)
