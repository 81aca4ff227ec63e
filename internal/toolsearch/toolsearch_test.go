package toolsearch

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
)

// names lists the hits' names in order.
func names(hits []Hit) []string {
	out := make([]string, len(hits))
	for i, h := range hits {
		out[i] = h.Name
	}
	return out
}

// first fails unless want ranks first for query.
func first(t *testing.T, ix *Index, query, want string) {
	t.Helper()
	hits := ix.Search(query, 0)
	if len(hits) == 0 || hits[0].Name != want {
		t.Errorf("%q: want %s first, got %v", query, want, hits)
	}
}

// caseDocs is a small world of case tools, shaped like the real ones.
var caseDocs = []Doc{
	{Name: "find_cases", Title: "Find cases", Toolset: "cases", Method: "GET", Path: "/api/cases/_find",
		Description: "Search cases by status and severity.",
		Arguments:   []Argument{{"status", "open in-progress closed"}, {"severity", "low high critical"}}},
	{Name: "get_case", Title: "Get case", Toolset: "cases", Method: "GET", Path: "/api/cases/{caseId}",
		Description: "Fetch one case.", Arguments: []Argument{{"caseId", "Case ID."}}},
	{Name: "update_cases", Title: "Update cases", Toolset: "cases", Method: "PATCH", Path: "/api/cases",
		Description: "Change cases; prefer this over delete_cases.",
		Arguments:   []Argument{{"cases", "id version status severity tags assignees title"}}},
	{Name: "delete_cases", Title: "Delete cases", Toolset: "cases", Method: "DELETE", Path: "/api/cases",
		Description: "Delete cases; prefer closing them with update_cases.", Arguments: []Argument{{"ids", "Case IDs."}}},
	{Name: "add_case_comment", Title: "Add case comment", Toolset: "cases", Method: "POST", Path: "/api/cases/{caseId}/comments",
		Description: "Add a comment to a case.", Arguments: []Argument{{"caseId", ""}, {"comment", "Markdown text."}}},
	{Name: "find_case_comments", Title: "Find case comments", Toolset: "cases", Method: "GET", Path: "/api/cases/{caseId}/comments/_find",
		Description: "List a case's comments.", Arguments: []Argument{{"caseId", ""}}},
	{Name: "get_case_comment", Title: "Get case comment", Toolset: "cases", Method: "GET", Path: "/api/cases/{caseId}/comments/{commentId}",
		Description: "Fetch one comment.", Arguments: []Argument{{"caseId", ""}, {"commentId", ""}}},
	{Name: "get_case_alerts", Title: "Get case alerts", Toolset: "cases", Method: "GET", Path: "/api/cases/{caseId}/alerts",
		Description: "List the alerts attached to a case.", Arguments: []Argument{{"caseId", ""}}},
	{Name: "get_cases_by_alert", Title: "Get cases for alert", Toolset: "cases", Method: "GET", Path: "/api/cases/alerts/{alertId}",
		Description: "List the cases an alert is attached to.", Arguments: []Argument{{"alertId", ""}}},
	{Name: "get_case_tags", Title: "Get case tags", Toolset: "cases", Method: "GET", Path: "/api/cases/tags",
		Description: "List the tags used on cases."},
	{Name: "push_case", Title: "Push case", Toolset: "cases", Method: "POST", Path: "/api/cases/{caseId}/connector/{connectorId}/_push",
		Description: "Send a case to an external system.", Arguments: []Argument{{"caseId", ""}, {"connectorId", ""}}},
	{Name: "find_case_user_actions", Title: "Find case activity", Toolset: "cases", Method: "GET", Path: "/api/cases/{caseId}/user_actions/_find",
		Description: "Page through a case's history.", Arguments: []Argument{{"caseId", ""}}},
}

