package sandbox

// A case whose settings sync its alerts (settings.syncAlerts) carries its
// status to the detection alerts attached to it, as Kibana's cases do:
//
//   - a status change moves the case's alerts to the matching workflow
//     status (open → open, in-progress → acknowledged, closed → closed);
//   - turning syncAlerts on moves them to the case's current status;
//   - alerts attached to such a case take its status;
//   - a push that closes the case (close-by-pushing) closes them.
//
// A case with syncAlerts off changes no alert. The seed sets its alerts'
// statuses itself (they are as the story's analysts left them) and does
// not go through here.

// caseAlertStatuses maps a case status to the workflow status its synced
// alerts take.
var caseAlertStatuses = map[string]string{"open": "open", "in-progress": "acknowledged", "closed": "closed"}

// syncCaseAlerts moves every alert attached to a case to the workflow
// status of the given case status.
func (k *Kibana) syncCaseAlerts(sp *space, cs *caseDoc, caseStatus string) {
	st := &sp.cases
	for _, id := range cs.comments {
		if cm := st.comments[id]; cm != nil && cm.typ == "alert" {
			k.syncAlertStatus(sp, cm.alertIDs, cm.indices, caseStatus)
		}
	}
}

// syncAlertStatus moves the alerts given by id and index to the workflow
// status of a case status, the way Kibana's update script does: an alert
// already there, or without a workflow status, is left alone; the change
// is dated; a reason stays only on a closed alert. Alerts of other indices
// are not the detection engine's, and a missing alert is skipped.
func (k *Kibana) syncAlertStatus(sp *space, ids, indices []string, caseStatus string) {
	status, ok := caseAlertStatuses[caseStatus]
	if !ok {
		status = "open"
	}
	st := &sp.alerts
	if st.index == nil {
		return
	}
	at := k.now()
	for i, id := range ids {
		if i >= len(indices) || (indices[i] != st.index.name && indices[i] != alertsAliasName(sp.id)) {
			continue
		}
		d := st.index.get(id)
		if d == nil {
			continue
		}
		cur, _ := d.source["kibana.alert.workflow_status"].(string)
		if cur == "" || cur == status {
			continue
		}
		d.set("kibana.alert.workflow_status", status)
		d.set("kibana.alert.workflow_status_updated_at", at)
		if status != "closed" {
			d.set("kibana.alert.workflow_reason", nil)
		}
	}
}
