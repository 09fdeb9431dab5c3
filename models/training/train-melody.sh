#!/usr/bin/env bash
# One command to train the melody/bass network from ../shared/datasets: builds the corpus, writes
# the training arrays, trains (checkpoints + resume in models/melody/checkpoints/), exports TF.js
# weights to models/melody/ and the parity fixture to tests/fixtures/melody-parity.json.
# Needs Debian's python3-torch (1.13) and, for a usable speed, libopenblas0-pthread:
#   apt-get install -y python3-torch python3-numpy libopenblas0-pthread
# Extra arguments go to the trainer (for example --epochs 80 --hidden 128 --fresh --threads 2).
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=""
for p in /usr/bin/python3 python3; do
  if command -v "$p" >/dev/null && "$p" -c 'import torch, numpy' 2>/dev/null; then PY="$p"; break; fi
done
if [ -z "$PY" ]; then
  echo "train:melody needs PyTorch: apt-get install -y python3-torch python3-numpy libopenblas0-pthread" >&2
  exit 1
fi
npx tsx bin/tandem.js data build --only melody >/dev/null
npx tsx models/training/prepare-melody.ts
mkdir -p models/melody
exec "$PY" -u models/training/train_melody.py "$@"
