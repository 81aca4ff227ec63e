// Package toolsearch ranks tool descriptions against plain-language
// requests, so a model that sees only a search tool can find the one
// operation it needs among a few hundred.
//
// Scoring is BM25 per field, summed with field weights (document.go): a
// word in a tool's name or title counts most, then its path and toolset,
// its description, its argument names and last its argument descriptions;
// rare words count more than common ones. A request is read word by word
// (query.go): each word counts once, through its best reading, which is the
// word itself or one of its meanings in a small domain lexicon
// (lexicon.go), worth less than the typed word. The leading verb is read
// for what it orders ("tag the case" updates it), verbs elsewhere only
// describe, and "this case" or a plural agree with tools that take a case
// or return a list. Tools whose verb (find, create, delete…) matches the
// request's intent get a small boost. Equal scores are ordered by name, so
// results never depend on map order or timing.
package toolsearch

import (
	"cmp"
	"maps"
	"slices"
	"strings"
)

// Doc is what the index knows about one tool.
type Doc struct {
	Name, Title, Toolset, Method, Path, Description string
	Arguments                                       []Argument
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
	// agreementBoost multiplies a word's match in a tool that agrees with
	// how the word was used: "this case" and a tool taking a caseId,
	// "comments" and find_case_comments.
	agreementBoost = 1.25
	// intentBoost multiplies the score of tools whose verb matches the
	// request's intent; small, so it settles close calls only.
	intentBoost = 1.2
)

// Index is an immutable search index; Search is safe for concurrent use.
type Index struct {
	names    []string
	verbs    []intent
	postings map[string][]posting
	// marks lists, for each marked stem ("#case": takes a case by id,
	// "+comment": names comments in the plural), the tools carrying it.
	marks map[string][]int
}

// posting is one tool containing a term, with the term's precomputed
// contribution: idf times the weighted sum of its per-field BM25 scores.
type posting struct {
	doc   int
	value float64
}

// New indexes docs. Tool names should be unique: they are how hits are
// told apart and ordered.
func New(docs []Doc) *Index {
	ix := &Index{
		names:    make([]string, len(docs)),
		verbs:    make([]intent, len(docs)),
		postings: map[string][]posting{},
		marks:    map[string][]int{},
	}
	toolNames := map[string]bool{}
	for _, d := range docs {
		toolNames[d.Name] = true
	}
	fields := make([][numFields][]string, len(docs))
	for i, d := range docs {
		ix.names[i] = d.Name
		ix.verbs[i] = docIntent(d)
		fields[i] = docFields(d, toolNames)
		for _, m := range docMarks(d) {
			ix.marks[m] = append(ix.marks[m], i)
		}
	}
	ix.addPostings(fields)
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
		for _, t := range slices.Sorted(maps.Keys(freqs[i])) {
			value := idf(len(fields), df[t]) * freqs[i][t]
			ix.postings[t] = append(ix.postings[t], posting{doc: i, value: value})
		}
	}
}

// Search returns up to limit hits, best first, ties by name; limit <= 0
// means every matching tool. An empty request, or one sharing no word with
// any tool, gets no hits.
func (ix *Index) Search(query string, limit int) []Hit {
	q := parseQuery(query)
	var hits []Hit
	for i, s := range ix.score(q) {
		if s <= 0 {
			continue
		}
		if ix.verbs[i] == q.intent {
			s *= intentBoost
		}
		hits = append(hits, Hit{Name: ix.names[i], Score: s})
	}
	slices.SortFunc(hits, func(a, b Hit) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
	if limit > 0 && len(hits) > limit {
		hits = hits[:limit]
	}
	return hits
}

// score sums, over the request's words, each tool's best match for the
// word, raised where the tool agrees with how the word was used. Taking
// the best reading rather than the sum means a word counts once, however
// many meanings it has ("ticket" means push, connector and external, but
// it is one word).
func (ix *Index) score(q query) []float64 {
	scores := make([]float64, len(ix.names))
	best := make([]float64, len(ix.names))
	agrees := make([]bool, len(ix.names))
	for _, w := range q.words {
		clear(best)
		clear(agrees)
		for _, r := range w.readings {
			for _, p := range ix.postings[r.term] {
				best[p.doc] = max(best[p.doc], r.weight*p.value)
			}
		}
		for _, m := range w.marks {
			for _, d := range ix.marks[m] {
				agrees[d] = true
			}
		}
		for i, v := range best {
			if agrees[i] {
				v *= agreementBoost
			}
			scores[i] += v
		}
	}
	return scores
}
