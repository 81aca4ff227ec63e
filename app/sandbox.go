package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/kibana-mcp/kibana-mcp/elastic"
	"github.com/kibana-mcp/kibana-mcp/kibana"
	"github.com/kibana-mcp/kibana-mcp/sandbox"
	"github.com/kibana-mcp/kibana-mcp/serve"
	"github.com/kibana-mcp/kibana-mcp/tools"
)

// startSandbox runs the simulated Kibana on a loopback port of its own and
// points the Kibana client at it, with a key made for this run.
func startSandbox(cfg *Config, log *slog.Logger) (stop func(), err error) {
	key := make([]byte, 16)
	rand.Read(key)
	apiKey := "sandbox-" + hex.EncodeToString(key)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{
		Handler:           sandbox.New(sandboxPlays(cfg, sandbox.Config{APIKey: apiKey, Seed: cfg.SandboxSeed})),
		ReadHeaderTimeout: 10 * time.Second,
	}
	go srv.Serve(ln)
	if cfg.Kibana.URL != kibana.DefaultURL || cfg.Kibana.APIKey != "" || cfg.Kibana.Username != "" {
		log.Warn("--sandbox replaces the configured Kibana URL and credentials")
	}
	cfg.Kibana = kibana.Config{
		URL: "http://" + ln.Addr().String(), APIKey: apiKey,
		Space: cfg.Kibana.Space, Timeout: cfg.Kibana.Timeout, MaxResponseBytes: cfg.Kibana.MaxResponseBytes,
		ReadOnly: cfg.Kibana.ReadOnly, ReadRoutes: cfg.Kibana.ReadRoutes,
	}
	if cfg.Elasticsearch.URL != "" {
		// --elasticsearch-url with --sandbox (any value, e.g. /_es): the
		// data tools go to the sandbox's Elasticsearch side, served under
		// /_es with the same key, instead of through Agent Builder.
		if cfg.Elasticsearch.URL != sandboxESPath {
			log.Warn("--sandbox replaces the configured Elasticsearch URL and credentials with the sandbox's (" + sandboxESPath + ")")
		}
		cfg.Elasticsearch = elastic.Config{
			URL: cfg.Kibana.URL + sandboxESPath, APIKey: apiKey,
			Timeout: cfg.Kibana.Timeout, MaxResponseBytes: cfg.Kibana.MaxResponseBytes, UserAgent: cfg.Elasticsearch.UserAgent,
		}
	}
	log.Warn("SANDBOX: serving against a simulated Kibana with made-up data, not a real Kibana", "seed", cfg.SandboxSeed)
	return func() { srv.Close() }, nil
}

// sandboxESPath is where the sandbox serves its Elasticsearch side.
const sandboxESPath = "/_es"

// Credentials the standalone sandbox accepts when none are configured; it
// listens on loopback and holds only made-up data.
const (
	sandboxAPIKey   = "sandbox-api-key"
	sandboxUser     = "elastic"
	sandboxPassword = "changeme"
)

// sandboxCommand runs only the simulated Kibana HTTP API until ctx ends.
func sandboxCommand(ctx context.Context, cfg *Config, getenv func(string) string, log *slog.Logger) int {
	addr := cfg.Addr
	if getenv("KIBANA_MCP_ADDR") == "" && !cfg.addrGiven {
		addr = "127.0.0.1:5601"
	}
	sc := sandbox.Config{APIKey: cfg.Kibana.APIKey, Username: cfg.Kibana.Username, Password: cfg.Kibana.Password, Seed: cfg.SandboxSeed}
	if sc.APIKey == "" && sc.Username == "" {
		sc.APIKey, sc.Username, sc.Password = sandboxAPIKey, sandboxUser, sandboxPassword
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		log.Error("sandbox cannot listen", "addr", addr, "err", err)
		return 1
	}
	if !isLoopback(ln.Addr().String()) {
		log.Warn("the sandbox listens beyond loopback")
	}
	srv := &http.Server{Handler: sandbox.New(sandboxPlays(cfg, sc)), ReadHeaderTimeout: 10 * time.Second}
	log.Warn("SANDBOX: a simulated Kibana with made-up data, not a real Kibana",
		"url", "http://"+ln.Addr().String(), "api_key", sc.APIKey, "username", sc.Username, "seed", cfg.SandboxSeed)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			log.Error("sandbox stopped", "err", err)
			return 1
		}
	case <-ctx.Done():
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(shutdown)
	}
	return 0
}

// sandboxPlays makes sc play the Kibana of --sandbox-version and
// --sandbox-serverless: its status says so, and the routes the catalogue
// declares that Kibana lacks (and Agent Builder before 9.2) answer 404.
func sandboxPlays(cfg *Config, sc sandbox.Config) sandbox.Config {
	if cfg.SandboxVersion == "" && !cfg.SandboxServerless {
		return sc
	}
	sc.Version, sc.Serverless = cfg.SandboxVersion, cfg.SandboxServerless
	sc.RouteAvailable = sandboxRoutes(serve.KibanaInfo{Version: cfg.SandboxVersion, Serverless: cfg.SandboxServerless})
	return sc
}

// sandboxRoutes says which routes the Kibana kib has, as the catalogue
// declares them (sandbox.Config.RouteAvailable).
func sandboxRoutes(kib serve.KibanaInfo) func(method, path string) bool {
	return func(method, path string) bool {
		if strings.HasPrefix(path, "/api/agent_builder/") {
			_, _, ok := tools.AgentBuilderAvailability.Unavailable(kib)
			return ok
		}
		op := serve.RouteOperation(tools.Catalog, method, path)
		if op == nil {
			return true
		}
		_, _, ok := tools.Catalog.Available(op, kib)
		return ok
	}
}
