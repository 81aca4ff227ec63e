package toolsearch

import (
	"slices"
	"testing"
)

// knownOf is a vocabulary of the stems of words.
func knownOf(words ...string) func(string) bool {
	set := map[string]bool{}
	for _, w := range words {
		set[stem(w)] = true
	}
	return func(s string) bool { return set[s] }
}

func TestBaseUndoesDerivations(t *testing.T) {
	known := knownOf("risk", "health", "isolate", "critical", "extreme", "compute", "scan", "notify")
	for w, want := range map[string]string{
		"riskiest":     "risk",
		"healthy":      "health",
		"isolation":    "isolate",
		"criticality":  "critical",
		"extremely":    "extreme",
		"recompute":    "compute",
		"scanner":      "scan",
		"notification": "notify",
		"risk":         "", // known words derive from nothing else
		"whatever":     "", // nothing known to derive from
		"the":          "", // stopwords are not read
	} {
		if got := base(w, known, true); stem(got) != stem(want) {
			t.Errorf("base(%q) = %q, want %q", w, got, want)
		}
	}
	// Comparisons, agent nouns and -y adjectives are undone in requests
	// only: in tool prose "container" is no contain, "ready" no read.
	for _, w := range []string{"container", "ready", "riskiest"} {
		if got := base(w, knownOf("contain", "read", "risk"), false); got != "" {
			t.Errorf("base(%q) without inflections = %q, want none", w, got)
		}
	}
}

func TestDerivedTermsMapBasesToIndexTerms(t *testing.T) {
	terms := []string{stem("criticality"), stem("isolation"), stem("container"), stem("critical"), stem("isolate"), stem("contain")}
	got := derivedTerms(terms, knownOf("criticality", "isolation", "container", "critical", "isolate", "contain"))
	if !slices.Equal(got[stem("critical")], []string{stem("criticality")}) || !slices.Equal(got[stem("isolate")], []string{stem("isolation")}) {
		t.Errorf("derivedTerms = %v, want critical: criticality and isolate: isolation", got)
	}
	if len(got[stem("contain")]) != 0 {
		t.Errorf("derivedTerms = %v: an agent noun is not derived from its verb", got)
	}
}

// A request finds a tool through another form of its words, in either
// direction, and the form typed still counts most.
func TestSearchReadsRelatedForms(t *testing.T) {
	ix := New([]Doc{
		{Name: "get_asset_criticality", Title: "Get asset criticality", Method: "GET"},
		{Name: "list_entities", Title: "List entities", Method: "GET", Description: "Entities with their risk."},
		{Name: "get_health", Title: "Get health", Method: "GET"},
		{Name: "find_widgets", Title: "Find widgets", Method: "GET"},
	})
	first(t, ix, "how critical is this asset", "get_asset_criticality") // critical: criticality
	first(t, ix, "the riskiest entities", "list_entities")              // riskiest: risk
	first(t, ix, "is it healthy", "get_health")                         // healthy: health
	ix = New([]Doc{
		{Name: "tool_a", Title: "Isolation"},
		{Name: "tool_b", Title: "Isolate"},
	})
	if got := names(ix.Search("isolate", 0)); !slices.Equal(got, []string{"tool_b", "tool_a"}) {
		t.Errorf("isolate: %v, want the literal match first, then its derived form", got)
	}
}
