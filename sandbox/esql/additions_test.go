package esql

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// checkRows runs q and compares the JSON of its values (and, when cols is
// set, its "name:type" columns).
func checkRows(t *testing.T, e *Engine, q, want, cols string) {
	t.Helper()
	r, err := e.Query(Request{Query: q})
	if err != nil {
		t.Errorf("%s\nerror %v", q, err)
		return
	}
	if got := mustJSON(r.Values); got != want {
		t.Errorf("%s\nvalues %s\nwant   %s", q, got, want)
	}
	if cols != "" {
		var cs []string
		for _, col := range r.Columns {
			cs = append(cs, col.Name+":"+col.Type)
		}
		if got := strings.Join(cs, ","); got != cols {
			t.Errorf("%s\ncolumns %s\nwant    %s", q, got, cols)
		}
	}
}

// checkErr runs q and wants a 400 of that type and reason.
func checkErr(t *testing.T, e *Engine, q, typ, reason string) {
	t.Helper()
	_, err := e.Query(Request{Query: q})
	var ee *Error
	if !errors.As(err, &ee) {
		t.Errorf("%s: want %s, got %v", q, reason, err)
		return
	}
	if ee.Status != 400 || ee.Type != typ || ee.Reason != reason {
		t.Errorf("%s\ngot  %d %s %q\nwant %s %q", q, ee.Status, ee.Type, ee.Reason, typ, reason)
	}
}

func TestQuotedPartsOfNames(t *testing.T) {
	e := &Engine{Source: memSource{"logs-asn-default": {{"source": map[string]any{"as": map[string]any{"number": 64500, "organization": map[string]any{"name": "Example"}}}}}}}
	checkRows(t, e, "FROM logs-asn-default | WHERE source.`as`.organization.name == \"Example\" | KEEP source.`as`.number, `source`.`as`.organization.name",
		`[[64500,"Example"]]`, "source.as.number:long,source.as.organization.name:keyword")
	checkRows(t, e, "FROM logs-asn-default | STATS n = VALUES(source.`as`.number)", `[[64500]]`, "")
}

// A long chain of OR evaluates each operand once: it used to evaluate the
// left side twice per level, exponential in the chain's length.
func TestLongOrChain(t *testing.T) {
	var b strings.Builder
	b.WriteString("ROW a = \"x\" | WHERE a == \"0\"")
	for i := range 40 {
		b.WriteString(" OR a LIKE \"*" + strings.Repeat("y", i+1) + "*\"")
	}
	start := time.Now()
	checkRows(t, testEngine(), b.String(), `[]`, "")
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("40 ORs took %v", d)
	}
}
