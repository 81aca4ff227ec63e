package app

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"text/tabwriter"

	"github.com/kibana-mcp/kibana-mcp/kibana"
	"github.com/kibana-mcp/kibana-mcp/operation"
	"github.com/kibana-mcp/kibana-mcp/serve"
	"github.com/kibana-mcp/kibana-mcp/tools"
)

// probe is the one cheap read that tells whether a key can read a toolset.
type probe struct {
	Toolset string
	Tool    string // "" when the toolset has no read fit to probe with
	Args    map[string]any
}

// pageSizeArguments bound a list to one item where a probe's operation has one.
var pageSizeArguments = []string{"perPage", "per_page", "pageSize", "page_size"}

// toolsetProbes picks, for every toolset of the catalogue, a read that needs
// no object: a GET with no path parameter, its smallest example as the
// arguments (so the request is spec-valid), find_ and list_ operations
// first, then get_, everyday tools before admin ones, and pages of one.
func toolsetProbes(kib serve.KibanaInfo) []probe {
	var out []probe
	for _, ts := range tools.Toolsets {
		var best *operation.Operation
		bestRank := 0
		for _, op := range tools.All() {
			if op.Toolset != ts.Name || !availableOn(op, kib) || op.Effect != operation.Reads || op.Method != http.MethodGet || strings.Contains(op.Path, "{") {
				continue
			}
			rank := 4
			switch {
			case strings.HasPrefix(op.Name, "find_"), strings.HasPrefix(op.Name, "list_"):
				rank = 0
			case strings.HasPrefix(op.Name, "get_") && firstExample(op) == "{}":
				rank = 2
			}
			if op.Admin {
				rank++
			}
			if best == nil || rank < bestRank {
				best, bestRank = op, rank
			}
		}
		p := probe{Toolset: ts.Name}
		if best != nil && bestRank < 4 {
			args := map[string]any{}
			if err := json.Unmarshal([]byte(firstExample(best)), &args); err != nil || args == nil {
				args = map[string]any{}
			}
			var schema struct {
				Properties map[string]json.RawMessage `json:"properties"`
			}
			if raw, err := best.Schema(); err == nil {
				_ = json.Unmarshal(raw, &schema)
			}
			for _, name := range pageSizeArguments {
				if _, ok := schema.Properties[name]; ok {
					args[name] = float64(1) // as JSON arguments arrive
				}
			}
			p.Tool, p.Args = best.Name, args
		}
		out = append(out, p)
	}
	return out
}

func firstExample(op *operation.Operation) string {
	if len(op.Examples) == 0 {
		return "{}"
	}
	return strings.Join(strings.Fields(op.Examples[0]), "")
}

// probeVerdict says what one probe's answer means for the toolset.
func probeVerdict(err error) string {
	var apiErr *kibana.APIError
	switch {
	case err == nil:
		return "ok"
	case errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusForbidden:
		return "no privilege (403)"
	case errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound:
		return "not on this Kibana (404)"
	case errors.As(err, &apiErr):
		return fmt.Sprintf("answered %d", apiErr.StatusCode)
	}
	summary, _ := kibana.Diagnose(err)
	return "failed: " + summary
}

