#!/usr/bin/env bash
# Builds a JACK-only copy of @julusian/midi (the native module behind easymidi) in a scratch folder,
# for machines without an ALSA sequencer (containers, CI). RtMidi tries its compiled backends in
# order, ALSA first, so a build with both still fails where /dev/snd/seq is missing: this one has
# JACK alone. The installed dependency in node_modules is never touched.
#
#   bash bridge/midi/jack/build-jack-midi.sh [dest]        (dest defaults to .cache/jack-midi)
#   TANDEM_MIDI_NATIVE=.cache/jack-midi tandem play ...    (easymidi-ports.ts then loads this copy)
#
# Needs the Debian packages jackd2 jack-midi-clock libjack-jackd2-dev and a C++ toolchain.
set -euo pipefail

root="$(cd "$(dirname "$0")/../../.." && pwd)"
dest="${1:-$root/.cache/jack-midi}"
src="$root/node_modules/@julusian/midi"

[ -f "$src/binding.gyp" ] || { echo "build-jack-midi: $src is missing; run npm ci first" >&2; exit 1; }

missing=()
for pkg in jackd2 jack-midi-clock libjack-jackd2-dev; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
command -v g++ >/dev/null || missing+=(g++)
command -v make >/dev/null || missing+=(make)
if [ ${#missing[@]} -gt 0 ]; then
  echo "build-jack-midi: missing ${missing[*]}; install them with: apt-get install -y ${missing[*]}" >&2
  exit 1
fi

# Node's own headers: node-gyp would otherwise try to download them (no network here).
prefix="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
[ -f "$prefix/include/node/node.h" ] || { echo "build-jack-midi: no Node headers under $prefix/include/node (install the nodejs headers, e.g. libnode-dev)" >&2; exit 1; }
npm_root="$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")"
node_gyp="$npm_root/node_modules/node-gyp/bin/node-gyp.js"
[ -f "$node_gyp" ] || { echo "build-jack-midi: npm's bundled node-gyp is not at $node_gyp" >&2; exit 1; }

rm -rf "$dest"
mkdir -p "$(dirname "$dest")"
cp -R "$src" "$dest"
# No ALSA prebuild to fall back on silently: the loader must find build/Release/midi.node or fail.
rm -rf "$dest/prebuilds" "$dest/build"
# Its own requires (pkg-prebuilds) resolve from the repo's node_modules wherever dest is.
ln -s "$root/node_modules" "$dest/node_modules"

# Patch the copy's binding.gyp: JACK instead of ALSA, and node-addon-api's include dir resolved
# here (from the repo) so the copy builds wherever dest is.
addon_include="$(cd "$root" && node -p "require('path').dirname(require.resolve('node-addon-api'))")"
gyp="$dest/binding.gyp"
grep -q "'__LINUX_ALSA__'" "$gyp" && grep -q "'-lasound'" "$gyp" || { echo "build-jack-midi: $gyp no longer has the ALSA define/library this script replaces" >&2; exit 1; }
sed -i \
  -e "s/'__LINUX_ALSA__'/'__UNIX_JACK__'/" \
  -e "s/'-lasound'/'-ljack'/" \
  -e "s|'<!(node -p \"require(\\\\'node-addon-api\\\\').include_dir\")'|'$addon_include'|" \
  "$gyp"
grep -q "__UNIX_JACK__" "$gyp" && grep -q -- "-ljack" "$gyp" && grep -qF "'$addon_include'" "$gyp" || { echo "build-jack-midi: patching $gyp failed" >&2; exit 1; }

(cd "$dest" && node "$node_gyp" rebuild --nodedir="$prefix" -j "$(nproc)" >build.log 2>&1) || { tail -30 "$dest/build.log" >&2; echo "build-jack-midi: node-gyp failed (full log: $dest/build.log)" >&2; exit 1; }

ldd "$dest/build/Release/midi.node" | grep -q libjack || { echo "build-jack-midi: midi.node is not linked to libjack" >&2; exit 1; }
echo "build-jack-midi: built $dest/build/Release/midi.node (JACK only)"
echo "use it with: TANDEM_MIDI_NATIVE=$dest"
