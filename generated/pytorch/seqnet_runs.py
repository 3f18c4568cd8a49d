# Written by 'seqnet generate --target pytorch' (seqnet's run-directory helper). DO NOT EDIT.
"""seqnet run directories from Python: read a run's weights as numpy arrays, write a complete run directory.

A run directory (runs/NAME/N) holds model.json (the tfjs layers topology and the list of weights), weights.bin
(the weights as little-endian values, concatenated in model.json's order), ir.json, preprocessing.json, the
spec, run.json and history.json, every file listed with its size and SHA-256 in manifest.json. seqnet reads
a file only when it matches the manifest; so does this module. Weight names and shapes are tfjs's; the
PyTorch modules that 'seqnet generate --target pytorch' writes convert them ('load_tfjs_weights',
'tfjs_weights').

Only the Python standard library and numpy are needed.
"""
import datetime
import hashlib
import json
import os
import secrets

import numpy as np

MANIFEST_FILE = 'manifest.json'
MODEL_FILE = 'model.json'
WEIGHTS_FILE = 'weights.bin'
IR_FILE = 'ir.json'
PREPROCESSING_FILE = 'preprocessing.json'
RUN_FILE = 'run.json'
HISTORY_FILE = 'history.json'
SPEC_COPIES = ('spec.seqnet', 'spec.json')

# The dtypes seqnet writes, as numpy spells them (little-endian, whatever this machine's byte order).
DTYPES = {'float32': '<f4', 'int32': '<i4', 'bool': '|b1'}


class RunFileError(Exception):
    """A file of a run directory that is missing, damaged or not what it claims (one line: which, and why)."""


def _digest(data):
    return {'size': len(data), 'sha256': hashlib.sha256(data).hexdigest()}


def _same(a, b):
    return a is not None and a['size'] == b['size'] and a['sha256'] == b['sha256']


def _plain_name(name):
    return name not in ('', '.', '..') and '/' not in name and '\\' not in name and '\0' not in name


def read_manifest(folder):
    """The folder's manifest: {'version': 1, 'files': {name: {'size', 'sha256'}}}."""
    path = os.path.join(folder, MANIFEST_FILE)
    try:
        with open(path, 'rb') as file:
            manifest = json.loads(file.read().decode('utf-8'))
    except FileNotFoundError:
        raise RunFileError(f'{path}: missing; this is not a seqnet run directory, so nothing in it is used') from None
    except ValueError:
        raise RunFileError(f'{path}: is not valid JSON; the folder cannot be verified') from None
    files = manifest.get('files') if isinstance(manifest, dict) else None
    if manifest.get('version') != 1 or not isinstance(files, dict):
        raise RunFileError(f'{path}: is not a version 1 manifest of file sizes and SHA-256 digests')
    return manifest


def read_verified(folder, name):
    """The bytes of folder/name once they match the manifest (or, mid-commit, the version before it)."""
    path = os.path.join(folder, name)
    if not _plain_name(name):
        raise RunFileError(f'{os.path.join(folder, MANIFEST_FILE)}: {name!r} is not a file name inside the folder')
    entry = read_manifest(folder)['files'].get(name)
    if entry is None:
        raise RunFileError(f'{path}: not listed in {MANIFEST_FILE}; it was not written by seqnet, so it is not used')
    try:
        with open(path, 'rb') as file:
            data = file.read()
    except FileNotFoundError:
        raise RunFileError(f'{path}: missing (it is listed in {MANIFEST_FILE})') from None
    found = _digest(data)
    if not _same(found, entry) and not _same(entry.get('previous'), found):
        raise RunFileError(f'{path}: does not match {MANIFEST_FILE} ({found["size"]} bytes, sha256 {found["sha256"][:12]}...; '
                           f'expected {entry["size"]} bytes, sha256 {entry["sha256"][:12]}...): the file was changed or damaged')
    return data


def read_verified_json(folder, name):
    data = read_verified(folder, name)
    try:
        return json.loads(data.decode('utf-8'))
    except ValueError as error:
        raise RunFileError(f'{os.path.join(folder, name)}: is not valid JSON ({error})') from None


