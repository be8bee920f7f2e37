#!/usr/bin/env bash
# Runs iq's index benchmarks (Bleve) and the SQLite FTS5 peer in one run on
# the same synthetic records and query mix, then prints FTS5/iq ratios.
#
#   bench/run.sh                      # 10k and 100k records
#   IQ_BENCH_SIZES=10000 bench/run.sh # one size
#
# Build benchmarks run once per size (-benchtime 1x); BenchmarkUserBuild
# adds the near-duplicate clustering iq index runs before the build.
# Search benchmarks take 400 queries: 200 once right after opening
# (first-*), the other 200 once unseen (unseen-*), then those 3 times warm
# (p50, p99, cpu-ms/query). FTS5 runs with mmap_size and cache_size set. Two iq search figures:
# BenchmarkSearch in ./index sends Bleve a request of the same shape as the
# FTS5 peer's (engine against engine); BenchmarkQuerySearch in ./bench is
# iq's real search path, query.Searcher.Search with the text as typed. Levers for the Bleve
# build: IQ_BENCH_BATCH, IQ_BENCH_WRITERS, IQ_BENCH_SHARDS, IQ_BENCH_TIER, GOGC.
# The FTS5 peer needs cgo and a C compiler (it builds SQLite with
# -tags sqlite_fts5; the first build takes a minute or two).
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
export IQ_BENCH_SIZES="${IQ_BENCH_SIZES:-10000,100000}"

echo "== iq (Bleve) ==" >&2
go test ./index -run '^$' -bench 'Build' -benchtime 1x -timeout 60m | tee "$out/iq.txt" >&2
go test ./index -run '^$' -bench 'Search' -benchtime 3x -timeout 60m | tee -a "$out/iq.txt" >&2
go test ./bench -run '^$' -bench 'QuerySearch' -benchtime 3x -timeout 60m | tee "$out/query.txt" >&2
# The build as `iq index` runs it: clustering, then index.Build.
go test ./bench -run '^$' -bench 'UserBuild' -benchtime 1x -timeout 60m | tee "$out/user.txt" >&2
echo "== SQLite FTS5 ==" >&2
(cd bench/fts5 && go test -tags sqlite_fts5 -run '^$' -bench 'Build' -benchtime 1x -timeout 60m) | tee "$out/fts5.txt" >&2
(cd bench/fts5 && go test -tags sqlite_fts5 -run '^$' -bench 'Search' -benchtime 3x -timeout 60m) | tee -a "$out/fts5.txt" >&2

# metrics FILE: "Benchmark/sub metric value" lines from go test output.
metrics() {
	awk '/^Benchmark/ { name=$1; sub(/-[0-9]+$/, "", name);
		printf "%s s/op %.3f\n", name, $3/1e9;
		for (i = 5; i < NF; i += 2) printf "%s %s %s\n", name, $(i+1), $i }' "$1"
}
metrics "$out/iq.txt" | sort >"$out/iq.m"
metrics "$out/fts5.txt" | sort >"$out/fts5.m"
# The real search path against the same FTS5 search figures.
metrics "$out/query.txt" | sed 's/^BenchmarkQuerySearch/BenchmarkSearch/' | sort >"$out/query.m"

# ratios IQ.m: one table of iq/fts5 ratios.
ratios() {
	join -j1 <(awk '{print $1"|"$2, $3}' "$1" | sort) <(awk '{print $1"|"$2, $3}' "$out/fts5.m" | sort) |
		awk '{ split($1, k, "|"); r = ($3 > 0) ? $2/$3 : 0;
			printf "%-36s %-12s %12.2f %12.2f %8.2f\n", k[1], k[2], $2, $3, r }'
}
echo
printf '%-36s %-12s %12s %12s %8s\n' benchmark metric iq fts5 'iq/fts5'
ratios "$out/iq.m"
metrics "$out/user.txt" | sed 's/^BenchmarkUserBuild/BenchmarkBuild/' | sort >"$out/user.m"
echo
echo "iq's build as iq index runs it (clustering + index.Build, BenchmarkUserBuild) against FTS5's build:"
printf '%-36s %-12s %12s %12s %8s\n' benchmark metric 'iq index' fts5 'iq/fts5'
ratios "$out/user.m"
echo
echo "iq's search path (query.Searcher.Search, BenchmarkQuerySearch) against the same FTS5 searches:"
printf '%-36s %-12s %12s %12s %8s\n' benchmark metric query.Search fts5 'iq/fts5'
ratios "$out/query.m"
