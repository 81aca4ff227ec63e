package sandbox

import (
	"fmt"
	"strings"
	"time"
)

// The organisation's cloud logs: AWS CloudTrail, Okta's system log and
// Entra ID (Azure) sign-in and audit logs. Mostly its people's ordinary
// day; the story shows in them where the same actor would: the addresses
// that ran the brute force also spray passwords at Okta and Entra ID in
// the same hours, and the account they won (its access key, kept on the
// gateway) is used from their address to look around the AWS account.

// cloudOrg is a space's cloud identity: its AWS account and its domain.
func cloudOrg(c alertCast) (account, domain string) {
	if c.domain == "NORTHWIND" {
		return "210987654321", "northwind.example"
	}
	return "123456789012", "acme.example"
}

// upn is a user's sign-in name.
func upn(c alertCast, user string) string {
	_, d := cloudOrg(c)
	return strings.ReplaceAll(user, " ", ".") + "@" + d
}

const (
	browserUA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
	sprayUA   = "python-requests/2.31.0"
	cliUA     = "aws-cli/2.15.30 Python/3.11.8 Linux/5.15.0-105-generic exe/x86_64.ubuntu.22 prompt/off command/sts.get-caller-identity"
)

// cloud adds a space's cloud logs.
func (g *evGen) cloud(c alertCast, alerts []storyAlert) {
	var brute []storyAlert
	for _, a := range alerts {
		if a.ruleID == "brute-force-logins" {
			brute = append(brute, a)
		}
	}
	people := append(append([]string{}, c.financeUsers...), c.psUser, c.dnsUser)
	week := int64(7 * 24 * time.Hour)
	officeIP := func() string { return fmt.Sprintf("198.18.%d.%d", 10+len(c.domain)%5, 2+g.rng.IntN(200)) }

	// Okta and Entra ID: ordinary sign-ins, then the spray.
	apps := []string{"Salesforce", "Slack", "Workday", "Office 365", "Zoom"}
	for i := range 40 {
		u := people[i%len(people)]
		at := g.now.Add(-time.Duration(g.rng.Int64N(week)))
		ip := officeIP()
		g.okta(c, at, u, ip, browserUA, "user.session.start", "SUCCESS", "", "")
		g.okta(c, at.Add(time.Duration(5+g.rng.IntN(120))*time.Second), u, ip, browserUA, "user.authentication.sso", "SUCCESS", "", apps[g.rng.IntN(len(apps))])
		g.signin(c, at.Add(time.Duration(g.rng.IntN(600))*time.Second), u, ip, browserUA, []string{"Microsoft Teams", "Office 365 Exchange Online", "Microsoft Office"}[i%3], 0)
	}
	for _, a := range brute {
		if a.outcome == "success" {
			continue
		}
		// a round of the spray against the cloud identity providers
		src := a.sourceIP
		if src == "" {
			src = c.attackers[0]
		}
		for j, u := range people {
			at := a.at.Add(time.Duration(j*20+g.rng.IntN(15)) * time.Second)
			g.okta(c, at, u, src, sprayUA, "user.session.start", "FAILURE", "INVALID_CREDENTIALS", "")
			g.signin(c, at.Add(3*time.Second), u, src, sprayUA, "Azure Active Directory PowerShell", 50126)
		}
	}

	// Entra ID audit: ordinary administration.
	for i := range 8 {
		at := g.now.Add(-time.Duration(g.rng.Int64N(week)))
		op := []string{"Update user", "Add member to group", "Update application – Certificates and secrets management ", "Reset user password"}[i%4]
		target := people[g.rng.IntN(len(people))]
		g.add("azure.auditlogs", at, "", map[string]any{
			"azure": map[string]any{"tenant_id": stableUUID("tenant/" + c.domain), "correlation_id": stableUUID(fmt.Sprint("corr/", c.domain, i)), "auditlogs": map[string]any{
				"operation_name": op, "category": "AuditLogs", "result_signature": "None", "identity": "Microsoft Graph",
				"properties": map[string]any{
					"activity_display_name": op, "category": "UserManagement", "result": "success", "correlation_id": stableUUID(fmt.Sprint("corr/", c.domain, i)),
					"tenantId":     stableUUID("tenant/" + c.domain),
					"initiated_by": map[string]any{"user": map[string]any{"userPrincipalName": upn(c, "it-admin"), "id": stableUUID("aad/" + c.domain + "/it-admin"), "ipAddress": officeIP()}},
					"target_resources": map[string]any{"0": map[string]any{"display_name": target, "type": "User", "id": stableUUID("aad/" + c.domain + "/" + target), "user_principal_name": upn(c, target),
						"modified_properties": map[string]any{"0": map[string]any{"display_name": "StsRefreshTokensValidFrom", "old_value": "[]", "new_value": `["` + at.Format(time.RFC3339) + `"]`}}}},
					"additional_details": map[string]any{"key": "User-Agent", "value": browserUA},
					"identity":           "Microsoft Graph", "userAgent": browserUA,
				},
			}},
			"user":     map[string]any{"name": "it-admin", "id": stableUUID("aad/" + c.domain + "/it-admin")},
			"event":    map[string]any{"category": []any{"iam"}, "type": []any{"change"}, "action": op, "outcome": "success"},
			"cloud":    map[string]any{"provider": "azure"},
			"message":  op + " " + upn(c, target),
			"source":   map[string]any{"ip": officeIP(), "geo": map[string]any{"country_name": "United States", "region_name": "Illinois", "city_name": "Chicago"}, "as": map[string]any{"number": 64501, "organization": map[string]any{"name": "Corp ISP"}}},
			"observer": map[string]any{"vendor": "Microsoft", "product": "Entra ID"},
		})
	}

	// CloudTrail: the people's console sign-ins and reads, the backup
	// job's writes, then the won account's key from the attacker.
	account, _ := cloudOrg(c)
	region := []string{"us-east-1", "eu-west-1"}[len(c.domain)%2]
	for i := range 40 {
		at := g.now.Add(-time.Duration(g.rng.Int64N(week)))
		u := people[i%len(people)]
		switch i % 4 {
		case 0:
			g.trail(c, at, "IAMUser", u, officeIP(), browserUA, "signin.amazonaws.com", "ConsoleLogin", "us-east-1", map[string]any{"additional_eventdata": `{"LoginTo":"https://console.aws.amazon.com/","MobileVersion":"No","MFAUsed":"Yes"}`, "event_type": "AwsConsoleSignIn", "response_elements": `{"ConsoleLogin":"Success"}`})
		case 1:
			g.trail(c, at, "AssumedRole", u, officeIP(), browserUA, "s3.amazonaws.com", "GetObject", region, map[string]any{"request_parameters": `{"bucketName":"` + strings.ToLower(c.domain) + `-reports","key":"2026/q4/summary.pdf"}`, "resources": map[string]any{"arn": "arn:aws:s3:::" + strings.ToLower(c.domain) + "-reports", "type": "AWS::S3::Bucket"}})
		case 2:
			g.trail(c, at, "AssumedRole", u, officeIP(), browserUA, "ec2.amazonaws.com", "DescribeInstances", region, map[string]any{"request_parameters": `{"instancesSet":{},"filterSet":{}}`})
		case 3:
			if i%8 == 3 {
				// AWS Backup acting for the account
				g.trail(c, at, "AWSService", "", "backup.amazonaws.com", "backup.amazonaws.com", "kms.amazonaws.com", "Decrypt", region, map[string]any{"user_identity": map[string]any{"type": "AWSService", "invoked_by": "backup.amazonaws.com"}, "event_type": "AwsServiceEvent"})
				continue
			}
			g.trail(c, at, "AssumedRole", "svc-backup", c.subnet+".2.12", "aws-sdk-go-v2/1.30.3", "s3.amazonaws.com", "PutObject", region, map[string]any{"request_parameters": `{"bucketName":"` + strings.ToLower(c.domain) + `-backups","key":"daily/` + at.Format("2006-01-02") + `.tar.zst"}`, "resources": map[string]any{"arn": "arn:aws:s3:::" + strings.ToLower(c.domain) + "-backups", "type": "AWS::S3::Bucket"}})
		}
	}
	for _, a := range brute {
		if a.outcome != "success" {
			continue
		}
		src := a.sourceIP
		at := a.at.Add(time.Duration(9+g.rng.IntN(5)) * time.Minute)
		g.trail(c, at, "IAMUser", a.user, src, cliUA, "sts.amazonaws.com", "GetCallerIdentity", "us-east-1", nil)
		g.trail(c, at.Add(20*time.Second), "IAMUser", a.user, src, strings.Replace(cliUA, "sts.get-caller-identity", "s3.ls", 1), "s3.amazonaws.com", "ListBuckets", "us-east-1", nil)
		for j, r := range []string{"us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-1"} {
			g.trail(c, at.Add(time.Duration(40+j*3)*time.Second), "IAMUser", a.user, src, strings.Replace(cliUA, "sts.get-caller-identity", "ec2.describe-instances", 1), "ec2.amazonaws.com", "DescribeInstances", r, map[string]any{"request_parameters": `{"instancesSet":{},"filterSet":{}}`})
		}
		g.trail(c, at.Add(90*time.Second), "IAMUser", a.user, src, strings.Replace(cliUA, "sts.get-caller-identity", "iam.list-attached-user-policies", 1), "iam.amazonaws.com", "ListAttachedUserPolicies", "us-east-1", map[string]any{"request_parameters": `{"userName":"` + a.user + `"}`})
	}
	_ = account
}

