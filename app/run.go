package app

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"time"

	"github.com/lmittmann/tint"
	"github.com/mark3labs/mcp-go/server"

	"github.com/kibana-mcp/kibana-mcp/elastic"
	"github.com/kibana-mcp/kibana-mcp/kibana"
	"github.com/kibana-mcp/kibana-mcp/prompts"
	"github.com/kibana-mcp/kibana-mcp/resources"
	"github.com/kibana-mcp/kibana-mcp/serve"
	"github.com/kibana-mcp/kibana-mcp/tools"
	"github.com/kibana-mcp/kibana-mcp/transport"
)

// The server instructions, sent at initialize: how the tools fit together,
// in the order a triage goes (find, read, act), within 150 tokens whatever
// the mode (TestInstructions).
const (
	instructionsFind = "Kibana tools. Find, read, act: find_cases lists cases as summary rows (full:true for documents); get_case reads one, with include [comments, alerts, activity] for its evidence."
	instructionsAct  = " Then add_case_comment notes findings, update_case changes status, severity or assignees, attach_alerts_to_case adds alerts. update_case reads the case's version itself; other changes need the version from the latest answer."
	instructionsTail = " Every tool takes an optional space_id."
)

// instructionsFor says what the serving mode changes about reaching the
// tools the instructions name, and leaves out what it does not serve.
func instructionsFor(opts serve.Options) string {
	s := instructionsFind
	if !opts.Selection.ReadOnly {
		s += instructionsAct
	}
	s += instructionsTail
	switch {
	case opts.ToolSearch:
		s += " Reach these tools through search_tools (find by task) and call_tool (run by name)."
	case opts.DynamicToolsets:
		s += " First enable their toolset (cases) with list_toolsets and enable_toolset."
	}
	if opts.Selection.ReadOnly {
		s += " This server is read-only: nothing that changes Kibana is served."
	}
	return s
}

// promptPreface tells a prompt's reader how to reach the tools it names
// when they are not simply listed.
func promptPreface(opts serve.Options) string {
	switch {
	case opts.ToolSearch:
		return "Run the tools named below through call_tool (search_tools finds their arguments)."
	case opts.DynamicToolsets:
		return "If a tool named below is not listed yet, enable its toolset with enable_toolset first."
	}
	return ""
}

