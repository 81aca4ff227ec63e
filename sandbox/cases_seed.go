package sandbox

import (
	"math/rand/v2"
	"slices"
	"time"
)

// The cases of the story: a security-operations team working the incidents
// the story's rules raised, plus a few cases of the other owner apps.

// caseTeamMember is a user of the story.
type caseTeamMember struct{ username, fullName, email string }

var caseTeam = []caseTeamMember{
	{"elastic", "", ""},
	{"jdoe", "Jane Doe", "jane.doe@example.com"},
	{"mchen", "Ming Chen", "ming.chen@example.com"},
	{"aokafor", "Ada Okafor", "ada.okafor@example.com"},
	{"snovak", "Sara Novak", "sara.novak@example.com"},
	{"rpatel", "Raj Patel", "raj.patel@example.com"},
}

// caseTeamUser describes a user by username: the story's team with names and
// emails, anyone else with a username only.
func caseTeamUser(username string) caseUser {
	for _, m := range caseTeam {
		if m.username == username {
			return newCaseUser(m.username, m.fullName, m.email)
		}
	}
	return newCaseUser(username, "", "")
}

// caseSeedComment is a user comment of a seeded case.
type caseSeedComment struct{ by, text string }

// caseSeed is a case of the story and what happened to it.
type caseSeed struct {
	owner, title, description, severity, status, category string
	tags                                                  []string
	reporter                                              string
	assignees                                             []string
	daysAgo                                               int
	hoursAgo                                              int // for a case opened today: instead of daysAgo
	rule                                                  int // index in storyRules of the rule whose alerts it tracks; -1 for none
	alerts                                                int // how many of them to attach
	comments                                              []caseSeedComment
	push, noSync                                          bool
}

