package toolsearch

import (
	"slices"
	"strings"
	"testing"
)

// Values are read as the kind of thing they are, or not at all; quoted
// names are not read.
func TestValuesReadAsTheirKind(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"pull invoice.exe from C:\\Users\\bob\\Downloads now", "pull file from folder now"},
		{"grab /tmp/payload.elf off the box", "grab file off the box"},
		{"what fields are in logs-endpoint.events.process-*?", "what fields are in pattern?"},
		{"alerts on WS-0231, srv-db-02 and evil.com", "alerts on hostvalue, hostvalue and"},
		{"tag them needs-tier2", "tag them"},
		{"BY source.ip", "BY"},
		{"FROM logs-* | STATS count()", "FROM pattern esql STATS count()"},
		{"the shared 'trusted admin tools' exceptions list", "the shared exceptions list"},
		{"add the tag \"apt29\" to this incident", "add the tag to this incident"},
		{"what's Elastic's rule for it?", "what's Elastic's rule for it?"},
		{"un-isolate it, the dry-run passed", "un-isolate it, the dry-run passed"},
		// An address is what an analyst pivots on; a concrete index is an
		// index, whatever its dataset's words say.
		{"anyone hitting 185.220.101.4 or 10.0.0.0/8?", "anyone hitting ip or ip?"},
		{"doc abc from .ds-logs-endpoint.events.process-default", "doc abc from index"},
		{"doc abc from logs-system.auth-default", "doc abc from index"},
		{"version 8.15.0 of it", "version 8.15.0 of it"},
		{"where does /goto/abc123 lead?", "where does shorturl lead?"},
	} {
		if got := withoutValues(tc.in); got != tc.want {
			t.Errorf("withoutValues(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// A word nobody knows reads as the known words one slip away, not
// counting its first letter; short words and changed letters in short
// words do not.
func TestSlipsReadAsKnownWords(t *testing.T) {
	sp := newSpellings([]string{"connector", "exception", "isolat", "admin", "login", "right", "order"})
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"conector", []string{"connector"}},
		{stem("exeptions"), []string{"exception"}},
		{stem("isolte"), []string{"isolat"}},
		{"admit", nil},               // a changed letter in a short word
		{"night", nil},               // the first letter
		{"logic", nil},               // a changed letter in a short word
		{"ordre", []string{"order"}}, // swapped
		{"adm", nil},
	} {
		if got := sp.near(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("near(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestMistypedWordsFindTheirTool(t *testing.T) {
	ix := New(caseDocs)
	first(t, ix, "pusch the case to the conector", "push_case")
	first(t, ix, "show the coments on this case", "find_case_comments")
}

// Putting something on a host uploads a file to it; putting agents in a
// policy does not.
func TestPlacingOnAHostUploads(t *testing.T) {
	ix := New([]Doc{
		{Name: "upload_endpoint_file", Title: "Upload file to endpoint", Method: "POST", Description: "Put a file on hosts."},
		{Name: "delete_agent", Title: "Delete agent", Method: "DELETE", Description: "Remove an agent (a host) from Fleet."},
		{Name: "push_case", Title: "Push case", Method: "POST", Description: "Send a case to an external system."},
		{Name: "reassign_agent", Title: "Reassign agent", Method: "POST", Description: "Move an agent to another policy."},
	})
	first(t, ix, "drop our cleanup tool onto the infected host", "upload_endpoint_file")
	first(t, ix, "push a tool to the host so we can run it", "upload_endpoint_file")
	first(t, ix, "put the collector script on web-03", "upload_endpoint_file")
	first(t, ix, "drop the host from fleet", "delete_agent")
	first(t, ix, "push the case to the ticketing system", "push_case")
}

// "Have the assistant correlate the alerts" orders; "have the alerts
// been closed?" asks.
func TestCausativeHaveOrders(t *testing.T) {
	if q := parseQuery("have the assistant correlate today's alerts", nil); q.intent != writeIntent || q.question {
		t.Errorf("causative have: intent %d, question %v; want a change", q.intent, q.question)
	}
	if q := parseQuery("have the alerts been closed?", nil); !q.question {
		t.Errorf("have ...?: want a question")
	}
}

// A noun that may be a verb orders only before anything is named: "log it
// in the case", not "case activity log".
func TestNounVerbLeadsOnlyBeforeItsObject(t *testing.T) {
	if q := parseQuery("log in the case that the user clicked", nil); q.intent != writeIntent {
		t.Errorf("log in the case: intent %d; want a change", q.intent)
	}
	if q := parseQuery("case activity log for case 9", nil); q.intent != readIntent {
		t.Errorf("case activity log: intent %d; want a read", q.intent)
	}
}

// Stopping a rule for one host, user or file asks for an exception;
// stopping the rule disables it.
func TestStoppingForAnEntityExcepts(t *testing.T) {
	ix := New([]Doc{
		{Name: "disable_rule", Title: "Disable rule", Method: "POST", Description: "Stop a rule from running."},
		{Name: "create_rule_exception_items", Title: "Create rule exception items", Method: "POST",
			Description: "Add exceptions to a rule: events matching them raise no alerts."},
	})
	first(t, ix, "stop alerting on svchost.exe from the build servers for this rule", "create_rule_exception_items")
	first(t, ix, "stop the disk space rule", "disable_rule")
}

// What is tried before it goes live is previewed.
func TestTryingBeforeGoingLivePreviews(t *testing.T) {
	for in, want := range map[string]string{
		"test it before i turn it on":   "test it preview",
		"run it before enabling it":     "run it preview",
		"before we reimage the host":    "before we reimage the host",
		"check it before going live ok": "check it preview ok",
	} {
		if got := strings.Join(applyPhrases(strings.Fields(in)), " "); got != want {
			t.Errorf("applyPhrases(%q) = %q, want %q", in, got, want)
		}
	}
}