// Main runs the command and returns its exit code: 0 on a clean stop, 1 when
// serving failed, 2 for a usage or configuration error.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	cfg, err := ParseConfig(args, getenv, stderr)
	switch {
	case errors.Is(err, errHelp):
		return 0
	case errors.Is(err, errVersion):
		fmt.Fprintln(stdout, "kibana-mcp", version())
		return 0
	case err != nil:
		fmt.Fprintln(stderr, "kibana-mcp: config:", err)
		return 2
	}
	if cfg.Command == "tools" {
		return toolsCommand(cfg, stdout, stderr)
	}
	if cfg.Command == "token" {
		token, err := transport.NewToken()
		if err != nil {
			fmt.Fprintln(stderr, "kibana-mcp: token:", err)
			return 1
		}
		fmt.Fprintln(stdout, token)
		return 0
	}
	if (cfg.Command == "call" || cfg.Command == "check") && cfg.LogLevel == slog.LevelInfo {
		// One call on a command line: its stderr is for the answer's
		// errors, not for a log line per MCP request.
		cfg.LogLevel = slog.LevelWarn
	}
	log := NewLogger(stderr, cfg.LogLevel, cfg.LogFormat)
	if cfg.Command == "sandbox" {
		return sandboxCommand(ctx, cfg, getenv, log)
	}
	if cfg.Sandbox {
		stop, err := startSandbox(cfg, log)
		if err != nil {
			fmt.Fprintln(stderr, "kibana-mcp: sandbox:", err)
			return 1
		}
		defer stop()
	}
	cfg.Kibana.UserAgent = "kibana-mcp/" + version()
	var (
		client *kibana.Client
		web    *transport.Server // the HTTP transports' limits, metrics and probes
		extra  []server.ServerOption
		// limitCompletions puts completions under the HTTP call limits
		// (mcp-go has no completion middleware to add as an option).
		limitCompletions func(transport.Completer) transport.Completer
	)
	if cfg.Transport != "stdio" && cfg.Command == "" {
		cfg.HTTP.Log = log
		ready := transport.KibanaReady
		if cfg.Kibana.APIKey == "" && cfg.Kibana.Username == "" && cfg.HTTP.AllowClientCredentials {
			// No key of its own: every call brings the caller's, so a
			// reachable Kibana that answers 401 to the server is ready.
			ready = transport.KibanaReachable
		}
		cfg.HTTP.Ready = func(ctx context.Context) error { return ready(client)(ctx) }
		if cfg.HTTP.AllowClientCredentials && cfg.HTTP.Token == "" {
			// A client's key is then its only credential: Kibana is
			// asked once whether it knows the key before it is used.
			cfg.HTTP.CheckKey = func(ctx context.Context, key string) error { return transport.KibanaKeyCheck(client)(ctx, key) }
		}
		web = transport.New(cfg.HTTP)
		if cfg.HTTP.Stateless {
			// Each request may reach another replica: confirmations are
			// signed with a key the replicas share, derived from the token.
			cfg.Serve.ConfirmSecret = []byte(cfg.HTTP.Token)
			switch cfg.Serve.Confirm {
			case serve.ConfirmAsk:
				log.Warn("stateless with --confirm-destructive=ask: clients older than protocol 2026-07-28 cannot be asked, and their destructive calls run unconfirmed; require refuses them instead")
			case serve.ConfirmRequire:
				log.Info("stateless: destructive calls are confirmed with clients of protocol 2026-07-28 or later; older clients get them refused")
			}
			if cfg.Serve.Confirm != serve.ConfirmOff {
				if cfg.HTTP.Token == "" {
					log.Warn("stateless without --http-token: each replica signs approvals with its own key, so an approval must come back to the replica that asked")
				}
			}
		}
		cfg.Kibana.Observe = web.ObserveKibana
		extra = append(extra, server.WithToolHandlerMiddleware(web.ToolMiddleware()),
			server.WithResourceHandlerMiddleware(web.ResourceMiddleware()))
		limitCompletions = web.LimitCompletions
	}
	client, err = kibana.New(cfg.Kibana, log)
	if err != nil {
		fmt.Fprintln(stderr, "kibana-mcp: config:", err)
		return 2
	}
	// Which Kibana this is (version, flavour, features) decides the tools
	// offered: start-up waits kibanaInfoBound for it, alongside the data
	// path's probe; unknown offers everything. The watch keeps it fresh
	// while serving: a late answer, an upgrade, a feature turned off.
	bound := time.NewTimer(kibanaInfoBound)
	defer bound.Stop()
	reads := &kibanaReads{client: client, cfg: cfg, first: make(chan struct{})}
	watch := serve.NewKibanaWatch(serve.KibanaWatchConfig{Read: reads.read, Timeout: cmp.Or(cfg.Kibana.Timeout, kibana.DefaultTimeout), TTL: kibanaTTL})
	started := watch.Start(ctx)
	defer watch.Stop() // nothing learnt after Main returns is logged
	// The tools are registered while Kibana is asked (registering is most
	// of start-up with many tools; asking, a round trip or more): what is
	// registered depends on the watch and the withheld set being given, not
	// on what they hold (buildServer).
	paths := pendingDataPaths(ctx, client, cfg, log)
	var built chan builtOrErr
	if cfg.Command != "check" {
		opts := cfg.Serve
		opts.Kibana, opts.Withheld, opts.CallContext = watch, paths.withheld, paths.callContext
		built = make(chan builtOrErr, 1)
		go func() {
			b, err := buildServer(client, log, opts, limitCompletions, extra...)
			built <- builtOrErr{b, err}
		}()
	}
	data := chooseDataPath(ctx, client, cfg)
	if cfg.Command == "check" {
		<-started // check reports what it learns, however long that takes
		return checkCommand(ctx, client, cfg, stdout, data, watch.Info())
	}
	select {
	case <-started:
	case <-bound.C:
		log.Info("Kibana has not said which it is within " + kibanaInfoBound.String() + ": every tool is offered until it does")
	}
	applyKibanaInfo(cfg, watch.Info(), log)
	cfg.Serve.Kibana = watch
	followKibana(watch, cfg.Serve.Selection, log)
	paths.start(data)
	paths.follow(watch)
	cfg.Serve.CallContext = paths.callContext
	cfg.Serve.Withheld = paths.withheld
	cfg.Serve.Selection.Unavailable = withheldFor(data) // for the start-up warnings
	if data.src.Path == elastic.PathNone {
		log.Warn("the data tools are not served until a path to Elasticsearch is found: " + withheldFor(data)[tools.DataToolNames()[0]])
	}
	b := <-built
	if b.err != nil {
		fmt.Fprintln(stderr, "kibana-mcp:", b.err)
		return 1
	}
	s := b.finish()
	if cfg.Command == "call" {
		return callCommand(ctx, s, cfg, stdin, stdout, stderr)
	}
	for _, name := range cfg.Serve.Selection.Toolsets {
		if ts, ok := tools.LookupToolset(name); ok && tools.CountInToolset(ts.Name) == 0 {
			log.Warn("toolset has no tools in this version; it serves nothing", "toolset", name)
		}
	}
	for _, w := range serve.SelectionWarnings(tools.Catalog, cfg.Serve.Selection) {
		log.Warn(w)
	}
	log.Info("kibana-mcp starting", "version", version(), "transport", cfg.Transport, "kibana", client.BaseURL(), "space", cmp.Or(cfg.Kibana.Space, "default"),
		"tools", servedCount{s, cfg.Serve}, "read_only", cfg.Serve.Selection.ReadOnly, "data_path", data.String())
	for _, note := range data.notes {
		log.Debug("data path passed over", "why", note)
	}
	// One read of Kibana alongside serving says what is wrong before the
	// first tool call would; it never holds up or stops the server.
	checkCtx, stopCheck := context.WithCancel(ctx)
	waitCheck := startupCheck(checkCtx, client, cfg, log, reads)
	defer waitCheck()
	defer stopCheck()
	if hint := stdinHint(stdin); cfg.Transport == "stdio" && hint != "" {
		fmt.Fprintln(stderr, hint)
	}
	if err := serveTransport(ctx, cfg, s, web, stdin, stdout, log); err != nil {
		log.Error("server stopped", "err", err)
		return 1
	}
	return 0
}

