package tools

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/kibana-mcp/kibana-mcp/operation"
	"github.com/kibana-mcp/kibana-mcp/schema"
)

// The SLO API: service-level objectives over an indicator (an APM
// service's availability or latency, a KQL ratio, custom metrics, a
// histogram or timeslices of a metric), a time window and a budgeting
// method. Kibana keeps a summary per SLO (and per instance, when grouped):
// the SLI value, the error budget consumed and remaining, and a status
// (HEALTHY, DEGRADING, VIOLATED, NO_DATA). Reading them is everyday work;
// defining, resetting and deleting them is not (Admin).
var sloOperations = []*operation.Operation{
	{
		Name:        "find_slos",
		Title:       "Find SLOs",
		Description: "List SLOs (one row per instance when grouped) with their summary: SLI value, error budget consumed/remaining, status HEALTHY, DEGRADING, VIOLATED or NO_DATA.",
		Toolset:     "slos",
		Method:      http.MethodGet,
		Path:        "/api/observability/slos",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       FindSLOsInput{},
		Examples: []string{
			`{}`,
			`{"kqlQuery":"status: VIOLATED or status: DEGRADING","sortBy":"error_budget_remaining","sortDirection":"asc","page":1,"perPage":10,"space_id":"soc"}`,
		},
	},
	{
		Name:        "get_slo",
		Title:       "Get SLO",
		Description: "Read one SLO: its definition and summary (for one instance with instanceId).",
		Toolset:     "slos",
		Method:      http.MethodGet,
		Path:        "/api/observability/slos/{sloId}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       GetSLOInput{},
		Examples: []string{
			`{"sloId":"` + sandboxSLOID + `"}`,
			`{"sloId":"` + sandboxGroupedSLOID + `","instanceId":"web-03"}`,
		},
	},
	{
		Name:        "create_slo",
		Title:       "Create SLO",
		Description: "Define an SLO: what it measures (indicator), over which window, its target. Answers its id.",
		Toolset:     "slos",
		Method:      http.MethodPost,
		Path:        "/api/observability/slos",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Admin:       true,
		Input:       CreateSLOInput{},
		Examples: []string{
			`{"name":"Checkout availability","description":"Share of checkout requests that succeed.","indicator":{"type":"sli.apm.transactionErrorRate","params":{"service":"checkout","environment":"production","transactionType":"request","transactionName":"POST /api/checkout","index":"metrics-apm*,apm-*"}},"timeWindow":{"duration":"30d","type":"rolling"},"budgetingMethod":"occurrences","objective":{"target":0.995}}`,
			`{"id":"portal-login-latency","name":"Portal login latency","description":"Logins answered within 500 ms, per host.","indicator":{"type":"sli.kql.custom","params":{"index":"logs-nginx.access-*","timestampField":"@timestamp","good":"http.response.status_code < 500 and event.duration < 500000000","total":"url.path: \"/login\"","filter":"service.name: portal"}},"timeWindow":{"duration":"1w","type":"calendarAligned"},"budgetingMethod":"timeslices","objective":{"target":0.99,"timesliceTarget":0.95,"timesliceWindow":"5m"},"groupBy":["host.name"],"tags":["portal","latency"],"settings":{"syncDelay":"2m","frequency":"1m"},"space_id":"soc"}`,
		},
	},
	{
		Name:        "update_slo",
		Title:       "Update SLO",
		Description: "Change an SLO's definition; given members replace the stored ones, others stay. Changing the indicator, window or objective recomputes its history.",
		Toolset:     "slos",
		Method:      http.MethodPut,
		Path:        "/api/observability/slos/{sloId}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Overwrites:  true,
		Admin:       true,
		Input:       UpdateSLOInput{},
		Examples: []string{
			`{"sloId":"` + sandboxSLOID + `","objective":{"target":0.99}}`,
			`{"sloId":"` + sandboxSLOID + `","name":"VPN gateway availability","description":"Successful VPN logins and tunnel checks on vpn-gw-01.","tags":["network","vpn"],"timeWindow":{"duration":"30d","type":"rolling"},"budgetingMethod":"occurrences"}`,
		},
	},
	{
		Name:        "delete_slo",
		Title:       "Delete SLO",
		Description: "Delete an SLO with its history and summaries. Cannot be undone; disable_slo keeps it.",
		Toolset:     "slos",
		Method:      http.MethodDelete,
		Path:        "/api/observability/slos/{sloId}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Deletes,
		Admin:       true,
		Input:       SLOIDInput{},
		Examples:    []string{`{"sloId":"` + sandboxSLOID + `"}`},
	},
	{
		Name:        "reset_slo",
		Title:       "Reset SLO",
		Description: "Drop an SLO's computed history and summaries and start them again from now (after a fix, or an upgrade left it outdated).",
		Toolset:     "slos",
		Method:      http.MethodPost,
		Path:        "/api/observability/slos/{sloId}/_reset",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Overwrites:  true,
		Admin:       true,
		Input:       SLOIDInput{},
		Examples:    []string{`{"sloId":"` + sandboxSLOID + `"}`},
	},
	{
		Name:        "enable_slo",
		Title:       "Enable SLO",
		Description: "Resume computing a disabled SLO.",
		Toolset:     "slos",
		Method:      http.MethodPost,
		Path:        "/api/observability/slos/{sloId}/enable",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Admin:       true,
		Input:       SLOIDInput{},
		Examples:    []string{`{"sloId":"` + sandboxSLOID + `"}`},
	},
	{
		Name:        "disable_slo",
		Title:       "Disable SLO",
		Description: "Stop computing an SLO; its summary stays as it was, and enable_slo resumes it.",
		Toolset:     "slos",
		Method:      http.MethodPost,
		Path:        "/api/observability/slos/{sloId}/disable",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Admin:       true,
		Input:       SLOIDInput{},
		Examples:    []string{`{"sloId":"` + sandboxSLOID + `"}`},
	},
	{
		Name:         "bulk_delete_slos",
		Availability: sloBulkDeleteAvailability,
		Title:        "Bulk delete SLOs",
		Description:  "Delete several SLOs in the background; answers a taskId for get_slo_bulk_delete_status. Cannot be undone.",
		Toolset:      "slos",
		Method:       http.MethodPost,
		Path:         "/api/observability/slos/_bulk_delete",
		APIVersion:   operation.V20231031,
		Effect:       operation.Deletes,
		Admin:        true,
		Input:        SLOListInput{},
		Examples:     []string{`{"list":["` + sandboxSLOID + `","` + sandboxGroupedSLOID + `"]}`},
	},
	{
		Name:         "get_slo_bulk_delete_status",
		Availability: sloBulkDeleteAvailability,
		Title:        "Get SLO bulk delete status",
		Description:  "Say whether a bulk_delete_slos task is done, and the outcome per SLO.",
		Toolset:      "slos",
		Method:       http.MethodGet,
		Path:         "/api/observability/slos/_bulk_delete/{taskId}",
		APIVersion:   operation.V20231031,
		Effect:       operation.Reads,
		Input:        SLOTaskInput{},
		Examples:     []string{`{"taskId":"` + sandboxSLOTaskID + `"}`},
	},
	{
		Name:         "purge_slo_rollups",
		Availability: sloPurgeAvailability,
		Title:        "Purge SLO rollup data",
		Description:  "Delete SLOs' computed history older than an age (fixed-age, e.g. 30d) or a time (fixed-time); answers a taskId. Cannot be undone.",
		Toolset:      "slos",
		Method:       http.MethodPost,
		Path:         "/api/observability/slos/_bulk_purge_rollup",
		APIVersion:   operation.V20231031,
		Effect:       operation.Deletes,
		Admin:        true,
		Input:        PurgeSLORollupsInput{},
		Examples: []string{
			`{"list":["` + sandboxSLOID + `"],"purgePolicy":{"purgeType":"fixed-age","age":"90d"}}`,
			`{"list":["` + sandboxSLOID + `","` + sandboxGroupedSLOID + `"],"purgePolicy":{"purgeType":"fixed-time","timestamp":"2025-01-01T00:00:00Z"}}`,
		},
	},
	{
		Name:         "delete_slo_instances",
		Availability: sloInstancesAvailability,
		Title:        "Delete SLO instances",
		Description:  "Drop the history and summary of instances of grouped SLOs that no longer report (a host retired). Cannot be undone.",
		Toolset:      "slos",
		Method:       http.MethodPost,
		Path:         "/api/observability/slos/_delete_instances",
		APIVersion:   operation.V20231031,
		Effect:       operation.Deletes,
		Admin:        true,
		Input:        DeleteSLOInstancesInput{},
		Examples:     []string{`{"list":[{"sloId":"` + sandboxGroupedSLOID + `","instanceId":"web-02"}]}`},
	},
}

