package toolsearch

import "strings"

// A request may use another form of a word than the tools do: "riskiest"
// for risk, "healthy" for health, "isolation" for isolate, "critical" for
// criticality. Each word therefore also reads, at derivedWeight, as its
// relatives (see relatives in query.go): the known word it derives from
// (base), and the index terms that derive from it (derivedTerms). The
// rules below are rough, and would fold unrelated words together if they
// were applied blindly ("container" and "contain"); they only ever lead to
// a word the index or the lexicon knows, and a word typed still counts
// more than its relatives.

// derivation is a suffix rewrite giving a candidate base: "riskiest" ->
// "risky" -> "risk", "isolation" -> "isolate", "scanner" -> "scan".
type derivation struct {
	from, to string
	// inflection marks comparisons, agent nouns and adjectives in -y,
	// which requests use ("riskiest", "scanner", "healthy") but which in
	// tool prose rarely mean their base ("container" is not "contain",
	// "ready" is not "read"): they are undone in requests only.
	inflection bool
}

var derivations = []derivation{
	{"ically", "ic", false}, {"ally", "al", false}, {"ily", "y", false}, {"ly", "", false},
	{"iest", "y", true}, {"iest", "", true}, {"ier", "y", true}, {"est", "", true}, {"er", "", true}, {"er", "e", true},
	{"ality", "al", false}, {"ity", "", false}, {"ness", "", false}, {"ment", "", false},
	{"ication", "y", false}, {"ation", "ate", false}, {"ation", "", false}, {"ion", "e", false}, {"ion", "", false},
	{"ive", "e", false}, {"ive", "", false}, {"able", "e", false}, {"able", "", false}, {"ible", "", false}, {"ful", "", false},
	{"al", "", false}, {"ic", "", false}, {"y", "", true},
}

// prefixes are undone too when no suffix is: "recompute" is compute again.
var prefixes = []string{"re", "pre"}

// base is the word w derives from, spelled so that its stem is known:
// "riskiest" -> "risk", "recompute" -> "compute"; "" when none is. The
// first rule that gives a known word wins. With inflections false, the
// rules marked inflection are skipped.
func base(w string, known func(string) bool, inflections bool) string {
	if stopwords[w] || len(w) < 4 || !isLetters(w) {
		return ""
	}
	b := stripPlural(w)
	for _, d := range derivations {
		if d.inflection && !inflections {
			continue
		}
		if c, ok := strings.CutSuffix(b, d.from); ok && len(c) >= 4 {
			if c += d.to; stem(c) != stem(w) && known(stem(c)) {
				return c
			}
		}
	}
	for _, p := range prefixes {
		if c, ok := strings.CutPrefix(w, p); ok && len(c) >= 4 && stem(c) != stem(w) && known(stem(c)) {
			return c
		}
	}
	return ""
}

// derivedTerms maps each stem to the index terms derived from it, by
// undoing their derivation (not inflections): "critical" to
// "criticality", "isolat" to "isolation".
func derivedTerms(terms []string, known func(string) bool) map[string][]string {
	out := map[string][]string{}
	for _, t := range terms {
		if b := base(t, known, false); b != "" {
			out[stem(b)] = append(out[stem(b)], t)
		}
	}
	return out
}
