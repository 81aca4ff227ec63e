package sandbox

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"
)

// streamNames lists the streams list_streams answers.
func streamNames(t *testing.T, k *Kibana) []string {
	t.Helper()
	status, body := do(t, k, http.MethodGet, "/api/streams", "", nil)
	if status != http.StatusOK {
		t.Fatalf("list: %d %v", status, body)
	}
	var names []string
	for _, s := range body["streams"].([]any) {
		names = append(names, s.(map[string]any)["name"].(string))
	}
	return names
}

func mustDo(t *testing.T, k *Kibana, method, path, body string, want int) map[string]any {
	t.Helper()
	status, out := do(t, k, method, path, body, nil)
	if status != want {
		t.Fatalf("%s %s: %d %v, want %d", method, path, status, out, want)
	}
	return out
}

// TestStreamsSeededStory: the root logs, its fork logs.linux, a classic
// stream over every logs-* data stream of the sandbox's Elasticsearch,
// and the group; streams are the same under any space prefix.
func TestStreamsSeededStory(t *testing.T) {
	k, _ := maintKibana(t)
	names := streamNames(t, k)
	for _, want := range []string{"auth-logs", "logs", "logs.linux", "logs-system.auth-default", "logs-network_traffic.dns-default"} {
		if !slices.Contains(names, want) {
			t.Errorf("no stream %s in %v", want, names)
		}
	}
	for _, ds := range k.cluster().streams {
		if strings.HasPrefix(ds.name, "logs-") && !slices.Contains(names, ds.name) {
			t.Errorf("data stream %s has no classic stream", ds.name)
		}
	}
	soc := mustDo(t, k, http.MethodGet, "/s/soc/api/streams/logs", "", 200)
	root := soc["stream"].(map[string]any)["ingest"].(map[string]any)["wired"].(map[string]any)
	if got := fmt.Sprint(root["routing"]); !strings.Contains(got, "logs.linux") {
		t.Errorf("logs routes %s", got)
	}
	auth := mustDo(t, k, http.MethodGet, "/api/streams/logs-system.auth-default", "", 200)
	if _, classic := auth["stream"].(map[string]any)["ingest"].(map[string]any)["classic"]; !classic || auth["data_stream_exists"] != true {
		t.Errorf("auth stream: %v", auth)
	}
}

// TestStreamsForkIngestAndDelete: a fork adds the child and the parent's
// routing rule; the child inherits its parent's fields and lifecycle;
// ingest settings are kept; deleting a child removes its own children and
// the routing to it; the root and classic creation are refused.
func TestStreamsForkIngestAndDelete(t *testing.T) {
	k, _ := maintKibana(t)
	mustDo(t, k, http.MethodPost, "/api/streams/logs/_fork", `{"stream":{"name":"logs.web"},"where":{"field":"service.name","eq":"nginx"}}`, 200)
	mustDo(t, k, http.MethodPost, "/api/streams/logs/_fork", `{"stream":{"name":"logs.web"},"where":{"always":{}}}`, 409)
	mustDo(t, k, http.MethodPost, "/api/streams/logs.web/_fork", `{"stream":{"name":"logs.web.errors"},"where":{"field":"http.response.status_code","gte":500}}`, 200)
	mustDo(t, k, http.MethodPost, "/api/streams/logs-system.auth-default/_fork", `{"stream":{"name":"logs-system.auth-default.x"},"where":{"always":{}}}`, 400)

	ingest := `{"ingest":{"lifecycle":{"dsl":{"data_retention":"7d"}},"processing":{"steps":[{"action":"grok","from":"message","patterns":["%{IP:source.ip}"]}]},"settings":{},"wired":{"fields":{"service.name":{"type":"keyword"}},"routing":[{"destination":"logs.web.errors","where":{"field":"http.response.status_code","gte":500}}]}}}`
	mustDo(t, k, http.MethodPut, "/api/streams/logs.web/_ingest", ingest, 200)
	got := mustDo(t, k, http.MethodGet, "/api/streams/logs.web/_ingest", "", 200)["ingest"].(map[string]any)
	if fmt.Sprint(got["lifecycle"]) != "map[dsl:map[data_retention:7d]]" || len(got["processing"].(map[string]any)["steps"].([]any)) != 1 {
		t.Errorf("ingest not kept: %v", got)
	}
	child := mustDo(t, k, http.MethodGet, "/api/streams/logs.web.errors", "", 200)
	if lc := child["effective_lifecycle"].(map[string]any); lc["from"] != "logs.web" {
		t.Errorf("child's lifecycle from %v", lc)
	}
	if f := child["inherited_fields"].(map[string]any)["service.name"]; fmt.Sprint(f) != "map[from:logs.web type:keyword]" {
		t.Errorf("inherited field %v", f)
	}
	mustDo(t, k, http.MethodPut, "/api/streams/logs-system.auth-default/_ingest", ingest, 400) // wired ingest on a classic stream
	mustDo(t, k, http.MethodPut, "/api/streams/logs-nope-default/_ingest", strings.Replace(ingest, `"wired":{"fields":{"service.name":{"type":"keyword"}},"routing":[{"destination":"logs.web.errors","where":{"field":"http.response.status_code","gte":500}}]}`, `"classic":{}`, 1), 404)
	mustDo(t, k, http.MethodPut, "/api/streams/logs/_ingest", strings.Replace(ingest, `{"dsl":{"data_retention":"7d"}}`, `{"inherit":{}}`, 1), 400)

	mustDo(t, k, http.MethodDelete, "/api/streams/logs", "", 400)
	mustDo(t, k, http.MethodDelete, "/api/streams/logs.web", "", 200)
	names := streamNames(t, k)
	if slices.Contains(names, "logs.web") || slices.Contains(names, "logs.web.errors") {
		t.Errorf("deleted streams still listed: %v", names)
	}
	root := mustDo(t, k, http.MethodGet, "/api/streams/logs/_ingest", "", 200)
	if strings.Contains(fmt.Sprint(root), "logs.web") {
		t.Errorf("routing to a deleted child kept: %v", root)
	}
}

