package tools

import (
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The ES|QL text handling reads comments, strings and quoted identifiers
// as ES|QL does, and keeps the query's comments and line breaks.

func TestESQLCommands(t *testing.T) {
	cases := []struct {
		name, q string
		want    []string
	}{
		{"plain", "FROM a | WHERE x | LIMIT 1", []string{"FROM a ", " WHERE x ", " LIMIT 1"}},
		{"pipe in string", `FROM a | WHERE m == "a|b" | KEEP m`, []string{"FROM a ", ` WHERE m == "a|b" `, " KEEP m"}},
		{"pipe in escaped string", `FROM a | WHERE m == "\"|\\" | KEEP m`, []string{"FROM a ", ` WHERE m == "\"|\\" `, " KEEP m"}},
		{"pipe in triple quotes", `FROM a | WHERE m == """say "x|y""" | KEEP m`, []string{"FROM a ", ` WHERE m == """say "x|y""" `, " KEEP m"}},
		{"pipe in identifier", "FROM a | EVAL `a|b` = 1 | KEEP `a|b`", []string{"FROM a ", " EVAL `a|b` = 1 ", " KEEP `a|b`"}},
		{"doubled backquote", "FROM a | EVAL `a``|b` = 1", []string{"FROM a ", " EVAL `a``|b` = 1"}},
		{"pipe in line comment", "FROM a // x | y\n| KEEP b", []string{"FROM a // x | y\n", " KEEP b"}},
		{"pipe in block comment", "FROM a /* x | y */ | KEEP b", []string{"FROM a /* x | y */ ", " KEEP b"}},
		{"nested block comment", "FROM a /* x /* | */ | */ | KEEP b", []string{"FROM a /* x /* | */ | */ ", " KEEP b"}},
		{"slashes in string", `FROM a | WHERE u == "http://x" | KEEP u`, []string{"FROM a ", ` WHERE u == "http://x" `, " KEEP u"}},
		{"fork branches", "FROM a | FORK (WHERE x | LIMIT 1) (WHERE y) | KEEP b", []string{"FROM a ", " FORK (WHERE x | LIMIT 1) (WHERE y) ", " KEEP b"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := esqlCommands(tc.q); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("esqlCommands(%q)\n got %q\nwant %q", tc.q, got, tc.want)
			}
		})
	}
}

func TestESQLHasLimit(t *testing.T) {
	cases := []struct {
		name, q string
		want    bool
	}{
		{"none", "FROM a | KEEP b", false},
		{"last", "FROM a | KEEP b | LIMIT 5", true},
		{"lower case", "FROM a\n| limit 5", true},
		{"in a line comment", "FROM a // | LIMIT 5\n| KEEP b", false},
		{"in a trailing line comment", "FROM a | KEEP b // | LIMIT 5", false},
		{"in a block comment", "FROM a /* | LIMIT 5 */ | KEEP b", false},
		{"commented-out command", "FROM a\n// | LIMIT 5\n| KEEP b", false},
		{"in a string", `FROM a | WHERE m == "x | LIMIT 5"`, false},
		{"in triple quotes", `FROM a | WHERE m == """x | LIMIT 5"""`, false},
		{"in an identifier", "FROM a | KEEP `x | LIMIT 5`", false},
		{"after a block comment", "FROM a | /* cap */ LIMIT 5", true},
		{"after a line comment", "FROM a | // cap\nLIMIT 5", true},
		{"only in a fork branch", "FROM a | FORK (WHERE x | LIMIT 5) (WHERE y)", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := hasLimit(tc.q); got != tc.want {
				t.Errorf("hasLimit(%q) = %v, want %v", tc.q, got, tc.want)
			}
		})
	}
}

func TestESQLWithLimit(t *testing.T) {
	cases := []struct {
		name, q, want string
	}{
		{"plain", "FROM a | KEEP b", "FROM a | KEEP b\n| LIMIT 7"},
		{"trailing space", "FROM a | KEEP b \n\n", "FROM a | KEEP b\n| LIMIT 7"},
		{"ends in a line comment", "FROM a | KEEP b // newest first", "FROM a | KEEP b // newest first\n| LIMIT 7"},
		{"LIMIT in the trailing comment", "FROM a | KEEP b // | LIMIT 5", "FROM a | KEEP b // | LIMIT 5\n| LIMIT 7"},
		{"ends in a block comment", "FROM a /* x */", "FROM a /* x */\n| LIMIT 7"},
		{"dangling pipe", "FROM a | KEEP b |", "FROM a | KEEP b\n| LIMIT 7"},
		{"dangling pipe before a comment", "FROM a | KEEP b | // more later", "FROM a | KEEP b  // more later\n| LIMIT 7"},
		{"pipe in a trailing comment", "FROM a // x |", "FROM a // x |\n| LIMIT 7"},
		{"pipe at the end of a string", `FROM a | WHERE m == "|"`, `FROM a | WHERE m == "|"` + "\n| LIMIT 7"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := withLimit(tc.q, 7)
			if got != tc.want {
				t.Errorf("withLimit(%q)\n got %q\nwant %q", tc.q, got, tc.want)
			}
			if !hasLimit(got) {
				t.Errorf("withLimit(%q) = %q has no LIMIT for hasLimit", tc.q, got)
			}
		})
	}
}

