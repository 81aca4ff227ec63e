package app

import (
	"bytes"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kibana-mcp/kibana-mcp/elastic"
	"github.com/kibana-mcp/kibana-mcp/kibana"
	"github.com/kibana-mcp/kibana-mcp/tools"
)

// TestDataPathChoiceIsOneProbe: a path offered on trust (Kibana did not
// answer at start) is chosen again at a data call once dataPathRetry has
// passed; callers arriving meanwhile share that one probe, and once it
// is checked no call probes again.
func TestDataPathChoiceIsOneProbe(t *testing.T) {
	var probes atomic.Int32
	gate := make(chan struct{})
	kib := fakeKibana(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == agentBuilderProbe {
			probes.Add(1)
			<-gate
			answer(w, 404, routeAbsent)
			return
		}
		answer(w, 200, `{}`)
	})
	cfg := &Config{Kibana: kibana.Config{URL: kib.URL, APIKey: testKey, MaxRetries: -1}}
	kc, err := kibana.New(cfg.Kibana, nil)
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	start := dataPath{src: elastic.Source{Path: elastic.PathAgentBuilder}, unchecked: true}
	d := newDataPaths(t.Context(), kc, cfg, NewLogger(&logs, 0, "json"), start)
	now := time.Unix(2e9, 0)
	d.now = func() time.Time { return now }
	d.tried = now
	if p := d.current(t.Context()); p.src.Path != elastic.PathAgentBuilder || probes.Load() != 0 {
		t.Fatalf("probed before dataPathRetry passed: %s, %d probes", p, probes.Load())
	}
	now = now.Add(dataPathRetry)
	var wg sync.WaitGroup
	got := make([]dataPath, 8)
	for i := range got {
		wg.Go(func() { got[i] = d.current(t.Context()) })
	}
	if !waitFor(func() bool { return probes.Load() == 1 }) {
		t.Fatal("no probe")
	}
	time.Sleep(20 * time.Millisecond) // the others arrive at the gate too
	close(gate)
	wg.Wait()
	if n := probes.Load(); n != 1 {
		t.Errorf("%d probes for 8 calls, want 1", n)
	}
	for _, p := range got {
		if p.src.Path != elastic.PathNone && p.src.Path != elastic.PathAgentBuilder {
			t.Errorf("a caller got %s", p)
		}
	}
	if p := d.current(t.Context()); p.src.Path != elastic.PathNone || p.unchecked {
		t.Errorf("after the probe: %s (unchecked %v)", p, p.unchecked)
	}
	now = now.Add(time.Hour)
	d.current(t.Context())
	if n := probes.Load(); n != 1 {
		t.Errorf("a checked path was probed again: %d probes", n)
	}
	if why, out := d.withheld.Why("query_esql"); !out || !strings.Contains(why, "no path to Elasticsearch") {
		t.Errorf("query_esql withheld: %v %q", out, why)
	}
	if len(d.withheld.Map()) != len(tools.DataToolNames()) {
		t.Errorf("withheld %v", d.withheld.Map())
	}
	if n := strings.Count(logs.String(), "path to Elasticsearch changed"); n != 1 {
		t.Errorf("the change logged %d times:\n%s", n, logs.String())
	}
}
