package tools

import (
	"regexp"
	"sync"
)

// lazyRegexp compiles pattern on first use: compiling every pattern of the
// catalogue at package initialisation would hold up every start, the
// commands that never check an argument included.
func lazyRegexp(pattern string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(pattern) })
}
