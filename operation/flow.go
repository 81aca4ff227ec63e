package operation

import (
	"context"
	"reflect"

	"github.com/kibana-mcp/kibana-mcp/kibana"
)

// Flow is implemented by inputs whose tool takes more than the one request
// Bind builds: a read that prepares a write (a case's current version), a
// lookup that completes it (the rule behind some alerts), several reads
// gathered into one answer, or an answer reshaped into compact rows. Bind
// still builds the request that does the work, so read-only mode and
// confirmation judge the tool by it; Run sends it, with whatever it needs
// around it, through the same client.
type Flow interface {
	Run(ctx context.Context, k *kibana.Client, req *kibana.Request) (*Result, error)
}

// Result is a flow's answer and what the model should know about how it
// was reached (a version read first, a retry after a conflict).
type Result struct {
	Resp  *kibana.Response
	Notes []string
}

// Composite reports whether op's tool may send Kibana more than one request
// or reshape its answer.
func (op *Operation) Composite() bool {
	t := op.inputType()
	if t == nil {
		return false
	}
	_, ok := reflect.New(t).Interface().(Flow)
	return ok
}

// SendOne sends req as it is: the flow of every input that has none of its
// own, and of inputs that only sometimes need more.
func SendOne(ctx context.Context, k *kibana.Client, req *kibana.Request) (*Result, error) {
	resp, err := k.Do(ctx, req)
	if err != nil {
		return nil, err
	}
	return &Result{Resp: resp}, nil
}

// Noter is implemented by inputs that left out some of what they were
// given (members Kibana answers but does not take back): the notes say
// what, beside the answer. Such an input still sends one request.
type Noter interface {
	Notes() []string
}

// FlowOf is the flow that runs input: its own, or SendOne.
func FlowOf(input any) Flow {
	if f, ok := input.(Flow); ok {
		return f
	}
	if n, ok := input.(Noter); ok {
		return plainFlow{notes: n.Notes()}
	}
	return plainFlow{}
}

// plainFlow is the flow of every declared operation without one of its
// own: one request, its answer as Kibana gave it, and the input's notes.
type plainFlow struct{ notes []string }

func (f plainFlow) Run(ctx context.Context, k *kibana.Client, req *kibana.Request) (*Result, error) {
	res, err := SendOne(ctx, k, req)
	if err == nil {
		res.Notes = f.notes
	}
	return res, err
}