// The story's SLOs the examples reach, seeded in every space (sandbox
// slos.go): the VPN gateway's availability, the web hosts' latency grouped
// by host, and a finished bulk delete task.
const (
	sandboxSLOID        = "vpn-gw-availability"
	sandboxGroupedSLOID = "web-latency-by-host"
	sandboxSLOTaskID    = "slo-bulk-delete-2f8a6c1e"
)

// Availability of the SLO routes that arrived after the toolset's.
var (
	// POST /_bulk_delete and GET /_bulk_delete/{taskId}: Kibana PR #217405,
	// merged April 2025, so 9.1. unverified: whether 8.19 has them.
	sloBulkDeleteAvailability = sinceIn("slos", "9.1.0")
	// _bulk_purge_rollup. unverified: its first version; it came with the
	// stale-instance work of 2025, kept as 9.1.
	sloPurgeAvailability = sinceIn("slos", "9.1.0")
	// _delete_instances: Kibana PR #165270, merged September 2023, so 8.11.
	sloInstancesAvailability = sinceIn("slos", "8.11.0")
)

// FindSLOsInput filters and pages SLO summaries.
type FindSLOsInput struct {
	KQLQuery      string `json:"kqlQuery,omitempty" in:"query" jsonschema_description:"KQL over slo.name, slo.tags, slo.id, slo.instanceId, slo.indicator.type, status, sliValue, e.g. slo.tags: vpn."`
	Page          int    `json:"page,omitempty" in:"query" jsonschema:"minimum=1"`
	PerPage       int    `json:"perPage,omitempty" in:"query" jsonschema:"minimum=1,maximum=5000" jsonschema_description:"Default 25."`
	SortBy        string `json:"sortBy,omitempty" in:"query" jsonschema:"enum=sli_value,enum=status,enum=error_budget_consumed,enum=error_budget_remaining" jsonschema_description:"Default status."`
	SortDirection string `json:"sortDirection,omitempty" in:"query" jsonschema:"enum=asc,enum=desc"`
	HideStale     bool   `json:"hideStale,omitempty" in:"query" jsonschema_description:"Leave out instances that stopped reporting."`
	Size          int    `json:"size,omitempty" in:"query" jsonschema:"minimum=1,maximum=5000" jsonschema_description:"Cursor paging instead of page: this many after searchAfter."`
	SearchAfter   string `json:"searchAfter,omitempty" in:"query" jsonschema_description:"The searchAfter array the last cursor page answered, as JSON text."`
}

