package tools

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/kibana-mcp/kibana-mcp/operation"
	"github.com/kibana-mcp/kibana-mcp/schema"
)

// Asset criticality, the risk score engine and privileged user monitoring
// (/api/asset_criticality*, /api/risk_score/*, /api/entity_analytics/*):
// how much each host, user or service matters, the risk scores computed
// from alerts and that criticality, and the watch list of privileged
// users. Risk engine tools are in risk_engine.go, monitoring tools in
// privmon_users.go; all speak the public 2023-10-31 version.
var assetCriticalityOperations = slices.Concat(criticalityOperations, riskEngineOperations, privmonOperations)

var criticalityOperations = []*operation.Operation{
	{
		Name:        "get_asset_criticality",
		Title:       "Get asset criticality",
		Description: "Read how critical one host, user or service is (its criticality record); 404 when none is assigned.",
		Toolset:     "entity_analytics",
		Method:      http.MethodGet,
		Path:        "/api/asset_criticality",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       AssetCriticalityRefInput{},
		Examples: []string{
			`{"id_field":"host.name","id_value":"fs-02"}`,
			`{"id_field":"user.name","id_value":"m.alvarez","space_id":"soc"}`,
		},
	},
	{
		Name:        "set_asset_criticality",
		Title:       "Set asset criticality",
		Description: "Assign a criticality level to a host, user or service, replacing any level it had; risk scores use it from the next run_risk_score_engine.",
		Toolset:     "entity_analytics",
		Method:      http.MethodPost,
		Path:        "/api/asset_criticality",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Overwrites:  true,
		Input:       SetAssetCriticalityInput{},
		Examples: []string{
			`{"id_field":"host.name","id_value":"ws-0142","criticality_level":"high_impact"}`,
			`{"id_field":"user.name","id_value":"svc-sql","criticality_level":"extreme_impact","refresh":"wait_for","space_id":"soc"}`,
		},
	},
	{
		Name:        "delete_asset_criticality",
		Title:       "Delete asset criticality",
		Description: "Remove the criticality level of a host, user or service (answers deleted:false when it had none).",
		Toolset:     "entity_analytics",
		Method:      http.MethodDelete,
		Path:        "/api/asset_criticality",
		APIVersion:  operation.V20231031,
		Effect:      operation.Deletes,
		Input:       DeleteAssetCriticalityInput{},
		Examples: []string{
			`{"id_field":"host.name","id_value":"build-03"}`,
			`{"id_field":"host.name","id_value":"bkp-01","refresh":"wait_for","space_id":"soc"}`,
		},
	},
	{
		Name:        "bulk_set_asset_criticality",
		Title:       "Bulk set asset criticality",
		Description: "Set the criticality of up to 1000 entities at once, replacing their levels (unassigned removes one); answers per-record errors.",
		Toolset:     "entity_analytics",
		Method:      http.MethodPost,
		Path:        "/api/asset_criticality/bulk",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Overwrites:  true,
		Input:       BulkAssetCriticalityInput{},
		Examples: []string{
			`{"records":[{"id_field":"host.name","id_value":"fin-ws-011","criticality_level":"medium_impact"}]}`,
			`{"records":[{"id_field":"host.name","id_value":"ea-lt-01","criticality_level":"high_impact"},{"id_field":"user.name","id_value":"e.larsen","criticality_level":"unassigned"},{"id_field":"service.name","id_value":"customer-portal","criticality_level":"extreme_impact"}],"space_id":"soc"}`,
		},
	},
	{
		Name:        "list_asset_criticality",
		Title:       "List asset criticality",
		Description: "Page through criticality records, filtered by KQL (e.g. criticality_level:extreme_impact) and sorted.",
		Toolset:     "entity_analytics",
		Method:      http.MethodGet,
		Path:        "/api/asset_criticality/list",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       ListAssetCriticalityInput{},
		Examples: []string{
			`{}`,
			`{"kuery":"id_field:host.name and criticality_level:(high_impact or extreme_impact)","sort_field":"criticality_level","sort_direction":"desc","page":1,"per_page":25,"space_id":"soc"}`,
		},
	},
}

// AssetCriticalityRefInput names one entity.
type AssetCriticalityRefInput struct {
	IDField string `json:"id_field" in:"query" jsonschema:"required,enum=host.name,enum=user.name,enum=service.name,enum=entity.id"`
	IDValue string `json:"id_value" in:"query" jsonschema:"required,minLength=1" jsonschema_description:"The host, user or service name (or entity id)."`
}

