package toolsearch

import (
	"slices"
	"strings"
	"sync"
)

// query is a parsed request: its words in typed order (so sums, and
// therefore ties, repeat exactly) and what it wants done.
type query struct {
	words  []queryWord
	intent intent
	// question: the request asks rather than orders ("which rules are
	// muted", "did the scan finish?"): tools that change something are set
	// back (questionPenalty).
	question bool
}

// queryWord is one word of a request: the terms it may mean, of which each
// tool's best counts, and the marks (see docMarks) of tools agreeing with
// how it was used.
type queryWord struct {
	readings []reading
	marks    []string
	// qualifies: the word is in a phrase that narrows the object down
	// ("alerts from the noisy rule"), not the object itself.
	qualifies bool
}

type reading struct {
	term   string
	weight float64
}

// demonstratives point at an object the user already has in hand: "this
// case", "that comment". Tools given that object by id fit better than
// tools that look for it.
var demonstratives = setOf("this", "that", "these", "those")

// prepositions open a phrase that narrows down the object before it:
// "alerts from the noisy rule", "alerts on host dc01". "To", "into" and
// "onto" are not among them: they name where the act goes, which is as
// much the request as the object ("add a note to the case").
var prepositions = setOf("from", "on", "in", "for", "at", "by", "with", "across", "over", "under",
	"within", "via", "per", "since", "during", "after", "before", "about", "through", "against",
	// A relative clause narrows too: "a rule that fires when …".
	"that", "which", "whenever")

// copulas make the verb after them a state: "alerts that are still open"
// orders nothing.
var copulas = setOf("is", "are", "was", "were", "be", "been", "being", "still", "not")

// determiners start a noun phrase, so the word after one is no verb.
var determiners = setOf("a", "an", "the", "any", "some", "all", "every", "each", "no", "anything", "something", "nothing",
	"this", "that", "these", "those", "my", "our", "your", "their")

// complements end a narrowing phrase: what follows completes the order
// ("mark the alerts from the noisy rule as acknowledged").
var complements = setOf("as")

// howWords open a question that may ask how to do something, or whether
// it can be done: "how do I …", "is it possible to …". askedDoers come
// right before the act such a question asks about.
var (
	howWords   = setOf("how", "is", "are", "can", "could", "do", "does")
	askedDoers = setOf("to", "i", "we", "you")
)

// quantifiers make the next noun many, as a plural does: "every note".
var quantifiers = setOf("all", "every", "each")

// modifiers describe the noun after them, so a demonstrative or a
// quantifier before them applies to that noun: "every critical alert" is
// many alerts, "this open case" a case in hand.
var modifiers = setOf("critical", "high", "medium", "low", "open", "closed", "new", "old", "recent", "active", "raw",
	"noisy", "suspicious", "malicious", "failed", "unassigned", "offline", "online", "stale", "pending", "custom",
	"prebuilt", "infected", "compromised", "disabled", "enabled", "muted", "isolated")

// destinations name where the act puts its object: "drop the tool onto
// the host". "On" does only after the verbs that set down (settings):
// "put the script on web-03", not "drop the alerts on web-03".
var (
	destinations = setOf("to", "onto", "into")
	settings     = setOf("put", "place", "stage", "copy")
)

// entities are what an exception lets through: hosts, users, files,
// processes (as their stems).
var entities = []string{stem("endpoint"), stem("user"), stem("file"), stem("process"), stem("account"), stem("hash")}

// stoppings are the verbs that, narrowed to an entity, ask for an
// exception.
var stoppings = setOf("stop", "halt", "quit")

// placings are the verbs that, with a host as destination, put a file on
// it: "drop our cleanup tool onto the infected host", "push a tool to the
// host". Elsewhere they delete, push to external systems or move agents.
var placings = setOf("drop", "push", "put", "place", "copy", "stage", "send", "transfer", "deploy", "ship")