func TestSearchFindsByNameTitleAndLexicon(t *testing.T) {
	ix := New(caseDocs)
	first(t, ix, "tags", "get_case_tags")
	first(t, ix, "add a note to the case", "add_case_comment")              // note means comment
	first(t, ix, "remove these cases", "delete_cases")                      // remove means delete
	first(t, ix, "send the case to Jira", "push_case")                      // send means push
	first(t, ix, "show the timeline of the case", "find_case_user_actions") // timeline means user actions
	first(t, ix, "which critical cases are open", "find_cases")             // enum values, read intent
}

// A word typed counts more than the same meaning reached through the
// lexicon: "remark" in a title beats "comment" reached from "remark".
func TestLiteralBeatsExpansion(t *testing.T) {
	ix := New([]Doc{
		{Name: "tool_a", Title: "Comment board"},
		{Name: "tool_b", Title: "Remark board"},
	})
	hits := ix.Search("remark", 0)
	if got := names(hits); !slices.Equal(got, []string{"tool_b", "tool_a"}) {
		t.Fatalf("hits = %v, want tool_b then tool_a", hits)
	}
	if ratio := hits[1].Score / hits[0].Score; ratio < expandedWeight*0.9 || ratio > expandedWeight*1.1 {
		t.Errorf("expansion scores %.2f of the literal match, want about %.2f", ratio, expandedWeight)
	}
}

// The same word in each field, one field per tool, ranks the fields in
// weight order: name and title, then path and toolset, then description,
// argument names, argument descriptions.
func TestFieldWeightOrder(t *testing.T) {
	base := func(name string) Doc {
		return Doc{Name: name, Title: "Tool gadget", Toolset: "misc", Path: "/api/gadget", Description: "Does a gadget.",
			Arguments: []Argument{{"gadget", "A gadget."}}}
	}
	docs := map[string]Doc{}
	set := func(field string, edit func(*Doc)) {
		d := base("tool_" + field)
		edit(&d)
		docs[field] = d
	}
	set("name", func(d *Doc) { d.Name = "tool_zebra" })
	set("title", func(d *Doc) { d.Title = "Tool zebra" })
	set("path", func(d *Doc) { d.Path = "/api/zebra" })
	set("toolset", func(d *Doc) { d.Toolset = "zebra" })
	set("description", func(d *Doc) { d.Description = "Does a zebra." })
	set("argname", func(d *Doc) { d.Arguments = []Argument{{"zebra", "A gadget."}} })
	set("argdesc", func(d *Doc) { d.Arguments = []Argument{{"gadget", "A zebra."}} })
	var all []Doc
	for _, d := range docs {
		all = append(all, d)
	}
	score := map[string]float64{}
	for _, h := range New(all).Search("zebra", 0) {
		score[h.Name] = h.Score
	}
	s := func(field string) float64 { return score[docs[field].Name] }
	tiers := [][]string{{"name", "title"}, {"path", "toolset"}, {"description"}, {"argname"}, {"argdesc"}}
	for i := 1; i < len(tiers); i++ {
		for _, hi := range tiers[i-1] {
			for _, lo := range tiers[i] {
				if !(s(hi) > s(lo)) {
					t.Errorf("a match in the %s scores %.3f, not more than in the %s (%.3f)", hi, s(hi), lo, s(lo))
				}
			}
		}
	}
}

func TestSearchLimit(t *testing.T) {
	ix := New(caseDocs)
	all := ix.Search("case", 0)
	if len(all) != len(caseDocs) {
		t.Fatalf("limit 0: %d hits, want every tool (%d)", len(all), len(caseDocs))
	}
	for _, limit := range []int{1, 3, len(caseDocs) + 5} {
		got := ix.Search("case", limit)
		want := all[:min(limit, len(all))]
		if !slices.Equal(got, want) {
			t.Errorf("limit %d: %v, want the first %d of %v", limit, names(got), len(want), names(all))
		}
	}
}

