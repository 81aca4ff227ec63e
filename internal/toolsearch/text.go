package toolsearch

import (
	"strings"
	"unicode"
)

// words splits text into lowercase words: at every character that is not a
// letter or digit (so snake_case, paths and punctuation split), and at
// camelCase humps, because argument names and path placeholders (caseId,
// syncAlerts, APIVersion) carry the words a person types apart. A word with
// humps is also kept whole ("servicenow"), since people type brand names
// (ServiceNow, PagerDuty) as one word; see queryWords.
func words(text string) []string {
	var out []string
	for _, run := range alnumRuns(text) {
		if !hasUpper(run) {
			out = append(out, run) // most prose: nothing to split or lower
			continue
		}
		pieces := humps(run)
		for _, p := range pieces {
			out = append(out, strings.ToLower(p))
		}
		if len(pieces) > 1 {
			out = append(out, strings.ToLower(run))
		}
	}
	return out
}

// parts splits text like words but without the whole forms, for reading
// the structure of an identifier (caseId: case, id).
func parts(text string) []string {
	var out []string
	for _, run := range alnumRuns(text) {
		for _, p := range humps(run) {
			out = append(out, strings.ToLower(p))
		}
	}
	return out
}

// queryWords splits a request without splitting camelCase: "ServiceNow" in
// a request is one name, not "service" and "now". Documents hold the whole
// form too (see words), so "caseId" typed in a request still matches.
// Numbers are left out: in a request they are values (case 42, the last 24
// hours, 10.0.0.5), and a tool whose text happens to hold the same number
// is no nearer the wish. A hyphenated "un-" stays with its word:
// "un-isolate" is unisolate.
func queryWords(text string) []string {
	runs := alnumRuns(text)
	out := runs[:0]
	for _, run := range runs {
		run = strings.ToLower(run)
		switch {
		case isDigits(run):
		case len(out) > 0 && out[len(out)-1] == "un":
			out[len(out)-1] += run
		default:
			out = append(out, run)
		}
	}
	return out
}

func isDigits(s string) bool {
	return strings.TrimFunc(s, unicode.IsDigit) == ""
}

// alnumRuns are the maximal runs of letters and digits in text, as
// substrings of it.
func alnumRuns(text string) []string {
	var out []string
	start := -1
	for i, r := range text {
		alnum := unicode.IsLetter(r) || unicode.IsDigit(r)
		switch {
		case alnum && start < 0:
			start = i
		case !alnum && start >= 0:
			out = append(out, text[start:i])
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, text[start:])
	}
	return out
}

// humps splits a run at its camelCase humps.
func humps(run string) []string {
	rs := []rune(run)
	var out []string
	start := 0
	for i := 1; i < len(rs); i++ {
		if humpAt(rs, i) {
			out = append(out, string(rs[start:i]))
			start = i
		}
	}
	return append(out, string(rs[start:]))
}

func hasUpper(s string) bool {
	for _, r := range s {
		if unicode.IsUpper(r) {
			return true
		}
	}
	return false
}

// humpAt reports whether a camelCase word starts at runes[i]: an upper-case
// letter after a lower-case letter or digit (caseId), or the last capital of
// an acronym followed by lower case (the V of APIVersion).
func humpAt(runes []rune, i int) bool {
	r, prev := runes[i], runes[i-1]
	if !unicode.IsUpper(r) {
		return false
	}
	if unicode.IsLower(prev) || unicode.IsDigit(prev) {
		return true
	}
	return unicode.IsUpper(prev) && i+1 < len(runes) && unicode.IsLower(runes[i+1])
}

// stopwords are words that say nothing about which operation is meant.
// Words that name a state ("open", "new") are kept: they tell a search from
// a create. "All" and "every" go: "show all comments" is a list, not
// delete_case_comments ("Delete all case comments"); plurals say one from
// many better (see docMarks). Question words are here too: they set the
// read intent (intentWords) before they go.
var stopwords = setOf(
	"a", "an", "the", "this", "that", "these", "those", "it", "its", "they", "them", "their",
	"i", "me", "my", "we", "us", "our", "you", "your", "he", "she", "his", "her", "someone", "anyone", "anything", "nothing",
	"is", "are", "was", "were", "be", "been", "being", "am",
	"do", "does", "did", "have", "has", "had", "can", "could", "would", "should", "will", "shall", "may", "might", "must",
	"to", "of", "for", "on", "in", "at", "by", "from", "into", "onto", "about", "as", "with", "within", "via", "per",
	"and", "or", "but", "if", "then", "so", "than", "there", "here",
	"which", "what", "who", "whom", "whose", "when", "where", "why", "how",
	"please", "show", "tell", "want", "need", "let", "like", "just", "also", "already", "still",
	"all", "every", "each", "entire", "whole", "some", "any", "one", "ones", "thing", "things", "stuff", "everything", "something", "up", "out", "over",
	"saying", "says", "say", "else", "again", "now", "currently", "really", "very", "not",
	// What is left of contractions ("what's", "don't", "we're").
	"s", "t", "d", "m", "ll", "re", "ve",
)