// parseQuery reads a request. The first intent word (verb or question
// word) sets the intent and, when it orders a change, is read for what it
// orders (see verbSenses). A word after "this" or "that" agrees with tools
// taking its object by id, and every word with tools whose name ends with
// it in the same number: "comments" (or "every comment") with
// find_case_comments, "comment" with get_case_comment. Phrases narrowing the
// object down count less ("from the noisy rule"; see parser), and so do the
// clauses around the one that orders.
func parseQuery(text string, v vocabulary) query {
	p := parser{v: v, seen: map[string]bool{}, first: true,
		asks: strings.HasSuffix(strings.TrimSpace(text), "?")}
	cs := clauses(text)
	order := orderClause(cs)
	if order < 0 {
		// No clause orders: read the request as one.
		cs, order = [][]string{slices.Concat(cs...)}, 0
	}
	for _, w := range cs[order] {
		p.read(w)
	}
	// The other clauses say why or where ("the brute force rule has been
	// firing all night, snooze it until morning"): they narrow the order
	// down, and order nothing themselves.
	p.context = true
	for i, c := range cs {
		if i != order {
			p.newClause()
			for _, w := range c {
				p.read(w)
			}
		}
	}
	return p.finish()
}

// parser reads a request word by word into a query.
type parser struct {
	q    query
	v    vocabulary // nil reads words without relatives or undoings
	seen map[string]bool
	// asks: the request ends with a question mark; first: no word has
	// been read yet.
	asks, first bool
	// context: the clause read does not order (see parseQuery).
	context bool
	// determined: the word before was a determiner; previous is that word.
	determined bool
	previous   string
	// askingHow: the request asks how to do something, or whether it can
	// be done (see howWords).
	askingHow bool
	// pointed and many: a demonstrative or a quantifier came before, and
	// applies to the next word that is not a stopword.
	pointed, many bool
	// inObject: a word naming what the request is about has been read
	// ("alerts" in "mark the alerts from the noisy rule"); qualifying: a
	// preposition came after it, so what follows narrows it down.
	inObject, qualifying bool
	// q.words[leadFrom:leadTo] were read from the leading verb; undone: a
	// later word names a state it undoes (see undoings).
	leadFrom, leadTo int
	undone           bool
	// lead is the leading verb as typed; toward: a destination came
	// before in the ordering clause; toHost: it was a host.
	lead           string
	toward, toHost bool
	// aboutEntity: a narrowing phrase names a host, user, file or
	// process ("stop alerting on the backup server").
	aboutEntity bool
}

// read reads the next word: whether it leads, what it may mean, and what
// it tells about the words after it.
func (p *parser) read(w string) {
	if w == hostValue {
		p.toHost = p.toward && !p.context
		return
	}
	q := &p.q
	leads := false
	switch {
	case p.context:
	case q.intent == noIntent && !p.determined && !copulas[p.previous] && !(p.inObject && onlyNounVerbs()[w]):
		// A noun that may be a verb orders only before anything is
		// named: "log it in the case", not "case activity log".
		q.intent = intentWords()[w]
		leads = q.intent != noIntent
		// A question word asks only at the start: in "preview which
		// objects would change" it names what to show.
		q.question = leads && questionWords[w] && p.first
		p.askingHow = q.question && howWords[w]
	case p.askingHow && askedDoers[p.previous] && intentWords()[w] > readIntent:
		// "How do I isolate a host?", "is it possible to mute this
		// rule?": a question asking how to act orders the act, politely.
		q.intent, q.question, p.askingHow = intentWords()[w], false, false
		leads = true
	}
	p.first = false
	// After a determiner a word names or describes: "any new alerts?"
	// does not order anything new; after a copula it is a state.
	p.determined = determiners[w]
	p.previous = w
	s := stem(w)
	if leads {
		p.lead = w
		p.leadFrom = len(q.words)
		// Each sense is a word of its own: "assign" is update and
		// assignee, not whichever of the two matches best.
		for _, e := range senses()[s] {
			p.add(e, queryWord{readings: []reading{{e, 1}}})
		}
	}
	word := queryWord{readings: wordReadings(w, s, leads, q.question || p.asks), qualifies: p.qualifying || p.context}
	if stopwords[w] {
		p.pointed = p.pointed || demonstratives[w]
		p.many = p.many || quantifiers[w]
		if (w == "every" || w == "each") && !p.context && q.intent == writeIntent {
			// Changing every one of something is a bulk change. ("All"
			// is too common to say so: "close all the alerts".)
			p.add("bulk", queryWord{readings: []reading{{"bulk", expandedWeight}}})
		}
	} else {
		p.readContent(w, s, leads, &word)
	}
	p.qualifying = (p.qualifying || (p.inObject && prepositions[w])) && !complements[w]
	if !p.context && (destinations[w] || prepositions[w]) {
		p.toward = destinations[w] || (w == "on" && settings[p.lead])
	}
	p.add(s, word)
	if leads {
		p.leadTo = len(q.words)
	}
}