func TestSearchWithoutMatchesHasNoHits(t *testing.T) {
	ix := New(caseDocs)
	for _, q := range []string{"", "   ", "?!", "the of which is", "xylophone"} {
		if hits := ix.Search(q, 5); len(hits) != 0 {
			t.Errorf("%q: %v, want no hits", q, hits)
		}
	}
	if hits := New(nil).Search("case", 5); len(hits) != 0 {
		t.Errorf("empty index: %v, want no hits", hits)
	}
}

// Equal scores are ordered by name, whatever the order of the documents.
func TestTiesBreakByName(t *testing.T) {
	var docs []Doc
	for _, n := range []string{"tool_c", "tool_a", "tool_d", "tool_b"} {
		docs = append(docs, Doc{Name: n, Title: "Widget", Description: "A widget."})
	}
	want := []string{"tool_a", "tool_b", "tool_c", "tool_d"}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 10 {
		rng.Shuffle(len(docs), func(i, j int) { docs[i], docs[j] = docs[j], docs[i] })
		if got := names(New(docs).Search("widget", 0)); !slices.Equal(got, want) {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
}

// Shuffling the documents changes no score: results never depend on map
// or input order.
func TestSearchIsDeterministic(t *testing.T) {
	queries := []string{"close the case", "which alerts are on this case", "add a note", "delete that comment"}
	want := map[string][]Hit{}
	ix := New(caseDocs)
	for _, q := range queries {
		want[q] = ix.Search(q, 0)
	}
	docs := slices.Clone(caseDocs)
	rng := rand.New(rand.NewPCG(3, 4))
	for range 10 {
		rng.Shuffle(len(docs), func(i, j int) { docs[i], docs[j] = docs[j], docs[i] })
		ix := New(docs)
		for _, q := range queries {
			if got := ix.Search(q, 0); !slices.Equal(got, want[q]) {
				t.Fatalf("%q after shuffling: %v, want %v", q, got, want[q])
			}
		}
	}
}

func TestSearchIsSafeForConcurrentUse(t *testing.T) {
	ix := New(caseDocs)
	want := ix.Search("close the case", 0)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 100 {
				if got := ix.Search("close the case", 0); !slices.Equal(got, want) {
					t.Error("concurrent search differs")
					return
				}
			}
		})
	}
	wg.Wait()
}

// The leading verb or question word picks read, write or delete tools.
func TestIntentBoostsMatchingVerb(t *testing.T) {
	ix := New([]Doc{
		{Name: "find_widgets", Title: "Widgets"},
		{Name: "create_widget", Title: "Widgets"},
		{Name: "delete_widgets", Title: "Widgets"},
	})
	first(t, ix, "which widgets do we have", "find_widgets")
	first(t, ix, "widgets", "find_widgets") // no verb: reading is the safe guess
	first(t, ix, "make a widget", "create_widget")
	first(t, ix, "erase widgets", "delete_widgets")
	first(t, ix, "get rid of widgets", "delete_widgets") // the idiom, not "get"
}

// A leading verb means what it orders; the same word elsewhere is a noun.
func TestLeadingVerbReadForItsSense(t *testing.T) {
	ix := New(caseDocs)
	first(t, ix, "tag the case as phishing", "update_cases")
	first(t, ix, "what tags exist", "get_case_tags")
	first(t, ix, "close the case", "update_cases")
	first(t, ix, "assign the case to Maria", "update_cases")
}

// An action verb away from the lead describes: "attached" must not pull
// the tool that attaches.
func TestDescribingVerbDoesNotPullItsTool(t *testing.T) {
	ix := New([]Doc{
		{Name: "add_widget", Title: "Add widget", Method: "POST", Description: "Add a widget to a box."},
		{Name: "find_widgets", Title: "Find widgets", Method: "GET", Description: "List the widgets added to a box."},
	})
	first(t, ix, "which widgets were added to the box", "find_widgets")
	first(t, ix, "add a widget to the box", "add_widget")
}

