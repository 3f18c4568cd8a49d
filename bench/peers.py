"""The PyTorch side of `npm run bench -- peers` (bench/peers.ts starts it with /usr/bin/python3).

One process serves the whole run over a line protocol, so that interleaving seqnet's rounds with PyTorch's
costs no interpreter start per round:

    -> (on start)         ready torch=VERSION threads=N script=eager|CELL:torchscript,… blas=openblas|reference|other
                          or: unavailable REASON      (then it exits: PyTorch or NumPy cannot be imported)
    <- run CASE N         -> times MS MS ...          N timed calls of CASE, after one untimed warm-up the
                                                      first time CASE is asked for
    <- matmul M K N R     -> times MS MS ...          R timed (M×K)·(K×N) float32 products
    <- quit               (exits)
    any failure           -> error MESSAGE            (the process stays up)

CASE is SIZE:CELL:MODE, SIZE `s1` (batch 32 × 50 steps × 16 features → 128 units) or `s2` (64 × 100 × 64 →
256), CELL one of lstm, ln-lstm, bn-lstm, gru, ln-gru, MODE `train` (one Adam step on one batch, loss the mean
square of the last output, as bench/runtime.ts) or `forward` (one inference pass, no gradient).

The peers: nn.LSTM and nn.GRU (PyTorch's fused ops), and hand-written LN-LSTM (Ba et al. 2016: layer norm of
W·x, of U·h and of c), BN-LSTM (Cooijmans et al. 2016: per-step batch norm at the same three sites, γ = 0.1)
and LN-GRU (Ba et al.'s, reset after the product, the gates and the candidate normalized apart), the same
functions as bench/runtime.ts's seqnet layers (`peers.py check` below, test/bench/peers-check.test.ts). They are
written as a PyTorch user aiming for speed writes them: the input projection (and its norm) of all steps as one
matmul before the step loop, PyTorch's fused norms (F.layer_norm, the native batch norm, whose batch statistics
also feed the population update), and the step loop compiled with torch.jit.script (SEQNET_PEERS_EAGER=1 runs
them eagerly). Their weights are named and laid out as seqnet's, so `check` loads seqnet's by copying.

    python3 peers.py check < REQUESTS.json     one JSON list of {cell, batch, steps, features, units, x,
                                               weights} in, one list of answers out (`check` says what)
"""
import json
import os
import sys
import time
from typing import List, Optional

try:
    import numpy  # noqa: F401  (the generated PyTorch trainer needs it too)
    import torch
    from torch import Tensor, nn
    from torch.nn import functional as F
except Exception as error:  # ImportError, or a broken installation's own error
    print(f'unavailable {type(error).__name__}: {error}'.replace('\n', ' '), flush=True)
    sys.exit(0)

THREADS = 2
EAGER = os.environ.get('SEQNET_PEERS_EAGER') == '1'
SIZES = {'s1': (32, 50, 16, 128), 's2': (64, 100, 64, 256)}
# The constants of bench/runtime.ts's seqnet layers: ε at every site, the population statistics' momentum.
EPSILON = 1e-5
MOMENTUM = 0.99


class Recurrent(nn.Module):
    """The weights of a hand-written peer, named and laid out as seqnet's (docs/runtime.md, "Weights"): kernel
    [features, G·u], recurrent_kernel [u, G·u], one bias [G·u] (gates i, f, c, o; z, r, h), and per norm site
    SITE_gamma, SITE_beta (centered sites only) and a batch norm's SITE_moving_mean and SITE_moving_variance
    [steps, width]; seqnet's `SITE_norm/gamma` is `SITE_gamma` here, so seqnet's weights load by name (`check`)."""

    # TorchScript reads no global float: the constants are the module's.
    __constants__ = ['epsilon', 'momentum']

    def __init__(self, features: int, units: int, gates: int):
        super().__init__()
        self.units = units
        self.epsilon = EPSILON
        self.momentum = MOMENTUM
        self.kernel = nn.Parameter(torch.randn(features, gates * units) / features ** 0.5)
        self.recurrent_kernel = nn.Parameter(torch.randn(units, gates * units) / units ** 0.5)
        self.bias = nn.Parameter(torch.zeros(gates * units))
        if gates == 4:  # the LSTM's forget block starts at 1, as bench/runtime.ts's layers (forgetBias.init)
            self.bias.data[units:2 * units] = 1.0

    def add_norm(self, site: str, width: int, gamma: float, centered: bool = False, steps: int = 0) -> None:
        """One norm site's γ (and β when `centered`), and, with `steps`, a batch norm's population statistics."""
        setattr(self, f'{site}_gamma', nn.Parameter(torch.full([width], gamma)))
        if centered:
            setattr(self, f'{site}_beta', nn.Parameter(torch.zeros(width)))
        if steps > 0:
            self.register_buffer(f'{site}_moving_mean', torch.zeros(steps, width))
            self.register_buffer(f'{site}_moving_variance', torch.ones(steps, width))


