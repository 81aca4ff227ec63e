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

func TestGrok(t *testing.T) {
	e := testEngine()
	checkRows(t, e, `ROW a = "2023-01-23T12:15:00.000Z 127.0.0.1 some.email@foo.com 42"
| GROK a """%{TIMESTAMP_ISO8601:date} %{IP:ip} %{EMAILADDRESS:email} %{NUMBER:num:int}"""
| KEEP date, ip, email, num`, `[["2023-01-23T12:15:00.000Z","127.0.0.1","some.email@foo.com",42]]`, "date:keyword,ip:keyword,email:keyword,num:integer")
	// columns come in the order of their names, after the input's; float is double
	checkRows(t, e, `ROW a = "x 1.5" | GROK a "%{WORD:z} %{NUMBER:b:float}"`, `[["x 1.5",1.5,"x"]]`, "a:keyword,b:double,z:keyword")
	// Oniguruma named groups, any name; no match gives nulls
	checkRows(t, e, `ROW u = ["https://evil.example.com:8443/x", "nope"] | MV_EXPAND u
| GROK u "^(?:%{URIPROTO:proto}://)?%{URIHOST:host}(?:/%{GREEDYDATA})?$"
| GROK u "//(?<Esql.h>[^:/]+)"`, `[["https://evil.example.com:8443/x","evil.example.com:8443","https","evil.example.com"],["nope","nope",null,null]]`, "u:keyword,host:keyword,proto:keyword,Esql.h:keyword")
	checkRows(t, e, `FROM logs-endpoint.events.process-* | GROK process.command_line "%{NOTSPACE:exe} %{GREEDYDATA:rest}" | STATS n = COUNT(*) BY exe | SORT exe`,
		`[[1,"\"WINWORD.EXE\""],[1,"powershell.exe"],[1,"whoami.exe"],[1,null]]`, "")
	// a name given twice is multi-valued
	checkRows(t, e, `ROW a = "1 2" | GROK a "%{INT:n:int} %{INT:n:int}"`, `[["1 2",[1,2]]]`, "a:keyword,n:integer")
	checkErr(t, e, `ROW a = "x" | GROK a "%{NOPE:x}"`, "parsing_exception", "line 1:22: Invalid pattern [%{NOPE:x}] for grok: Unable to find pattern [NOPE] in Grok's pattern dictionary")
	checkErr(t, e, `ROW a = "x" | GROK a "%{INT:x:int} %{WORD:x}"`, "parsing_exception", "line 1:22: Invalid pattern [%{INT:x:int} %{WORD:x}] for grok: the attribute [x] is defined multiple times with different types")
	checkErr(t, e, "ROW a = 1\n| GROK a \"%{INT:x}\"", "verification_exception", "Found 1 problem\nline 2:8: Grok only supports KEYWORD or TEXT values, found expression [a] type [integer]")
}

