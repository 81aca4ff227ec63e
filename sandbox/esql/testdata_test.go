package esql

import (
	"sort"
	"time"
)

// memSource is an in-memory Source over ECS-like events.
type memSource map[string][]map[string]any

func (m memSource) Indices(pattern string) []string {
	var out []string
	for name := range m {
		if MatchPattern(pattern, name) {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

func (m memSource) Docs(index string) []map[string]any { return m[index] }

func (m memSource) DocsWithID(index string) []Doc {
	var out []Doc
	for i, d := range m[index] {
		out = append(out, Doc{ID: index[len(index)-7:] + "-" + string(rune('a'+i)), Source: d})
	}
	return out
}

var testNow = time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)

func ts(min int) string {
	return time.Date(2026, 12, 7, 10, min, 0, 0, time.UTC).Format(time.RFC3339Nano)
}

func auth(min int, user, outcome string) map[string]any {
	return map[string]any{
		"@timestamp": ts(min),
		"event":      map[string]any{"category": []any{"authentication"}, "action": "logon", "outcome": outcome},
		"host":       map[string]any{"name": "vpn-gw-01", "ip": []any{"10.0.0.1", "198.51.100.7"}},
		"user":       map[string]any{"name": user},
		"source":     map[string]any{"ip": "203.0.113.45", "port": float64(40000 + min)},
		"message":    "authentication " + outcome + " for " + user,
	}
}

func proc(min, pid, ppid int, name, parent, cmd string, args ...any) map[string]any {
	return map[string]any{
		"@timestamp":     ts(min),
		"event.category": "process",
		"event.type":     []any{"start"},
		"host.name":      "WS-0142",
		"host.os.type":   "windows",
		"user":           map[string]any{"name": "jdoe", "domain": "CORP"},
		"process": map[string]any{
			"name": name, "pid": pid, "command_line": cmd, "args": args,
			"parent": map[string]any{"name": parent, "pid": ppid},
		},
	}
}

func dns(min int, name string, bytes int, dur float64) map[string]any {
	return map[string]any{
		"@timestamp":     ts(min),
		"event":          map[string]any{"category": "network", "dataset": "network_traffic.dns"},
		"host":           map[string]any{"name": "WS-0142"},
		"dns":            map[string]any{"question": map[string]any{"name": name, "type": "TXT"}},
		"source.ip":      "10.1.2.3",
		"destination.ip": "10.0.0.53",
		"network":        map[string]any{"bytes": bytes},
		"event.duration": dur,
	}
}

func testSource() memSource {
	return memSource{
		"logs-system.auth-default": {
			auth(0, "admin", "failure"),
			auth(1, "root", "failure"),
			auth(2, "svc-backup", "failure"),
			auth(3, "svc-backup", "failure"),
			auth(5, "svc-backup", "success"),
		},
		"logs-endpoint.events.process-default": {
			proc(20, 4000, 1000, "explorer.exe", "userinit.exe", "C:\\Windows\\explorer.exe", "C:\\Windows\\explorer.exe"),
			proc(21, 4100, 4000, "winword.exe", "explorer.exe", "\"WINWORD.EXE\" /n invoice.docm", "WINWORD.EXE", "/n", "invoice.docm"),
			proc(22, 4200, 4100, "powershell.exe", "winword.exe", "powershell.exe -nop -w hidden -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQA", "powershell.exe", "-nop", "-w", "hidden", "-enc", "SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQA"),
			proc(23, 4300, 4200, "whoami.exe", "powershell.exe", "whoami.exe /all", "whoami.exe", "/all"),
		},
		"logs-network_traffic.dns-default": {
			dns(30, "www.example.com", 80, 0.5),
			dns(31, "mzxw6ytboi2gk3tuovzg2zlsmfzxg43jnz2xg.tunnel.example.net", 310, 1.25),
			dns(32, "nbswy3dpeb3w64tmmqqgc3lmmvzgk3tpnfxgc.tunnel.example.net", 305, 2),
			dns(33, "ojsxg5dbon2gk3tuovzg2zlsmfzxg43jnz2xg.tunnel.example.net", 298, 1),
		},
	}
}
