package query

import (
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"testing"
)

func TestParseRequest(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Request
	}{
		{"defaults", "q=closures", Request{Text: "closures", Limit: 10}},
		{"repeated and comma filters", "q=di&level=Beginner&level=advanced,beginner&topic=fastapi&tag=a&tag=b&source=x.md",
			Request{Text: "di", Filters: Filters{"level": {"beginner", "advanced"}, "topic": {"fastapi"}, "tag": {"a", "b"}, "source": {"x.md"}}, Limit: 10}},
		{"paging", "q=x&limit=100&offset=20&all=true", Request{Text: "x", Limit: 100, Offset: 20, All: true}},
		{"empty", "", Request{Limit: 10}},
		{"filters only", "level=intermediate", Request{Filters: Filters{"level": {"intermediate"}}, Limit: 10}},
		{"inline filter checked, text kept", "q=level:advanced+closures", Request{Text: "level:advanced closures", Limit: 10}},
		{"invalid utf-8 repaired", "q=%ff", Request{Text: "\uFFFD", Limit: 10}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := url.ParseQuery(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			got, err := ParseRequest(v)
			if err != nil {
				t.Fatalf("ParseRequest(%q) error: %v", tt.in, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseRequest(%q) = %+v; want %+v", tt.in, got, tt.want)
			}
		})
	}
}

// User-facing error text is part of the contract: asserted exactly.
func TestParseRequestErrors(t *testing.T) {
	tests := []struct {
		in, code, msg string
	}{
		{"q=x&level=expert", CodeBadLevel, `query: unknown level "expert", want one of beginner, intermediate, advanced`},
		{"q=level:expert+x", CodeBadLevel, `query: unknown level "expert", want one of beginner, intermediate, advanced`},
		{"q=x&limit=-1", CodeBadLimit, `query: limit -1 is out of range, want 1 to 100`},
		{"q=x&limit=0", CodeBadLimit, `query: limit 0 is out of range, want 1 to 100`},
		{"q=x&limit=101", CodeBadLimit, `query: limit 101 is out of range, want 1 to 100`},
		{"q=x&limit=ten", CodeBadLimit, `query: limit "ten" is not a number, want 1 to 100`},
		{"q=x&offset=-5", CodeBadOffset, `query: offset -5 is out of range, want 0 to 10000`},
		{"q=x&offset=10001", CodeBadOffset, `query: offset 10001 is out of range, want 0 to 10000`},
		{"q=x&offset=1e3", CodeBadOffset, `query: offset "1e3" is not a number, want 0 to 10000`},
		{"q=x&all=maybe", CodeBadParam, `query: all "maybe" is not a boolean, want true or false`},
		{"q=x&levle=beginner", CodeBadParam, `query: unknown parameter "levle", want one of q, level, topic, tag, lang, source, limit, offset, all, sort`},
		{"q=x&sort=date", CodeBadSort, `query: unknown sort "date", want one of relevance, level, source`},
		{"q=x&q=y", CodeBadParam, `query: parameter "q" given 2 times, want it once`},
		{"q=" + strings.Repeat("a", 10000), CodeQueryTooLong, `query: text is 10000 characters, want at most 1000`},
		{"q=x&topic=" + strings.Repeat("t", 201), CodeBadValue, `query: topic value is 201 characters, want at most 200`},
	}
	for _, tt := range tests {
		v, err := url.ParseQuery(tt.in)
		if err != nil {
			t.Fatal(err)
		}
		_, err = ParseRequest(v)
		var qe *Error
		if !errors.As(err, &qe) {
			t.Errorf("ParseRequest(%.40q) error = %v; want *Error %s", tt.in, err, tt.code)
			continue
		}
		if qe.Code != tt.code || qe.Message != tt.msg {
			t.Errorf("ParseRequest(%.40q) error = %s %q; want %s %q", tt.in, qe.Code, qe.Message, tt.code, tt.msg)
		}
	}
}

func TestRequestValuesRoundTrip(t *testing.T) {
	r := Request{Text: `"a b" -c level:beginner`, Filters: Filters{"level": {"advanced"}, "topic": {"go"}}, Limit: 20, Offset: 40, All: true, Sort: SortLevel}
	got, err := ParseRequest(r.Values())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, r) {
		t.Errorf("ParseRequest(%v) = %+v; want %+v", r.Values(), got, r)
	}
}

func FuzzParseRequest(f *testing.F) {
	for _, s := range []string{"q=dependency+injection&level=beginner", "q=%22a%20b%22+-c+topic:%22x", "limit=-1", "q=std::move&offset=9", "q=-%22&tag=,,"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		r, err := ParseRequest(v)
		if err != nil {
			var qe *Error
			if !errors.As(err, &qe) || !strings.HasPrefix(qe.Message, "query: ") {
				t.Fatalf("ParseRequest(%q) error %v is not a query *Error", raw, err)
			}
			return
		}
		if r.Limit < 1 || r.Limit > MaxLimit || r.Offset < 0 || r.Offset > MaxOffset {
			t.Fatalf("ParseRequest(%q) = %+v: paging out of range", raw, r)
		}
		if _, err := parseText(r.Text); err != nil {
			t.Fatalf("parseText(%q) after a valid request: %v", r.Text, err)
		}
	})
}

func ExampleParseRequest() {
	v, _ := url.ParseQuery("q=dependency+injection&level=beginner&topic=fastapi&limit=5")
	r, err := ParseRequest(v)
	fmt.Printf("%q %v %v %d %v\n", r.Text, r.Filters["level"], r.Filters["topic"], r.Limit, err)

	_, err = ParseRequest(url.Values{"q": {"closures"}, "level": {"expert"}})
	fmt.Println(err)
	_, err = ParseRequest(url.Values{"q": {"closures"}, "limit": {"-1"}})
	fmt.Println(err)
	// Output:
	// "dependency injection" [beginner] [fastapi] 5 <nil>
	// query: unknown level "expert", want one of beginner, intermediate, advanced
	// query: limit -1 is out of range, want 1 to 100
}

func ExampleParseRequest_cli() {
	// The CLI puts its flags into url.Values and parses them the same way.
	v := url.Values{}
	v.Set(ParamText, `"path parameters" -flask tag:routing`)
	v[ParamLevel] = []string{"beginner", "intermediate"}
	r, err := ParseRequest(v)
	fmt.Printf("%+v %v\n", r, err)
	// Output:
	// {Text:"path parameters" -flask tag:routing Filters:map[level:[beginner intermediate]] Limit:10 Offset:0 All:false Sort: Explain:false} <nil>
}
