#!/usr/bin/env python3
"""Trains Tandem's melody/bass network (one GRU over 16th steps, a voice input says which line).

Reads .cache/melody-train.json (written by prepare-melody.ts; `npm run train:melody` runs both),
checkpoints every epoch to models/melody/checkpoints/ and resumes from there, keeps the weights
with the best validation NLL, and exports them to TF.js weights format (models/melody/model.json +
weights.bin) with a parity fixture for the TF.js implementation's test.

Input layout: src/models/melody/spec.ts (the TS side is the reference; its offsets come in the data).
"""
import argparse, json, math, os, sys, time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from tfjs_weights import read_weights, write_weights

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
STEPS_PER_BAR = {'4/4': 16, '3/4': 12, '6/8': 12}


class Line:
    """One encoded line: compact arrays; inputs are built per window (all of them at once would be GBs)."""

    def __init__(self, d, spec):
        self.id = d['id']
        self.tokens = np.asarray(d['tokens'], np.int64)
        self.root = np.asarray(d['chordRoot'], np.int64)
        self.tones = np.asarray(d['chordTones'], np.int64)
        self.spb = STEPS_PER_BAR[d['meter']]
        self.meter = spec['meters'].index(d['meter'])
        self.mode = spec['modes'].index(d['mode'])
        self.style = spec['styles'].index(d['style']) if d.get('style') else -1
        self.voice = spec['voices'].index(d['voice'])
        dens = np.asarray(d['density'], np.float32)
        self.density = np.repeat(dens, self.spb)[:len(self.tokens)]
        # The last note begun before each step (pitch index, -1 before the first).
        last = np.full(len(self.tokens), -1, np.int64)
        cur = -1
        for i, t in enumerate(self.tokens):
            last[i] = cur
            if t >= 2: cur = t - 2
        self.last = last
        self.n = len(self.tokens)


def build_inputs(lines, starts, length, spec, chord_drop, style_drop, rng, bar_chords=0.0):
    """Inputs [B, L, size], targets [B, L], mask [B, L] for windows of `lines` starting at `starts`.

    bar_chords: the share of windows whose chord input is the chord at each bar's downbeat, held for
    the whole bar, as at generation (users give one chord per bar); 1.0 = every window. A pair gives
    the share for melody windows and for bass windows (voice 0 and 1).
    """
    I = spec['input']
    B = len(lines)
    X = np.zeros((B, length, spec['inputSize']), np.float32)
    Y = np.zeros((B, length), np.int64)
    M = np.zeros((B, length), np.float32)
    ar = np.arange(length)
    for b, (ln, s) in enumerate(zip(lines, starts)):
        e = min(s + length, ln.n)
        n = e - s
        idx = np.arange(s, e)
        x = X[b]
        prev = np.where(idx > 0, ln.tokens[np.maximum(idx - 1, 0)], 0)
        x[ar[:n], I['prevToken'] + prev] = 1.0
        last = ln.last[idx]
        has = last >= 0
        x[ar[:n][has], I['lastPitch'] + last[has]] = 1.0
        x[ar[:n], I['position'] + (idx % ln.spb)] = 1.0
        x[:n, I['meter'] + ln.meter] = 1.0
        drop_chords = rng.random() < chord_drop
        at = idx
        share = bar_chords[ln.voice] if isinstance(bar_chords, tuple) else bar_chords
        if share > 0 and rng.random() < share:
            at = (idx // ln.spb) * ln.spb
        root = ln.root[at]
        tones = ln.tones[at]
        if drop_chords:
            root = np.full(n, -1)
        hc = root >= 0
        x[ar[:n][hc], I['chordRoot'] + root[hc]] = 1.0
        bits = ((tones[:, None] >> np.arange(12)[None, :]) & 1).astype(np.float32)
        x[:n, I['chordTones']:I['chordTones'] + 12] = bits * hc[:, None]
        x[:n, I['noChord']] = (~hc).astype(np.float32)
        x[:n, I['mode'] + ln.mode] = 1.0
        if ln.style >= 0 and rng.random() >= style_drop:
            x[:n, I['style'] + ln.style] = 1.0
        x[:n, I['voice'] + ln.voice] = 1.0
        x[:n, I['density']] = ln.density[idx]
        Y[b, :n] = ln.tokens[idx]
        M[b, :n] = 1.0
    return torch.from_numpy(X), torch.from_numpy(Y), torch.from_numpy(M)


class MelodyNet(nn.Module):
    def __init__(self, n_in, hidden, vocab):
        super().__init__()
        self.hidden = hidden
        self.gru = nn.GRU(n_in, hidden, batch_first=True)
        self.drop = nn.Dropout(0.25)
        self.out = nn.Linear(hidden, vocab)

    def forward(self, x, h0=None):
        h, hn = self.gru(x, h0)
        return self.out(self.drop(h)), hn


def nll(model, X, Y, M):
    logits, _ = model(X)
    ce = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), Y.reshape(-1), reduction='none').reshape(Y.shape)
    return (ce * M).sum() / M.sum()


