package esql

import (
	"errors"
	"testing"
	"time"
)

// corpus is real-world-style ES|QL: hunting and detection queries written
// the way Elastic's documentation and public detection content write them
// (paraphrased, not copied), plus documentation examples of each command.
var corpus = []string{
	// process hunting
	`FROM logs-endpoint.events.process-*
| WHERE process.name == "powershell.exe" AND process.command_line LIKE "*-enc*"
| STATS count = COUNT(*) BY host.name
| SORT count DESC`,
	`FROM logs-endpoint.events.process-*
| WHERE host.os.type == "windows" AND event.type == "start"
  AND process.parent.name IN ("winword.exe", "excel.exe", "powerpnt.exe", "outlook.exe")
| KEEP @timestamp, host.name, user.name, process.parent.name, process.name, process.command_line
| SORT @timestamp DESC
| LIMIT 100`,
	`FROM logs-endpoint.events.process-* METADATA _id, _index
| WHERE process.name IN ("whoami.exe", "net.exe", "net1.exe", "nltest.exe", "systeminfo.exe", "ipconfig.exe")
| STATS discovery_cmds = COUNT_DISTINCT(process.name), cmds = VALUES(process.name) BY host.name, user.name
| WHERE discovery_cmds >= 1
| SORT discovery_cmds DESC`,
	`from logs-endpoint.events.process-*
| where @timestamp > now() - 7 days
| where process.command_line rlike ".*(-enc|-encodedcommand|-e) [A-Za-z0-9+/=]{20,}.*"
| eval cmd_len = length(process.command_line)
| keep @timestamp, host.name, process.name, cmd_len, process.command_line
| sort cmd_len desc
| limit 20`,
	`FROM logs-endpoint.events.process-*
| EVAL proc = TO_LOWER(process.name), parent = TO_LOWER(process.parent.name)
| STATS occurrences = COUNT(*), hosts = COUNT_DISTINCT(host.name) BY parent, proc
| WHERE hosts == 1 AND occurrences < 5
| SORT occurrences ASC
| LIMIT 50`,
	`FROM logs-endpoint.events.process-*
| WHERE process.parent.name == "powershell.exe"
| STATS children = VALUES(process.name), first_seen = MIN(@timestamp), last_seen = MAX(@timestamp) BY host.name, process.parent.pid`,
	`FROM logs-endpoint.events.process-*
| WHERE process.name LIKE "*.exe" AND NOT process.name IN ("explorer.exe", "svchost.exe")
| EVAL hour = DATE_TRUNC(1 hour, @timestamp)
| STATS starts = COUNT(*) BY hour, host.name
| SORT hour`,
	`FROM logs-endpoint.events.process-*
| WHERE process.args IS NOT NULL
| MV_EXPAND process.args
| WHERE process.args LIKE "-*"
| STATS flags = COUNT(*) BY process.args
| SORT flags DESC
| LIMIT 10`,
	`FROM logs-endpoint.events.process-*
| EVAL suspicious = CASE(
    process.command_line LIKE "*-enc*", "encoded",
    process.command_line LIKE "*hidden*", "hidden window",
    "none")
| WHERE suspicious != "none"
| KEEP @timestamp, host.name, process.name, suspicious`,
	`FROM logs-endpoint.events.process-*
| WHERE STARTS_WITH(process.name, "power") OR ENDS_WITH(process.name, "script.exe")
| EVAL cmd = SUBSTRING(process.command_line, 1, 40)
| KEEP host.name, user.name, cmd`,
	// authentication
	`FROM logs-system.auth-*
| WHERE event.category == "authentication" AND event.outcome == "failure"
| STATS failures = COUNT(*) BY source.ip, user.name
| WHERE failures > 1
| SORT failures DESC`,
	`FROM logs-system.auth-*
| WHERE event.category == "authentication"
| STATS failed = COUNT(*) WHERE event.outcome == "failure",
        succeeded = COUNT(*) WHERE event.outcome == "success"
  BY user.name, host.name
| WHERE failed >= 2 AND succeeded >= 1`,
	`FROM logs-system.auth-*
| EVAL failed = CASE(event.outcome == "failure", 1, 0), ok = CASE(event.outcome == "success", 1, 0)
| STATS failures = SUM(failed), successes = SUM(ok), users = COUNT_DISTINCT(user.name) BY source.ip
| WHERE failures > 3 AND successes > 0
| EVAL ratio = failures / (failures + successes)`,
	`FROM logs-system.auth-*
| WHERE @timestamp >= NOW() - 24 hours AND event.outcome == "failure"
| STATS attempts = COUNT(*) BY window = BUCKET(@timestamp, 5 minutes), source.ip
| WHERE attempts >= 2
| SORT window DESC`,
	`FROM logs-system.auth-*
| WHERE NOT CIDR_MATCH(source.ip, "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")
| STATS logins = COUNT(*), users = VALUES(user.name) BY source.ip
| SORT logins DESC`,
	`FROM logs-system.auth-*
| WHERE user.name RLIKE "(admin|root|administrator)"
| KEEP @timestamp, user.name, source.ip, event.outcome
| SORT @timestamp`,
	`FROM logs-system.auth-*
| STATS first_failure = MIN(@timestamp) WHERE event.outcome == "failure",
        first_success = MIN(@timestamp) WHERE event.outcome == "success" BY user.name
| WHERE first_success IS NOT NULL AND first_failure IS NOT NULL
| EVAL minutes_to_success = DATE_DIFF("minutes", first_failure, first_success)`,
	// DNS
	`FROM logs-network_traffic.dns-*
| EVAL qlen = LENGTH(dns.question.name)
| WHERE qlen > 50
| STATS queries = COUNT(*), avg_len = AVG(qlen) BY host.name
| SORT queries DESC`,
	`FROM logs-network_traffic.dns-*
| DISSECT dns.question.name "%{sub}.%{rest}"
| STATS unique_subdomains = COUNT_DISTINCT(sub) BY rest
| WHERE unique_subdomains > 2`,
	`FROM logs-network_traffic.dns-*
| WHERE dns.question.type == "TXT"
| STATS n = COUNT(*), bytes = SUM(network.bytes) BY source.ip, destination.ip
| SORT bytes DESC
| LIMIT 10`,
	`FROM logs-network_traffic.dns-*
| EVAL labels = MV_COUNT(SPLIT(dns.question.name, "."))
| WHERE labels >= 4
| KEEP @timestamp, dns.question.name, labels`,
	// network and files
	`FROM logs-endpoint.events.network-*
| WHERE NOT CIDR_MATCH(destination.ip, "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16") AND destination.port NOT IN (80, 443)
| STATS connections = COUNT(*), dest_ports = VALUES(destination.port) BY process.name, destination.ip
| SORT connections DESC
| LIMIT 25`,
	`FROM logs-endpoint.events.network-*
| STATS total_bytes = SUM(source.bytes) BY host.name, destination.ip
| EVAL mb = ROUND(total_bytes / 1024.0 / 1024.0, 2)
| SORT total_bytes DESC
| LIMIT 5`,
	`FROM logs-endpoint.events.file-*
| WHERE event.action == "creation" AND file.extension IN ("exe", "dll", "ps1", "vbs")
  AND file.path LIKE "C:\\Users\\*\\AppData\\*"
| KEEP @timestamp, host.name, process.name, file.path`,
	`FROM logs-endpoint.events.file-*
| STATS renamed = COUNT(*) BY host.name, bucket = BUCKET(@timestamp, 1 minute)
| WHERE renamed > 100`,
	// generic ECS and documentation-style examples
	`FROM logs-*
| WHERE host.name == "WS-0142"
| KEEP @timestamp, event.category, event.action, process.name, dns.question.name
| SORT @timestamp ASC`,
	`FROM logs-* METADATA _index
| STATS docs = COUNT(*) BY _index
| SORT docs DESC`,
	`FROM logs-*
| STATS events = COUNT(*) BY event.category
| SORT events DESC`,
	`FROM logs-*
| STATS count = COUNT(*) BY day = DATE_TRUNC(1 day, @timestamp)
| SORT day`,
	`FROM logs-*
| WHERE @timestamp >= "2026-12-07T00:00:00Z" AND @timestamp < "2026-12-08T00:00:00Z"
| STATS c = COUNT(*) BY BUCKET(@timestamp, 20, "2026-12-07T00:00:00Z", "2026-12-08T00:00:00Z")`,
	`FROM logs-*
| EVAL day_of_week = DATE_EXTRACT("day_of_week", @timestamp), hour = DATE_EXTRACT("hour_of_day", @timestamp)
| WHERE hour < 6 OR hour > 20 OR day_of_week > 5
| STATS off_hours = COUNT(*) BY user.name`,
	`FROM logs-*
| KEEP @timestamp, host.*, user.name
| RENAME host.name AS host
| DROP host.os.*
| LIMIT 10`,
	`FROM logs-*
| EVAL who = COALESCE(user.name, "unknown"), where = CONCAT(host.name, " / ", who)
| STATS n = COUNT(*) BY where
| SORT n DESC`,
	`ROW a = 1, b = "two", c = null
| EVAL d = a + 1, e = TO_UPPER(b), f = c IS NULL`,
	`ROW ts = "2026-12-07T10:15:00Z"
| EVAL t = TO_DATETIME(ts), later = TO_DATETIME(ts) + 2 hours, fmt = DATE_FORMAT("yyyy-MM-dd", TO_DATETIME(ts))`,
	`ROW ips = ["10.1.2.3", "8.8.8.8"]
| MV_EXPAND ips
| EVAL private = CIDR_MATCH(TO_IP(ips), "10.0.0.0/8")`,
	`FROM logs-endpoint.events.process-*
| STATS p50 = MEDIAN(process.pid), p95 = PERCENTILE(process.pid, 95), top_pids = TOP(process.pid, 3, "desc") BY host.name`,
	`FROM logs-endpoint.events.process-*
| SORT @timestamp DESC NULLS LAST, process.pid ASC
| KEEP @timestamp, process.pid, process.name
| LIMIT 3`,
	// queries using features outside the sandbox (kept to measure coverage)
	`FROM logs-endpoint.events.process-*
| GROK process.command_line "%{WORD:exe} %{GREEDYDATA:args}"
| STATS n = COUNT(*) BY exe`,
	`FROM logs-endpoint.events.network-*
| ENRICH threat_intel_policy ON destination.ip WITH threat.indicator.type
| WHERE threat.indicator.type IS NOT NULL`,
	`FROM logs-endpoint.events.process-*
| LOOKUP JOIN host_criticality ON host.name
| WHERE criticality == "high"`,
	`FROM logs-*
| WHERE KQL("event.category: authentication and event.outcome: failure")
| STATS n = COUNT(*) BY user.name`,
	`FROM logs-system.auth-*
| INLINESTATS total = COUNT(*) BY user.name
| WHERE total > 3`,
	`FROM .alerts-security.alerts-default
| WHERE kibana.alert.rule.name IS NOT NULL
| STATS alerts = COUNT(*) BY kibana.alert.rule.name, kibana.alert.severity
| SORT alerts DESC`,
	`FROM logs-endpoint.events.registry-*
| WHERE registry.path LIKE "*\\CurrentVersion\\Run*"
| KEEP @timestamp, host.name, registry.path, registry.data.strings`,
	`FROM logs-endpoint.events.process-*
| WHERE process.name == "rundll32.exe" AND process.args_count == 1
| STATS n = COUNT(*) BY host.name`,
}

