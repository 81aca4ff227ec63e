package app

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/kibana-mcp/kibana-mcp/elastic"
	"github.com/kibana-mcp/kibana-mcp/kibana"
	"github.com/kibana-mcp/kibana-mcp/serve"
	"github.com/kibana-mcp/kibana-mcp/tools"
)

// dataPaths keeps the data tools' path to Elasticsearch fitting the
// Kibana while serving. It is chosen at start; chosen again when what is
// known of Kibana changes (an upgrade to 9.2 brings Agent Builder, the
// feature turned off takes it away, a Kibana down at start is read at
// last); and, when the probe could not be answered, at a data call once
// dataPathRetry has passed. One choice (one probe) runs at a time; the
// data tools are withheld while no path is found, and each change of
// path is logged once.
type dataPaths struct {
	ctx      context.Context // the server's: choices outlive the call that starts them
	client   *kibana.Client
	cfg      *Config
	log      *slog.Logger
	withheld *serve.Withheld
	now      func() time.Time

	mu       sync.Mutex
	cur      dataPath
	tried    time.Time     // when the last choice ended
	choosing chan struct{} // closed when the choice in flight ends; nil when none
}

// dataPathRetry bounds how often a path chosen without Kibana's answer is
// chosen again.
const dataPathRetry = 30 * time.Second

// newDataPaths starts from the choice made at start.
func newDataPaths(ctx context.Context, client *kibana.Client, cfg *Config, log *slog.Logger, first dataPath) *dataPaths {
	d := pendingDataPaths(ctx, client, cfg, log)
	d.start(first)
	return d
}

// pendingDataPaths is newDataPaths before the first choice is known: its
// withheld set and callContext can be handed to the server being built
// meanwhile. Call start before serving.
func pendingDataPaths(ctx context.Context, client *kibana.Client, cfg *Config, log *slog.Logger) *dataPaths {
	return &dataPaths{ctx: ctx, client: client, cfg: cfg, log: log, now: time.Now, withheld: serve.NewWithheld(nil)}
}

// start takes first, the choice made at start. Its listeners, if any yet,
// hear what it withholds (none do when it comes before the server's
// finish, which subscribes them).
func (d *dataPaths) start(first dataPath) {
	d.mu.Lock()
	d.cur, d.tried = first, d.now()
	d.mu.Unlock()
	d.withheld.Set(withheldFor(first))
}

// withheldFor is what path p leaves out: every data tool when there is no
// path to Elasticsearch, with the fixes.
func withheldFor(p dataPath) map[string]string {
	if p.src.Path != elastic.PathNone {
		return nil
	}
	why := "no path to Elasticsearch's data was found; set --elasticsearch-url, use Kibana 9.2+ with Agent Builder, or allow --allow-internal-apis (kibana-mcp check says which path failed and why)"
	out := map[string]string{}
	for _, name := range tools.DataToolNames() {
		out[name] = why
	}
	return out
}

// current is the path a call uses: the one chosen, chosen again first
// when it was chosen on trust long enough ago.
func (d *dataPaths) current(ctx context.Context) dataPath {
	d.mu.Lock()
	due := d.cur.unchecked && d.choosing == nil && d.now().Sub(d.tried) >= dataPathRetry
	p := d.cur
	d.mu.Unlock()
	if due {
		return d.choose(ctx)
	}
	return p
}

// choose chooses the path again, or waits for the choice in flight.
func (d *dataPaths) choose(ctx context.Context) dataPath {
	d.mu.Lock()
	if wait := d.choosing; wait != nil {
		d.mu.Unlock()
		select {
		case <-wait:
		case <-ctx.Done():
		}
		d.mu.Lock()
		defer d.mu.Unlock()
		return d.cur
	}
	done := make(chan struct{})
	d.choosing = done
	was := d.cur
	d.mu.Unlock()

	// The server's context, not the caller's: a caller giving up does not
	// waste the probe for the others (chooseDataPath bounds it).
	p := chooseDataPath(context.WithoutCancel(d.ctx), d.client, d.cfg)
	d.mu.Lock()
	d.cur, d.tried, d.choosing = p, d.now(), nil
	d.mu.Unlock()
	if p.String() != was.String() {
		d.log.Info("the data tools' path to Elasticsearch changed", "was", was.String(), "now", p.String())
		for _, note := range p.notes {
			d.log.Debug("data path passed over", "why", note)
		}
	}
	d.withheld.Set(withheldFor(p))
	close(done)
	return p
}

// follow chooses the path again at each change of Kibana the watch
// learns. Listeners run before the read's waiting caller answers: the
// call that read Kibana sees the new path and list.
func (d *dataPaths) follow(watch *serve.KibanaWatch) {
	if d.cur.src.Path == elastic.PathElasticsearch {
		return // Elasticsearch directly: Kibana's changes do not matter
	}
	watch.OnChange(func(was, now serve.KibanaInfo) {
		d.choose(d.ctx)
	})
}

// callContext hands a call the current path.
func (d *dataPaths) callContext(ctx context.Context) context.Context {
	return elastic.WithSource(ctx, d.current(ctx).src)
}