// Prepare checks the cursor is the JSON array Kibana decodes, and that
// paging is by page or by cursor, not both.
func (in *FindSLOsInput) Prepare() error {
	if in.SearchAfter != "" {
		var after []any
		if json.Unmarshal([]byte(in.SearchAfter), &after) != nil || len(after) == 0 {
			return &schema.ArgumentError{Field: "searchAfter", Rule: `must be the JSON array a cursor page answered, e.g. "[0.98,\"slo-id\",\"*\"]"`}
		}
	}
	if (in.Size != 0 || in.SearchAfter != "") && in.Page != 0 {
		return &schema.ArgumentError{Field: "page", Rule: "pages by number; size and searchAfter page by cursor: give one kind"}
	}
	return nil
}

// GetSLOInput names an SLO, and optionally one of its instances.
type GetSLOInput struct {
	SLOID      string `json:"sloId" in:"path" jsonschema:"required,minLength=1" jsonschema_description:"From find_slos."`
	InstanceID string `json:"instanceId,omitempty" in:"query" jsonschema_description:"For a grouped SLO: the group's value, e.g. a host name."`
}

// SLOIDInput names an SLO.
type SLOIDInput struct {
	SLOID string `json:"sloId" in:"path" jsonschema:"required,minLength=1" jsonschema_description:"From find_slos."`
}

