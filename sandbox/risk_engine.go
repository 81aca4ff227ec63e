package sandbox

import (
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kibana-mcp/kibana-mcp/sandbox/es"
)

// The risk score engine: it scores every host and user named by the
// space's detection alerts, the way Kibana's engine does in outline
// (alerts of the last 30 days that are not closed, higher risks weighing
// more, each next alert less, then the entity's asset criticality as a
// modifier). Scores live in the space's state; runs happen only when asked
// (schedule_now), not hourly. Deleting the data uninstalls the engine, and
// no public route installs it again (Kibana does that from its UI).

// riskEngineState is the engine of one space; the zero value is installed
// with Kibana's default settings and no scores.
type riskEngineState struct {
	removed  bool // dangerously_delete_data ran
	settings riskSettings
	scores   []map[string]any // EntityRiskScoreRecord documents, riskiest first
	lastRun  string
}

// riskSettings is what configure stores; the zero value is Kibana's
// default (closed alerts left out, last 30 days, scores reset to zero).
type riskSettings struct {
	keepResidual    bool // enable_reset_to_zero: false
	statusesSet     bool // exclude_alert_statuses was given
	excludeStatuses []string
	excludeTags     []string
	filters         []riskFilter
	start, end      string
}

type riskFilter struct {
	entityTypes []string
	kql         string
	clause      any // the filter's query; nil matches every alert
}

// riskNormMax is the largest raw score the weighted sum can reach (the
// alerts' risks are at most 100, weighted 1/n^1.5), which maps to 100.
const riskNormMax = 261.2

// criticalityModifiers are the factors asset criticality applies.
var criticalityModifiers = map[string]float64{"low_impact": 0.5, "medium_impact": 1, "high_impact": 1.5, "extreme_impact": 2}

// riskScoreOf is the entity's latest risk score record, nil when unscored
// (for the entity store and host investigations).
func (sp *space) riskScoreOf(idField, idValue string) map[string]any {
	for _, s := range sp.assetCrit.risk.scores {
		if s["id_field"] == idField && s["id_value"] == idValue {
			return s
		}
	}
	return nil
}

func (k *Kibana) riskEngineRoutes() []route {
	return []route{
		newRoute(http.MethodPost, "/api/risk_score/engine/schedule_now", k.riskEngineScheduleNow),
		newRoute(http.MethodPatch, "/api/risk_score/engine/saved_object/configure", k.configureRiskEngine),
		newRoute(http.MethodDelete, "/api/risk_score/engine/dangerously_delete_data", k.cleanUpRiskEngine),
	}
}

// riskEngineMissing answers the error of a space whose engine was removed.
func riskEngineMissing(c *call) bool {
	if !c.space.assetCrit.risk.removed {
		return false
	}
	siemError(c, http.StatusBadRequest, "The risk engine is not installed: turn it on from the Entity Risk Score page before running or configuring it.")
	return true
}

func (k *Kibana) riskEngineScheduleNow(c *call) {
	if riskEngineMissing(c) {
		return
	}
	st := &c.space.assetCrit.risk
	now := k.cfg.Now().UTC()
	st.lastRun = now.Format(es.DateFormat)
	st.scores = scoreRisk(c.space, &st.settings, now)
	c.ok(map[string]any{"success": true})
}

func (k *Kibana) configureRiskEngine(c *call) {
	z, body := zodBody(c)
	if body == nil {
		return
	}
	next := c.space.assetCrit.risk.settings
	if v, given := body["enable_reset_to_zero"]; given {
		if b, isBool := v.(bool); isBool {
			next.keepResidual = !b
		} else {
			z.add("enable_reset_to_zero", "Expected boolean, received %s", zodType(v))
		}
	}
	if list, ok := z.stringList(body, "", "exclude_alert_statuses", false, 0, false); ok {
		next.statusesSet, next.excludeStatuses = true, list
	}
	if list, ok := z.stringList(body, "", "exclude_alert_tags", false, 0, false); ok {
		next.excludeTags = list
	}
	if raw, given := body["filters"]; given {
		next.filters = riskFilters(z, raw)
	}
	if rng, ok := z.object(body, "range", false); ok {
		now := k.cfg.Now()
		for _, key := range []string{"start", "end"} {
			s, given := zodString(z, rng, key, false, false)
			if !given {
				continue
			}
			if _, valid := dateMath(s, now, key == "end"); !valid {
				z.add("range."+key, "%q is not a date or date math (e.g. now-30d)", s)
				continue
			}
			if key == "start" {
				next.start = s
			} else {
				next.end = s
			}
		}
	}
	if z.answer(c) || riskEngineMissing(c) {
		return
	}
	c.space.assetCrit.risk.settings = next
	c.ok(map[string]any{"risk_engine_saved_object_configured": true})
}

