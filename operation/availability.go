package operation

import (
	"fmt"
	"strconv"
	"strings"
)

// Availability says which Kibanas have an API: from which version, until
// which, behind which feature, and whether serverless has it. A toolset
// declares it for its operations; an operation with one of its own
// replaces its toolset's whole.
type Availability struct {
	// Since is the first Kibana version with the API ("8.15.0"); empty
	// means every version this server supports (8.0 on). An API that
	// arrived in two release lines at once names the first of each,
	// separated by "|" ("8.19.0|9.1.0": 9.0 lacks it).
	Since string
	// Until is the first version without it (a removed legacy route);
	// empty when no version removed it.
	Until string
	// Feature is the /api/features id the API belongs to ("fleetv2",
	// "osquery"); alternatives are separated by "|". Kibana renames ids by
	// adding a version suffix (siem, siemV2, siemV3), so an id matches its
	// suffixed successors. Empty: no feature is needed.
	Feature string
	// Serverless reports that serverless projects have the API.
	Serverless bool
}

// KibanaInfo is what the server knows of the Kibana it talks to. The zero
// value is a Kibana not (yet) known: every operation is offered.
type KibanaInfo struct {
	Version    string          // version.number of /api/status; "" when unknown
	Serverless bool            // version.build_flavor is serverless
	Features   map[string]bool // feature ids of /api/features; nil when unknown
}

// Known reports whether anything is known of this Kibana.
func (k KibanaInfo) Known() bool {
	return k.Serverless || k.Features != nil || validVersion(k.Version)
}

// String names the Kibana in explanations: "8.15.2", "serverless".
func (k KibanaInfo) String() string {
	switch {
	case k.Serverless:
		return "serverless"
	case k.Version != "":
		return k.Version
	}
	return "unknown"
}

// Reasons an operation is not available on a Kibana, for counting.
const (
	ReasonVersion    = "version"
	ReasonServerless = "serverless"
	ReasonFeature    = "feature"
)

// Unavailable says why a Kibana like k cannot serve an API of availability
// a: the reason kind (ReasonVersion, …) and a phrase ("arrived in 9.1",
// "removed in 9.0", "not on serverless", "needs the fleetv2 feature").
// ok is true when it can, or when too little is known to tell.
func (a Availability) Unavailable(k KibanaInfo) (kind, why string, ok bool) {
	if k.Serverless {
		if !a.Serverless {
			return ReasonServerless, "not on serverless", false
		}
	} else if validVersion(k.Version) {
		if a.Since != "" && !sinceHolds(k.Version, a.Since) {
			return ReasonVersion, "arrived in " + sincePhrase(a.Since), false
		}
		if a.Until != "" && CompareVersions(k.Version, a.Until) >= 0 {
			return ReasonVersion, "removed in " + ShortVersion(a.Until), false
		}
	}
	if a.Feature != "" && k.Features != nil && !hasFeature(k.Features, a.Feature) {
		return ReasonFeature, "needs the " + strings.ReplaceAll(a.Feature, "|", " or ") + " feature, which this Kibana does not have", false
	}
	return "", "", true
}

// hasFeature matches any of the |-separated ids, or a successor of one
// with a version suffix (siemV2 for siem, dashboard_v2 for dashboard).
func hasFeature(features map[string]bool, want string) bool {
	for _, id := range strings.Split(want, "|") {
		if features[id] {
			return true
		}
		for have := range features {
			rest, ok := strings.CutPrefix(have, id)
			if !ok {
				continue
			}
			rest = strings.TrimPrefix(strings.TrimPrefix(rest, "_"), "V")
			rest = strings.TrimPrefix(rest, "v")
			if _, err := strconv.Atoi(rest); err == nil && rest != "" {
				return true
			}
		}
	}
	return false
}

// AvailabilityOf is op's availability: its own, else its toolset's.
func (c *Catalog) AvailabilityOf(op *Operation) Availability {
	if op.Availability != nil {
		return *op.Availability
	}
	ts, _ := c.Toolset(op.Toolset)
	return ts.Availability
}

// Available reports whether a Kibana like k can serve op, and if not why.
func (c *Catalog) Available(op *Operation, k KibanaInfo) (kind, why string, ok bool) {
	return c.AvailabilityOf(op).Unavailable(k)
}

// parseVersion reads major.minor.patch, ignoring a pre-release or build
// suffix ("9.2.0-SNAPSHOT"); a missing minor or patch is 0.
func parseVersion(v string) ([3]int, bool) {
	// Read by hand: it runs for every tool at start (an unknown version
	// included), where strings.Split and strconv's errors would allocate.
	var out [3]int
	v = strings.TrimPrefix(strings.TrimSpace(v), "v")
	if i := strings.IndexAny(v, "-+"); i >= 0 {
		v = v[:i]
	}
	for i := range out {
		part, rest, more := strings.Cut(v, ".")
		if part == "" || len(part) > 18 {
			return out, false
		}
		for _, c := range []byte(part) {
			if c < '0' || c > '9' {
				return out, false
			}
			out[i] = out[i]*10 + int(c-'0')
		}
		if !more {
			return out, true
		}
		v = rest
	}
	return out, false // more than three parts
}

// ValidVersion reports whether v reads as a Kibana version (9.1.0, 8.15).
func ValidVersion(v string) bool { return validVersion(v) }

func validVersion(v string) bool {
	_, ok := parseVersion(v)
	return ok
}

// CompareVersions compares two Kibana versions: -1, 0 or 1. An unreadable
// version sorts before every readable one.
func CompareVersions(a, b string) int {
	va, oka := parseVersion(a)
	vb, okb := parseVersion(b)
	switch {
	case !oka && !okb:
		return 0
	case !oka:
		return -1
	case !okb:
		return 1
	}
	for i := range va {
		if va[i] != vb[i] {
			if va[i] < vb[i] {
				return -1
			}
			return 1
		}
	}
	return 0
}

// ShortVersion drops a zero patch: "9.1.0" is "9.1".
func ShortVersion(v string) string {
	p, ok := parseVersion(v)
	if !ok {
		return v
	}
	if p[2] == 0 {
		return fmt.Sprintf("%d.%d", p[0], p[1])
	}
	return fmt.Sprintf("%d.%d.%d", p[0], p[1], p[2])
}

// sinceHolds reports whether version v is at or after since, which may
// name the first version of several release lines ("8.19.0|9.1.0"): the
// entry of v's line decides; a line newer than every entry has the API.
func sinceHolds(v, since string) bool {
	entries := strings.Split(since, "|")
	pv, _ := parseVersion(v)
	newest := -1
	for _, e := range entries {
		pe, ok := parseVersion(e)
		if !ok {
			continue
		}
		if pe[0] == pv[0] {
			return CompareVersions(v, e) >= 0
		}
		newest = max(newest, pe[0])
	}
	return pv[0] > newest
}

func sincePhrase(since string) string {
	entries := strings.Split(since, "|")
	for i, e := range entries {
		entries[i] = ShortVersion(e)
	}
	return strings.Join(entries, " and ")
}

// SincePhrase is since as said to a user: "9.1", "8.19 and 9.1".
func SincePhrase(since string) string { return sincePhrase(since) }