func TestESQLWithTimeRange(t *testing.T) {
	start := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	end := time.Date(2026, 12, 7, 11, 0, 0, 0, time.UTC)
	const w = `| WHERE @timestamp >= TO_DATETIME("2026-12-07T10:00:00Z") AND @timestamp <= TO_DATETIME("2026-12-07T11:00:00Z")`
	cases := []struct {
		name, q, want string
	}{
		{"one line", "FROM logs-* | WHERE x | LIMIT 5", "FROM logs-* " + w + " | WHERE x | LIMIT 5"},
		{"source only", "FROM logs-*", "FROM logs-* " + w},
		{"TS", "TS metrics-* | STATS m = MAX(v)", "TS metrics-* " + w + " | STATS m = MAX(v)"},
		{"no space before the pipe", "FROM logs-*| KEEP a", "FROM logs-* " + w + " | KEEP a"},
		{"lines", "FROM logs-*\n| WHERE x\n| LIMIT 5", "FROM logs-*\n" + w + "\n| WHERE x\n| LIMIT 5"},
		{"CRLF lines", "FROM logs-*\r\n| WHERE x", "FROM logs-*\n" + w + "\r\n| WHERE x"},
		{"indented lines", "FROM logs-*\n    | WHERE x", "FROM logs-*\n" + w + "\n    | WHERE x"},
		{"trailing line comment on FROM",
			"FROM logs-system.auth-* // auth logs\n| WHERE event.outcome == \"failure\"\n| LIMIT 5",
			"FROM logs-system.auth-* // auth logs\n" + w + "\n| WHERE event.outcome == \"failure\"\n| LIMIT 5"},
		{"trailing line comment with a pipe",
			"FROM logs-* // a | b\n| WHERE x",
			"FROM logs-* // a | b\n" + w + "\n| WHERE x"},
		{"source only, ending in a comment", "FROM logs-* // all of it", "FROM logs-* // all of it\n" + w},
		{"source only, comment and newline", "FROM logs-* // all of it\n", "FROM logs-* // all of it\n" + w + "\n"},
		{"leading comment lines",
			"// Hunt: rare parents\n// MITRE T1059\nFROM logs-endpoint.events.process-*\n| WHERE process.name == \"cmd.exe\"",
			"// Hunt: rare parents\n// MITRE T1059\nFROM logs-endpoint.events.process-*\n" + w + "\n| WHERE process.name == \"cmd.exe\""},
		{"leading block comment",
			"/* Hunt: FROM nowhere | x */ FROM logs-* | WHERE x",
			"/* Hunt: FROM nowhere | x */ FROM logs-* " + w + " | WHERE x"},
		{"block comment after FROM", "FROM logs-* /* all */ | WHERE x", "FROM logs-* /* all */ " + w + " | WHERE x"},
		{"block comment across lines",
			"FROM logs-* /* all\nof them */\n| WHERE x",
			"FROM logs-* /* all\nof them */\n" + w + "\n| WHERE x"},
		{"METADATA", "FROM logs-* METADATA _id, _index | WHERE x", "FROM logs-* METADATA _id, _index " + w + " | WHERE x"},
		{"METADATA and comment",
			"FROM logs-* METADATA _id // ids for cases\n| WHERE x",
			"FROM logs-* METADATA _id // ids for cases\n" + w + "\n| WHERE x"},
		{"pipe inside a string",
			`FROM logs-* | WHERE message == "a | b // c" | KEEP message`,
			"FROM logs-* " + w + ` | WHERE message == "a | b // c" | KEEP message`},
		{"pipe inside triple quotes",
			`FROM logs-* | WHERE message == """x | "y" """`,
			"FROM logs-* " + w + ` | WHERE message == """x | "y" """`},
		{"pipe inside an identifier",
			"FROM logs-* | EVAL `a|b` = 1",
			"FROM logs-* " + w + " | EVAL `a|b` = 1"},
		{"query ending in a comment",
			"FROM logs-*\n| WHERE x\n// | LIMIT 5",
			"FROM logs-*\n" + w + "\n| WHERE x\n// | LIMIT 5"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := withTimeRange(tc.q, start, end)
			if err != nil {
				t.Fatalf("withTimeRange(%q): %v", tc.q, err)
			}
			if got != tc.want {
				t.Errorf("withTimeRange(%q)\n got %q\nwant %q", tc.q, got, tc.want)
			}
			// The analyst's commands are all still code, after the WHERE.
			cmds := esqlCommands(got)
			wantCmds := len(esqlCommands(tc.q)) + 1
			if len(cmds) != wantCmds {
				t.Errorf("%d commands after the time range, want %d: %q", len(cmds), wantCmds, cmds)
			} else if f := esqlWords(cmds[1]); len(f) < 2 || f[0] != "WHERE" || f[1] != "@timestamp" {
				t.Errorf("second command is %q, want the time range", cmds[1])
			}
		})
	}
}

