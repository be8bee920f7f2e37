package index

import (
	"bytes"
	"compress/flate"
	"encoding/json"
	"io"
	"testing"

	"github.com/golang/snappy"
	"github.com/iq-search/iq/index/synth"
	"github.com/iq-search/iq/internal/cputime"
)

func BenchmarkZZCompress(b *testing.B) {
	var raws [][]byte
	tot := 0
	for r, _ := range synth.Stream(10000, 1) {
		x, _ := json.Marshal(r)
		raws = append(raws, x)
		tot += len(x)
	}
	b.Run("snappy", func(b *testing.B) {
		c0 := cputime.Used()
		n := 0
		for b.Loop() {
			n = 0
			for _, x := range raws {
				n += len(snappy.Encode(nil, x))
			}
		}
		b.ReportMetric(float64(tot)/float64(n), "ratio")
		b.ReportMetric((cputime.Used()-c0).Seconds()/float64(b.N), "cpu-s/10k")
	})
	for _, lvl := range []int{flate.HuffmanOnly, flate.BestSpeed, 2} {
		b.Run("flate"+string(rune('0'+lvl+2)), func(b *testing.B) {
			var buf bytes.Buffer
			w, _ := flate.NewWriter(&buf, lvl)
			c0 := cputime.Used()
			n := 0
			var comp [][]byte
			for b.Loop() {
				n = 0
				comp = comp[:0]
				for _, x := range raws {
					buf.Reset()
					w.Reset(&buf)
					w.Write(x)
					w.Close()
					n += buf.Len()
					comp = append(comp, bytes.Clone(buf.Bytes()))
				}
			}
			b.ReportMetric(float64(tot)/float64(n), "ratio")
			b.ReportMetric((cputime.Used()-c0).Seconds()/float64(b.N), "cpu-s/10k")
			c1 := cputime.Used()
			r := flate.NewReader(bytes.NewReader(nil))
			var out bytes.Buffer
			for _, c := range comp {
				r.(flate.Resetter).Reset(bytes.NewReader(c), nil)
				out.Reset()
				io.Copy(&out, r)
			}
			b.ReportMetric((cputime.Used()-c1).Seconds()*1e6/float64(len(comp)), "decomp-us/rec")
		})
	}
}
