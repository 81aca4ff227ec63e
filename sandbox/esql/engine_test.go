package esql

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

func testEngine() *Engine {
	return &Engine{Source: testSource(), Clock: func() time.Time { return testNow }}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestClauses runs each clause and function; want is the JSON of the values
// (and, when cols is set, of the "name:type" columns).
func TestClauses(t *testing.T) {
	cases := []struct {
		name, q, want, cols string
	}{
		{"from limit", `FROM logs-system.auth-* | KEEP user.name | LIMIT 2`, `[["admin"],["root"]]`, `user.name:keyword`},
		{"from several sources", `FROM logs-system.auth-*, logs-network_traffic.dns-* | STATS n = COUNT(*)`, `[[9]]`, `n:long`},
		{"from quoted source", `FROM "logs-system.auth-default" | STATS n = COUNT(*)`, `[[5]]`, ""},
		{"metadata", `FROM logs-system.auth-* METADATA _id, _index | KEEP _id, _index | LIMIT 1`, `[["default-a","logs-system.auth-default"]]`, `_id:keyword,_index:keyword`},
		{"column types", `FROM logs-system.auth-* | KEEP @timestamp, source.ip, source.port, host.ip | LIMIT 1`, `[["2026-12-07T10:00:00.000Z","203.0.113.45",40000,["10.0.0.1","198.51.100.7"]]]`, `@timestamp:date,source.ip:ip,source.port:long,host.ip:ip`},
		{"double", `FROM logs-network_traffic.dns-* | KEEP event.duration | LIMIT 2`, `[[0.5],[1.25]]`, `event.duration:double`},
		{"where ==", `FROM logs-system.auth-* | WHERE user.name == "svc-backup" AND event.outcome == "success" | KEEP user.name`, `[["svc-backup"]]`, ""},
		{"where !=, OR, NOT", `FROM logs-system.auth-* | WHERE NOT (user.name != "root" OR event.outcome != "failure") | KEEP user.name`, `[["root"]]`, ""},
		{"where in", `FROM logs-system.auth-* | WHERE user.name IN ("admin", "root") | KEEP user.name`, `[["admin"],["root"]]`, ""},
		{"where not in", `FROM logs-system.auth-* | WHERE user.name NOT IN ("admin", "root") | STATS n = COUNT(*)`, `[[3]]`, ""},
		{"like", `FROM logs-endpoint.events.process-* | WHERE process.command_line LIKE "*-enc *" | KEEP process.name`, `[["powershell.exe"]]`, ""},
		{"like ?", `FROM logs-endpoint.events.process-* | WHERE process.name LIKE "who?mi.exe" | KEEP process.pid`, `[[4300]]`, ""},
		{"not like", `FROM logs-endpoint.events.process-* | WHERE process.name NOT LIKE "*.exe" | STATS n = COUNT(*)`, `[[0]]`, ""},
		{"rlike", `FROM logs-network_traffic.dns-* | WHERE dns.question.name RLIKE "[a-z0-9]{30,}\\.tunnel\\.example\\.net" | STATS n = COUNT(*)`, `[[3]]`, ""},
		{"is null", `FROM logs-* | WHERE process.name IS NULL | STATS n = COUNT(*)`, `[[9]]`, ""},
		{"is not null", `FROM logs-* | WHERE process.name IS NOT NULL | STATS n = COUNT(*)`, `[[4]]`, ""},
		{"cidr_match", `FROM logs-* | WHERE CIDR_MATCH(source.ip, "10.0.0.0/8", "192.168.0.0/16") | STATS n = COUNT(*)`, `[[4]]`, ""},
		{"cidr_match multi", `FROM logs-system.auth-* | WHERE CIDR_MATCH(host.ip, "198.51.100.0/24") | STATS n = COUNT(*)`, `[[5]]`, ""},
		{"ip compare", `FROM logs-system.auth-* | WHERE source.ip == "203.0.113.45" | STATS n = COUNT(*)`, `[[5]]`, ""},
		{"eval arithmetic", `ROW a = 7, b = 2 | EVAL c = a + b, d = a - b, e = a * b, f = a / b, g = a % b, h = a / 2.0, i = -a`, `[[7,2,9,5,14,3,1,3.5,-7]]`, `a:integer,b:integer,c:integer,d:integer,e:integer,f:integer,g:integer,h:double,i:integer`},
		{"eval shadows", `ROW a = 1, b = 2 | EVAL a = "x"`, `[[2,"x"]]`, `b:integer,a:keyword`},
		{"division by zero", `ROW a = 1 | EVAL b = a / 0`, `[[1,null]]`, ""},
		{"concat", `FROM logs-system.auth-* | EVAL who = CONCAT(user.name, "@", host.name) | KEEP who | LIMIT 1`, `[["admin@vpn-gw-01"]]`, ""},
		{"string functions", `ROW s = "  Hello World  " | EVAL l = TO_LOWER(s), u = TO_UPPER(s), t = TRIM(s), n = LENGTH(TRIM(s)), sub = SUBSTRING(TRIM(s), 1, 5), sw = STARTS_WITH(TRIM(s), "Hell"), ew = ENDS_WITH(s, "x") | DROP s`,
			`[["  hello world  ","  HELLO WORLD  ","Hello World",11,"Hello",true,false]]`, ""},
		{"case coalesce", `FROM logs-system.auth-* | EVAL r = CASE(event.outcome == "success", "ok", user.name == "root", "root!", "bad"), c = COALESCE(null, user.name) | KEEP r, c`,
			`[["bad","admin"],["root!","root"],["bad","svc-backup"],["bad","svc-backup"],["ok","svc-backup"]]`, ""},
		{"conversions", `ROW a = "42", b = 3.9, c = 7 | EVAL l = TO_LONG(a), i = TO_INTEGER(b), d = TO_DOUBLE(c), s = TO_STRING(c), dt = TO_DATETIME("2026-12-07T10:15:00Z"), bad = TO_LONG("x") | DROP a, b, c`,
			`[[42,3,7,"7","2026-12-07T10:15:00.000Z",null]]`, `l:long,i:integer,d:double,s:keyword,dt:date,bad:long`},
		{"cast operator", `ROW a = "12" | EVAL b = a::long + 1`, `[["12",13]]`, ""},
		{"now", `ROW n = NOW(), h = NOW() - 1 hour, d = NOW() + 2 days, m = NOW() - 15 minutes`, `[["2026-12-07T12:00:00.000Z","2026-12-07T11:00:00.000Z","2026-12-09T12:00:00.000Z","2026-12-07T11:45:00.000Z"]]`, `n:date,h:date,d:date,m:date`},
		{"relative time filter", `FROM logs-* | WHERE @timestamp > NOW() - 100 minutes | STATS n = COUNT(*)`, `[[7]]`, ""},
		{"date string compare", `FROM logs-* | WHERE @timestamp >= "2026-12-07T10:30:00Z" | STATS n = COUNT(*)`, `[[4]]`, ""},
		{"date_extract", `ROW d = TO_DATETIME("2026-12-07T10:15:30Z") | EVAL h = DATE_EXTRACT("hour_of_day", d), dow = DATE_EXTRACT("DAY_OF_WEEK", d) | DROP d`, `[[10,1]]`, ""},
		{"date_trunc", `FROM logs-system.auth-* | STATS n = COUNT(*) BY t = DATE_TRUNC(1 hour, @timestamp)`, `[[5,"2026-12-07T10:00:00.000Z"]]`, `n:long,t:date`},
		{"bucket unnamed", `FROM logs-* | STATS COUNT(*) BY BUCKET(@timestamp, 15 minutes) | SORT ` + "`BUCKET(@timestamp, 15 minutes)`", `[[5,"2026-12-07T10:00:00.000Z"],[4,"2026-12-07T10:15:00.000Z"],[4,"2026-12-07T10:30:00.000Z"]]`, `COUNT(*):long,BUCKET(@timestamp, 15 minutes):date`},
		{"date_diff", `ROW a = TO_DATETIME("2026-12-07T10:00:00Z"), b = TO_DATETIME("2026-12-07T12:30:00Z") | EVAL m = DATE_DIFF("minute", a, b) | KEEP m`, `[[150]]`, ""},
		{"stats aggregates", `FROM logs-network_traffic.dns-* | STATS c = COUNT(*), cb = COUNT(network.bytes), cd = COUNT_DISTINCT(source.ip), mn = MIN(network.bytes), mx = MAX(network.bytes), av = AVG(network.bytes), s = SUM(network.bytes), sd = SUM(event.duration)`,
			`[[4,4,1,80,310,248.25,993,4.75]]`, `c:long,cb:long,cd:long,mn:long,mx:long,av:double,s:long,sd:double`},
		{"values", `FROM logs-system.auth-* | STATS users = VALUES(user.name) BY event.outcome | SORT event.outcome`, `[[["admin","root","svc-backup"],"failure"],["svc-backup","success"]]`, ""},
		{"stats expression", `FROM logs-system.auth-* | STATS rate = SUM(CASE(event.outcome == "failure", 1, 0)) * 100 / COUNT(*)`, `[[80]]`, ""},
		{"stats where", `FROM logs-system.auth-* | STATS failed = COUNT(*) WHERE event.outcome == "failure", ok = COUNT(*) WHERE event.outcome == "success" BY host.name`, `[[4,1,"vpn-gw-01"]]`, ""},
		{"stats by only", `FROM logs-system.auth-* | STATS BY user.name | SORT user.name`, `[["admin"],["root"],["svc-backup"]]`, ""},
		{"stats empty input", `FROM logs-* | WHERE user.name == "nobody" | STATS n = COUNT(*), m = MAX(@timestamp)`, `[[0,null]]`, ""},
		{"stats min max dates", `FROM logs-system.auth-* | STATS first = MIN(@timestamp), last = MAX(@timestamp) BY user.name | WHERE user.name == "svc-backup"`, `[["2026-12-07T10:02:00.000Z","2026-12-07T10:05:00.000Z","svc-backup"]]`, ""},
		{"stats multi-valued by", `FROM logs-system.auth-* | STATS n = COUNT(*) BY host.ip | SORT host.ip`, `[[5,"10.0.0.1"],[5,"198.51.100.7"]]`, ""},
		{"sort multi keys", `FROM logs-system.auth-* | SORT user.name DESC, @timestamp ASC | KEEP user.name, source.port`, `[["svc-backup",40002],["svc-backup",40003],["svc-backup",40005],["root",40001],["admin",40000]]`, ""},
		{"sort nulls default", `ROW a = [1, 2] | MV_EXPAND a | EVAL b = CASE(a == 1, null, a) | SORT b | KEEP b`, `[[2],[null]]`, ""},
		{"sort nulls first", `ROW a = [1, 2] | MV_EXPAND a | EVAL b = CASE(a == 1, null, a) | SORT b ASC NULLS FIRST | KEEP b`, `[[null],[2]]`, ""},
		{"sort desc nulls", `ROW a = [1, 2] | MV_EXPAND a | EVAL b = CASE(a == 1, null, a) | SORT b DESC | KEEP b`, `[[null],[2]]`, ""},
		{"keep wildcard order", `FROM logs-endpoint.events.process-* | KEEP process.parent.*, process.name | LIMIT 1`, `[["userinit.exe",1000,"explorer.exe"]]`, `process.parent.name:keyword,process.parent.pid:long,process.name:keyword`},
		{"drop wildcard", `FROM logs-network_traffic.dns-* | DROP dns.*, event.*, host.*, network.*, source.*, destination.* | LIMIT 1`, `[["2026-12-07T10:30:00.000Z"]]`, `@timestamp:date`},
		{"rename", `FROM logs-system.auth-* | RENAME user.name AS who, host.name AS host | KEEP who, host | LIMIT 1`, `[["admin","vpn-gw-01"]]`, ""},
		{"mv_expand", `FROM logs-endpoint.events.process-* | WHERE process.name == "whoami.exe" | MV_EXPAND process.args | KEEP process.args`, `[["/all"],["whoami.exe"]]`, ""},
		{"mv functions", `FROM logs-endpoint.events.process-* | WHERE process.name == "winword.exe" | EVAL n = MV_COUNT(process.args), f = MV_FIRST(process.args), j = MV_CONCAT(process.args, " ") | KEEP n, f, j`, `[[3,"/n","/n WINWORD.EXE invoice.docm"]]`, ""},
		{"multi-value compare is null", `FROM logs-system.auth-* | WHERE host.ip == "10.0.0.1" | STATS n = COUNT(*)`, `[[0]]`, ""},
		{"dotted and nested", `FROM logs-* | STATS n = COUNT(*) BY host.name | SORT host.name`, `[[8,"WS-0142"],[5,"vpn-gw-01"]]`, ""},
		{"backquoted", "FROM logs-system.auth-* | EVAL `my field` = 1 | KEEP `my field`, `user`.name | LIMIT 1", `[[1,"admin"]]`, ""},
		{"comments and case", "from logs-system.auth-* // all auth\n| where /* only */ user.name == \"root\"\n| keep user.name", `[["root"]]`, ""},
		{"dissect", `ROW m = "user=bob ip=1.2.3.4" | DISSECT m "user=%{user} ip=%{ip}" | KEEP user, ip`, `[["bob","1.2.3.4"]]`, ""},
		{"top", `FROM logs-network_traffic.dns-* | STATS t = TOP(network.bytes, 2, "desc")`, `[[[310,305]]]`, ""},
		{"median percentile", `FROM logs-network_traffic.dns-* | STATS m = MEDIAN(network.bytes), p = PERCENTILE(network.bytes, 100)`, `[[301.5,310]]`, ""},
		{"greatest round", `ROW a = 1.256 | EVAL r = ROUND(a, 2), g = GREATEST(1, 5, 3), ab = ABS(-4)`, `[[1.256,1.26,5,4]]`, ""},
		{"split replace", `ROW s = "a,b,c" | EVAL p = SPLIT(s, ","), r = REPLACE(s, ",", ";")`, `[["a,b,c",["a","b","c"],"a;b;c"]]`, ""},
		{"top-level limit zero", `FROM logs-* | LIMIT 0`, `[]`, ""},
	}
	e := testEngine()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := e.Query(Request{Query: c.q})
			if err != nil {
				t.Fatalf("%s\n%v", c.q, err)
			}
			if got := mustJSON(r.Values); got != c.want {
				t.Errorf("%s\nvalues %s\nwant   %s", c.q, got, c.want)
			}
			if c.cols != "" {
				var cs []string
				for _, col := range r.Columns {
					cs = append(cs, col.Name+":"+col.Type)
				}
				if got := strings.Join(cs, ","); got != c.cols {
					t.Errorf("%s\ncolumns %s\nwant    %s", c.q, got, c.cols)
				}
			}
		})
	}
}