// servedCount logs how many tools s lists: those registered, less those a
// known Kibana lacks (registered for any Kibana, filtered out for this
// one) when every selected tool is listed. mcp-go counts them by copying
// them all into a map: only when the line is logged.
type servedCount struct {
	s    *server.MCPServer
	opts serve.Options
}

func (c servedCount) LogValue() slog.Value {
	n := len(c.s.ListTools())
	if c.opts.Kibana != nil && !c.opts.ToolSearch && !c.opts.DynamicToolsets {
		n -= len(serve.LeftOut(tools.Catalog, c.opts.Selection))
	}
	if !c.opts.ToolSearch && !c.opts.DynamicToolsets {
		for name := range c.opts.Withheld.Map() {
			if c.s.GetTool(name) != nil {
				n-- // registered, withheld from the list
			}
		}
	}
	return slog.IntValue(n)
}

// NewServer builds the MCP server with the tools opts serve and every
// prompt, all served through client.
func NewServer(client *kibana.Client, log *slog.Logger, opts serve.Options, extra ...server.ServerOption) (*server.MCPServer, error) {
	return newServer(client, log, opts, nil, extra...)
}

// newServer is NewServer with limit, when not nil, wrapped around the
// completion provider.
func newServer(client *kibana.Client, log *slog.Logger, opts serve.Options, limit func(transport.Completer) transport.Completer, extra ...server.ServerOption) (*server.MCPServer, error) {
	b, err := buildServer(client, log, opts, limit, extra...)
	if err != nil {
		return nil, err
	}
	return b.finish(), nil
}

type builtOrErr struct {
	*builtServer
	err error
}

// builtServer is a server with its tools, not yet following the Kibana
// and the deployment, without its prompts and resources (which are chosen
// by what is known of both when they are registered).
type builtServer struct {
	s         *server.MCPServer
	client    *kibana.Client
	opts      serve.Options
	reachable func(tool string) bool
	follow    func()
}

