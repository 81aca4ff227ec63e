package es

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

// The cases below are the union of what the sandbox's former KQL parsers
// (alerting's, detections', endpoint's and Fleet's) were tested with.

func TestKQLTranslation(t *testing.T) {
	for _, c := range []struct{ kql, want string }{
		{``, `null`},
		{`   `, `null`},
		{`status:online`, `{"match":{"status":"online"}}`},
		{`tags:"policy:all"`, `{"match_phrase":{"tags":"policy:all"}}`},
		{`name:x y`, `{"match":{"name":"x y"}}`},
		{`host.name:web-*`, `{"wildcard":{"host.name":{"value":"web-*"}}}`},
		{`owner:*`, `{"exists":{"field":"owner"}}`},
		{`owner:"*"`, `{"match_phrase":{"owner":"*"}}`},
		{`a:1 and b:2`, `{"bool":{"filter":[{"match":{"a":"1"}},{"match":{"b":"2"}}]}}`},
		{`a:1 OR b:2`, `{"bool":{"minimum_should_match":1,"should":[{"match":{"a":"1"}},{"match":{"b":"2"}}]}}`},
		{`not a:1`, `{"bool":{"must_not":[{"match":{"a":"1"}}]}}`},
		{`a:1 or b:2 and c:3`, `{"bool":{"minimum_should_match":1,"should":[{"match":{"a":"1"}},{"bool":{"filter":[{"match":{"b":"2"}},{"match":{"c":"3"}}]}}]}}`},
		{`(a:1 or b:2) and c:3`, `{"bool":{"filter":[{"bool":{"minimum_should_match":1,"should":[{"match":{"a":"1"}},{"match":{"b":"2"}}]}},{"match":{"c":"3"}}]}}`},
		{`severity:(critical or low)`, `{"bool":{"minimum_should_match":1,"should":[{"match":{"severity":"critical"}},{"match":{"severity":"low"}}]}}`},
		{`tags:(a and not b)`, `{"bool":{"filter":[{"match":{"tags":"a"}},{"bool":{"must_not":[{"match":{"tags":"b"}}]}}]}}`},
		{`tags:((a or b) and c)`, `{"bool":{"filter":[{"bool":{"minimum_should_match":1,"should":[{"match":{"tags":"a"}},{"match":{"tags":"b"}}]}},{"match":{"tags":"c"}}]}}`},
		{`agent.version < 8.17.0`, `{"range":{"agent.version":{"lt":"8.17.0"}}}`},
		{`revision>=2`, `{"range":{"revision":{"gte":"2"}}}`},
		{`@timestamp > "now-30d/d"`, `{"range":{"@timestamp":{"gt":"now-30d/d"}}}`},
		{`x <= 3`, `{"range":{"x":{"lte":"3"}}}`},
		{`united.endpoint.host.os.name:Linux`, `{"match":{"united.endpoint.host.os.name":"Linux"}}`},
		{`path:C\:\\Windows`, `{"match":{"path":"C:\\Windows"}}`},
		{`msg:"say \"hi\""`, `{"match_phrase":{"msg":"say \"hi\""}}`},
		{`or:1`, `{"match":{"or":"1"}}`}, // a keyword followed by ":" is a field
		{`a:1	and
b:2`, `{"bool":{"filter":[{"match":{"a":"1"}},{"match":{"b":"2"}}]}}`},
	} {
		q, err := KQL(c.kql, KQLOptions{})
		if err != nil {
			t.Errorf("%q: %v", c.kql, err)
			continue
		}
		if got, _ := json.Marshal(q); string(got) != c.want {
			t.Errorf("%q:\n got %s\nwant %s", c.kql, got, c.want)
		}
	}
}

func TestKQLCaseInsensitive(t *testing.T) {
	q, _ := KQL(`name:Foo and os:"Linux"`, KQLOptions{CaseInsensitive: true})
	got, _ := json.Marshal(q)
	want := `{"bool":{"filter":[{"term":{"name":{"case_insensitive":true,"value":"Foo"}}},{"term":{"os":{"case_insensitive":true,"value":"Linux"}}}]}}`
	if string(got) != want {
		t.Errorf("got %s", got)
	}
	q, _ = KQL(`name:Fo*`, KQLOptions{CaseInsensitive: true})
	got, _ = json.Marshal(q)
	if want := `{"wildcard":{"name":{"case_insensitive":true,"value":"Fo*"}}}`; string(got) != want {
		t.Errorf("got %s", got)
	}
}

// TestKQLFieldMapping: a Kibana area maps saved object attribute names to
// document fields, or refuses them with its own error.
func TestKQLFieldMapping(t *testing.T) {
	field := func(name string) (string, error) {
		for _, prefix := range []string{"alert.attributes.", "ingest-agent-policies.", "exception-list-agnostic.attributes."} {
			if rest, ok := strings.CutPrefix(name, prefix); ok {
				return rest, nil
			}
		}
		return "", errors.New("This key '" + name + "' does NOT exist in alert saved object index patterns: Bad Request")
	}
	for _, c := range []struct{ kql, want, err string }{
		{`alert.attributes.tags:x`, `{"match":{"tags":"x"}}`, ""},
		{`ingest-agent-policies.name:prod*`, `{"wildcard":{"name":{"value":"prod*"}}}`, ""},
		{`exception-list-agnostic.attributes.os_types:linux or alert.attributes.revision > 1`, `{"bool":{"minimum_should_match":1,"should":[{"match":{"os_types":"linux"}},{"range":{"revision":{"gt":"1"}}}]}}`, ""},
		{`alert.attributes.nope.x:1 and colour:blue`, "", "This key 'colour' does NOT exist in alert saved object index patterns: Bad Request"},
	} {
		q, err := KQL(c.kql, KQLOptions{Field: field})
		if c.err != "" {
			if err == nil || err.Error() != c.err {
				t.Errorf("%q: error %v, want %q", c.kql, err, c.err)
			}
			continue
		}
		if got, _ := json.Marshal(q); err != nil || string(got) != c.want {
			t.Errorf("%q: %s %v, want %s", c.kql, got, err, c.want)
		}
	}
}