func TestErrors(t *testing.T) {
	cases := []struct{ q, typ, reason string }{
		{`FROM logs-* | WHERE foo == 1`, "verification_exception", "Found 1 problem\nline 1:21: Unknown column [foo]"},
		{"FROM logs-*\n| KEEP user.name\n| EVAL x = host.name", "verification_exception", "Found 1 problem\nline 3:12: Unknown column [host.name]"},
		{`FROM logs-nope*`, "verification_exception", "Found 1 problem\nline 1:1: Unknown index [logs-nope*]"},
		{`FROM nope`, "verification_exception", "Found 1 problem\nline 1:1: Unknown index [nope]"},
		{`FROM logs-* | WHERE user.name = "x"`, "parsing_exception", "line 1:31: mismatched input '=' expecting {<EOF>, '|', 'and', 'or', '==', '!=', '<', '<=', '>', '>=', ...} (use == to compare)"},
		{`FROM logs-* | FOO`, "parsing_exception", "line 1:15: mismatched input 'FOO' expecting {'dissect', 'drop', 'enrich', 'eval', 'grok', 'keep', 'limit', 'mv_expand', 'rename', 'sort', 'stats', 'where', 'lookup'}"},
		{`FROM logs-* | COMPLETION x`, "parsing_exception", "line 1:15: the sandbox does not support the [COMPLETION] command"},
		{`FROM logs-* | WHERE (a == 1`, "parsing_exception", "line 1:28: mismatched input '<EOF>' expecting ')'"},
		{`FROM logs-* | WHERE user.name == "x`, "parsing_exception", "line 1:34: unterminated string"},
		{`FROM logs-* | LIMIT x`, "parsing_exception", "line 1:21: mismatched input 'x' expecting INTEGER_LITERAL"},
		{`FROM logs-* | WHERE user.name == 1`, "verification_exception", "Found 1 problem\nline 1:21: first argument of [user.name == 1] is [keyword] so second argument must also be [keyword] but was [integer]"},
		{`FROM logs-* | EVAL x = NO_SUCH(1)`, "verification_exception", "Found 1 problem\nline 1:24: Unknown function [no_such]"},
		{`FROM logs-* | EVAL c = COUNT(*)`, "verification_exception", "Found 1 problem\nline 1:24: aggregate function [COUNT(*)] not allowed outside STATS command"},
		{`FROM logs-* | STATS x = user.name`, "verification_exception", "Found 1 problem\nline 1:25: column [user.name] must appear in the STATS BY clause or be used in an aggregate function"},
		{`FROM logs-* | KEEP nope.*`, "verification_exception", "Found 1 problem\nline 1:20: No matches found for pattern [nope.*]"},
		{`FROM logs-* | WHERE LENGTH(process.pid) > 1`, "verification_exception", "Found 1 problem\nline 1:21: first argument of [LENGTH(process.pid)] must be [keyword or text], found value [process.pid] type [long]"},
		{`FROM logs-* | WHERE ?x == 1`, "parsing_exception", "line 1:21: Unknown query parameter [x]"},
		{`FROM logs-* | EVAL x = 1 $`, "parsing_exception", "line 1:26: token recognition error at: '$'"},
		{`FROM logs-* | RENAME nope AS x`, "verification_exception", "Found 1 problem\nline 1:22: Unknown column [nope]"},
	}
	e := testEngine()
	for _, c := range cases {
		_, err := e.Query(Request{Query: c.q})
		var ee *Error
		if !errors.As(err, &ee) {
			t.Errorf("%s: want an *Error, got %v", c.q, err)
			continue
		}
		if ee.Type != c.typ || ee.Reason != c.reason || ee.Status != 400 {
			t.Errorf("%s\ngot  %s %q\nwant %s %q", c.q, ee.Type, ee.Reason, c.typ, c.reason)
		}
	}
}

