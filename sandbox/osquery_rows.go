package sandbox

import (
	"fmt"
	"hash/fnv"
	"path"
	"slices"
	"strings"
	"time"
)

// What osquery finds on the story's hosts. Each host's processes are the
// endpoint area's when it knows the host (so the suspicious PowerShell of
// the story shows up, and a killed process is gone), else the usual
// processes of the host's role; users, listening ports, the OS version and
// uptime follow from those and from the Fleet agent. Every table answers
// rows of strings, as osquery does. A table the sandbox does not know
// answers a system_info-like row, so any query gets a believable answer.

// osqProc is one process on a host.
type osqProc struct {
	pid, parent        int
	name, exe, cmdline string
	user               string // as the OS names it: root, ACME\l.wong
	stopped            bool
}

// osqHash is a stable number for a text, for values that must not change
// between two reads.
func osqHash(parts ...string) uint64 {
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return h.Sum64()
}

// osqProcFromCommand splits a command line into the process's name and
// executable, filling the directory a bare name would be found in.
func osqProcFromCommand(windows bool, pid int, command, user string) osqProc {
	p := osqProc{pid: pid, cmdline: command, user: user}
	first := command
	if strings.HasPrefix(command, `"`) {
		if end := strings.Index(command[1:], `"`); end >= 0 {
			first = command[1 : end+1]
		}
	} else if i := strings.IndexByte(command, ' '); i > 0 {
		first = command[:i]
	}
	if strings.HasSuffix(first, ":") { // "sshd: /usr/sbin/sshd -D", "nginx: master process"
		first = "/usr/sbin/" + strings.TrimSuffix(first, ":")
	}
	if windows {
		first = strings.ReplaceAll(first, "/", `\`)
		p.name = first[strings.LastIndexByte(first, '\\')+1:]
		switch {
		case first == "System":
			p.exe, p.cmdline = "", ""
		case !strings.Contains(first, `\`) && strings.EqualFold(p.name, "powershell.exe"):
			p.exe = `C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe`
		case !strings.Contains(first, `\`):
			p.exe = `C:\Windows\System32\` + p.name
		default:
			p.exe = first
		}
		return p
	}
	p.name = path.Base(first)
	p.exe = first
	if !strings.Contains(first, "/") {
		p.exe = "/usr/bin/" + first
	}
	return p
}

// osqHostProcs lists a host's processes.
func osqHostProcs(sp *space, a *fleetAgent) []osqProc {
	windows := a.platform == "windows"
	var procs []osqProc
	if h := sp.endpoint.hosts[a.id]; h != nil {
		for _, ep := range h.procs {
			p := osqProcFromCommand(windows, ep.pid, ep.command, ep.user)
			p.stopped = ep.suspended
			procs = append(procs, p)
		}
	} else {
		for _, sp := range osqRoleProcs(a) {
			procs = append(procs, osqProcFromCommand(windows, sp.pid, sp.command, sp.user))
		}
	}
	// osquery itself runs under the agent on every host.
	if windows {
		procs = append(procs,
			osqProcFromCommand(true, 2100, `"C:\Program Files\Elastic\Agent\elastic-agent.exe"`, `NT AUTHORITY\SYSTEM`),
			osqProcFromCommand(true, 2164, `"C:\Program Files\Elastic\Agent\data\elastic-agent-8a5e9f\components\osqueryd.exe" --flagfile=osquery.flags`, `NT AUTHORITY\SYSTEM`))
	} else {
		procs = append(procs,
			osqProcFromCommand(false, 1020, "/opt/Elastic/Agent/elastic-agent", "root"),
			osqProcFromCommand(false, 1088, "/opt/Elastic/Agent/data/elastic-agent-8a5e9f/components/osqueryd --flagfile=osquery.flags", "root"))
	}
	if windows && !slices.ContainsFunc(procs, func(p osqProc) bool { return p.name == "services.exe" }) {
		procs = append(procs, osqProcFromCommand(true, 656, `C:\Windows\System32\services.exe`, `NT AUTHORITY\SYSTEM`))
	}
	// Parents: the story's PowerShell was started by the document or WMI
	// host it came from; the rest by init or services.exe.
	byName := map[string]int{}
	for _, p := range procs {
		byName[strings.ToLower(p.name)] = p.pid
	}
	for i := range procs {
		p := &procs[i]
		switch {
		case p.pid <= 4:
			p.parent = 0
		case p.name == "smss.exe" || p.name == "services.exe":
			p.parent = 4
		case strings.EqualFold(p.name, "powershell.exe") && byName["winword.exe"] != 0:
			p.parent = byName["winword.exe"]
		case strings.EqualFold(p.name, "powershell.exe") && byName["wmiprvse.exe"] != 0:
			p.parent = byName["wmiprvse.exe"]
		case windows:
			p.parent = 656 // services.exe
		default:
			p.parent = 1
		}
	}
	return procs
}

// osqRoleProcs are the processes of a host the endpoint area does not
// know, from its Fleet tags.
func osqRoleProcs(a *fleetAgent) []epSeedProc {
	has := func(tag string) bool { return slices.Contains(a.tags, tag) }
	if a.platform == "windows" {
		extra := []epSeedProc{{pid: 656, command: `C:\Windows\System32\services.exe`, user: `NT AUTHORITY\SYSTEM`}}
		switch {
		case has("domain-controller"):
			extra = append(extra, epSeedProc{pid: 1880, command: `C:\Windows\System32\dns.exe`, user: `NT AUTHORITY\SYSTEM`})
		case has("backup"):
			extra = append(extra, epSeedProc{pid: 3344, command: `"C:\Program Files\Veeam\Backup\VeeamAgent.exe"`, user: `NT AUTHORITY\SYSTEM`})
		default:
			user := osqWorkstationUser(a)
			extra = append(extra,
				epSeedProc{pid: 3120, command: `C:\Windows\explorer.exe`, user: user},
				epSeedProc{pid: 5240, command: `"C:\Program Files\Microsoft Office\root\Office16\OUTLOOK.EXE"`, user: user},
				epSeedProc{pid: 6608, command: `"C:\Program Files\Google\Chrome\Application\chrome.exe"`, user: user})
		}
		return epWindowsBase(extra...)
	}
	var extra []epSeedProc
	switch {
	case has("fleet-server"):
		extra = append(extra, epSeedProc{pid: 1501, command: "/opt/Elastic/Agent/data/elastic-agent-8a5e9f/components/fleet-server --agent-mode", user: "root"})
	case has("database"):
		extra = append(extra, epSeedProc{pid: 1310, command: "/usr/lib/postgresql/14/bin/postgres -D /var/lib/postgresql/14/main", user: "postgres"})
	case has("web"):
		extra = append(extra,
			epSeedProc{pid: 1402, command: "nginx: master process /usr/sbin/nginx -g daemon on; master_process on;", user: "root"},
			epSeedProc{pid: 1403, command: "nginx: worker process", user: "www-data"},
			epSeedProc{pid: 1577, command: "node /srv/app/server.js", user: "app"})
	}
	return epLinuxBase(extra...)
}

// osqWorkstationUser is who works at a Windows workstation.
func osqWorkstationUser(a *fleetAgent) string {
	domain, names := "ACME", []string{"a.chen", "m.rossi", "k.patel", "j.morgan"}
	if strings.HasPrefix(a.ip, "10.40.") {
		domain, names = "NORTHWIND", []string{"e.larsen", "n.brooks", "l.martin"}
	}
	return domain + `\` + names[osqHash(a.hostname)%uint64(len(names))]
}

// osqUID is a user's numeric id on a host.
func osqUID(windows bool, user string) int {
	short := user[strings.LastIndexByte(user, '\\')+1:]
	if windows {
		switch short {
		case "SYSTEM":
			return 18
		case "LOCAL SERVICE":
			return 19
		case "NETWORK SERVICE":
			return 20
		}
		return 1100 + int(osqHash(short)%400)
	}
	switch short {
	case "root":
		return 0
	case "www-data":
		return 33
	case "postgres":
		return 114
	}
	return 1001 + int(osqHash(short)%50)
}

type osqRow = map[string]string

// osqTable answers one table of one host.
func osqTable(sp *space, a *fleetAgent, table string, now time.Time) []osqRow {
	windows := a.platform == "windows"
	switch table {
	case "processes":
		var rows []osqRow
		for _, p := range osqHostProcs(sp, a) {
			state := "S"
			if p.stopped {
				state = "T"
			}
			if windows {
				state = "STILL_ACTIVE"
			}
			h := osqHash(a.id, fmt.Sprint(p.pid))
			rows = append(rows, osqRow{
				"pid": fmt.Sprint(p.pid), "parent": fmt.Sprint(p.parent), "name": p.name, "path": p.exe, "cmdline": p.cmdline,
				"uid": fmt.Sprint(osqUID(windows, p.user)), "state": state, "threads": fmt.Sprint(1 + h%24),
				"resident_size": fmt.Sprint((4 + h%400) << 20), "start_time": fmt.Sprint(now.Add(-time.Duration(3600+h%86400) * time.Second).Unix()),
			})
		}
		return rows
	case "users":
		return osqUsers(sp, a)
	case "os_version":
		return []osqRow{osqOSVersion(a)}
	case "listening_ports":
		return osqListening(sp, a)
	case "uptime":
		total := int64(2*86400 + osqHash(a.id, "uptime")%(38*86400))
		return []osqRow{{"days": fmt.Sprint(total / 86400), "hours": fmt.Sprint(total % 86400 / 3600), "minutes": fmt.Sprint(total % 3600 / 60),
			"seconds": fmt.Sprint(total % 60), "total_seconds": fmt.Sprint(total)}}
	}
	h := osqHash(a.id, "hardware")
	vendor, model := "VMware, Inc.", "VMware Virtual Platform"
	if windows && !slices.Contains(a.tags, "backup") && !slices.Contains(a.tags, "file-server") && !slices.Contains(a.tags, "domain-controller") {
		vendor, model = "LENOVO", "ThinkPad T14 Gen 4"
	}
	return []osqRow{{"hostname": a.hostname, "computer_name": a.hostname, "uuid": uuidFrom(h), "cpu_brand": "Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz",
		"cpu_logical_cores": fmt.Sprint(2 << (h % 3)), "physical_memory": fmt.Sprint((8 << (h % 3)) << 30), "hardware_vendor": vendor, "hardware_model": model}}
}

func osqUsers(sp *space, a *fleetAgent) []osqRow {
	windows := a.platform == "windows"
	var rows []osqRow
	seen := map[string]bool{}
	add := func(name, description string, uid int, dir, shell, typ string) {
		if seen[name] {
			return
		}
		seen[name] = true
		row := osqRow{"username": name, "uid": fmt.Sprint(uid), "gid": fmt.Sprint(uid), "description": description, "directory": dir, "shell": shell,
			"uuid": ""}
		if windows {
			row["type"], row["gid"] = typ, "513"
			row["uuid"] = fmt.Sprintf("S-1-5-21-%d-%d-%d-%d", 1004336348+osqHash(a.id)%9, 1177238915, 682003330, uid)
		}
		rows = append(rows, row)
	}
	if windows {
		add("Administrator", "Built-in account for administering the computer/domain", 500, "", `C:\Windows\system32\cmd.exe`, "local")
		add("Guest", "Built-in account for guest access to the computer/domain", 501, "", `C:\Windows\system32\cmd.exe`, "local")
		add("DefaultAccount", "A user account managed by the system.", 503, "", `C:\Windows\system32\cmd.exe`, "local")
		add("WDAGUtilityAccount", "A user account managed and used by the system for Windows Defender Application Guard scenarios.", 504, "", `C:\Windows\system32\cmd.exe`, "local")
		for _, p := range osqHostProcs(sp, a) {
			domain, short, ok := strings.Cut(p.user, `\`)
			if ok && domain != "NT AUTHORITY" {
				add(short, "", osqUID(true, p.user), `C:\Users\`+short, `C:\Windows\system32\cmd.exe`, "roaming")
			}
		}
		return rows
	}
	add("root", "root", 0, "/root", "/bin/bash", "")
	add("daemon", "daemon", 1, "/usr/sbin", "/usr/sbin/nologin", "")
	add("ubuntu", "Ubuntu", 1000, "/home/ubuntu", "/bin/bash", "")
	for _, p := range osqHostProcs(sp, a) {
		switch p.user {
		case "root", "":
		case "www-data":
			add("www-data", "www-data", 33, "/var/www", "/usr/sbin/nologin", "")
		case "postgres":
			add("postgres", "PostgreSQL administrator", 114, "/var/lib/postgresql", "/bin/bash", "")
		default:
			add(p.user, "", osqUID(false, p.user), "/home/"+p.user, "/usr/sbin/nologin", "")
		}
	}
	// The accounts the brute force of the story tried exist on its target,
	// one of them with a login shell.
	cast := castFor(sp.id, time.Time{})
	if a.hostname == cast.bruteHost {
		for _, u := range cast.bruteUsers {
			if u != "admin" {
				add(u, "", osqUID(false, u), "/home/"+u, "/bin/bash", "")
			}
		}
	}
	return rows
}

func osqOSVersion(a *fleetAgent) osqRow {
	if a.platform == "windows" {
		build := map[string]string{"23H2": "22631", "22H2": "22621", "21H2": "20348", "1809": "17763"}[a.osVer]
		if build == "" {
			build = "19045"
		}
		return osqRow{"name": "Microsoft " + a.osName, "version": "10.0." + build, "major": "10", "minor": "0", "patch": "", "build": build,
			"platform": "windows", "platform_like": "windows", "codename": a.osName, "arch": "64-bit"}
	}
	num, _, _ := strings.Cut(a.osVer, " ")
	parts := append(strings.Split(num, "."), "0", "0")
	codename := ""
	if i := strings.IndexByte(a.osVer, '('); i >= 0 {
		codename = strings.ToLower(strings.Fields(a.osVer[i+1:])[0])
	}
	trim := func(s string) string {
		if t := strings.TrimLeft(s, "0"); t != "" {
			return t
		}
		return "0"
	}
	return osqRow{"name": a.osName, "version": a.osVer, "major": trim(parts[0]), "minor": trim(parts[1]), "patch": trim(parts[2]), "build": "",
		"platform": strings.ToLower(a.osName), "platform_like": "debian", "codename": codename, "arch": "x86_64"}
}

// osqPorts are the ports a process listens on, by process name.
var osqPorts = map[string][]struct {
	port     int
	udp, any bool // any: on every address, else loopback
}{
	"sshd": {{22, false, true}}, "nginx": {{80, false, true}, {443, false, true}}, "openvpn": {{1194, true, true}},
	"postgres": {{5432, false, true}}, "java": {{8080, false, true}}, "node": {{3000, false, false}}, "fleet-server": {{8220, false, true}},
	"elastic-agent": {{6789, false, false}}, "dns.exe": {{53, false, true}, {53, true, true}}, "lsass.exe": {{88, false, true}, {389, false, true}},
	"svchost.exe": {{135, false, true}}, "VeeamAgent.exe": {{6160, false, true}}, "System": {{445, false, true}},
}

func osqListening(sp *space, a *fleetAgent) []osqRow {
	var rows []osqRow
	fd := 3
	for _, p := range osqHostProcs(sp, a) {
		if p.stopped || (p.name == "lsass.exe" && !slices.Contains(a.tags, "domain-controller")) || (p.name == "nginx" && p.user != "root") ||
			(p.name == "svchost.exe" && !strings.Contains(p.cmdline, "netsvcs")) {
			continue
		}
		for _, port := range osqPorts[p.name] {
			addr, proto := "127.0.0.1", "6"
			if port.any {
				addr = "0.0.0.0"
			}
			if port.udp {
				proto = "17"
			}
			fd++
			rows = append(rows, osqRow{"pid": fmt.Sprint(p.pid), "port": fmt.Sprint(port.port), "protocol": proto, "family": "2", "address": addr,
				"fd": fmt.Sprint(fd), "socket": fmt.Sprint(20000 + osqHash(a.id, p.name, fmt.Sprint(port.port))%40000), "path": ""})
		}
	}
	return rows
}
