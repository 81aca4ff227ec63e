package toolsearch

import "strings"

// A request may hold more than one clause: "the brute force rule has been
// firing all night, snooze it until morning". The clause that orders is
// read first, for the order; the others are context (see parseQuery).

// clauses are the words of a request's clauses, which end at a comma, a
// semicolon, a question or exclamation mark, a full stop or colon before a
// space (not in "payload.elf" or "10:05"), and before "so" or "then". The
// words from a payload mark on are left out (see withoutPayload).
func clauses(text string) [][]string {
	var out [][]string
	text = withoutValues(text)
	if ws := strings.Fields(text); len(ws) > 2 && causatives[strings.ToLower(ws[0])] && determiners[strings.ToLower(ws[1])] &&
		!strings.HasSuffix(text, "?") {
		// "Have the assistant correlate the alerts" orders the
		// correlation; "have" asks nothing.
		text = strings.Join(ws[1:], " ")
	}
	texts := clauseTexts(text)
	for _, c := range texts {
		ws := applyPhrases(queryWords(c))
		if len(texts) > 1 && negated(ws) {
			continue // "don't kill it, just freeze it" orders the freeze
		}
		kept := withoutPayload(ws)
		out = append(out, splitAtWords(kept, clauseWords)...)
		if len(kept) < len(ws) {
			break // the payload runs on to the end
		}
	}
	return out
}

// negated reports whether a clause starts by saying what not to do.
func negated(ws []string) bool {
	switch {
	case len(ws) > 1 && ws[0] == "don" && ws[1] == "t", len(ws) > 1 && ws[0] == "do" && ws[1] == "not":
		return true
	case len(ws) > 0 && (ws[0] == "dont" || ws[0] == "never"):
		return true
	}
	return false
}

// causatives open an order given through someone else: "have the
// assistant correlate today's alerts". ("Get the rule" and "make a
// data view" are orders of their own.)
var causatives = setOf("have")

// clauseWords start a clause of their own: "whitelist the account so it
// stops triggering the rule".
var clauseWords = setOf("so", "then")

// splitAtWords splits ws at the words in seps, which go, into the runs of
// words between them.
func splitAtWords(ws []string, seps map[string]bool) [][]string {
	var out [][]string
	start := 0
	for i, w := range ws {
		if seps[w] {
			if i > start {
				out = append(out, ws[start:i])
			}
			start = i + 1
		}
	}
	if start < len(ws) {
		out = append(out, ws[start:])
	}
	return out
}

// clauseTexts splits text at the punctuation that ends a clause.
func clauseTexts(text string) []string {
	var out []string
	start := 0
	for i, r := range text {
		end := strings.ContainsRune(",;?!", r)
		if r == '.' || r == ':' {
			end = i+1 == len(text) || text[i+1] == ' '
		}
		if end {
			out = append(out, text[start:i])
			start = i + 1
		}
	}
	return append(out, text[start:])
}

// orderClause is the index of the first clause that starts with an order
// ("snooze it until morning", "show me offline agents"), not with its
// subject or a question; -1 when none does.
func orderClause(cs [][]string) int {
	for i, c := range cs {
		for _, w := range c {
			if stopwords[w] && intentWords()[w] == noIntent {
				continue
			}
			if intentWords()[w] != noIntent && !questionWords[w] {
				return i
			}
			break
		}
	}
	return -1
}

// payloadMarks start the text a request carries rather than describes:
// "add a note saying the host was isolated" is about notes, not hosts, and
// "the visualization called failed logins" is no search of logins.
var payloadMarks = setOf("saying", "says", "stating", "called", "named", "titled")

// namingMarks are the payload marks that give a thing's name.
var namingMarks = setOf("called", "named", "titled")

// withoutPayload drops the words from the first payload mark on. A name
// given to a read ("pull up the case called Possible BEC") is searched
// for, so it leaves "titled" behind: the thing is found by its title.
func withoutPayload(ws []string) []string {
	for i, w := range ws {
		if payloadMarks[w] {
			if namingMarks[w] && firstIntent(ws[:i]) == readIntent {
				return append(ws[:i:i], "titled")
			}
			return ws[:i]
		}
	}
	return ws
}

// firstIntent is the intent of the first intent word of ws.
func firstIntent(ws []string) intent {
	for _, w := range ws {
		if in := intentWords()[w]; in != noIntent {
			return in
		}
	}
	return noIntent
}
