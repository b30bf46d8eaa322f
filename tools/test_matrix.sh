#!/usr/bin/env bash
# `make test-matrix`: the whole suite (`make test`) on newer QGIS, each in a Debian root built by
# mmdebstrap: trixie (QGIS 3.40 LTR) and sid (QGIS 3.44).
#
# Roots are cached outside the work tree in $ONEMAP_MATRIX_CACHE (default /var/cache/onemap-matrix),
# one folder per release, kept while the apt package list (tools/bootstrap.sh --apt-packages) is
# unchanged. The root's apt packages are the same list the host's bootstrap installs; the pinned
# wheels of tools/requirements.txt are downloaded on the host with `pip download` (pip inside the
# root does not see the host's index settings) and installed there with --no-index --find-links.
# A copy of the checkout runs `make test` in a private mount + PID namespace (unshare): /proc,
# /dev, /sys mounted only there, so they vanish with it on every exit path, and every process the
# suite started is killed with it. When the apt list changes, a cached root is updated in place
# (apt-get install of the list) and only built anew if that fails. Needs root.
#   usage: tools/test_matrix.sh [RELEASE ...]     (default: trixie sid)
set -euo pipefail
cd "$(dirname "$0")/.."
SRC=$(pwd)
CACHE=${ONEMAP_MATRIX_CACHE:-/var/cache/onemap-matrix}
MIRROR=${ONEMAP_MATRIX_MIRROR:-http://deb.debian.org/debian}
RELEASES=("$@"); [ ${#RELEASES[@]} -gt 0 ] || RELEASES=(trixie sid)
LOGS=$SRC/out/matrix
[ "$(id -u)" -eq 0 ] || { echo "test-matrix: needs root (mmdebstrap --mode=root, chroot)" >&2; exit 2; }
command -v mmdebstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mmdebstrap
mkdir -p "$CACHE" "$LOGS"
exec 9>"$CACHE/.lock"; flock 9          # one matrix run at a time per machine

PACKAGES=$(tools/bootstrap.sh --apt-packages)
PYTHON=.venv/bin/python; [ -x "$PYTHON" ] || PYTHON=python3      # the host's pip, for `pip download`
WORK=""
SNAPSHOT=$(mktemp /tmp/onemap-matrix-src.XXXXXX)
RUNNING=""
cleanup() { [ -z "$WORK" ] || rm -rf "$WORK"; rm -f "$SNAPSHOT"; }
# unshare ignores TERM while it waits: a signal kills it outright, and --kill-child takes the PID
# namespace (the suite, PostgreSQL, QGIS, Xvfb) and its mounts with it.
on_signal() { [ -z "$RUNNING" ] || kill -KILL "$RUNNING" 2>/dev/null; exit 130; }
trap cleanup EXIT
trap on_signal INT TERM
# The checkout as it is now: every release tests the same files, whatever changes meanwhile.
tar -C "$SRC" --exclude=./.git --exclude=./.venv --exclude=./build --exclude=./dist --exclude=./out \
    --exclude=./resources/sample --exclude=./.pytest_cache --exclude=./.qgis-settings --exclude='__pycache__' \
    -cf "$SNAPSHOT" .

# A command inside a root: a private mount + PID namespace with /proc, /sys, /dev (and the host's
# resolv.conf, for apt) mounted only there. The trap unmounts on the way out; the namespace ending
# would drop them anyway, and --kill-child ends every process in it when unshare itself is killed.
UNSHARE=(unshare --mount --propagation private --pid --kill-child --)
IN_ROOT='set -e; root=$1; shift
  trap "umount -R \"$root/etc/resolv.conf\" \"$root/dev\" \"$root/sys\" \"$root/proc\" 2>/dev/null || true" EXIT
  mount -t proc proc "$root/proc"; mount --rbind /sys "$root/sys"; mount --rbind /dev "$root/dev"
  touch "$root/etc/resolv.conf" && mount --bind /etc/resolv.conf "$root/etc/resolv.conf"
  chroot "$root" /usr/bin/env -i PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin HOME=/root LANG=C.UTF-8 \
    DEBIAN_FRONTEND=noninteractive "$@"'
in_root() { "${UNSHARE[@]}" bash -c "$IN_ROOT" _ "$@"; }

# The root for a release: kept while the apt list is unchanged; when it changed, the list is installed
# into the existing root (apt-get, as bootstrap does on a host); built from scratch by mmdebstrap
# (into a temporary folder, moved into place when complete) when there is none or updating fails.
build_root() {
  local release=$1 root=$CACHE/$1 key start=$SECONDS
  key=$(printf '%s\n%s\n' "$release" "$PACKAGES" | sha256sum | cut -c1-16)
  if [ "$(cat "$root/.onemap-key" 2>/dev/null)" = "$key" ]; then
    echo "test-matrix: $release root cached ($root)"; return
  fi
  if [ -f "$root/.onemap-key" ]; then
    echo "test-matrix: updating the $release root (packages: $PACKAGES)"
    # shellcheck disable=SC2086  # the list is words
    if in_root "$root" sh -c "apt-get update -qq && apt-get install -y -qq --no-install-recommends $PACKAGES" \
         > "$LOGS/$release-build.log" 2>&1; then
      echo "$key" > "$root/.onemap-key"
      echo "test-matrix: $release root updated in $((SECONDS - start)) s"; return
    fi
    echo "test-matrix: updating failed (out/matrix/$release-build.log); building it anew"
  fi
  echo "test-matrix: building the $release root (packages: $PACKAGES)"
  rm -rf "$root.new"
  # sid's Release file carries a Valid-Until a week ahead; the mirror this machine reaches can be
  # older than that, so the date check is off (signatures are still verified).
  mmdebstrap --mode=root --variant=apt --quiet --aptopt='APT::Install-Recommends "false"' \
    --aptopt='Acquire::Check-Valid-Until "false"' \
    --include="${PACKAGES// /,}" "$release" "$root.new" "$MIRROR" > "$LOGS/$release-build.log" 2>&1 \
    || { tail -20 "$LOGS/$release-build.log"; echo "test-matrix: building the $release root failed" >&2; return 1; }
  echo "$key" > "$root.new/.onemap-key"
  rm -rf "$root.old"; [ ! -d "$root" ] || mv "$root" "$root.old"
  mv "$root.new" "$root"; rm -rf "$root.old"
  echo "test-matrix: $release root built in $((SECONDS - start)) s ($(du -sh "$root" | cut -f1))"
}

# The pinned test dependencies as wheels for the root's Python, fetched on the host.
fetch_wheels() {
  local root=$1 pyver dir
  pyver=$(chroot "$root" python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')
  dir=$CACHE/wheels-$pyver
  if ! cmp -s tools/requirements.txt "$dir/requirements.txt"; then
    rm -rf "$dir" && mkdir -p "$dir"
    "$PYTHON" -m pip download -q --disable-pip-version-check --only-binary=:all: --python-version "$pyver" \
      --implementation cp --platform manylinux2014_x86_64 --platform manylinux_2_17_x86_64 \
      -d "$dir" -r tools/requirements.txt > "$LOGS/wheels-$pyver.log" 2>&1 \
      || { cat "$LOGS/wheels-$pyver.log" >&2; return 1; }
    cp tools/requirements.txt "$dir/"
  fi
  echo "$dir"
}

# `make test` on a fresh copy of the snapshot inside the root; its output goes to out/matrix/.
run_suite() {
  local release=$1 root=$CACHE/$1 wheels version start=$SECONDS status=0
  wheels=$(fetch_wheels "$root")
  WORK=$(mktemp -d "$root/tmp/onemap-XXXXXX")
  tar -C "$WORK" -xf "$SNAPSHOT"
  mkdir -p "$WORK/.wheels" && cp "$wheels"/*.whl "$WORK/.wheels/"
  version=$(chroot "$root" python3 -c 'from qgis.core import Qgis; print(Qgis.QGIS_VERSION)' 2>/dev/null)
  echo "test-matrix: $release — QGIS $version — make test"
  "${UNSHARE[@]}" bash -c "$IN_ROOT" _ "$root" env CI="${CI:-}" PIP_NO_INDEX=1 \
    PIP_FIND_LINKS="${WORK#"$root"}/.wheels" make -C "${WORK#"$root"}" test > "$LOGS/$release.log" 2>&1 &
  RUNNING=$!                          # unshare itself: killing it ends the namespace
  wait "$RUNNING" || status=$?
  RUNNING=""
  rm -rf "$WORK"; WORK=""
  echo "test-matrix: $release (QGIS $version): $(grep -E '^[0-9]+ (passed|failed)|(passed|failed|error)' "$LOGS/$release.log" | tail -1) [$((SECONDS - start)) s, log out/matrix/$release.log]"
  [ $status -eq 0 ] || { tail -40 "$LOGS/$release.log"; return $status; }
}

failed=()
for release in "${RELEASES[@]}"; do
  if ! { build_root "$release" && run_suite "$release"; }; then failed+=("$release"); fi
done
[ ${#failed[@]} -eq 0 ] || { echo "test-matrix: FAILED on ${failed[*]}" >&2; exit 1; }
echo "test-matrix: passed on ${RELEASES[*]}"