class LNLSTM(Recurrent):
    """Ba et al.'s LN-LSTM: gates LN(W·x) + LN(U·h) + b (the input projection and its norm for all steps before
    the loop), c carried unnormalized, h = o ⊙ tanh(LN(c)); only the cell site is centered (β)."""

    def __init__(self, features: int, units: int):
        super().__init__(features, units, 4)
        self.add_norm('input', 4 * units, 1.0)
        self.add_norm('recurrent', 4 * units, 1.0)
        self.add_norm('cell', units, 1.0, centered=True)

    def forward(self, x: Tensor) -> Tensor:
        width = [4 * self.units]
        projected = F.layer_norm(torch.matmul(x, self.kernel), width, self.input_gamma, None, self.epsilon) + self.bias
        h = x.new_zeros(x.shape[0], self.units)
        c = x.new_zeros(x.shape[0], self.units)
        for u in projected.unbind(1):
            gates = u + F.layer_norm(torch.mm(h, self.recurrent_kernel), width, self.recurrent_gamma, None, self.epsilon)
            i, f, g, o = gates.chunk(4, 1)
            c = torch.addcmul(torch.sigmoid(f) * c, torch.sigmoid(i), torch.tanh(g))
            h = torch.sigmoid(o) * torch.tanh(F.layer_norm(c, [self.units], self.cell_gamma, self.cell_beta, self.epsilon))
        return h


class BNLSTM(Recurrent):
    """Cooijmans et al.'s BN-LSTM: gates BN(W·x) + BN(U·h) + b, h = o ⊙ tanh(BN(c)), γ = 0.1, each step with its
    own batch statistics in training (population statistics per step at inference); only the cell site is
    centered. After a training call the population statistics move toward the batch's, as seqnet's do
    (pop ← 0.99 pop + 0.01 batch, the batch variance biased); `steps` must be the input's."""

    def __init__(self, features: int, units: int, steps: int):
        super().__init__(features, units, 4)
        self.add_norm('input', 4 * units, 0.1, steps=steps)
        self.add_norm('recurrent', 4 * units, 0.1, steps=steps)
        self.add_norm('cell', units, 0.1, centered=True, steps=steps)

    def forward(self, x: Tensor) -> Tensor:
        batch, steps = x.shape[0], x.shape[1]
        # Per-step statistics of W·x for all steps at once: one batch norm over [batch, steps·4u], the bias as β.
        projected = torch.matmul(x, self.kernel).reshape(batch, -1)
        input_records: List[Tensor] = []
        projected = self.batch_norm(projected, self.input_gamma.repeat(steps), self.bias.repeat(steps),
                                    self.input_moving_mean.view(-1), self.input_moving_variance.view(-1), input_records)
        h = x.new_zeros(batch, self.units)
        c = x.new_zeros(batch, self.units)
        recurrent_records: List[Tensor] = []
        cell_records: List[Tensor] = []
        for t, u in enumerate(projected.view(batch, steps, -1).unbind(1)):
            v = self.batch_norm(torch.mm(h, self.recurrent_kernel), self.recurrent_gamma, None,
                                self.recurrent_moving_mean[t], self.recurrent_moving_variance[t], recurrent_records)
            i, f, g, o = (u + v).chunk(4, 1)
            c = torch.addcmul(torch.sigmoid(f) * c, torch.sigmoid(i), torch.tanh(g))
            normalized = self.batch_norm(c, self.cell_gamma, self.cell_beta, self.cell_moving_mean[t],
                                         self.cell_moving_variance[t], cell_records)
            h = torch.sigmoid(o) * torch.tanh(normalized)
        if self.training:
            self.move(self.input_moving_mean.view(-1), self.input_moving_variance.view(-1), input_records)
            self.move(self.recurrent_moving_mean, self.recurrent_moving_variance, recurrent_records)
            self.move(self.cell_moving_mean, self.cell_moving_variance, cell_records)
        return h

    def batch_norm(self, v: Tensor, gamma: Tensor, beta: Optional[Tensor], mean: Tensor, variance: Tensor,
                   records: List[Tensor]) -> Tensor:
        """γ ⊙ (v − μ)/√(σ² + ε) + β over the batch (dimension 0): PyTorch's native batch norm, which also hands
        back the batch's mean and 1/√(σ² + ε) (kept in `records`); at inference the population's μ, σ²."""
        if not self.training:
            return torch.native_batch_norm(v, gamma, beta, mean, variance, False, 0.0, self.epsilon)[0]
        normalized, batch_mean, inverse_std = torch.native_batch_norm(v, gamma, beta, None, None, True, 0.0, self.epsilon)
        records.append(batch_mean.detach())
        records.append(inverse_std.detach())
        return normalized

    def move(self, mean: Tensor, variance: Tensor, records: List[Tensor]) -> None:
        """pop ← momentum·pop + (1 − momentum)·batch, from `records` (mean, 1/√(σ² + ε) per step)."""
        stacked = torch.stack(records)  # rows: mean, 1/√(σ² + ε), mean, … (one pair a step, or one for the input)
        batch_mean, inverse_std = stacked[0::2].reshape_as(mean), stacked[1::2].reshape_as(mean)
        mean.lerp_(batch_mean, 1 - self.momentum)
        variance.lerp_(inverse_std.pow(-2) - self.epsilon, 1 - self.momentum)


