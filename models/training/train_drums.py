#!/usr/bin/env python3
"""Trains Tandem's drum network (a GRU over 16th steps) on the Groove MIDI training split.

Reads .cache/drums-train.json (written by prepare-drums.ts; `npm run train:drums` runs both),
checkpoints every epoch to models/drums/checkpoints/ and resumes from there, keeps the weights
with the best validation NLL, and exports them to TF.js weights format (models/drums/model.json +
weights.bin) with a parity fixture for the TF.js implementation's test.

Input layout: see src/models/drums/spec.ts (the TS side is the reference).
"""
import argparse, json, math, os, sys, time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from tfjs_weights import read_weights, write_weights

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
C = 9  # drum classes
P = 512  # hit patterns per step
SPB = 16  # steps per bar
I_PREV_HITS, I_PREV_VEL, I_PREV_OFF, I_POS, I_DENS, I_FILL, I_GENRE = 0, 9, 18, 27, 43, 44, 45
# After the genre one-hot: the loudness input (running mean velocity, normalised like density), then
# the lookback (as Magenta's Lookback RNN): hits, velocities and offsets of the step being predicted
# one bar and two bars earlier (27 each), and two flags saying whether those bars exist.
LOOKBACK_BARS = (1, 2)
LB_FEATURES = 3 * C
# What the velocity-bin head reads besides the hidden state: the step's hits (9), loudness (1), the
# hits and velocities one bar back (18).
VEL_EXTRA = C + 1 + 2 * C


def lookback_index(n_genres):
    """Index of the first lookback input (right after loudness)."""
    return I_GENRE + n_genres + 1


def input_size(n_genres):
    return lookback_index(n_genres) + len(LOOKBACK_BARS) * (LB_FEATURES + 1)


def build_inputs(t, n_genres):
    """Per-step inputs (steps x size) and targets for one track, teacher forced."""
    steps = t['steps']
    size = input_size(n_genres)
    vel = np.asarray(t['vel'], dtype=np.float32).reshape(steps, C) / 127.0
    off = np.asarray(t['off'], dtype=np.float32).reshape(steps, C) / 100.0
    hits = (vel > 0).astype(np.float32)
    x = np.zeros((steps, size), dtype=np.float32)
    x[1:, I_PREV_HITS:I_PREV_HITS + C] = hits[:-1]
    x[1:, I_PREV_VEL:I_PREV_VEL + C] = vel[:-1]
    x[1:, I_PREV_OFF:I_PREV_OFF + C] = off[:-1] * 2.0
    x[np.arange(steps), I_POS + (np.arange(steps) % SPB)] = 1.0
    x[:, I_DENS] = np.repeat(np.asarray(t['density'], dtype=np.float32), SPB)[:steps]
    x[:, I_FILL] = t['fill']
    x[:, I_GENRE + t['genre']] = 1.0
    x[:, I_GENRE + n_genres] = np.repeat(np.asarray(t['loudness'], dtype=np.float32), SPB)[:steps]
    lb = lookback_index(n_genres)
    for k, bars in enumerate(LOOKBACK_BARS):
        d = bars * SPB
        o = lb + k * LB_FEATURES
        if steps > d:
            x[d:, o:o + C] = hits[:-d]
            x[d:, o + C:o + 2 * C] = vel[:-d]
            x[d:, o + 2 * C:o + 3 * C] = off[:-d] * 2.0
        flag = lb + len(LOOKBACK_BARS) * LB_FEATURES + k
        x[d:, flag] = 1.0
    return x, np.asarray(t['pattern'], dtype=np.int64), hits, vel, off


def velocity_bin(vel, bins):
    """Bin of each velocity (v/127, hits only) among `bins` equal bins over 1..127 (TS: velocityBin)."""
    v = (vel * 127.0).round().clamp(1, 127)
    return ((v - 1) * bins / 127.0).floor().clamp(0, bins - 1).long()