var defaultSpaceCases = []caseSeed{
	{owner: "securitySolution", title: "Phishing wave targeting finance: fake invoice lure", severity: "high", status: "in-progress", category: "phishing",
		tags: []string{"phishing", "finance", "email"}, reporter: "jdoe", assignees: []string{"jdoe", "mchen"}, daysAgo: 9, rule: 1, alerts: 4, push: true,
		description: "14 users in Finance received an invoice-themed email from lookalike domain invoices-contoso[.]com. Three users clicked the link; one entered credentials on the fake O365 page.",
		comments: []caseSeedComment{
			{"jdoe", "Blocked the sender domain and the landing URL at the mail gateway and proxy."},
			{"mchen", "Password reset and session revocation done for the user who submitted credentials. No MFA prompts approved."},
			{"jdoe", "Purged the remaining 11 copies from mailboxes. Waiting for the proxy logs to confirm nobody else visited the page."},
		}},
	{owner: "securitySolution", title: "Brute force against VPN gateway vpn-gw-01", severity: "high", status: "open", category: "credential-access",
		tags: []string{"brute-force", "vpn", "credential-access"}, reporter: "elastic", assignees: []string{"aokafor"}, daysAgo: 2, rule: 0, alerts: 6,
		description: "{brute.failures} failed logins against vpn-gw-01 from {brute.sources}, in {brute.bursts} bursts, followed by one successful login for {brute.user} at {brute.success}.",
		comments: []caseSeedComment{
			{"aokafor", "svc-backup should never log in through the VPN. Disabled the account pending review."},
		}},
	{owner: "securitySolution", title: "Ransomware encryption on file server fs-02", severity: "critical", status: "open", category: "malware",
		tags: []string{"ransomware", "fileserver", "incident"}, reporter: "snovak", assignees: []string{"snovak", "rpatel"}, hoursAgo: 5, rule: 2, alerts: 5, push: true,
		description: "Files on \\\\fs-02\\projects and \\\\fs-02\\finance are being renamed to .locked again, three weeks after the first encryption on this server, and the ransom note README_RESTORE.txt is back in every folder.",
		comments: []caseSeedComment{
			{"snovak", "Same encryptor as the first time: C:\\ProgramData\\svchost32.exe, started at {ransom.start} by the scheduled task \"Backup Sync\", running as svc-backup."},
			{"rpatel", "svc-backup is the account brute-forced through vpn-gw-01. Its password was also set on a scheduled task on fs-02, which kept working after the VPN account was disabled."},
			{"aokafor", "Rotating every service account password set on fs-02 and reviewing the scheduled tasks of the other file servers."},
			{"snovak", "Checking last night's snapshot before restoring. No large transfers out in the egress logs so far."},
		}},
	{owner: "securitySolution", title: "Suspicious encoded PowerShell on WS-0142", severity: "medium", status: "in-progress", category: "malware",
		tags: []string{"powershell", "execution", "endpoint"}, reporter: "mchen", assignees: []string{"mchen"}, daysAgo: 5, rule: 3, alerts: 2,
		description: "powershell.exe -nop -w hidden -enc ... spawned by winword.exe on WS-0142 after the user opened a macro-enabled attachment.",
		comments: []caseSeedComment{
			{"mchen", "Decoded payload downloads a second stage, stage2.ps1, from 203.0.113.45; then whoami, net group \"Domain Admins\" and nltest ran under it."},
		}},
	{owner: "securitySolution", title: "Possible DNS tunneling from build server", severity: "medium", status: "open", category: "exfiltration",
		tags: []string{"dns", "exfiltration"}, reporter: "elastic", daysAgo: 1, rule: 4, alerts: 3,
		description: "build-03 sent {dns.queries} long, high-entropy TXT queries to subdomains of {dns.domain}, a domain registered last week, in {dns.bursts} bursts over the last {dns.days} days."},
	{owner: "securitySolution", title: "Impossible travel sign-in for a sales account", severity: "low", status: "closed", category: "credential-access",
		tags: []string{"identity", "false-positive"}, reporter: "aokafor", assignees: []string{"aokafor"}, daysAgo: 16, rule: -1,
		description: "Sign-ins from Lisbon and Singapore 40 minutes apart for the same sales account.",
		comments: []caseSeedComment{
			{"aokafor", "The Singapore sign-in is the corporate VPN egress. Benign; added the egress range to the allow list."},
		}},
	{owner: "securitySolution", title: "Leaked API key found in public repository", severity: "high", status: "open", category: "data-exposure",
		tags: []string{"secrets", "github"}, reporter: "rpatel", hoursAgo: 2, rule: -1,
		description: "A payments service API key was committed to a public GitHub repository by a developer's personal account 4 days ago.",
		comments: []caseSeedComment{
			{"rpatel", "Key revoked and rotated. Asking GitHub to purge the commit from caches."},
		}},
	{owner: "securitySolution", title: "Malicious OAuth app consent in Microsoft 365", severity: "high", status: "in-progress", category: "phishing",
		tags: []string{"cloud", "identity", "phishing"}, reporter: "jdoe", assignees: []string{"jdoe"}, daysAgo: 6, rule: -1, noSync: true,
		description: "Two users granted Mail.Read and offline_access to an unverified app named 'Doc Viewer Pro'."},
	{owner: "observability", title: "Checkout latency SLO breach after deploy", severity: "medium", status: "closed", category: "performance",
		tags: []string{"slo", "checkout"}, reporter: "elastic", daysAgo: 12, rule: -1,
		description: "p95 latency of the checkout service went from 300 ms to 2.4 s right after release 2024.18.",
		comments:    []caseSeedComment{{"elastic", "Rolled back to 2024.17; latency back to normal. Root cause: missing index on the orders table."}}},
	{owner: "observability", title: "Disk pressure on logging cluster node es-hot-3", severity: "low", status: "open",
		tags: []string{"capacity", "elasticsearch"}, reporter: "elastic", daysAgo: 4, rule: -1,
		description: "es-hot-3 crossed the 85% disk watermark; shards are relocating."},
	{owner: "cases", title: "Rotate expiring TLS certificate for kibana.example.com", severity: "low", status: "in-progress", category: "maintenance",
		tags: []string{"maintenance", "tls"}, reporter: "rpatel", assignees: []string{"rpatel"}, daysAgo: 8, rule: -1,
		description: "The certificate expires in 21 days. Request a new one from the internal CA and roll it to both Kibana instances."},
	{owner: "cases", title: "Quarterly privileged access review", severity: "low", status: "open", category: "compliance",
		tags: []string{"compliance", "access-review"}, reporter: "snovak", daysAgo: 25, rule: -1,
		description: "Review members of Domain Admins, cloud owner roles and break-glass accounts; attach the signed export."},
}

