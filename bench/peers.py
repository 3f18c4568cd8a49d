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
and LN-GRU (Ba et al.'s, reset after the product, the gates and the candidate normalized apart); LN-LSTM and
LN-GRU as TorchScript modules, BN-LSTM eagerly (SCRIPTED below says why; SEQNET_PEERS_EAGER=1 runs all eagerly).
"""
import os
import sys
import time
from typing import List

try:
    import numpy  # noqa: F401  (the generated PyTorch trainer needs it too)
    import torch
    from torch import Tensor, nn
except Exception as error:  # ImportError, or a broken installation's own error
    print(f'unavailable {type(error).__name__}: {error}'.replace('\n', ' '), flush=True)
    sys.exit(0)

THREADS = 2
# The hand-written cells run as TorchScript where that was faster here (LN-LSTM, LN-GRU: 0.6 to 0.9 of the
# eager time) and eagerly where it was slower (BN-LSTM: 1.2 to 1.9 times the eager time, in training and at
# inference); measured interleaved, see docs/performance.md. SEQNET_PEERS_EAGER=1 runs all of them eagerly.
SCRIPTED = ('ln-lstm', 'ln-gru')
EAGER = os.environ.get('SEQNET_PEERS_EAGER') == '1'
SIZES = {'s1': (32, 50, 16, 128), 's2': (64, 100, 64, 256)}


def layer_norm(x: Tensor, gamma: Tensor, beta: Tensor) -> Tensor:
    # ε = 1e-5 as seqnet's, written in: TorchScript cannot read a global float.
    mean = x.mean(-1, keepdim=True)
    variance = (x - mean).pow(2).mean(-1, keepdim=True)
    return (x - mean) * torch.rsqrt(variance + 1e-5) * gamma + beta


class LNLSTM(nn.Module):
    """Ba et al.'s LN-LSTM: LN(W·x) (all steps at once), LN(U·h) and LN(c) feeding the output only."""

    def __init__(self, features: int, units: int):
        super().__init__()
        self.units = units
        self.kernel = nn.Parameter(torch.randn(features, 4 * units) / features ** 0.5)
        self.recurrent = nn.Parameter(torch.randn(units, 4 * units) / units ** 0.5)
        self.bias = nn.Parameter(torch.zeros(4 * units))
        self.gamma_x = nn.Parameter(torch.ones(4 * units))
        self.gamma_h = nn.Parameter(torch.ones(4 * units))
        self.gamma_c = nn.Parameter(torch.ones(units))
        self.beta_c = nn.Parameter(torch.zeros(units))
        self.zero = nn.Parameter(torch.zeros(4 * units), requires_grad=False)

    def forward(self, x: Tensor) -> Tensor:
        projected = layer_norm(torch.matmul(x, self.kernel), self.gamma_x, self.zero) + self.bias
        h = torch.zeros(x.shape[0], self.units)
        c = torch.zeros(x.shape[0], self.units)
        for t in range(x.shape[1]):
            gates = projected[:, t] + layer_norm(torch.matmul(h, self.recurrent), self.gamma_h, self.zero)
            i, f, g, o = gates.chunk(4, 1)
            c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
            h = torch.sigmoid(o) * torch.tanh(layer_norm(c, self.gamma_c, self.beta_c))
        return h


class BNLSTM(nn.Module):
    """Cooijmans et al.'s BN-LSTM: per-step batch statistics of W·x, U·h and c, γ = 0.1, population moved."""

    def __init__(self, features: int, units: int, steps: int):
        super().__init__()
        self.units = units
        self.kernel = nn.Parameter(torch.randn(features, 4 * units) / features ** 0.5)
        self.recurrent = nn.Parameter(torch.randn(units, 4 * units) / units ** 0.5)
        self.bias = nn.Parameter(torch.zeros(4 * units))
        self.gamma_x = nn.Parameter(torch.full([4 * units], 0.1))
        self.gamma_h = nn.Parameter(torch.full([4 * units], 0.1))
        self.gamma_c = nn.Parameter(torch.full([units], 0.1))
        self.beta_c = nn.Parameter(torch.zeros(units))
        self.register_buffer('mean_x', torch.zeros(steps, 4 * units))
        self.register_buffer('var_x', torch.ones(steps, 4 * units))
        self.register_buffer('mean_h', torch.zeros(steps, 4 * units))
        self.register_buffer('var_h', torch.ones(steps, 4 * units))
        self.register_buffer('mean_c', torch.zeros(steps, units))
        self.register_buffer('var_c', torch.ones(steps, units))

    def forward(self, x: Tensor) -> Tensor:
        projected = torch.matmul(x, self.kernel)
        if self.training:
            mean_x = projected.mean(0)
            var_x = (projected - mean_x).pow(2).mean(0)
        else:
            mean_x, var_x = self.mean_x, self.var_x
        projected = (projected - mean_x) * torch.rsqrt(var_x + 1e-5) * self.gamma_x + self.bias
        h = torch.zeros(x.shape[0], self.units)
        c = torch.zeros(x.shape[0], self.units)
        means_h: List[Tensor] = []
        vars_h: List[Tensor] = []
        means_c: List[Tensor] = []
        vars_c: List[Tensor] = []
        for t in range(x.shape[1]):
            v = torch.matmul(h, self.recurrent)
            if self.training:
                mean_h = v.mean(0)
                var_h = (v - mean_h).pow(2).mean(0)
                means_h.append(mean_h)
                vars_h.append(var_h)
            else:
                mean_h, var_h = self.mean_h[t], self.var_h[t]
            gates = projected[:, t] + (v - mean_h) * torch.rsqrt(var_h + 1e-5) * self.gamma_h
            i, f, g, o = gates.chunk(4, 1)
            c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
            if self.training:
                mean_c = c.mean(0)
                var_c = (c - mean_c).pow(2).mean(0)
                means_c.append(mean_c)
                vars_c.append(var_c)
            else:
                mean_c, var_c = self.mean_c[t], self.var_c[t]
            h = torch.sigmoid(o) * torch.tanh((c - mean_c) * torch.rsqrt(var_c + 1e-5) * self.gamma_c + self.beta_c)
        if self.training:
            # The population statistics move after the call, as seqnet's do (momentum 0.99).
            with torch.no_grad():
                self.mean_x.lerp_(mean_x.detach(), 0.01)
                self.var_x.lerp_(var_x.detach(), 0.01)
                self.mean_h.lerp_(torch.stack(means_h).detach(), 0.01)
                self.var_h.lerp_(torch.stack(vars_h).detach(), 0.01)
                self.mean_c.lerp_(torch.stack(means_c).detach(), 0.01)
                self.var_c.lerp_(torch.stack(vars_c).detach(), 0.01)
        return h


class LNGRU(nn.Module):
    """Ba et al.'s LN-GRU: reset after the product; LN(W·x) and LN(U·h), gates [z, r] and candidate apart."""

    def __init__(self, features: int, units: int):
        super().__init__()
        self.units = units
        self.kernel = nn.Parameter(torch.randn(features, 3 * units) / features ** 0.5)
        self.recurrent = nn.Parameter(torch.randn(units, 3 * units) / units ** 0.5)
        self.bias = nn.Parameter(torch.zeros(3 * units))
        self.gamma_x = nn.Parameter(torch.ones(3 * units))
        self.gamma_h = nn.Parameter(torch.ones(3 * units))
        self.zero = nn.Parameter(torch.zeros(3 * units), requires_grad=False)

    def split_norm(self, x: Tensor, gamma: Tensor) -> Tensor:
        gates, candidate = x.split([2 * self.units, self.units], -1)
        return torch.cat([layer_norm(gates, gamma[: 2 * self.units], self.zero[: 2 * self.units]),
                          layer_norm(candidate, gamma[2 * self.units:], self.zero[2 * self.units:])], -1)

    def forward(self, x: Tensor) -> Tensor:
        projected = self.split_norm(torch.matmul(x, self.kernel), self.gamma_x) + self.bias
        h = torch.zeros(x.shape[0], self.units)
        for t in range(x.shape[1]):
            u = projected[:, t]
            v = self.split_norm(torch.matmul(h, self.recurrent), self.gamma_h)
            u_z, u_r, u_h = u.chunk(3, 1)
            v_z, v_r, v_h = v.chunk(3, 1)
            z = torch.sigmoid(u_z + v_z)
            r = torch.sigmoid(u_r + v_r)
            candidate = torch.tanh(u_h + r * v_h)
            h = z * h + (1 - z) * candidate
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
    return torch.jit.script(model) if cell in SCRIPTED and not EAGER else model


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


def main() -> None:
    torch.set_num_threads(THREADS)
    script = 'eager' if EAGER else ','.join(f'{cell}:torchscript' for cell in SCRIPTED) + ',bn-lstm:eager'
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
    main()