// okta is one Okta system log event.
func (g *evGen) okta(c alertCast, at time.Time, user, ip, ua, action, result, reason, app string) {
	outcome := map[string]string{"SUCCESS": "success", "FAILURE": "failure"}[result]
	ev := map[string]any{
		"okta": map[string]any{
			"event_type": action, "display_message": map[string]string{"user.session.start": "User login to Okta", "user.authentication.sso": "User single sign on to app"}[action],
			"uuid":  stableUUID(fmt.Sprint("okta/", user, at.UnixNano())),
			"actor": map[string]any{"id": "00u" + stableUUID(user)[:17], "type": "User", "alternate_id": upn(c, user), "display_name": user},
			"client": map[string]any{"ip": ip, "device": map[bool]string{true: "Unknown", false: "Computer"}[ua == sprayUA], "zone": "null",
				"user_agent": map[string]any{"raw_user_agent": ua, "os": map[bool]string{true: "Unknown", false: "Windows 10"}[ua == sprayUA], "browser": map[bool]string{true: "UNKNOWN", false: "CHROME"}[ua == sprayUA]}},
			"outcome":                map[string]any{"result": result},
			"authentication_context": map[string]any{"authentication_step": 0, "external_session_id": stableUUID(fmt.Sprint("okta-s/", user, at.Unix()))[:24]},
			"debug_context":          map[string]any{"debug_data": map[string]any{"request_uri": "/api/v1/authn", "dt_hash": sha256Of(ua + ip)[:64], "risk_level": map[bool]string{true: "MEDIUM", false: "LOW"}[ua == sprayUA], "risk_reasons": map[bool]string{true: "Anomalous Device, Anomalous Location", false: ""}[ua == sprayUA], "request_id": stableUUID(fmt.Sprint("okta-r/", user, at.UnixNano()))}},
			"security_context":       map[string]any{"is_proxy": ua == sprayUA, "as": map[string]any{"number": 64500 + len(ip)%20}},
			"transaction":            map[string]any{"type": "WEB"},
		},
		"user":       map[string]any{"name": upn(c, user), "full_name": user},
		"source":     map[string]any{"ip": ip, "as": map[string]any{"number": 64500 + len(ip)%20, "organization": map[string]any{"name": map[bool]string{true: "VPS Hosting Ltd", false: "Corp ISP"}[ua == sprayUA]}}},
		"client":     map[string]any{"ip": ip, "geo": map[string]any{"country_name": map[bool]string{true: "Netherlands", false: "United States"}[ua == sprayUA], "city_name": map[bool]string{true: "Amsterdam", false: "Chicago"}[ua == sprayUA]}},
		"user_agent": map[string]any{"original": ua},
		"event":      map[string]any{"category": []any{"authentication", "session"}, "type": []any{"start"}, "action": action, "outcome": outcome},
		"message":    map[string]string{"user.session.start": "User login to Okta", "user.authentication.sso": "User single sign on to app"}[action],
	}
	if reason != "" {
		ev["okta"].(map[string]any)["outcome"].(map[string]any)["reason"] = reason
		ev["okta"].(map[string]any)["debug_context"].(map[string]any)["debug_data"].(map[string]any)["threat_suspected"] = "false"
	}
	if app != "" {
		ev["okta"].(map[string]any)["target"] = []any{map[string]any{"type": "AppInstance", "display_name": app, "alternate_id": strings.ToLower(app)}}
		ev["okta"].(map[string]any)["authentication_context"].(map[string]any)["authentication_step"] = 0
	}
	g.add("okta.system", at, "", ev)
}