// TestStreamsDisableEnable: disabling deletes wired and group streams and
// resets classic ones; enabling brings back the root alone.
func TestStreamsDisableEnable(t *testing.T) {
	k, _ := maintKibana(t)
	mustDo(t, k, http.MethodPost, "/api/streams/_disable", "", 200)
	names := streamNames(t, k)
	if slices.Contains(names, "logs") || slices.Contains(names, "auth-logs") || !slices.Contains(names, "logs-system.auth-default") {
		t.Errorf("after disable: %v", names)
	}
	if q := mustDo(t, k, http.MethodGet, "/api/streams/logs-system.auth-default/queries", "", 200)["queries"].([]any); len(q) != 0 {
		t.Errorf("classic stream kept its queries: %v", q)
	}
	mustDo(t, k, http.MethodPost, "/api/streams/logs/_fork", `{"stream":{"name":"logs.a"},"where":{"always":{}}}`, 404)
	if r := mustDo(t, k, http.MethodPost, "/api/streams/_enable", "", 200); r["result"] != "created" {
		t.Errorf("enable: %v", r)
	}
	names = streamNames(t, k)
	if !slices.Contains(names, "logs") || slices.Contains(names, "logs.linux") {
		t.Errorf("after enable: %v", names)
	}
	if r := mustDo(t, k, http.MethodPost, "/api/streams/_enable", "", 200); r["result"] != "noop" {
		t.Errorf("second enable: %v", r)
	}
}

// TestStreamsQueriesAndSignificantEvents: queries are stored, replaced
// and removed; significant events count the auth stream's documents each
// query matches, bucket by bucket, as a direct count over the events does.
func TestStreamsQueriesAndSignificantEvents(t *testing.T) {
	k, now := maintKibana(t)
	const auth = "/api/streams/logs-system.auth-default"
	mustDo(t, k, http.MethodPut, auth+"/queries/root", `{"title":"Root","kql":{"query":"user.name: root"}}`, 200)
	mustDo(t, k, http.MethodPut, auth+"/queries/bad", `{"title":"Bad","kql":{"query":"user.name: ("}}`, 400)
	mustDo(t, k, http.MethodPost, auth+"/queries/_bulk", `{"operations":[{"delete":{"id":"root"}},{"index":{"id":"sudo","title":"sudo","kql":{"query":"process.name: sudo"}}}]}`, 200)
	mustDo(t, k, http.MethodDelete, auth+"/queries/root", "", 404)
	qs := mustDo(t, k, http.MethodGet, auth+"/queries", "", 200)["queries"].([]any)
	if len(qs) != 2 || qs[0].(map[string]any)["id"] != "ssh-failures" || qs[1].(map[string]any)["id"] != "sudo" {
		t.Fatalf("queries: %v", qs)
	}

	from, to := now.Add(-8*24*time.Hour).Format(time.RFC3339), now.Add(time.Hour).Format(time.RFC3339)
	ev := mustDo(t, k, http.MethodGet, auth+"/significant_events?from="+from+"&to="+to+"&bucketSize=1d", "", 200)
	var ssh map[string]any
	for _, e := range ev["significant_events"].([]any) {
		if m := e.(map[string]any); m["id"] == "ssh-failures" {
			ssh = m
		}
	}
	total := 0
	for _, o := range ssh["occurrences"].([]any) {
		total += int(o.(map[string]any)["count"].(float64))
	}
	want := 0
	for _, ds := range k.cluster().streams {
		if ds.name != "logs-system.auth-default" {
			continue
		}
		for _, d := range ds.ix.Docs {
			ev, _ := d.Source["event"].(map[string]any)
			proc, _ := d.Source["process"].(map[string]any)
			if ev["outcome"] == "failure" && proc["name"] == "sshd" {
				want++
			}
		}
	}
	if want == 0 || total != want {
		t.Errorf("ssh failures counted %d, the events hold %d", total, want)
	}
	mustDo(t, k, http.MethodGet, auth+"/significant_events?from="+to+"&to="+from+"&bucketSize=1d", "", 400)
	prev := mustDo(t, k, http.MethodPost, auth+"/significant_events/_preview?from="+from+"&to="+to+"&bucketSize=1h", `{"query":{"kql":{"query":"event.outcome: failure and process.name: sshd"}}}`, 200)
	if n := len(prev["occurrences"].([]any)); n != 8*24+1 {
		t.Errorf("%d hourly buckets", n)
	}
}