// riskFilters reads the filters member: each a KQL filter over alerts that
// scores of the named entity types count.
func riskFilters(z *zod, raw any) []riskFilter {
	list, isList := raw.([]any)
	if !isList {
		z.add("filters", "Expected array, received %s", zodType(raw))
		return nil
	}
	out := []riskFilter{}
	for i, e := range list {
		at := fmt.Sprintf("filters.%d", i)
		m, isObj := e.(map[string]any)
		if !isObj {
			z.add(at, "Expected object, received %s", zodType(e))
			continue
		}
		sub := &zod{}
		types, _ := sub.stringList(m, "", "entity_types", true, 0, false)
		for j, typ := range types {
			if !slices.Contains([]string{"host", "user", "service"}, typ) {
				sub.add(fmt.Sprintf("entity_types.%d", j), "%s", epZodEnum([]string{"host", "user", "service"}, typ))
			}
		}
		kql, given := zodString(sub, m, "filter", true, false)
		var clause any
		if given {
			var err error
			if clause, err = es.KQL(kql, es.KQLOptions{}); err != nil {
				sub.add("filter", "%s", strings.ReplaceAll(err.Error(), "\n", " "))
			}
		}
		for _, issue := range sub.issues {
			z.issues = append(z.issues, at+"."+issue)
		}
		out = append(out, riskFilter{entityTypes: types, kql: kql, clause: clause})
	}
	return out
}

func (k *Kibana) cleanUpRiskEngine(c *call) {
	c.space.assetCrit.risk = riskEngineState{removed: true}
	c.ok(map[string]any{"cleanup_successful": true})
}

// riskInput is one alert counted towards an entity's score.
type riskInput struct {
	id, index, rule, at string
	risk                float64
}

// scoreRisk computes the space's risk scores at now from its alerts and
// asset criticality records, riskiest entity first.
func scoreRisk(sp *space, s *riskSettings, now time.Time) []map[string]any {
	start, end := now.AddDate(0, 0, -30), now
	if t, ok := dateMath(s.start, now, false); ok && s.start != "" {
		start = t
	}
	if t, ok := dateMath(s.end, now, true); ok && s.end != "" {
		end = t
	}
	excluded := s.excludeStatuses
	if !s.statusesSet {
		excluded = []string{"closed"}
	}
	type entity struct{ field, value string }
	inputs := map[entity][]riskInput{}
	if ix := sp.alerts.index; ix != nil {
		passes := riskFilterMatches(ix, s.filters, now)
		for _, d := range ix.Docs {
			flat := flattenText(d.Source)
			first := func(f string) string {
				if v := flat[f]; len(v) > 0 {
					return v[0]
				}
				return ""
			}
			at, ok := parseDate(first("@timestamp"))
			if !ok || at.Before(start) || at.After(end) || slices.Contains(excluded, first("kibana.alert.workflow_status")) {
				continue
			}
			if slices.ContainsFunc(flat["kibana.alert.workflow_tags"], func(t string) bool { return slices.Contains(s.excludeTags, t) }) {
				continue
			}
			risk, _ := strconv.ParseFloat(first("kibana.alert.risk_score"), 64)
			in := riskInput{id: d.ID, index: ix.Name, rule: first("kibana.alert.rule.name"), at: first("@timestamp"), risk: risk}
			for _, typ := range []string{"host", "user"} {
				name := first(typ + ".name")
				if name == "" || !passes(typ, d) {
					continue
				}
				key := entity{typ + ".name", name}
				inputs[key] = append(inputs[key], in)
			}
		}
	}
	at := now.Format(es.DateFormat)
	var out []map[string]any
	scored := map[entity]bool{}
	for e, list := range inputs {
		scored[e] = true
		out = append(out, riskRecord(sp, e.field, e.value, list, at))
	}
	// Entities scored before but without alerts now: reset to zero, or
	// keep their last score when residual scores are retained.
	for _, prev := range sp.assetCrit.risk.scores {
		e := entity{prev["id_field"].(string), prev["id_value"].(string)}
		if scored[e] {
			continue
		}
		if s.keepResidual {
			out = append(out, prev)
		} else {
			out = append(out, riskRecord(sp, e.field, e.value, nil, at))
		}
	}
	slices.SortFunc(out, func(a, b map[string]any) int {
		if n := -riskCompare(a["calculated_score_norm"].(float64), b["calculated_score_norm"].(float64)); n != 0 {
			return n
		}
		return strings.Compare(a["id_field"].(string)+a["id_value"].(string), b["id_field"].(string)+b["id_value"].(string))
	})
	return out
}

