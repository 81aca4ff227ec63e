package tools

import "testing"

func TestEveryOperationIsInACataloguedToolset(t *testing.T) {
	for _, op := range All() {
		if _, ok := LookupToolset(op.Toolset); !ok {
			t.Errorf("%s: toolset %q is not in the catalogue", op.Name, op.Toolset)
		}
	}
}
