package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"sync"
	"sync/atomic"

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
//   - the writer under mcp-go's output swaps each stand-in for the tool's
//     JSON, encoded once per process on first need and kept (the catalogue
//     does not change while serving), byte for byte what mcp-go would
//     have written (TestStandInsExpandToMCPGoEncoding).
//
// A stand-in cannot be forged by content: its marker is JSON structure,
// and structure inside a string has its quotes escaped.

// listedTool is what tools/list needs of a registered tool besides what
// mcp-go holds (everything but the schema).
type listedTool struct {
	schema string // the real input schema; see register
	once   sync.Once
	raw    json.RawMessage        // schema as mcp-go takes it, made once
	json   atomic.Pointer[[]byte] // the tool as mcp-go encodes it; see encoded
}

// rawSchema is the schema as a json.RawMessage, copied once.
func (l *listedTool) rawSchema() json.RawMessage {
	l.once.Do(func() { l.raw = json.RawMessage(l.schema) })
	return l.raw
}

// encoded is t (mcp-go's tool, holding the placeholder schema) as mcp-go
// would encode it with the real schema, encoded on first need and kept; nil
// for a tool mcp-go must encode itself.
func (l *listedTool) encoded(t mcp.Tool) []byte {
	if b := l.json.Load(); b != nil {
		return *b
	}
	var b []byte
	if plainTool(t, l.schema) {
		b = encodeTool(t, l.schema)
	}
	l.json.Store(&b)
	return b
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
	return context.WithValue(ctx, standInKey{}, true), &expandingWriter{w: w, r: r.(*Runner)}
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
		case standIns && l.encoded(t) != nil:
			tools[i] = mcp.Tool{Name: t.Name, RawInputSchema: standInRaw}
		default:
			tools[i].RawInputSchema = l.rawSchema()
		}
	}
	return tools
}

// expand returns p with every stand-in replaced by its tool's JSON.
func (r *Runner) expand(p []byte) []byte {
	type piece struct {
		before, tool []byte
	}
	var pieces []piece
	size := 0
	r.listedMu.RLock()
	for {
		i := bytes.Index(p, standInHeadBytes)
		if i < 0 {
			break
		}
		rest := p[i+len(standInHead):]
		end := bytes.Index(rest, []byte(`"}`))
		if end < 0 {
			break
		}
		var tool []byte
		if l := r.listed[string(rest[:end])]; l != nil {
			if b := l.json.Load(); b != nil {
				tool = *b // encoded when its stand-in was made
			}
		}
		if tool == nil {
			// Not one of ours after all: keep it as written.
			pieces = append(pieces, piece{before: p[:i+len(standInHead)]})
			size += i + len(standInHead)
			p = rest
			continue
		}
		pieces = append(pieces, piece{before: p[:i], tool: tool})
		size += i + len(tool)
		p = rest[end+2:]
	}
	r.listedMu.RUnlock()
	if pieces == nil {
		return p
	}
	out := make([]byte, 0, size+len(p))
	for _, pc := range pieces {
		out = append(append(out, pc.before...), pc.tool...)
	}
	return append(out, p...)
}

// expandingWriter is the writer of ToolListWriter. mcp-go writes each
// message with one Write, so a stand-in never straddles two.
type expandingWriter struct {
	w io.Writer
	r *Runner
}

func (e *expandingWriter) Write(p []byte) (int, error) {
	if !bytes.Contains(p, standInHeadBytes) {
		return e.w.Write(p)
	}
	if _, err := e.w.Write(e.r.expand(p)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// encodeTool is t with schema as mcp-go's Tool.MarshalJSON writes it once
// encoding/json has compacted it (keys in map order, HTML escaped), without
// the map or the scans. t must be plainTool.
func encodeTool(t mcp.Tool, schema string) []byte {
	// 200: what surrounds the strings, with every annotation.
	b := make([]byte, 0, 200+len(t.Name)+len(t.Title)+len(t.Annotations.Title)+len(t.Description)+len(schema))
	b = append(b, '{')
	if a := t.Annotations; a != (mcp.ToolAnnotation{}) {
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
	if t.Description != "" {
		b = append(appendString(append(b, `"description":`...), t.Description), ',')
	}
	b = append(append(b, `"inputSchema":`...), schema...)
	b = appendString(append(b, `,"name":`...), t.Name)
	if t.Title != "" {
		b = appendString(append(b, `,"title":`...), t.Title)
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
		switch c := s[i]; {
		case c < 0x20, c >= 0x7f, c == '"', c == '\\', c == '<', c == '>', c == '&':
			return false
		}
	}
	return true
}
