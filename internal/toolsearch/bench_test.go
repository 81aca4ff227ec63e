package toolsearch

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// syntheticDocs builds n tool documents shaped like Kibana operations: a
// verb and one or two nouns of an API area as name, title and path, a
// sentence or two of description, and a few arguments. The same n always
// gives the same documents.
func syntheticDocs(n int) []Doc {
	rng := rand.New(rand.NewPCG(42, 7))
	areas := []string{"cases", "alerting", "connectors", "detections", "spaces", "endpoint", "fleet", "apm",
		"data_views", "security", "dashboards", "ml", "ai_assistant"}
	nouns := []string{"case", "comment", "alert", "rule", "connector", "agent", "policy", "package", "service",
		"key", "role", "space", "view", "field", "action", "file", "tag", "user", "output", "job", "model",
		"dashboard", "template", "exception", "list", "host", "process", "setting", "sourcemap", "index"}
	verbs := []string{"find", "get", "create", "update", "delete", "add", "set", "run", "mute", "enable", "isolate"}
	prose := strings.Fields("the a of to and with for each one or more its current version id name status " +
		"severity owner space returns changes removes lists reads permanently cannot be undone when given " +
		"only fields page at time matching filter sort order created updated by user profile external " +
		"system ticket history timeline attached count total default value enabled disabled snoozed " +
		"muted isolated host agent policy integration package revision schedule interval query kql")
	pick := func(list []string) string { return list[rng.IntN(len(list))] }
	sentence := func(words int) string {
		ws := make([]string, words)
		for i := range ws {
			ws[i] = pick(prose)
		}
		return strings.Join(ws, " ") + "."
	}
	seen := map[string]bool{}
	docs := make([]Doc, 0, n)
	for len(docs) < n {
		area, verb, noun, other := pick(areas), pick(verbs), pick(nouns), pick(nouns)
		name := verb + "_" + noun + "_" + other + "s"
		if seen[name] {
			name = fmt.Sprintf("%s_%d", name, len(docs))
		}
		seen[name] = true
		var args []Argument
		for range 1 + rng.IntN(6) {
			args = append(args, Argument{Name: pick(nouns) + "Id", Description: sentence(4 + rng.IntN(8))})
		}
		docs = append(docs, Doc{
			Name:        name,
			Title:       strings.ToUpper(verb[:1]) + verb[1:] + " " + noun + " " + other + "s",
			Toolset:     area,
			Method:      "GET",
			Path:        "/api/" + area + "/{" + noun + "Id}/" + other + "s",
			Description: sentence(10 + rng.IntN(25)),
			Arguments:   args,
		})
	}
	return docs
}

var benchQueries = []string{
	"close the case about the phishing email",
	"which critical alerts are open on this host",
	"isolate the host that ran the malware",
	"snooze this rule for an hour",
	"who changed the agent policy and when",
	"list fleet agents that are offline",
	"upload the memory dump to the case",
	"what roles can read this space",
}

// BenchmarkSearch is one search over 200 tools, cycling through requests
// of different lengths and shapes.
func BenchmarkSearch(b *testing.B) {
	ix := New(syntheticDocs(200))
	i := 0
	for b.Loop() {
		ix.Search(benchQueries[i%len(benchQueries)], 5)
		i++
	}
}

// BenchmarkNew is building the index of 200 tools.
func BenchmarkNew(b *testing.B) {
	docs := syntheticDocs(200)
	for b.Loop() {
		New(docs)
	}
}
