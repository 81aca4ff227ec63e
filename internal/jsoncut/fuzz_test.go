package jsoncut

import (
	"encoding/json"
	"errors"
	"testing"
)

func FuzzCut(f *testing.F) {
	for _, tc := range cutCases {
		f.Add([]byte(tc.doc), tc.max)
	}
	f.Fuzz(func(t *testing.T, doc []byte, max int) {
		max = interestingBudget(max, len(doc))
		r, err := Cut(doc, max)
		checkResult(t, doc, max, r, err)

		// With a negative budget nothing fits, so Cut must validate: it has
		// to agree with json.Valid on every input.
		_, err = Cut(doc, -1)
		if errors.Is(err, ErrInvalidJSON) == json.Valid(doc) {
			t.Fatalf("json.Valid=%v but Cut(doc, -1) err=%v for %q", json.Valid(doc), err, doc)
		}
	})
}

// interestingBudget folds the fuzzer's budgets, which are mostly huge or
// negative, into the range where cutting happens, keeping those near it.
func interestingBudget(max, size int) int {
	if max >= -2 && max <= size+2 {
		return max
	}
	return int(uint(max) % uint(size+3))
}
