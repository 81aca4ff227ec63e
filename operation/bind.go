package operation

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"path"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/kibana-mcp/kibana-mcp/kibana"
	"github.com/kibana-mcp/kibana-mcp/schema"
)

type location uint8

const (
	inBody location = iota
	inPath
	inQuery
	inForm
	inFormFile
)

// plan is how one input type maps onto an HTTP request, worked out once per
// operation on its first call (not at start-up: start-up cost must not grow
// with the number of tools).
type plan struct {
	typ       reflect.Type
	fields    []boundField
	hasBody   bool
	multipart bool
	segments  []segment // the path template, split at placeholders
	toolArgs  []string  // arguments only the tool's flow reads (in:"tool")
}

type boundField struct {
	index     []int  // the field, through any embedded structs (reflect.Value.FieldByIndex)
	name      string // JSON / wire name
	in        location
	omitEmpty bool
	// namesFile marks the form field (`in:"form,filename"`) that names the
	// uploaded file: the model gives the whole name ("notes.txt"), the file
	// part carries it (so the MIME type follows the extension), and the form
	// field carries it without the extension, as Kibana stores that apart.
	namesFile bool
	// textExt marks a file part (`in:"formfile,ndjson"`, `in:"formfile,txt"`)
	// whose argument is the file's text as is, not base64: the extension
	// names the file when no filename field does, and Kibana's importers
	// check it (saved objects want .ndjson).
	textExt string
}

// segment is literal text, or the field whose value fills a placeholder.
type segment struct {
	literal string
	field   int // index into plan.fields; -1 for literal text
}

// RequestBuilder is implemented by inputs whose method and path are
// arguments (the raw request tool) rather than part of the declaration.
type RequestBuilder interface {
	Request() (*kibana.Request, error)
}

// AnswerTaker is implemented by inputs that take back an object as Kibana
// answered it (a detection rule read or exported), members Kibana answers
// but a write does not take included. Those members are not arguments: the
// binder removes them before validation and tells the input which it
// removed, for a note (Noter).
type AnswerTaker interface {
	AnswerOnly() []string
	LeftOut(names []string)
}

// Preparer is implemented by inputs with defaults to fill or rules that span
// several fields. Its error should be a *schema.ArgumentError.
type Preparer interface {
	Prepare() error
}

// inputFields are the arguments of an input struct: its exported fields,
// and those of the structs it embeds without naming them (as encoding/json
// flattens them), so inputs sharing a group of arguments can embed it
// instead of repeating it. Each field's Index leads from the outer struct.
func inputFields(t reflect.Type, outer []int) []reflect.StructField {
	var fields []reflect.StructField
	for i := range t.NumField() {
		f := t.Field(i)
		f.Index = append(append([]int(nil), outer...), i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			fields = append(fields, inputFields(f.Type, f.Index)...)
			continue
		}
		if !f.IsExported() || name == "-" {
			continue
		}
		fields = append(fields, f)
	}
	return fields
}

// Check reports whether the declaration binds: its input is a struct whose
// tags fit its path template.
func (op *Operation) Check() error {
	_, err := op.getPlan()
	return err
}

func (op *Operation) getPlan() (*plan, error) {
	op.planOnce.Do(func() { op.plan, op.planErr = buildPlan(op) })
	return op.plan, op.planErr
}