// TestStreamsLinksGroupsAndContent: dashboards and rules link and unlink;
// a group takes only existing members; an exported pack imported into
// another wired stream recreates its children there.
func TestStreamsLinksGroupsAndContent(t *testing.T) {
	k, _ := maintKibana(t)
	dash := mustDo(t, k, http.MethodGet, "/api/streams/logs/dashboards", "", 200)["dashboards"].([]any)
	if len(dash) != 1 || dash[0].(map[string]any)["title"] != "[Logs] Web Traffic" {
		t.Errorf("dashboards: %v", dash)
	}
	mustDo(t, k, http.MethodPut, "/api/streams/logs/dashboards/no-such-dashboard", "", 404)
	mustDo(t, k, http.MethodPost, "/api/streams/logs/dashboards/_bulk", `{"operations":[{"index":{"id":"no-such-dashboard"}}]}`, 400)
	mustDo(t, k, http.MethodDelete, "/api/streams/logs/dashboards/"+storyStreamDashboard, "", 200)
	mustDo(t, k, http.MethodDelete, "/api/streams/logs/dashboards/"+storyStreamDashboard, "", 404)
	mustDo(t, k, http.MethodPut, "/api/streams/logs/rules/r2", "", 200)
	if rules := mustDo(t, k, http.MethodGet, "/api/streams/logs/rules", "", 200)["rules"].([]any); len(rules) != 2 {
		t.Errorf("rules: %v", rules)
	}
	mustDo(t, k, http.MethodPut, "/api/streams/g2/_group", `{"group":{"members":["nope"],"tags":[],"metadata":{}}}`, 400)
	mustDo(t, k, http.MethodPut, "/api/streams/g2/_group", `{"group":{"members":["logs.linux"],"tags":["x"],"metadata":{}}}`, 200)
	mustDo(t, k, http.MethodGet, "/api/streams/logs/_group", "", 400)

	mustDo(t, k, http.MethodPost, "/api/streams/logs/_fork", `{"stream":{"name":"logs.other"},"where":{"never":{}}}`, 200)
	pack := rawDo(t, k, "/api/streams/logs/content/export", "application/json", strings.NewReader(`{"name":"p","description":"d","version":"1.0.0","include":{"objects":{"all":{}}}}`))
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	mw.WriteField("include", `{"objects":{"all":{}}}`)
	part, _ := mw.CreateFormFile("content", "p.zip")
	part.Write(pack)
	mw.Close()
	mustDo(t, k, http.MethodPost, "/api/streams/logs/_fork", `{"stream":{"name":"logs.copy"},"where":{"never":{}}}`, 200)
	rawDo(t, k, "/api/streams/logs.copy/content/import", mw.FormDataContentType(), &form)
	names := streamNames(t, k)
	for _, want := range []string{"logs.copy.linux", "logs.copy.other"} {
		if !slices.Contains(names, want) {
			t.Errorf("import made no %s: %v", want, names)
		}
	}
}

// rawDo posts a body and answers the raw 200 answer.
func rawDo(t *testing.T, k *Kibana, path, contentType string, body io.Reader) []byte {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, body)
	req.Header.Set("Authorization", "ApiKey "+testKey)
	req.Header.Set("kbn-xsrf", "true")
	req.Header.Set("Content-Type", contentType)
	w := httptest.NewRecorder()
	k.ServeHTTP(w, req)
	if w.Code != http.StatusOK {
		t.Fatalf("%s: %d %s", path, w.Code, w.Body)
	}
	return w.Body.Bytes()
}
