package sandbox

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestStoryTextsMatchEvents: what the cases and timeline notes say of the
// events (how many failed logins and from where, when the one success
// came, how many tunnelled queries, when the shadow copies went) is what
// ES|QL finds in the events, for two seeds and both spaces.
func TestStoryTextsMatchEvents(t *testing.T) {
	for _, seed := range []int64{1, 7} {
		k := New(Config{APIKey: testKey, Seed: seed, Now: func() time.Time { return evNow }})
		for _, space := range []string{"default", "soc"} {
			prefix := ""
			if space != "default" {
				prefix = "/s/" + space
			}
			cast := castFor(space, evNow)
			texts := caseTexts(t, k, prefix)
			clock := func(at any) string {
				ts, _ := time.Parse(time.RFC3339Nano, at.(string))
				return ts.UTC().Format("15:04 UTC on 2 January")
			}

			// Brute force: the failures from the attackers, the accounts
			// they tried, the one success.
			brute := texts[map[string]string{"default": "Brute force against VPN gateway vpn-gw-01", "soc": "Credential stuffing against customer portal"}[space]]
			failures := 0
			for _, row := range esqlRows(t, k, `FROM logs-system.auth-* | WHERE host.name == ?h AND event.outcome == "failure" | STATS n = COUNT(*) BY source.ip`, map[string]any{"h": cast.bruteHost}) {
				for _, a := range cast.attackers {
					if row["source.ip"] == a {
						failures += num(row["n"])
					}
				}
			}
			if want := strconv.Itoa(failures) + " failed logins"; !strings.HasPrefix(brute, want) || !strings.Contains(brute, joinAnd(cast.attackers)) {
				t.Errorf("seed %d %s: %q, want it to start %q and name %v", seed, space, brute, want, cast.attackers)
			}
			success := esqlRows(t, k, `FROM logs-system.auth-* | WHERE host.name == ?h AND event.category == "authentication" AND event.outcome == "success" AND user.name == ?u | KEEP @timestamp`,
				map[string]any{"h": cast.bruteHost}, map[string]any{"u": cast.bruteUsers[len(cast.bruteUsers)-1]})
			if len(success) != 1 || !strings.Contains(brute, "at "+clock(success[0]["@timestamp"])) {
				t.Errorf("seed %d %s: %q; the successes: %v", seed, space, brute, success)
			}
			if space == "soc" {
				users := map[string]bool{}
				for _, row := range esqlRows(t, k, `FROM logs-system.auth-* | WHERE host.name == ?h AND event.outcome == "failure" AND NOT STARTS_WITH(TO_STRING(source.ip), "10.") | STATS BY user.name`, map[string]any{"h": cast.bruteHost}) {
					users[row["user.name"].(string)] = true
				}
				if !strings.Contains(brute, "against "+strconv.Itoa(len(users))+" accounts") {
					t.Errorf("seed %d: %q; accounts tried: %v", seed, brute, users)
				}
			}

			// DNS tunneling: the TXT queries to the tunnel domain.
			domain := cast.tunnelDomain[strings.IndexByte(cast.tunnelDomain, '.')+1:]
			dns := texts[map[string]string{"default": "Possible DNS tunneling from build server", "soc": "DNS tunneling to newly registered domain"}[space]]
			n := esqlRows(t, k, `FROM logs-network_traffic.dns-* | WHERE dns.question.registered_domain == ?d AND dns.question.type == "TXT" | STATS n = COUNT(*)`, map[string]any{"d": domain})
			if want := strconv.Itoa(num(n[0]["n"])) + " "; !regexp.MustCompile(`\b` + want + `(long, high-entropy )?TXT queries to (subdomains of )?` + regexp.QuoteMeta(domain)).MatchString(dns) {
				t.Errorf("seed %d %s: %q, want %sTXT queries to %s", seed, space, dns, want, domain)
			}

			// Ransomware: when the shadow copies went; the encryptor's start
			// in the notes; a ransom note in every folder renamed in.
			shadows := esqlRows(t, k, `FROM logs-endpoint.events.process-* | WHERE host.name == ?h AND process.name == "vssadmin.exe" | KEEP @timestamp`, map[string]any{"h": cast.fileServer})
			start := esqlRows(t, k, `FROM logs-endpoint.events.process-* | WHERE host.name == ?h AND process.name == ?p | KEEP @timestamp`, map[string]any{"h": cast.fileServer}, map[string]any{"p": cast.ransomProc})
			if len(shadows) != 1 || len(start) != 1 {
				t.Fatalf("seed %d %s: shadows %v, start %v", seed, space, shadows, start)
			}
			if ransom := texts["Ransomware staged on backup server bkp-01"]; space == "soc" && !strings.Contains(ransom, "deleted at "+clock(shadows[0]["@timestamp"])) {
				t.Errorf("seed %d: %q, want the shadow copies at %s", seed, ransom, clock(shadows[0]["@timestamp"]))
			}
			started := "started at " + clock(start[0]["@timestamp"])
			if comment := texts["Ransomware encryption on file server fs-02 (comments)"]; space == "default" && !strings.Contains(comment, started) {
				t.Errorf("seed %d: the comments do not say %q: %s", seed, started, comment)
			}
			for _, note := range timelineNotes(t, k, prefix) {
				if strings.Contains(note, "renamed these files") && !strings.Contains(note, started) {
					t.Errorf("seed %d %s: note %q, want %q", seed, space, note, started)
				}
				if strings.Contains(note, "the logon that succeeded") && !strings.Contains(note, clock(success[0]["@timestamp"])) {
					t.Errorf("seed %d %s: note %q, want the success at %s", seed, space, note, clock(success[0]["@timestamp"]))
				}
			}
			dirs := esqlRows(t, k, `FROM logs-endpoint.events.file-* | WHERE host.name == ?h AND file.extension == ?x | STATS BY file.directory`, map[string]any{"h": cast.fileServer}, map[string]any{"x": cast.ransExt})
			notes := esqlRows(t, k, `FROM logs-endpoint.events.file-* | WHERE host.name == ?h AND file.name == "README_RESTORE.txt" | STATS BY file.directory`, map[string]any{"h": cast.fileServer})
			if len(dirs) == 0 || len(notes) != len(dirs) {
				t.Errorf("seed %d %s: ransom notes in %d of %d folders", seed, space, len(notes), len(dirs))
			}
		}
	}
}