func TestFullText(t *testing.T) {
	e := testEngine()
	checkRows(t, e, `FROM logs-* | WHERE KQL("event.outcome: failure and not user.name: svc*") | KEEP user.name`, `[["admin"],["root"]]`, "")
	checkRows(t, e, `FROM logs-* | WHERE KQL("process.name: (whoami.exe or winword.exe)") | KEEP process.pid | SORT process.pid`, `[[4100],[4300]]`, "")
	checkRows(t, e, `FROM logs-* | WHERE KQL("source.port >= 40003") | STATS n = COUNT(*)`, `[[2]]`, "")
	// dates compare as dates, IPs match CIDR blocks
	checkRows(t, e, `FROM logs-* | WHERE KQL("@timestamp >= \"2026-12-07T10:31:00Z\" and destination.ip: 10.0.0.0/24") | STATS n = COUNT(*)`, `[[3]]`, "")
	checkRows(t, e, `FROM logs-* | WHERE KQL("destination.ip: 10.0.1.0/24") | STATS n = COUNT(*)`, `[[0]]`, "")
	checkRows(t, e, `FROM logs-* | WHERE MATCH(user.name, "root") | KEEP user.name`, `[["root"]]`, "")
	checkRows(t, e, `FROM logs-* | WHERE user.name : "svc-backup" | STATS n = COUNT(*)`, `[[3]]`, "")
	checkRows(t, e, `FROM logs-* | WHERE process.pid : 4200 | KEEP process.name`, `[["powershell.exe"]]`, "")
	checkRows(t, e, `FROM logs-* | WHERE source.ip : "203.0.113.0/24" OR MATCH(host.ip, "198.51.100.7") | STATS n = COUNT(*)`, `[[5]]`, "")
	checkRows(t, e, `FROM logs-* | WHERE destination.ip : "10.0.0.0/30" | STATS n = COUNT(*)`, `[[0]]`, "")
	// a keyword matches whole; fuzziness allows edits
	checkRows(t, e, `FROM logs-* | WHERE MATCH(process.name, "powershell") | STATS n = COUNT(*)`, `[[0]]`, "")
	checkRows(t, e, `FROM logs-* | WHERE MATCH(process.name, "whoam1.exe", {"fuzziness": "AUTO", "max_expansions": 10}) | KEEP process.name`, `[["whoami.exe"]]`, "")
	// multi-valued fields match on any value
	checkRows(t, e, `FROM logs-* | WHERE event.category : "authentication" | STATS n = COUNT(*)`, `[[5]]`, "")
	checkErr(t, e, `FROM logs-* | WHERE KQL("user.name: (a or")`, "verification_exception", "Found 1 problem\nline 1:21: Invalid KQL query [user.name: (a or]: KQLSyntaxError: Expected value but end of input found.")
	checkErr(t, e, `FROM logs-* | WHERE KQL(user.name)`, "verification_exception", "Found 1 problem\nline 1:21: first argument of [KQL(user.name)] must be a constant string, found [user.name]")
	checkErr(t, e, `FROM logs-* | WHERE MATCH(user.name, "x", {"nope": 1})`, "verification_exception", "Found 1 problem\nline 1:43: Invalid option [nope] in [MATCH(user.name, \"x\", {\"nope\": 1})], expected one of [analyzer, auto_generate_synonyms_phrase_query, boost, fuzziness, fuzzy_transpositions, lenient, max_expansions, minimum_should_match, operator, prefix_length, slop, type]")
	checkErr(t, e, `FROM logs-* | WHERE process.pid : "x"`, "verification_exception", "Found 1 problem\nline 1:21: query of [process.pid : \"x\"] cannot be converted to [long], found value [\"x\"]")
	checkErr(t, e, `FROM logs-* | WHERE LENGTH(user.name) : "x"`, "parsing_exception", "line 1:39: mismatched input ':' expecting {<EOF>, '|', 'and', 'or', '==', '!=', '<', '<=', '>', '>='}")
	checkErr(t, e, `FROM logs-* | WHERE QSTR("user.name:x")`, "verification_exception", "Found 1 problem\nline 1:21: the sandbox does not support the full-text function [QSTR]")
	checkErr(t, e, `ROW a = {"x": 1}`, "verification_exception", "Found 1 problem\nline 1:9: a map of options [{\"x\": 1}] is only allowed as a function's last argument")
}

func TestInlineStats(t *testing.T) {
	e := testEngine()
	checkRows(t, e, `FROM logs-system.auth-* | KEEP @timestamp, user.name, event.outcome | INLINE STATS fails = COUNT(*) WHERE event.outcome == "failure" BY user.name | WHERE fails > 1 | KEEP user.name, fails, event.outcome`,
		`[["svc-backup",2,"failure"],["svc-backup",2,"failure"],["svc-backup",2,"success"]]`, "user.name:keyword,fails:long,event.outcome:keyword")
	checkRows(t, e, `FROM logs-system.auth-* | KEEP user.name, source.port | INLINESTATS total = COUNT(*), max_port = MAX(source.port) | LIMIT 2`,
		`[["admin",40000,5,40005],["root",40001,5,40005]]`, "user.name:keyword,source.port:long,total:long,max_port:long")
	// the group columns move to the end, after the aggregates
	checkRows(t, e, `FROM logs-system.auth-* | KEEP user.name, event.outcome | INLINE STATS n = COUNT(*) BY user.name, o = TO_UPPER(event.outcome) | LIMIT 1`,
		`[["failure",1,"admin","FAILURE"]]`, "event.outcome:keyword,n:long,user.name:keyword,o:keyword")
	checkErr(t, e, `FROM logs-* | INLINE x`, "parsing_exception", "line 1:22: mismatched input 'x' expecting 'stats'")
	checkErr(t, e, `FROM logs-* | INLINE STATS n = COUNT(nope)`, "verification_exception", "Found 1 problem\nline 1:38: Unknown column [nope]")
}

