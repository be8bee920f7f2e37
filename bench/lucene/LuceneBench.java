// LuceneBench is the Lucene peer of iq's index benchmarks (bench/run.sh):
// it builds the synthetic records bench/lucene/export writes into a Lucene
// index and answers the same query mix the way the FTS5 peer (bench/fts5)
// does, printing Go benchmark lines (BenchmarkBuild/records=N,
// BenchmarkSearch/records=N) with the FTS5 peer's metrics.
//
// Analysis as FTS5's 'porter unicode61': letters and digits make tokens,
// lower-cased, Porter-stemmed, no stop words. question, answer and code are
// indexed with positions (phrases); question and answer are stored for
// highlighting, with id, level, sources and the record JSON; level, topic,
// tag and source file are SortedSetDocValues facets. One thread adds the
// documents (RAM buffer 256 MB), then forceMerge(1), as FTS5's 'optimize'.
//
// Search: each required word must match in question (boost 3), answer or
// code (boost 0.5), as a phrase when it analyses into several tokens; a
// quoted query is one phrase over the three fields; misspelt words are
// searched as typed (FTS5 has no typo tolerance). Top 10 by BM25 with id,
// level and sources loaded and question and answer highlighted
// (UnifiedHighlighter, offsets by re-analysis, as FTS5's snippet()), the
// exact total, and facet counts of level (top 10), topic, tag and source
// (top 30 each) over all matches. The first 200 queries run once right
// after opening (first-*), the other 200 once unseen (unseen-*), then 3
// times warm. CPU is the whole process's (JIT and GC threads included),
// but the per-query CPU percentiles (*-cpu-p99-ms) are the searching
// thread's: the JVM's process CPU clock ticks in 10 ms.
//
//   java -cp CLASSES:JARS LuceneBench DIR N   # DIR/records.jsonl, DIR/queries.jsonl

import java.io.BufferedReader;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import com.google.gson.Gson;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.en.PorterStemFilter;
import org.apache.lucene.analysis.util.CharTokenizer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.facet.Facets;
import org.apache.lucene.facet.FacetsCollector;
import org.apache.lucene.facet.FacetsConfig;
import org.apache.lucene.facet.sortedset.DefaultSortedSetDocValuesReaderState;
import org.apache.lucene.facet.sortedset.SortedSetDocValuesFacetCounts;
import org.apache.lucene.facet.sortedset.SortedSetDocValuesFacetField;
import org.apache.lucene.facet.sortedset.SortedSetDocValuesReaderState;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.uhighlight.UnifiedHighlighter;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.QueryBuilder;
import org.apache.lucene.util.Version;

public final class LuceneBench {
	/** One record as bench/lucene/export writes it. */
	static final class Rec {
		String id, question, answer, code, level, sources, record;
		String[] topics, tags, files;
	}

	/** One query of the mix. */
	static final class Q {
		String text;
		String[] words;
		boolean[] required;
		boolean phrase;
	}

	static final class IqAnalyzer extends Analyzer {
		@Override
		protected TokenStreamComponents createComponents(String field) {
			Tokenizer src = CharTokenizer.fromTokenCharPredicate(Character::isLetterOrDigit);
			TokenStream ts = new PorterStemFilter(new LowerCaseFilter(src));
			return new TokenStreamComponents(src, ts);
		}

		@Override
		protected TokenStream normalize(String field, TokenStream in) {
			return new LowerCaseFilter(in);
		}
	}

	static final String[] TEXT = {"question", "answer", "code"};
	static final float[] BOOST = {3f, 1f, 0.5f};
	static final String[] FACETS = {"level", "topic", "tag", "source"};
	static final int[] FACET_SIZE = {10, 30, 30, 30};

	static long cpuNanos() {
		return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
				.getProcessCpuTime();
	}

	static void resetPeakRSS() {
		try {
			Files.writeString(Path.of("/proc/self/clear_refs"), "5");
		} catch (IOException e) {
			// not Linux, or not allowed: the peak is the process's
		}
	}