// SLOListInput lists SLO ids.
type SLOListInput struct {
	List []string `json:"list" jsonschema:"required,minItems=1,uniqueItems=true" jsonschema_description:"SLO ids."`
}

// SLOTaskInput names a bulk delete task.
type SLOTaskInput struct {
	TaskID string `json:"taskId" in:"path" jsonschema:"required,minLength=1" jsonschema_description:"From bulk_delete_slos."`
}

// PurgeSLORollupsInput says which SLOs' history to cut, and where.
type PurgeSLORollupsInput struct {
	List        []string       `json:"list" jsonschema:"required,minItems=1,uniqueItems=true" jsonschema_description:"SLO ids."`
	PurgePolicy SLOPurgePolicy `json:"purgePolicy" jsonschema:"required"`
}

// SLOPurgePolicy is where the purge cuts: an age or a time.
type SLOPurgePolicy struct {
	PurgeType string `json:"purgeType" jsonschema:"required,enum=fixed-age,enum=fixed-time"`
	Age       string `json:"age,omitempty" jsonschema_description:"fixed-age: older than this, e.g. 30d; at least each SLO's time window."`
	Timestamp string `json:"timestamp,omitempty" jsonschema_description:"fixed-time: before this ISO 8601 time."`
}

var sloDuration = lazyRegexp(`^[1-9][0-9]*[mhdwMy]$`)

// Prepare checks the policy names the cut its type needs, and only that.
func (in *PurgeSLORollupsInput) Prepare() error {
	p := in.PurgePolicy
	switch p.PurgeType {
	case "fixed-age":
		if p.Timestamp != "" {
			return &schema.ArgumentError{Field: "purgePolicy.timestamp", Rule: "is for fixed-time; fixed-age takes age"}
		}
		if !sloDuration().MatchString(p.Age) {
			return &schema.ArgumentError{Field: "purgePolicy.age", Rule: "fixed-age needs a duration such as 30d or 12w"}
		}
	case "fixed-time":
		if p.Age != "" {
			return &schema.ArgumentError{Field: "purgePolicy.age", Rule: "is for fixed-age; fixed-time takes timestamp"}
		}
		if _, err := time.Parse(time.RFC3339, p.Timestamp); err != nil {
			return &schema.ArgumentError{Field: "purgePolicy.timestamp", Rule: "fixed-time needs an ISO 8601 time with offset, e.g. 2025-01-01T00:00:00Z"}
		}
	}
	return nil
}

// DeleteSLOInstancesInput lists instances of grouped SLOs.
type DeleteSLOInstancesInput struct {
	List []SLOInstanceRef `json:"list" jsonschema:"required,minItems=1"`
}

// SLOInstanceRef is one instance of a grouped SLO.
type SLOInstanceRef struct {
	SLOID      string `json:"sloId" jsonschema:"required,minLength=1"`
	InstanceID string `json:"instanceId" jsonschema:"required,minLength=1" jsonschema_description:"The group's value, e.g. a host name."`
}

// Prepare refuses the catch-all instance: that is the whole SLO.
func (in *DeleteSLOInstancesInput) Prepare() error {
	for i, ref := range in.List {
		if ref.InstanceID == "*" {
			return &schema.ArgumentError{Field: fmt.Sprintf("list.%d.instanceId", i), Rule: "* is every instance: delete the SLO with delete_slo instead"}
		}
	}
	return nil
}

