package app

import (
	"runtime/debug"
	"testing"
)

// TestVersionFrom: --version is true for every way of building.
func TestVersionFrom(t *testing.T) {
	vcs := func(settings ...string) *debug.BuildInfo {
		bi := &debug.BuildInfo{Main: debug.Module{Path: "github.com/kibana-mcp/kibana-mcp", Version: "(devel)"}}
		for i := 0; i+1 < len(settings); i += 2 {
			bi.Settings = append(bi.Settings, debug.BuildSetting{Key: settings[i], Value: settings[i+1]})
		}
		return bi
	}
	installed := vcs()
	installed.Main.Version = "v1.4.0"
	for _, c := range []struct {
		name   string
		linked string
		bi     *debug.BuildInfo
		want   string
	}{
		{"image build arg", "v1.5.0", installed, "v1.5.0"},
		{"go install @version", "", installed, "v1.4.0"},
		{"local build", "", vcs("vcs", "git", "vcs.revision", "0123456789abcdef0123", "vcs.time", "2026-12-01T10:00:00Z", "vcs.modified", "false"), "dev-0123456789ab (2026-12-01T10:00:00Z)"},
		{"local build with changes", "", vcs("vcs.revision", "0123456789abcdef0123", "vcs.time", "2026-12-01T10:00:00Z", "vcs.modified", "true"), "dev-0123456789ab+dirty (2026-12-01T10:00:00Z)"},
		{"-buildvcs=false", "", vcs(), "dev"},
		{"no build info", "", nil, "dev"},
	} {
		if got := versionFrom(c.linked, c.bi); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}
