package jsoncut

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
)

// casesAnswer builds a Kibana-like find-cases answer of about 4 MiB: the
// largest answer the client accepts.
var casesAnswer = sync.OnceValue(func() []byte {
	const n = 20000
	var b bytes.Buffer
	fmt.Fprintf(&b, `{"total":%d,"cases":[`, n)
	desc := strings.Repeat("lorem ipsum ", 2)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":"case-%06d","title":"Something broke \"badly\" in svc %d","status":"open",`+
			`"tags":["a","b","c"],"owner":"securitySolution","description":"%s","totals":{"alerts":%d,"comments":3}}`,
			i, i, desc, i)
	}
	b.WriteString(`],"count":1}`)
	return b.Bytes()
})

func BenchmarkCut4MiBTo64KiB(b *testing.B) {
	doc := casesAnswer()
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		r, err := Cut(doc, 64<<10)
		if err != nil || r.Path != "cases" {
			b.Fatal(r.Path, err)
		}
	}
}

func BenchmarkCutFits(b *testing.B) {
	doc := casesAnswer()
	b.ReportAllocs()
	for b.Loop() {
		r, err := Cut(doc, len(doc))
		if err != nil || len(r.JSON) != len(doc) {
			b.Fatal(err)
		}
	}
}

// BenchmarkCutPrefix4MiB is the fallback's worst case: no array to trim, so
// the whole answer is validated and then walked up to the budget.
func BenchmarkCutPrefix4MiB(b *testing.B) {
	doc := []byte(`{"message":"` + strings.Repeat("x", 4<<20) + `"}`)
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		r, err := Cut(doc, 64<<10)
		if err != nil || !r.Prefix {
			b.Fatal(err)
		}
	}
}

// BenchmarkReferenceJSONValid is not jsoncut: it is what json.Valid alone
// costs on the same answer, the reason Cut validates in its own scan.
func BenchmarkReferenceJSONValid(b *testing.B) {
	doc := casesAnswer()
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		if !json.Valid(doc) {
			b.Fatal("invalid")
		}
	}
}