// checkCommand is `kibana-mcp check`: it verifies the Kibana URL, TLS,
// the credentials, Kibana's version, the default space and which toolsets
// the credentials can read, and prints a short report. Exit status 0 when
// Kibana is reachable, the credentials work and the space exists.
func checkCommand(ctx context.Context, client *kibana.Client, cfg *Config, stdout io.Writer, data dataPath, kib serve.KibanaInfo) int {
	w := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fail := func(summary, hint string) int {
		w.Flush()
		fmt.Fprintln(stdout, "FAIL:", summary)
		if hint != "" {
			fmt.Fprintln(stdout, "fix: ", hint)
		}
		return 1
	}
	fmt.Fprintf(w, "Kibana URL\t%s\n", client.BaseURL())
	fmt.Fprintf(w, "TLS\t%s\n", tlsDescription(client.BaseURL(), cfg))
	kind := credentialKind(cfg)
	st, p := readStatus(ctx, client, cfg)
	if p != nil {
		if p.Status == http.StatusUnauthorized || p.Status == http.StatusForbidden {
			fmt.Fprintf(w, "credentials\t%s: refused (%d)\n", kind, p.Status)
		}
		return fail(p.Summary, p.Hint)
	}
	fmt.Fprintf(w, "credentials\t%s: accepted\n", kind)
	v := cmp.Or(st.Version, "unknown")
	if st.Flavor != "" {
		v += " (" + st.Flavor + ")"
	}
	fmt.Fprintf(w, "version\t%s\n", v)
	fmt.Fprintf(w, "status\t%s\n", cmp.Or(st.Level, "unknown"))

	space := cmp.Or(cfg.Kibana.Space, "default")
	spaceCtx, cancel := context.WithTimeout(ctx, cmp.Or(cfg.Kibana.Timeout, kibana.DefaultTimeout))
	resp, err := client.Do(spaceCtx, &kibana.Request{Method: http.MethodGet, Path: "/api/spaces/space/" + url.PathEscape(space), Space: "default"})
	cancel()
	var apiErr *kibana.APIError
	switch {
	case errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound:
		fmt.Fprintf(w, "space\t%s: not found\n", space)
		if space == "default" {
			return fail("Kibana has no spaces API or no default space (404)", "the base path of KIBANA_URL may be wrong")
		}
		return fail(fmt.Sprintf("space %q does not exist on this Kibana", space), "check KIBANA_SPACE (--space): it takes the space's ID, as in /s/ID/ in Kibana's URLs")
	case errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusForbidden:
		// The key may work in the space without reading its definition.
		fmt.Fprintf(w, "space\t%s: cannot be read with these credentials (403)\n", space)
	case err != nil:
		summary, hint := kibana.Diagnose(err)
		fmt.Fprintf(w, "space\t%s: not checked\n", space)
		return fail("reading the space failed: "+summary, hint)
	default:
		var s struct {
			Name string `json:"name"`
		}
		_ = json.Unmarshal(resp.Body, &s)
		if s.Name != "" && s.Name != space {
			fmt.Fprintf(w, "space\t%s (%s): exists\n", space, s.Name)
		} else {
			fmt.Fprintf(w, "space\t%s: exists\n", space)
		}
	}

	w.Flush()
	fmt.Fprintf(stdout, "\ntoolsets (one read each, in space %s):\n", space)
	probes := toolsetProbes(kib)
	verdicts := make([]string, len(probes))
	notes := make([]string, len(probes)) // what of the toolset this Kibana lacks
	absent := make([]bool, len(probes))  // this Kibana lacks all of it
	var wg sync.WaitGroup
	for i, p := range probes {
		v, none := toolsetVerdict(p.Toolset, kib)
		if none {
			verdicts[i], absent[i] = v, true
			continue
		}
		notes[i] = v
		if p.Tool == "" {
			verdicts[i] = "-"
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			pctx, cancel := context.WithTimeout(ctx, cmp.Or(cfg.Kibana.Timeout, kibana.DefaultTimeout))
			defer cancel()
			_, err := tools.Send(pctx, client, p.Tool, p.Args)
			verdicts[i] = probeVerdict(err)
		}()
	}
	wg.Wait()
	for i, p := range probes {
		tool := p.Tool
		switch {
		case absent[i]:
			tool = "-"
		case tool == "":
			tool = "(no read without an object)"
		}
		fmt.Fprintf(w, "  %s\t%s\t%s\n", p.Toolset, tool, verdicts[i])
		if notes[i] != "" {
			fmt.Fprintf(w, "  \t\t%s\n", notes[i])
		}
	}
	w.Flush()
	reportDataPath(ctx, client, cfg, stdout, data)
	ok := slices.IndexFunc(verdicts, func(v string) bool { return strings.HasPrefix(v, "ok") }) >= 0
	fmt.Fprintf(stdout, "\nOK: Kibana %s answers at %s, the credentials work and space %q exists.", cmp.Or(st.Version, "(version unknown)"), client.BaseURL(), space)
	if !ok {
		fmt.Fprint(stdout, " No toolset could be read: check the key's privileges.")
	}
	fmt.Fprintln(stdout)
	return 0
}

// tlsDescription says how Kibana's connection is secured.
func tlsDescription(base string, cfg *Config) string {
	if !strings.HasPrefix(base, "https://") {
		return "none (plain http)"
	}
	switch {
	case cfg.Kibana.InsecureSkipVerify:
		return "certificate NOT verified (--insecure-skip-verify)"
	case cfg.Kibana.CACertFile != "":
		return "verified (CA from " + cfg.Kibana.CACertFile + " and the system's)"
	}
	return "verified (system CAs)"
}

// reportDataPath says which path the data tools use, why the paths before
// it were passed over, and whether one ES|QL query runs on it.
func reportDataPath(ctx context.Context, client *kibana.Client, cfg *Config, stdout io.Writer, data dataPath) {
	fmt.Fprintf(stdout, "\ndata tools (query_esql, find_events_around…): path %s\n", data)
	for _, note := range data.notes {
		fmt.Fprintf(stdout, "  passed over: %s\n", note)
	}
	if data.src.Path == "none" {
		fmt.Fprintln(stdout, "  the data tools are not served: set --elasticsearch-url, use Kibana 9.2+ with Agent Builder, or allow --allow-internal-apis")
		return
	}
	pctx, cancel := context.WithTimeout(ctx, cmp.Or(cfg.Kibana.Timeout, kibana.DefaultTimeout))
	defer cancel()
	if err := probeDataPath(pctx, client, data); err != nil {
		fmt.Fprintf(stdout, "  %s failed: %v\n", data.src.Path, err)
		return
	}
	fmt.Fprintf(stdout, "  %s: ok\n", data.src.Path)
}