// Prepare refuses a blank name, which no entity has.
func (in *AssetCriticalityRefInput) Prepare() error {
	return criticalityIDValue("id_value", in.IDValue)
}

// SetAssetCriticalityInput assigns one entity's level.
type SetAssetCriticalityInput struct {
	IDField          string `json:"id_field" jsonschema:"required,enum=host.name,enum=user.name,enum=service.name,enum=entity.id"`
	IDValue          string `json:"id_value" jsonschema:"required,minLength=1,maxLength=1000"`
	CriticalityLevel string `json:"criticality_level" jsonschema:"required,enum=low_impact,enum=medium_impact,enum=high_impact,enum=extreme_impact"`
	Refresh          string `json:"refresh,omitempty" jsonschema:"enum=wait_for" jsonschema_description:"Wait until searches see it."`
}

// Prepare refuses a blank name.
func (in *SetAssetCriticalityInput) Prepare() error {
	return criticalityIDValue("id_value", in.IDValue)
}

// DeleteAssetCriticalityInput names the entity whose level goes.
type DeleteAssetCriticalityInput struct {
	IDField string `json:"id_field" in:"query" jsonschema:"required,enum=host.name,enum=user.name,enum=service.name,enum=entity.id"`
	IDValue string `json:"id_value" in:"query" jsonschema:"required,minLength=1"`
	Refresh string `json:"refresh,omitempty" in:"query" jsonschema:"enum=wait_for"`
}

// Prepare refuses a blank name.
func (in *DeleteAssetCriticalityInput) Prepare() error {
	return criticalityIDValue("id_value", in.IDValue)
}

// BulkAssetCriticalityInput sets many levels.
type BulkAssetCriticalityInput struct {
	Records []CriticalityBulkRecord `json:"records" jsonschema:"required,minItems=1,maxItems=1000"`
}

// CriticalityBulkRecord is one entity's level in a bulk upload.
type CriticalityBulkRecord struct {
	IDField          string `json:"id_field" jsonschema:"required,enum=host.name,enum=user.name,enum=service.name,enum=entity.id"`
	IDValue          string `json:"id_value" jsonschema:"required,minLength=1,maxLength=1000"`
	CriticalityLevel string `json:"criticality_level" jsonschema:"required,enum=low_impact,enum=medium_impact,enum=high_impact,enum=extreme_impact,enum=unassigned"`
}

// Prepare refuses blank names and an entity named twice: Kibana writes
// both, and which level wins is then up to the order it indexes them in.
func (in *BulkAssetCriticalityInput) Prepare() error {
	first := map[[2]string]int{}
	for i, r := range in.Records {
		if err := criticalityIDValue(fmt.Sprintf("records[%d].id_value", i), r.IDValue); err != nil {
			return err
		}
		key := [2]string{r.IDField, r.IDValue}
		if j, dup := first[key]; dup {
			return &schema.ArgumentError{Field: fmt.Sprintf("records[%d]", i), Rule: fmt.Sprintf("names %s %q again (records[%d]); give each entity once", r.IDField, r.IDValue, j)}
		}
		first[key] = i
	}
	return nil
}

// ListAssetCriticalityInput filters, sorts and pages records.
type ListAssetCriticalityInput struct {
	Kuery         string `json:"kuery,omitempty" in:"query" jsonschema_description:"KQL on id_field, id_value, criticality_level, host.name, user.name…"`
	SortField     string `json:"sort_field,omitempty" in:"query" jsonschema:"enum=id_value,enum=id_field,enum=criticality_level,enum=@timestamp"`
	SortDirection string `json:"sort_direction,omitempty" in:"query" jsonschema:"enum=asc,enum=desc"`
	Page          int    `json:"page,omitempty" in:"query" jsonschema:"minimum=1"`
	PerPage       int    `json:"per_page,omitempty" in:"query" jsonschema:"minimum=1,maximum=1000" jsonschema_description:"Default 10."`
}

// criticalityIDValue refuses a name that is only whitespace.
func criticalityIDValue(field, v string) error {
	if strings.TrimSpace(v) == "" {
		return &schema.ArgumentError{Field: field, Rule: "must not be blank"}
	}
	return nil
}