// buildServer is the first step of newServer, the one that takes time with
// many tools. It reads nothing of opts.Kibana's and opts.Withheld's state
// (serve.InstallTools), so it can run while they are first learnt.
func buildServer(client *kibana.Client, log *slog.Logger, opts serve.Options, limit func(transport.Completer) transport.Completer, extra ...server.ServerOption) (*builtServer, error) {
	reachable, err := serve.Reachable(tools.Catalog, opts)
	if err != nil {
		return nil, err
	}
	hooks := &server.Hooks{}
	resources.AddListHook(hooks, client, reachable, log)
	serve.ExplainUnserved(hooks, tools.Catalog, opts)
	serve.CollapseToolLists(hooks) // last: it hides the listed tools from later hooks
	var completer transport.Completer = resources.NewCompleter(client, reachable)
	if limit != nil {
		completer = limit(completer)
	}
	s := server.NewMCPServer("kibana-mcp", version(), append([]server.ServerOption{
		// Enabling a toolset changes the tool list, and so does a
		// change of Kibana when the server follows it.
		server.WithToolCapabilities(opts.DynamicToolsets || opts.Kibana != nil),
		// Prompts follow the tools served when those can change.
		server.WithPromptCapabilities(opts.Kibana != nil || opts.Withheld != nil),
		server.WithResourceCapabilities(false, false),
		server.WithCompletions(),
		server.WithLogging(),
		server.WithPromptCompletionProvider(completer),
		server.WithResourceCompletionProvider(completer),
		server.WithHooks(hooks),
		server.WithRecovery(),
		server.WithLogger(log),
		server.WithInstructions(instructionsFor(opts)),
	}, extra...)...,
	)
	follow, err := serve.InstallTools(s, client, tools.Catalog, opts)
	if err != nil {
		return nil, err
	}
	return &builtServer{s: s, client: client, opts: opts, reachable: reachable, follow: follow}, nil
}

// finish makes the server follow the Kibana and the deployment as they
// are known now, and registers the prompts and resources they allow.
func (b *builtServer) finish() *server.MCPServer {
	b.follow()
	refresh := prompts.Follow(b.s, prompts.Reach{Served: b.reachable, Preface: promptPreface(b.opts)})
	if b.opts.Kibana != nil {
		b.opts.Kibana.OnChange(func(_, _ serve.KibanaInfo) { refresh() })
	}
	if b.opts.Withheld != nil {
		b.opts.Withheld.OnChange(refresh)
	}
	resources.Register(b.s, b.client, b.reachable)
	return b.s
}

// NewLogger logs to w (always stderr in production: stdout carries the
// protocol on stdio). "auto" picks colour text for a terminal, JSON otherwise.
func NewLogger(w io.Writer, level slog.Level, format string) *slog.Logger {
	terminal := false
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			terminal = true
		}
	}
	if format == "text" || (format == "auto" && terminal) {
		// Colour only where a terminal will render it, not in log files.
		return slog.New(tint.NewHandler(w, &tint.Options{Level: level, TimeFormat: time.TimeOnly, NoColor: !terminal}))
	}
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level}))
}

// stdioWorkers is how many tool calls run at once on stdio.
const stdioWorkers = 64

// serveTransport runs the configured transport until ctx is done.
func serveTransport(ctx context.Context, cfg *Config, s *server.MCPServer, web *transport.Server, stdin io.Reader, stdout io.Writer, log *slog.Logger) error {
	if cfg.Transport == "stdio" {
		stdio := server.NewStdioServer(s)
		stdio.SetErrorLogger(slog.NewLogLogger(log.Handler(), slog.LevelError))
		// mcp-go runs 5 calls at a time by default, and a call waiting in
		// its queue cannot be cancelled; run as many as a client will
		// reasonably have in flight.
		server.WithWorkerPoolSize(stdioWorkers)(stdio)
		server.WithQueueSize(4 * stdioWorkers)(stdio)
		calls := newCallTracker()
		stdin = &drainingStdin{ctx: ctx, in: bufio.NewReader(stdin), calls: calls, bound: cfg.Kibana.MaxCallDuration() + 5*time.Second}
		stdout = &answerWatcher{out: stdout, calls: calls}
		// tools/list is answered from each tool's JSON, encoded once.
		ctx, stdout = serve.ToolListWriter(ctx, s, stdout)
		err := stdio.Listen(ctx, stdin, stdout)
		if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, io.EOF) {
			return nil
		}
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	return web.Serve(ctx, ln, s)
}
