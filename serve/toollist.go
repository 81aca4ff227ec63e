package serve

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"sync"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// The first tools/list answer is most of start-up once there are hundreds
// of tools: mcp-go encodes every tool through a map, and encoding/json
// scans each schema twice more (compacting the output of every
// MarshalJSON). mcp-go has no hook to encode the answer itself, so on stdio
// the answer is built in two steps that keep every rule of mcp-go's
// (sessions, hooks, filters, cursors, ids, errors) as they are:
//
//   - under a context marked by ToolListWriter, the tool filter hands mcp-go
//     a stand-in for each tool it lists, a name and a marker schema that
//     cost next to nothing to encode;
//   - the writer under mcp-go's output writes each tool in its stand-in's
//     place, straight from its parts (the schema as generated), byte for
//     byte what mcp-go would have written
//     (TestStandInsExpandToMCPGoEncoding), through one buffer it keeps.
//
// A stand-in cannot be forged by content: its marker is JSON structure,
// and structure inside a string has its quotes escaped.
//
// Even a stand-in costs mcp-go a map and two encodings, and hundreds of
// them were still most of the answer's cost: the hook of CollapseToolLists
// turns each run of stand-ins in the final answer (after mcp-go's filters
// and pages) into one, which the writer expands into the run's tools.

// listedTool is what tools/list needs of a registered tool besides what
// mcp-go holds.
type listedTool struct {
	schema string // the real input schema; see register
	once   sync.Once
	raw    json.RawMessage // schema as mcp-go takes it, made once

	// What encodeTool writes; plain when it can (plainTool).
	name, title, description string
	annotations              mcp.ToolAnnotation
	plain                    bool
}

func newListedTool(t mcp.Tool, schema string) *listedTool {
	return &listedTool{schema: schema, name: t.Name, title: t.Title, description: t.Description, annotations: t.Annotations, plain: plainTool(t, schema)}
}

// size is at least the length of the tool's JSON when its strings need no
// escaping: 200 is what surrounds them, with every annotation.
func (l *listedTool) size() int {
	return 200 + len(l.name) + len(l.title) + len(l.annotations.Title) + len(l.description) + len(l.schema)
}

// rawSchema is the schema as a json.RawMessage, copied once.
func (l *listedTool) rawSchema() json.RawMessage {
	l.once.Do(func() { l.raw = json.RawMessage(l.schema) })
	return l.raw
}

// standInSchema marks a stand-in. mcp-go writes a stand-in as
// standInHead + name + `"}`: its map puts inputSchema before name, and
// leaves out the empty fields.
const (
	standInSchema = `{"x-kibana-mcp-stand-in":0}`
	standInHead   = `{"inputSchema":` + standInSchema + `,"name":"`
)

var standInRaw, standInHeadBytes = json.RawMessage(standInSchema), []byte(standInHead)

type standInKey struct{}

// ToolListWriter returns ctx marked so that tools/list answers produced
// under it list stand-ins, and w wrapped to put each tool in its stand-in's
// place. Everything mcp-go writes under ctx must go through the returned
// writer. s unchanged when s has no tools from Install.
func ToolListWriter(ctx context.Context, s *server.MCPServer, w io.Writer) (context.Context, io.Writer) {
	r, ok := runners.Load(s)
	if !ok {
		return ctx, w
	}
	return context.WithValue(ctx, standInKey{}, r), &expandingWriter{w: w, r: r.(*Runner)}
}

// toolRuns holds runs of listed tools between the tools/list hook that
// took them out of an answer and the writer that puts them back.
type toolRuns struct {
	mu   sync.Mutex
	next uint64
	runs map[string][]*listedTool
}

// runPrefix starts the name of a run's stand-in. A name that is not a
// parked run's is left to the tool lookup, where it finds nothing.
const runPrefix = "x-kibana-mcp-run:"

func (t *toolRuns) park(run []*listedTool) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.runs == nil {
		t.runs = map[string][]*listedTool{}
	}
	t.next++
	key := runPrefix + strconv.FormatUint(t.next, 10)
	t.runs[key] = run
	return key
}

