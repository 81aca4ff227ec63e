package toolsearch

import (
	"maps"
	"slices"
)

// People type fast: "isolte", "conector", "exeptions". A word that no tool
// and no lexicon line knows is read, at typoWeight, as the known words one
// slip away from it (a letter left out, added, changed or two swapped)
// after its first: people rarely miss the first letter, and "night" is no
// "right". Short words are left alone: "tom" is a name, not "top". A
// changed letter is only looked for in long words: in short ones it
// mostly makes another word ("older" and "order", "logic" and "login").

// typoWeight is what a known word one slip away counts for.
const typoWeight = 0.7

// minTypoLength is the shortest stem looked at for slips, and
// minChangedLength the shortest looked at for a changed letter.
const (
	minTypoLength    = 5
	minChangedLength = 7
)

// spellings lists the stems a slip may lead to, by first letter and
// length: the index's terms in letters and the lexicon's keys.
type spellings map[spellingKey][]string

type spellingKey struct {
	first  byte
	length int
}

func newSpellings(terms []string) spellings {
	sp := spellings{}
	known := map[string]bool{}
	for _, t := range terms {
		known[t] = true
	}
	for t := range synonyms() {
		known[t] = true
	}
	for t := range senses() {
		known[t] = true
	}
	for _, t := range slices.Sorted(maps.Keys(known)) {
		if len(t) >= minTypoLength && isLetters(t) {
			k := spellingKey{t[0], len(t)}
			sp[k] = append(sp[k], t)
		}
	}
	return sp
}

// near lists the known stems one slip away from s, in sorted order.
func (sp spellings) near(s string) []string {
	if len(s) < minTypoLength || !isLetters(s) {
		return nil
	}
	var out []string
	for n := len(s) - 1; n <= len(s)+1; n++ {
		for _, t := range sp[spellingKey{s[0], n}] {
			if oneSlip(s[1:], t[1:]) {
				out = append(out, t)
			}
		}
	}
	return out
}

// oneSlip reports whether a and b differ by one edit: a letter inserted,
// deleted or changed, or two neighbours swapped.
func oneSlip(a, b string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	i := 0
	for i < len(a) && a[i] == b[i] {
		i++
	}
	switch {
	case i == len(a):
		return len(b)-len(a) == 1
	case len(a) < len(b):
		return len(b)-len(a) == 1 && a[i:] == b[i+1:]
	case a[i+1:] == b[i+1:]:
		// One letter changed; a and b are stems without their first.
		return len(a) >= minChangedLength-1
	}
	return i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:]
}
