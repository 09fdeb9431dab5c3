"""TF.js weights-manifest files (model.json + weights.bin, float32 little endian), written and read
back by the trainers (train_drums.py, train_melody.py): one writer, one reader.

Files are written to a temporary name in the folder, fsynced and renamed, so a crash or a full disk
never leaves a half-written model where the code loads it.
"""
import json, os
import numpy as np


def _write_atomic(path, data, mode):
    tmp = path + '.tmp'
    try:
        with open(tmp, mode) as f:
            f.write(data); f.flush(); os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def write_weights(out_dir, tensors, meta):
    """Writes `tensors` ([(name, array)], in order) to weights.bin and `meta` plus the manifest to model.json."""
    blob = b''.join(np.ascontiguousarray(a, dtype='<f4').tobytes() for _, a in tensors)
    _write_atomic(os.path.join(out_dir, 'weights.bin'), blob, 'wb')
    manifest = [{'paths': ['weights.bin'], 'weights': [{'name': n, 'shape': list(a.shape), 'dtype': 'float32'} for n, a in tensors]}]
    _write_atomic(os.path.join(out_dir, 'model.json'), json.dumps(dict(meta, weightsManifest=manifest), indent=1), 'w')


def read_weights(folder):
    """The arrays an exported folder holds, by name (read-only views of the file's bytes)."""
    meta = json.load(open(os.path.join(folder, 'model.json')))
    blob = open(os.path.join(folder, meta['weightsManifest'][0]['paths'][0]), 'rb').read()
    at, arrays = 0, {}
    for w in meta['weightsManifest'][0]['weights']:
        n = int(np.prod(w['shape']))
        arrays[w['name']] = np.frombuffer(blob, dtype='<f4', count=n, offset=at).reshape(w['shape'])
        at += 4 * n
    return arrays