// take returns the run parked as key, once.
func (t *toolRuns) take(key string) []*listedTool {
	t.mu.Lock()
	defer t.mu.Unlock()
	run := t.runs[key]
	delete(t.runs, key)
	return run
}

// CollapseToolLists adds to h the hook that makes each run of stand-ins in
// a tools/list answer one stand-in (see above). It changes only answers
// made under a context of ToolListWriter's, after every other hook has
// seen the tools: add it last.
func CollapseToolLists(h *server.Hooks) {
	h.AddAfterListTools(func(ctx context.Context, _ any, _ *mcp.ListToolsRequest, result *mcp.ListToolsResult) {
		r, _ := ctx.Value(standInKey{}).(*Runner)
		if r == nil || result == nil || len(result.Tools) < 2 {
			return
		}
		r.listedMu.RLock()
		out := result.Tools[:0:0]
		var run []*listedTool
		flush := func() {
			switch len(run) {
			case 0:
			case 1:
				out = append(out, mcp.Tool{Name: run[0].name, RawInputSchema: standInRaw})
			default:
				out = append(out, mcp.Tool{Name: r.runs.park(run), RawInputSchema: standInRaw})
			}
			run = nil
		}
		for _, t := range result.Tools {
			if l := r.listed[t.Name]; l != nil && l.plain && isStandIn(t) {
				if run == nil {
					run = make([]*listedTool, 0, len(result.Tools))
				}
				run = append(run, l)
				continue
			}
			flush()
			out = append(out, t)
		}
		flush()
		r.listedMu.RUnlock()
		result.Tools = out
	})
}

// isStandIn reports whether t is a stand-in listTools made.
func isStandIn(t mcp.Tool) bool {
	return len(t.RawInputSchema) > 0 && &t.RawInputSchema[0] == &standInRaw[0] &&
		t.Description == "" && t.Title == "" && t.Meta == nil && t.Annotations == (mcp.ToolAnnotation{})
}

// listTools is the tool filter of the tools registered through register:
// each gets its real definition back, or its stand-in under a context of
// ToolListWriter's. It keeps every tool: choosing is for the other filters.
func (r *Runner) listTools(ctx context.Context, tools []mcp.Tool) []mcp.Tool {
	standIns := ctx.Value(standInKey{}) != nil
	r.listedMu.RLock()
	defer r.listedMu.RUnlock()
	// mcp-go hands every filter a slice of its own making: changed in place.
	for i, t := range tools {
		l := r.listed[t.Name]
		switch {
		case l == nil:
		case standIns && l.plain:
			tools[i] = mcp.Tool{Name: t.Name, RawInputSchema: standInRaw}
		default:
			tools[i].RawInputSchema = l.rawSchema()
		}
	}
	return tools
}

// expandingWriter is the writer of ToolListWriter.
type expandingWriter struct {
	w  io.Writer
	r  *Runner
	mu sync.Mutex
	bw *bufio.Writer // over w, made on the first expansion
}

