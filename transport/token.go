package transport

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strings"
)

// MinTokenLength is the shortest HTTP token accepted beyond loopback. 32
// characters of base64url or hex carry 128 to 192 bits, out of reach of
// guessing over the network; a person typing a memorable word does not
// get there by accident.
const MinTokenLength = 32

// minTokenVariety is how many different characters a token beyond loopback
// must use. A random token of 32 characters or more, even from the 16 hex
// digits, has fewer than 8 different ones with a probability below one in
// ten million; a token made by hand ("aaaaaaab…", "1212…") usually does.
const minTokenVariety = 8

// NewToken returns a fresh random HTTP token: 32 bytes (256 bits) from
// crypto/rand in unpadded base64url, 43 characters that need no quoting in
// a shell, an environment variable or a header.
func NewToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("reading random bytes: %v", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// placeholderPrefixes and placeholderWords mark tokens copied from an
// example or a manifest instead of generated (compared lower-case).
var (
	placeholderPrefixes = []string{"replace", "change"}
	placeholderWords    = []string{"changeme", "example", "placeholder", "your-token", "yourtoken", "your_token", "token-here", "tokenhere"}
)

// weakToken says why token is too weak to guard a server reachable from
// other machines, or "" when it is fine. The reason never holds the token
// itself, only its length or, for a placeholder, the marker found in it
// (placeholders are published text, not secrets): the reason is printed
// and logged.
func weakToken(token string) string {
	lower := strings.ToLower(token)
	for _, p := range placeholderPrefixes {
		if strings.HasPrefix(lower, p) {
			// A few characters more than the marker show which
			// placeholder it is (REPLACE-WITH-…) and no more.
			return fmt.Sprintf("the HTTP token looks like a placeholder (%q); set a real random one (kibana-mcp token)", shorten(token, len(p)+6))
		}
	}
	for _, w := range placeholderWords {
		if strings.Contains(lower, w) {
			return fmt.Sprintf("the HTTP token looks like a placeholder (it contains %q); set a real random one (kibana-mcp token)", w)
		}
	}
	if n := len(token); n < MinTokenLength {
		return fmt.Sprintf("the HTTP token is %d character%s long; beyond loopback it must be at least %d (run \"kibana-mcp token\" for one)", n, plural(n), MinTokenLength)
	}
	if p := period(token); p == 1 {
		return "the HTTP token is one character repeated; set a real random one (kibana-mcp token)"
	} else if p > 0 {
		return fmt.Sprintf("the HTTP token is a %d-character pattern repeated; set a real random one (kibana-mcp token)", p)
	}
	if n := distinct(token); n < minTokenVariety {
		return fmt.Sprintf("the HTTP token uses only %d different characters; beyond loopback it must use at least %d (kibana-mcp token)", n, minTokenVariety)
	}
	if isRun(token) {
		return "the HTTP token is mostly a run of consecutive characters (abcd…, 1234…); set a real random one (kibana-mcp token)"
	}
	return ""
}

// period is the length of the shortest piece that, repeated, makes s
// ("abcabcabc" → 3), when it is at most half of s; otherwise 0. The
// last repetition may be cut short.
func period(s string) int {
	for p := 1; p <= len(s)/2; p++ {
		if s[p:] == s[:len(s)-p] {
			return p
		}
	}
	return 0
}

func distinct(s string) int {
	var seen [256]bool
	n := 0
	for i := 0; i < len(s); i++ {
		if !seen[s[i]] {
			seen[s[i]] = true
			n++
		}
	}
	return n
}

// isRun reports a token in which most neighbours differ by one step up or
// down ("abcdefgh…", "98765…", "qrstuvwx01234567…"): typed, not random. A
// random token has such a pair about once in 30 characters.
func isRun(s string) bool {
	steps := 0
	for i := 1; i < len(s); i++ {
		if d := int(s[i]) - int(s[i-1]); d == 1 || d == -1 {
			steps++
		}
	}
	return steps*2 >= len(s)-1
}

// shorten keeps the first n bytes of a printable ASCII string, marking the
// cut.
func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
