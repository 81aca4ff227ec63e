// Package toolsearch ranks tool descriptions against plain-language
// requests, so a model that sees only a search tool can find the one
// operation it needs among a few hundred.
//
// Scoring is BM25 per field, summed with field weights (document.go): a
// word in a tool's name or title counts most, then its path and toolset,
// its description, its argument names and last its argument descriptions;
// rare words count more than common ones. A tool that lists a collection
// also holds, faintly, the words of the paths under it: what is done to
// its members (find_endpoint_actions and "isolate"). A name's verb also
// counts as the common verb of its kind (set_alert_tags updates).
//
// A request is read word by word (query.go): each word counts once,
// through its best reading, which is the word itself, one of its meanings
// in a small domain lexicon (lexicon.go), or a relative by derivation
// ("riskiest" and risk, "critical" and criticality; derive.go), each worth
// less than the typed word; a meaning another word types outright is not
// counted again. The leading verb is read for what it orders ("tag the
// case" updates it; "remove the quarantine" unisolates, "stop paging me"
// mutes), verbs elsewhere only describe, and "this case" or a plural agree
// with tools that take a case or return a list. A phrase narrowing the
// object down ("alerts from the noisy rule") counts less than the object,
// and so do the clauses around the one that orders ("the rule fired all
// night, snooze it"; clauses.go). Text the request carries ("a note saying
// …") and numbers are not read.
//
// A tool's sum is then scaled by how much of the request it covers, so
// that one strong word does not outrank a tool matching most of it. Tools
// whose verb (find, create, delete…) matches the request's intent get a
// small boost; a question ("which hosts are isolated?") sets back the
// tools that change something. Equal scores are ordered by name, so
// results never depend on map order or timing.
package toolsearch

import (
	"maps"
	"math"
	"slices"
)

// Doc is what the index knows about one tool.
type Doc struct {
	Name, Title, Toolset, Method, Path, Description string
	// ReadOnly says the tool only reads, whatever its verb and method: a
	// preview or an export sent as POST. A question does not set it back.
	ReadOnly  bool
	Arguments []Argument
}

// Argument is one input argument of a tool.
type Argument struct{ Name, Description string }

// Hit is one ranked tool; Score only compares hits of the same search.
type Hit struct {
	Name  string
	Score float64
}

const (
	// expandedWeight is what a lexicon meaning counts for against the word
	// typed.
	expandedWeight = 0.4
	// derivedWeight is what a relative of the word typed counts for: the
	// word it derives from ("risk" for "riskiest") or a term derived from
	// it ("criticality" for "critical"); see derive.go.
	derivedWeight = 0.8
	// usedDerivedWeight is what a term derived from the word typed counts
	// for when the tools use that word too: "critical" is a severity in
	// their arguments, so "critical alerts" is not about criticality.
	usedDerivedWeight = 0.5
	// stateWeight is what an action verb counts for in a question, where
	// it names a state ("which rules are muted").
	stateWeight = 0.8
	// agreementBoost multiplies a word's match in a tool that agrees with
	// how the word was used: "this case" and a tool taking a caseId,
	// "comments" and find_case_comments.
	agreementBoost = 1.25
	// qualifierWeight is what a word counts for in a phrase narrowing the
	// object down: in "mark the alerts from the noisy rule as
	// acknowledged", alerts are marked, not the rule.
	qualifierWeight = 0.7
	// intentBoost multiplies the score of tools whose verb matches the
	// request's intent; small, so it settles close calls only.
	intentBoost = 1.2
	// questionPenalty multiplies the score of tools that change something
	// when the request is a question: "which hosts are isolated" asks to
	// read, and isolate_host only shares its words. A verb that orders
	// ("isolate the host") sets no such penalty: an order may well be
	// carried out by a tool that reads first.
	questionPenalty = 0.4
	// coverageExponent: a tool matching k of the n request words that
	// match any tool is scaled by (k/n)^coverageExponent, so that one
	// strong word ("summary" in "email the SOC lead a summary") does not
	// outrank a tool matching most of the request.
	coverageExponent = 0.7
	// argOnlyCoverage is how much less than a whole word a word counts
	// towards coverage when a tool has it only among its arguments.
	argOnlyCoverage = 0.5
)

// Index is an immutable search index; Search is safe for concurrent use.
type Index struct {
	names []string
	verbs []intent
	// changes: the tool changes something, as far as its annotation or
	// else its verb tells.
	changes  []bool
	postings map[string][]posting
	// marks lists, for each marked stem ("#case": takes a case by id,
	// "+comment": names comments in the plural), the tools carrying it.
	marks map[string][]int
	// derivations maps a stem to the index terms derived from it.
	derivations map[string][]string
	// actions are the stems of the verbs tool names start with.
	actions map[string]bool
	// spellings are the stems a mistyped word may mean (spelling.go).
	spellings spellings
}

// posting is one tool containing a term, with the term's precomputed
// contribution: idf times the weighted sum of its per-field BM25 scores.
type posting struct {
	doc   int
	value float64
	// argOnly: the tool has the term only among its arguments. A tool
	// with a hundred members (a detection rule) has most words somewhere
	// in them, so such a match says little about what the tool is for.
	argOnly bool
}

