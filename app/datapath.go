package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/kibana-mcp/kibana-mcp/elastic"
	"github.com/kibana-mcp/kibana-mcp/kibana"
)

// dataPath is the path to Elasticsearch the data tools use, chosen once at
// start: Elasticsearch directly when configured, else Kibana's Agent
// Builder, else the console proxy when internal APIs are allowed; none
// hides the data tools. Notes say why each path above it was passed over.
type dataPath struct {
	src   elastic.Source
	notes []string
	// unchecked: Kibana did not answer the probe, and Agent Builder is
	// offered on trust; the path is chosen again at a later data call.
	unchecked bool
}

// agentBuilderProbe is the read that tells whether Agent Builder can run
// the platform tools: the definition of execute_esql.
const agentBuilderProbe = "/api/agent_builder/tools/platform.core.execute_esql"

// chooseDataPath decides the data path. Kibana unreachable (or refusing
// the credentials) at start still offers Agent Builder: the calls then fail
// with Kibana's own error.
func chooseDataPath(ctx context.Context, client *kibana.Client, cfg *Config) dataPath {
	var p dataPath
	if cfg.Elasticsearch.URL != "" {
		es, err := elastic.New(cfg.Elasticsearch)
		if err == nil {
			p.src = elastic.Source{Path: elastic.PathElasticsearch, Direct: es}
			return p
		}
		p.notes = append(p.notes, "elasticsearch: "+err.Error())
	} else {
		p.notes = append(p.notes, "elasticsearch: not configured (--elasticsearch-url)")
	}
	pctx, cancel := context.WithTimeout(ctx, min(cmp.Or(cfg.Kibana.Timeout, kibana.DefaultTimeout), dataPathProbeTimeout))
	defer cancel()
	_, err := client.Do(pctx, &kibana.Request{Method: http.MethodGet, Path: agentBuilderProbe, APIVersion: "2023-10-31"})
	var apiErr *kibana.APIError
	switch {
	case err == nil:
		p.src.Path = elastic.PathAgentBuilder
		return p
	case errors.As(err, &apiErr) && (apiErr.StatusCode == http.StatusNotFound || apiErr.StatusCode == http.StatusForbidden):
		why := "not on this Kibana (404: it needs Kibana 9.2+ with Agent Builder enabled)"
		if apiErr.StatusCode == http.StatusForbidden {
			why = "refused (403: the licence or the key's privileges do not allow it)"
		}
		p.notes = append(p.notes, "agent_builder: "+why)
	default:
		summary, _ := kibana.Diagnose(err)
		p.notes = append(p.notes, "agent_builder: offered though unchecked ("+summary+")")
		p.src.Path = elastic.PathAgentBuilder
		p.unchecked = true
		return p
	}
	if cfg.AllowInternalAPIs {
		p.src.Path = elastic.PathConsoleProxy
		return p
	}
	p.notes = append(p.notes, "console_proxy: not allowed (--allow-internal-apis)")
	p.src.Path = elastic.PathNone
	return p
}

// probeDataPath runs one ES|QL query (ROW) on the chosen path, for check.
func probeDataPath(ctx context.Context, client *kibana.Client, p dataPath) error {
	es := p.src.ES(client)
	if es == nil {
		return nil // Agent Builder: the probe read at choice was the check
	}
	_, err := es.Do(ctx, &elastic.Request{Method: http.MethodPost, Path: "/_query", Body: []byte(`{"query":"ROW ok = 1"}`)})
	return err
}

func (p dataPath) String() string {
	if p.src.Path == elastic.PathElasticsearch {
		return fmt.Sprintf("%s (%s)", p.src.Path, p.src.Direct.BaseURL())
	}
	return string(p.src.Path)
}

// dataPathProbeTimeout bounds the one read start-up waits for: a Kibana
// that does not answer in time is offered Agent Builder.
const dataPathProbeTimeout = 2 * time.Second
