package sandbox

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
)

// Searching cases: GET /api/cases/_find's filters, simple_query_string
// search, date ranges, sorting, casePaging and status counts.

// sortedCases lists a space's cases newest first.
func (st *casesState) sortedCases() []*caseDoc {
	out := make([]*caseDoc, 0, len(st.cases))
	for _, cs := range st.cases {
		out = append(out, cs)
	}
	slices.SortFunc(out, func(a, b *caseDoc) int {
		if d := b.createdAt.Compare(a.createdAt); d != 0 {
			return d
		}
		return strings.Compare(a.id, b.id)
	})
	return out
}

// caseSortFields are the sortField values, and what each sorts by.
var caseSortFields = []string{"createdAt", "updatedAt", "closedAt", "title", "category", "status", "severity"}

// caseFilter is a parsed find request, status aside.
type caseFilter struct {
	severity                                string
	tags, owners, assignees, reporters, cat []string
	search                                  string
	searchFields                            []string
	and                                     bool
	from, to                                *time.Time
}

func (k *Kibana) findCases(c *call) {
	q := &caseChecker{where: "request query"}
	enum := func(name string, allowed []string) string {
		v := c.query(name)
		if v != "" && !slices.Contains(allowed, v) {
			q.fail(name, "expected one of [%s] but got [%s]", strings.Join(allowed, ", "), v)
		}
		return v
	}
	status := enum("status", caseStatuses)
	f := caseFilter{
		severity: enum("severity", caseSeverities),
		tags:     c.queryAll("tags"), owners: c.queryAll("owner"), assignees: c.queryAll("assignees"),
		reporters: c.queryAll("reporters"), cat: c.queryAll("category"),
		search: strings.TrimSpace(c.query("search")), searchFields: c.queryAll("searchFields"),
	}
	sortField := enum("sortField", caseSortFields)
	f.and = enum("defaultSearchOperator", []string{"AND", "OR", "and", "or"}) != "" && strings.EqualFold(c.query("defaultSearchOperator"), "AND")
	for i, o := range f.owners {
		if !slices.Contains(caseOwners, o) {
			q.fail(fmt.Sprintf("owner.%d", i), "expected one of [%s] but got [%s]", strings.Join(caseOwners, ", "), o)
		}
	}
	for i, sf := range f.searchFields {
		if sf != "title" && sf != "description" {
			q.fail(fmt.Sprintf("searchFields.%d", i), "expected one of [title, description] but got [%s]", sf)
		}
	}
	if !q.ok() {
		c.badRequest(q.err)
		return
	}
	now := k.cfg.Now()
	for _, bound := range []struct {
		name string
		to   **time.Time
	}{{"from", &f.from}, {"to", &f.to}} {
		v := c.query(bound.name)
		if v == "" {
			continue
		}
		t, ok := dateMath(v, now, bound.name == "to")
		if !ok {
			c.badRequest(`Invalid "from" and/or "to" query parameters`)
			return
		}
		*bound.to = &t
	}
	page, perPage, desc, ok := c.casePaging(20, 0)
	if !ok {
		return
	}

	st := c.cases()
	var matched []*caseDoc
	counts := map[string]int{}
	for _, cs := range st.sortedCases() {
		if !f.matches(cs) {
			continue
		}
		counts[cs.status]++
		if status == "" || cs.status == status {
			matched = append(matched, cs)
		}
	}
	sortCases(matched, sortField, desc)
	out := []caseJSON{}
	for _, cs := range casePage(matched, page, perPage) {
		out = append(out, st.render(cs, false))
	}
	c.ok(map[string]any{
		"cases": out, "page": page, "per_page": perPage, "total": len(matched),
		"count_open_cases": counts["open"], "count_in_progress_cases": counts["in-progress"], "count_closed_cases": counts["closed"],
	})
}

// matches applies every filter but status, which the counts ignore.
func (f *caseFilter) matches(cs *caseDoc) bool {
	anyOf := func(want []string, have ...string) bool {
		if len(want) == 0 {
			return true
		}
		for _, h := range have {
			if slices.Contains(want, h) {
				return true
			}
		}
		return false
	}
	if f.severity != "" && cs.severity != f.severity {
		return false
	}
	if !anyOf(f.owners, cs.owner) || !anyOf(f.tags, cs.tags...) || !anyOf(f.reporters, cs.createdBy.Username, cs.createdBy.ProfileUID) {
		return false
	}
	if len(f.cat) > 0 && (cs.category == nil || !slices.Contains(f.cat, *cs.category)) {
		return false
	}
	if len(f.assignees) > 0 {
		uids := make([]string, 0, len(cs.assignees))
		for _, a := range cs.assignees {
			uids = append(uids, a.UID)
		}
		if !anyOf(f.assignees, uids...) && !(len(uids) == 0 && slices.Contains(f.assignees, "none")) {
			return false
		}
	}
	if f.from != nil && cs.createdAt.Before(*f.from) || f.to != nil && cs.createdAt.After(*f.to) {
		return false
	}
	return f.search == "" || cs.id == f.search || f.searchMatches(cs)
}