// readContent adds to word what a word that is not a stopword says beyond
// its readings: its relatives, what it undoes, and the marks of the tools
// agreeing with it.
func (p *parser) readContent(w, s string, leads bool, word *queryWord) {
	stems := []string{s} // what the word is read as, for its marks
	if p.v != nil {
		word.readings = append(word.readings, relatives(w, p.v, p.q.question || p.asks)...)
		if len(word.readings) == 1 && !knows(p.v, s) {
			meant := p.v.misspelt(s)
			word.readings = append(word.readings, slips(meant)...)
			stems = append(stems, meant...)
		}
		if p.q.intent == deleteIntent && !leads && !p.context {
			un := undoings(word.readings, p.v)
			word.readings = append(word.readings, un...)
			p.undone = p.undone || len(un) > 0
		}
	}
	for _, s := range stems {
		if p.pointed {
			word.marks = append(word.marks, markings(inputMark, s)...)
		}
		word.marks = append(word.marks, markings(numberMark(p.many || isPlural(w)), s)...)
	}
	if p.toward && !p.context {
		// The last word of the destination names it: "to the servers
		// policy" is a policy.
		p.toHost = reads([]queryWord{*word}, "endpoint") || reads([]queryWord{*word}, "host")
	}
	if p.qualifying && !p.context && slices.ContainsFunc(entities, func(e string) bool { return reads([]queryWord{*word}, e) }) {
		p.aboutEntity = true
	}
	if !modifiers[w] {
		p.pointed, p.many = false, false
	}
	p.inObject = p.inObject || !leads
}

// add keeps the first use of a word: typing it twice does not count twice.
func (p *parser) add(key string, w queryWord) {
	if p.seen[key] || len(w.readings) == 0 {
		return
	}
	p.seen[key] = true
	p.q.words = append(p.q.words, w)
}

// newClause forgets what applied only to the words of the clause before.
func (p *parser) newClause() {
	p.determined, p.previous, p.pointed, p.many = false, "", false, false
	p.inObject, p.qualifying = false, false
}