class LNGRU(Recurrent):
    """Ba et al.'s LN-GRU, reset after the product: [z, r] and the candidate normalized apart (groups
    gates_and_candidate) at the input and recurrent sites; z = σ(u_z + v_z + b_z), r likewise,
    ĥ = tanh(u_h + r ⊙ v_h + b_h), h = z ⊙ h + (1 − z) ⊙ ĥ; no site is centered."""

    def __init__(self, features: int, units: int):
        super().__init__(features, units, 3)
        self.add_norm('input', 3 * units, 1.0)
        self.add_norm('recurrent', 3 * units, 1.0)

    def forward(self, x: Tensor) -> Tensor:
        units = self.units
        spans = [2 * units, units]
        gates_x, candidate_x = torch.matmul(x, self.kernel).split(spans, -1)
        gamma_x, gamma_h, bias = self.input_gamma.split(spans), self.recurrent_gamma.split(spans), self.bias.split(spans)
        gates_x = F.layer_norm(gates_x, [2 * units], gamma_x[0], None, self.epsilon) + bias[0]
        candidate_x = F.layer_norm(candidate_x, [units], gamma_x[1], None, self.epsilon) + bias[1]
        # The two spans' recurrent products apart, so that each norm reads a contiguous product.
        kernel_gates, kernel_candidate = [part.contiguous() for part in self.recurrent_kernel.split(spans, 1)]
        h = x.new_zeros(x.shape[0], units)
        for u_gates, u_candidate in zip(gates_x.unbind(1), candidate_x.unbind(1)):
            v_gates = F.layer_norm(torch.mm(h, kernel_gates), [2 * units], gamma_h[0], None, self.epsilon)
            v_candidate = F.layer_norm(torch.mm(h, kernel_candidate), [units], gamma_h[1], None, self.epsilon)
            z, r = torch.sigmoid(u_gates + v_gates).chunk(2, 1)
            candidate = torch.tanh(torch.addcmul(u_candidate, r, v_candidate))
            h = torch.lerp(candidate, h, z)
        return h


class Fused(nn.Module):
    """nn.LSTM / nn.GRU, returning the last step's output."""

    def __init__(self, layer: nn.Module):
        super().__init__()
        self.layer = layer

    def forward(self, x: Tensor) -> Tensor:
        return self.layer(x)[0][:, -1]


def build_model(cell: str, features: int, units: int, steps: int) -> nn.Module:
    if cell == 'lstm':
        return Fused(nn.LSTM(features, units, batch_first=True))
    if cell == 'gru':
        return Fused(nn.GRU(features, units, batch_first=True))
    model = {'ln-lstm': lambda: LNLSTM(features, units), 'bn-lstm': lambda: BNLSTM(features, units, steps),
             'ln-gru': lambda: LNGRU(features, units)}[cell]()
    return model if EAGER else torch.jit.script(model)


