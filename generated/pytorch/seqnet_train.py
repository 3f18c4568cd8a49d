# Written by 'seqnet generate --target pytorch' (seqnet's distributed trainer). DO NOT EDIT.
"""Trains a model of 'seqnet generate --target pytorch' on a 'seqnet export-data' folder, on one process or many.

    torchrun --nproc_per_node 2 seqnet_train.py --model sine.py --data exported/sine
    python3 seqnet_train.py --model sine.py --data exported/sine            # one process, no torchrun

(Debian's torch 1.13 under Python 3.11 needs '--redirects 2 --tee 2' after torchrun: its launcher cannot
parse the default '0' there and fails with "'NoneType' object has no attribute 'get'".)

Under torchrun every process trains a replica with DistributedDataParallel: gloo on CPUs, NCCL on GPUs
(--device cuda, one GPU per process). Multi-node runs take torchrun's usual rendezvous flags (--nnodes,
--node_rank, --rdzv_endpoint …); nothing here changes. The replicas start from the untrained model seqnet
train starts from (the export's initial/ weights), or from a seqnet run's weights with --init RUN_DIR.

Batches: the spec's batch size is the global batch. Each of the N processes takes ceil(batch_size / N)
samples of the epoch's DistributedSampler shard (shuffled with the spec's seed, reshuffled each epoch), and
DDP averages the gradients, so one update sees about batch_size samples as under 'seqnet train'.

Batch-norm statistics (norm batch, between layers or in a cell): per replica. In training each process
normalizes with the statistics of its own batch (ceil(batch_size / N) samples, not batch_size), as DDP does
with nn.BatchNorm; nothing is synchronized during a step (SyncBatchNorm needs CUDA and covers nn.BatchNorm
only). The population statistics (moving mean and variance) are then averaged over the replicas after
every epoch, before validation and the checkpoint, so every replica evaluates and saves the same model.
Averaging the replicas' moving means is exactly the moving mean of the global batch means (the average is
linear); the averaged variance leaves out the spread between the replicas' batch means.

Every epoch ends with the validation loss (over all replicas' shards) and a checkpoint (--checkpoint, by
default RUNS_DIR/NAME/pytorch-checkpoint.pt). Starting again with the same checkpoint resumes after its last
epoch (also when torchrun restarts failed workers, --max-restarts); the checkpoint is removed once the run
directory is written. Early stopping and the learning-rate schedules of the train block apply as in seqnet
train. At the end the test loss is printed and a seqnet run directory RUNS_DIR/NAME/N is written, which
'seqnet evaluate', 'seqnet predict' and tf.loadLayersModel read.
"""
import argparse
import hashlib
import importlib.util
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, DistributedSampler, TensorDataset

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import seqnet_runs  # noqa: E402  (beside this file)

CHECKPOINT_FILE = 'pytorch-checkpoint.pt'
# Test-only: 'exit-after-epoch:K' ends every process right after the checkpoint of epoch K (exit 75, as a
# crash would), unless it resumed; how the tests reach a resume, with or without torchrun's --max-restarts.
FAULT = os.environ.get('SEQNET_TRAIN_FAULT', '')


def parse_args(argv):
    parser = argparse.ArgumentParser(description='Train a seqnet PyTorch module on a seqnet export-data folder (runs under torchrun).')
    parser.add_argument('--model', required=True, help='the module seqnet generate --target pytorch wrote for the spec (NAME.py)')
    parser.add_argument('--data', required=True, help='the folder seqnet export-data wrote')
    parser.add_argument('--runs-dir', default='runs', help='parent of the run directories (default: runs)')
    parser.add_argument('--checkpoint', help='checkpoint file (default: RUNS_DIR/NAME/%s)' % CHECKPOINT_FILE)
    parser.add_argument('--init', help="start from this seqnet run directory's weights instead of the untrained model")
    parser.add_argument('--epochs', type=int, help="override the epochs of the export's train block")
    parser.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu', help='cpu or cuda (default: cuda when there is a GPU)')
    parser.add_argument('--json', action='store_true', help='print one JSON object per epoch and one for the outcome')
    return parser.parse_args(argv)