// signin is an Entra ID sign-in; code 0 is a success, 50126 bad
// credentials.
func (g *evGen) signin(c alertCast, at time.Time, user, ip, ua, app string, code int) {
	outcome := "success"
	desc := ""
	if code != 0 {
		outcome, desc = "failure", "Error validating credentials due to invalid username or password."
	}
	id := stableUUID("aad/" + c.domain + "/" + user)
	var mfa any
	if code == 0 {
		mfa = map[string]any{"auth_method": "Mobile app notification"}
	}
	g.add("azure.signinlogs", at, "", map[string]any{
		"azure": map[string]any{"tenant_id": stableUUID("tenant/" + c.domain), "signinlogs": map[string]any{
			"category": "SignInLogs", "operation_name": "Sign-in activity", "result_signature": map[bool]string{true: "SUCCESS", false: "FAILURE"}[code == 0],
			"result_description": desc, "identity": user, "result_type": fmt.Sprint(code),
			"properties": map[string]any{
				"user_principal_name": upn(c, user), "user_id": id, "user_display_name": user, "user_type": "Member",
				"app_display_name": app, "app_id": stableUUID("app/" + app), "resource_display_name": map[bool]string{true: "Windows Azure Active Directory", false: "Microsoft Graph"}[strings.Contains(app, "PowerShell")],
				"resource_id": stableUUID("res/" + app), "client_app_used": map[bool]string{true: "Mobile Apps and Desktop clients", false: "Browser"}[ua == sprayUA],
				"status":                     map[string]any{"error_code": code},
				"authentication_requirement": "singleFactorAuthentication", "authentication_protocol": "none", "is_interactive": true,
				"conditional_access_status": "notApplied", "risk_state": "none", "risk_detail": "none", "client_credential_type": "none",
				"correlation_id": stableUUID(fmt.Sprint("aadc/", user, at.UnixNano())), "session_id": stableUUID(fmt.Sprint("aads/", user, at.Unix()/3600)),
				"original_request_id": stableUUID(fmt.Sprint("aadr/", user, at.UnixNano())), "mfa_detail": mfa,
			},
		}},
		"user":       map[string]any{"name": upn(c, user), "id": id},
		"source":     map[string]any{"ip": ip, "address": ip, "geo": map[string]any{"country_name": map[bool]string{true: "Netherlands", false: "United States"}[ua == sprayUA]}, "as": map[string]any{"organization": map[string]any{"name": map[bool]string{true: "VPS Hosting Ltd", false: "Corp ISP"}[ua == sprayUA]}}},
		"user_agent": map[string]any{"original": ua},
		"cloud":      map[string]any{"provider": "azure"},
		"event":      map[string]any{"category": []any{"authentication"}, "type": []any{"info"}, "action": "Sign-in activity", "outcome": outcome},
		"message":    "Sign-in activity",
	})
}

