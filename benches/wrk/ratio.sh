#!/bin/sh
# The ratio benchmark of issue 2.8 (BENCHMARKS.md, "Share of a bare page"): the registry's list
# page, list API and match API, each against the bare page of the same stack
# (`dccc-bench bare`: actix-web + askama + diesel/SQLite, TechEmpower "Fortunes"), in one run,
# side by side, with wrk and 16 connections, at 1,000 published protocols.
#
#   cargo build --release --workspace && benches/wrk/ratio.sh [rounds] [seconds]
#
# Each round measures the bare page and then each request in turn, so both sides of a ratio
# see the same machine; the table gives the median over the rounds of requests per second and
# of p99, and each request's share of the bare page's throughput. Needs wrk
# (`apt-get install -y wrk`). Runs from the checkout; leaves its files in $WORK.
set -eu
ROUNDS=${1:-3}
SECONDS_EACH=${2:-10}
WORK=${WORK:-/tmp/dccc-ratio}
B=${B:-target/release/dccc-registry}
BENCH=${BENCH:-target/release/dccc-bench}
REG=127.0.0.1:18081
BARE=127.0.0.1:18090
export DEMO_DATA=false RUST_LOG=warn CTGOV_SYNC_HOURS=0
export SECRET_KEY=${SECRET_KEY:-ratio-benchmark-key-ratio-benchmark-key-ratio-benchmark-key-0000}

mkdir -p "$WORK"
if [ ! -f "$WORK/registry.db" ]; then
  DATABASE_URL="sqlite://$WORK/registry.db" "$BENCH" generate --protocols 1000 >/dev/null
fi
DATA_DIR="$WORK/data" DATABASE_URL="sqlite://$WORK/registry.db" BIND=$REG "$B" serve &
REG_PID=$!
"$BENCH" bare --database "$WORK/bare.db" --bind $BARE &
BARE_PID=$!
trap 'kill $REG_PID $BARE_PID 2>/dev/null || true' EXIT INT TERM
for _ in $(seq 1 100); do
  if curl -sf "http://$REG/api/v1/protocols?per_page=1" >/dev/null &&
     curl -sf "http://$BARE/fortunes" >/dev/null; then break; fi
  sleep 0.2
done

# One wrk run: prints "requests/s p99-in-ms".
measure() {
  out=$(wrk -t2 -c16 -d"${SECONDS_EACH}s" --latency "$@")
  rps=$(printf '%s\n' "$out" | awk '/^Requests\/sec:/ {print $2}')
  p99=$(printf '%s\n' "$out" | awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us$/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000}; print v}')
  non2xx=$(printf '%s\n' "$out" | awk '/Non-2xx/ {print $NF}')
  if [ -n "$non2xx" ]; then echo "wrk: $non2xx answers were not 2xx or 3xx: $*" >&2; exit 1; fi
  echo "$rps $p99"
}

: >"$WORK/runs.txt"
for round in $(seq 1 "$ROUNDS"); do
  echo "bare $round $(measure "http://$BARE/fortunes")" >>"$WORK/runs.txt"
  echo "list $round $(measure "http://$REG/protokoller?region=1084")" >>"$WORK/runs.txt"
  echo "api $round $(measure "http://$REG/api/v1/protocols?region=1084&phase=phase-3")" >>"$WORK/runs.txt"
  echo "match $round $(MATCH_BODY=benches/wrk/match.json measure -s benches/wrk/match.lua "http://$REG")" >>"$WORK/runs.txt"
done

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $ROUNDS rounds of ${SECONDS_EACH} s, wrk -t2 -c16"
awk '
  { rps[$1] = rps[$1] " " $3; p99[$1] = p99[$1] " " $4 }
  function median(list,   n, a, i, j, t) {
    n = split(list, a, " ")
    for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] + 0 > t + 0; j--) a[j + 1] = a[j]; a[j + 1] = t }
    return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  END {
    base = median(rps["bare"])
    printf "%-6s %12s %9s %10s\n", "page", "requests/s", "p99 ms", "of bare"
    split("bare list api match", order, " ")
    for (k = 1; k <= 4; k++) {
      name = order[k]; r = median(rps[name])
      printf "%-6s %12.0f %9.2f %9.0f%%\n", name, r, median(p99[name]), 100 * r / base
    }
  }' "$WORK/runs.txt"
