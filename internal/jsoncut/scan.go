package jsoncut

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"
)

const (
	// maxPathDepth is how many member names deep an array may sit and still be
	// trimmed. Kibana puts its result lists at "cases" or "data.items"; four
	// leaves room without walking into the results themselves.
	maxPathDepth = 4
	// maxNesting is the nesting limit of encoding/json. Using the same one
	// keeps the set of documents we accept equal to what json.Valid accepts.
	maxNesting = 10000
)

// arraySpan locates one array in the document; offsets are into the
// whitespace-trimmed document.
type arraySpan struct {
	path    string // dotted member names, "$" for the root
	open    int    // offset of '['
	close   int    // offset of ']'
	lastEnd int    // offset just past the last element
	count   int    // number of elements
}

func (a arraySpan) size() int { return a.close + 1 - a.open }

// scanner validates a document in one pass and, on the way, measures every
// array that trimming may cut. It works on the raw bytes, because decoding a
// 4 MiB answer into maps and slices would cost far more than the cut itself.
//
// It is a validator as well as a scanner so that a document is read once:
// json.Valid followed by our own scan reads it twice, and json.Valid alone
// already takes most of the time budget for a 4 MiB answer. It accepts
// exactly what json.Valid accepts (the fuzz test checks this), including
// bytes that are not UTF-8 inside strings.
type scanner struct {
	doc     []byte
	base    int // offset of doc in the caller's input, for error messages
	depth   int
	names   [maxPathDepth][]byte // quoted member names on the path to the current value
	nnames  int
	biggest arraySpan
}

// scan validates doc (already trimmed of surrounding whitespace) and returns
// the largest array that may be trimmed; its count is 0 when there is none.
func scan(doc []byte, base int) (arraySpan, error) {
	s := scanner{doc: doc, base: base}
	if len(doc) == 0 {
		return arraySpan{}, s.fail(0, "empty document")
	}
	end, err := s.root()
	if err != nil {
		return arraySpan{}, err
	}
	if end != len(doc) {
		return arraySpan{}, s.fail(end, "data after the top-level value")
	}
	return s.biggest, nil
}

func (s *scanner) fail(at int, what string) error {
	return fmt.Errorf("%w: %s at byte %d", ErrInvalidJSON, what, s.base+at)
}

// root reads the top-level value. Only here and in members of tracked objects
// are arrays candidates; elements of arrays are never tracked, because
// cutting inside one result would hand the model half a case.
func (s *scanner) root() (int, error) {
	switch s.doc[0] {
	case '[':
		return s.array(0, true)
	case '{':
		return s.object(0, true)
	}
	return s.value(0)
}

// value reads any value starting at i and returns the offset just past it.
func (s *scanner) value(i int) (int, error) {
	if i >= len(s.doc) {
		return 0, s.fail(i, "unexpected end")
	}
	switch c := s.doc[i]; {
	case c == '"':
		return s.str(i)
	case c == '{':
		return s.object(i, false)
	case c == '[':
		return s.array(i, false)
	case c == 't':
		return s.literal(i, "true")
	case c == 'f':
		return s.literal(i, "false")
	case c == 'n':
		return s.literal(i, "null")
	case c == '-' || isDigit(c):
		return s.number(i)
	}
	return 0, s.fail(i, "unexpected character")
}

// enter counts one more open container; leave undoes it.
func (s *scanner) enter(i int) error {
	s.depth++
	if s.depth > maxNesting {
		return s.fail(i, "nesting too deep")
	}
	return nil
}

func (s *scanner) leave() { s.depth-- }

// object reads the object at i. When track is set its members are on a path
// from the root through members only, so arrays among them are candidates.
func (s *scanner) object(i int, track bool) (int, error) {
	if err := s.enter(i); err != nil {
		return 0, err
	}
	defer s.leave()
	i = skipSpace(s.doc, i+1)
	if i < len(s.doc) && s.doc[i] == '}' {
		return i + 1, nil
	}
	for {
		end, err := s.member(i, track)
		if err != nil {
			return 0, err
		}
		i = skipSpace(s.doc, end)
		if i < len(s.doc) && s.doc[i] == ',' {
			i = skipSpace(s.doc, i+1)
			continue
		}
		if i < len(s.doc) && s.doc[i] == '}' {
			return i + 1, nil
		}
		return 0, s.fail(i, "expected ',' or '}' in object")
	}
}

