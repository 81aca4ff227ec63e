package toolsearch

import (
	"math"
	"strings"
	"unicode"
)

// Fields of a document, in the order of fieldWeights and fieldB.
const (
	fieldName = iota
	fieldTitle
	fieldPath
	fieldToolset
	fieldDescription
	fieldArgNames
	fieldArgDescriptions
	fieldFamily
	numFields
)

// fieldWeights: the name and title are written to be found; the path and
// toolset name the API area; the description explains; arguments only hint
// (every case tool takes a caseId), and their prose hints least. The
// family (familyTerms) is what others do to what the tool lists: a hint
// a little weaker than an argument name.
var fieldWeights = [numFields]float64{3, 3, 1.5, 1.5, 1, 0.7, 0.3, 0.5}

// fieldB is how much a field longer than average is discounted (BM25's
// b). A description is discounted most. Names and titles are short anyway:
// delete_case_comments is no less about deleting than delete_cases. The
// argument fields grow with the number of arguments, not with verbosity:
// find_cases, with sixteen filters, is no less about severity. Nor is a
// family with many members less about each.
var fieldB = [numFields]float64{0.3, 0.3, 0.5, 0, 0.75, 0.3, 0.3, 0}

// k1 saturates a term's frequency in a field: the second "comment" in a
// description adds less than the first.
const k1 = 1.2

// docFields turns each field of d into its terms. Prose loses the names of
// other tools: "prefer closing a case with update_cases" points elsewhere,
// and must not make delete_cases an update tool.
func docFields(d Doc, toolNames map[string]bool) [numFields][]string {
	var f [numFields][]string
	f[fieldName] = terms(d.Name)
	if ws := parts(d.Name); len(ws) > 0 && verbClasses[ws[0]] != "" {
		f[fieldName] = append(f[fieldName], stem(verbClasses[ws[0]]))
	}
	f[fieldTitle] = terms(d.Title)
	f[fieldPath] = terms(d.Path)
	f[fieldToolset] = terms(d.Toolset)
	f[fieldDescription] = terms(withoutToolNames(d.Description, toolNames))
	for _, a := range d.Arguments {
		f[fieldArgNames] = append(f[fieldArgNames], terms(a.Name)...)
		f[fieldArgDescriptions] = append(f[fieldArgDescriptions], terms(withoutToolNames(a.Description, toolNames))...)
	}
	return f
}

// verbClasses name, for verbs that start tool names, the common verb of
// their kind: set_alert_tags and patch_detection_rule update, whatever word
// their API chose, and a request to update should find them as it finds
// update_case.
var verbClasses = map[string]string{
	"set": "update", "patch": "update", "put": "update", "upsert": "update",
	"list": "find", "search": "find",
}

// docMarks are the agreement marks of a tool: "#case" for each object it
// is given by id (a caseId argument, or get_cases_by_alert's alert), and
// the number of the noun its name ends with, what it returns or acts on:
// "+comment" for find_case_comments (many), "=comment" for
// get_case_comment (one).
func docMarks(d Doc) []string {
	var marks []string
	object, input := splitBy(d.Name)
	for _, w := range parts(input) {
		marks = append(marks, inputMark(stem(w)))
	}
	for _, a := range d.Arguments {
		if noun := identifiedNoun(a.Name); noun != "" {
			marks = append(marks, inputMark(stem(noun)))
		}
	}
	ws := parts(object)
	if len(ws) > 0 && nameVerbs[ws[0]] != noIntent {
		ws = ws[1:] // the verb is not the noun
	}
	if len(ws) > 0 {
		head := ws[len(ws)-1]
		marks = append(marks, numberMark(isPlural(head))(stem(head)))
	}
	return dedupe(marks)
}

func inputMark(s string) string    { return "#" + s }
func pluralMark(s string) string   { return "+" + s }
func singularMark(s string) string { return "=" + s }

func numberMark(plural bool) func(string) string {
	if plural {
		return pluralMark
	}
	return singularMark
}