def weight_specs(folder):
    """[(name, shape, dtype)] of the weights model.json lists, in weights.bin's order, and the files holding them."""
    model = read_verified_json(folder, MODEL_FILE)
    groups = model.get('weightsManifest') if isinstance(model, dict) else None
    if not isinstance(groups, list) or len(groups) == 0:
        raise RunFileError(f'{os.path.join(folder, MODEL_FILE)}: has no weightsManifest, so it names no weights')
    specs, paths = [], []
    for group in groups:
        for path in group['paths']:
            name = path[2:] if path.startswith('./') else path
            if not _plain_name(name):
                raise RunFileError(f'{os.path.join(folder, MODEL_FILE)}: names weights file {path!r}, which is not inside the folder')
            paths.append(name)
        for weight in group['weights']:
            if weight.get('dtype') not in DTYPES or 'quantization' in weight:
                raise RunFileError(f'{os.path.join(folder, MODEL_FILE)}: weight {weight.get("name")!r} has a dtype seqnet never writes')
            specs.append((weight['name'], tuple(weight['shape']), weight['dtype']))
    return specs, paths


def read_weights(folder):
    """The weights of a run directory (or of any folder with model.json, weights and a manifest): name -> array.

    The dict is in model.json's order; the arrays are writable copies with the dtypes model.json gives.
    """
    specs, paths = weight_specs(folder)
    data = b''.join(read_verified(folder, path) for path in paths)
    expected = sum(int(np.prod(shape, dtype=np.int64)) * np.dtype(DTYPES[dtype]).itemsize for _, shape, dtype in specs)
    if expected != len(data):
        raise RunFileError(f'{os.path.join(folder, paths[0])}: holds {len(data)} bytes but {MODEL_FILE} describes {expected}')
    weights, offset = {}, 0
    for name, shape, dtype in specs:
        count = int(np.prod(shape, dtype=np.int64))
        array = np.frombuffer(data, dtype=DTYPES[dtype], count=count, offset=offset).reshape(shape)
        weights[name] = array.astype(array.dtype.newbyteorder('='), copy=True)
        offset += array.nbytes
    return weights


def encode_weights(specs, weights):
    """weights.bin's bytes: every weight model.json lists, in its order, checked for name, shape and finiteness."""
    weights = dict(weights)
    missing = [name for name, _, _ in specs if name not in weights]
    extra = sorted(set(weights) - {name for name, _, _ in specs})
    if missing or extra:
        raise ValueError(f'the weights do not match model.json: missing {missing}, not in model.json {extra}')
    parts = []
    for name, shape, dtype in specs:
        array = np.asarray(weights[name])
        if tuple(array.shape) != tuple(shape):
            raise ValueError(f'weight {name!r} has shape {tuple(array.shape)}, model.json says {tuple(shape)}')
        array = np.ascontiguousarray(array, dtype=DTYPES[dtype])
        if dtype == 'float32' and not np.all(np.isfinite(array)):
            raise ValueError(f'weight {name!r} holds NaN or infinite values; seqnet refuses such weights')
        parts.append(array.tobytes(order='C'))
    return b''.join(parts)


def _write_atomic(path, data):
    """Temporary file next to the target (NAME.tmp-PID-HEX, the name seqnet clears after a crash), then rename."""
    temporary = f'{path}.tmp-{os.getpid()}-{secrets.token_hex(4)}'
    try:
        with open(temporary, 'wb') as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise


def _json_bytes(value):
    return (json.dumps(value, indent=2, allow_nan=False, ensure_ascii=False) + '\n').encode('utf-8')


def commit_files(folder, files):
    """Writes files ({name: bytes}) into folder and lists them in its manifest, as seqnet commits files.

    Three steps, each atomic: the manifest lists every file's new digest with the old one as 'previous'; the
    files are written; the manifest drops 'previous'. A reader in between finds each file in its old or new
    version and both verify. A new folder has no manifest until the end, and seqnet refuses it until then.
    """
    path = os.path.join(folder, MANIFEST_FILE)
    fresh = not os.path.exists(path)
    manifest = {'version': 1, 'files': {}} if fresh else read_manifest(folder)
    for name, data in files.items():
        if not _plain_name(name) or name == MANIFEST_FILE:
            raise ValueError(f'{name!r} is not a plain file name')
        old = manifest['files'].get(name)
        manifest['files'][name] = dict(_digest(data), previous=None if old is None else {'size': old['size'], 'sha256': old['sha256']})
    if not fresh:
        _write_atomic(path, _json_bytes(manifest))
    for name, data in files.items():
        _write_atomic(os.path.join(folder, name), data)
    for name in files:
        del manifest['files'][name]['previous']
    _write_atomic(path, _json_bytes(manifest))


