package sandbox

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// The Elastic Endpoint exception list. As in Kibana, it is the agnostic
// exception list endpoint_list (type endpoint, one for every space) and
// its items are exception items of that list: /api/exception_lists reads
// and changes them too. These routes are a thin layer over the
// exception-list store (exception_lists*.go) that keeps the endpoint_list
// routes' own answers: a missing list is created before every write, and
// their errors have their own wording.

const (
	epListID   = "endpoint_list"
	epListName = "Endpoint Security Exception List"
	epSOType   = "exception-list-agnostic" // the saved object type errors name
)

// endpointStore is the store that holds the list: the agnostic one.
func (k *Kibana) endpointStore(c *call) *exStore { return k.exStoreFor(c.space, "agnostic") }

// ensureEndpointList creates the list when it is missing, with the id
// Kibana gives it (its list_id), and answers it; nil when it was there.
func (k *Kibana) ensureEndpointList(c *call, st *exStore) *exList {
	if st.list("", epListID) != nil {
		return nil
	}
	l := &exList{id: epListID, listID: epListID, typ: "endpoint", name: epListName, description: epListName, ns: "agnostic"}
	k.addList(c, st, l)
	return l
}

// createEndpointList creates the list; an empty object means it exists.
func (k *Kibana) createEndpointList(c *call) {
	if l := k.ensureEndpointList(c, k.endpointStore(c)); l != nil {
		c.ok(exListDoc(l))
		return
	}
	c.ok(map[string]any{})
}

func (k *Kibana) createEndpointListItem(c *call) {
	if !c.requireBody() {
		return
	}
	in, issues := checkItemBody(c.body, false)
	if len(issues) > 0 {
		c.badRequest(issues.message("request body"))
		return
	}
	st := k.endpointStore(c)
	if itemIDTaken(c, st, in.itemID) {
		return
	}
	k.ensureEndpointList(c, st)
	c.ok(exItemDoc(k.storeItem(c, st, &exItemInput{exItemCore: in}, epListID, "agnostic")))
}

func (k *Kibana) updateEndpointListItem(c *call) {
	if !c.requireBody() {
		return
	}
	in, issues := checkItemBody(c.body, true)
	if len(issues) > 0 {
		c.badRequest(issues.message("request body"))
		return
	}
	st := k.endpointStore(c)
	k.ensureEndpointList(c, st)
	k.updateItem(c, st, &exItemInput{exItemCore: in})
}

// Reads and deletes find the item by id or item_id among all the agnostic
// items, as Kibana's do.

func (k *Kibana) getEndpointListItem(c *call) { getItem(c, k.endpointStore(c), exItemRefNeeded) }

func (k *Kibana) deleteEndpointListItem(c *call) { deleteItem(c, k.endpointStore(c), exItemRefNeeded) }

func (k *Kibana) findEndpointListItems(c *call) {
	page, perPage, order, ok := exPaging(c, 0)
	if !ok {
		return
	}
	sortField, ok := exItemSortField(c, epSOType)
	if !ok {
		return
	}
	items, ok := listItems(c, k.endpointStore(c), epListID, c.query("filter"), epSOType, fmt.Sprintf(`list id: "%s" does not exist`, epListID))
	if ok {
		answerItems(c, items, sortField, order, page, perPage, 0)
	}
}

// endpointListSeed is the story's Endpoint exceptions: the backup, build
// and inventory tools of the default space's hosts and those of the soc
// space's, in the one list both spaces share.
var endpointListSeed = exSeedList{
	listID: epListID, typ: "endpoint", name: epListName, description: epListName,
	items: []exSeedItem{
		{itemID: "backup-agent-fileservers", name: "Backup agent on file servers", description: "Nightly backups read every file on the shares.", by: "snovak",
			entries: []any{exMatch("process.executable", `C:\Program Files\Acme Backup\bin\agent.exe`), exMatch("user.name", "svc-backup")},
			osTypes: []string{"windows"}, tags: []string{"policy:all"}, comment: "Kept after the fs-02 incident: the encryptor ran as svc-backup but not from this path."},
		{itemID: "build-farm-toolchain", name: "Build farm toolchain", description: "Compilers and linkers on the build farm write executables all day.", by: "rpatel",
			entries: []any{map[string]any{"type": "match_any", "field": "process.name", "operator": "included", "value": []any{"gcc", "ld", "cc1"}},
				map[string]any{"type": "wildcard", "field": "file.path", "operator": "included", "value": "/srv/build/*"}},
			osTypes: []string{"linux"}, tags: []string{"policy:all"}},
		{itemID: "it-inventory-script", name: "IT inventory script", description: "Weekly inventory run by the IT team.", by: "jdoe",
			entries: []any{exMatch("process.name", "powershell.exe"), map[string]any{"type": "exists", "field": "process.parent.name", "operator": "included"},
				exMatch("process.parent.name", "CcmExec.exe")},
			osTypes: []string{"windows"}, tags: []string{"policy:all", "it"}},
		{itemID: "veeam-agent-backups", name: "Veeam agent on backup servers", description: "The backup agent reads and rewrites every backup file nightly.", by: "snovak",
			entries: []any{exMatch("process.executable", `C:\Program Files\Veeam\Backup\VeeamAgent.exe`),
				map[string]any{"type": "nested", "field": "process.Ext.code_signature", "entries": []any{
					map[string]any{"type": "match", "field": "trusted", "operator": "included", "value": "true"},
					map[string]any{"type": "match", "field": "subject_name", "operator": "included", "value": "Veeam Software Group GmbH"}}}},
			osTypes: []string{"windows"}, tags: []string{"policy:all"}, comment: "Checked the signature with the vendor."},
		{itemID: "sql-agent-jobs", name: "SQL Server Agent maintenance jobs", description: "Index maintenance spawns PowerShell from sqlagent.exe.", by: "mchen",
			entries: []any{exMatch("process.parent.name", "SQLAGENT.EXE"), exMatch("process.name", "powershell.exe"),
				map[string]any{"type": "wildcard", "field": "process.command_line", "operator": "included", "value": "*Invoke-IndexMaintenance*"}},
			osTypes: []string{"windows"}, tags: []string{"policy:all"}},
	},
}

// seedEndpointList stores the story's Endpoint list in the agnostic store.
func (k *Kibana) seedEndpointList(st *exStore, now time.Time, rng *rand.Rand) {
	l := k.seedExList(st, "agnostic", "agnostic", endpointListSeed, now, rng)
	l.id = epListID
}
