// Package jsoncut shrinks a JSON document to a byte budget and keeps it valid
// JSON.
//
// Tools hand Kibana's answers to a model whose context is small and costly. A
// blunt byte cut would give the model broken JSON it cannot parse; re-encoding
// would reorder keys and cost time on answers of several MiB. So jsoncut
// removes whole values from the original bytes and reports what it removed,
// letting the tool tell the model "412 cases, 37 shown".
package jsoncut

import (
	"errors"
	"fmt"
)

// Errors returned by Cut; match them with errors.Is.
var (
	// ErrInvalidJSON means the document is not valid JSON, so there is no
	// structure to cut along.
	ErrInvalidJSON = errors.New("jsoncut: invalid JSON")
	// ErrTooSmall means no valid JSON made from the document fits the budget:
	// the budget cannot hold an empty container, or the document is a single
	// scalar larger than the budget.
	ErrTooSmall = errors.New("jsoncut: budget too small")
)

// Result of cutting a document to a budget.
//
// A tool uses Path, Kept and Total to tell the model precisely what it is
// not seeing ("cases: 37 of 412"), and Prefix and Omitted for the rarer case
// where only a rough cut was possible. Path names members as written in the
// document; a name that is empty, "$", or holds '.', '[' or ']' appears as a
// JSON string in brackets (a["kibana.alert.uuid"].b) so that no two arrays
// share a Path and "" only ever means that no array was trimmed.
type Result struct {
	JSON    []byte // valid JSON, len(JSON) <= max; the original bytes kept verbatim where kept
	Path    string // where elements were dropped: "" when nothing was trimmed by dropping array items; "cases", "data.items", "$" for a top-level array; the dotted member path of the trimmed array
	Kept    int    // array elements kept at Path (when Path != "")
	Total   int    // array elements there were at Path
	Prefix  bool   // true when the fallback prefix cut was used (see below)
	Omitted int    // len(original) - len(JSON) (bytes left out)
}

// Cut returns doc unchanged (Omitted 0) when len(doc) <= max. Otherwise it
// checks that doc is valid JSON and shrinks it to at most max bytes:
//
//  1. It finds the largest non-empty array that is the root or is reached from
//     the root through object members only, at most four members deep, and
//     keeps as many of its leading elements as fit (possibly none). Everything
//     else, such as the counters Kibana puts beside a page of results, stays
//     byte for byte.
//  2. If there is no such array, or the document without any of its elements
//     is still too large, it keeps the longest prefix that ends after a
//     complete element or member (or after an opening bracket) and closes the
//     containers left open. Prefix is then true.
//
// A document that fits is passed through without being validated: the size
// check is what callers need on every answer, and it must cost nothing.
// Leading and trailing whitespace of a document that does not fit is dropped.
//
// The error is ErrInvalidJSON for a document that does not fit and is not
// valid JSON, and ErrTooSmall when max cannot hold even "{}" or "[]", or the
// document is a single scalar longer than max.
func Cut(doc []byte, max int) (Result, error) {
	if len(doc) <= max {
		return Result{JSON: doc}, nil
	}
	lead, body := trimSpace(doc)
	biggest, err := scan(body, lead)
	if err != nil {
		return Result{}, err
	}
	r, err := shrink(body, biggest, max)
	if err != nil {
		return Result{}, err
	}
	r.Omitted = len(doc) - len(r.JSON)
	return r, nil
}

// shrink picks the strategy for a valid, whitespace-trimmed document.
func shrink(body []byte, biggest arraySpan, max int) (Result, error) {
	if len(body) <= max { // only surrounding whitespace was too much
		return Result{JSON: body}, nil
	}
	if biggest.count > 0 {
		if r, ok := trimArray(body, biggest, max); ok {
			return r, nil
		}
	}
	out, err := prefixCut(body, max)
	if err != nil {
		return Result{}, err
	}
	return Result{JSON: out, Prefix: true}, nil
}

// trimArray keeps the first elements of array a and drops the rest with
// their commas. The bytes after the last element (whitespace, the closing
// bracket and the rest of the document) are kept, so the output is the
// original with one contiguous run of elements cut out. ok is false when even
// an empty array leaves the document over budget.
func trimArray(body []byte, a arraySpan, max int) (r Result, ok bool) {
	tail := body[a.lastEnd:]
	limit := max - len(tail) // the kept head body[:cut] may be at most this long
	if a.open+1 > limit {
		return Result{}, false
	}
	cut, kept := keepElements(body, a, limit)
	out := make([]byte, 0, cut+len(tail))
	out = append(out, body[:cut]...)
	out = append(out, tail...)
	return Result{JSON: out, Path: a.path, Kept: kept, Total: a.count}, true
}

// keepElements walks the elements of a from the first one and returns the
// offset just past the last element that ends within limit, and how many
// elements that is. Walking stops at the first element that does not fit, so
// this reads about limit bytes, not the whole array.
func keepElements(body []byte, a arraySpan, limit int) (cut, kept int) {
	cut = a.open + 1
	s := scanner{doc: body}
	i := skipSpace(body, cut)
	for kept < a.count {
		end, err := s.value(i)
		if err != nil || end > limit { // err cannot happen: body was validated
			break
		}
		cut, kept = end, kept+1
		i = skipSpace(body, end) + 1 // past the comma
		i = skipSpace(body, i)
	}
	return cut, kept
}

// prefixCut is the fallback: the longest prefix of body ending at a value
// boundary, followed by the brackets that close what is still open.
func prefixCut(body []byte, max int) ([]byte, error) {
	if c := body[0]; c != '{' && c != '[' {
		return nil, fmt.Errorf("%w: a %d-byte scalar cannot be cut to %d bytes", ErrTooSmall, len(body), max)
	}
	if max < 2 {
		return nil, fmt.Errorf("%w: %d bytes cannot hold an empty container", ErrTooSmall, max)
	}
	cut := lastCutPoint(body, max)
	closers := closersFor(body[:cut])
	out := make([]byte, 0, cut+len(closers))
	out = append(out, body[:cut]...)
	return append(out, closers...), nil
}

// lastCutPoint returns the largest offset p such that body[:p] ends right
// after an opening bracket or a complete element or member value, and p plus
// one closing byte per container open at p is within max. body must be a
// valid container larger than max and max >= 2, so p >= 1.
//
// Cut points only move forward and each adds at most one byte of closers per
// open container, so the scan can stop once the offset alone passes max.
func lastCutPoint(body []byte, max int) int {
	best, depth := 0, 0
	for i := 0; i < len(body) && i <= max; {
		switch c := body[i]; c {
		case ' ', '\t', '\n', '\r', ',', ':':
			i++
			continue
		case '{', '[':
			depth++
			i++
		case '}', ']':
			depth--
			i++
		case '"':
			i = stringEnd(body, i)
			if isMemberName(body, i) {
				continue // never separate a name from its value
			}
		default:
			i = scalarEnd(body, i)
		}
		if i+depth <= max {
			best = i
		}
	}
	return best
}

// closersFor returns the brackets and braces that close, innermost first,
// the containers left open at the end of prefix.
func closersFor(prefix []byte) []byte {
	var open []byte
	for i := 0; i < len(prefix); i++ {
		switch prefix[i] {
		case '"':
			i = stringEnd(prefix, i) - 1
		case '{':
			open = append(open, '}')
		case '[':
			open = append(open, ']')
		case '}', ']':
			open = open[:len(open)-1]
		}
	}
	for l, r := 0, len(open)-1; l < r; l, r = l+1, r-1 {
		open[l], open[r] = open[r], open[l]
	}
	return open
}