// finish applies what only the whole request tells: an order that undoes
// its object or means something else for it, and a question mark.
func (p *parser) finish() query {
	q := p.q
	if p.toHost && placings[p.lead] {
		// Putting something on a host uploads a file to it.
		q.words = slices.Replace(q.words, p.leadFrom, p.leadTo,
			queryWord{readings: []reading{{stem("upload"), 1}}}, queryWord{readings: []reading{{stem("file"), 1}}})
		q.intent = writeIntent
	} else if p.aboutEntity && stoppings[p.lead] {
		// Stopping a rule for one host or user is an exception to it:
		// "stop alerting on the backup server for this rule".
		q.words = slices.Replace(q.words, p.leadFrom, p.leadTo,
			queryWord{readings: []reading{{stem("create"), 1}}}, queryWord{readings: []reading{{stem("exception"), 1}}})
		q.intent = writeIntent
	} else if p.undone {
		// "Remove the quarantine" orders an unisolation, not a deletion.
		q.words = slices.Delete(q.words, p.leadFrom, p.leadTo)
		q.intent = writeIntent
	} else if means := leadOrder(p.lead, slices.Concat(q.words[:p.leadFrom], q.words[p.leadTo:])); means != nil {
		q.words = slices.Replace(q.words, p.leadFrom, p.leadTo, means...)
	} else if means := objectOrder(q.words[p.leadFrom:p.leadTo], slices.Concat(q.words[:p.leadFrom], q.words[p.leadTo:])); means != nil {
		// The object may come first: "failed logons, count them by ip".
		q.words = slices.Replace(q.words, p.leadFrom, p.leadTo, means...)
	} else if q.intent == noIntent {
		// Without a verb the request's words order together: "top 10
		// source IPs by failed logon count" counts events, a query.
		q.words = append(q.words, objectOrder(q.words, q.words)...)
	}
	q.dropEchoes()
	if p.asks && (q.intent == noIntent || q.intent == readIntent) {
		// "any cases still unassigned?" asks without a question word.
		q.intent, q.question = readIntent, true
	}
	if q.intent == noIntent {
		// A request without a verb names a thing ("case settings"):
		// reading it is the likely wish, and the harmless one.
		q.intent = readIntent
	}
	return q
}

// dropEchoes removes, from each word, the readings that only echo a term
// another word of the request says outright: in "which ticketing systems
// can we push cases to", "ticketing" may mean case, but "cases" is typed,
// and the case tools must not gain from the same term twice.
func (q *query) dropEchoes() {
	var typed []string // few: a slice beats a map
	for _, w := range q.words {
		for _, r := range w.readings {
			if r.weight == 1 {
				typed = append(typed, r.term)
			}
		}
	}
	for i, w := range q.words {
		q.words[i].readings = slices.DeleteFunc(slices.Clone(w.readings), func(r reading) bool {
			return r.weight != 1 && slices.Contains(typed, r.term)
		})
	}
}

// wordReadings are the word's stem, unless it is a stopword, and its
// lexicon meanings. The word itself counts only as much as a meaning when
// it leads with verb senses (they say what it means here), and when it is
// an action verb away from the lead: then it describes rather than orders
// ("which systems can we push to", "alerts attached to this case"), and
// does not expand into the verbs that name tools.
func wordReadings(w, s string, leads, question bool) []reading {
	literal := 1.0
	describes := !leads && describingVerbs()[s]
	switch {
	case describes && question:
		// In a question an action verb names a state: "which hosts
		// are isolated". Tools that act are set back (questionPenalty);
		// the word still says what is asked about.
		literal = stateWeight
	case describes || (leads && len(senses()[s]) > 0):
		literal = expandedWeight
	}
	var rs []reading
	if !stopwords[w] {
		rs = append(rs, reading{s, literal})
	}
	for _, e := range synonyms()[s] {
		if describes && describingVerbs()[e] {
			continue // "attached" must not pull the tools that add
		}
		if leads && slices.Contains(senses()[s], e) {
			continue // counted already, as a sense
		}
		rs = append(rs, reading{e, expandedWeight})
	}
	return rs
}

// markings are the marks of a stem and of its lexicon meanings: "this
// investigation" is a case in hand, "notes" asks for comments.
func markings(mark func(string) string, s string) []string {
	ms := []string{mark(s)}
	for _, e := range synonyms()[s] {
		ms = append(ms, mark(e))
	}
	return ms
}