func TestMoreFunctions(t *testing.T) {
	e := testEngine()
	checkRows(t, e, `ROW u = "a%20b+c%2Fd", b = "aGVsbG8=", n = 3
| EVAL d = URL_DECODE(u), e = URL_ENCODE("a b/c"), ec = URL_ENCODE_COMPONENT("a b/c"), f = FROM_BASE64(b), g = TO_BASE64("hello"), s = CONCAT("[", SPACE(n), "]")
| DROP u, b, n`, `[["a b c/d","a+b%2Fc","a%20b%2Fc","hello","aGVsbG8=","[   ]"]]`, "d:keyword,e:keyword,ec:keyword,f:keyword,g:keyword,s:keyword")
	checkRows(t, e, `ROW a = ["x", "y", "z"] | EVAL yes = MV_CONTAINS(a, ["z", "x"]), no = MV_CONTAINS(a, "w"), none = MV_CONTAINS(a, null) | DROP a`, `[[true,false,true]]`, "")
	r, err := e.Query(Request{Query: `ROW b = "%%%" | EVAL d = FROM_BASE64(b)`})
	if err != nil || mustJSON(r.Values) != `[["%%%",null]]` || len(r.Warnings) != 1 || !strings.HasPrefix(r.Warnings[0], "Line 1:26: java.lang.IllegalArgumentException") {
		t.Errorf("bad base64: %v %v %v", r, err, r.Warnings)
	}
	checkErr(t, e, `ROW a = 1 | EVAL b = URL_DECODE(a)`, "verification_exception", "Found 1 problem\nline 1:22: first argument of [URL_DECODE(a)] must be [keyword or text], found value [a] type [integer]")
}

func TestSourceAndJSONExtract(t *testing.T) {
	e := testEngine()
	checkRows(t, e, `FROM logs-endpoint.events.process-* METADATA _source | WHERE process.pid == 4300 | EVAL n = JSON_EXTRACT(_source, "$.process.parent.name"), a = JSON_EXTRACT(_source, "process.args[1]"), u = JSON_EXTRACT(_source, "user") | KEEP n, a, u`,
		`[["powershell.exe","/all","{\"domain\":\"CORP\",\"name\":\"jdoe\"}"]]`, "n:keyword,a:keyword,u:keyword")
	checkRows(t, e, `FROM logs-system.auth-* METADATA _source | KEEP _source | LIMIT 1`,
		`[[{"@timestamp":"2026-12-07T10:00:00Z","event":{"action":"logon","category":["authentication"],"outcome":"failure"},"host":{"ip":["10.0.0.1","198.51.100.7"],"name":"vpn-gw-01"},"message":"authentication failure for admin","source":{"ip":"203.0.113.45","port":40000},"user":{"name":"admin"}}]]`, "_source:_source")
	checkRows(t, e, `ROW j = "{\"a\": {\"b\": [1, 2.5, true]}}" | EVAL x = JSON_EXTRACT(j, "a.b[1]"), y = JSON_EXTRACT(j, "$['a']"), z = JSON_EXTRACT(j, "a.nope") | DROP j`,
		`[["2.5","{\"b\":[1,2.5,true]}",null]]`, "")
	checkErr(t, e, `ROW a = 1 | EVAL b = JSON_EXTRACT(a, "x")`, "verification_exception", "Found 1 problem\nline 1:22: first argument of [JSON_EXTRACT(a, \"x\")] must be [keyword, text or _source], found value [a] type [integer]")
	checkErr(t, e, `FROM logs-* METADATA _source | WHERE LENGTH(_source) > 1`, "verification_exception", "Found 1 problem\nline 1:38: first argument of [LENGTH(_source)] must be [keyword or text], found value [_source] type [_source]")
}