func buildPlan(op *Operation) (*plan, error) {
	t := op.inputType()
	if t == nil || t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("%s: Input must be a struct", op)
	}
	p := &plan{typ: t}
	byName := map[string]int{}
	for _, f := range inputFields(t, nil) {
		bf := boundField{index: f.Index, name: schema.JSONName(f), omitEmpty: strings.Contains(f.Tag.Get("json"), ",omitempty")}
		in, option, _ := strings.Cut(f.Tag.Get("in"), ",")
		bf.namesFile = in == "form" && option == "filename"
		if in == "formfile" {
			bf.textExt = option
		}
		switch in {
		case "":
			bf.in = inBody
			p.hasBody = true
		case "path":
			bf.in = inPath
		case "query":
			bf.in = inQuery
		case "form":
			bf.in, p.multipart = inForm, true
		case "formfile":
			bf.in, p.multipart = inFormFile, true
		case "tool":
			// Read by the tool's own flow (a page size for the parts it
			// gathers, a choice of answer shape); never sent to Kibana.
			p.toolArgs = append(p.toolArgs, bf.name)
			continue
		default:
			return nil, fmt.Errorf("%s: field %s has unknown in:%q", op, f.Name, f.Tag.Get("in"))
		}
		if bf.name == SpaceArgument {
			return nil, fmt.Errorf("%s: field %s uses the reserved argument name %q", op, f.Name, SpaceArgument)
		}
		byName[bf.name] = len(p.fields)
		p.fields = append(p.fields, bf)
	}
	if p.multipart && p.hasBody {
		return nil, fmt.Errorf("%s: an input cannot mix JSON body fields with multipart fields", op)
	}
	// Split the template and check each placeholder has a path field.
	rest := op.Path
	used := map[int]bool{}
	for rest != "" {
		open := strings.IndexByte(rest, '{')
		if open < 0 {
			p.segments = append(p.segments, segment{literal: rest, field: -1})
			break
		}
		end := strings.IndexByte(rest[open:], '}')
		if end < 0 {
			return nil, fmt.Errorf("%s: unclosed { in path", op)
		}
		if open > 0 {
			p.segments = append(p.segments, segment{literal: rest[:open], field: -1})
		}
		name := rest[open+1 : open+end]
		idx, ok := byName[name]
		if !ok || p.fields[idx].in != inPath {
			return nil, fmt.Errorf("%s: path placeholder {%s} has no `in:\"path\"` field", op, name)
		}
		if t.FieldByIndex(p.fields[idx].index).Type.Kind() != reflect.String {
			return nil, fmt.Errorf("%s: path field %s must be a string", op, name)
		}
		used[idx] = true
		p.segments = append(p.segments, segment{field: idx})
		rest = rest[open+end+1:]
	}
	for i, f := range p.fields {
		if f.in == inPath && !used[i] {
			return nil, fmt.Errorf("%s: path field %s has no {%s} in the path", op, f.name, f.name)
		}
	}
	return p, nil
}

// Bind checks tool arguments against the schema the model was shown, decodes
// them strictly into the input struct and builds the Kibana request they
// describe. Problems with the arguments are *schema.ValidationError or
// *schema.ArgumentError values naming the field; nothing is sent unless the
// whole request could be built.
func (op *Operation) Bind(args map[string]any) (*kibana.Request, error) {
	req, _, err := op.BindInput(args)
	return req, err
}

// BindInput is Bind that also returns the decoded input (a pointer to the
// input struct), for tools whose input runs a flow or describes itself.
func (op *Operation) BindInput(args map[string]any) (*kibana.Request, any, error) {
	p, err := op.getPlan()
	if err != nil {
		return nil, nil, err
	}
	validator, err := op.getValidator()
	if err != nil {
		return nil, nil, err
	}
	input := reflect.New(p.typ)
	taker, takesAnswers := input.Interface().(AnswerTaker)
	var leftOut []string
	if takesAnswers {
		args, leftOut = without(args, taker.AnswerOnly())
	}
	if err := validator.Validate(args); err != nil {
		return nil, nil, err
	}
	space, args := takeSpace(args)
	if err := schema.Decode(args, input.Interface()); err != nil {
		return nil, nil, err
	}
	if takesAnswers {
		taker.LeftOut(leftOut)
	}
	if prep, ok := input.Interface().(Preparer); ok {
		if err := prep.Prepare(); err != nil {
			return nil, nil, err
		}
	}
	if b, ok := input.Interface().(RequestBuilder); ok {
		req, err := b.Request()
		if err != nil {
			return nil, nil, err
		}
		if space != "" {
			if req.Space != "" && req.Space != space {
				return nil, nil, &schema.ArgumentError{Field: SpaceArgument, Rule: fmt.Sprintf("names space %q but the path names %q; give one", space, req.Space)}
			}
			req.Space = space
		}
		return req, input.Interface(), nil
	}
	req, err := p.request(op, input.Elem(), space)
	return req, input.Interface(), err
}

