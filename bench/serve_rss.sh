#!/usr/bin/env bash
# Measures what `iq serve` holds in memory and how soon it answers: starts
# it on an index directory and reads /proc/PID/status once it listens,
# once its first /api/similar and /api/dups are answered, after each
# checkpoint of a realistic request mix (IQ_SERVE_SEARCHES, cumulative
# search counts, default "20": each a search of the benchmarks' query
# mix, synth.Queries, with every 10th also opening its first hit's
# question and every 25th that hit's /api/similar), and then every 15 s
# for a minute with no requests; and the Go heap at the last collection
# (GODEBUG=gctrace=1), with the server's CPU so far (GOGC and GOMEMLIMIT
# reach the server). RssAnon is the Go heap and what else the process
# allocated; RssFile the pages of mapped index files it touched (the
# kernel can drop them); VmRSS is their sum. After each checkpoint it
# prints the wall time of that stretch's searches through HTTP (p50, p99,
# curl's time_total) and the server's CPU per request.
#
#   bench/serve_rss.sh DIR   # e.g. $TMPDIR/iq-bench-index-100000-shards1-segments0-tier0,
#                            # which IQ_BENCH_SIZES=100000 bench/run.sh builds
#   IQ_SERVE_SEARCHES="20 100 500" bench/serve_rss.sh DIR
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
# (ten files, since iq skips a file over 32 MiB). An index the benchmarks
# built as users build it (BenchmarkUserBuild, ...-clustered) has its
# features keyed by the test binary: build both with one IQ_TEST_VERSION
# and the server with -buildvcs=false, so that both keys are that name:
#
#   IQ_TEST_VERSION=x IQ_BENCH_SIZES=100000 go test ./bench -run '^$' -bench 'UserBuild$' -benchtime 1x
#   go build -buildvcs=false -o /tmp/iq ./cmd/iq
#   IQ_TEST_VERSION=x IQ_BIN=/tmp/iq bench/serve_rss.sh $TMPDIR/iq-bench-index-100000-shards1-segments0-tier0-clustered
#
# Needs curl and jq. The server listens on a free loopback port
# (IQ_SERVE_ADDR overrides it).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:?usage: bench/serve_rss.sh INDEX_DIR}
addr=${IQ_SERVE_ADDR:-127.0.0.1:0}
checkpoints=${IQ_SERVE_SEARCHES:-20}
for t in curl jq; do
	command -v "$t" >/dev/null || { echo "serve_rss: $t not found" >&2; exit 1; }
done
nq=0
for n in $checkpoints; do nq=$((n > nq ? n : nq)); done
work=$(mktemp -d)
if [ -n "${IQ_BIN:-}" ]; then
	cp "$IQ_BIN" "$work/iq"
else
	go build -o "$work/iq" ./cmd/iq
fi
go run ./bench/lucene/export -n 1 -queries "$((nq > 400 ? nq : 400))" -dir "$work"
jq -r .text "$work/queries.jsonl" >"$work/queries.txt"
# gctrace: the Go heap at each collection (live after it, goal), to tell
# live memory from garbage not yet returned.
GODEBUG=gctrace=1 "$work/iq" serve --index "$dir" --addr "$addr" 2>"$work/serve.log" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
start=$(date +%s.%N)
hz=$(getconf CLK_TCK)
cpu() { awk -v hz="$hz" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$pid/stat"; }
status() {
	awk -v a="$start" -v b="$(date +%s.%N)" -v what="$1" 'BEGIN { printf "%-30s %7.1f s  ", what, b - a }'
	awk '/^(VmRSS|RssAnon|RssFile|VmHWM):/ { printf "%s %6.0f MB  ", $1, $2/1024 }' "/proc/$pid/status"
	# CPU so far: utime and stime, fields 14 and 15 of stat (the name in
	# field 2 has no spaces here).
	echo "CPU $(cpu) s"
}
# The address it listens on, from its log ("msg=serving url=http://…/").
until addr=$(sed -n 's|.*msg=serving url=http://\([^/ ]*\)/.*|\1|p' "$work/serve.log") && [ -n "$addr" ]; do
	kill -0 $pid 2>/dev/null || { cat "$work/serve.log" >&2; exit 1; }
	sleep 0.1
done
curl -fso /dev/null "http://$addr/healthz"
status listening
id=$(curl -fsG "http://$addr/api/search" --data-urlencode "q=$(sed -n 1p "$work/queries.txt")" | jq -r '.hits[0].id')
# 503 while the duplicate detector warms up.
while code=$(curl -so /dev/null -w '%{http_code}' "http://$addr/api/similar?id=$id&limit=10") && [ "$code" != 200 ]; do
	[ "$code" = 503 ] || { echo "serve_rss: /api/similar?id=$id answered $code" >&2; exit 1; }
	sleep 0.5
done
status "first /api/similar answered"
curl -fso /dev/null "http://$addr/api/dups?limit=50"
status "first /api/dups answered"
done_n=0
for n in $checkpoints; do
	: >"$work/times"
	c0=$(cpu)
	reqs=0
	while [ "$done_n" -lt "$n" ]; do
		done_n=$((done_n + 1))
		q=$(sed -n "${done_n}p" "$work/queries.txt")
		curl -fsG -o "$work/page.json" -w '%{time_total}\n' "http://$addr/api/search" --data-urlencode "q=$q" >>"$work/times"
		reqs=$((reqs + 1))
		if [ $((done_n % 10)) = 0 ] && hit=$(jq -er '.hits[0].id' "$work/page.json"); then
			curl -fso /dev/null "http://$addr/api/questions/$hit"
			reqs=$((reqs + 1))
			if [ $((done_n % 25)) = 0 ]; then
				curl -fso /dev/null "http://$addr/api/similar?id=$hit&limit=10"
				reqs=$((reqs + 1))
			fi
		fi
	done
	status "$n searches"
	sort -n "$work/times" | awk -v c0="$c0" -v c1="$(cpu)" -v reqs="$reqs" '{ t[NR] = $1 } END {
		if (NR == 0) exit
		p50 = t[int((NR - 1) * 0.50) + 1]; p99 = t[int((NR - 1) * 0.99) + 1]
		printf "    %d searches, %d requests: search wall p50 %.1f ms, p99 %.1f ms, max %.1f ms; server CPU %.1f ms a request\n",
			NR, reqs, p50 * 1000, p99 * 1000, t[NR] * 1000, (c1 - c0) * 1000 / reqs }'
done
for _ in 1 2 3 4; do
	sleep 15
	status idle
done
echo "last collection (GODEBUG=gctrace=1: heap at start -> end -> live MB, goal):"
grep '^gc [0-9]' "$work/serve.log" | tail -1
grep -v '^gc [0-9]\|msg=request\|level=INFO msg=GET' "$work/serve.log" | grep -v 'path=/api' | tail -5 || true