func TestLuceneRegexp(t *testing.T) {
	for _, c := range []struct{ in, out string }{
		{`a++`, `(?:a+)+`},
		{`\w++\}`, `(?:\w+)+\}`},
		{`*sh.{1,2}-c*`, `\*sh.{1,2}-c*`},
		{`(?i)x`, `(?:\?i)x`},
		{`^a$`, `\^a\$`},
		{`"a.b"*`, `(?:a\.b)*`},
		{`[^a-z\]]{2}\d`, `[^a-z\]]{2}\d`},
		{`(ab|c)+*`, `(?:(?:ab|c)+)*`},
		{`a{x`, `a\{x`},
	} {
		if got := luceneToGo(c.in); got != c.out {
			t.Errorf("%s: got %s, want %s", c.in, got, c.out)
		}
	}
	e := testEngine()
	checkRows(t, e, `ROW s = ["${jndi`+"`"+`x}", "^x$", "?ix", "sh -c"] | MV_EXPAND s | WHERE s RLIKE """\$\{(\w++`+"`"+`){1,}\w++\}""" OR s RLIKE "^x$" OR s RLIKE "(?i)x" OR s RLIKE "*sh.{1,2}-c*"`,
		`[["${jndi`+"`"+`x}"],["^x$"],["?ix"]]`, "")
}

func TestEnrichLookupShow(t *testing.T) {
	src := testSource()
	src["host_criticality"] = []map[string]any{
		{"host": map[string]any{"name": "WS-0142"}, "criticality": "high", "owner": "it"},
		{"host": map[string]any{"name": "vpn-gw-01"}, "criticality": "critical"},
		{"host": map[string]any{"name": "vpn-gw-01"}, "criticality": "medium"},
	}
	e := &Engine{Source: src, Clock: func() time.Time { return testNow }}
	checkRows(t, e, `FROM logs-endpoint.events.process-*, logs-network_traffic.dns-* | STATS n = COUNT(*) BY host.name | LOOKUP JOIN host_criticality ON host.name | SORT n`,
		`[[8,"WS-0142","high","it"]]`, "n:long,host.name:keyword,criticality:keyword,owner:keyword")
	// several matches give several rows; no match keeps nulls
	checkRows(t, e, `ROW host.name = ["x"] | EVAL host.name = "vpn-gw-01" | LOOKUP JOIN host_criticality ON host.name | KEEP criticality | SORT criticality`,
		`[["critical"],["medium"]]`, "")
	checkRows(t, e, `ROW host.name = "nope", owner = "me" | LOOKUP JOIN host_criticality ON host.name`, `[["nope",null,null]]`, "host.name:keyword,criticality:keyword,owner:keyword")
	checkErr(t, e, "FROM logs-*\n| LOOKUP JOIN nope ON host.name", "verification_exception", "Found 1 problem\nline 2:15: Unknown index [nope]")
	checkErr(t, e, `FROM logs-* | LOOKUP JOIN host_criticality ON user.name`, "verification_exception", "Found 1 problem\nline 1:47: Unknown column [user.name] in right side of join")
	checkErr(t, e, `ROW host.name = 1 | LOOKUP JOIN host_criticality ON host.name`, "verification_exception", "Found 1 problem\nline 1:53: JOIN left field [host.name] of type [INTEGER] is incompatible with right field [host.name] of type [KEYWORD]")
	checkErr(t, e, `FROM logs-* | LOOKUP host_criticality ON host.name`, "parsing_exception", "line 1:22: mismatched input 'host_criticality' expecting 'join'")
	checkErr(t, e, "FROM logs-*\n| ENRICH threat-intel ON destination.ip WITH t = threat.indicator.type, x\n| KEEP t", "verification_exception", "Found 1 problem\nline 2:10: cannot find enrich policy [threat-intel]")
	checkErr(t, e, `FROM logs-* | ENRICH p ON`, "parsing_exception", "line 1:26: mismatched input '<EOF>' expecting {UNQUOTED_IDENTIFIER, QUOTED_IDENTIFIER}")
	checkRows(t, e, `SHOW INFO | KEEP version`, `[["9.2.0"]]`, "version:keyword")
	checkErr(t, e, `SHOW FUNCTIONS`, "parsing_exception", "line 1:6: mismatched input 'FUNCTIONS' expecting 'info'")
}