class Distributed:
    """This process's place: rank and world size from torchrun's environment, or a single process without it."""

    def __init__(self, device):
        self.world = int(os.environ.get('WORLD_SIZE', '1'))
        self.rank = int(os.environ.get('RANK', '0'))
        self.local_rank = int(os.environ.get('LOCAL_RANK', '0'))
        self.enabled = 'WORLD_SIZE' in os.environ
        if device == 'cuda':
            torch.cuda.set_device(self.local_rank)
            self.device = torch.device('cuda', self.local_rank)
        else:
            self.device = torch.device('cpu')
        if self.enabled:
            dist.init_process_group(backend='nccl' if device == 'cuda' else 'gloo')

    @property
    def leader(self):
        return self.rank == 0

    def sum(self, values):
        """Element-wise sum of a list of floats over all processes (float64 on the process group's device)."""
        tensor = torch.tensor(values, dtype=torch.float64, device=self.device)
        if self.enabled:
            dist.all_reduce(tensor, op=dist.ReduceOp.SUM)
        return tensor.tolist()

    def average_buffers(self, module):
        """Population statistics (floating-point buffers) averaged over the replicas."""
        if not self.enabled:
            return
        for buffer in module.buffers():
            if buffer.is_floating_point():
                dist.all_reduce(buffer, op=dist.ReduceOp.SUM)
                buffer.div_(self.world)

    def gather(self, value):
        """Every process's value (any picklable object), in rank order."""
        if not self.enabled:
            return [value]
        values = [None] * self.world
        dist.all_gather_object(values, value)
        return values

    def barrier(self):
        if self.enabled:
            dist.barrier()

    def close(self):
        if self.enabled:
            dist.destroy_process_group()


def load_module(path):
    """The generated module at 'path', imported from its folder (its runtime seqnet_torch.py sits beside it)."""
    folder = os.path.dirname(os.path.abspath(path))
    if folder not in sys.path:
        sys.path.insert(0, folder)
    name = os.path.splitext(os.path.basename(path))[0]
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None:
        raise SystemExit(f'seqnet_train: {path} is not a Python module')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def tensors(arrays, head):
    return torch.from_numpy(np.ascontiguousarray(arrays['inputs'])), torch.from_numpy(np.ascontiguousarray(arrays['targets'][head]))


def clip_gradients(parameters, train):
    """The train block's clipping as seqnet's GuardedOptimizer does it: each element to clip_value, then the
    global norm to clip_norm. Returns whether every gradient is finite (an update that is not is skipped)."""
    grads = [p.grad for p in parameters if p.grad is not None]
    if train['clipValue'] is not None:
        for grad in grads:
            grad.clamp_(-train['clipValue'], train['clipValue'])
    total = torch.sqrt(sum((grad.double() ** 2).sum() for grad in grads)) if grads else torch.tensor(0.0)
    if not bool(torch.isfinite(total)):
        return False
    if train['clipNorm'] is not None and float(total) > train['clipNorm']:
        for grad in grads:
            grad.mul_(train['clipNorm'] / float(total))
    return True


def evaluate(model, inputs, targets, head, loss, batch_size, place):
    """The mean loss over a whole split: each process takes every N-th batch and the sums are combined."""
    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        starts = list(range(0, len(inputs), batch_size))[place.rank::place.world]
        for start in starts:
            x = inputs[start:start + batch_size].to(place.device)
            y = targets[start:start + batch_size].to(place.device)
            total += float(loss(model(x), {head: y})) * len(x)
            count += len(x)
    total, count = place.sum([total, float(count)])
    return total / count if count > 0 else None


