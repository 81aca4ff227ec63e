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
		"(space-separated; - = null; ^ = same as the row above, as are cells missing at a row's end; a time alone is on the date last written above it (UTC))\n" +
		"@timestamp:date message:text tags:keyword n:long\n" +
		"2025-01-01T10:00:00Z \"Failed password for root\" a 3\n" +
		"10:00:01.25 \"two\\tparts\" [x,\"y, z\"] -\n" +
		"10:00:02 \"\" -\n" +
		"10:00:03 \" padded\" [\"[x]\"] -1.5\n"
	if got != want {
		t.Errorf("table:\n%s\nwant:\n%s", got, want)
	}
	// A burst: what repeats the row above is left out at a row's end, and
	// ^ before it when longer than a short word; a new day is written in
	// full; a literal ^ is quoted.
	got = table(`{"columns":[{"name":"t","type":"date"},{"name":"host","type":"keyword"},{"name":"ip","type":"ip"},{"name":"ok","type":"keyword"},{"name":"m","type":"keyword"}],"values":[
		["2025-01-01T23:59:58Z","ws-0142","10.20.6.142","yes","^"],
		["2025-01-01T23:59:59Z","ws-0142","10.20.6.142","yes","^"],
		["2025-01-02T00:00:00Z","ws-0142","10.20.6.142","no","x"],
		["2025-01-02T00:00:00Z","dc-02","10.40.0.12","no",null],
		["2025-01-02T00:00:01Z","dc-02","10.40.0.12","no","ssh2 x"],
		["2025-01-02T00:00:01Z","dc-02","10.40.0.12","no","ssh2 x"]]}`)
	want = "6 rows\n" +
		"(space-separated; - = null; ^ = same as the row above, as are cells missing at a row's end; a time alone is on the date last written above it (UTC))\n" +
		"t:date host:keyword ip:ip ok:keyword m:keyword\n" +
		"2025-01-01T23:59:58Z ws-0142 10.20.6.142 yes \"^\"\n" +
		"23:59:59\n" +
		"2025-01-02T00:00:00Z ^ ^ no x\n" +
		"00:00:00 dc-02 10.40.0.12 no -\n" +
		"00:00:01 ^ ^ no \"ssh2 x\"\n" +
		"^\n"
	if got != want {
		t.Errorf("burst:\n%s\nwant:\n%s", got, want)
	}
	// One row: nothing is "every row", every column is in the table.
	if got := table(`{"columns":[{"name":"n","type":"long"},{"name":"h","type":"keyword"}],"values":[[42,"[a"]]}`); got != "1 row\n(space-separated)\nn:long h:keyword\n42 \"[a\"\n" {
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