// "this case" is a case in hand: tools given a case by id fit; "this
// alert" is an alert in hand.
func TestDemonstrativeAgreesWithIdentifierArguments(t *testing.T) {
	ix := New(caseDocs)
	first(t, ix, "what alerts are attached to this case", "get_case_alerts")
	first(t, ix, "is this alert attached to a case", "get_cases_by_alert")
	first(t, ix, "get that comment", "get_case_comment")
}

// A word agrees with tools whose name ends with it in the same number;
// "every" makes the next word many.
func TestNumberAgreesWithTheNamesLastNoun(t *testing.T) {
	ix := New(caseDocs)
	first(t, ix, "read comments", "find_case_comments")
	first(t, ix, "read every comment", "find_case_comments")
	first(t, ix, "read the comment", "get_case_comment")
}

// Descriptions that name other tools do not make a tool match their words.
func TestOtherToolNamesInProseAreIgnored(t *testing.T) {
	ix := New(caseDocs)
	for _, h := range ix.Search("update", 0) {
		if h.Name == "delete_cases" {
			t.Errorf("delete_cases matches update through its mention of update_cases: %v", ix.Search("update", 0))
		}
	}
}

func ExampleIndex_Search() {
	ix := New(caseDocs)
	for _, q := range []string{"add a note to this investigation", "close the case", "who changed it"} {
		fmt.Println(q, "->", ix.Search(q, 1)[0].Name)
	}
	// Output:
	// add a note to this investigation -> add_case_comment
	// close the case -> update_cases
	// who changed it -> find_case_user_actions
}

// A question asks to read: tools that change something are set back, even
// when they share the question's words ("which widgets are polished").
func TestQuestionSetsBackToolsThatChange(t *testing.T) {
	ix := New([]Doc{
		{Name: "polish_widget", Title: "Polish widget", Method: "POST", Description: "Polish widgets."},
		{Name: "find_widget_actions", Title: "Find widget actions", Method: "GET",
			Description: "List what was done to widgets, polishing included."},
	})
	first(t, ix, "which widgets are polished", "find_widget_actions")
	first(t, ix, "widgets polished today?", "find_widget_actions")
	first(t, ix, "polish the widget", "polish_widget") // an order is not a question
}

// Only tools that change something are set back by a question: a preview
// sent as POST only reads. A question word asks only at the start of a
// request: "preview which widgets would change" orders a preview.
func TestQuestionSparesToolsThatOnlyRead(t *testing.T) {
	docs := []Doc{
		{Name: "preview_widget_changes", Title: "Preview widget changes", Method: "POST", ReadOnly: true},
		{Name: "find_widgets", Title: "Find widgets", Method: "GET"},
	}
	readOnly := New(docs).Search("which widgets would change", 1)
	docs[0].ReadOnly = false
	changing := New(docs).Search("which widgets would change", 1)
	if readOnly[0].Name != "preview_widget_changes" || changing[0].Name != "preview_widget_changes" ||
		readOnly[0].Score <= changing[0].Score {
		t.Errorf("read-only preview %v, not read-only %v: want the preview first, and higher when it only reads", readOnly, changing)
	}
	if q := parseQuery("preview which widgets would change", nil); q.question {
		t.Error("preview which widgets would change: read as a question")
	}
	if q := parseQuery("which widgets would change", nil); !q.question {
		t.Error("which widgets would change: not read as a question")
	}
}

// A tool matching most of a request outranks one matching a single word
// strongly: "space" in "notifications of the disk space rule" is no
// Kibana space.
func TestCoverageOutranksOneStrongWord(t *testing.T) {
	ix := New([]Doc{
		{Name: "get_space", Title: "Get space", Method: "GET"},
		{Name: "get_monitor", Title: "Get monitor rule", Method: "GET",
			Description: "Read a monitor rule: its notifications, its schedule, its disk use."},
		{Name: "get_case", Title: "Get case", Method: "GET", Description: "Read a case."},
	})
	first(t, ix, "notifications of the disk space rule", "get_monitor")
}