// CreateSLOInput is a new SLO.
type CreateSLOInput struct {
	ID              string        `json:"id,omitempty" jsonschema:"minLength=8,maxLength=48,pattern=^[a-z0-9_-]+$" jsonschema_description:"Default a new UUID."`
	Name            string        `json:"name" jsonschema:"required,minLength=1"`
	Description     string        `json:"description" jsonschema:"required"`
	Indicator       SLOIndicator  `json:"indicator" jsonschema:"required"`
	TimeWindow      SLOTimeWindow `json:"timeWindow" jsonschema:"required"`
	BudgetingMethod string        `json:"budgetingMethod" jsonschema:"required,enum=occurrences,enum=timeslices"`
	Objective       SLOObjective  `json:"objective" jsonschema:"required"`
	GroupBy         []string      `json:"groupBy,omitempty" jsonschema_description:"One summary per value, e.g. [host.name]."`
	Tags            []string      `json:"tags,omitempty"`
	Settings        *SLOSettings  `json:"settings,omitempty"`
	Artifacts       *SLOArtifacts `json:"artifacts,omitempty"`
}

// SLOArtifacts link an SLO to related assets.
type SLOArtifacts struct {
	Dashboards []SLODashboard `json:"dashboards,omitempty"`
}

// SLODashboard is a dashboard saved object.
type SLODashboard struct {
	ID string `json:"id" jsonschema:"required"`
}

// Prepare applies the rules Kibana's SLO validation applies.
func (in *CreateSLOInput) Prepare() error {
	if strings.TrimSpace(in.Name) == "" {
		return &schema.ArgumentError{Field: "name", Rule: "must not be blank"}
	}
	return checkSLO(&in.Indicator, &in.TimeWindow, in.BudgetingMethod, &in.Objective, in.Settings)
}

// UpdateSLOInput changes some members of an SLO.
type UpdateSLOInput struct {
	SLOID           string         `json:"sloId" in:"path" jsonschema:"required,minLength=1"`
	Name            string         `json:"name,omitempty" jsonschema:"minLength=1"`
	Description     *string        `json:"description,omitempty"`
	Indicator       *SLOIndicator  `json:"indicator,omitempty"`
	TimeWindow      *SLOTimeWindow `json:"timeWindow,omitempty"`
	BudgetingMethod string         `json:"budgetingMethod,omitempty" jsonschema:"enum=occurrences,enum=timeslices"`
	Objective       *SLOObjective  `json:"objective,omitempty"`
	GroupBy         []string       `json:"groupBy,omitempty"`
	Tags            *[]string      `json:"tags,omitempty"`
	Settings        *SLOSettings   `json:"settings,omitempty"`
	Artifacts       *SLOArtifacts  `json:"artifacts,omitempty"`
}

// Prepare refuses an update that changes nothing, and checks the members
// given as create does (what they combine with is checked by Kibana).
func (in *UpdateSLOInput) Prepare() error {
	if in.Name == "" && in.Description == nil && in.Indicator == nil && in.TimeWindow == nil && in.BudgetingMethod == "" &&
		in.Objective == nil && in.GroupBy == nil && in.Tags == nil && in.Settings == nil && in.Artifacts == nil {
		return &schema.ArgumentError{Rule: "give at least one member to change"}
	}
	if in.Indicator != nil {
		if err := in.Indicator.check(); err != nil {
			return err
		}
	}
	if in.TimeWindow != nil {
		if err := in.TimeWindow.check(); err != nil {
			return err
		}
	}
	if in.Objective != nil {
		if err := in.Objective.check(in.BudgetingMethod); err != nil {
			return err
		}
	}
	if in.BudgetingMethod == "timeslices" && in.Objective == nil {
		return &schema.ArgumentError{Field: "objective", Rule: "switching to timeslices needs objective.timesliceTarget and objective.timesliceWindow"}
	}
	if in.Indicator != nil && in.Indicator.Type == "sli.metric.timeslice" && in.BudgetingMethod == "occurrences" {
		return &schema.ArgumentError{Field: "budgetingMethod", Rule: "a sli.metric.timeslice indicator needs timeslices"}
	}
	return in.Settings.check()
}