func setOf(ws ...string) map[string]bool {
	set := make(map[string]bool, len(ws))
	for _, w := range ws {
		set[w] = true
	}
	return set
}

// stem folds inflections of a word onto one key so "cases", "muted",
// "attached" and "comments" meet "case", "mute", "attach" and "comment".
// Keys need not be words ("case" and "cases" both become "cas"): only
// equality matters, because documents and queries go through the same
// function. Steps: plural, then -ed/-ing, then a final e, then a final
// doubled consonant, so that "close", "closed", "closes" and "closing" all
// agree, as do "tag", "tags", "tagged".
func stem(w string) string {
	if len(w) < 3 || !isLetters(w) {
		return w
	}
	if k, ok := irregular[w]; ok {
		return k
	}
	w = americanSpelling(w)
	w = stripPlural(w)
	w = stripVerbEnding(w)
	if len(w) > 2 && strings.HasSuffix(w, "e") {
		w = w[:len(w)-1]
	}
	return undouble(w)
}

// americanSpelling folds the British -ise and -isation onto the -ize and
// -ization the tools are written with: "anonymised" meets "anonymized".
// Words that only look alike ("raise", "noise") fold the same way on both
// sides, so no harm is done.
func americanSpelling(w string) string {
	if i := strings.LastIndex(w, "isation"); i > 0 {
		return w[:i] + "ization" + w[i+len("isation"):]
	}
	for _, suffix := range []string{"ise", "ised", "ises", "ising", "iser", "isers"} {
		if base, ok := strings.CutSuffix(w, suffix); ok && len(base) >= 3 {
			return base + "iz" + suffix[2:]
		}
	}
	return w
}

// irregular are words the rules would fold onto a different word, or
// would not fold onto theirs: the "settings" of a case are not the verb
// "set" that names tools, "alerting" is the framework and not alerts, and
// short forms people type ("env", "prod") are their long ones.
var irregular = map[string]string{
	"setting": "setting", "settings": "setting", "alerting": "alerting",
	"env": "environment", "envs": "environment", "prod": "production", "perms": "permission", "creds": "credential",
	"crit": "critical", "diag": "diagnostic", "diags": "diagnostic", "k8s": "kubernet", "sev": "severity",
	"o11y": "observability",
}

// isPlural reports whether the plural rule would change w.
func isPlural(w string) bool {
	return len(w) >= 3 && isLetters(w) && irregular[w] == "" && stripPlural(w) != w
}

func stripPlural(w string) string {
	switch {
	case strings.HasSuffix(w, "ies") && len(w) > 4:
		return w[:len(w)-3] + "y" // policies -> policy
	case strings.HasSuffix(w, "sses"):
		return w[:len(w)-2] // processes -> process
	case strings.HasSuffix(w, "ss"), strings.HasSuffix(w, "us"), strings.HasSuffix(w, "is"):
		return w // status, analysis, access are singular
	case strings.HasSuffix(w, "s") && hasVowel(w[:len(w)-1]):
		return w[:len(w)-1] // cases -> case; matches -> matche, folded by the e rule
	}
	return w
}

func stripVerbEnding(w string) string {
	switch {
	case strings.HasSuffix(w, "ied") && len(w) > 4:
		return w[:len(w)-3] + "y" // modified -> modify
	case strings.HasSuffix(w, "eed"):
		return w // need, feed: the e is not an ending
	case strings.HasSuffix(w, "ed") && isStem(w[:len(w)-2]):
		return w[:len(w)-2]
	case strings.HasSuffix(w, "ing") && isStem(w[:len(w)-3]):
		return w[:len(w)-3]
	}
	return w
}

// isStem keeps short words like "red", "bring" or "string" whole: what is
// left after an ending must have two letters and a vowel.
func isStem(s string) bool { return len(s) >= 2 && hasVowel(s) }

func undouble(w string) string {
	n := len(w)
	if n > 2 && w[n-1] == w[n-2] && !strings.ContainsRune("aeiou", rune(w[n-1])) {
		return w[:n-1]
	}
	return w
}

func hasVowel(s string) bool { return strings.ContainsAny(s, "aeiouy") }

func isLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return true
}

// terms turns text into index terms: words, without stopwords, stemmed.
func terms(text string) []string {
	ws := words(text)
	out := ws[:0]
	for _, w := range ws {
		if !stopwords[w] {
			out = append(out, stem(w))
		}
	}
	return out
}
