package ingest

import (
	"context"
	"testing"
	"time"

	"github.com/iq-search/iq/internal/cputime"
	"github.com/iq-search/iq/internal/hostile"
)

// hostileBound is TestHostileInputsLinear's generous bound for 200 KB of
// one input: they ingest in 1 to 600 ms on a loaded 2-core machine. Before
// the bounds, 200 KB of "[a](" took minutes in goldmark and a 100 KB line
// of questions in a text file never finished (each of its 9,091 questions
// looked for sub-items in the whole line).
const hostileBound = 10 * time.Second

// Every parser's cost is linear in its input: each hostile input
// (internal/hostile: Markdown, HTML, text, JSON lines, CSV) of 200 KB goes
// through the whole of ingest well under a generous bound, which catches a
// quadratic blow-up, not a slow machine.
func TestHostileInputsLinear(t *testing.T) {
	const size = 200_000
	for _, in := range hostile.Inputs {
		t.Run(in.Name, func(t *testing.T) {
			src := in.Gen(size)
			start := time.Now()
			_, rep, err := Bytes(context.Background(), "hostile"+in.Ext, src, Options{})
			took := time.Since(start)
			if err != nil {
				t.Fatalf("Bytes: %v", err)
			}
			if rep == nil {
				t.Fatalf("Bytes returned no report")
			}
			t.Logf("%d KB in %s", len(src)>>10, took)
			if took > hostileBound {
				t.Errorf("ingest took %s; want under %s (linear in the input)", took, hostileBound)
			}
		})
	}
}

// BenchmarkHostile reports ingest throughput on the hostile inputs, 200 KB
// each, by the parser that reads them: MB/s per wall-clock second and
// cpu-MB/s per second of the process's CPU time. It fails if an input's
// record count changes between iterations.
//
//	go test ./ingest -run '^$' -bench Hostile -benchtime 3x
func BenchmarkHostile(b *testing.B) {
	const size = 200_000
	groups := map[string][]hostile.Input{}
	var order []string
	for _, in := range hostile.Inputs {
		g := in.Ext[1:]
		if g == "jsonl" || g == "csv" {
			g = "records"
		}
		if groups[g] == nil {
			order = append(order, g)
		}
		groups[g] = append(groups[g], in)
	}
	for _, g := range order {
		b.Run(g, func(b *testing.B) {
			var srcs [][]byte
			bytes := 0
			for _, in := range groups[g] {
				srcs = append(srcs, in.Gen(size))
				bytes += len(srcs[len(srcs)-1])
			}
			want := make([]int, len(srcs))
			first := true
			cpu0 := cputime.Used()
			for b.Loop() {
				for i, src := range srcs {
					recs, _, err := Bytes(context.Background(), "hostile."+groups[g][i].Ext[1:], src, Options{})
					if err != nil {
						b.Fatal(err)
					}
					if first {
						want[i] = len(recs)
					} else if len(recs) != want[i] {
						b.Fatalf("%s: %d records; want %d as in the first iteration", groups[g][i].Name, len(recs), want[i])
					}
				}
				first = false
			}
			total := float64(bytes) * float64(b.N) / 1e6
			b.ReportMetric(total/b.Elapsed().Seconds(), "MB/s")
			if cpu := (cputime.Used() - cpu0).Seconds(); cpu > 0 {
				b.ReportMetric(total/cpu, "cpu-MB/s")
			}
			b.ReportMetric(float64(len(srcs)), "inputs")
		})
	}
}