// request builds the request a declared operation sends for input v.
func (p *plan) request(op *Operation, v reflect.Value, space string) (*kibana.Request, error) {
	var err error
	req := &kibana.Request{
		Method:     op.Method,
		APIVersion: op.APIVersion,
		Space:      space,
		Mutates:    op.Effect != Reads,
		Retryable:  op.Retryable(),
	}
	if req.Path, err = p.path(v); err != nil {
		return nil, err
	}
	req.Query = p.query(v)
	switch {
	case p.multipart:
		req.Body, req.ContentType, err = p.multipartBody(v)
	case p.hasBody:
		req.Body, err = p.jsonBody(v)
	}
	if err != nil {
		return nil, err
	}
	return req, nil
}

// without is args less the members named, and which of them were given,
// in names' order; the caller's map is never modified.
func without(args map[string]any, names []string) (map[string]any, []string) {
	var given []string
	for _, n := range names {
		if _, ok := args[n]; ok {
			given = append(given, n)
		}
	}
	if len(given) == 0 {
		return args, nil
	}
	rest := make(map[string]any, len(args))
	for k, v := range args {
		if !slices.Contains(given, k) {
			rest[k] = v
		}
	}
	return rest, given
}

// takeSpace removes space_id from the arguments (it is the server's, not
// Kibana's). The validator has already checked it; the caller's map is
// never modified.
func takeSpace(args map[string]any) (string, map[string]any) {
	raw, ok := args[SpaceArgument]
	if !ok {
		return "", args
	}
	rest := make(map[string]any, len(args)-1)
	for k, v := range args {
		if k != SpaceArgument {
			rest[k] = v
		}
	}
	space, _ := raw.(string)
	return space, rest
}

func (p *plan) path(v reflect.Value) (string, error) {
	var b strings.Builder
	for _, s := range p.segments {
		if s.field < 0 {
			b.WriteString(s.literal)
			continue
		}
		f := p.fields[s.field]
		val := v.FieldByIndex(f.index).String()
		// Escaping keeps "/" inside one segment, but "." and ".." are
		// segments of their own that servers and proxies resolve.
		if val == "" || val == "." || val == ".." {
			return "", &schema.ArgumentError{Field: f.name, Rule: "must be a non-empty ID (not \".\" or \"..\")"}
		}
		if strings.ContainsFunc(val, unicode.IsControl) {
			return "", &schema.ArgumentError{Field: f.name, Rule: "must be an ID without control characters"}
		}
		b.WriteString(url.PathEscape(val))
	}
	return b.String(), nil
}

func (p *plan) query(v reflect.Value) url.Values {
	var q url.Values
	for _, f := range p.fields {
		if f.in != inQuery {
			continue
		}
		fv := v.FieldByIndex(f.index)
		if isEmpty(fv) {
			continue
		}
		for fv.Kind() == reflect.Pointer {
			fv = fv.Elem()
		}
		if q == nil {
			q = url.Values{}
		}
		if fv.Kind() == reflect.Slice {
			for i := range fv.Len() {
				q.Add(f.name, scalarString(fv.Index(i)))
			}
			continue
		}
		q.Set(f.name, scalarString(fv))
	}
	return q
}

func scalarString(v reflect.Value) string {
	switch v.Kind() {
	case reflect.String:
		return v.String()
	case reflect.Bool:
		return strconv.FormatBool(v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.FormatUint(v.Uint(), 10)
	case reflect.Float32, reflect.Float64:
		return strconv.FormatFloat(v.Float(), 'f', -1, 64)
	}
	b, _ := json.Marshal(v.Interface())
	return string(b)
}

// isEmpty follows encoding/json's omitempty rule.
func isEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.String, reflect.Slice, reflect.Map, reflect.Array:
		return v.Len() == 0
	case reflect.Pointer, reflect.Interface:
		return v.IsNil()
	}
	return v.IsZero()
}