var socSpaceCases = []caseSeed{
	{owner: "securitySolution", title: "Credential stuffing against customer portal", severity: "high", status: "in-progress", category: "credential-access",
		tags: []string{"brute-force", "web", "credential-access"}, reporter: "aokafor", assignees: []string{"aokafor", "jdoe"}, daysAgo: 4, rule: 0, alerts: 5,
		description: "{brute.failures} failed logins on the customer portal (portal-web-01) from a rotating proxy network ({brute.sources}) against {brute.accounts} accounts, in {brute.bursts} bursts; then {brute.user} logged in at {brute.success}.",
		comments: []caseSeedComment{
			{"aokafor", "Rate limiting enabled on /login and a CAPTCHA challenge for the proxy ASN."},
			{"jdoe", "Forced password resets for the {brute.accounts} targeted accounts; customer support briefed."},
		}},
	{owner: "securitySolution", title: "Spear-phishing of executive assistants", severity: "critical", status: "open", category: "phishing",
		tags: []string{"phishing", "vip", "email"}, reporter: "jdoe", assignees: []string{"jdoe"}, daysAgo: 1, rule: 1, alerts: 3,
		description: "Tailored emails impersonating the CFO asked four executive assistants to review a 'board pack' on a lookalike SharePoint site."},
	{owner: "securitySolution", title: "Ransomware staged on backup server bkp-01", severity: "critical", status: "in-progress", category: "malware",
		tags: []string{"ransomware", "backup", "incident"}, reporter: "snovak", assignees: []string{"snovak", "mchen"}, daysAgo: 3, rule: 2, alerts: 4,
		description: "Encryption tooling and a renamed rclone binary found on bkp-01; shadow copies were deleted at {ransom.shadows}.",
		comments: []caseSeedComment{
			{"snovak", "bkp-01 isolated. Offline backups verified intact."},
			{"mchen", "Attacker used a domain admin token stolen from a jump host; resetting krbtgt twice tonight."},
		}},
	{owner: "securitySolution", title: "PowerShell download cradle on domain controller DC-02", severity: "critical", status: "open", category: "malware",
		tags: []string{"powershell", "execution", "domain-controller"}, reporter: "elastic", assignees: []string{"mchen"}, daysAgo: 2, rule: 3, alerts: 2,
		description: "IEX (New-Object Net.WebClient).DownloadString(...) executed by a service account on DC-02."},
	{owner: "securitySolution", title: "DNS tunneling to newly registered domain", severity: "high", status: "closed", category: "exfiltration",
		tags: []string{"dns", "exfiltration"}, reporter: "rpatel", assignees: []string{"rpatel"}, daysAgo: 14, rule: 4, alerts: 3, push: true,
		description: "Workstation fin-ws-07 generated {dns.queries} TXT queries to {dns.domain}, a domain registered days earlier, in {dns.bursts} bursts.",
		comments: []caseSeedComment{
			{"rpatel", "The process was an unsanctioned remote-access tool installed by the user. Removed; domain sinkholed."},
		}},
	{owner: "securitySolution", title: "Lateral movement via PsExec from jump host", severity: "high", status: "open", category: "lateral-movement",
		tags: []string{"lateral-movement", "psexec"}, reporter: "mchen", daysAgo: 2, rule: -1,
		description: "PSEXESVC service installs on 7 servers within 10 minutes, all from jump-02 under an admin account."},
	{owner: "securitySolution", title: "Insider upload to personal cloud storage", severity: "medium", status: "in-progress", category: "exfiltration",
		tags: []string{"insider", "exfiltration", "dlp"}, reporter: "snovak", assignees: []string{"snovak"}, daysAgo: 7, rule: -1, noSync: true,
		description: "A departing engineer uploaded 3.2 GB of design documents to a personal cloud drive in the last week of employment.",
		comments:    []caseSeedComment{{"snovak", "HR and legal informed; account access limited to email only."}}},
	{owner: "securitySolution", title: "Phishing kit hosted on compromised partner site", severity: "medium", status: "closed", category: "phishing",
		tags: []string{"phishing", "third-party"}, reporter: "jdoe", assignees: []string{"jdoe"}, daysAgo: 18, rule: 1, alerts: 2,
		description: "A supplier's WordPress site serves a copy of our SSO login page.",
		comments:    []caseSeedComment{{"jdoe", "Supplier cleaned the site and rotated their admin credentials; takedown confirmed."}}},
	{owner: "securitySolution", title: "Unusual admin logins outside business hours", severity: "low", status: "closed", category: "credential-access",
		tags: []string{"identity", "false-positive"}, reporter: "aokafor", daysAgo: 22, rule: -1,
		description: "Admin logins at 02:00-04:00 local time for two IT staff.",
		comments:    []caseSeedComment{{"aokafor", "Scheduled maintenance window, approved change CHG-4471. Benign."}}},
	{owner: "observability", title: "Log ingestion gap from EU firewall cluster", severity: "medium", status: "open", category: "data-quality",
		tags: []string{"ingest", "firewall"}, reporter: "elastic", daysAgo: 5, rule: -1,
		description: "No events from fw-eu-1 and fw-eu-2 between 11:20 and 13:05 UTC; detection coverage was reduced for that window."},
	{owner: "cases", title: "Tabletop exercise follow-ups: ransomware playbook", severity: "low", status: "open", category: "process",
		tags: []string{"playbook", "ransomware"}, reporter: "rpatel", assignees: []string{"rpatel", "snovak"}, daysAgo: 10, rule: -1,
		description: "Action items from the ransomware tabletop: offline contact list, decision tree for paying, backup restore timings."},
}