def create_run_dir(runs_dir, name):
    """runs_dir/name/N with the smallest free N above every existing one, claimed by an exclusive mkdir."""
    parent = os.path.join(runs_dir, name)
    os.makedirs(parent, exist_ok=True)
    taken = [int(entry) for entry in os.listdir(parent) if entry.isdigit()]
    n = max(taken, default=0) + 1
    while True:
        try:
            os.mkdir(os.path.join(parent, str(n)))
            return os.path.join(parent, str(n))
        except FileExistsError:
            n += 1


def _spec_copy(template):
    listed = read_manifest(template)['files']
    for name in SPEC_COPIES:
        if name in listed:
            return name
    raise RunFileError(f'{template}: holds no copy of the spec ({" or ".join(SPEC_COPIES)})')


def write_run(run_dir, template, weights, *, status='completed', test=None, history=(), best_epoch=None,
              backend='pytorch', data=None, spec_path=None, started_at=None, skipped_updates=0):
    """Writes a complete, finished run directory into run_dir (new or empty) that seqnet evaluate, predict and
    tf.loadLayersModel read.

    template is a folder with the model's model.json, ir.json, preprocessing.json and spec copy: a seqnet run
    directory, or the initial/ folder of 'seqnet export-data'. model.json is copied byte for byte (training
    changes no topology and no weight shape); weights (name -> array, tfjs names) become weights.bin in
    model.json's order. test holds the test metrics ({'loss': …}); history the epochs, as history.json lists
    them. On any error the files written so far are removed again.
    """
    specs, paths = weight_specs(template)
    if paths != [WEIGHTS_FILE]:
        raise RunFileError(f'{os.path.join(template, MODEL_FILE)}: lists weights files {paths}, not just {WEIGHTS_FILE}')
    spec_copy = _spec_copy(template)
    ir = read_verified_json(template, IR_FILE)
    earlier = read_verified_json(template, RUN_FILE) if RUN_FILE in read_manifest(template)['files'] else {}
    info = {
        'model': ir['name'],
        'specPath': spec_path if spec_path is not None else earlier.get('specPath', spec_copy),
        'specCopy': spec_copy,
        'backend': backend,
        'data': data if data is not None else earlier.get('data', ''),
        'startedAt': started_at or datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='milliseconds').replace('+00:00', 'Z'),
        'status': status,
        'bestEpoch': best_epoch,
        'test': test,
        'skippedUpdates': skipped_updates,
    }
    files = {name: read_verified(template, name) for name in (spec_copy, IR_FILE, PREPROCESSING_FILE, MODEL_FILE)}
    files[WEIGHTS_FILE] = encode_weights(specs, weights)
    files[HISTORY_FILE] = _json_bytes(list(history))
    # run.json last: its finished status is what marks the run as complete.
    files[RUN_FILE] = _json_bytes(info)
    os.makedirs(run_dir, exist_ok=True)
    if os.listdir(run_dir):
        raise RunFileError(f'{run_dir}: is not empty; a run directory is written into a new folder')
    try:
        commit_files(run_dir, files)
    except BaseException:
        for name in list(files) + [MANIFEST_FILE]:
            if os.path.exists(os.path.join(run_dir, name)):
                os.remove(os.path.join(run_dir, name))
        raise
    return run_dir


def read_export(folder):
    """A 'seqnet export-data' folder: (index, arrays) with arrays[split] = {'inputs': x, 'targets': {head: y}}.

    Every file is verified against the folder's manifest before numpy reads it.
    """
    import io
    index = read_verified_json(folder, 'index.json')
    if index.get('format') != 'seqnet-data' or index.get('version') != 1:
        raise RunFileError(f'{os.path.join(folder, "index.json")}: is not the index of a seqnet export-data folder (version 1)')

    def load(entry):
        array = np.load(io.BytesIO(read_verified(folder, entry['file'])), allow_pickle=False)
        if list(array.shape) != list(entry['shape']):
            raise RunFileError(f'{os.path.join(folder, entry["file"])}: has shape {list(array.shape)}, index.json says {entry["shape"]}')
        return array

    arrays = {}
    for split, described in index['splits'].items():
        arrays[split] = {
            'inputs': load(described['inputs']),
            'targets': {head: load(entry) for head, entry in described['targets'].items()},
        }
    return index, arrays