// Words a request carries as text ("a note saying …") are not read.
func TestPayloadIsNotRead(t *testing.T) {
	ix := New(append(slices.Clone(caseDocs),
		Doc{Name: "isolate_host", Title: "Isolate host", Method: "POST", Description: "Isolate a host."}))
	first(t, ix, "add a note saying the host was isolated", "add_case_comment")
}

// Opening what exists reads it; opening something new creates it.
func TestOpeningTheExistingReadsIt(t *testing.T) {
	ix := New([]Doc{
		{Name: "get_timeline", Title: "Get timeline", Method: "GET"},
		{Name: "create_timeline", Title: "Create timeline", Method: "POST"},
	})
	first(t, ix, "open the timeline", "get_timeline")
	first(t, ix, "open a new timeline", "create_timeline")
}

// A name's verb counts as the common verb of its kind: set_widget_tags
// updates tags, and is found as update_widget is.
func TestNameVerbsCountAsTheirKind(t *testing.T) {
	ix := New([]Doc{
		{Name: "set_widget_tags", Title: "Tag widgets", Method: "POST"},
		{Name: "update_rule", Title: "Update rule", Method: "PUT", Description: "Change a rule's tags and widgets."},
	})
	first(t, ix, "update the tags of these widgets", "set_widget_tags")
}

// A tool listing a collection holds the words of the paths under it:
// what is done to its members is found there.
func TestFamilyTermsComeFromPathsBelow(t *testing.T) {
	docs := []Doc{
		{Name: "find_widget_actions", Method: "GET", Path: "/api/widget/action"},
		{Name: "polish_widget", Method: "POST", Path: "/api/widget/action/polish"},
		{Name: "get_widget_action", Method: "GET", Path: "/api/widget/action/{id}/result"},
		{Name: "search_gadgets", Method: "POST", Path: "/api/gadgets/search"},
		{Name: "set_gadget_color", Method: "POST", Path: "/api/gadgets/color"},
		{Name: "delete_widgets", Method: "DELETE", Path: "/api/widget/action/all"},
	}
	got := familyTerms(docs)
	want := [][]string{
		{stem("polish"), stem("result"), stem("all")},
		nil,
		nil, // nothing under /api/widget/action/{id}/result
		{stem("color")},
		nil, // only tools that read have a family
		nil,
	}
	for i := range docs {
		if !slices.Equal(got[i], want[i]) {
			t.Errorf("%s: family %q, want %q", docs[i].Name, got[i], want[i])
		}
	}
}

// What the request is about counts more than a phrase narrowing it down:
// the alerts are marked, not the rule they come from.
func TestQualifyingPhraseCountsLess(t *testing.T) {
	q := parseQuery("mark the alerts from the noisy rule as acknowledged", nil)
	qualifies := map[string]bool{}
	for _, w := range q.words {
		qualifies[w.readings[0].term] = w.qualifies
	}
	if qualifies[stem("alerts")] || !qualifies[stem("rule")] || !qualifies[stem("noisy")] || qualifies[stem("acknowledged")] {
		t.Errorf("qualifying words %v: want the rule and its adjective, not the alerts or what they become", qualifies)
	}
	ix := New([]Doc{
		{Name: "set_widget_status", Title: "Set widget status", Method: "POST", Description: "Acknowledge or close widgets."},
		{Name: "update_gadget", Title: "Update gadget", Method: "PUT", Description: "Change a gadget, which raises widgets."},
		{Name: "get_gadget", Title: "Get gadget", Method: "GET"},
		{Name: "find_sprockets", Title: "Find sprockets", Method: "GET"},
		{Name: "delete_sprocket", Title: "Delete sprocket", Method: "DELETE"},
	})
	first(t, ix, "mark the widgets from the noisy gadget as acknowledged", "set_widget_status")
}

