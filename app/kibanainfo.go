package app

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/kibana-mcp/kibana-mcp/kibana"
	"github.com/kibana-mcp/kibana-mcp/operation"
	"github.com/kibana-mcp/kibana-mcp/serve"
	"github.com/kibana-mcp/kibana-mcp/tools"
)

// kibanaInfoBound is how long start-up waits to learn which Kibana it
// talks to before building the tool list; past it, everything is offered
// until the answer comes. A variable for tests.
var kibanaInfoBound = 2 * time.Second

// kibanaTTL is how long the server trusts what it learnt of Kibana
// (serve.KibanaTTL). A variable for tests, which upgrade Kibana under a
// running server.
var kibanaTTL = serve.KibanaTTL

// readKibanaInfo reads /api/status and /api/features at once, within
// bound: the version, the flavour and the features decide which tools are
// offered. What is not learnt in time stays unknown (a zero version, nil
// features), and unknown leaves out nothing.
func readKibanaInfo(ctx context.Context, client *kibana.Client, cfg *Config, bound time.Duration) (serve.KibanaInfo, *kibanaStatus, *statusProblem) {
	ctx, cancel := context.WithTimeout(ctx, min(bound, cmp.Or(cfg.Kibana.Timeout, kibana.DefaultTimeout)))
	defer cancel()
	features := make(chan map[string]bool, 1)
	go func() { features <- readFeatures(ctx, client) }()
	var info serve.KibanaInfo
	st, p := readStatus(ctx, client, cfg)
	if p == nil {
		info.Version = st.Version
		info.Serverless = st.Flavor == "serverless"
	}
	info.Features = <-features
	if p != nil && info.Features != nil {
		// Features without a status read: keep them (a 403 on status only).
		return info, nil, p
	}
	return info, st, p
}

// kibanaReads reads Kibana for the server's watch (serve.KibanaWatch),
// and keeps what the first read learnt for the start-up line.
type kibanaReads struct {
	client *kibana.Client
	cfg    *Config
	once   sync.Once
	first  chan struct{} // closed when the first read has ended
	st     *kibanaStatus // what the first read learnt, or its problem
	p      *statusProblem
}

// read learns the version, flavour and features, bounded by ctx; an error
// when it learnt nothing.
func (k *kibanaReads) read(ctx context.Context) (serve.KibanaInfo, error) {
	info, st, p := readKibanaInfo(ctx, k.client, k.cfg, cmp.Or(k.cfg.Kibana.Timeout, kibana.DefaultTimeout))
	k.once.Do(func() {
		k.st, k.p = st, p
		close(k.first)
	})
	if p != nil && !info.Known() {
		return info, errors.New(p.Summary)
	}
	return info, nil
}

// followKibana logs each change of Kibana the watch learns while serving,
// and what the tools of sel then leave out.
func followKibana(watch *serve.KibanaWatch, sel serve.Selection, log *slog.Logger) {
	watch.OnChange(func(was, now serve.KibanaInfo) {
		sel := sel
		sel.Kibana = now
		left := serve.LeftOut(tools.Catalog, sel)
		log.Info("Kibana changed: the tools offered follow", "was", was.String(), "now", now.String(), "left_out", len(left))
		if line := serve.LeftOutSummary(now, left); line != "" {
			log.Info(line)
		}
	})
}

// readFeatures lists the ids of /api/features; nil when they cannot be read.
func readFeatures(ctx context.Context, client *kibana.Client) map[string]bool {
	resp, err := client.Do(ctx, &kibana.Request{Method: http.MethodGet, Path: "/api/features", Space: "default"})
	if err != nil {
		return nil
	}
	var list []struct {
		ID string `json:"id"`
	}
	if json.Unmarshal(resp.Body, &list) != nil || len(list) == 0 {
		return nil
	}
	out := make(map[string]bool, len(list))
	for _, f := range list {
		out[f.ID] = true
	}
	return out
}

// applyKibanaInfo makes the selection fit the Kibana learnt at start and
// logs, in one line, what was left out and why.
func applyKibanaInfo(cfg *Config, info serve.KibanaInfo, log *slog.Logger) {
	cfg.Serve.Selection.Kibana = info
	if line := serve.LeftOutSummary(info, serve.LeftOut(tools.Catalog, cfg.Serve.Selection)); line != "" {
		log.Info(line)
	}
}

// toolsetVerdict says whether kib has a toolset: "" when it has all of
// it, else "not on this Kibana (8.15.2): arrived in 9.1" (none of it) or
// "3 of 12 tools not on this Kibana (8.15.2): arrived in 9.1".
func toolsetVerdict(toolset string, kib serve.KibanaInfo) (verdict string, none bool) {
	total, missing := 0, 0
	var whys []string
	for _, op := range tools.All() {
		if op.Toolset != toolset {
			continue
		}
		total++
		if _, why, ok := tools.Catalog.Available(op, kib); !ok {
			missing++
			if !containsString(whys, why) {
				whys = append(whys, why)
			}
		}
	}
	switch {
	case missing == 0:
		return "", false
	case missing == total:
		return fmt.Sprintf("not on this Kibana (%s): %s", kib, strings.Join(whys, "; ")), true
	}
	return fmt.Sprintf("%d of %d tools not on this Kibana (%s): %s", missing, total, kib, strings.Join(whys, "; ")), false
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// availableOn reports whether kib can serve op.
func availableOn(op *operation.Operation, kib serve.KibanaInfo) bool {
	_, _, ok := tools.Catalog.Available(op, kib)
	return ok
}