// jsonBody encodes the body fields as one JSON object, honouring omitempty.
func (p *plan) jsonBody(v reflect.Value) ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	first := true
	for _, f := range p.fields {
		if f.in != inBody {
			continue
		}
		fv := v.FieldByIndex(f.index)
		if f.omitEmpty && isEmpty(fv) {
			continue
		}
		val, err := json.Marshal(fv.Interface())
		if err != nil {
			return nil, &schema.ArgumentError{Field: f.name, Rule: err.Error()}
		}
		if !first {
			b.WriteByte(',')
		}
		first = false
		name, _ := json.Marshal(f.name)
		b.Write(name)
		b.WriteByte(':')
		b.Write(val)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// multipartBody writes form fields first, then file parts. A file part is
// named by the field tagged `in:"form,filename"`, or after its own field.
func (p *plan) multipartBody(v reflect.Value) ([]byte, string, error) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	filename := ""
	for _, f := range p.fields {
		if f.in != inForm {
			continue
		}
		fv := v.FieldByIndex(f.index)
		if isEmpty(fv) {
			continue
		}
		s := scalarString(reflect.Indirect(fv))
		if f.namesFile {
			filename = s
			if stem := strings.TrimSuffix(s, path.Ext(s)); stem != "" {
				s = stem // ".bashrc" has no extension to drop
			}
		}
		if err := w.WriteField(f.name, s); err != nil {
			return nil, "", err
		}
	}
	for _, f := range p.fields {
		if f.in != inFormFile {
			continue
		}
		data, err := fileContent(f, v.FieldByIndex(f.index).String())
		if err != nil {
			return nil, "", err
		}
		name := filename
		switch {
		case name == "" && f.textExt != "":
			name = f.name + "." + f.textExt
		case name == "":
			name = f.name
		}
		h := textproto.MIMEHeader{}
		// Quoted always, as browsers send it: Kibana's importers do not
		// read a bare token file name.
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="%s"; filename="%s"`, quoteEscaper.Replace(f.name), quoteEscaper.Replace(name)))
		h.Set("Content-Type", ContentTypeOf(name, data))
		part, err := w.CreatePart(h)
		if err != nil {
			return nil, "", err
		}
		if _, err := part.Write(data); err != nil {
			return nil, "", err
		}
	}
	if err := w.Close(); err != nil {
		return nil, "", err
	}
	return buf.Bytes(), w.FormDataContentType(), nil
}

// quoteEscaper makes a value safe inside a quoted Content-Disposition
// parameter.
var quoteEscaper = strings.NewReplacer("\\", "\\\\", `"`, "\\\"", "\r", "", "\n", "")

// fileContent is the bytes of a file part: the argument's text for text
// files, decoded base64 for the others.
func fileContent(f boundField, arg string) ([]byte, error) {
	if f.textExt != "" {
		if strings.TrimSpace(arg) == "" {
			return nil, &schema.ArgumentError{Field: f.name, Rule: "is empty; give the file's content"}
		}
		return []byte(arg), nil
	}
	// Models often wrap long base64 across lines; the line breaks are not
	// part of the data.
	data, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(arg), ""))
	if err != nil {
		return nil, &schema.ArgumentError{Field: f.name, Rule: "must be standard base64: " + err.Error()}
	}
	return data, nil
}

// ContentTypeOf is the MIME type of a file part: the file extension's
// (Kibana checks file kinds by MIME type), else what the bytes look like.
func ContentTypeOf(name string, data []byte) string {
	if path.Ext(name) == ".ndjson" {
		return "application/ndjson"
	}
	if ct := mime.TypeByExtension(path.Ext(name)); ct != "" {
		return ct
	}
	return http.DetectContentType(data)
}

// ArgumentNames are the names of op's own arguments, in declaration order.
func (op *Operation) ArgumentNames() []string {
	p, err := op.getPlan()
	if err != nil {
		return nil
	}
	names := make([]string, len(p.fields))
	for i, f := range p.fields {
		names[i] = f.name
	}
	return append(names, p.toolArgs...)
}
