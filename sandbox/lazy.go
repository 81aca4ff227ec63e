package sandbox

import (
	"regexp"
	"sync"
)

// lazyRegexp compiles a pattern on first use. The sandbox is linked into
// the server but off unless asked for, so its package-level state must
// cost nothing at start-up.
func lazyRegexp(pattern string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(pattern) })
}
