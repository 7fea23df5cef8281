#!/usr/bin/env bash
# `make test`: the suite in three parts, side by side, each line of output marked with its part:
#   sqlite      every test but the browser tests, on SQLite
#   postgresql  every test but the browser tests, on PostgreSQL
#   browser     the browser tests (marked `browser`), once, on PostgreSQL, with one Chromium
# then, for each part, its wall time, the CPU time of its processes (not PostgreSQL's server), its
# counts and pytest's closing line. Fails if any part fails.
#
# Environment: BIN (the virtualenv's bin, default .venv/bin); PYTEST_ARGS (extra pytest arguments
# for every part, shell-quoted as on a command line, e.g. PYTEST_ARGS='-x -k "login or sign"').
set -uo pipefail

BIN=${BIN:-.venv/bin}
# The suite starts the portal in processes of its own (the crash, lease, scheduler and witness
# tests): where the environment forbids bytecode caches, each would compile every module of the
# portal again, over half a second of CPU apiece. The run allows them (git ignores __pycache__).
unset PYTHONDONTWRITEBYTECODE
eval "extra=(${PYTEST_ARGS:-})"
work=$(mktemp -d "${TMPDIR:-/tmp}/make-test.XXXXXX")
trap 'rm -rf "$work"' EXIT

PARTS=(sqlite postgresql browser)
declare -A ARGS=(
  [sqlite]='--db sqlite -m "not browser"'
  [postgresql]='--db postgresql -m "not browser"'
  [browser]='--db postgresql -m browser'
)

run_part() {
  local part=$1 started status
  eval "local args=(${ARGS[$part]})"
  started=$(date +%s.%N)
  "$BIN/pytest" "${args[@]}" --durations=10 "${extra[@]}" 2>&1 | tee "$work/$part.log" | sed -u "s/^/[$part] /"
  status=${PIPESTATUS[0]}
  echo "$started $(date +%s.%N)" >"$work/$part.time"
  times >"$work/$part.times"  # this shell's, then its processes' (pytest, Chromium, ...) user and system time
  echo "$status" >"$work/$part.status"
}

started=$(date +%s.%N)
for part in "${PARTS[@]}"; do
  run_part "$part" &
done
wait

# pytest's closing line: "== 12 passed, 1 skipped in 3.2s ==" (or, with -q, without the rules).
closing_line() { grep -E '([0-9]+ (passed|failed|skipped|errors?|deselected)|no tests ran).* in [0-9.]+s' "$1" | tail -n 1; }
seconds() { awk -v from="$1" -v to="$2" 'BEGIN { printf "%.1f", to - from }'; }
# `times` prints "0m12.345s 0m1.234s": user and system, summed here.
cpu_seconds() { tail -n 1 "$1" | tr 'ms' '  ' | awk '{ printf "%.1f", $1 * 60 + $2 + $3 * 60 + $4 }'; }
count() { grep -oE "[0-9]+ $2" <<<"$1" | grep -oE '^[0-9]+' || echo 0; }

echo
echo "=== make test: each part ==="
printf '%-11s %9s %8s %7s %7s %8s %7s  %s\n' part "wall (s)" "CPU (s)" passed failed skipped errors result
status=0
for part in "${PARTS[@]}"; do
  read -r from to <"$work/$part.time"
  code=$(cat "$work/$part.status")
  line=$(closing_line "$work/$part.log")
  result=passed
  if [ "$code" = 5 ] && [ -n "${PYTEST_ARGS:-}" ]; then
    result="nothing selected"  # PYTEST_ARGS chose no test of this part
  elif [ "$code" != 0 ]; then
    result="FAILED (exit $code)"
    status=1
  fi
  printf '%-11s %9s %8s %7s %7s %8s %7s  %s\n' "$part" "$(seconds "$from" "$to")" "$(cpu_seconds "$work/$part.times")" \
    "$(count "$line" passed)" "$(count "$line" failed)" "$(count "$line" skipped)" "$(count "$line" 'errors?')" "$result"
done
for part in "${PARTS[@]}"; do
  echo "[$part] $(closing_line "$work/$part.log")"
done
printf 'All parts: %s s wall. ' "$(seconds "$started" "$(date +%s.%N)")"
[ "$status" = 0 ] && echo "=== Passed ===" || echo "=== FAILED (see above) ==="
exit $status
