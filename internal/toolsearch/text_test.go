package toolsearch

import (
	"slices"
	"testing"
)

func TestWordsSplitsIdentifiers(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"caseId", []string{"case", "id", "caseid"}},
		{"user_actions", []string{"user", "actions"}},
		{"APIVersion", []string{"api", "version", "apiversion"}},
		{"/api/cases/{caseId}/comments/_find", []string{"api", "cases", "case", "id", "caseid", "comments", "find"}},
		{"close-by-pushing, web-01!", []string{"close", "by", "pushing", "web", "01"}},
		{"Größe ändern", []string{"größe", "ändern"}},
		{"", nil},
	} {
		if got := words(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("words(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// A request keeps camelCase words whole: "ServiceNow" is one name. Its
// numbers are values, and go.
func TestQueryWordsKeepsCamelCaseWhole(t *testing.T) {
	got := queryWords("Send it to ServiceNow, caseId 7, web01")
	want := []string{"send", "it", "to", "servicenow", "caseid", "web01"}
	if !slices.Equal(got, want) {
		t.Errorf("queryWords = %q, want %q", got, want)
	}
}

func TestStemFoldsInflections(t *testing.T) {
	for _, group := range [][]string{
		{"case", "cases"},
		{"mute", "muted", "mutes", "muting"},
		{"comment", "comments", "commented", "commenting"},
		{"attach", "attached", "attaches", "attaching"},
		{"close", "closed", "closes", "closing"},
		{"tag", "tags", "tagged", "tagging"},
		{"add", "adds", "added", "adding"},
		{"isolate", "isolated", "isolates", "isolating"},
		{"change", "changed", "changes"},
		{"policy", "policies"},
		{"modify", "modified", "modifies"},
		{"process", "processes"},
		{"status", "statuses"},
		{"search", "searches"},
		{"need", "needed"},
		{"setting", "settings"},
	} {
		want := stem(group[0])
		for _, w := range group[1:] {
			if got := stem(w); got != want {
				t.Errorf("stem(%q) = %q, want %q like stem(%q)", w, got, want, group[0])
			}
		}
	}
}

func TestStemKeepsWordsApart(t *testing.T) {
	for _, pair := range [][2]string{
		{"settings", "set"}, // case settings are not the verb of set_case_configuration
		{"status", "stat"},
		{"string", "str"},
	} {
		if stem(pair[0]) == stem(pair[1]) {
			t.Errorf("stem(%q) == stem(%q) == %q", pair[0], pair[1], stem(pair[0]))
		}
	}
	for _, w := range []string{"id", "01", "v2", "base64"} {
		if got := stem(w); got != w {
			t.Errorf("stem(%q) = %q, want it unchanged", w, got)
		}
	}
}

func TestTermsDropStopwords(t *testing.T) {
	got := terms("Please show me all the open cases for my team")
	want := []string{stem("open"), stem("cases"), stem("team")}
	if !slices.Equal(got, want) {
		t.Errorf("terms = %q, want %q", got, want)
	}
}

func TestPhrasesBecomeTheirMeaning(t *testing.T) {
	for in, want := range map[string][]string{
		"get rid of the index pattern": {"delete", "the", "data", "view"},
		// A particle after the object still belongs to its verb.
		"turn the pack off":         {"disable", "the", "pack"},
		"turn off the pack":         {"disable", "the", "pack"},
		"turn the rule back on now": {"enable", "the", "rule", "back", "now"},
		// A person taken off or put on a thing is (un)assigned.
		"take me off those alerts":   {"unassign", "me", "from", "those", "alerts"},
		"remove him from the case":   {"unassign", "him", "from", "the", "case"},
		"remove the tag from a case": {"remove", "the", "tag", "from", "a", "case"},
		// Leaving a note writes one.
		"drop a note on the case": {"add", "a", "note", "on", "the", "case"},
		// The source of logs narrows them down.
		"check the proxy logs now": {"check", "the", "logs", "from", "proxy", "now"},
		"search logs for evil":     {"search", "logs", "for", "evil"},
		// Signing out, with the person before the particle.
		"log bob out of kibana": {"invalidate", "sessions", "bob", "of", "kibana"},
		"whats in the list":     {"what", "items", "in", "the", "list"},
		"whats up":              {"what", "is", "up"},
	} {
		if got := applyPhrases(queryWords(in)); !slices.Equal(got, want) {
			t.Errorf("applyPhrases(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLexiconTablesAreStemmed(t *testing.T) {
	// "closed" finds the line of "close", and meanings are stems.
	if !slices.Contains(synonyms()[stem("closed")], stem("status")) {
		t.Errorf("synonyms of closed = %q, want status among them", synonyms()[stem("closed")])
	}
	if !slices.Contains(senses()[stem("assign")], stem("assignee")) {
		t.Errorf("senses of assign = %q, want assignee among them", senses()[stem("assign")])
	}
}

// British spellings meet the American ones the tools use, and short forms
// their long ones.
func TestStemFoldsSpellingsAndShortForms(t *testing.T) {
	for _, pair := range [][2]string{
		{"anonymise", "anonymize"}, {"anonymised", "anonymized"}, {"anonymisation", "anonymization"},
		{"prioritising", "prioritizing"}, {"categorises", "categorizes"},
		{"env", "environments"}, {"prod", "production"},
	} {
		if stem(pair[0]) != stem(pair[1]) {
			t.Errorf("stem(%q) = %q, stem(%q) = %q; want them equal", pair[0], stem(pair[0]), pair[1], stem(pair[1]))
		}
	}
}