func TestErrorBody(t *testing.T) {
	_, err := testEngine().Query(Request{Query: `FROM logs-* | WHERE foo == 1`})
	got := mustJSON(err)
	want := `{"error":{"reason":"Found 1 problem\nline 1:21: Unknown column [foo]","root_cause":[{"reason":"Found 1 problem\nline 1:21: Unknown column [foo]","type":"verification_exception"}],"type":"verification_exception"},"status":400}`
	if got != want {
		t.Errorf("got %s", got)
	}
	var ee *Error
	errors.As(err, &ee)
	if ee.Line != 1 || ee.Column != 21 || ee.Msg != "Unknown column [foo]" {
		t.Errorf("position %d:%d %q", ee.Line, ee.Column, ee.Msg)
	}
}

func TestDefaultLimit(t *testing.T) {
	e := testEngine()
	e.DefaultLimit = 3
	r, err := e.Query(Request{Query: `FROM logs-*`})
	if err != nil {
		t.Fatal(err)
	}
	if !r.DefaultLimitApplied || len(r.Values) != 3 || r.Limit != 3 {
		t.Errorf("default limit: applied=%v rows=%d limit=%d", r.DefaultLimitApplied, len(r.Values), r.Limit)
	}
	r, _ = e.Query(Request{Query: `FROM logs-* | LIMIT 5`})
	if r.DefaultLimitApplied || len(r.Values) != 5 {
		t.Errorf("explicit limit: applied=%v rows=%d", r.DefaultLimitApplied, len(r.Values))
	}
	r, _ = (&Engine{Source: testSource()}).Query(Request{Query: `FROM logs-*`})
	if r.Limit != 1000 || !r.DefaultLimitApplied {
		t.Errorf("ES default is 1000, got %d", r.Limit)
	}
}