// undoings read a state that a request removes as the action undoing it:
// removing the quarantine of a host unisolates it, deleting a snooze
// unsnoozes the rule. Only undoings that name tools count (unisolate_host),
// not any word of their prose ("the data view nobody uses" is not unused).
func undoings(rs []reading, v vocabulary) []reading {
	var out []reading
	for _, r := range rs {
		if un := "un" + r.term; v.namesAction(un) {
			out = append(out, reading{un, 1})
		}
	}
	return out
}

// objectOrder is what an order means for its object when that differs
// from what it means alone (see objectOrders), or nil.
func objectOrder(order, rest []queryWord) []queryWord {
	for _, o := range stemmedObjectOrders() {
		if reads(order, o.order) && reads(rest, o.object) {
			means := make([]queryWord, len(o.means))
			for i, m := range o.means {
				means[i] = queryWord{readings: []reading{{m, 1}}}
			}
			return means
		}
	}
	return nil
}

// leadOrder is what the leading verb, as typed, means for its object when
// leadOrders say so, or nil.
func leadOrder(lead string, rest []queryWord) []queryWord {
	for _, o := range leadOrders {
		if lead == o.lead && reads(rest, stem(o.object)) {
			var means []queryWord
			for _, m := range words(o.means) {
				means = append(means, queryWord{readings: []reading{{stem(m), 1}}})
			}
			return means
		}
	}
	return nil
}

// stemmedOrder is a line of objectOrders, stemmed.
type stemmedOrder struct {
	order, object string
	means         []string
}

// stemmedObjectOrders are the objectOrders with their words stemmed.
var stemmedObjectOrders = sync.OnceValue(func() []stemmedOrder {
	out := make([]stemmedOrder, len(objectOrders))
	for i, o := range objectOrders {
		out[i].order, out[i].object = stem(o.order), stem(o.object)
		for _, m := range words(o.means) {
			out[i].means = append(out[i].means, stem(m))
		}
	}
	return out
})

// reads reports whether any of ws reads as term.
func reads(ws []queryWord, term string) bool {
	for _, w := range ws {
		for _, r := range w.readings {
			if r.term == term {
				return true
			}
		}
	}
	return false
}

// vocabulary is what a request is read against: the terms tools use.
type vocabulary interface {
	// df is the number of tools using a term.
	df(term string) int
	// derived lists the terms derived from a stem ("criticality" from
	// "critical").
	derived(stem string) []string
	// namesAction reports whether a term is the verb a tool's name starts
	// with ("unisolat" for unisolate_host).
	namesAction(term string) bool
	// misspelt lists the known stems one slip away from a stem.
	misspelt(stem string) []string
}

// slips are the readings of an unknown stem as the known stems one slip
// away (meant), with their lexicon meanings, at typoWeight.
func slips(meant []string) []reading {
	var rs []reading
	for _, t := range meant {
		rs = append(rs, reading{t, typoWeight})
		for _, e := range synonyms()[t] {
			rs = append(rs, reading{e, typoWeight * expandedWeight})
		}
	}
	return rs
}

// knows reports whether a stem means anything to v: a tool uses it, or
// the lexicon reads it.
func knows(v vocabulary, s string) bool {
	return v.df(s) > 0 || len(synonyms()[s]) > 0 || len(senses()[s]) > 0
}

// relatives are the readings of w through its relatives, at derivedWeight:
// the word it derives from, with its lexicon meanings ("riskiest": risk),
// and the terms derived from it ("critical": criticality), which count
// less when the tools use w itself (see usedDerivedWeight).
func relatives(w string, v vocabulary, question bool) []reading {
	var rs []reading
	if b := base(w, func(s string) bool { return knows(v, s) }, true); b != "" {
		for _, r := range wordReadings(b, stem(b), false, question) {
			rs = append(rs, reading{r.term, r.weight * derivedWeight})
		}
	}
	weight := derivedWeight
	if v.df(stem(w)) > 0 {
		weight = usedDerivedWeight
	}
	for _, t := range v.derived(stem(w)) {
		rs = append(rs, reading{t, weight})
	}
	return rs
}