def sample_batch(train, weights, rng, batch, length, openings=0.0):
    idx = rng.choice(len(train), size=batch, p=weights)
    lines = [train[i] for i in idx]
    # Windows start on a bar line (the position input starts where the data does); a share `openings`
    # start at the line's first bar, how a line generated from nothing begins (folk tunes open with a
    # pickup in a bar of their own: uniform starts make openings ~3 % of windows).
    starts = [0 if openings > 0 and rng.random() < openings else ln.spb * int(rng.integers(0, max(1, (ln.n - length // 2) // ln.spb + 1))) for ln in lines]
    return lines, starts


@torch.no_grad()
def evaluate(model, val, spec, max_steps, bar_chords=0.0):
    """Teacher-forced NLL per step over validation lines (first max_steps of each, hidden state from zero), per voice.

    bar_chords > 0: the chord input is each bar's downbeat chord, as at generation (one chord per bar).
    """
    model.eval()
    tot = {}
    rng = np.random.default_rng(0)
    for ln in val:
        L = min(ln.n, max_steps)
        X, Y, M = build_inputs([ln], [0], L, spec, 0.0, 0.0, rng, 1.0 if bar_chords > 0 else 0.0)
        v = float(nll(model, X, Y, M))
        k = spec['voices'][ln.voice]
        s, n = tot.get(k, (0.0, 0))
        tot[k] = (s + v * L, n + L)
    model.train()
    out = {k: s / n for k, (s, n) in tot.items()}
    out['all'] = sum(s for s, _ in tot.values()) / sum(n for _, n in tot.values())
    return out


def export(model, meta, out_dir, fixture_path, val_line, spec):
    """Writes model.json + weights.bin in TF.js weights-manifest format (float32, little endian)."""
    sd = {k: v.detach().cpu().numpy().astype(np.float32) for k, v in model.state_dict().items()}
    tensors = [
        ('gru/w_ih', sd['gru.weight_ih_l0'].T), ('gru/w_hh', sd['gru.weight_hh_l0'].T),
        ('gru/b_ih', sd['gru.bias_ih_l0']), ('gru/b_hh', sd['gru.bias_hh_l0']),
        ('out/w', sd['out.weight'].T), ('out/b', sd['out.bias']),
    ]
    write_weights(out_dir, tensors, meta)
    # Parity fixture: the first 32 steps of a validation line: its encoding (so TS rebuilds the
    # inputs itself), the inputs, and the torch model's logits.
    n = 32
    X, _, _ = build_inputs([val_line], [0], n, spec, 0.0, 0.0, np.random.default_rng(0))
    model.eval()
    with torch.no_grad():
        logits, _ = model(X)
    model.train()
    fixture = dict(
        line=dict(tokens=val_line.tokens[:n].tolist(), chordRoot=val_line.root[:n].tolist(), chordTones=val_line.tones[:n].tolist(),
                  density=val_line.density[:n].round(6).tolist(), meter=spec['meters'][val_line.meter], mode=spec['modes'][val_line.mode],
                  style=spec['styles'][val_line.style] if val_line.style >= 0 else None, voice=spec['voices'][val_line.voice]),
        inputs=X[0].numpy().round(6).tolist(), logits=logits[0].numpy().round(5).tolist())
    with open(fixture_path, 'w') as f:
        json.dump(fixture, f)


def load_exported(model, src_dir):
    """Loads weights exported by export() (TF.js manifest, float32 little endian) back into the torch model."""
    arrays = read_weights(src_dir)
    sd = model.state_dict()
    pairs = [('gru.weight_ih_l0', 'gru/w_ih', True), ('gru.weight_hh_l0', 'gru/w_hh', True), ('gru.bias_ih_l0', 'gru/b_ih', False),
             ('gru.bias_hh_l0', 'gru/b_hh', False), ('out.weight', 'out/w', True), ('out.bias', 'out/b', False)]
    for k, name, transpose in pairs:
        a = arrays[name].T if transpose else arrays[name]
        if tuple(a.shape) != tuple(sd[k].shape):
            sys.exit(f'--warm-start: {name} has shape {a.shape}, the model wants {tuple(sd[k].shape)} (another --hidden?)')
        sd[k] = torch.from_numpy(np.array(a, dtype=np.float32))  # a writable copy
    model.load_state_dict(sd)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', default=os.path.join(ROOT, '.cache', 'melody-train.json'))
    ap.add_argument('--out', default=os.path.join(ROOT, 'models', 'melody'))
    ap.add_argument('--hidden', type=int, default=256)
    ap.add_argument('--epochs', type=int, default=40)
    ap.add_argument('--batches', type=int, default=100, help='batches per epoch')
    ap.add_argument('--batch', type=int, default=48)
    ap.add_argument('--length', type=int, default=128, help='steps per training window (8 bars of 4/4)')
    ap.add_argument('--lr', type=float, default=2e-3)
    ap.add_argument('--lr-halve', type=int, default=12, help='halve the learning rate every N epochs')
    ap.add_argument('--chord-dropout', type=float, default=0.1)
    ap.add_argument('--style-dropout', type=float, default=0.1)
    ap.add_argument('--bar-chords', type=float, default=0.0,
                    help='share of training windows given one chord per bar (the downbeat chord held), as users give them; '
                         'when > 0 the validation NLL is measured that way too')
    ap.add_argument('--bar-chords-bass', type=float, default=None,
                    help='the --bar-chords share for bass windows (default: the same as melody); basses given one chord per bar '
                         'move through the harmonies inside the bar as real ones do, melodies keep more chord tones at 0.5')
    ap.add_argument('--openings', type=float, default=0.0,
                    help="share of training windows that start at the line's first bar (as a line generated from nothing does)")
    ap.add_argument('--style-weight', action='append', default=[], metavar='STYLE=W',
                    help='multiply how often lines of STYLE are drawn (after the third-of-the-batches cap), e.g. hornpipe=4: '
                         'the small styles (hornpipe, waltz: under 1 %% of the steps each) are otherwise rarely seen; repeatable')
    ap.add_argument('--val-steps', type=int, default=512, help='steps of each validation line scored')
    ap.add_argument('--patience', type=int, default=8)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--fresh', action='store_true', help='ignore an existing checkpoint')
    ap.add_argument('--export-only', action='store_true', help='export the best checkpoint and stop')
    ap.add_argument('--warm-start', default=None, metavar='DIR',
                    help='start from the weights exported in DIR (model.json + weights.bin; e.g. models/melody) when no checkpoint is there: '
                         'checkpoints are not committed, the exported weights are, so a new machine continues from them (optimizer state starts fresh)')
    ap.add_argument('--fixture', default=os.path.join(ROOT, 'tests', 'fixtures', 'melody-parity.json'))
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)

    bar_shares = args.bar_chords if args.bar_chords_bass is None else (args.bar_chords, args.bar_chords_bass)
    data = json.load(open(args.data))
    spec = data['spec']
    train = [Line(d, spec) for d in data['lines'] if d['split'] == 'train']
    val = [Line(d, spec) for d in data['lines'] if d['split'] == 'validation']
    # Sample lines by length, but no style's voice more than a third of the batches (POP909 is most of the steps).
    steps = np.array([ln.n for ln in train], np.float64)
    group = np.array([ln.voice * 100 + ln.style for ln in train])
    share = {g: steps[group == g].sum() for g in set(group.tolist())}
    total = steps.sum()
    cap = total / 3
    weights = np.array([s * min(1.0, cap / share[g]) for s, g in zip(steps, group)])
    for sw in args.style_weight:
        name, _, w = sw.partition('=')
        if name not in spec['styles'] or not w.replace('.', '', 1).isdigit() or float(w) <= 0:
            sys.exit(f'--style-weight {sw!r}: expected STYLE=W with STYLE one of {", ".join(spec["styles"])} and W > 0')
        weights[np.array([ln.style == spec['styles'].index(name) for ln in train])] *= float(w)
    weights /= weights.sum()
    print(f'train lines {len(train)} ({int(total)} steps), validation {len(val)} ({sum(ln.n for ln in val)} steps), input {spec["inputSize"]}, vocab {spec["vocab"]}', flush=True)

    model = MelodyNet(spec['inputSize'], args.hidden, spec['vocab'])
    opt = torch.optim.Adam(model.parameters(), lr=args.lr, weight_decay=1e-6)
    ck_dir = os.path.join(args.out, 'checkpoints')
    os.makedirs(ck_dir, exist_ok=True)
    ck_path = os.path.join(ck_dir, f'gru{args.hidden}.pt')
    best_path = os.path.join(ck_dir, f'gru{args.hidden}-best.pt')
    state = dict(epoch=0, best=math.inf, best_epoch=0, history=[], seconds=0.0)
    if os.path.exists(ck_path) and not args.fresh:
        ck = torch.load(ck_path)
        model.load_state_dict(ck['model']); opt.load_state_dict(ck['opt']); state = ck['state']
        rng = np.random.default_rng(args.seed + state['epoch'])
        print(f"resumed from {ck_path} at epoch {state['epoch']} (best val NLL {state['best']:.4f})", flush=True)
    elif args.warm_start:
        load_exported(model, args.warm_start)
        print(f'warm start from the weights exported in {args.warm_start}', flush=True)
    params = sum(p.numel() for p in model.parameters())
    print(f'GRU-{args.hidden}, {params} parameters', flush=True)

    while not args.export_only and state['epoch'] < args.epochs and state['epoch'] - state['best_epoch'] < args.patience:
        t0 = time.time()
        lr = args.lr * (0.5 ** (state['epoch'] // args.lr_halve))
        for g in opt.param_groups: g['lr'] = lr
        run = 0.0
        for b in range(args.batches):
            lines, starts = sample_batch(train, weights, rng, args.batch, args.length, args.openings)
            X, Y, M = build_inputs(lines, starts, args.length, spec, args.chord_dropout, args.style_dropout, rng, bar_shares)
            loss = nll(model, X, Y, M)
            opt.zero_grad(); loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            run += float(loss)
            done = (b + 1) / args.batches
            sys.stdout.write(f"\repoch {state['epoch'] + 1:3d} [{'#' * int(done * 30):<30}] {b + 1}/{args.batches} nll {run / (b + 1):.4f} {time.time() - t0:.0f}s")
            sys.stdout.flush()
        ev = evaluate(model, val, spec, args.val_steps, args.bar_chords)
        state['epoch'] += 1
        state['seconds'] += time.time() - t0
        state['history'].append(dict(epoch=state['epoch'], train_nll=run / args.batches, **{f'val_{k}': v for k, v in ev.items()}))
        improved = ev['all'] < state['best']
        if improved:
            state['best'], state['best_epoch'] = ev['all'], state['epoch']
            torch.save(model.state_dict(), best_path)
        torch.save(dict(model=model.state_dict(), opt=opt.state_dict(), state=state), ck_path + '.tmp')
        os.replace(ck_path + '.tmp', ck_path)
        print(f"  val nll {ev['all']:.4f} (melody {ev.get('melody', float('nan')):.4f}, bass {ev.get('bass', float('nan')):.4f})  lr {lr:.1e}  {time.time() - t0:.1f}s{'  *best' if improved else ''}", flush=True)

    model.load_state_dict(torch.load(best_path))
    ev = evaluate(model, val, spec, args.val_steps, args.bar_chords)
    meta = dict(
        format='tandem-melody-gru', version=1,
        spec=dict(spec, hidden=args.hidden, densityRanges=data['densityRanges'], voiceRanges=data['voiceRanges'], registerRanges=data['registerRanges'], progressions=data['progressions'], **({'intervals': data['intervals']} if 'intervals' in data else {})),
        training=dict(framework=f'torch {torch.__version__}', epochs=state['epoch'], bestEpoch=state['best_epoch'],
                      seconds=round(state['seconds'], 1), parameters=params, batch=args.batch, length=args.length,
                      batchesPerEpoch=args.batches, lr=args.lr, chordDropout=args.chord_dropout, styleDropout=args.style_dropout, barChords=args.bar_chords, barChordsBass=args.bar_chords_bass, openings=args.openings, styleWeights=args.style_weight,
                      seed=args.seed, threads=args.threads, validation=ev, history=state['history']),
    )
    os.makedirs(os.path.dirname(args.fixture), exist_ok=True)
    export(model, meta, args.out, args.fixture, val[0], spec)
    print(f"exported to {args.out} (val NLL {ev['all']:.4f} nats/step, {state['seconds']:.0f}s training)", flush=True)


if __name__ == '__main__':
    main()