// SLOIndicator is what the SLO measures: its type and the params that type
// takes.
type SLOIndicator struct {
	Type   string         `json:"type" jsonschema:"required,enum=sli.apm.transactionErrorRate,enum=sli.apm.transactionDuration,enum=sli.kql.custom,enum=sli.metric.custom,enum=sli.histogram.custom,enum=sli.metric.timeslice"`
	Params map[string]any `json:"params" jsonschema:"required" jsonschema_description:"All: index. apm.*: service, environment, transactionType, transactionName; transactionDuration also threshold (ms). Others also timestampField, and kql.custom: good, total (KQL); metric.custom: good and total {metrics:[{name:A, aggregation, field}], equation}; histogram.custom: good and total {aggregation:value_count|range, field, from, to}; metric.timeslice: metric {metrics, equation, comparator, threshold}."`
}

// sloIndicatorParams are the params each indicator type requires.
var sloIndicatorParams = map[string][]string{
	"sli.apm.transactionErrorRate": {"service", "environment", "transactionType", "transactionName", "index"},
	"sli.apm.transactionDuration":  {"service", "environment", "transactionType", "transactionName", "index", "threshold"},
	"sli.kql.custom":               {"index", "timestampField", "good", "total"},
	"sli.metric.custom":            {"index", "timestampField", "good", "total"},
	"sli.histogram.custom":         {"index", "timestampField", "good", "total"},
	"sli.metric.timeslice":         {"index", "timestampField", "metric"},
}

var sloMetricName = lazyRegexp(`^[A-Z]$`)

// check applies the type's rules to the params.
func (ind *SLOIndicator) check() error {
	p := ind.Params
	for _, name := range sloIndicatorParams[ind.Type] {
		if _, ok := p[name]; !ok {
			return &schema.ArgumentError{Field: "indicator.params." + name, Rule: "is required for " + ind.Type}
		}
	}
	for _, name := range []string{"service", "environment", "transactionType", "transactionName", "index", "timestampField", "filter", "dataViewId"} {
		if v, ok := p[name]; ok {
			if s, isStr := v.(string); !isStr || (name != "filter" && strings.TrimSpace(s) == "") {
				return &schema.ArgumentError{Field: "indicator.params." + name, Rule: "must be a non-empty string"}
			}
		}
	}
	switch ind.Type {
	case "sli.apm.transactionDuration":
		if n, ok := p["threshold"].(float64); !ok || n <= 0 {
			return &schema.ArgumentError{Field: "indicator.params.threshold", Rule: fmt.Sprintf("must be a latency in milliseconds above 0, got %v", p["threshold"])}
		}
	case "sli.kql.custom":
		for _, name := range []string{"good", "total", "filter"} {
			if err := checkSLOKQL(p, name); err != nil {
				return err
			}
		}
	case "sli.metric.custom":
		for _, name := range []string{"good", "total"} {
			if err := checkSLOMetrics(p[name], "indicator.params."+name, []string{"sum", "doc_count"}, false); err != nil {
				return err
			}
		}
	case "sli.histogram.custom":
		for _, name := range []string{"good", "total"} {
			if err := checkSLOHistogram(p[name], "indicator.params."+name); err != nil {
				return err
			}
		}
	case "sli.metric.timeslice":
		if err := checkSLOMetrics(p["metric"], "indicator.params.metric", []string{"sum", "avg", "min", "max", "std_deviation", "last_value", "cardinality", "percentile", "doc_count"}, true); err != nil {
			return err
		}
	}
	return nil
}

// checkSLOKQL: a KQL member is a query string or {kqlQuery, filters}.
func checkSLOKQL(p map[string]any, name string) error {
	switch v := p[name].(type) {
	case nil, string:
		return nil
	case map[string]any:
		if _, ok := v["kqlQuery"].(string); ok || v["kqlQuery"] == nil {
			return nil
		}
	}
	return &schema.ArgumentError{Field: "indicator.params." + name, Rule: "must be a KQL string or {kqlQuery, filters}"}
}

