package prompts

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
)

// toolRef is how a plan names a tool: in backticks, and backticks are used
// for nothing else. The plan reads its own text for these names, so a step
// cannot name a tool without being checked against what is served.
var toolRef = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile("`([a-z0-9_]+)`") })

// plan builds a prompt text: a header, then numbered steps.
type plan struct {
	served func(string) bool
	head   []string
	steps  []string
}

// intro adds a header line.
func (p *plan) intro(format string, a ...any) {
	p.head = append(p.head, fmt.Sprintf(format, a...))
}

// space adds the header line that keeps every call in the user's space.
func (p *plan) space(id string) {
	if id != "" {
		p.intro("Pass space_id %q to every tool.", id)
	}
}

// step adds the first alternative whose tools are all served, and nothing
// when none is. Alternatives go from the best plan to the one that is always
// possible (often a step naming no tool, e.g. "tell me what to change").
func (p *plan) step(alternatives ...string) {
	for _, s := range alternatives {
		if p.reaches(s) {
			p.steps = append(p.steps, s)
			return
		}
	}
}

func (p *plan) reaches(text string) bool {
	for _, m := range toolRef().FindAllStringSubmatch(text, -1) {
		if !p.served(m[1]) {
			return false
		}
	}
	return true
}

// String numbers the steps after the left-out ones are gone, so the model
// sees 1, 2, 3 whatever was served.
func (p *plan) String() string {
	var b strings.Builder
	b.WriteString(strings.Join(p.head, " "))
	b.WriteString("\n")
	for i, s := range p.steps {
		fmt.Fprintf(&b, "\n%d. %s", i+1, s)
	}
	return b.String()
}

// pick returns the first alternative whose tools are all served, or "": for
// parts of a sentence whose whole is chosen later.
func (p *plan) pick(alternatives ...string) string {
	for _, s := range alternatives {
		if p.reaches(s) {
			return s
		}
	}
	return ""
}

// nonEmpty drops the parts pick found no tool for.
func nonEmpty(parts ...string) []string {
	var out []string
	for _, s := range parts {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}