// caseSearchTerm is one term of a simple_query_string: a word or "a phrase",
// perhaps a prefix (trailing *), required (+) or excluded (-).
type caseSearchTerm struct {
	tokens           []string
	prefix, not, all bool
}

var caseSearchTermPattern = lazyRegexp(`([+-]?)(?:"([^"]*)"|(\S+))`)

func parseCaseSearch(s string) []caseSearchTerm {
	var out []caseSearchTerm
	for _, m := range caseSearchTermPattern().FindAllStringSubmatch(s, -1) {
		t := caseSearchTerm{not: m[1] == "-", all: m[1] == "+"}
		text := m[2]
		if m[3] != "" {
			text = m[3]
			if strings.HasSuffix(text, "*") {
				t.prefix, text = true, strings.TrimRight(text, "*")
			}
		}
		if t.tokens = caseTokens(text); len(t.tokens) > 0 {
			out = append(out, t)
		}
	}
	return out
}

// caseTokens splits text into lower-case words, as the standard analyzer does.
func caseTokens(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// in reports whether the term's words occur, in order, among tokens.
func (t caseSearchTerm) in(tokens []string) bool {
	for i := 0; i+len(t.tokens) <= len(tokens); i++ {
		hit := true
		for j, w := range t.tokens {
			last := j == len(t.tokens)-1
			if tokens[i+j] != w && !(last && t.prefix && strings.HasPrefix(tokens[i+j], w)) {
				hit = false
				break
			}
		}
		if hit {
			return true
		}
	}
	return false
}

func (f *caseFilter) searchMatches(cs *caseDoc) bool {
	fields := f.searchFields
	if len(fields) == 0 {
		fields = []string{"title", "description"}
	}
	var docs [][]string
	for _, name := range fields {
		if name == "title" {
			docs = append(docs, caseTokens(cs.title))
		} else {
			docs = append(docs, caseTokens(cs.description))
		}
	}
	found := func(t caseSearchTerm) bool {
		return slices.ContainsFunc(docs, t.in)
	}
	anyHit, positives := false, 0
	for _, t := range parseCaseSearch(f.search) {
		hit := found(t)
		switch {
		case t.not:
			if hit {
				return false
			}
			continue
		case t.all || f.and:
			if !hit {
				return false
			}
		}
		positives++
		anyHit = anyHit || hit
	}
	return positives == 0 || anyHit
}

var caseSeverityRank = map[string]int{"low": 0, "medium": 10, "high": 20, "critical": 30}
var caseStatusRank = map[string]int{"open": 0, "in-progress": 10, "closed": 20}

// sortCases orders cases by a sortField (createdAt when empty); missing
// values (closed_at of open cases, no category) sort last either way.
func sortCases(list []*caseDoc, field string, desc bool) {
	timeOf := func(t *time.Time) (time.Time, bool) {
		if t == nil {
			return time.Time{}, false
		}
		return *t, true
	}
	slices.SortStableFunc(list, func(a, b *caseDoc) int {
		var d int
		switch field {
		case "", "createdAt":
			d = a.createdAt.Compare(b.createdAt)
		case "updatedAt", "closedAt":
			pick := func(cs *caseDoc) *time.Time {
				if field == "updatedAt" {
					return cs.updatedAt
				}
				return cs.closedAt
			}
			ta, okA := timeOf(pick(a))
			tb, okB := timeOf(pick(b))
			if okA != okB {
				if okA {
					return -1
				}
				return 1
			}
			d = ta.Compare(tb)
		case "title":
			d = strings.Compare(a.title, b.title)
		case "category":
			if (a.category == nil) != (b.category == nil) {
				if a.category != nil {
					return -1
				}
				return 1
			}
			if a.category != nil {
				d = strings.Compare(*a.category, *b.category)
			}
		case "status":
			d = cmp.Compare(caseStatusRank[a.status], caseStatusRank[b.status])
		case "severity":
			d = cmp.Compare(caseSeverityRank[a.severity], caseSeverityRank[b.severity])
		}
		if desc {
			d = -d
		}
		return d
	})
}