// checkSLOMetrics checks {metrics, equation} (with comparator and
// threshold for a timeslice metric): named A to Z, each aggregation with
// the members it needs, and an equation naming only those metrics.
func checkSLOMetrics(v any, field string, aggs []string, timeslice bool) error {
	m, ok := v.(map[string]any)
	if !ok {
		return &schema.ArgumentError{Field: field, Rule: "must be an object {metrics, equation}"}
	}
	list, _ := m["metrics"].([]any)
	if len(list) == 0 {
		return &schema.ArgumentError{Field: field + ".metrics", Rule: "must list at least one metric"}
	}
	names := map[string]bool{}
	for i, e := range list {
		at := fmt.Sprintf("%s.metrics.%d", field, i)
		metric, _ := e.(map[string]any)
		name, _ := metric["name"].(string)
		agg, _ := metric["aggregation"].(string)
		switch {
		case !sloMetricName().MatchString(name):
			return &schema.ArgumentError{Field: at + ".name", Rule: "must be one capital letter, A to Z"}
		case names[name]:
			return &schema.ArgumentError{Field: at + ".name", Rule: name + " is used twice"}
		case !slices.Contains(aggs, agg):
			return &schema.ArgumentError{Field: at + ".aggregation", Rule: "must be one of " + strings.Join(aggs, ", ")}
		case agg != "doc_count" && metric["field"] == nil:
			return &schema.ArgumentError{Field: at + ".field", Rule: "is required for " + agg}
		case agg == "percentile":
			if pct, ok := metric["percentile"].(float64); !ok || pct <= 0 || pct >= 100 {
				return &schema.ArgumentError{Field: at + ".percentile", Rule: "is required for percentile, between 0 and 100"}
			}
		}
		names[name] = true
	}
	eq, _ := m["equation"].(string)
	if strings.TrimSpace(eq) == "" {
		return &schema.ArgumentError{Field: field + ".equation", Rule: "is required, e.g. A or A / B"}
	}
	for _, r := range eq {
		if r >= 'A' && r <= 'Z' && !names[string(r)] {
			return &schema.ArgumentError{Field: field + ".equation", Rule: fmt.Sprintf("names %c, which no metric defines", r)}
		}
	}
	if timeslice {
		if c, _ := m["comparator"].(string); !slices.Contains([]string{"GT", "GTE", "LT", "LTE"}, c) {
			return &schema.ArgumentError{Field: field + ".comparator", Rule: "must be one of GT, GTE, LT, LTE"}
		}
		if _, ok := m["threshold"].(float64); !ok {
			return &schema.ArgumentError{Field: field + ".threshold", Rule: "is required: the value a good slice's equation compares with"}
		}
	}
	return nil
}

// checkSLOHistogram checks {aggregation, field, from?, to?}.
func checkSLOHistogram(v any, field string) error {
	m, ok := v.(map[string]any)
	if !ok {
		return &schema.ArgumentError{Field: field, Rule: "must be an object {aggregation, field, from?, to?}"}
	}
	agg, _ := m["aggregation"].(string)
	if agg != "value_count" && agg != "range" {
		return &schema.ArgumentError{Field: field + ".aggregation", Rule: "must be value_count or range"}
	}
	if f, _ := m["field"].(string); f == "" {
		return &schema.ArgumentError{Field: field + ".field", Rule: "is required: the histogram field"}
	}
	if agg == "range" {
		from, okFrom := m["from"].(float64)
		to, okTo := m["to"].(float64)
		if !okFrom || !okTo || from >= to {
			return &schema.ArgumentError{Field: field, Rule: "range needs from and to, from below to"}
		}
	}
	return nil
}

// SLOTimeWindow is the period the objective is over.
type SLOTimeWindow struct {
	Duration string `json:"duration" jsonschema:"required" jsonschema_description:"rolling: 7d, 30d or 90d; calendarAligned: 1w or 1M."`
	Type     string `json:"type" jsonschema:"required,enum=rolling,enum=calendarAligned"`
}

func (w *SLOTimeWindow) check() error {
	ok := map[string][]string{"rolling": {"7d", "30d", "90d"}, "calendarAligned": {"1w", "1M"}}[w.Type]
	if !slices.Contains(ok, w.Duration) {
		return &schema.ArgumentError{Field: "timeWindow.duration", Rule: fmt.Sprintf("a %s window is one of %s, got %q", w.Type, strings.Join(ok, ", "), w.Duration)}
	}
	return nil
}