// seedCases fills a space with its cases: case settings first (custom fields
// apply to the cases then created), then each case with its alerts,
// comments, status changes and pushes, all recorded as activity.
func (k *Kibana) seedCases(sp *space, rng *rand.Rand) {
	st := &sp.cases
	st.init()
	now := k.cfg.Now().UTC()
	pushTo, hasPush := caseConnectorOf(sp.seededConnectors)
	configConnector := noCaseConnector
	if hasPush {
		configConnector = caseConnector{ID: pushTo.ID, Name: pushTo.Name, Type: pushTo.Type}
	}
	catalog, closure := defaultSpaceCases, "close-by-user"
	if sp.id != "default" {
		catalog, closure = socSpaceCases, "close-by-pushing"
	}
	st.configure(k, map[string]any{
		"owner": "securitySolution", "closure_type": closure, "connector": configConnector,
		"customFields": []map[string]any{
			{"key": "ticket_ref", "label": "Ticket reference", "type": "text", "required": false},
			{"key": "escalated", "label": "Escalated to management", "type": "toggle", "required": false},
		},
		"templates": []map[string]any{{
			"key": "phishing", "name": "Phishing report", "description": "Start point for reported phishing mails.", "tags": []any{"phishing"},
			"caseFields": map[string]any{"title": "Phishing report", "severity": "medium", "tags": []any{"phishing"}, "category": "phishing",
				"settings": map[string]any{"syncAlerts": true}},
		}},
	}, caseTeamUser("elastic"), now.AddDate(0, 0, -60))

	// Alerts by story rule, each attached to one case at most.
	alertsOf := make([][]alertRef, len(storyRules))
	for _, a := range sp.seededAlerts {
		for i, r := range storyRules {
			if a.RuleName == r.Name || a.RuleID == r.RuleID || a.RuleID == ruleIDIn(sp.id, i) {
				alertsOf[i] = append(alertsOf[i], a)
				break
			}
		}
	}

	// What the texts say of the events, from the alerts (story_facts.go).
	cast := castFor(sp.id, now)
	facts := factsOf(cast, storyAlerts(sp), now)
	for _, sc := range catalog {
		jitter := time.Duration(rng.IntN(600)) * time.Minute
		created := now.AddDate(0, 0, -sc.daysAgo).Add(-jitter)
		if sc.hoursAgo > 0 {
			created = now.Add(-time.Duration(sc.hoursAgo)*time.Hour - jitter/20)
		}
		at := func(frac float64) time.Time {
			return created.Add(time.Duration(frac * float64(now.Sub(created))))
		}
		in := caseNewInput{
			title: sc.title, description: storyText(sc.description, cast, facts), owner: sc.owner, severity: sc.severity,
			tags: sc.tags, connector: noCaseConnector, settings: caseSettings{SyncAlerts: !sc.noSync},
		}
		if sc.category != "" {
			cat := sc.category
			in.category = &cat
		}
		for _, a := range sc.assignees {
			in.assignees = append(in.assignees, caseAssignee{UID: caseProfileUID(a)})
		}
		if sc.push && hasPush {
			in.connector = caseConnector{ID: pushTo.ID, Name: pushTo.Name, Type: pushTo.Type, Fields: seedConnectorFields(pushTo.Type, sc.severity)}
		}
		if sc.owner == "securitySolution" && sc.severity == "critical" {
			in.customFields = []caseCustomField{{Key: "escalated", Type: "toggle", Value: true}}
		}
		in.customFields, _ = checkCustomFields(st.configFor(sc.owner), in.customFields)
		cs := st.create(k, in, caseTeamUser(sc.reporter), created)

		worker := sc.reporter
		if len(sc.assignees) > 0 {
			worker = sc.assignees[0]
		}
		if sc.rule >= 0 && sc.alerts > 0 && len(alertsOf[sc.rule]) > 0 {
			n := min(sc.alerts+rng.IntN(2), len(alertsOf[sc.rule]))
			picked := alertsOf[sc.rule][:n]
			alertsOf[sc.rule] = alertsOf[sc.rule][n:]
			cm := &caseCommentDoc{typ: "alert"}
			for _, a := range picked {
				cm.alertIDs, cm.indices = append(cm.alertIDs, a.ID), append(cm.indices, a.Index)
			}
			ruleID, ruleName := picked[0].RuleID, picked[0].RuleName
			cm.rule = caseRule{ID: &ruleID, Name: &ruleName}
			st.attach(k, cs, cm, caseTeamUser(sc.reporter), at(0.02))
		}
		if sc.status != "open" {
			st.apply(k, cs, casePatch{status: casePtr("in-progress")}, caseTeamUser(worker), at(0.06))
		}
		for i, c := range sc.comments {
			st.attach(k, cs, &caseCommentDoc{typ: "user", comment: storyText(c.text, cast, facts)}, caseTeamUser(c.by), at(0.1+0.5*float64(i)/float64(len(sc.comments))))
		}
		closeByPush := sc.push && hasPush && sc.status == "closed" && closure == "close-by-pushing"
		if sc.push && hasPush {
			frac := 0.65
			if closeByPush {
				frac = 0.8
			}
			st.push(k, cs, pushTo, caseTeamUser(worker), at(frac))
		}
		if sc.status == "closed" && !closeByPush {
			st.apply(k, cs, casePatch{status: casePtr("closed")}, caseTeamUser(worker), at(0.8))
		}
	}
}