class DrumNet(nn.Module):
    def __init__(self, n_in, hidden, dropout=0.2, input_dropout=0.0, init_to=None, vel_bins=0, vel_hidden=0):
        super().__init__()
        self.init_to = init_to or n_in  # the initial state sees inputs [I_POS, init_to): not the lookback
        self.hidden = hidden
        self.input_dropout = input_dropout
        self.gru = nn.GRU(n_in, hidden, batch_first=True)
        self.drop = nn.Dropout(dropout)
        self.out = nn.Linear(hidden, P)
        self.head = nn.Linear(hidden + C, 4 * C)  # vel mean, vel log-std, off mean, off log-std
        # Learned initial state from the first step's given inputs (position, density, fill, genre,
        # loudness): an unprimed groove starts mid-groove instead of from a zero state. Zero at
        # first, so a warm start from a model without it begins exactly where that model was.
        self.init = nn.Linear(self.init_to - I_POS, hidden)
        nn.init.zeros_(self.init.weight); nn.init.zeros_(self.init.bias)
        # Velocity as a categorical over `vel_bins` bins per class (issue 13: drummers' velocities
        # are multi-modal, ghost notes and accents on one drum, which one Gaussian cannot give).
        # It reads the hidden state, the step's hits, the loudness input and the same step one bar
        # earlier (hits and velocities): a hit's loudness follows the bar's and the bar before's.
        # The Gaussian head's velocity half is then unused; its offset half stays.
        self.vel_bins = vel_bins
        if vel_bins:
            n = hidden + VEL_EXTRA
            self.vel = nn.Sequential(nn.Linear(n, vel_hidden), nn.ReLU(), nn.Linear(vel_hidden, C * vel_bins)) if vel_hidden else nn.Linear(n, C * vel_bins)

    def vel_logits(self, x, hd, hits):
        """Velocity-bin logits [.., C, bins] from the (dropped-out) hidden state, hits and the given inputs."""
        loud = self.init_to - 1  # the loudness input sits right before the lookback
        lb = self.init_to
        feats = torch.cat([hd, hits, x[..., loud:loud + 1], x[..., lb:lb + 2 * C]], dim=-1)
        return self.vel(feats).reshape(*hits.shape[:-1], C, self.vel_bins)

    def initial_state(self, x):
        return torch.tanh(self.init(x[:, 0, I_POS:self.init_to])).unsqueeze(0)

    def forward(self, x, hits, h0=None):
        if h0 is None:
            h0 = self.initial_state(x)
        if self.training and self.input_dropout > 0:
            # Step-level dropout of what was played at the step before (hits, velocities, offsets):
            # the network learns to keep the groove from its state, not only from the last step.
            keep = (torch.rand(x.shape[0], x.shape[1], 1) >= self.input_dropout).float()
            x = torch.cat([x[..., :I_POS] * keep, x[..., I_POS:]], dim=-1)
        h, hn = self.gru(x, h0)
        hd = self.drop(h)
        logits = self.out(hd)
        head = self.head(torch.cat([hd, hits], dim=-1))
        vl = self.vel_logits(x, hd, hits) if self.vel_bins else None
        return logits, head, hn, vl


def head_params(head):
    vm = torch.sigmoid(head[..., 0:C])
    vs = head[..., C:2 * C].clamp(-5, 1)
    om = torch.tanh(head[..., 2 * C:3 * C]) * 0.5
    os_ = head[..., 3 * C:4 * C].clamp(-6, 0)
    return vm, vs, om, os_


PATTERN_BITS = torch.tensor([[(p >> c) & 1 for c in range(C)] for p in range(P)], dtype=torch.float32)


@torch.no_grad()
def own_samples(model, x):
    """What the network itself would play at every step given the real steps before (one teacher-
    forced pass, no gradient): hits, velocities and offsets drawn as the TF.js sampler draws them."""
    was = model.training
    model.eval()
    h, _ = model.gru(x, model.initial_state(x))
    pat = torch.distributions.Categorical(logits=model.out(h)).sample()
    hits = PATTERN_BITS[pat]
    vm, vs, om, os_ = head_params(model.head(torch.cat([h, hits], dim=-1)))
    vel = (vm + vs.exp() * torch.randn_like(vm)).clamp(1.0 / 127.0, 1.0) * hits
    if model.vel_bins:
        b = torch.distributions.Categorical(logits=model.vel_logits(x, h, hits)).sample().float()
        vel = (1 + (b + torch.rand_like(b)) * 127.0 / model.vel_bins).floor().clamp(1, 127) / 127.0 * hits
    off = (om + os_.exp() * torch.randn_like(om)).clamp(-0.5, 0.5) * hits
    model.train(was)
    return hits, vel, off


