package sandbox

import (
	"strings"
	"testing"
	"time"
)

// The Windows, Defend registry and cloud streams tell the same stories as
// the first six: the same hosts, accounts and times, seen by other sensors.
func TestOtherSensorsTellTheSameStories(t *testing.T) {
	k := evSandbox()
	for _, tc := range []struct{ space, psHost, psUser, fileServer, ransomUser, runName string }{
		{"default", "ws-0142", "l.wong", "fs-02", "svc-backup", "OneDriveUpdate"},
		{"soc", "dc-02", "svc-sql", "bkp-01", "svc-backup", "SqlHealthCheck"},
	} {
		ps := storyAlertsOf(k, tc.space, "suspicious-powershell")
		// Each encoded PowerShell is a 4688, a Sysmon process creation and,
		// decoded, a 4104 script block, on the alert's host at its time.
		for _, code := range []string{"4688", "1"} {
			rows := esqlRows(t, k, `FROM logs-system.security-*, logs-windows.sysmon_operational-* | WHERE host.name == ?1 AND event.code == ?2 AND process.name == "powershell.exe" AND process.command_line LIKE "*-enc *" | STATS n = COUNT(*)`, tc.psHost, code)
			if num(rows[0]["n"]) != len(ps) {
				t.Errorf("%s: %d powershell events with code %s, %d alerts", tc.space, num(rows[0]["n"]), code, len(ps))
			}
		}
		rows := esqlRows(t, k, `FROM logs-windows.powershell_operational-* | WHERE host.name == ?1 AND event.code == "4104" AND file.path IS NULL | SORT @timestamp | KEEP @timestamp, powershell.file.script_block_text, user.name`, tc.psHost)
		if len(rows) < len(ps) || rows[0]["user.name"] != tc.psUser {
			t.Fatalf("%s: script blocks %v", tc.space, rows)
		}
		if first := rows[0]["@timestamp"].(string); first < ps[0].at.Format(time.RFC3339Nano)[:19] || !strings.Contains(rows[0]["powershell.file.script_block_text"].(string), "New-Object") {
			t.Errorf("%s: first script block %v, first alert at %s", tc.space, rows[0], ps[0].at)
		}
		// The Run key the second stage wrote, seen by Defend and by Sysmon,
		// after the last alert, and what it starts is the stage's address.
		last := ps[len(ps)-1].at.Format(time.RFC3339Nano)
		rows = esqlRows(t, k, `FROM logs-endpoint.events.registry-*, logs-windows.sysmon_operational-* | WHERE host.name == ?1 AND ENDS_WITH(registry.key, "\\CurrentVersion\\Run") AND process.name == "powershell.exe" | KEEP @timestamp, registry.value, registry.data.strings`, tc.psHost)
		if len(rows) != 2 {
			t.Fatalf("%s: run keys %v", tc.space, rows)
		}
		for _, r := range rows {
			if r["registry.value"] != tc.runName || r["@timestamp"].(string) < last[:19] || !strings.Contains(r["registry.data.strings"].(string), "DownloadString") {
				t.Errorf("%s: run key %v (last alert %s)", tc.space, r, last)
			}
		}
		// The account the brute force won logs on to the file server over the
		// network before the encryptor starts; a scheduled task and a service
		// install it.
		start := ransomStart(storyAlertsOf(k, tc.space, "ransomware-behaviour")[0]).Format(time.RFC3339Nano)
		rows = esqlRows(t, k, `FROM logs-system.security-* | WHERE host.name == ?1 AND user.name == ?2 AND @timestamp < TO_DATETIME(?3) | STATS n = COUNT(*) BY event.code, winlog.logon.type | SORT event.code`, tc.fileServer, tc.ransomUser, start)
		got := map[string]int{}
		for _, r := range rows {
			got[r["event.code"].(string)] += num(r["n"])
		}
		if got["4624"] < 2 || got["4625"] < 3 || got["4698"] != 1 || got["4697"] != 1 {
			t.Errorf("%s: security events on %s before %s: %v", tc.space, tc.fileServer, start, rows)
		}
	}
	// Every stream's events are in the story's week, none in the future,
	// and each stream stays small.
	rows := esqlRows(t, k, `FROM logs-* | STATS n = COUNT(*), oldest = MIN(@timestamp), newest = MAX(@timestamp) BY data_stream.dataset`)
	for _, r := range rows {
		if r["newest"].(string) > evNow.Format(time.RFC3339) || r["oldest"].(string) < evNow.AddDate(0, 0, -8).Format(time.RFC3339) || num(r["n"]) > 1000 {
			t.Errorf("%v", r)
		}
	}
}
