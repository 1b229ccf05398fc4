#!/usr/bin/env bash
# Posts benches/batch/cases50.json (50 MDT cases) to POST /api/v1/match/batch ROUNDS times
# after one warm-up and prints the median and the slowest total time and the response size.
#   benches/batch/run.sh http://127.0.0.1:8080 20 [QUERY]     (QUERY e.g. limit=10)
set -euo pipefail
url="${1:-http://127.0.0.1:8080}"
rounds="${2:-20}"
query="${3:-}"
body="$(dirname "$0")/cases50.json"
post() {
  curl -s -o /dev/null -w '%{time_total} %{size_download}\n' \
    -H 'Content-Type: application/json' --data-binary "@$body" "$url/api/v1/match/batch${query:+?$query}"
}
post >/dev/null
for _ in $(seq 1 "$rounds"); do post; done | sort -n | awk '
  { t[NR] = $1; size = $2 }
  END { printf "50 cases: median %.1f ms, max %.1f ms over %d rounds; response %d bytes\n",
        t[int((NR + 1) / 2)] * 1000, t[NR] * 1000, NR, size }'