class Case:
    def __init__(self, name: str):
        size, cell, mode = name.split(':')
        if size not in SIZES or mode not in ('train', 'forward'):
            raise ValueError(f'unknown case {name}')
        batch, steps, features, units = SIZES[size]
        torch.manual_seed(3)
        self.x = torch.randn(batch, steps, features)
        self.model = build_model(cell, features, units, steps)
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=1e-3)
        self.call = self.train if mode == 'train' else self.forward
        for _ in range(3):  # warm-up: allocations, and TorchScript optimizes after two profiling runs
            self.call()

    def train(self) -> None:
        self.model.train()
        self.optimizer.zero_grad(set_to_none=True)
        loss = self.model(self.x).pow(2).mean()
        loss.backward()
        self.optimizer.step()
        float(loss)

    def forward(self) -> None:
        self.model.eval()
        with torch.no_grad():
            float(self.model(self.x).sum())


def timed(call, rounds: int) -> list:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return times


def matmul_times(m: int, k: int, n: int, rounds: int) -> list:
    a, b = torch.randn(m, k), torch.randn(k, n)
    torch.matmul(a, b)
    return timed(lambda: torch.matmul(a, b), rounds)


def answer(line: str, cases: dict) -> str:
    words = line.split()
    if len(words) == 3 and words[0] == 'run':
        if words[1] not in cases:
            cases[words[1]] = Case(words[1])
        times = timed(cases[words[1]].call, int(words[2]))
    elif len(words) == 5 and words[0] == 'matmul':
        times = matmul_times(*(int(word) for word in words[1:]))
    else:
        raise ValueError(f'cannot read the request {line!r}')
    return 'times ' + ' '.join(f'{t:.4f}' for t in times)


def blas_library() -> str:
    """Which BLAS the process mapped: Debian's python3-torch takes whatever libblas.so.3 the system's
    alternatives name, and the reference one there is about 25 times slower than OpenBLAS at a matmul."""
    try:
        with open('/proc/self/maps') as maps:
            paths = {line.split()[-1] for line in maps if 'blas' in line}
    except OSError:
        return 'other'
    if any('openblas' in path for path in paths):
        return 'openblas'
    return 'reference' if any('/blas/libblas' in path for path in paths) else 'other'


def peer_name(tfjs_name: str) -> str:
    """A seqnet weight's name (without the layer's prefix) as a peer's: `input_norm/gamma` → `input_gamma`."""
    return tfjs_name.replace('_norm/', '_')


def check(request: dict) -> dict:
    """The check mode (`peers.py check`, test/bench/peers-check.test.ts): one hand-written peer, built and
    scripted as the bench runs it, given seqnet's weights (`weights`: every one, by seqnet's name, flat, in the
    tfjs layout) and the input `x` [batch, steps, features]. Answers the inference output (population statistics),
    the training-mode output, the bench's loss (the mean square of the last output), the loss's gradient of every
    weight, and the population statistics after that training call, each flat."""
    batch, steps, features, units = (request[key] for key in ('batch', 'steps', 'features', 'units'))
    model = build_model(request['cell'], features, units, steps)
    state = dict(model.named_parameters(), **dict(model.named_buffers()))
    seqnet_names = {peer_name(name): name for name in request['weights']}
    given = {peer_name(name): values for name, values in request['weights'].items()}
    if set(given) != set(state):
        raise ValueError(f'weights given {sorted(given)}, the peer has {sorted(state)}')
    with torch.no_grad():
        for name, tensor in state.items():
            tensor.copy_(torch.tensor(given[name], dtype=torch.float32).view_as(tensor))
    x = torch.tensor(request['x'], dtype=torch.float32).view(batch, steps, features)
    model.eval()
    with torch.no_grad():
        inference = model(x)
    model.train()
    training = model(x)
    loss = training.pow(2).mean()
    loss.backward()
    flat = lambda tensor: tensor.detach().reshape(-1).tolist()  # noqa: E731
    return {
        'inference': flat(inference),
        'training': flat(training),
        'loss': loss.item(),
        'gradients': {seqnet_names[name]: flat(parameter.grad) for name, parameter in model.named_parameters()},
        'population': {seqnet_names[name]: flat(buffer) for name, buffer in model.named_buffers()},
    }


def main() -> None:
    torch.set_num_threads(THREADS)
    script = 'eager' if EAGER else 'torchscript'
    print(f'ready torch={torch.__version__} threads={torch.get_num_threads()} script={script} blas={blas_library()}', flush=True)
    cases: dict = {}
    for line in sys.stdin:
        if line.strip() == 'quit':
            break
        try:
            reply = answer(line.strip(), cases)
        except Exception as error:
            reply = f'error {type(error).__name__}: {error}'.replace('\n', ' ')
        print(reply, flush=True)


if __name__ == '__main__':
    if sys.argv[1:] == ['check']:
        json.dump([check(request) for request in json.load(sys.stdin)], sys.stdout)
    else:
        main()