// Write writes p with each stand-in replaced by its tool. mcp-go writes
// each message with one Write, so a stand-in never straddles two.
func (e *expandingWriter) Write(p []byte) (int, error) {
	if !bytes.Contains(p, standInHeadBytes) {
		return e.w.Write(p)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.bw == nil {
		e.bw = bufio.NewWriterSize(e.w, 32<<10)
	}
	e.r.listedMu.RLock()
	for rest := p; ; {
		i := bytes.Index(rest, standInHeadBytes)
		if i < 0 {
			e.bw.Write(rest)
			break
		}
		after := rest[i+len(standInHead):]
		end := bytes.Index(after, []byte(`"}`))
		name := string(after[:max(end, 0)])
		if end >= 0 && strings.HasPrefix(name, runPrefix) {
			if run := e.r.runs.take(name); run != nil {
				e.bw.Write(rest[:i])
				for j, l := range run {
					if j > 0 {
						e.bw.WriteByte(',')
					}
					if e.bw.Available() < l.size() {
						e.bw.Flush()
					}
					e.bw.Write(encodeTool(e.bw.AvailableBuffer(), l))
				}
				rest = after[end+2:]
				continue
			}
		}
		l := e.r.listed[name]
		if end < 0 || l == nil || !l.plain {
			// Not one of ours after all: keep it as written.
			e.bw.Write(rest[:i+len(standInHead)])
			rest = after
			continue
		}
		e.bw.Write(rest[:i])
		if e.bw.Available() < l.size() {
			e.bw.Flush() // so the tool is written into the buffer's room
		}
		e.bw.Write(encodeTool(e.bw.AvailableBuffer(), l))
		rest = after[end+2:]
	}
	e.r.listedMu.RUnlock()
	if err := e.bw.Flush(); err != nil {
		return 0, err
	}
	return len(p), nil
}

// encodeTool appends l's tool to b as mcp-go's Tool.MarshalJSON writes it
// once encoding/json has compacted it (keys in map order, HTML escaped),
// without the map or the scans. l must be plain.
func encodeTool(b []byte, l *listedTool) []byte {
	b = append(b, '{')
	if a := l.annotations; a != (mcp.ToolAnnotation{}) {
		b = append(b, `"annotations":{`...)
		n := len(b)
		if a.Title != "" {
			b = appendString(append(b, `"title":`...), a.Title)
		}
		for _, h := range []struct {
			key string
			v   *bool
		}{{"readOnlyHint", a.ReadOnlyHint}, {"destructiveHint", a.DestructiveHint}, {"idempotentHint", a.IdempotentHint}, {"openWorldHint", a.OpenWorldHint}} {
			if h.v == nil {
				continue
			}
			if len(b) > n {
				b = append(b, ',')
			}
			b = append(append(append(b, '"'), h.key...), `":`...)
			if *h.v {
				b = append(b, "true"...)
			} else {
				b = append(b, "false"...)
			}
		}
		b = append(b, "},"...)
	}
	if l.description != "" {
		b = append(appendString(append(b, `"description":`...), l.description), ',')
	}
	b = append(append(b, `"inputSchema":`...), l.schema...)
	b = appendString(append(b, `,"name":`...), l.name)
	if l.title != "" {
		b = appendString(append(b, `,"title":`...), l.title)
	}
	return append(b, '}')
}

// plainTool reports whether encodeTool can write t with schema: only the
// fields our tools have, and a name that needs no escaping (expand finds a
// stand-in's tool by its name as written). The schema is taken as written:
// generated schemas are compact, as encoding/json writes them
// (TestGeneratedSchemasAreWrittenAsIs), and scanning them again here would
// cost what encoding once saves.
func plainTool(t mcp.Tool, schema string) bool {
	return plainString(t.Name) && schema != "" && t.Meta == nil && t.InputSchema.Type == "" && t.InputSchema.Types == nil &&
		t.RawOutputSchema == nil && t.OutputSchema.Type == "" && t.OutputSchema.Types == nil &&
		!t.DeferLoading && t.Icons == nil && t.Execution == nil
}

// appendString appends s as a JSON string, as encoding/json writes it.
func appendString(b []byte, s string) []byte {
	if plainString(s) {
		return append(append(append(b, '"'), s...), '"')
	}
	q, _ := json.Marshal(s) // a string always encodes
	return append(b, q...)
}

// plainString reports whether s encodes as itself between quotes:
// printable ASCII that neither JSON nor HTML escaping touches.
func plainString(s string) bool {
	for i := 0; i < len(s); i++ {
		if !plainByte[s[i]] {
			return false
		}
	}
	return true
}

// plainByte is plainString's test of one byte, looked up: descriptions
// are most of what it reads at every start.
var plainByte = func() (t [256]bool) {
	for c := 0x20; c < 0x7f; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

// registered reports whether name was registered with mcp-go by this
// runner (some operations of the catalogue are not served).
func (r *Runner) registered(name string) bool {
	r.listedMu.RLock()
	defer r.listedMu.RUnlock()
	_, ok := r.listed[name]
	return ok
}