func TestJavaRegexp(t *testing.T) {
	for _, c := range []struct{ in, out string }{
		{`\d++x*+y?+z{2}+`, `\d+x*y?z{2}`},
		{`a\++`, `a\++`},
		{`[+]+`, `[+]+`},
		{`\u0000|\h\Z`, `\x{0000}|[\t \x{A0}]\z`},
		{`(?>ab)[]a]`, `(?:ab)[\]a]`},
	} {
		if got := javaToGo(c.in); got != c.out {
			t.Errorf("%s: got %s, want %s", c.in, got, c.out)
		}
	}
	e := testEngine()
	checkRows(t, e, `ROW s = "a[12]+b" | EVAL r = REPLACE(s, """\[\d++\]""", "#")`, `[["a[12]+b","a#+b"]]`, "")
	checkErr(t, e, `ROW s = "x" | EVAL r = REPLACE(s, "a(?!b)", "")`, "verification_exception", "Found 1 problem\nline 1:24: Invalid regex pattern [a(?!b)]: error parsing regexp: invalid or unsupported Perl syntax: `(?!`")
}

func TestMVSets(t *testing.T) {
	e := testEngine()
	checkRows(t, e, `ROW a = ["x", "y", "z"], b = ["z", "w", "x"] | EVAL i = MV_INTERSECTION(a, b), u = MV_UNION(a, b), n = MV_INTERSECTION(a, "q") | KEEP i, u, n`,
		`[[["x","z"],["x","y","z","w"],null]]`, "i:keyword,u:keyword,n:keyword")
	checkErr(t, e, `ROW a = 1 | EVAL i = MV_INTERSECTION(a, "x")`, "verification_exception", "Found 1 problem\nline 1:22: second argument of [MV_INTERSECTION(a, \"x\")] must be [integer], found value [\"x\"] type [keyword]")
	checkRows(t, e, `FROM logs-* | WHERE MATCH(process.pid::keyword, "4200") | KEEP process.name`, `[["powershell.exe"]]`, "")
}

func TestSampleAndMoreFunctions(t *testing.T) {
	e := testEngine()
	r, err := e.Query(Request{Query: `FROM logs-* | SAMPLE 0.5 | STATS n = COUNT(*)`})
	if err != nil || r.Values[0][0].(int64) > 13 {
		t.Errorf("sample: %v %v", r, err)
	}
	checkErr(t, e, `FROM logs-* | SAMPLE 1.5`, "parsing_exception", "line 1:22: invalid value for SAMPLE probability [1.5], expecting a number between 0 and 1, exclusive")
	checkRows(t, e, `ROW ip = "192.168.1.77", ip6 = "2001:db8::ff00:42:8329" | EVAL p = IP_PREFIX(TO_IP(ip), 24, 0), p6 = IP_PREFIX(TO_IP(ip6), 0, 32) | DROP ip, ip6`,
		`[["192.168.1.0","2001:db8::"]]`, "p:ip,p6:ip")
	checkRows(t, e, `ROW d = TO_DATETIME("2024-03-01T00:00:00Z") | EVAL dn = DAY_NAME(d), mn = MONTH_NAME(d) | DROP d`, `[["Friday","March"]]`, "")
	checkRows(t, e, `ROW a = ["x", "y", "z"], b = ["1", "2"] | EVAL z = MV_ZIP(a, b, "-"), p = MV_PERCENTILE([1, 2, 3, 4, 5], 50) | KEEP z, p`, `[[["x-1","y-2","z"],3]]`, "z:keyword,p:integer")
	checkRows(t, e, `ROW x = 1.0 | EVAL h = HYPOT(3, 4), c = COPY_SIGN(x, -2), t = TANH(0), d = ROUND(TO_DEGREES(PI()))`, `[[1,5,-1,0,180]]`, "")
	checkErr(t, e, `FROM logs-* | STATS c = COUNT(*) BY CATEGORIZE(message)`, "verification_exception", "Found 1 problem\nline 1:37: the sandbox does not support the function [categorize]")
}