class Monitor:
    """Early stopping and the learning-rate schedules, as src/train/monitor.ts decides them."""

    def __init__(self, train, state=None):
        self.train = train
        self.state = state or {'best': math.inf, 'bestEpoch': 0, 'stopWait': 0, 'plateauBest': math.inf, 'plateauWait': 0,
                               'learningRate': train['optimizer']['learningRate']}

    def after_epoch(self, epoch, monitored):
        """Returns (improved, stop) and updates the state for the epoch after 'epoch' (1-based)."""
        state, train = self.state, self.train
        stopping = train['earlyStopping']
        improved = monitored < state['best'] - (stopping['minDelta'] if stopping else 0)
        if improved:
            state.update(best=monitored, bestEpoch=epoch, stopWait=0)
        else:
            state['stopWait'] += 1
        schedule = train['schedule']
        if schedule is not None and schedule['type'] == 'step':
            state['learningRate'] = train['optimizer']['learningRate'] * schedule['factor'] ** (epoch // schedule['every'])
        elif schedule is not None:
            if monitored < state['plateauBest']:
                state.update(plateauBest=monitored, plateauWait=0)
            else:
                state['plateauWait'] += 1
                if state['plateauWait'] >= schedule['patience']:
                    state['plateauWait'] = 0
                    state['learningRate'] = max(state['learningRate'] * schedule['factor'], schedule['minLearningRate'])
        return improved, stopping is not None and state['stopWait'] >= stopping['patience']


def fingerprint(data_dir, module_path):
    """What a checkpoint belongs to: the export's index and the module's text (another model or data refuses it)."""
    digest = hashlib.sha256(seqnet_runs.read_verified(data_dir, 'index.json'))
    with open(module_path, 'rb') as file:
        digest.update(file.read())
    return digest.hexdigest()


def save_checkpoint(path, payload):
    """torch.save to a temporary file, then rename: a kill never leaves half a checkpoint."""
    temporary = f'{path}.tmp-{os.getpid()}'
    torch.save(payload, temporary)
    os.replace(temporary, path)


def say(args, place, text, record=None):
    if not place.leader:
        return
    print(json.dumps(record) if args.json and record is not None else text, flush=True)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    place = Distributed(args.device)
    try:
        return train(args, place)
    finally:
        place.close()


def train(args, place):
    module = load_module(args.model)
    index, arrays = seqnet_runs.read_export(args.data)
    settings = dict(index['train'])
    if args.epochs is not None:
        settings['epochs'] = args.epochs
    head = index['heads'][0]['name']
    name = index['model']
    checkpoint_path = args.checkpoint or os.path.join(args.runs_dir, name, CHECKPOINT_FILE)
    identity = fingerprint(args.data, args.model)

    torch.manual_seed(settings['seed'] + place.rank)
    model = module.Model()
    start_weights = args.init or os.path.join(args.data, index['initialRun'])
    model.load_tfjs_weights(seqnet_runs.read_weights(start_weights))
    model.to(place.device)
    replica = DistributedDataParallel(model, broadcast_buffers=False) if place.enabled else model
    optimizer = module.make_optimizer(model.parameters())
    monitor = Monitor(settings)
    state = {'epoch': 0, 'history': [], 'stopped': False, 'best': None, 'skipped': 0}

    resumed = os.path.exists(checkpoint_path)
    if resumed:
        saved = torch.load(checkpoint_path, map_location=place.device)
        if saved['fingerprint'] != identity:
            raise SystemExit(f'seqnet_train: {checkpoint_path} belongs to another model or export; remove it or pass another --checkpoint')
        model.load_state_dict(saved['model'])
        optimizer.load_state_dict(saved['optimizer'])
        monitor = Monitor(settings, saved['monitor'])
        state = saved['state']
        # Each process's random stream (dropout masks) continues where it was, when the process count is the same.
        if len(saved['random']) == place.world:
            random = saved['random'][place.rank]
            torch.set_rng_state(random['cpu'].cpu())
            if random['cuda'] is not None and place.device.type == 'cuda':
                torch.cuda.set_rng_state(random['cuda'].cpu())
        say(args, place, f'resuming from {checkpoint_path} after epoch {state["epoch"]}')

    x_train, y_train = tensors(arrays['train'], head)
    x_validation, y_validation = tensors(arrays['validation'], head)
    x_test, y_test = tensors(arrays['test'], head)
    per_replica = -(-settings['batchSize'] // place.world)
    sampler = DistributedSampler(TensorDataset(x_train, y_train), num_replicas=place.world, rank=place.rank, shuffle=settings['shuffle'], seed=settings['seed'])
    loader = DataLoader(TensorDataset(x_train, y_train), batch_size=per_replica, sampler=sampler)
    say(args, place, f'{index["summary"]}\n{place.world} process{"es" if place.world > 1 else ""} on {place.device.type}, '
                     f'{per_replica} samples per process and batch')

    while state['epoch'] < settings['epochs'] and not state['stopped']:
        started = time.perf_counter()
        for group in optimizer.param_groups:
            group['lr'] = monitor.state['learningRate']
        sampler.set_epoch(state['epoch'])
        replica.train()
        sums = [0.0, 0.0, 0.0]  # loss × samples, samples, skipped updates
        for x, y in loader:
            x, y = x.to(place.device), y.to(place.device)
            optimizer.zero_grad(set_to_none=True)
            value = module.loss(replica(x), {head: y})
            value.backward()
            if clip_gradients(list(model.parameters()), settings):
                optimizer.step()
            else:
                sums[2] += 1
            sums[0] += float(value.detach()) * len(x)
            sums[1] += len(x)
        loss_sum, seen, skipped = place.sum(sums)
        place.average_buffers(model)
        metrics = {'loss': loss_sum / seen}
        validation = evaluate(model, x_validation, y_validation, head, module.loss, settings['batchSize'], place)
        if validation is not None:
            metrics['val_loss'] = validation
        if not all(math.isfinite(v) for v in metrics.values()):
            say(args, place, f'diverged in epoch {state["epoch"] + 1}: the loss is no longer finite', {'status': 'diverged', 'epoch': state['epoch'] + 1})
            return 1
        state['epoch'] += 1
        state['skipped'] += int(skipped)
        log = {'epoch': state['epoch'], 'learningRate': monitor.state['learningRate'], 'seconds': time.perf_counter() - started,
               'metrics': metrics, 'skippedUpdates': int(skipped)}
        state['history'].append(log)
        improved, stop = monitor.after_epoch(state['epoch'], metrics.get('val_loss', metrics['loss']))
        if improved and (settings['earlyStopping'] or {}).get('restoreBest'):
            state['best'] = {key: value.detach().clone() for key, value in model.state_dict().items()}
        state['stopped'] = 'early_stopping' if stop else False
        say(args, place, f'epoch {state["epoch"]}/{settings["epochs"]}: ' + ' · '.join(f'{k} {v:.6g}' for k, v in metrics.items()) + f' ({log["seconds"]:.2f} s)', log)
        random = place.gather({'cpu': torch.get_rng_state(), 'cuda': torch.cuda.get_rng_state() if place.device.type == 'cuda' else None})
        if place.leader:
            os.makedirs(os.path.dirname(os.path.abspath(checkpoint_path)), exist_ok=True)
            save_checkpoint(checkpoint_path, {'fingerprint': identity, 'model': model.state_dict(), 'optimizer': optimizer.state_dict(),
                                              'monitor': monitor.state, 'state': state, 'random': random})
        place.barrier()
        if FAULT == f'exit-after-epoch:{state["epoch"]}' and not resumed:
            os._exit(75)

    if state['best'] is not None:
        model.load_state_dict(state['best'])
    test = evaluate(model, x_test, y_test, head, module.loss, settings['batchSize'], place)
    status = state['stopped'] or 'completed'
    run_dir = None
    if place.leader:
        run_dir = seqnet_runs.create_run_dir(args.runs_dir, name)
        seqnet_runs.write_run(run_dir, os.path.join(args.data, index['initialRun']), model.tfjs_weights(),
                              status=status, test=None if test is None else {'loss': test}, history=state['history'],
                              best_epoch=monitor.state['bestEpoch'] or None, data=index['run']['data'], spec_path=index['run']['specPath'],
                              backend=f'pytorch ({place.world} process{"es" if place.world > 1 else ""}, {place.device.type})',
                              skipped_updates=state['skipped'])
        os.remove(checkpoint_path) if os.path.exists(checkpoint_path) else None
    outcome = {'status': status, 'runDir': run_dir, 'epochs': state['epoch'], 'test': None if test is None else {'loss': test}}
    say(args, place, f'{status.replace("_", " ")} after {state["epoch"]} epochs; run directory {run_dir}' +
        ('' if test is None else f'\ntest: loss {test:.6g}'), outcome)
    return 0


if __name__ == '__main__':
    sys.exit(main())