// A meaning another word of the request types outright counts once:
// "ticketing" may mean case, but "cases" is typed.
func TestEchoedMeaningCountsOnce(t *testing.T) {
	q := parseQuery("which ticketing systems can we push cases to", nil)
	for _, w := range q.words {
		if w.readings[0].term == stem("ticketing") && slices.ContainsFunc(w.readings, func(r reading) bool { return r.term == stem("case") }) {
			t.Errorf("ticketing still reads as case: %v", w.readings)
		}
	}
}

// Removing a state undoes the action that set it, when a tool is named for
// the undoing; otherwise removing deletes.
func TestRemovingAStateUndoesIt(t *testing.T) {
	ix := New([]Doc{
		{Name: "isolate_host", Title: "Isolate host", Method: "POST"},
		{Name: "unisolate_host", Title: "Release isolated host", Method: "POST"},
		{Name: "delete_host", Title: "Delete host", Method: "DELETE", Description: "Delete an unused host."},
	})
	first(t, ix, "remove the quarantine from web-01", "unisolate_host")
	first(t, ix, "lift the isolation on web-01", "unisolate_host")
	first(t, ix, "delete the host nobody uses", "delete_host") // "uses" is no undoing
}

// ruleDocs is a small world of rule tools that act or read.
var ruleDocs = []Doc{
	{Name: "disable_rule", Title: "Disable rule", Method: "POST", Description: "Stop a rule from running."},
	{Name: "mute_rule", Title: "Mute rule", Method: "POST", Description: "Silence all notifications of a rule."},
	{Name: "find_rules", Title: "Find rules", Method: "GET", Description: "List rules, muted or not."},
}

// Stopping or turning off notifications silences a rule; stopping the rule
// disables it.
func TestStoppingNotificationsSilences(t *testing.T) {
	ix := New(ruleDocs)
	first(t, ix, "stop paging me for the disk rule", "mute_rule")
	first(t, ix, "turn off notifications for the disk rule", "mute_rule")
	first(t, ix, "stop the disk rule", "disable_rule")
}

// A word after a determiner names or describes; it does not order.
func TestWordAfterDeterminerDoesNotOrder(t *testing.T) {
	if q := parseQuery("any new incidents today?", nil); q.intent != readIntent || !q.question {
		t.Errorf("any new incidents today?: intent %d, question %v; want a question that reads", q.intent, q.question)
	}
	if q := parseQuery("new case from this alert", nil); q.intent != writeIntent {
		t.Errorf("new case from this alert: intent %d; want a change", q.intent)
	}
}

// A verb that names a tool reads as the same verb in a request, whatever
// the method; a tool that only reads reads.
func TestNameVerbReadsAsInRequests(t *testing.T) {
	for _, tc := range []struct {
		doc  Doc
		want intent
	}{
		{Doc{Name: "unsnooze_rule", Method: "DELETE"}, writeIntent},
		{Doc{Name: "resolve_saved_object", Method: "GET", ReadOnly: true}, readIntent},
		{Doc{Name: "find_rules", Method: "POST"}, readIntent},
		{Doc{Name: "authorize_transforms", Method: "POST"}, writeIntent},
	} {
		if got := docIntent(tc.doc); got != tc.want {
			t.Errorf("%s: intent %d, want %d", tc.doc.Name, got, tc.want)
		}
	}
}

// A question asking how to act, or whether one can, orders the act; a
// question about things does not.
func TestAskingHowOrders(t *testing.T) {
	ix := New(ruleDocs)
	first(t, ix, "is it possible to mute this rule?", "mute_rule")
	first(t, ix, "how do I mute a rule?", "mute_rule")
	first(t, ix, "which rules are muted?", "find_rules")
}