func TestWeightedAvg(t *testing.T) {
	e := testEngine()
	checkRows(t, e, `ROW v = [1, 2, 3] | MV_EXPAND v | EVAL w = v * 2 | STATS a = WEIGHTED_AVG(v, w), n = WEIGHTED_AVG(v, 0)`, `[[2.3333333333333335,null]]`, "a:double,n:double")
	checkRows(t, e, `FROM logs-system.auth-* | STATS a = WEIGHTED_AVG(source.port, 1) BY event.outcome | SORT event.outcome`, `[[40001.5,"failure"],[40005,"success"]]`, "")
	checkErr(t, e, `FROM logs-* | STATS a = WEIGHTED_AVG(user.name, 1)`, "verification_exception", "Found 1 problem\nline 1:25: first argument of [WEIGHTED_AVG(user.name, 1)] must be [numeric except unsigned_long or counter types], found value [user.name] type [keyword]")
	checkErr(t, e, `FROM logs-* | STATS a = WEIGHTED_AVG(source.port)`, "verification_exception", "Found 1 problem\nline 1:25: error building [weighted_avg]: expects exactly 2 arguments")
}

// textSource maps message as text, as ECS does.
type textSource struct{ memSource }

func (textSource) Mapping(string) map[string]string { return map[string]string{"message": "text"} }

func TestMatchFamily(t *testing.T) {
	e := &Engine{Source: textSource{testSource()}, Clock: func() time.Time { return testNow }}
	// text is matched by its words: any word, all with "and", in order for a phrase
	checkRows(t, e, `FROM logs-system.auth-* | WHERE MATCH(message, "Failure ROOT") | KEEP user.name`, `[["admin"],["root"],["svc-backup"],["svc-backup"]]`, "")
	checkRows(t, e, `FROM logs-system.auth-* | WHERE MATCH(message, "failure root", {"operator": "AND"}) | KEEP user.name`, `[["root"]]`, "")
	checkRows(t, e, `FROM logs-system.auth-* | WHERE MATCH_PHRASE(message, "success for svc") | KEEP user.name`, `[["svc-backup"]]`, "")
	checkRows(t, e, `FROM logs-system.auth-* | WHERE MATCH_PHRASE(message, "for success") | KEEP user.name`, `[]`, "")
	checkRows(t, e, `FROM logs-system.auth-* | WHERE TERM(message, "root") | KEEP user.name`, `[["root"]]`, "")
	checkRows(t, e, `FROM logs-* | WHERE MULTI_MATCH("whoami.exe", process.name, process.parent.name) | KEEP process.pid`, `[[4300]]`, "")
	checkRows(t, e, `FROM logs-* | WHERE MULTI_MATCH("powershell.exe", process.name, process.parent.name, {"operator": "or"}) | KEEP process.pid | SORT process.pid`, `[[4200],[4300]]`, "")
	checkErr(t, e, `FROM logs-* | WHERE TERM(message, "x", {"boost": 1})`, "verification_exception", "Found 1 problem\nline 1:21: error building [term]: expects exactly 2 arguments")
	checkErr(t, e, `FROM logs-* | WHERE MULTI_MATCH("x", LENGTH(message))`, "verification_exception", "Found 1 problem\nline 1:21: argument of [MULTI_MATCH(\"x\", LENGTH(message))] must be a field, found [LENGTH(message)]")
}

func TestTemporalUnitError(t *testing.T) {
	e := testEngine()
	checkErr(t, e, `FROM logs-* | WHERE @timestamp > NOW() - 15m`, "parsing_exception", "line 1:44: Unexpected temporal unit: 'm'")
	checkErr(t, e, `FROM logs-* | EVAL t = DATE_TRUNC(5 mins, @timestamp)`, "parsing_exception", "line 1:37: Unexpected temporal unit: 'mins'")
	checkRows(t, e, `ROW a = 1 | STATS c = COUNT(*) WHERE a > 0 BY a | SORT c DESC NULLS LAST | LIMIT 1`, `[[1,1]]`, "")
}