// SLOObjective is the target, and for timeslices the slice rules.
type SLOObjective struct {
	Target          float64  `json:"target" jsonschema:"required,exclusiveMinimum=0,exclusiveMaximum=1" jsonschema_description:"E.g. 0.999 for 99.9%."`
	TimesliceTarget *float64 `json:"timesliceTarget,omitempty" jsonschema:"minimum=0,maximum=1" jsonschema_description:"timeslices: good share of a slice."`
	TimesliceWindow string   `json:"timesliceWindow,omitempty" jsonschema_description:"timeslices: 1m to 120m."`
}

var sloSliceWindow = lazyRegexp(`^([1-9][0-9]*)m$`)

// check applies the budgeting method's rules ("" when an update does not
// say which).
func (o *SLOObjective) check(method string) error {
	if o.Target <= 0 || o.Target >= 1 {
		return &schema.ArgumentError{Field: "objective.target", Rule: fmt.Sprintf("must be between 0 and 1, both excluded (0.995 for 99.5%%), got %v", o.Target)}
	}
	switch method {
	case "timeslices":
		if o.TimesliceTarget == nil {
			return &schema.ArgumentError{Field: "objective.timesliceTarget", Rule: "is required with timeslices budgeting"}
		}
		m := sloSliceWindow().FindStringSubmatch(o.TimesliceWindow)
		n := 0
		if m != nil {
			fmt.Sscan(m[1], &n)
		}
		if n < 1 || n > 120 {
			return &schema.ArgumentError{Field: "objective.timesliceWindow", Rule: fmt.Sprintf("timeslices budgeting needs minutes from 1m to 120m, got %q", o.TimesliceWindow)}
		}
	case "occurrences":
		if o.TimesliceTarget != nil || o.TimesliceWindow != "" {
			return &schema.ArgumentError{Field: "objective", Rule: "timesliceTarget and timesliceWindow are for timeslices budgeting only"}
		}
	}
	return nil
}

// SLOSettings tune how the SLO's data is computed.
type SLOSettings struct {
	SyncDelay              string `json:"syncDelay,omitempty" jsonschema_description:"Default 1m, at most 6h."`
	Frequency              string `json:"frequency,omitempty" jsonschema_description:"Default 1m, at most 59m."`
	PreventInitialBackfill bool   `json:"preventInitialBackfill,omitempty" jsonschema_description:"Start from now, not from past data."`
}

var sloSettingDuration = lazyRegexp(`^([1-9][0-9]*)([mh])$`)

func (s *SLOSettings) check() error {
	if s == nil {
		return nil
	}
	for _, f := range []struct {
		name, v    string
		maxMinutes int
	}{{"syncDelay", s.SyncDelay, 360}, {"frequency", s.Frequency, 59}} {
		if f.v == "" {
			continue
		}
		m := sloSettingDuration().FindStringSubmatch(f.v)
		n := 0
		if m != nil {
			fmt.Sscan(m[1], &n)
			if m[2] == "h" {
				n *= 60
			}
		}
		if n < 1 || n > f.maxMinutes {
			return &schema.ArgumentError{Field: "settings." + f.name, Rule: fmt.Sprintf("must be minutes or hours from 1m to %dm, e.g. 5m, got %q", f.maxMinutes, f.v)}
		}
	}
	return nil
}

// checkSLO applies to a whole SLO the rules of Kibana's SLO validation.
func checkSLO(ind *SLOIndicator, w *SLOTimeWindow, method string, o *SLOObjective, s *SLOSettings) error {
	if err := ind.check(); err != nil {
		return err
	}
	if err := w.check(); err != nil {
		return err
	}
	if ind.Type == "sli.metric.timeslice" && method != "timeslices" {
		return &schema.ArgumentError{Field: "budgetingMethod", Rule: "a sli.metric.timeslice indicator needs timeslices"}
	}
	if err := o.check(method); err != nil {
		return err
	}
	return s.check()
}