// caseTexts maps each case's title to its description, and "title
// (comments)" to its comments joined.
func caseTexts(t *testing.T, k *Kibana, prefix string) map[string]string {
	t.Helper()
	status, found := do(t, k, "GET", prefix+"/api/cases/_find?perPage=100", "", nil)
	if status != 200 {
		t.Fatalf("cases: %d %v", status, found)
	}
	out := map[string]string{}
	for _, c := range found["cases"].([]any) {
		c := c.(map[string]any)
		title := c["title"].(string)
		out[title] = c["description"].(string)
		_, comments := do(t, k, "GET", prefix+"/api/cases/"+c["id"].(string)+"/comments/_find?perPage=100", "", nil)
		var texts []string
		for _, cm := range comments["comments"].([]any) {
			if s, ok := cm.(map[string]any)["comment"].(string); ok {
				texts = append(texts, s)
			}
		}
		out[title+" (comments)"] = strings.Join(texts, "\n")
	}
	return out
}

// timelineNotes are the texts of a space's timeline notes.
func timelineNotes(t *testing.T, k *Kibana, prefix string) []string {
	t.Helper()
	var out []string
	for _, tl := range k.spaces[map[string]string{"": "default", "/s/soc": "soc"}[prefix]].timelines.notes {
		out = append(out, tl.text)
	}
	return out
}
