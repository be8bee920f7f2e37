#!/usr/bin/env bash
# Runs iq's index benchmarks (Bleve), the SQLite FTS5 peer and the Lucene
# peer in one run on the same synthetic records and query mix, then prints
# iq/FTS5 and iq/Lucene ratios.
#
#   bench/run.sh                      # 10k and 100k records
#   IQ_BENCH_SIZES=10000 bench/run.sh # one size
#   IQ_BENCH_SIZES=1000000 IQ_BENCH_PARTS=user,query,fts5 IQ_BENCH_CLUSTERED=1 bench/run.sh  # the 1M tier
#
# IQ_BENCH_PARTS picks parts (comma-separated, default all but query): build
# (BenchmarkBuild in ./index), search (BenchmarkSearch in ./index and
# BenchmarkQuerySearch in ./bench), query (BenchmarkQuerySearch only), user
# (BenchmarkUserBuild), fts5, lucene. Every build streams its records
# (index.BuildStream, pipeline.BuildStream, the peers' harnesses read them
# as they index) and reports its peak memory; the CPU of making the
# synthetic records is measured apart (source-cpu-s) and not counted.
# BenchmarkUserBuild leaves its index (clusters set, as iq index builds
# it); IQ_BENCH_CLUSTERED=1 makes the search benchmarks search that one
# instead of building an index without clusters: the 1M tier builds once.
#
# Build benchmarks run once per size (-benchtime 1x); BenchmarkUserBuild
# adds the near-duplicate clustering iq index runs before the build.
# Search benchmarks take 400 queries: 200 once right after opening
# (first-*), the other 200 once unseen (unseen-*), then those 3 times warm
# (p50, p99, cpu-ms/query). FTS5 runs with mmap_size and cache_size set. Two iq search figures:
# BenchmarkSearch in ./index sends Bleve a request of the same shape as the
# FTS5 peer's (engine against engine); BenchmarkQuerySearch in ./bench is
# iq's real search path, query.Searcher.Search with the text as typed. Levers for the Bleve
# build: IQ_BENCH_BATCH, IQ_BENCH_WRITERS, IQ_BENCH_SHARDS, IQ_BENCH_TIER, IQ_BENCH_LEAVETAIL, GOGC.
# The FTS5 peer needs cgo and a C compiler (it builds SQLite with
# -tags sqlite_fts5; the first build takes a minute or two). The Lucene
# peer (bench/lucene/run.sh) needs Java and Debian's liblucene8-java and
# libgoogle-gson-java; without them it is skipped with a message.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
export IQ_BENCH_SIZES="${IQ_BENCH_SIZES:-10000,100000}"
parts=",${IQ_BENCH_PARTS:-build,search,user,fts5,lucene},"
want() { [[ $parts == *",$1,"* ]]; }
touch "$out"/{iq,query,user,fts5,lucene}.txt

echo "load average: $(cat /proc/loadavg 2>/dev/null || uptime)" >&2
if want build; then
	echo "== iq (Bleve) build ==" >&2
	go test ./index -run '^$' -bench 'Build' -benchtime 1x -timeout 60m | tee -a "$out/iq.txt" >&2
fi
if want user; then
	# The build as `iq index` runs it: clustering, then the index, streamed
	# (pipeline.BuildStream).
	echo "== iq index (clustering + build) ==" >&2
	go test ./bench -run '^$' -bench 'UserBuild$' -benchtime 1x -timeout 120m | tee "$out/user.txt" >&2
fi
if want search; then
	echo "== iq (Bleve) search ==" >&2
	go test ./index -run '^$' -bench 'Search' -benchtime 3x -timeout 60m | tee -a "$out/iq.txt" >&2
fi
if want search || want query; then
	echo "== iq search (query.Search) ==" >&2
	go test ./bench -run '^$' -bench 'QuerySearch' -benchtime 3x -timeout 60m | tee "$out/query.txt" >&2
fi
if want fts5; then
	echo "== SQLite FTS5 ==" >&2
	(cd bench/fts5 && go test -tags sqlite_fts5 -run '^$' -bench 'Build' -benchtime 1x -timeout 60m) | tee "$out/fts5.txt" >&2
	(cd bench/fts5 && go test -tags sqlite_fts5 -run '^$' -bench 'Search' -benchtime 3x -timeout 60m) | tee -a "$out/fts5.txt" >&2
fi
if want lucene; then
	echo "== Lucene ==" >&2
	bench/lucene/run.sh | tee "$out/lucene.txt" >&2
fi
echo "load average: $(cat /proc/loadavg 2>/dev/null || uptime)" >&2

# metrics FILE: "Benchmark/sub metric value" lines from go test output.
metrics() {
	awk '/^Benchmark/ { name=$1; sub(/-[0-9]+$/, "", name);
		printf "%s s/op %.3f\n", name, $3/1e9;
		for (i = 5; i < NF; i += 2) printf "%s %s %s\n", name, $(i+1), $i }' "$1"
}
for f in iq fts5 lucene user; do
	metrics "$out/$f.txt" | sed 's/^BenchmarkUserBuild/BenchmarkBuild/' | sort >"$out/$f.m"
done
# The real search path against the same peer search figures.
metrics "$out/query.txt" | sed 's/^BenchmarkQuerySearch/BenchmarkSearch/' | sort >"$out/query.m"

# ratios IQ.m PEER.m: one table of iq/peer ratios.
ratios() {
	join -j1 <(awk '{print $1"|"$2, $3}' "$1" | sort) <(awk '{print $1"|"$2, $3}' "$2" | sort) |
		awk '{ split($1, k, "|"); r = ($3 > 0) ? $2/$3 : 0;
			printf "%-36s %-12s %12.2f %12.2f %8.2f\n", k[1], k[2], $2, $3, r }'
}
for peer in fts5 lucene; do
	[ -s "$out/$peer.m" ] || continue
	if [ -s "$out/iq.m" ]; then
		echo
		echo "iq's engine benchmarks (./index) against $peer:"
		printf '%-36s %-12s %12s %12s %8s\n' benchmark metric iq "$peer" "iq/$peer"
		ratios "$out/iq.m" "$out/$peer.m"
	fi
	if [ -s "$out/user.m" ]; then
		echo
		echo "iq's build as iq index runs it (clustering + index.Build, BenchmarkUserBuild) against $peer's build:"
		printf '%-36s %-12s %12s %12s %8s\n' benchmark metric 'iq index' "$peer" "iq/$peer"
		ratios "$out/user.m" "$out/$peer.m"
	fi
	if [ -s "$out/query.m" ]; then
		echo
		echo "iq's search path (query.Searcher.Search, BenchmarkQuerySearch) against the same $peer searches:"
		printf '%-36s %-12s %12s %12s %8s\n' benchmark metric query.Search "$peer" "iq/$peer"
		ratios "$out/query.m" "$out/$peer.m"
	fi
done