func TestKQLSyntaxErrors(t *testing.T) {
	for _, c := range []struct{ kql, want string }{
		{`alert.attributes.name:`, "KQLSyntaxError: Expected value but end of input found.\nalert.attributes.name:\n----------------------^"},
		{`(alert.attributes.name:x`, `KQLSyntaxError: Expected ")" but end of input found.`},
		{`status:(online`, `KQLSyntaxError: Expected ")" but end of input found.`},
		{`name:(a or`, `KQLSyntaxError: Expected value but end of input found.`},
		{`web-01`, `KQLSyntaxError: Expected ":", "<", "<=", ">", ">=" but end of input found.`},
		{`a:1 and`, `KQLSyntaxError: Expected "(", "not", field name but end of input found.`},
		{`a:1 b:2`, `KQLSyntaxError: Expected end of input but ":" found.`},
		{`name:"open`, "KQLSyntaxError: Expected \"\\\"\" but end of input found.\nname:\"open\n----------^"},
		{`a:1)`, `KQLSyntaxError: Expected end of input but ")" found.`},
		{`a >`, `KQLSyntaxError: Expected value but end of input found.`},
		{`a:{b:1}`, `KQLSyntaxError: Expected "(", value, whitespace but "{" found.`},
		{`:x`, `KQLSyntaxError: Expected "(", "not", field name but ":" found.`},
	} {
		_, err := KQL(c.kql, KQLOptions{})
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%q: %v, want %q", c.kql, err, c.want)
		}
	}
}

// TestKQLOverDocuments evaluates translated filters over documents the way
// the Kibana areas do (es.Select), with the cases the Fleet, alerting and
// endpoint parsers were tested with.
func TestKQLOverDocuments(t *testing.T) {
	docs := []map[string]any{
		{"id": "web-01", "status": "online", "policy_id": "prod-linux", "tags": []any{"web"}, "agent": map[string]any{"version": "8.17.1"}, "local_metadata": map[string]any{"host": map[string]any{"hostname": "web-01"}, "os": map[string]any{"platform": "linux"}}, "name": "Web server one"},
		{"id": "web-02", "status": "updating", "policy_id": "prod-linux", "tags": []any{"web", "ci"}, "agent": map[string]any{"version": "8.16.0"}, "local_metadata": map[string]any{"host": map[string]any{"hostname": "web-02"}, "os": map[string]any{"platform": "linux"}}, "name": "Web server two"},
		{"id": "fin-ws-014", "status": "error", "policy_id": "finance", "tags": []any{"finance"}, "agent": map[string]any{"version": "8.15.2"}, "local_metadata": map[string]any{"host": map[string]any{"hostname": "fin-ws-014"}, "os": map[string]any{"platform": "windows"}}, "name": "Finance workstation", "revision": 3},
		{"id": "db-01", "status": "offline", "policy_id": "prod-linux", "tags": []any{}, "agent": map[string]any{"version": "8.17.0"}, "united.endpoint.host.os.name": "Ubuntu", "name": "Ransomware-like mass file encryption", "revision": 1, "enabled": false},
	}
	for _, c := range []struct {
		kql  string
		want []string
	}{
		{`status:online`, []string{"web-01"}},
		{`policy_id:"prod-linux"`, []string{"web-01", "web-02", "db-01"}},
		{`local_metadata.host.hostname:web-*`, []string{"web-01", "web-02"}},
		{`status:error or status:offline`, []string{"fin-ws-014", "db-01"}},
		{`policy_id:prod-linux and not tags:web`, []string{"db-01"}},
		{`policy_id:prod-linux and (status:updating or tags:ci)`, []string{"web-02"}},
		{`tags:(finance or ci)`, []string{"web-02", "fin-ws-014"}},
		{`revision:*`, []string{"fin-ws-014", "db-01"}},
		{`revision > 1`, []string{"fin-ws-014"}},
		{`revision <= 1`, []string{"db-01"}},
		{`enabled:false`, []string{"db-01"}},
		{`united.endpoint.host.os.name:Ubuntu`, []string{"db-01"}},
		{`name:ransomware*`, []string{"db-01"}},
		{`name:"file encryption"`, []string{"db-01"}},
		{`name:server`, []string{"web-01", "web-02"}},
		{`user_provided_metadata.owner:*`, nil},
	} {
		q, err := KQL(c.kql, KQLOptions{})
		if err != nil {
			t.Fatalf("%q: %v", c.kql, err)
		}
		at, err := Select("agents", docs, map[string]Kind{"name": Text}, q, time.Now())
		if err != nil {
			t.Errorf("%q: %v", c.kql, err)
			continue
		}
		var got []string
		for _, i := range at {
			got = append(got, docs[i]["id"].(string))
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%q: %v, want %v", c.kql, got, c.want)
		}
	}
	// case-insensitive areas (exception list items, value lists)
	q, _ := KQL(`local_metadata.os.platform:WINDOWS or name:"WEB SERVER ONE"`, KQLOptions{CaseInsensitive: true})
	at, err := Select("items", docs, nil, q, time.Now())
	if err != nil || !slices.Equal(at, []int{0, 2}) {
		t.Errorf("case-insensitive: %v %v", at, err)
	}
}
