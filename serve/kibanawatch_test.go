package serve

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kibana-mcp/kibana-mcp/internal/testclock"
	"github.com/kibana-mcp/kibana-mcp/kibana"
)

// statusKibana is a loopback Kibana whose status says version, counting
// the reads; while hold is set, a status read waits for release.
type statusKibana struct {
	version atomic.Value // string; "" answers 503
	reads   atomic.Int32
	hold    atomic.Bool
	release chan struct{}
	client  *kibana.Client
}

func newStatusKibana(t *testing.T, version string) *statusKibana {
	k := &statusKibana{release: make(chan struct{})}
	k.version.Store(version)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path != "/api/status" {
			w.WriteHeader(404)
			io.WriteString(w, `{"statusCode":404,"error":"Not Found","message":"Not Found"}`)
			return
		}
		k.reads.Add(1)
		if k.hold.Load() {
			<-k.release
		}
		v := k.version.Load().(string)
		if v == "" {
			w.WriteHeader(503)
			io.WriteString(w, `{"statusCode":503,"error":"Service Unavailable","message":"down"}`)
			return
		}
		fmt.Fprintf(w, `{"version":{"number":%q,"build_flavor":"traditional"}}`, v)
	}))
	t.Cleanup(srv.Close)
	c, err := kibana.New(kibana.Config{URL: srv.URL, APIKey: "k", MaxRetries: -1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	k.client = c
	return k
}

func newWatch(k *statusKibana, clock *testclock.Clock) *KibanaWatch {
	return NewKibanaWatch(KibanaWatchConfig{Read: statusRead(k.client), Timeout: 5 * time.Second, Now: clock.Now})
}

func TestKibanaWatchTimeToLive(t *testing.T) {
	kib := newStatusKibana(t, "8.15.0")
	clock := testclock.New(time.Unix(1e9, 0))
	w := newWatch(kib, clock)
	var changes []string
	w.OnChange(func(was, now KibanaInfo) { changes = append(changes, was.String()+"→"+now.String()) })
	<-w.Start(t.Context())
	if got := w.Info().Version; got != "8.15.0" {
		t.Fatalf("start-up read: %q", got)
	}
	kib.version.Store("9.2.0") // upgraded in place
	clock.Add(KibanaTTL - time.Second)
	if got := w.Current(t.Context()).Version; got != "8.15.0" || kib.reads.Load() != 1 {
		t.Errorf("within the time to live: %s after %d reads", got, kib.reads.Load())
	}
	clock.Add(time.Second)
	if got := w.Current(t.Context()).Version; got != "9.2.0" || kib.reads.Load() != 2 {
		t.Errorf("past the time to live: %s after %d reads", got, kib.reads.Load())
	}
	if len(changes) != 2 || changes[0] != "unknown→8.15.0" || changes[1] != "8.15.0→9.2.0" {
		t.Errorf("changes heard: %v", changes)
	}
	// Read again, the same: nobody hears of it.
	clock.Add(KibanaTTL)
	w.Current(t.Context())
	if len(changes) != 2 || kib.reads.Load() != 3 {
		t.Errorf("an unchanged Kibana: changes %v, %d reads", changes, kib.reads.Load())
	}
}

// One read at a time: the caller that starts it waits; the others go on
// with what is known, without waiting.
func TestKibanaWatchReadsOnceForConcurrentCallers(t *testing.T) {
	kib := newStatusKibana(t, "9.1.0")
	kib.hold.Store(true)
	w := newWatch(kib, testclock.New(time.Unix(1e9, 0)))
	const callers = 16
	var returned sync.WaitGroup
	returned.Add(callers - 1)
	results := make(chan string, callers)
	for range callers {
		go func() {
			v := w.Current(t.Context()).Version
			if v == "" {
				returned.Done()
			}
			results <- v
		}()
	}
	returned.Wait() // all but the reader came back at once, knowing nothing
	for deadline := time.Now().Add(5 * time.Second); kib.reads.Load() == 0 && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	if n := kib.reads.Load(); n != 1 {
		t.Fatalf("%d reads in flight, want 1", n)
	}
	close(kib.release)
	var got []string
	for range callers {
		got = append(got, <-results)
	}
	learnt := 0
	for _, v := range got {
		if v == "9.1.0" {
			learnt++
		}
	}
	if learnt != 1 || kib.reads.Load() != 1 || w.Info().Version != "9.1.0" {
		t.Errorf("answers %v after %d reads", got, kib.reads.Load())
	}
}

// A Kibana down at start is read at the first call; one down at a call is
// not asked again for kibanaRetry.
func TestKibanaWatchDownThenUp(t *testing.T) {
	kib := newStatusKibana(t, "")
	clock := testclock.New(time.Unix(1e9, 0))
	w := newWatch(kib, clock)
	<-w.Start(t.Context())
	kib.version.Store("8.18.0")
	if got := w.Current(t.Context()).Version; got != "8.18.0" || kib.reads.Load() != 2 {
		t.Fatalf("first call after a failed start: %q after %d reads", got, kib.reads.Load())
	}

	kib2 := newStatusKibana(t, "")
	w = newWatch(kib2, clock)
	w.Current(t.Context())
	kib2.version.Store("8.18.0")
	clock.Add(kibanaRetry - time.Second)
	if got := w.Current(t.Context()).Version; got != "" || kib2.reads.Load() != 1 {
		t.Errorf("asked again within %s of a failure: %q after %d reads", kibanaRetry, got, kib2.reads.Load())
	}
	clock.Add(time.Second)
	if got := w.Current(t.Context()).Version; got != "8.18.0" {
		t.Errorf("after %s: %q", kibanaRetry, got)
	}
}

// A route-level 404 reads again, unless Kibana was read a moment ago.
func TestKibanaWatchRecheck(t *testing.T) {
	kib := newStatusKibana(t, "8.19.0")
	clock := testclock.New(time.Unix(1e9, 0))
	w := newWatch(kib, clock)
	<-w.Start(t.Context())
	kib.version.Store("9.0.0")
	clock.Add(kibanaRecheck - time.Second)
	if got := w.Recheck(t.Context()).Version; got != "8.19.0" || kib.reads.Load() != 1 {
		t.Errorf("recheck right after a read: %q after %d reads", got, kib.reads.Load())
	}
	clock.Add(time.Second)
	if got := w.Recheck(t.Context()).Version; got != "9.0.0" || kib.reads.Load() != 2 {
		t.Errorf("recheck: %q after %d reads", got, kib.reads.Load())
	}
	// Kept for good (a runner without a watch): a known Kibana is not
	// asked again.
	kept := NewKibanaWatch(KibanaWatchConfig{Read: statusRead(kib.client), Timeout: time.Second, TTL: -1, Now: clock.Now})
	kept.Set(KibanaInfo{Version: "8.15.0"})
	clock.Add(time.Hour)
	if got := kept.Recheck(t.Context()).Version; got != "8.15.0" || kib.reads.Load() != 2 {
		t.Errorf("kept for good: %q after %d reads", got, kib.reads.Load())
	}
}

func TestKibanaWatchHearsFeatureChanges(t *testing.T) {
	w := NewKibanaWatch(KibanaWatchConfig{})
	heard := 0
	w.OnChange(func(_, _ KibanaInfo) { heard++ })
	w.Set(KibanaInfo{Version: "9.2.0", Features: map[string]bool{"fleetv2": true}})
	w.Set(KibanaInfo{Version: "9.2.0", Features: map[string]bool{"fleetv2": true}})
	w.Set(KibanaInfo{Version: "9.2.0", Features: map[string]bool{}})
	w.Set(KibanaInfo{Version: "9.2.0"})
	if heard != 3 {
		t.Errorf("heard %d changes, want 3 (learnt, fleet off, features unknown)", heard)
	}
}