// member reads `"name": value` starting at i.
func (s *scanner) member(i int, track bool) (int, error) {
	if i >= len(s.doc) || s.doc[i] != '"' {
		return 0, s.fail(i, "expected member name")
	}
	nameEnd, err := s.str(i)
	if err != nil {
		return 0, err
	}
	name := s.doc[i:nameEnd]
	i = skipSpace(s.doc, nameEnd)
	if i >= len(s.doc) || s.doc[i] != ':' {
		return 0, s.fail(i, "expected ':' after member name")
	}
	i = skipSpace(s.doc, i+1)
	if !track || s.nnames == maxPathDepth || i >= len(s.doc) {
		return s.value(i)
	}
	s.names[s.nnames] = name
	s.nnames++
	defer func() { s.nnames-- }()
	switch s.doc[i] {
	case '[':
		return s.array(i, true)
	case '{':
		return s.object(i, true)
	}
	return s.value(i)
}

// array reads the array at i. A tracked array is measured and, if it is the
// largest so far, remembered with its path.
func (s *scanner) array(open int, track bool) (int, error) {
	if err := s.enter(open); err != nil {
		return 0, err
	}
	defer s.leave()
	i := skipSpace(s.doc, open+1)
	if i < len(s.doc) && s.doc[i] == ']' {
		return i + 1, nil // empty: nothing to trim
	}
	a := arraySpan{open: open}
	for {
		end, err := s.value(i)
		if err != nil {
			return 0, err
		}
		a.count++
		a.lastEnd = end
		i = skipSpace(s.doc, end)
		if i < len(s.doc) && s.doc[i] == ',' {
			i = skipSpace(s.doc, i+1)
			continue
		}
		if i < len(s.doc) && s.doc[i] == ']' {
			break
		}
		return 0, s.fail(i, "expected ',' or ']' in array")
	}
	a.close = i
	if track && a.size() > s.biggest.size() {
		a.path = s.path()
		s.biggest = a
	}
	return i + 1, nil
}

// path names the current position for Result.Path. It is built only when a
// new largest array is found, so ordinary members cost no allocation.
func (s *scanner) path() string {
	names := make([]string, s.nnames)
	for k, quoted := range s.names[:s.nnames] {
		names[k] = decodeName(quoted)
	}
	return formatPath(names)
}

// formatPath writes member names as a dotted path, "$" for none. A name that
// would make the path ambiguous (empty, "$", or holding '.', '[' or ']', as
// the dotted field names of Elasticsearch documents do) is written as a JSON
// string in brackets: a["kibana.alert.uuid"].b. Path "" must keep meaning
// "nothing trimmed", and a caller must be able to find the array again.
func formatPath(names []string) string {
	if len(names) == 0 {
		return "$"
	}
	var b strings.Builder
	for k, name := range names {
		if !needsBrackets(name) {
			if k > 0 {
				b.WriteByte('.')
			}
			b.WriteString(name)
			continue
		}
		quoted, _ := json.Marshal(name) // a string always marshals
		b.WriteByte('[')
		b.Write(quoted)
		b.WriteByte(']')
	}
	return b.String()
}

func needsBrackets(name string) bool {
	return name == "" || name == "$" || strings.ContainsAny(name, ".[]")
}

// decodeName turns a quoted member name into the string a JSON decoder would
// give, so Path matches what the caller sees after decoding.
func decodeName(quoted []byte) string {
	raw := quoted[1 : len(quoted)-1]
	if bytes.IndexByte(raw, '\\') < 0 && utf8.Valid(raw) {
		return string(raw)
	}
	var name string
	if err := json.Unmarshal(quoted, &name); err != nil {
		return string(raw) // cannot happen: the name was validated
	}
	return name
}