def mix_own_samples(model, x, hits, vel, off, share, n_genres):
    """Parallel scheduled sampling (Duckworth et al. 2019): a `share` of the window's played steps
    are replaced, as inputs only, by the network's own samples, in the step-before features and in
    the lookback. Free generation feeds the network its own playing; trained only on drummers'
    playing, the lookback network copied its own first bars (issue 13). Targets stay real."""
    sh, sv, so = own_samples(model, x)
    pick = (torch.rand(hits.shape[0], hits.shape[1], 1) < share).float()
    played = torch.cat([hits, vel, off * 2.0], dim=-1) * (1 - pick) + torch.cat([sh, sv, so * 2.0], dim=-1) * pick
    x = x.clone()
    x[:, 1:, I_PREV_HITS:I_POS] = played[:, :-1]
    lb = lookback_index(n_genres)
    for k, bars in enumerate(LOOKBACK_BARS):
        d, o = bars * SPB, lb + k * LB_FEATURES
        flag = x[:, d:, lb + len(LOOKBACK_BARS) * LB_FEATURES + k].unsqueeze(-1)
        x[:, d:, o:o + LB_FEATURES] = played[:, :-d] * flag
    return x


def losses(model, x, pat, hits, vel, off, mask):
    logits, head, _, vl = model(x, hits)
    ce = F.cross_entropy(logits.reshape(-1, P), pat.reshape(-1), reduction='none').reshape(pat.shape)
    nll_pat = (ce * mask).sum() / mask.sum()
    vm, vs, om, os_ = head_params(head)
    m = hits * mask.unsqueeze(-1)
    g_v = 0.5 * ((vel - vm) / vs.exp()) ** 2 + vs
    if vl is not None:
        # As a density over v/127 (uniform inside a bin), comparable with the Gaussian's
        # (which leaves out its constant 0.5 log 2 pi): cross-entropy of the bin - log(bins) - 0.919.
        ce = F.cross_entropy(vl.reshape(-1, vl.shape[-1]), velocity_bin(vel, vl.shape[-1]).reshape(-1), reduction='none').reshape(vel.shape)
        g_v = ce - math.log(vl.shape[-1]) - 0.5 * math.log(2 * math.pi)
    g_o = 0.5 * ((off - om) / os_.exp()) ** 2 + os_
    n_hits = m.sum().clamp(min=1)
    nll_v = (g_v * m).sum() / n_hits
    nll_o = (g_o * m).sum() / n_hits
    return nll_pat, nll_v, nll_o


