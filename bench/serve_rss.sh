#!/usr/bin/env bash
# Measures what `iq serve` holds in memory at rest: starts it on an index
# directory, reads /proc/PID/status once it listens, again once its
# duplicate detector is warm (/api/similar answers 200), after 20 searches
# of the benchmarks' query mix (synth.Queries(400, 1)) and one similar, and
# then every 15 s for a minute with no requests, and the Go heap at the
# last collection (GODEBUG=gctrace=1), with the server's CPU so far
# (GOGC and GOMEMLIMIT reach the server). RssAnon is the Go heap and
# what else the process allocated; RssFile the pages of mapped index files
# it touched (the kernel can drop them); VmRSS is their sum.
#
#   bench/serve_rss.sh DIR   # e.g. $TMPDIR/iq-bench-index-100000-shards1-segments0-tier0,
#                            # which IQ_BENCH_SIZES=100000 bench/run.sh builds
#
# An index built by index.Build (the benchmarks') has no stored duplicate
# features, so the server computes them while warming up; one built by
# `iq index` loads them, when the server is the same build of iq as the
# one that made the index (the features are keyed by it): IQ_BIN names a
# built iq to serve with (by default the script builds one), e.g.
#
#   go build -o /tmp/iq ./cmd/iq
#   go run ./bench/lucene/export -n 100000 -dir /tmp/x   # records.jsonl
#   jq -r .record /tmp/x/records.jsonl | split -l 10000 -d --additional-suffix=.jsonl - /tmp/x/recs/part-
#   /tmp/iq index --index /tmp/idx /tmp/x/recs
#   IQ_BIN=/tmp/iq bench/serve_rss.sh /tmp/idx
#
# (ten files, since iq skips a file over 32 MiB). Needs curl and jq. The
# server listens on a free loopback port (IQ_SERVE_ADDR overrides it).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:?usage: bench/serve_rss.sh INDEX_DIR}
addr=${IQ_SERVE_ADDR:-127.0.0.1:0}
for t in curl jq; do
	command -v "$t" >/dev/null || { echo "serve_rss: $t not found" >&2; exit 1; }
done
work=$(mktemp -d)
if [ -n "${IQ_BIN:-}" ]; then
	cp "$IQ_BIN" "$work/iq"
else
	go build -o "$work/iq" ./cmd/iq
fi
go run ./bench/lucene/export -n 1 -dir "$work"
# gctrace: the Go heap at each collection (live after it, goal), to tell
# live memory from garbage not yet returned.
GODEBUG=gctrace=1 "$work/iq" serve --index "$dir" --addr "$addr" 2>"$work/serve.log" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
start=$(date +%s.%N)
status() {
	awk -v a="$start" -v b="$(date +%s.%N)" -v what="$1" 'BEGIN { printf "%-26s %6.1f s  ", what, b - a }'
	awk '/^(VmRSS|RssAnon|RssFile|VmHWM):/ { printf "%s %6.0f MB  ", $1, $2/1024 }' "/proc/$pid/status"
	# CPU so far: utime and stime, fields 14 and 15 of stat (the name in
	# field 2 has no spaces here).
	awk -v hz="$(getconf CLK_TCK)" '{ printf "CPU %6.1f s\n", ($14 + $15) / hz }' "/proc/$pid/stat"
}
# The address it listens on, from its log ("msg=serving url=http://…/").
until addr=$(sed -n 's|.*msg=serving url=http://\([^/ ]*\)/.*|\1|p' "$work/serve.log") && [ -n "$addr" ]; do
	kill -0 $pid 2>/dev/null || { cat "$work/serve.log" >&2; exit 1; }
	sleep 0.5
done
curl -fso /dev/null "http://$addr/healthz"
status listening
id=$(curl -fsG "http://$addr/api/search" --data-urlencode "q=$(jq -r .text "$work/queries.jsonl" | sed -n 1p)" | jq -r '.hits[0].id')
# 503 while the duplicate detector warms up.
while code=$(curl -so /dev/null -w '%{http_code}' "http://$addr/api/similar?id=$id&limit=10") && [ "$code" != 200 ]; do
	[ "$code" = 503 ] || { echo "serve_rss: /api/similar?id=$id answered $code" >&2; exit 1; }
	sleep 2
done
status "duplicate detector warm"
jq -r .text "$work/queries.jsonl" | sed -n 1,20p | while read -r q; do
	curl -fsG -o /dev/null "http://$addr/api/search" --data-urlencode "q=$q"
done
curl -fso /dev/null "http://$addr/api/similar?id=$id&limit=10"
status "20 searches, 1 similar"
for _ in 1 2 3 4; do
	sleep 15
	status idle
done
echo "last collection (GODEBUG=gctrace=1: heap at start -> end -> live MB, goal):"
grep '^gc [0-9]' "$work/serve.log" | tail -1
