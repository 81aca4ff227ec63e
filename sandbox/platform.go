package sandbox

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
)

// The platform areas: spaces (platform_spaces.go), roles
// (platform_roles.go), data views (platform_dataviews.go), APM
// (platform_apm.go) and the dashboards list (platform_dashboards.go).
//
// Spaces and roles are Kibana-wide: the spaces API answers the same under
// every /s/{space} prefix, and roles live in the default space's state
// (the default space cannot be deleted). Everything else is kept per space,
// and a new space starts with none of it.

// platformState holds a space's platform data; every part works from its
// zero value, as a space created through the spaces API has nothing.
type platformState struct {
	meta       spaceMeta
	roles      rolesState // used on the default space only: roles are Kibana-wide
	dataViews  dataViewsState
	dashboards savedDashboards
	apm        apmState
}

func (k *Kibana) platformRoutes() []route {
	var all []route
	for _, area := range [][]route{k.spacesRoutes(), k.rolesRoutes(), k.dataViewsRoutes(), k.apmRoutes(), k.dashboardsRoutes()} {
		all = append(all, area...)
	}
	return all
}

// seedPlatform seeds a space's data views, dashboards (which refer to
// them) and APM data; the default space also gets the Kibana-wide roles.
func (k *Kibana) seedPlatform(sp *space, rng *rand.Rand) {
	k.seedSpaceMeta(sp)
	if sp.id == "default" {
		k.seedRoles(&sp.platform.roles)
	}
	k.seedDataViews(sp, rng)
	k.seedDashboards(sp, rng)
	k.seedAPM(sp, rng)
}

// okEmpty answers 200 without a body, as Kibana's res.ok() does.
func okEmpty(c *call) {
	c.answered = true
	c.w.WriteHeader(http.StatusOK)
}

// platQueryBool reads a boolean query parameter as config-schema does;
// ok is false when the call was answered with a 400.
func platQueryBool(c *call, name string) (value, ok bool) {
	s := c.query(name)
	switch s {
	case "":
		return false, true
	case "true":
		return true, true
	case "false":
		return false, true
	}
	c.badRequest(fmt.Sprintf("[request query.%s]: expected value of type [boolean] but got [string]", name))
	return false, false
}

// platQueryNumber reads a number query parameter within [min, max] (max 0:
// unbounded) as config-schema does; ok is false when the call was answered.
func platQueryNumber(c *call, name string, def, min, max int) (int, bool) {
	s := c.query(name)
	if s == "" {
		return def, true
	}
	n, err := strconv.Atoi(s)
	switch {
	case err != nil:
		c.badRequest(fmt.Sprintf("[request query.%s]: expected value of type [number] but got [string]", name))
	case n < min:
		c.badRequest(fmt.Sprintf("[request query.%s]: Value must be equal to or greater than [%d].", name, min))
	case max > 0 && n > max:
		c.badRequest(fmt.Sprintf("[request query.%s]: Value must be equal to or lower than [%d].", name, max))
	default:
		return n, true
	}
	return 0, false
}

// platMinLen is config-schema's minLength rule.
func platMinLen(n int) func(any) string {
	return func(v any) string {
		if s, _ := v.(string); len([]rune(s)) < n {
			return fmt.Sprintf("value has length [%d] but it must have a minimum length of [%d].", len([]rune(s)), n)
		}
		return ""
	}
}

// platMinItems is config-schema's minSize rule for arrays.
func platMinItems(n int) func(any) string {
	return func(v any) string {
		if list, _ := v.([]any); len(list) < n {
			return fmt.Sprintf("array size is [%d], but cannot be smaller than [%d]", len(list), n)
		}
		return ""
	}
}

// platPage cuts one page out of n items: the [from, to) bounds.
func platPage(n, page, perPage int) (from, to int) {
	from = min((page-1)*perPage, n)
	return from, min(from+perPage, n)
}

// platStrings reads a JSON array of strings (already checked).
func platStrings(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, e := range list {
		s, _ := e.(string)
		out = append(out, s)
	}
	return out
}
