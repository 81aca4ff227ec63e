package sandbox

import (
	"math/rand/v2"
	"net/http"
	"strings"
)

// The Machine Learning saved-object sync: Kibana keeps a saved object for
// each anomaly detection job, data frame analytics job and trained model
// that Elasticsearch has, so that spaces can hold them. Jobs created
// through Elasticsearch's API lack one; objects of deleted jobs linger; a
// job's object may not know its datafeed, or know one that is gone. The
// sync mends all four, or with simulate=true only says what it would do.
//
// The sandbox keeps both sides per space: what Elasticsearch has
// (mlState.jobs) and the saved objects (mlState.objects).

// mlState holds a space's machine learning jobs and their saved objects.
// Its zero value has neither, and a sync there has nothing to do.
type mlState struct {
	jobs    []*mlJob // what Elasticsearch has
	objects []*mlObject
}

// The kinds of machine learning saved objects, as the sync answer names
// them.
const (
	mlAnomalyDetector = "anomaly-detector"
	mlDataFrame       = "data-frame-analytics"
	mlTrainedModel    = "trained-model"
)

// mlJob is a job or trained model in Elasticsearch.
type mlJob struct {
	kind, id string
	datafeed string // an anomaly detector's datafeed, "" for none
}

// mlObject is the saved object of a job or trained model.
type mlObject struct {
	kind, id string
	datafeed string // the datafeed the object records
}

func (st *mlState) job(kind, id string) *mlJob {
	for _, j := range st.jobs {
		if j.kind == kind && j.id == id {
			return j
		}
	}
	return nil
}

func (st *mlState) object(kind, id string) *mlObject {
	for _, o := range st.objects {
		if o.kind == kind && o.id == id {
			return o
		}
	}
	return nil
}

func (k *Kibana) mlRoutes() []route {
	return []route{
		newRoute(http.MethodGet, "/api/ml/saved_objects/sync", k.syncMLSavedObjects),
	}
}

// syncMLSavedObjects answers what the sync did (or, with simulate, would
// do), by kind and id, each {success: true}.
func (k *Kibana) syncMLSavedObjects(c *call) {
	simulate := false
	switch s := c.query("simulate"); strings.ToLower(s) {
	case "":
	case "true":
		simulate = true
	case "false":
	default:
		c.badRequest("[request query.simulate]: expected value of type [boolean] but got [string]")
		return
	}
	st := &c.space.ml
	created, deleted := map[string]any{}, map[string]any{}
	added, removed := map[string]any{}, map[string]any{}
	note := func(into map[string]any, kind, id string) {
		byKind, _ := into[kind].(map[string]any)
		if byKind == nil {
			byKind = map[string]any{}
			into[kind] = byKind
		}
		byKind[id] = map[string]any{"success": true}
	}
	var keep []*mlObject
	for _, o := range st.objects {
		if st.job(o.kind, o.id) == nil {
			note(deleted, o.kind, o.id)
			continue
		}
		keep = append(keep, o)
	}
	var create []*mlObject
	for _, j := range st.jobs {
		if st.object(j.kind, j.id) == nil {
			note(created, j.kind, j.id)
			create = append(create, &mlObject{kind: j.kind, id: j.id, datafeed: j.datafeed})
		}
	}
	for _, o := range keep {
		j := st.job(o.kind, o.id)
		if o.kind != mlAnomalyDetector || j.datafeed == o.datafeed {
			continue
		}
		if o.datafeed != "" {
			removed[o.id] = map[string]any{"success": true}
		}
		if j.datafeed != "" {
			added[o.id] = map[string]any{"success": true}
		}
		if !simulate {
			o.datafeed = j.datafeed
		}
	}
	if !simulate {
		st.objects = append(keep, create...)
	}
	c.ok(map[string]any{
		"savedObjectsCreated": created, "savedObjectsDeleted": deleted,
		"datafeedsAdded": added, "datafeedsRemoved": removed,
	})
}

// mlSeed is a space's machine learning, out of step in the ways the story
// needs: jobs made through Elasticsearch, objects of deleted jobs, stale
// datafeed references.
type mlSeed struct {
	jobs    []mlJob
	objects []mlObject
}

func mlSeedFor(spaceID string) mlSeed {
	df := func(job string) string { return "datafeed-" + job }
	if spaceID == "soc" {
		return mlSeed{
			jobs: []mlJob{
				{mlAnomalyDetector, "auth_rare_user", df("auth_rare_user")},
				{mlAnomalyDetector, "auth_high_count_logon_fails", ""},
				{mlAnomalyDetector, "dns_tunneling_high_entropy", df("dns_tunneling_high_entropy")},
				{mlDataFrame, "backup-egress-outliers", ""},
				{mlTrainedModel, ".elser_model_2_linux-x86_64", ""},
			},
			objects: []mlObject{
				{mlAnomalyDetector, "auth_rare_user", df("auth_rare_user")},
				{mlAnomalyDetector, "auth_high_count_logon_fails", df("auth_high_count_logon_fails")},
				{mlAnomalyDetector, "v2_linux_rare_metadata_process", df("v2_linux_rare_metadata_process")},
				{mlDataFrame, "backup-egress-outliers", ""},
			},
		}
	}
	return mlSeed{
		jobs: []mlJob{
			{mlAnomalyDetector, "high_count_network_denies", df("high_count_network_denies")},
			{mlAnomalyDetector, "suspicious_login_activity", df("suspicious_login_activity")},
			{mlAnomalyDetector, "rare_process_by_host_windows", df("rare_process_by_host_windows")},
			{mlAnomalyDetector, "dns_tunneling_build_hosts", df("dns_tunneling_build_hosts")},
			{mlDataFrame, "finance-logon-outliers", ""},
			{mlTrainedModel, "lang_ident_model_1", ""},
			{mlTrainedModel, ".elser_model_2", ""},
		},
		objects: []mlObject{
			{mlAnomalyDetector, "high_count_network_denies", df("high_count_network_denies")},
			{mlAnomalyDetector, "suspicious_login_activity", ""},
			{mlAnomalyDetector, "v2_windows_anomalous_network_activity", df("v2_windows_anomalous_network_activity")},
			{mlDataFrame, "finance-logon-outliers", ""},
			{mlTrainedModel, "lang_ident_model_1", ""},
		},
	}
}

// seedML gives a space its jobs and their saved objects, out of step.
func (k *Kibana) seedML(sp *space, _ *rand.Rand) {
	s := mlSeedFor(sp.id)
	st := &sp.ml
	for _, j := range s.jobs {
		st.jobs = append(st.jobs, &mlJob{kind: j.kind, id: j.id, datafeed: j.datafeed})
	}
	for _, o := range s.objects {
		st.objects = append(st.objects, &mlObject{kind: o.kind, id: o.id, datafeed: o.datafeed})
	}
}