// New indexes docs. Tool names should be unique: they are how hits are
// told apart and ordered.
func New(docs []Doc) *Index {
	ix := &Index{
		names:    make([]string, len(docs)),
		verbs:    make([]intent, len(docs)),
		changes:  make([]bool, len(docs)),
		postings: map[string][]posting{},
		marks:    map[string][]int{},
		actions:  map[string]bool{},
	}
	toolNames := map[string]bool{}
	for _, d := range docs {
		toolNames[d.Name] = true
	}
	fields := make([][numFields][]string, len(docs))
	family := familyTerms(docs)
	for i, d := range docs {
		ix.names[i] = d.Name
		if ws := parts(d.Name); len(ws) > 0 {
			ix.actions[stem(ws[0])] = true
		}
		ix.verbs[i] = docIntent(d)
		ix.changes[i] = !d.ReadOnly && ix.verbs[i] != readIntent && ix.verbs[i] != noIntent
		fields[i] = docFields(d, toolNames)
		fields[i][fieldFamily] = family[i]
		for _, m := range docMarks(d) {
			ix.marks[m] = append(ix.marks[m], i)
		}
	}
	ix.addPostings(fields)
	vocabulary := slices.Sorted(maps.Keys(ix.postings))
	ix.derivations = derivedTerms(vocabulary, func(s string) bool { return knows(ix, s) })
	ix.spellings = newSpellings(vocabulary)
	return ix
}

func (ix *Index) addPostings(fields [][numFields][]string) {
	avg := averageLengths(fields)
	freqs := make([]map[string]float64, len(fields))
	df := map[string]int{}
	for i := range fields {
		freqs[i] = fieldScores(fields[i], avg)
		for t := range freqs[i] {
			df[t]++
		}
	}
	for i := range fields {
		outside := map[string]bool{}
		for j, ts := range fields[i] {
			if j != fieldArgNames && j != fieldArgDescriptions {
				for _, t := range ts {
					outside[t] = true
				}
			}
		}
		for _, t := range slices.Sorted(maps.Keys(freqs[i])) {
			value := idf(len(fields), df[t]) * freqs[i][t]
			ix.postings[t] = append(ix.postings[t], posting{doc: i, value: value, argOnly: !outside[t]})
		}
	}
}

// Search returns up to limit hits, best first, ties by name; limit <= 0
// means every matching tool. An empty request, or one sharing no word with
// any tool, gets no hits.
func (ix *Index) Search(query string, limit int) []Hit {
	q := parseQuery(query, ix)
	scores, matched, counted := ix.score(q)
	// coverage scales a tool matching k of the counted words.
	coverage := func(k float64) float64 {
		if counted <= 1 {
			return 1
		}
		return math.Pow(k/float64(counted), coverageExponent)
	}
	hits := make([]Hit, 0, len(scores))
	for i, s := range scores {
		if s <= 0 {
			continue
		}
		s *= coverage(matched[i])
		switch {
		case ix.verbs[i] == q.intent:
			s *= intentBoost
		case q.question && ix.changes[i]:
			s *= questionPenalty
		}
		hits = append(hits, Hit{Name: ix.names[i], Score: s})
	}
	return topHits(hits, limit)
}

// topHits sorts hits best first, ties by name, and keeps the first limit
// (all when limit <= 0). Asked for a few, it only orders those few.
func topHits(hits []Hit, limit int) []Hit {
	before := func(a, b Hit) bool {
		return a.Score > b.Score || (a.Score == b.Score && a.Name < b.Name)
	}
	if limit <= 0 || limit >= len(hits) {
		slices.SortFunc(hits, func(a, b Hit) int {
			if before(a, b) {
				return -1
			}
			if before(b, a) {
				return 1
			}
			return 0
		})
		return hits
	}
	top := make([]Hit, 0, limit+1)
	for _, h := range hits {
		if len(top) == limit && !before(h, top[limit-1]) {
			continue
		}
		i := len(top)
		for i > 0 && before(h, top[i-1]) {
			i--
		}
		top = slices.Insert(top, i, h)
		if len(top) > limit {
			top = top[:limit]
		}
	}
	return top
}

// score sums, over the request's words, each tool's best match for the
// word, raised where the tool agrees with how the word was used. Taking
// the best reading rather than the sum means a word counts once, however
// many meanings it has ("ticket" means push, connector and external, but
// it is one word). It also counts, per tool, the words it matches, and
// how many words match any tool: a name or a host ("Maria", "web-01")
// matching none does not count against anyone.
func (ix *Index) score(q query) (scores, matched []float64, counted int) {
	scores = make([]float64, len(ix.names))
	matched = make([]float64, len(ix.names))
	best := make([]float64, len(ix.names))
	argOnly := make([]bool, len(ix.names))
	agrees := make([]bool, len(ix.names))
	for _, w := range q.words {
		clear(best)
		clear(agrees)
		for _, r := range w.readings {
			for _, p := range ix.postings[r.term] {
				if v := r.weight * p.value; v > best[p.doc] {
					best[p.doc], argOnly[p.doc] = v, p.argOnly
				}
			}
		}
		for _, m := range w.marks {
			for _, d := range ix.marks[m] {
				agrees[d] = true
			}
		}
		found := false
		for i, v := range best {
			if v <= 0 {
				continue
			}
			found = true
			matched[i]++
			if argOnly[i] {
				matched[i] -= argOnlyCoverage
			}
			if w.qualifies {
				v *= qualifierWeight
			}
			if agrees[i] {
				v *= agreementBoost
			}
			scores[i] += v
		}
		if found {
			counted++
		}
	}
	return scores, matched, counted
}

// df and derived make the index the vocabulary requests are read against.
func (ix *Index) df(term string) int { return len(ix.postings[term]) }

func (ix *Index) derived(stem string) []string { return ix.derivations[stem] }

func (ix *Index) namesAction(term string) bool { return ix.actions[term] }

func (ix *Index) misspelt(stem string) []string { return ix.spellings.near(stem) }
