package esql

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Error is a failed query, rendered the way Elasticsearch renders a 400 from
// the _query API. Line and Column (1-based) locate the first problem; they are
// zero when the problem has no position.
type Error struct {
	Status int    // always 400
	Type   string // "parsing_exception" or "verification_exception"
	Reason string // the full reason, "line 1:23: ..." (verification: "Found 1 problem\nline ...")
	Line   int
	Column int
	Msg    string // the first problem without its position
}

func (e *Error) Error() string { return e.Type + ": " + e.Reason }

// Body is the JSON body Elasticsearch answers with.
func (e *Error) Body() map[string]any {
	cause := map[string]any{"type": e.Type, "reason": e.Reason}
	return map[string]any{
		"error": map[string]any{
			"root_cause": []any{cause},
			"type":       e.Type,
			"reason":     e.Reason,
		},
		"status": e.Status,
	}
}

// MarshalJSON renders Body.
func (e *Error) MarshalJSON() ([]byte, error) { return json.Marshal(e.Body()) }

// problem is one positioned message.
type problem struct {
	line, col int
	msg       string
}

func (p problem) String() string {
	if p.line == 0 {
		return p.msg
	}
	return fmt.Sprintf("line %d:%d: %s", p.line, p.col, p.msg)
}

func lineCol(q string, off int) (int, int) {
	if off > len(q) {
		off = len(q)
	}
	if off < 0 {
		off = 0
	}
	line, col := 1, 1
	for _, r := range q[:off] {
		if r == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return line, col
}

func parseErr(q string, off int, format string, args ...any) *Error {
	l, c := lineCol(q, off)
	msg := fmt.Sprintf(format, args...)
	return &Error{Status: 400, Type: "parsing_exception", Reason: problem{l, c, msg}.String(), Line: l, Column: c, Msg: msg}
}

func verifyErrs(ps []problem) *Error {
	var b strings.Builder
	if len(ps) == 1 {
		b.WriteString("Found 1 problem")
	} else {
		fmt.Fprintf(&b, "Found %d problems", len(ps))
	}
	for _, p := range ps {
		b.WriteString("\n")
		b.WriteString(p.String())
	}
	return &Error{Status: 400, Type: "verification_exception", Reason: b.String(), Line: ps[0].line, Column: ps[0].col, Msg: ps[0].msg}
}

// verr is a verification error carried through compilation.
type verr struct {
	off int // -1: no position
	msg string
}

func (v *verr) Error() string { return v.msg }

func vfail(off int, format string, args ...any) *verr {
	return &verr{off: off, msg: fmt.Sprintf(format, args...)}
}

func (v *verr) problem(q string) problem {
	if v.off < 0 {
		return problem{msg: v.msg}
	}
	l, c := lineCol(q, v.off)
	return problem{l, c, v.msg}
}
