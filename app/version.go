package app

import "runtime/debug"

// Version is set at link time (-ldflags "-X .../app.Version=v1.2.3", the
// image's build argument). Without it the build info says what was built.
var Version = ""

func version() string {
	bi, _ := debug.ReadBuildInfo()
	return versionFrom(Version, bi)
}

// versionFrom is the version to report: the link-time version when set;
// else the module version (go install …@v1.2.3); else the VCS revision and
// commit time of a local build, "+dirty" when the tree had changes; "dev"
// only when nothing is known.
func versionFrom(linked string, bi *debug.BuildInfo) string {
	if linked != "" {
		return linked
	}
	if bi == nil {
		return "dev"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev, at string
	var dirty bool
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return "dev"
	}
	v := "dev-" + rev[:min(12, len(rev))]
	if dirty {
		v += "+dirty"
	}
	if at != "" {
		v += " (" + at + ")"
	}
	return v
}
