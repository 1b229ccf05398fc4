#!/usr/bin/env bash
# Fetches transparency report pages ROUNDS times each after one warm-up and prints the median
# and the slowest total time and the page size, as the public sees them.
#   benches/report/run.sh http://127.0.0.1:8080 20 'year=2025' 'year=2025&dmcg=DBCG' ...
set -euo pipefail
url="${1:-http://127.0.0.1:8080}"
rounds="${2:-20}"
shift 2 || true
[ "$#" -gt 0 ] || set -- "year=$(($(date +%Y) - 1))"
for query in "$@"; do
  get() { curl -s -o /dev/null -w '%{time_total} %{size_download}\n' "$url/gennemsigtighed?$query"; }
  get >/dev/null
  for _ in $(seq 1 "$rounds"); do get; done | sort -n | awk -v q="$query" '
    { t[NR] = $1; size = $2 }
    END { printf "/gennemsigtighed?%s: median %.1f ms, max %.1f ms over %d rounds; page %d bytes\n",
          q, t[int((NR + 1) / 2)] * 1000, t[NR] * 1000, NR, size }'
done
