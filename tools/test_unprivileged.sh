#!/usr/bin/env bash
# The grader's hostile tests as the unprivileged user nobody (as well as root, which `make test`
# covers when run as root, as in CI). Run it as root: it switches to nobody. For nobody to reach
# the interpreter and the checkout, folders on their paths that are closed to others (pyenv's
# under /root, say) are opened for traversal only (o+x) while it runs, and closed again after.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null; then
  echo "test_unprivileged.sh: needs root and setpriv (util-linux), to run the tests as nobody"
  exit 2
fi
as_nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)
opened=()
home=$(mktemp -d)
trap 'rm -rf "$home"; for dir in "${opened[@]}"; do chmod o-x "$dir"; done' EXIT
for path in "$(dirname "$(readlink -f .venv/bin/python)")" "$PWD/.venv/bin" "$PWD/tests"; do
  dir=""
  IFS=/ read -ra parts <<<"${path#/}"
  for part in "${parts[@]}"; do
    dir="$dir/$part"
    if ! "${as_nobody[@]}" test -x "$dir"; then chmod o+x "$dir" && opened+=("$dir"); fi
  done
done
chown 65534:65534 "$home"
"${as_nobody[@]}" env HOME="$home" TMPDIR="$home" PYTHONDONTWRITEBYTECODE=1 \
  .venv/bin/python -m pytest -p no:cacheprovider -q "$@" \
  tests/grading/test_boundary.py tests/grading/test_separation.py