func TestNowFromClock(t *testing.T) {
	e := testEngine()
	for _, c := range []struct {
		now  time.Time
		want int64
	}{{testNow, 0}, {time.Date(2026, 12, 7, 10, 40, 0, 0, time.UTC), 4}, {time.Date(2026, 12, 7, 11, 0, 0, 0, time.UTC), 0}} {
		e.Clock = func() time.Time { return c.now }
		r, err := e.Query(Request{Query: `FROM logs-* | WHERE @timestamp > NOW() - 15 minutes | STATS n = COUNT(*)`})
		if err != nil {
			t.Fatal(err)
		}
		if got := r.Values[0][0]; got != c.want {
			t.Errorf("now %v: %v rows, want %d", c.now, got, c.want)
		}
	}
}

func TestParamsAndFilter(t *testing.T) {
	e := testEngine()
	r, err := e.Query(Request{
		Query:  `FROM logs-* | WHERE user.name == ?user AND source.port >= ?2 | STATS n = COUNT(*)`,
		Params: []Param{{Name: "user", Value: "svc-backup"}, {Value: 40003}},
	})
	if err != nil || mustJSON(r.Values) != `[[2]]` {
		t.Fatalf("params: %v %v", err, r)
	}
	r, err = e.Query(Request{
		Query:  `FROM logs-* | STATS n = COUNT(*)`,
		Filter: &TimeRange{From: time.Date(2026, 12, 7, 10, 20, 0, 0, time.UTC), To: time.Date(2026, 12, 7, 10, 30, 0, 0, time.UTC)},
	})
	if err != nil || mustJSON(r.Values) != `[[5]]` {
		t.Fatalf("filter: %v %v", err, r)
	}
	// the filter applies before the pipeline, not to the mapping
	r, err = e.Query(Request{
		Query:  `FROM logs-system.auth-* | KEEP user.name`,
		Filter: &TimeRange{From: testNow},
	})
	if err != nil || len(r.Values) != 0 || len(r.Columns) != 1 {
		t.Fatalf("empty filter: %v %v", err, r)
	}
}

func TestWarnings(t *testing.T) {
	r, err := testEngine().Query(Request{Query: `FROM logs-system.auth-* | WHERE host.ip == "10.0.0.1"`})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Warnings) == 0 || !strings.Contains(r.Warnings[0], "single-value function encountered multi-value") {
		t.Errorf("warnings %v", r.Warnings)
	}
}
