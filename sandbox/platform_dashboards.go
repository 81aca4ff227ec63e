package sandbox

import (
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"time"
)

// The dashboards list (technical preview): a space's dashboards with their
// titles, descriptions and the references their panels hold to data views
// (which swap_references moves). Only listing is served.

// savedDashboards holds a space's dashboards.
type savedDashboards struct {
	list []*savedDashboard
}

// savedDashboard is one dashboard saved object.
type savedDashboard struct {
	id, title, description string
	timeRestore            bool
	references             []savedReference
	createdAt, updatedAt   string
	createdBy, updatedBy   string
	version                int
}

// savedReference is a saved object's reference to another.
type savedReference struct{ typ, id, name string }

func (st *savedDashboards) byID(id string) *savedDashboard {
	for _, d := range st.list {
		if d.id == id {
			return d
		}
	}
	return nil
}

func (st *savedDashboards) remove(id string) bool {
	n := len(st.list)
	st.list = slices.DeleteFunc(st.list, func(d *savedDashboard) bool { return d.id == id })
	return len(st.list) < n
}

func (d *savedDashboard) refersTo(typ, id string) bool {
	return slices.ContainsFunc(d.references, func(r savedReference) bool { return r.typ == typ && r.id == id })
}

func (k *Kibana) dashboardsRoutes() []route {
	return []route{newRoute(http.MethodGet, "/api/dashboards/dashboard", k.findDashboards)}
}

// dashboardItem is a dashboard as the list answers it.
func dashboardItem(spaceID string, d *savedDashboard) map[string]any {
	refs := make([]any, 0, len(d.references))
	for _, r := range d.references {
		refs = append(refs, map[string]any{"id": r.id, "name": r.name, "type": r.typ})
	}
	return map[string]any{
		"id":         d.id,
		"type":       "dashboard",
		"attributes": map[string]any{"title": d.title, "description": d.description, "timeRestore": d.timeRestore},
		"references": refs,
		"namespaces": []any{spaceID},
		"managed":    false,
		"createdAt":  d.createdAt,
		"createdBy":  d.createdBy,
		"updatedAt":  d.updatedAt,
		"updatedBy":  d.updatedBy,
		"version":    dvVersion(d.version),
	}
}

func (k *Kibana) findDashboards(c *call) {
	page, ok := platQueryNumber(c, "page", 1, 1, 0)
	if !ok {
		return
	}
	perPage, ok := platQueryNumber(c, "perPage", 20, 1, 1000)
	if !ok {
		return
	}
	list := slices.Clone(c.space.platform.dashboards.list)
	slices.SortStableFunc(list, func(a, b *savedDashboard) int {
		return strings.Compare(strings.ToLower(a.title), strings.ToLower(b.title))
	})
	from, to := platPage(len(list), page, perPage)
	items := make([]any, 0, to-from)
	for _, d := range list[from:to] {
		items = append(items, dashboardItem(c.spaceID, d))
	}
	c.ok(map[string]any{"items": items, "total": len(list)})
}

// seedDashboards gives a space its dashboards, referring to the space's
// seeded data views.
func (k *Kibana) seedDashboards(sp *space, rng *rand.Rand) {
	views := sp.platform.dataViews
	var alertsView string
	for _, id := range views.order {
		if strings.HasPrefix(views.byID[id].title, ".alerts-security.alerts-") {
			alertsView = id
		}
	}
	now := k.cfg.Now().UTC()
	ref := func(viewID string, panel int) savedReference {
		return savedReference{typ: "index-pattern", id: viewID, name: "panel_" + string(rune('0'+panel)) + ":kibanaSavedObjectMeta.searchSourceJSON.index"}
	}
	type seed struct {
		id, title, description string
		timeRestore            bool
		refs                   []savedReference
	}
	seeds := []seed{
		{k.newID(), "SOC overview", "Open alerts by severity and rule, cases and top hosts.", true, []savedReference{ref(alertsView, 1), ref(alertsView, 2), ref("logs-*", 3)}},
		{k.newID(), "Fleet health", "Agents by status and policy, ingest rates by data stream.", false, []savedReference{ref("logs-*", 1), ref("metrics-*", 2)}},
		{k.newID(), "APM services", "Latency, throughput and errors of checkout, frontend and payments.", true, []savedReference{ref("metrics-*", 1)}},
		{"edf84fe0-e1a0-11e7-b6d5-4dc382ef7f5b", "[Logs] Web Traffic", "Analyze mock web traffic log data for Elastic's website", false, []savedReference{ref("90943e30-9a47-11e8-b64d-95841ca0b247", 1), ref("90943e30-9a47-11e8-b64d-95841ca0b247", 2)}},
	}
	if sp.id == "soc" {
		seeds = append(seeds, seed{k.newID(), "Threat hunting", "Rare processes, encoded commands and DNS outliers.", false, []savedReference{ref("logs-*", 1), ref(alertsView, 2)}})
	}
	for _, s := range seeds {
		created := now.Add(-time.Duration(20+rng.IntN(40)) * 24 * time.Hour)
		updated := created.Add(time.Duration(rng.IntN(15*24)) * time.Hour)
		by := []string{"elastic", "soc_lead", "analyst"}[rng.IntN(3)]
		sp.platform.dashboards.list = append(sp.platform.dashboards.list, &savedDashboard{
			id: s.id, title: s.title, description: s.description, timeRestore: s.timeRestore, references: s.refs,
			createdAt: kibanaTimestamp(created), updatedAt: kibanaTimestamp(updated), createdBy: "elastic", updatedBy: by,
			version: 1 + rng.IntN(6),
		})
	}
}