	static long peakRSS() throws IOException {
		for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
			if (line.startsWith("VmHWM:")) {
				return Long.parseLong(line.substring(6).trim().split("\\s+")[0]) << 10;
			}
		}
		return 0;
	}

	static <T> List<T> readLines(Path path, Class<T> type) throws IOException {
		Gson gson = new Gson();
		List<T> rv = new ArrayList<>();
		try (BufferedReader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
			for (String line; (line = r.readLine()) != null;) {
				rv.add(gson.fromJson(line, type));
			}
		}
		return rv;
	}

	static long dirSize(Path dir) throws IOException {
		try (Stream<Path> s = Files.walk(dir)) {
			return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
		}
	}

	// build indexes the records of records.jsonl as it reads them (one
	// line, one document), so the heap holds the writer's buffer, not the
	// collection: iq's build streams its records too (issue 15's 1M tier).
	// Returns the number of records.
	static int build(Path indexDir, Path records, Analyzer analyzer, FacetsConfig fcfg) throws IOException {
		IndexWriterConfig cfg = new IndexWriterConfig(analyzer)
				.setOpenMode(IndexWriterConfig.OpenMode.CREATE)
				.setRAMBufferSizeMB(256);
		Gson gson = new Gson();
		int n = 0;
		try (Directory dir = FSDirectory.open(indexDir); IndexWriter w = new IndexWriter(dir, cfg);
				BufferedReader in = Files.newBufferedReader(records, StandardCharsets.UTF_8)) {
			for (String line; (line = in.readLine()) != null;) {
				Rec r = gson.fromJson(line, Rec.class);
				n++;
				Document d = new Document();
				d.add(new StringField("id", r.id, Field.Store.YES));
				d.add(new TextField("question", r.question, Field.Store.YES));
				d.add(new TextField("answer", r.answer, Field.Store.YES));
				d.add(new TextField("code", r.code, Field.Store.NO));
				d.add(new StoredField("level", r.level));
				d.add(new StoredField("sources", r.sources));
				d.add(new StoredField("record", r.record));
				if (!r.level.isEmpty()) {
					d.add(new SortedSetDocValuesFacetField("level", r.level));
				}
				addAll(d, "topic", r.topics);
				addAll(d, "tag", r.tags);
				addAll(d, "source", r.files);
				w.addDocument(fcfg.build(d));
			}
			w.forceMerge(1);
			w.commit();
		}
		return n;
	}

	static void addAll(Document d, String dim, String[] values) {
		if (values == null) {
			return;
		}
		for (String v : new HashSet<>(Arrays.asList(values))) {
			d.add(new SortedSetDocValuesFacetField(dim, v));
		}
	}

	/** query builds q as the FTS5 peer's MatchExpr does. */
	static Query query(QueryBuilder qb, Q q) {
		if (q.phrase) {
			return fields(qb, String.join(" ", q.words));
		}
		BooleanQuery.Builder b = new BooleanQuery.Builder();
		for (int i = 0; i < q.words.length; i++) {
			if (q.required[i]) {
				Query w = fields(qb, q.words[i]);
				if (w != null) {
					b.add(w, BooleanClause.Occur.MUST);
				}
			}
		}
		return b.build();
	}

	/** fields matches text as a phrase in any text field, with its boost. */
	static Query fields(QueryBuilder qb, String text) {
		BooleanQuery.Builder b = new BooleanQuery.Builder();
		int n = 0;
		for (int f = 0; f < TEXT.length; f++) {
			Query p = qb.createPhraseQuery(TEXT[f], text);
			if (p != null) {
				b.add(BOOST[f] == 1f ? p : new BoostQuery(p, BOOST[f]), BooleanClause.Occur.SHOULD);
				n++;
			}
		}
		return n == 0 ? null : b.build();
	}

	static final class Searcher {
		final DirectoryReader reader;
		final IndexSearcher searcher;
		final UnifiedHighlighter highlighter;
		SortedSetDocValuesReaderState state; // built by the first search, as a first pass pays it
		static final Set<String> DISPLAY = Set.of("id", "level", "sources");

		Searcher(Directory dir, Analyzer analyzer) throws IOException {
			reader = DirectoryReader.open(dir);
			searcher = new IndexSearcher(reader);
			highlighter = new UnifiedHighlighter(searcher, analyzer);
		}

		/** search runs q and returns its total. */
		long search(Query q) throws IOException {
			FacetsCollector fc = new FacetsCollector();
			TopDocs top = FacetsCollector.search(searcher, q, 10, fc);
			long total = 0;
			for (FacetsCollector.MatchingDocs md : fc.getMatchingDocs()) {
				total += md.totalHits;
			}
			for (ScoreDoc sd : top.scoreDocs) {
				searcher.doc(sd.doc, DISPLAY);
			}
			Map<String, String[]> hl = highlighter.highlightFields(new String[] {"question", "answer"}, q, top,
					new int[] {1, 1});
			if (hl.get("question").length != top.scoreDocs.length) {
				throw new IllegalStateException("highlights do not match hits");
			}
			if (state == null) {
				state = new DefaultSortedSetDocValuesReaderState(reader);
			}
			if (total > 0) {
				Facets facets = new SortedSetDocValuesFacetCounts(state, fc);
				for (int i = 0; i < FACETS.length; i++) {
					facets.getTopChildren(FACET_SIZE[i], FACETS[i]);
				}
			}
			return total;
		}
	}

	static final java.lang.management.ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

	/** run runs queries from to to, adding each one's wall and CPU time (its thread's) to lat and cpu. */
	static long run(Searcher s, Query[] qs, int from, int to, List<Long> lat, List<Long> cpu) throws IOException {
		long hits = 0;
		for (int i = from; i < to; i++) {
			long c = THREADS.getCurrentThreadCpuTime(), t = System.nanoTime();
			hits += s.search(qs[i]);
			lat.add(System.nanoTime() - t);
			cpu.add(THREADS.getCurrentThreadCpuTime() - c);
		}
		return hits;
	}

	static String p99(List<Long> cpu, String name) {
		Long[] a = cpu.toArray(new Long[0]);
		Arrays.sort(a);
		return String.format(" %.2f %s", a[a.length * 99 / 100] / 1e6, name);
	}

	static String pct(List<Long> lat, String prefix) {
		Long[] a = lat.toArray(new Long[0]);
		Arrays.sort(a);
		return String.format(" %.2f %sp50-ms %.2f %sp99-ms", a[a.length / 2] / 1e6, prefix, a[a.length * 99 / 100] / 1e6,
				prefix);
	}

	public static void main(String[] args) throws Exception {
		if (args.length != 2) {
			System.err.println("usage: LuceneBench DIR N (DIR holds records.jsonl and queries.jsonl)");
			System.exit(2);
		}
		Path dir = Path.of(args[0]);
		int n = Integer.parseInt(args[1]);
		int procs = Runtime.getRuntime().availableProcessors();
		System.out.printf("lucene: %s, java %s%n", Version.LATEST, System.getProperty("java.version"));

		List<Q> qs = readLines(dir.resolve("queries.jsonl"), Q.class);
		Analyzer analyzer = new IqAnalyzer();
		FacetsConfig fcfg = new FacetsConfig();
		for (String dim : new String[] {"topic", "tag", "source"}) {
			fcfg.setMultiValued(dim, true);
		}
		Path indexDir = dir.resolve("index");

		System.gc();
		resetPeakRSS();
		long cpu0 = cpuNanos(), t0 = System.nanoTime();
		int built = build(indexDir, dir.resolve("records.jsonl"), analyzer, fcfg);
		long wall = System.nanoTime() - t0, cpu = cpuNanos() - cpu0;
		if (built != n) {
			throw new IllegalStateException(built + " records in " + dir + "; want " + n);
		}
		long peak = peakRSS();
		System.out.printf("BenchmarkBuild/records=%d-%d 1 %d ns/op %.2f cpu-s/op %.0f records/s %.1f index-MB %.0f peak-RSS-MB%n",
				n, procs, wall, cpu / 1e9, n / (wall / 1e9), dirSize(indexDir) / 1048576.0, peak / 1048576.0);
		System.gc();

		QueryBuilder qb = new QueryBuilder(analyzer);
		Query[] queries = qs.stream().map(q -> query(qb, q)).toArray(Query[]::new);
		int half = queries.length / 2;
		try (Directory d = FSDirectory.open(indexDir)) {
			Searcher s = new Searcher(d, analyzer);
			List<Long> first = new ArrayList<>(), unseen = new ArrayList<>(), lat = new ArrayList<>();
			List<Long> firstQC = new ArrayList<>(), unseenQC = new ArrayList<>(), warmQC = new ArrayList<>();
			run(s, queries, 0, half, first, firstQC);
			cpu0 = cpuNanos();
			long want = run(s, queries, half, queries.length, unseen, unseenQC);
			long unseenCPU = cpuNanos() - cpu0;
			if (want == 0) {
				throw new IllegalStateException("the query mix matched nothing");
			}
			final int rounds = 3;
			cpu0 = cpuNanos();
			t0 = System.nanoTime();
			for (int r = 0; r < rounds; r++) {
				long hits = run(s, queries, half, queries.length, lat, warmQC);
				if (hits != want) {
					throw new IllegalStateException("the query mix matched " + want + " hits, then " + hits);
				}
			}
			wall = System.nanoTime() - t0;
			cpu = cpuNanos() - cpu0;
			int timed = queries.length - half;
			System.out.printf("BenchmarkSearch/records=%d-%d %d %d ns/op %.3f cpu-ms/query%s %.1f hits/query%s%s %.3f unseen-cpu-ms/query%s%s%s%n",
					n, procs, rounds, wall / rounds, cpu / 1e6 / lat.size(), pct(lat, ""), (double) want / timed,
					pct(first, "first-"), pct(unseen, "unseen-"), unseenCPU / 1e6 / timed,
					p99(firstQC, "first-cpu-p99-ms"), p99(unseenQC, "unseen-cpu-p99-ms"), p99(warmQC, "cpu-p99-ms"));
			s.reader.close();
		}
	}
}