// plainInString marks the bytes a string may hold without escaping: anything
// but control characters, the quote and the backslash.
var plainInString = func() (t [256]bool) {
	for c := 0x20; c < 256; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// str reads the string at i. Strings are most of a Kibana answer, so the
// inner loop only looks bytes up in a table.
func (s *scanner) str(i int) (int, error) {
	d := s.doc
	j := i + 1
	for {
		for j < len(d) && plainInString[d[j]] {
			j++
		}
		if j >= len(d) {
			return 0, s.fail(i, "unterminated string")
		}
		switch d[j] {
		case '"':
			return j + 1, nil
		case '\\':
			next, err := s.escape(j)
			if err != nil {
				return 0, err
			}
			j = next
		default:
			return 0, s.fail(j, "control character in string")
		}
	}
}

// escape reads the escape sequence at j (d[j] is the backslash).
func (s *scanner) escape(j int) (int, error) {
	d := s.doc
	if j+1 >= len(d) {
		return 0, s.fail(j, "unterminated escape")
	}
	switch d[j+1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return j + 2, nil
	case 'u':
		if j+6 > len(d) {
			return 0, s.fail(j, "short \\u escape")
		}
		for _, h := range d[j+2 : j+6] {
			if !isHex(h) {
				return 0, s.fail(j, "bad \\u escape")
			}
		}
		return j + 6, nil
	}
	return 0, s.fail(j, "bad escape")
}

// number reads -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? at i. Whatever
// follows is checked by the caller, which expects a separator there.
func (s *scanner) number(i int) (int, error) {
	d := s.doc
	j := i
	if d[j] == '-' {
		j++
	}
	switch {
	case j < len(d) && d[j] == '0':
		j++
	case j < len(d) && isDigit(d[j]):
		j = skipDigits(d, j)
	default:
		return 0, s.fail(i, "bad number")
	}
	if j < len(d) && d[j] == '.' {
		if j+1 >= len(d) || !isDigit(d[j+1]) {
			return 0, s.fail(i, "bad number")
		}
		j = skipDigits(d, j+1)
	}
	if j < len(d) && (d[j] == 'e' || d[j] == 'E') {
		j++
		if j < len(d) && (d[j] == '+' || d[j] == '-') {
			j++
		}
		if j >= len(d) || !isDigit(d[j]) {
			return 0, s.fail(i, "bad number")
		}
		j = skipDigits(d, j)
	}
	return j, nil
}

func (s *scanner) literal(i int, word string) (int, error) {
	if !bytes.HasPrefix(s.doc[i:], []byte(word)) {
		return 0, s.fail(i, "unexpected character")
	}
	return i + len(word), nil
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isHex(c byte) bool {
	return isDigit(c) || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func skipDigits(d []byte, j int) int {
	for j < len(d) && isDigit(d[j]) {
		j++
	}
	return j
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func skipSpace(d []byte, i int) int {
	for i < len(d) && isSpace(d[i]) {
		i++
	}
	return i
}

// trimSpace returns doc without surrounding JSON whitespace, and how many
// bytes were dropped in front.
func trimSpace(doc []byte) (lead int, body []byte) {
	start := skipSpace(doc, 0)
	end := len(doc)
	for end > start && isSpace(doc[end-1]) {
		end--
	}
	return start, doc[start:end]
}

// The helpers below walk a document that scan has already validated, so they
// need not check anything.

// stringEnd returns the offset just past the string starting at i: the first
// quote not escaped by an odd run of backslashes.
func stringEnd(d []byte, i int) int {
	j := i + 1
	for {
		q := bytes.IndexByte(d[j:], '"')
		if q < 0 {
			return len(d)
		}
		j += q
		backslashes := 0
		for k := j - 1; k > i && d[k] == '\\'; k-- {
			backslashes++
		}
		if backslashes%2 == 0 {
			return j + 1
		}
		j++
	}
}

// scalarEnd returns the offset just past the number or literal at i.
func scalarEnd(d []byte, i int) int {
	for i < len(d) {
		switch d[i] {
		case ',', ']', '}', ':', ' ', '\t', '\n', '\r':
			return i
		}
		i++
	}
	return i
}

// isMemberName reports whether the string that ended at end is a member name,
// that is whether a colon follows it.
func isMemberName(d []byte, end int) bool {
	i := skipSpace(d, end)
	return i < len(d) && d[i] == ':'
}
