#!/usr/bin/env bash
# Runs the Lucene peer of iq's index benchmarks (LuceneBench.java) on the
# records and queries of index/synth, exported by bench/lucene/export, for
# each size of IQ_BENCH_SIZES (default 10000,100000). Prints Go benchmark
# lines (BenchmarkBuild, BenchmarkSearch) that bench/run.sh compares.
#
# Needs java and javac (17 or later) and Debian's Lucene 8 and Gson jars:
#   apt-get install -y liblucene8-java libgoogle-gson-java
# Without them it says what is missing and exits 0, printing no benchmark
# (bench/run.sh then skips the Lucene tables). LUCENE_JARS overrides the
# jar directory (/usr/share/java); IQ_BENCH_JAVA_OPTS the JVM options
# (default -Xmx of 1 GB plus 10 MB per 1,000 records, at most 3 GB: the
# harness streams the records into its build, so the heap need not hold
# them).
set -euo pipefail
cd "$(dirname "$0")/../.."
jars="${LUCENE_JARS:-/usr/share/java}"
skip() {
	echo "lucene: skipped: $1 (apt-get install -y liblucene8-java libgoogle-gson-java)" >&2
	exit 0
}
for t in java javac; do
	command -v "$t" >/dev/null || skip "$t not found"
done
cp=""
for j in lucene-core lucene-analyzers-common lucene-facet lucene-highlighter lucene-queries lucene-memory gson; do
	f=$(ls "$jars/$j".jar "$jars/$j"-[0-9]*.jar 2>/dev/null | head -1 || true)
	[ -n "$f" ] || skip "$jars/$j.jar not found"
	cp="$cp:$f"
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
javac -d "$work/classes" -cp "${cp#:}" bench/lucene/LuceneBench.java
go build -o "$work/export" ./bench/lucene/export
IFS=, read -ra sizes <<<"${IQ_BENCH_SIZES:-10000,100000}"
for n in "${sizes[@]}"; do
	n=${n// /}
	mkdir "$work/$n"
	"$work/export" -n "$n" -dir "$work/$n"
	# shellcheck disable=SC2086 # the options are words
	java ${IQ_BENCH_JAVA_OPTS:--Xmx$((1024 + n / 100 > 3072 ? 3072 : 1024 + n / 100))m} -cp "$work/classes$cp" LuceneBench "$work/$n" "$n"
	rm -rf "${work:?}/$n"
done