def make_batch(tracks, rng, batch, length, genre_dropout, n_genres, context=0.0):
    """A batch of windows starting on random bars. A window keeps what was played before it (the
    step before, the lookback bars) with probability `context`, as a primed groove or the middle of
    a long one; otherwise it starts as an unprimed groove does: nothing before its first step, no
    lookback until it has played one (two) bars itself."""
    weights = np.array([t[0].shape[0] for t in tracks], dtype=np.float64)
    idx = rng.choice(len(tracks), size=batch, p=weights / weights.sum())
    size = tracks[0][0].shape[1]
    X = np.zeros((batch, length, size), np.float32)
    PAT = np.zeros((batch, length), np.int64)
    H = np.zeros((batch, length, C), np.float32)
    V = np.zeros((batch, length, C), np.float32)
    O = np.zeros((batch, length, C), np.float32)
    M = np.zeros((batch, length), np.float32)
    for b, i in enumerate(idx):
        x, pat, hits, vel, off = tracks[i]
        bars = x.shape[0] // SPB
        start = SPB * rng.integers(0, max(1, bars - length // SPB + 1))
        seg = slice(start, min(start + length, x.shape[0]))
        n = seg.stop - seg.start
        X[b, :n] = x[seg]
        if rng.random() >= context:
            # A window's first step sees no previous step, as an unprimed groove does: zero there no
            # longer means "the track starts here" (which taught a crash on the first downbeat).
            X[b, 0, I_PREV_HITS:I_POS] = 0.0
            lb = lookback_index(n_genres)
            for k, bars in enumerate(LOOKBACK_BARS):
                o = lb + k * LB_FEATURES
                X[b, :bars * SPB, o:o + LB_FEATURES] = 0.0
                X[b, :bars * SPB, lb + len(LOOKBACK_BARS) * LB_FEATURES + k] = 0.0
        if rng.random() < genre_dropout:
            X[b, :n, I_GENRE:I_GENRE + n_genres] = 0.0
        PAT[b, :n], H[b, :n], V[b, :n], O[b, :n] = pat[seg], hits[seg], vel[seg], off[seg]
        M[b, :n] = 1.0
    return [torch.from_numpy(a) for a in (X, PAT, H, V, O, M)]


@torch.no_grad()
def evaluate(model, tracks):
    """Teacher-forced NLL per step over whole validation tracks (hidden state from zero)."""
    model.eval()
    tot = dict(pat=0.0, vel=0.0, off=0.0, steps=0, hits=0)
    for x, pat, hits, vel, off in tracks:
        X, PAT, H, V, O = (torch.from_numpy(a).unsqueeze(0) for a in (x, pat, hits, vel, off))
        M = torch.ones(PAT.shape)
        p, v, o = losses(model, X, PAT, H, V, O, M)
        n, nh = PAT.numel(), max(1.0, float(H.sum()))
        tot['pat'] += float(p) * n; tot['steps'] += n
        tot['vel'] += float(v) * nh; tot['off'] += float(o) * nh; tot['hits'] += nh
    model.train()
    return dict(nll_pattern=tot['pat'] / tot['steps'], nll_velocity=tot['vel'] / tot['hits'], nll_offset=tot['off'] / tot['hits'], steps=tot['steps'])


def x_size(model):
    return model.gru.weight_ih_l0.shape[1]


def init_rows(w, n_in):
    """The initial state's weights over all inputs from I_POS on (zero rows for the lookback, which
    it does not see), the layout the TF.js side reads."""
    out = np.zeros((n_in - I_POS, w.shape[1]), np.float32)
    out[:w.shape[0]] = w
    return out


def export(model, meta, out_dir, fixture_path, val_track):
    """Writes model.json + weights.bin in TF.js weights-manifest format (float32, little endian)."""
    sd = {k: v.detach().cpu().numpy().astype(np.float32) for k, v in model.state_dict().items()}
    tensors = [
        ('gru/w_ih', sd['gru.weight_ih_l0'].T), ('gru/w_hh', sd['gru.weight_hh_l0'].T),
        ('gru/b_ih', sd['gru.bias_ih_l0']), ('gru/b_hh', sd['gru.bias_hh_l0']),
        ('out/w', sd['out.weight'].T), ('out/b', sd['out.bias']),
        ('head/w', sd['head.weight'].T), ('head/b', sd['head.bias']),
        ('init/w', init_rows(sd['init.weight'].T, x_size(model))), ('init/b', sd['init.bias']),
    ]
    if model.vel_bins:
        # Rows: hidden state, hits, loudness, hits and velocities one bar back (VEL_EXTRA); with a
        # hidden layer (ReLU) 'velbins/w1', 'velbins/b1' first.
        if isinstance(model.vel, nn.Sequential):
            tensors += [('velbins/w1', sd['vel.0.weight'].T), ('velbins/b1', sd['vel.0.bias']), ('velbins/w', sd['vel.2.weight'].T), ('velbins/b', sd['vel.2.bias'])]
        else:
            tensors += [('velbins/w', sd['vel.weight'].T), ('velbins/b', sd['vel.bias'])]
    write_weights(out_dir, tensors, meta)
    # Parity fixture: 40 teacher-forced steps of a validation track, outputs of the torch model.
    x, pat, hits, vel, off = val_track
    n = min(40, x.shape[0])  # past two bars: both lookbacks in use
    model.eval()
    with torch.no_grad():
        logits, head, _, vl = model(torch.from_numpy(x[:n]).unsqueeze(0), torch.from_numpy(hits[:n]).unsqueeze(0))
    model.train()
    extra = dict(velocityLogits=vl[0].reshape(n, -1).numpy().round(6).tolist()) if vl is not None else {}
    fixture = dict(**extra, initialState=model.initial_state(torch.from_numpy(x[:n]).unsqueeze(0))[0, 0].detach().numpy().round(6).tolist(), inputs=x[:n].round(6).tolist(), hits=hits[:n].tolist(), logits=logits[0].numpy().round(6).tolist(), head=head[0].numpy().round(6).tolist())
    with open(fixture_path, 'w') as f:
        json.dump(fixture, f)


def warm_start(model, folder):
    """Copies the weights of an exported model (model.json + weights.bin) into `model`; a smaller
    GRU input (an older spec without the last inputs) fills the first rows, the rest stay zero."""
    arrays = read_weights(folder)
    sd = model.state_dict()
    w_ih = np.zeros(tuple(reversed(sd['gru.weight_ih_l0'].shape)), np.float32)
    w_ih[:arrays['gru/w_ih'].shape[0]] = arrays['gru/w_ih']
    pairs = [('gru.weight_ih_l0', w_ih.T), ('gru.weight_hh_l0', arrays['gru/w_hh'].T), ('gru.bias_ih_l0', arrays['gru/b_ih']),
             ('gru.bias_hh_l0', arrays['gru/b_hh']), ('out.weight', arrays['out/w'].T), ('out.bias', arrays['out/b']),
             ('head.weight', arrays['head/w'].T), ('head.bias', arrays['head/b'])]
    if 'init/w' in arrays:
        rows = sd['init.weight'].shape[1]
        pairs += [('init.weight', arrays['init/w'][:rows].T), ('init.bias', arrays['init/b'])]
    if model.vel_bins and 'velbins/w' in arrays:
        if 'velbins/w1' in arrays:
            pairs += [('vel.0.weight', arrays['velbins/w1'].T), ('vel.0.bias', arrays['velbins/b1']), ('vel.2.weight', arrays['velbins/w'].T), ('vel.2.bias', arrays['velbins/b'])]
        else:
            pairs += [('vel.weight', arrays['velbins/w'].T), ('vel.bias', arrays['velbins/b'])]
    for k, v in pairs:
        assert sd[k].shape == v.shape, f'{k}: {tuple(sd[k].shape)} vs {v.shape}'
        sd[k] = torch.from_numpy(np.ascontiguousarray(v, dtype=np.float32))
    model.load_state_dict(sd)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', default=os.path.join(ROOT, '.cache', 'drums-train.json'))
    ap.add_argument('--out', default=os.path.join(ROOT, 'models', 'drums'))
    ap.add_argument('--hidden', type=int, default=256)
    ap.add_argument('--epochs', type=int, default=60)
    ap.add_argument('--batches', type=int, default=80, help='batches per epoch')
    ap.add_argument('--batch', type=int, default=64)
    ap.add_argument('--length', type=int, default=64, help='steps per training window')
    ap.add_argument('--lr', type=float, default=2e-3)
    ap.add_argument('--genre-dropout', type=float, default=0.1)
    ap.add_argument('--patience', type=int, default=10)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--fresh', action='store_true', help='ignore an existing checkpoint')
    ap.add_argument('--warm-start', default='', help='a TF.js export (model.json folder) to start from; inputs it lacks start at zero')
    ap.add_argument('--lr-halve', type=int, default=15, help='epochs between halvings of the learning rate')
    ap.add_argument('--dropout', type=float, default=0.2, help='dropout before the output layers')
    ap.add_argument('--input-dropout', type=float, default=0.0, help='chance that a step does not see the step before')
    ap.add_argument('--weight-decay', type=float, default=1e-6)
    ap.add_argument('--context', type=float, default=0.5, help='chance that a training window keeps the step and the bars before it (else it starts as an unprimed groove)')
    ap.add_argument('--own-samples', type=float, default=0.0, help="share of played steps fed back as the network's own samples (parallel scheduled sampling)")
    ap.add_argument('--own-samples-ramp', type=int, default=1, help='epochs over which that share grows to its value')
    ap.add_argument('--keep-epochs', action='store_true', help='also keep every epoch\'s weights (gru<hidden><tag>-e<N>.pt)')
    ap.add_argument('--export-from', default='', help='export these saved weights (a .pt state dict) instead of training')
    ap.add_argument('--velocity-bins', type=int, default=0, help='velocity as a categorical over this many bins per class (0: the Gaussian head)')
    ap.add_argument('--velocity-hidden', type=int, default=0, help='hidden units (ReLU) of the velocity-bin head (0: linear)')
    ap.add_argument('--freeze', action='store_true', help='train only the velocity-bin head (the rest as warm-started): hit patterns stay the warm start\'s')
    ap.add_argument('--tag', default='', help='checkpoint name suffix (gru<hidden><tag>.pt)')
    ap.add_argument('--fixture', default=os.path.join(ROOT, 'tests', 'fixtures', 'drums-parity.json'), help='where the TF.js parity fixture goes')
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)

    data = json.load(open(args.data))
    genres = data['genres']
    n_in = input_size(len(genres))
    assert n_in == data['inputSize'], f"input size {n_in} != spec {data['inputSize']}"
    train = [build_inputs(t, len(genres)) for t in data['tracks'] if t['split'] == 'train']
    val = [build_inputs(t, len(genres)) for t in data['tracks'] if t['split'] == 'validation']
    print(f'train tracks {len(train)} ({sum(t[0].shape[0] for t in train)} steps), validation {len(val)} ({sum(t[0].shape[0] for t in val)} steps)', flush=True)

    model = DrumNet(n_in, args.hidden, args.dropout, args.input_dropout, init_to=lookback_index(len(genres)),
                    vel_bins=args.velocity_bins, vel_hidden=args.velocity_hidden)
    if args.freeze:
        assert args.velocity_bins, '--freeze trains the velocity-bin head: give --velocity-bins'
        for name, p in model.named_parameters():
            p.requires_grad = name.startswith('vel.')
    opt = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=args.lr, weight_decay=args.weight_decay)
    ck_dir = os.path.join(args.out, 'checkpoints')
    os.makedirs(ck_dir, exist_ok=True)
    ck_path = os.path.join(ck_dir, f'gru{args.hidden}{args.tag}.pt')
    state = dict(epoch=0, best=math.inf, best_epoch=0, history=[], seconds=0.0)
    if os.path.exists(ck_path) and not args.fresh:
        ck = torch.load(ck_path)
        model.load_state_dict(ck['model']); opt.load_state_dict(ck['opt']); state = ck['state']
        rng = np.random.default_rng(args.seed + state['epoch'])
        print(f"resumed from {ck_path} at epoch {state['epoch']} (best val NLL {state['best']:.4f})", flush=True)
    elif args.warm_start:
        warm_start(model, args.warm_start)
        print(f'warm start from {args.warm_start}', flush=True)
    best_path = os.path.join(ck_dir, f'gru{args.hidden}{args.tag}-best.pt')
    params = sum(p.numel() for p in model.parameters())
    print(f'GRU-{args.hidden}, {params} parameters', flush=True)

    while not args.export_from and state['epoch'] < args.epochs and state['epoch'] - state['best_epoch'] < args.patience:
        t0 = time.time()
        lr = args.lr * (0.5 ** (state['epoch'] // args.lr_halve))
        for g in opt.param_groups: g['lr'] = lr
        share = args.own_samples * min(1.0, (state['epoch'] + 1) / max(1, args.own_samples_ramp))
        run = np.zeros(3)
        for b in range(args.batches):
            X, PAT, H, V, O, M = make_batch(train, rng, args.batch, args.length, args.genre_dropout, len(genres), args.context)
            if share > 0:
                X = mix_own_samples(model, X, H, V, O, share, len(genres))
            p, v, o = losses(model, X, PAT, H, V, O, M)
            loss = v if args.freeze else p + 0.1 * (v + o)
            opt.zero_grad(); loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            run += [float(p), float(v), float(o)]
            done = (b + 1) / args.batches
            bar = '#' * int(done * 30)
            sys.stdout.write(f"\repoch {state['epoch'] + 1:3d} [{bar:<30}] {b + 1}/{args.batches} nll {run[0] / (b + 1):.4f} vel {run[1] / (b + 1):.4f}")
            sys.stdout.flush()
        ev = evaluate(model, val)
        state['epoch'] += 1
        state['seconds'] += time.time() - t0
        state['history'].append(dict(epoch=state['epoch'], train_nll=run[0] / args.batches, **ev))
        # While the share of own samples still grows, the teacher-forced NLL favours the epochs with
        # less of it: the best epoch is chosen once the share is full.
        score = ev['nll_velocity'] if args.freeze else ev['nll_pattern']
        improved = score < state['best'] and state['epoch'] >= args.own_samples_ramp
        if improved:
            state['best'], state['best_epoch'] = score, state['epoch']
            torch.save(model.state_dict(), best_path)
        torch.save(dict(model=model.state_dict(), opt=opt.state_dict(), state=state), ck_path)
        if args.keep_epochs:
            torch.save(model.state_dict(), os.path.join(ck_dir, f"gru{args.hidden}{args.tag}-e{state['epoch']}.pt"))
        print(f"  val nll {ev['nll_pattern']:.4f} vel {ev['nll_velocity']:.3f} off {ev['nll_offset']:.3f}  lr {lr:.1e}  own {share:.2f}  {time.time() - t0:.1f}s{'  *best' if improved else ''}", flush=True)

    model.load_state_dict(torch.load(args.export_from or best_path))
    ev = evaluate(model, val)
    meta = dict(
        format='tandem-drums-gru', version=1,
        spec=dict(inputSize=n_in, hidden=args.hidden, classes=C, patterns=P, stepsPerBar=SPB, genres=genres,
                  densityRange=data['densityRange'], densityWindowBars=data['densityWindowBars'],
                  loudnessRange=data['loudnessRange'], contours=data['contours'],
                  **(dict(velocityHead=dict(kind='bins', bins=args.velocity_bins, hidden=args.velocity_hidden)) if args.velocity_bins else {})),
        training=dict(framework=f'torch {torch.__version__}', epochs=state['epoch'], bestEpoch=state['best_epoch'],
                      seconds=round(state['seconds'], 1), parameters=params, batch=args.batch, length=args.length,
                      batchesPerEpoch=args.batches, lr=args.lr, lrHalvingEpochs=args.lr_halve, genreDropout=args.genre_dropout, seed=args.seed,
                      dropout=args.dropout, inputDropout=args.input_dropout, ownSamples=args.own_samples, ownSamplesRamp=args.own_samples_ramp,
                      exportedFrom=os.path.relpath(args.export_from, ROOT) if args.export_from else None, weightDecay=args.weight_decay, context=args.context,
                      warmStart=os.path.relpath(args.warm_start, ROOT) if args.warm_start else None, threads=args.threads,
                      velocityBins=args.velocity_bins, velocityHidden=args.velocity_hidden, freeze=args.freeze,
                      validation=ev, history=state['history']),
    )
    fixture = args.fixture
    os.makedirs(os.path.dirname(fixture), exist_ok=True)
    export(model, meta, args.out, fixture, next(v for v in val if v[0].shape[0] >= 40))
    print(f"exported to {args.out} (val NLL {ev['nll_pattern']:.4f} nats/step, {state['seconds']:.0f}s training)", flush=True)


if __name__ == '__main__':
    main()