// trail is one CloudTrail record.
func (g *evGen) trail(c alertCast, at time.Time, idType, user, ip, ua, provider, action, region string, extra map[string]any) {
	account, _ := cloudOrg(c)
	arn := "arn:aws:iam::" + account + ":user/" + user
	if idType == "AssumedRole" {
		arn = "arn:aws:sts::" + account + ":assumed-role/AWSReservedSSO_ReadOnly_5e1f/" + upn(c, user)
	}
	key := "AKIA" + strings.ToUpper(sha256Of("key/" + account + "/" + user)[:16])
	if idType == "AssumedRole" {
		key = "ASIA" + strings.ToUpper(sha256Of(fmt.Sprint("skey/", user, at.Unix()/3600))[:16])
	}
	ct := map[string]any{
		"event_version": "1.10", "event_type": "AwsApiCall", "event_category": "Management", "management_event": true, "read_only": strings.HasPrefix(action, "Get") || strings.HasPrefix(action, "List") || strings.HasPrefix(action, "Describe"),
		"user_identity":        map[string]any{"type": idType, "arn": arn, "access_key_id": key, "session_context": map[string]any{"mfa_authenticated": fmt.Sprint(idType == "AssumedRole")}},
		"request_id":           stableUUID(fmt.Sprint("req/", user, action, at.UnixNano())),
		"recipient_account_id": account,
	}
	for k, v := range extra {
		ct[k] = v
	}
	if idType == "AWSService" {
		arn, key = "", ""
	}
	bad := strings.Contains(ua, "aws-cli") && !strings.HasPrefix(ip, c.subnet)
	rec := map[string]any{
		"aws":        map[string]any{"cloudtrail": ct},
		"cloud":      map[string]any{"provider": "aws", "region": region, "account": map[string]any{"id": account}},
		"user":       map[string]any{"name": user, "id": stableUUID("iam/" + account + "/" + user)[:21]},
		"source":     map[string]any{"ip": ip, "address": ip, "as": map[string]any{"organization": map[string]any{"name": map[bool]string{true: "VPS Hosting Ltd", false: "Corp ISP"}[bad]}}},
		"user_agent": map[string]any{"original": ua},
		"event":      map[string]any{"category": []any{"cloud"}, "type": []any{"info"}, "action": action, "outcome": "success", "provider": provider},
		"message":    fmt.Sprintf("%s %s by %s", provider, action, arn),
	}
	if idType == "AWSService" {
		delete(rec, "user")
		rec["message"] = fmt.Sprintf("%s %s by %s", provider, action, ip)
	}
	g.add("aws.cloudtrail", at, "", rec)
}
