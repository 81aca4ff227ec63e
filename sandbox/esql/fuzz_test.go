package esql

import (
	"testing"
	"time"
)

// FuzzQuery checks that no query makes the engine panic, and that every
// failure is a positioned 400.
func FuzzQuery(f *testing.F) {
	for _, q := range corpus {
		f.Add(q)
	}
	for _, q := range realCorpus {
		f.Add(q)
	}
	for _, q := range []string{
		`FROM logs-* | WHERE foo == 1`,
		`ROW a = [1, 2] | MV_EXPAND a | EVAL b = a / 0 | SORT b DESC NULLS LAST`,
		"FROM `logs-*` METADATA _id | EVAL x = \"\"\"tri\"ple\"\"\" | KEEP x*",
		`ROW a = ?, b = ?name, c = ?1 | EVAL d = a::long`,
		`FROM logs-* | STATS c = COUNT(*) BY BUCKET(@timestamp, 1 hour), host.name | RENAME c AS n, host.name AS h`,
		`ROW s = "x" | DISSECT s "%{a}-%{+a}->%{?b}" APPEND_SEPARATOR=":"`,
		`/* c */ ROW a = 1.5e3 // end`,
		`FROM logs-* METADATA _source | STATS v = VALUES(_source), c = COUNT_DISTINCT(_source) BY _source | SORT _source | EVAL j = JSON_EXTRACT(_source, "a[0]")`,
		`FROM logs-* | GROK message "(?<a.b>%{WORD:c:int}) %{DATA:a.b}" | INLINE STATS n = COUNT(*) BY c | WHERE KQL("c > 1") AND a.b : "x"`,
		`ROW a = ["x", null] | EVAL b = MATCH(a, "x", {"fuzziness": 2, "operator": "and"}), c = MV_CONTAINS(a, a)`,
		`ROW s = "a[1]" | WHERE s RLIKE "(a|"[")++[^]]{1,}\d*+" | EVAL r = REPLACE(s, "(?>a)\u0041\h++", "x"), z = MV_ZIP(["a"], s), i = IP_PREFIX(TO_IP("::1"), 1, 200)`,
		`FROM logs-* | SAMPLE 0.9 | LOOKUP JOIN logs-system.auth-default ON user.name | ENRICH p ON user.name WITH x = y | SHOW INFO`,
	} {
		f.Add(q)
	}
	e := &Engine{Source: testSource(), Clock: func() time.Time { return testNow }, noRecover: true}
	params := []Param{{Name: "name", Value: "x"}, {Value: int64(3)}}
	f.Fuzz(func(t *testing.T, q string) {
		r, err := e.Query(Request{Query: q, Params: params})
		if err != nil {
			ee, ok := err.(*Error)
			if !ok || ee.Status != 400 || ee.Reason == "" {
				t.Fatalf("%q: bad error %v", q, err)
			}
			return
		}
		for _, row := range r.Values {
			if len(row) != len(r.Columns) {
				t.Fatalf("%q: row of %d cells for %d columns", q, len(row), len(r.Columns))
			}
		}
	})
}