func TestESQLWithTimeRangeOneSide(t *testing.T) {
	start := time.Date(2026, 12, 7, 10, 0, 0, 500_000_000, time.UTC)
	got, err := withTimeRange("FROM a // c\n| KEEP b", start, time.Time{})
	want := "FROM a // c\n| WHERE @timestamp >= TO_DATETIME(\"2026-12-07T10:00:00.5Z\")\n| KEEP b"
	if err != nil || got != want {
		t.Errorf("start only: %q, %v; want %q", got, err, want)
	}
	q := "ROW a = 1 // c"
	if got, err := withTimeRange(q, time.Time{}, time.Time{}); err != nil || got != q {
		t.Errorf("no range: %q, %v; want the query as it is", got, err)
	}
}

func TestESQLWithTimeRangeNotFrom(t *testing.T) {
	start := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	for _, q := range []string{
		"ROW a = 1",
		"SHOW INFO",
		"// FROM logs-*\nROW a = 1",
		"/* FROM logs-* */ ROW a = 1",
		"// only a comment",
		"",
		"`FROM` logs-*",
	} {
		if _, err := withTimeRange(q, start, time.Time{}); err == nil || !strings.Contains(err.Error(), "does not start with FROM") {
			t.Errorf("withTimeRange(%q) error = %v, want: does not start with FROM", q, err)
		}
	}
}

func TestESQLInlineParamsSkipsCommentsAndStrings(t *testing.T) {
	q := "FROM a // ?user here is a comment\n| WHERE user.name == ?user AND m == \"?user\" /* ?nope */ AND `?x` == 1"
	got, err := inlineParams(q, map[string]any{"user": "ad\"min"})
	want := "FROM a // ?user here is a comment\n| WHERE user.name == \"ad\\\"min\" AND m == \"?user\" /* ?nope */ AND `?x` == 1"
	if err != nil || got != want {
		t.Errorf("inlineParams:\n got %q, %v\nwant %q", got, err, want)
	}
	if _, err := inlineParams("FROM a | WHERE x == ?missing // ?user", map[string]any{"user": 1.0}); err == nil || !strings.Contains(err.Error(), "?missing") {
		t.Errorf("unknown placeholder: error %v", err)
	}
}

// TestQueryESQLCommentsWithTimeRange: on every path, comments in the query
// change nothing: a // comment on the FROM line keeps the query's own
// WHERE, a query may start with comment lines, and a LIMIT that is only
// in a comment is not one.
func TestQueryESQLCommentsWithTimeRange(t *testing.T) {
	forEachDataPath(t, func(t *testing.T, d *dataCaller) {
		count := func(query string) int {
			t.Helper()
			c, raw := d.table(map[string]any{"query": query, "start": "now-30d", "end": "now"})
			if len(c.Rows) != 1 {
				t.Fatalf("count of %q: %s", query, raw)
			}
			n, _ := strconv.Atoi(c.Rows[0][0])
			return n
		}
		all := count("FROM logs-system.auth-* | STATS n = COUNT(*)")
		plain := count("FROM logs-system.auth-*\n| WHERE host.name == \"vpn-gw-01\"\n| STATS n = COUNT(*)")
		if plain == 0 || plain >= all {
			t.Fatalf("the filter should keep some of the events: %d of %d", plain, all)
		}
		for _, q := range []string{
			"FROM logs-system.auth-* // auth logs | all of them\n| WHERE host.name == \"vpn-gw-01\" // the VPN\n| STATS n = COUNT(*)",
			"// Hunt: VPN logons\n// by host\nFROM logs-system.auth-*\n| WHERE host.name == \"vpn-gw-01\"\n| STATS n = COUNT(*)",
			"/* Hunt | VPN */ FROM logs-system.auth-* METADATA _id /* ids */ | WHERE host.name == \"vpn-gw-01\" | STATS n = COUNT(*) // LIMIT 1",
		} {
			if n := count(q); n != plain {
				t.Errorf("%q counts %d, want %d (the query's own WHERE)", q, n, plain)
			}
		}
		tab, _ := d.table(map[string]any{"query": "// newest\nFROM logs-system.auth-* // | LIMIT 1\n| KEEP @timestamp // | LIMIT 2", "limit": 3, "start": "now-30d"})
		if tab.Count != 3 || !strings.Contains(tab.Limit, "LIMIT 3 was added") {
			t.Errorf("LIMIT only in comments: row_count %d, limit %q", tab.Count, tab.Limit)
		}
	})
}