// riskFilterMatches searches the alerts index with each filter and
// reports whether an alert counts for an entity type: it must match every
// filter given for that type. A filter the search refuses (a value its
// field's type cannot hold) matches no alert.
func riskFilterMatches(ix *es.Index, filters []riskFilter, now time.Time) func(typ string, d *es.Doc) bool {
	matched := make([]map[*es.Doc]bool, len(filters))
	for i, f := range filters {
		if f.clause == nil {
			continue
		}
		matched[i] = map[*es.Doc]bool{}
		docs, _ := ix.Matching(f.clause, now)
		for _, d := range docs {
			matched[i][d] = true
		}
	}
	return func(typ string, d *es.Doc) bool {
		for i, f := range filters {
			if matched[i] != nil && slices.Contains(f.entityTypes, typ) && !matched[i][d] {
				return false
			}
		}
		return true
	}
}

func riskCompare(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// riskRecord scores one entity from its alerts.
func riskRecord(sp *space, idField, idValue string, inputs []riskInput, at string) map[string]any {
	slices.SortFunc(inputs, func(a, b riskInput) int {
		if n := -riskCompare(a.risk, b.risk); n != 0 {
			return n
		}
		return -strings.Compare(a.at, b.at)
	})
	raw := 0.0
	shown := []map[string]any{}
	for i, in := range inputs {
		contribution := in.risk / math.Pow(float64(i+1), 1.5)
		raw += contribution
		if i < 10 {
			shown = append(shown, map[string]any{
				"id": in.id, "index": in.index, "category": "category_1", "description": "Alert from Rule: " + in.rule,
				"risk_score": in.risk, "timestamp": in.at, "contribution_score": riskRound(100 * contribution / riskNormMax),
			})
		}
	}
	norm := math.Min(100, 100*raw/riskNormMax)
	category1 := norm
	rec := map[string]any{
		"@timestamp": at, "id_field": idField, "id_value": idValue,
		"category_1_score": riskRound(category1), "category_1_count": len(inputs), "inputs": shown, "notes": []any{},
	}
	if level := sp.criticalityOf(idField, idValue); level != "" {
		modifier := criticalityModifiers[level]
		rec["criticality_level"], rec["criticality_modifier"] = level, modifier
		if norm > 0 && norm < 100 {
			prior := norm / (100 - norm) * modifier
			norm = 100 * prior / (1 + prior)
		}
	}
	rec["calculated_score"] = riskRound(raw)
	rec["calculated_score_norm"] = riskRound(norm)
	rec["calculated_level"] = riskLevel(norm)
	return rec
}

// riskLevel names a normalised score as Kibana's engine does.
func riskLevel(norm float64) string {
	switch {
	case norm >= 90:
		return "Critical"
	case norm >= 70:
		return "High"
	case norm >= 40:
		return "Moderate"
	case norm >= 20:
		return "Low"
	}
	return "Unknown"
}

func riskRound(f float64) float64 { return math.Round(f*100) / 100 }