// Of a request's clauses, the one that orders is read for the order; the
// others say why or where, and count less.
func TestOrderingClauseLeads(t *testing.T) {
	q := parseQuery("the disk rule has been firing all night, snooze it until morning", nil)
	if q.intent != writeIntent {
		t.Errorf("intent %d, want a change", q.intent)
	}
	qualifies := map[string]bool{}
	for _, w := range q.words {
		qualifies[w.readings[0].term] = w.qualifies
	}
	if !qualifies[stem("rule")] || qualifies[stem("snooze")] {
		t.Errorf("qualifying words %v: want the rule, not the snooze", qualifies)
	}
	ix := New(ruleDocs)
	first(t, ix, "is this a false positive? mute the rule", "mute_rule")
	first(t, ix, "the rule fires all night, mute it", "mute_rule")
	if got := clauses("grab payload.elf off web-03: then scan it, so we know"); len(got) != 3 {
		t.Errorf("clauses %q, want three", got)
	}
}

// A verb after a copula is a state: "alerts that are still open" orders
// nothing.
func TestVerbAfterCopulaIsAState(t *testing.T) {
	if q := parseQuery("the alerts that are still open", nil); q.intent != readIntent {
		t.Errorf("intent %d, want a read", q.intent)
	}
}

// Searching or counting logs is a query over them; what a thing is called
// is its name, not a search.
func TestSearchingLogsQueriesThem(t *testing.T) {
	ix := New([]Doc{
		{Name: "query_esql", Title: "Query events (ES|QL)", Method: "POST", ReadOnly: true, Description: "Run an ES|QL query."},
		{Name: "search_firewall_widgets", Title: "Search firewall widgets", Method: "POST", ReadOnly: true,
			Description: "Search the widgets that filter traffic."},
		{Name: "find_saved_objects", Title: "Find saved objects", Method: "GET", Description: "Search saved objects."},
	})
	first(t, ix, "search the firewall logs for traffic to 10.0.0.5", "query_esql")
	first(t, ix, "find the saved object called failed logins", "find_saved_objects")
}

// A word the tools use as it is reads chiefly as itself: "critical" is a
// severity, and only faintly criticality; "riskiest", which no tool uses,
// reads fully as risk.
func TestUsedWordsLeanOnThemselves(t *testing.T) {
	docs := []Doc{
		{Name: "get_asset_criticality", Title: "Get asset criticality", Method: "GET"},
		{Name: "search_alerts", Title: "Search alerts", Method: "POST", ReadOnly: true,
			Arguments: []Argument{{"severity", "low high critical"}}},
		{Name: "list_risky_hosts", Title: "List hosts by risk", Method: "GET"},
	}
	// Alerts are everywhere, as in Kibana: the word tells little.
	for _, name := range []string{"mute_rule", "get_rule", "create_rule"} {
		docs = append(docs, Doc{Name: name, Method: "GET", Description: "A rule raises alerts."})
	}
	ix := New(docs)
	first(t, ix, "critical alerts on dc01", "search_alerts")
	first(t, ix, "what is the criticality of dc01", "get_asset_criticality")
	first(t, ix, "which hosts are riskiest", "list_risky_hosts")
}

// A clause saying what not to do orders nothing: the other clause does.
func TestNegatedClauseOrdersNothing(t *testing.T) {
	got := clauses("don't kill it, just freeze pid 9981")
	if len(got) != 1 || got[0][0] != "just" {
		t.Errorf("clauses = %q, want only the freeze", got)
	}
	if got := clauses("don't show closed cases"); len(got) != 1 {
		t.Errorf("a request that is only a negation keeps its words: %q", got)
	}
}

// A thing asked for by its name is searched for; one created with a name
// is not.
func TestNamedThingsAreSearched(t *testing.T) {
	ix := New(caseDocs)
	first(t, ix, "pull up the case called Possible BEC - CFO mailbox", "find_cases")
	if got := withoutPayload(queryWords("open a case called phishing wave")); slices.Contains(got, "titled") {
		t.Errorf("a case created with a name is no search: %q", got)
	}
}