func corpusSource() memSource {
	s := testSource()
	s["logs-endpoint.events.network-default"] = []map[string]any{
		{"@timestamp": ts(24), "event": map[string]any{"category": "network", "action": "connection_attempted"}, "host": map[string]any{"name": "WS-0142"},
			"process": map[string]any{"name": "powershell.exe", "pid": 4200}, "source": map[string]any{"ip": "10.1.2.3", "port": 50112, "bytes": 5120},
			"destination": map[string]any{"ip": "185.199.108.153", "port": 8443}},
		{"@timestamp": ts(25), "event": map[string]any{"category": "network", "action": "connection_attempted"}, "host": map[string]any{"name": "WS-0142"},
			"process": map[string]any{"name": "chrome.exe", "pid": 5100}, "source": map[string]any{"ip": "10.1.2.3", "port": 50113, "bytes": 2048},
			"destination": map[string]any{"ip": "10.0.0.80", "port": 443}},
	}
	s["logs-endpoint.events.file-default"] = []map[string]any{
		{"@timestamp": ts(22), "event": map[string]any{"category": "file", "action": "creation"}, "host": map[string]any{"name": "WS-0142"},
			"process": map[string]any{"name": "powershell.exe"}, "file": map[string]any{"path": `C:\Users\jdoe\AppData\Local\Temp\stage.ps1`, "extension": "ps1", "name": "stage.ps1"}},
	}
	// a lookup index for LOOKUP JOIN (Elasticsearch's would be in lookup mode)
	s["host_criticality"] = []map[string]any{
		{"host": map[string]any{"name": "WS-0142"}, "criticality": "high"},
	}
	return s
}

// corpusFloor is what the engine reaches; it may rise, never fall.
const (
	corpusParseFloor = 46
	corpusRunFloor   = 42
)

func TestCorpus(t *testing.T) {
	if len(corpus) < 40 {
		t.Fatalf("corpus has %d queries, want at least 40", len(corpus))
	}
	e := &Engine{Source: corpusSource(), Clock: func() time.Time { return testNow }}
	parsed, ran := 0, 0
	for i, q := range corpus {
		if _, perr := parse(q, nil); perr != nil {
			t.Logf("#%d parse: %s", i, perr.Reason)
			continue
		}
		parsed++
		if _, err := e.Query(Request{Query: q}); err != nil {
			var ee *Error
			errors.As(err, &ee)
			t.Logf("#%d run: %s", i, ee.Reason)
			continue
		}
		ran++
	}
	t.Logf("corpus: %d queries, %d parse, %d run without error", len(corpus), parsed, ran)
	if parsed < corpusParseFloor || ran < corpusRunFloor {
		t.Errorf("corpus regressed: %d parse (floor %d), %d run (floor %d)", parsed, corpusParseFloor, ran, corpusRunFloor)
	}
}
