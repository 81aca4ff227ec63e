package tools

import (
	"encoding/json"
	"testing"
)

// TestTextTable: what is said once (constant and all-null columns), how
// cells are written (null empty, bare unless bare would mislead, lists in
// brackets, ISO dates without a zero fraction), and the edge shapes.
func TestTextTable(t *testing.T) {
	table := func(js string) string {
		t.Helper()
		var tab esqlTable
		if err := json.Unmarshal([]byte(js), &tab); err != nil {
			t.Fatal(err)
		}
		return newTextTable(&tab).String()
	}
	cols := `"columns":[{"name":"@timestamp","type":"date"},{"name":"host.name","type":"keyword"},{"name":"dns","type":"keyword"},{"name":"message","type":"text"},{"name":"tags","type":"keyword"},{"name":"n","type":"long"}]`
	got := table(`{` + cols + `,"values":[
		["2025-01-01T10:00:00.000Z","vpn-gw-01",null,"Failed password for root","a",3],
		["2025-01-01T10:00:01.250Z","vpn-gw-01",null,"two\tparts",["x","y, z"],null],
		[1735725602000,"vpn-gw-01",null,"",null,null],
		["2025-01-01T10:00:03Z","vpn-gw-01",null," padded",["[x]"],-1.5]]}`)
	want := "4 rows\n" +
		"every row: host.name=vpn-gw-01\n" +
		"null in every row: dns\n" +
		"@timestamp:date\tmessage:text\ttags:keyword\tn:long\n" +
		"2025-01-01T10:00:00Z\tFailed password for root\ta\t3\n" +
		"2025-01-01T10:00:01.250Z\t\"two\\tparts\"\t[x, \"y, z\"]\n" +
		"2025-01-01T10:00:02Z\t\"\"\n" +
		"2025-01-01T10:00:03Z\t\" padded\"\t[\"[x]\"]\t-1.5\n"
	if got != want {
		t.Errorf("table:\n%s\nwant:\n%s", got, want)
	}
	// One row: nothing is "every row", every column is in the table.
	if got := table(`{"columns":[{"name":"n","type":"long"},{"name":"h","type":"keyword"}],"values":[[42,"[a"]]}`); got != "1 row\nn:long\th:keyword\n42\t\"[a\"\n" {
		t.Errorf("one row: %q", got)
	}
	// No rows: the header alone.
	if got := table(`{"columns":[{"name":"n","type":"long"}],"values":[]}`); got != "0 rows\nn:long\n" {
		t.Errorf("no rows: %q", got)
	}
	// Every column constant: no header, the values said once.
	if got := table(`{"columns":[{"name":"n","type":"long"},{"name":"m","type":"text"}],"values":[[1,"a, b"],[1,"a, b"]]}`); got != "2 rows\nevery row: n=1, m=\"a, b\"\n" {
		t.Errorf("constant: %q", got)
	}
}
