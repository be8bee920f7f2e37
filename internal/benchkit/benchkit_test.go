package benchkit

import (
	"slices"
	"testing"
)

func TestSizes(t *testing.T) {
	for _, tc := range []struct {
		env  string
		want []int
		err  bool
	}{
		{"", []int{10000, 100000}, false},
		{"500, 2000", []int{500, 2000}, false},
		{"10k", nil, true},
		{"0", nil, true},
	} {
		t.Setenv("IQ_BENCH_SIZES", tc.env)
		got, err := Sizes()
		if (err != nil) != tc.err || !slices.Equal(got, tc.want) {
			t.Errorf("Sizes() with IQ_BENCH_SIZES=%q = %v, %v; want %v, error %v", tc.env, got, err, tc.want, tc.err)
		}
	}
	t.Setenv("IQ_BENCH_X", "7")
	if got := Int("IQ_BENCH_X"); got != 7 {
		t.Errorf("Int(IQ_BENCH_X=7) = %d", got)
	}
}
