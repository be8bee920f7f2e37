package study

import (
	"os"
	"testing"

	"github.com/iq-search/iq/internal/fuzzkit"
)

func TestMain(m *testing.M) {
	fuzzkit.Init()
	os.Exit(m.Run())
}