func dedupe(list []string) []string {
	seen := map[string]bool{}
	out := list[:0]
	for _, s := range list {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// splitBy parts a name like get_cases_by_alert into what the tool returns
// (get_cases) and what it is given (alert): both say case and alert, but
// "this alert" is given, and "alerts" plural are returned, only by one.
func splitBy(name string) (object, input string) {
	if i := strings.Index(name, "_by_"); i >= 0 {
		return name[:i], name[i+len("_by_"):]
	}
	return name, ""
}

// identifiedNoun is the object an identifier argument names: "case" for
// caseId or case_id; "" for arguments that are not identifiers or do not
// say of what ("id", "ids").
func identifiedNoun(arg string) string {
	ws := parts(arg)
	n := len(ws)
	if n < 2 || (ws[n-1] != "id" && ws[n-1] != "ids") {
		return ""
	}
	return ws[n-2]
}

// withoutToolNames drops the snake_case identifiers in text that name a
// tool. One-word names are left alone: they are ordinary words too.
func withoutToolNames(text string, toolNames map[string]bool) string {
	if !strings.Contains(text, "_") {
		return text
	}
	chunks := strings.FieldsFunc(text, func(r rune) bool {
		return r != '_' && !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	kept := chunks[:0]
	for _, c := range chunks {
		if !toolNames[c] || !strings.Contains(c, "_") {
			kept = append(kept, c)
		}
	}
	return strings.Join(kept, " ")
}

// docIntent reads what a tool does from its name's verb, falling back to
// the HTTP method (a POST can be a search, so the name decides first). A
// verb requests use too reads as it does there: unsnooze_rule is sent as
// a DELETE, but unsnoozing changes a rule as snoozing does. A tool that
// only reads reads, whatever its verb (resolve_saved_object).
func docIntent(d Doc) intent {
	if ws := parts(d.Name); len(ws) > 0 {
		if in, ok := nameVerbs[ws[0]]; ok {
			return in
		}
		if in := intentWords()[ws[0]]; in != noIntent {
			if d.ReadOnly {
				return readIntent
			}
			return in
		}
	}
	return methodIntent(d.Method)
}

func averageLengths(fields [][numFields][]string) [numFields]float64 {
	var avg [numFields]float64
	if len(fields) == 0 {
		return avg
	}
	for _, f := range fields {
		for j := range f {
			avg[j] += float64(len(f[j]))
		}
	}
	for j := range avg {
		avg[j] /= float64(len(fields))
	}
	return avg
}

// fieldScores is, per term, the sum over fields of the field's weight times
// BM25's saturated, length-normalised frequency there. Saturating each
// field on its own keeps the weights linear: a word in the name counts
// three times a word in the description, however often either repeats it.
func fieldScores(f [numFields][]string, avg [numFields]float64) map[string]float64 {
	out := map[string]float64{}
	counts := map[string]float64{}
	for j, ts := range f {
		if len(ts) == 0 {
			continue
		}
		norm := 1 - fieldB[j] + fieldB[j]*float64(len(ts))/avg[j]
		clear(counts)
		for _, t := range ts {
			counts[t]++
		}
		for t, n := range counts {
			out[t] += fieldWeights[j] * n * (k1 + 1) / (n + k1*norm)
		}
	}
	return out
}

// idf is BM25's inverse document frequency, never negative.
func idf(n, df int) float64 {
	return math.Log(1 + (float64(n-df)+0.5)/(float64(df)+0.5))
}

// searchSegments end the paths of tools that search a collection: the
// collection is what is left.
var searchSegments = setOf("_find", "find", "search", "_search", "list", "_list")

// familyTerms are, for each tool that reads a collection, the words of the
// paths under it: what is done to its members, and what they hold.
// find_endpoint_actions lists actions at /api/endpoint/action, and the
// hosts isolated through /api/endpoint/action/isolate are among them; the
// assignees set through /api/detection_engine/signals/assignees are in the
// alerts search_detection_alerts returns.
func familyTerms(docs []Doc) [][]string {
	paths := make([]string, len(docs))
	for i, d := range docs {
		paths[i] = strings.Join(pathSegments(d.Path), "/") + "/"
	}
	out := make([][]string, len(docs))
	for i, d := range docs {
		root := collection(d, paths[i])
		if root == "" {
			continue
		}
		for j, p := range paths {
			rest, ok := strings.CutPrefix(p, root)
			if !ok || j == i {
				continue
			}
			for _, seg := range strings.Split(rest, "/") {
				if seg != "" && seg != placeholder && !searchSegments[seg] {
					out[i] = append(out[i], terms(seg)...)
				}
			}
		}
	}
	return out
}

// collection is the path, ending in a slash, of the collection a reading
// tool lists or searches ("api/endpoint/action/" for find_endpoint_actions,
// "api/detection_engine/signal/" for search_detection_alerts), given its
// path as pathSegments joined; "" for other tools, and for collections too
// near the root to say what they hold.
func collection(d Doc, path string) string {
	if docIntent(d) != readIntent {
		return ""
	}
	segs := strings.Split(strings.TrimSuffix(path, "/"), "/")
	if n := len(segs); searchSegments[segs[n-1]] {
		segs = segs[:n-1]
	}
	if len(segs) < 2 {
		return ""
	}
	return strings.Join(segs, "/") + "/"
}

// pathSegments are the segments of an API path, each stemmed so that
// /rules/_find and /rule/{id} name the same collection, and each
// placeholder made the same.
func pathSegments(path string) []string {
	var out []string
	for _, seg := range strings.Split(path, "/") {
		switch {
		case seg == "":
		case strings.HasPrefix(seg, "{"):
			out = append(out, placeholder)
		default:
			out = append(out, stem(seg))
		}
	}
	return out
}

const placeholder = "{}"