func casePtr[T any](v T) *T { return &v }

// caseConnectorOf picks the connector the story's cases push through: the
// first seeded one that can take cases.
func caseConnectorOf(conns []connectorRef) (connectorRef, bool) {
	i := slices.IndexFunc(conns, func(c connectorRef) bool {
		return c.Type != ".none" && slices.Contains(caseConnectorTypes, c.Type)
	})
	if i < 0 {
		return connectorRef{}, false
	}
	return conns[i], true
}

// seedConnectorFields are a seeded case's connector fields for a connector
// type, set from the case's severity.
func seedConnectorFields(connectorType, severity string) any {
	level := map[string]string{"critical": "1", "high": "1", "medium": "2", "low": "3"}[severity]
	switch connectorType {
	case ".jira":
		priority := map[string]string{"critical": "Highest", "high": "High", "medium": "Medium", "low": "Low"}[severity]
		return map[string]any{"issueType": "10006", "priority": priority, "parent": nil}
	case ".servicenow":
		return map[string]any{"impact": level, "severity": level, "urgency": level, "category": "security", "subcategory": nil}
	case ".servicenow-sir":
		return map[string]any{"category": "intrusion", "subcategory": nil, "priority": level, "destIp": true, "sourceIp": true, "malwareHash": true, "malwareUrl": true}
	case ".resilient":
		return map[string]any{"issueTypes": []any{"21"}, "severityCode": level}
	case ".swimlane":
		return map[string]any{"caseId": nil}
	}
	return nil
}
