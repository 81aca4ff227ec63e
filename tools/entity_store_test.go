package tools

import (
	"net/url"
	"strings"
	"testing"

	"github.com/kibana-mcp/kibana-mcp/internal/sandboxtest"
)

// TestEntityStoreArgumentChecks pins the cross-field checks of the entity
// store tools with the exact message the model reads.
func TestEntityStoreArgumentChecks(t *testing.T) {
	for _, c := range []struct{ tool, args, want string }{
		{"init_entity_engine", `{"entityType":"host","enrichPolicyExecutionInterval":"2h"}`, `invalid argument "enrichPolicyExecutionInterval": must be at most half of lookbackPeriod (3h), so at most 90m`},
		{"init_entity_engine", `{"entityType":"host","enrichPolicyExecutionInterval":"4h","lookbackPeriod":"6h"}`, `invalid argument "enrichPolicyExecutionInterval": must be at most half of lookbackPeriod (6h), so at most 3h`},
		{"enable_entity_store", `{"enrichPolicyExecutionInterval":"90s","lookbackPeriod":"2m"}`, `invalid argument "enrichPolicyExecutionInterval": must be at most half of lookbackPeriod (2m), so at most 1m`},
		{"upsert_entity", `{"entityType":"host","entity":{"name":"x"}}`, `invalid argument "entity.id": is required: the entity's identity (host name, user name, …)`},
		{"upsert_entity", `{"entityType":"host","entity":{"id":"fs-02"},"user":{"domain":["ACME"]}}`, `invalid argument "user": belongs to user entities; this one is a host (give host instead)`},
		{"upsert_entity", `{"entityType":"host","entity":{"id":"fs-02"},"host":{"name":"fs-03"}}`, `invalid argument "host.name": must equal entity.id ("fs-02"): the store names the entity by its id`},
		{"upsert_entity", `{"entityType":"user","entity":{"id":"l.wong","attributes":{"admin":true}}}`, `invalid argument "entity.attributes.admin": is not a member; use asset, managed, mfa_enabled, privileged`},
		{"upsert_entity", `{"entityType":"user","entity":{"id":"l.wong","lifecycle":{"first_seen":"yesterday"}}}`, `invalid argument "entity.lifecycle.first_seen": must be an RFC 3339 date-time, e.g. 2025-03-14T09:30:00Z`},
		{"upsert_entity", `{"entityType":"host","entity":{"id":"fs-02"},"asset":{"criticality":"very_high"}}`, `invalid argument "asset.criticality": must be one of low_impact, medium_impact, high_impact, extreme_impact`},
		{"bulk_upsert_entities", `{"entities":[{"type":"host","record":{"entity":{"id":"a"}}},{"type":"generic","record":{"entity":{"id":"b"},"service":{"name":"b"}}}]}`, `invalid argument "entities[1].record.service": is not allowed: generic entities carry only entity and asset`},
		{"bulk_upsert_entities", `{"entities":[{"type":"user","record":{"asset":{}}}]}`, `invalid argument "entities[0].record.entity": is required, with at least its id`},
		{"list_entities", `{"entity_types":["host"],"filterQuery":"host.name:fs-02"}`, `invalid argument "filterQuery": must be an Elasticsearch query as a JSON object, e.g. {"term":{"user.name":"l.wong"}}, not KQL`},
	} {
		_, err := mustLookup(t, c.tool).Bind(args(t, c.args))
		if err == nil || err.Error() != c.want {
			t.Errorf("%s %s:\n got  %v\n want %s", c.tool, c.args, err, c.want)
		}
	}
}

// TestUpsertEntityNamesTheTypeObject checks that a host or user object
// without a name gets the entity's id, as the store would set it anyway
// (and as the spec requires the member).
func TestUpsertEntityNamesTheTypeObject(t *testing.T) {
	req, err := mustLookup(t, "upsert_entity").Bind(args(t, `{"entityType":"host","force":true,"entity":{"id":"fs-02"},"host":{"ip":["10.20.1.16"]}}`))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(req.Body), `{"entity":{"id":"fs-02"},"host":{"name":"fs-02","ip":["10.20.1.16"]}}`; got != want {
		t.Errorf("body %s, want %s", got, want)
	}
	if req.Path != "/api/entity_store/entities/host" || req.Query.Get("force") != "true" {
		t.Errorf("request %s ?%s", req.Path, req.Query.Encode())
	}
}

// TestListEntitiesRepeatsTypes checks the types go as a repeated query
// parameter, as Kibana reads an array.
func TestListEntitiesRepeatsTypes(t *testing.T) {
	req, err := mustLookup(t, "list_entities").Bind(args(t, `{"entity_types":["host","user"],"per_page":5}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := req.Query.Encode(); got != (url.Values{"entity_types": {"host", "user"}, "per_page": {"5"}}).Encode() {
		t.Errorf("query %s", got)
	}
	if _, err := mustLookup(t, "list_entities").Bind(args(t, `{"entity_types":["host"],"per_page":5000}`)); err == nil || !strings.Contains(err.Error(), "per_page") {
		t.Errorf("per_page above 1000: %v", err)
	}
}

// TestEntityRecordsCarryTheirTypeObject checks that a host, user or service
// record gets its own object named by entity.id, which makes it match one
// branch of the spec's oneOf; generic records stay as given.
func TestEntityRecordsCarryTheirTypeObject(t *testing.T) {
	for _, c := range []struct{ tool, args, want string }{
		{"upsert_entity", `{"entityType":"user","entity":{"id":"l.wong","attributes":{"mfa_enabled":true}}}`, `{"entity":{"id":"l.wong","attributes":{"mfa_enabled":true}},"user":{"name":"l.wong"}}`},
		{"upsert_entity", `{"entityType":"generic","entity":{"id":"printer-7","attributes":{"asset":true}}}`, `{"entity":{"id":"printer-7","attributes":{"asset":true}}}`},
		{"bulk_upsert_entities", `{"entities":[{"type":"service","record":{"entity":{"id":"jenkins","attributes":{"managed":true}}}}]}`, `{"entities":[{"type":"service","record":{"entity":{"id":"jenkins","attributes":{"managed":true}},"service":{"name":"jenkins"}}}]}`},
	} {
		req, err := mustLookup(t, c.tool).Bind(args(t, c.args))
		if err != nil {
			t.Fatal(err)
		}
		if string(req.Body) != c.want {
			t.Errorf("%s body\n got  %s\n want %s", c.tool, req.Body, c.want)
		}
	}
}

// TestEntityStoreExamplesSucceedInSandbox runs every example of the entity
// store tools against a fresh seeded sandbox: each must succeed, not only
// be accepted (the contract test allows 404 and 409).
func TestEntityStoreExamplesSucceedInSandbox(t *testing.T) {
	for _, op := range entityStoreOperations {
		for i, example := range op.Examples {
			_, client := sandboxtest.New(t, nil)
			if isErr, texts := callFlow(t, client, op.Name, example); isErr {
				t.Errorf("%s example %d: %v", op.Name, i, texts)
			}
		}
	}
}
