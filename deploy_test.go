package main

import (
	"crypto/rand"
	"debug/elf"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/kibana-mcp/kibana-mcp/app"
)

// dockerfile is the Dockerfile read as Docker reads it: instructions with
// their continuation lines joined, split into stages at each FROM.
type dockerfile struct {
	stages [][]instruction
}

type instruction struct {
	op   string // upper case: FROM, RUN, USER, ...
	rest string
}

func readDockerfile(t *testing.T) dockerfile {
	t.Helper()
	b, err := os.ReadFile("Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	var df dockerfile
	var cur string
	for line := range strings.Lines(string(b)) {
		line = strings.TrimRight(line, "\r\n")
		trimmed := strings.TrimSpace(line)
		if cur == "" && (trimmed == "" || strings.HasPrefix(trimmed, "#")) {
			continue
		}
		if strings.HasSuffix(line, "\\") {
			cur += strings.TrimSuffix(line, "\\") + " "
			continue
		}
		cur += line
		op, rest, _ := strings.Cut(strings.TrimSpace(cur), " ")
		cur = ""
		in := instruction{strings.ToUpper(op), strings.TrimSpace(rest)}
		if in.op == "FROM" {
			df.stages = append(df.stages, nil)
		}
		if len(df.stages) == 0 {
			continue // ARGs before the first FROM
		}
		df.stages[len(df.stages)-1] = append(df.stages[len(df.stages)-1], in)
	}
	if len(df.stages) < 2 {
		t.Fatalf("Dockerfile has %d stages, want a build stage and a final one", len(df.stages))
	}
	return df
}

// find returns the arguments of the stage's instructions named op.
func find(stage []instruction, op string) []string {
	var out []string
	for _, in := range stage {
		if in.op == op {
			out = append(out, in.rest)
		}
	}
	return out
}

// shellWords splits a RUN line as sh would for the simple forms a build
// line uses: blanks, single and double quotes, backslash escapes, and
// $NAME / ${NAME} taken from vars.
func shellWords(t *testing.T, s string, vars map[string]string) []string {
	t.Helper()
	var words []string
	var w strings.Builder
	inWord, single, double := false, false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case single:
			if c == '\'' {
				single = false
			} else {
				w.WriteByte(c)
			}
		case c == '\'' && !double:
			single, inWord = true, true
		case c == '"':
			double, inWord = !double, true
		case c == '\\' && i+1 < len(s):
			i++
			w.WriteByte(s[i])
			inWord = true
		case c == '$':
			name := ""
			if strings.HasPrefix(s[i+1:], "{") {
				end := strings.IndexByte(s[i:], '}')
				if end < 0 {
					t.Fatalf("unclosed ${ in %q", s)
				}
				name, i = s[i+2:i+end], i+end
			} else {
				m := regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*`).FindString(s[i+1:])
				name, i = m, i+len(m)
			}
			v, ok := vars[name]
			if !ok {
				t.Fatalf("$%s in the build line is not a build ARG", name)
			}
			w.WriteString(v)
			inWord = true
		case !double && (c == ' ' || c == '\t'):
			if inWord {
				words = append(words, w.String())
				w.Reset()
				inWord = false
			}
		default:
			w.WriteByte(c)
			inWord = true
		}
	}
	if single || double {
		t.Fatalf("unbalanced quotes in %q", s)
	}
	if inWord {
		words = append(words, w.String())
	}
	return words
}

// buildLikeDockerfile runs the build stage's `go build` line here, with the
// environment it sets and the ARGs given (as --build-arg would), writing
// the binary into a temporary directory. It returns the binary, where the
// Dockerfile puts it, and the line's words (its variables included).
func buildLikeDockerfile(t *testing.T, df dockerfile, buildArgs map[string]string) (bin, imagePath string, words []string) {
	t.Helper()
	build := df.stages[0]
	vars := map[string]string{}
	for _, a := range find(build, "ARG") {
		name, def, _ := strings.Cut(a, "=")
		vars[name] = def
	}
	for k, v := range buildArgs {
		if _, ok := vars[k]; !ok {
			t.Fatalf("the build stage has no ARG %s", k)
		}
		vars[k] = v
	}
	var line string
	for _, run := range find(build, "RUN") {
		if strings.Contains(run, "go build") {
			if line != "" {
				t.Fatal("more than one go build line in the build stage")
			}
			line = run
		}
	}
	if line == "" {
		t.Fatal("no go build line in the build stage")
	}
	words = shellWords(t, line, vars)
	full := words
	var env []string
	for len(words) > 0 && regexp.MustCompile(`^[A-Z_][A-Z0-9_]*=`).MatchString(words[0]) {
		env, words = append(env, words[0]), words[1:]
	}
	if len(words) < 2 || words[0] != "go" || words[1] != "build" {
		t.Fatalf("the build line is not [VAR=value ...] go build ...: %q", line)
	}
	args := slices.Clone(words[1:])
	bin = filepath.Join(t.TempDir(), "kibana-mcp")
	o := slices.Index(args, "-o")
	if o < 0 || o+1 >= len(args) {
		t.Fatalf("the build line names no -o output: %q", line)
	}
	imagePath, args[o+1] = args[o+1], bin
	cmd := exec.Command("go", args...)
	// The build stage's WORKDIR holds the module, as this test's directory does.
	cmd.Env = append(os.Environ(), env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return bin, imagePath, full
}

// TestDockerfileBuildsStaticNonRootImage builds the binary exactly as the
// Dockerfile's build stage does and checks what the image relies on: a
// static, stripped ELF (the final stage has no libc or loader), the version
// stamped in, and a final stage that runs it as a non-root user with the
// streamable HTTP entrypoint.
func TestDockerfileBuildsStaticNonRootImage(t *testing.T) {
	df := readDockerfile(t)
	bin, imagePath, words := buildLikeDockerfile(t, df, map[string]string{"VERSION": "v0.0.0-dockertest"})
	for _, want := range []string{"CGO_ENABLED=0", "-trimpath"} {
		if !slices.Contains(words, want) {
			t.Errorf("the build line lacks %s", want)
		}
	}
	if i := slices.Index(words, "-ldflags"); i < 0 || i+1 == len(words) || !slices.Contains(strings.Fields(words[i+1]), "-s") || !slices.Contains(strings.Fields(words[i+1]), "-w") {
		t.Errorf("the build line does not strip the binary (-ldflags \"-s -w\"): %q", words)
	}

	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Error("the binary asks for a dynamic loader (PT_INTERP): it would not start on distroless/static")
		}
	}
	if libs, err := f.ImportedLibraries(); err != nil || len(libs) > 0 {
		t.Errorf("the binary needs shared libraries %v (%v)", libs, err)
	}
	if f.Section(".symtab") != nil || f.Section(".debug_info") != nil {
		t.Error("the binary keeps its symbol table or DWARF")
	}
	out, err := exec.Command(bin, "--version").CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "kibana-mcp v0.0.0-dockertest" {
		t.Errorf("--version with VERSION=v0.0.0-dockertest: %q %v (is the -X path right?)", out, err)
	}

	final := df.stages[len(df.stages)-1]
	base := find(final, "FROM")[0]
	if !strings.Contains(base, "distroless/static") && base != "scratch" {
		t.Errorf("final stage FROM %s: want distroless/static or scratch", base)
	}
	users := find(final, "USER")
	if len(users) == 0 {
		t.Fatal("the final stage sets no USER: the container would run as root")
	}
	user, _, _ := strings.Cut(users[len(users)-1], ":")
	if uid, err := strconv.Atoi(user); err != nil || uid == 0 {
		t.Errorf("USER %s: want a numeric non-root uid (Kubernetes' runAsNonRoot cannot verify a name)", users[len(users)-1])
	}
	copied := ""
	for _, c := range find(final, "COPY") {
		if f := strings.Fields(c); len(f) == 3 && strings.HasPrefix(f[0], "--from=") && f[1] == imagePath {
			copied = f[2]
		}
	}
	if copied == "" {
		t.Fatalf("the final stage does not COPY %s from the build stage", imagePath)
	}
	entry := imageEntrypoint(t, df)
	if len(entry) == 0 || entry[0] != copied || !strings.Contains(strings.Join(entry, " "), "--transport http --addr 0.0.0.0:8080") {
		t.Errorf("ENTRYPOINT %q: want %s --transport http --addr 0.0.0.0:8080", entry, copied)
	}
	if e := find(final, "EXPOSE"); len(e) != 1 || e[0] != "8080" {
		t.Errorf("EXPOSE %q, want 8080", e)
	}
	env := imageEnv(t, df)
	if env["KIBANA_MCP_STATELESS"] != "true" {
		t.Errorf("ENV KIBANA_MCP_STATELESS=%q, want true", env["KIBANA_MCP_STATELESS"])
	}
	// Shared by a team: a destructive call nobody can be asked about is
	// refused, whatever the server's own default.
	if env["KIBANA_MCP_CONFIRM_DESTRUCTIVE"] != "require" {
		t.Errorf("ENV KIBANA_MCP_CONFIRM_DESTRUCTIVE=%q, want require", env["KIBANA_MCP_CONFIRM_DESTRUCTIVE"])
	}
	// Every name the image sets and every flag it passes must be one the
	// server knows: an unknown variable would be silently ignored.
	known := serverSettings(t, bin)
	for k := range env {
		if !known[k] {
			t.Errorf("ENV %s is not a variable kibana-mcp reads", k)
		}
	}
	for _, a := range entry[1:] {
		if strings.HasPrefix(a, "--") && !known[a] {
			t.Errorf("ENTRYPOINT flag %s is not one kibana-mcp has", a)
		}
	}
}

// imageEntrypoint is the final stage's ENTRYPOINT, which must be in exec
// (JSON) form.
func imageEntrypoint(t *testing.T, df dockerfile) []string {
	t.Helper()
	var entry []string
	if e := find(df.stages[len(df.stages)-1], "ENTRYPOINT"); len(e) != 1 || json.Unmarshal([]byte(e[0]), &entry) != nil {
		t.Fatalf("ENTRYPOINT %q: want one, in exec (JSON) form so signals reach the server", e)
	}
	return entry
}

// imageEnv is the environment the final stage's ENV lines set.
func imageEnv(t *testing.T, df dockerfile) map[string]string {
	t.Helper()
	env := map[string]string{}
	for _, e := range find(df.stages[len(df.stages)-1], "ENV") {
		for _, w := range shellWords(t, e, nil) {
			k, v, _ := strings.Cut(w, "=")
			env[k] = v
		}
	}
	return env
}

// serverSettings is every --flag and environment variable the server's
// --help lists.
func serverSettings(t *testing.T, bin string) map[string]bool {
	t.Helper()
	out, err := exec.Command(bin, "--help").CombinedOutput()
	if err != nil {
		t.Fatalf("--help: %v\n%s", err, out)
	}
	known := map[string]bool{}
	for _, m := range regexp.MustCompile(`(--[a-z][a-z-]*)|env ([A-Z_]+)`).FindAllStringSubmatch(string(out), -1) {
		known[m[1]+m[2]] = true
	}
	return known
}

// manifestDoc is one document of a Kubernetes manifest, as lines without
// comments.
type manifestDoc []string

// The files under deploy/: the manifest to apply, and an example of the
// Secret it reads, named so that `kubectl apply -f deploy/` (which reads
// only .yaml, .yml and .json files) skips it.
const (
	manifestFile      = "deploy/kubernetes.yaml"
	secretExampleFile = "deploy/secret.yaml.example"
)

// readManifest splits a manifest into documents by kind. Line checks are
// enough for files this small and keep a YAML parser out of go.mod.
func readManifest(t *testing.T, path string) map[string]manifestDoc {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	docs := map[string]manifestDoc{}
	for doc := range strings.SplitSeq(string(b), "\n---\n") {
		var lines manifestDoc
		kind := ""
		for line := range strings.Lines(doc) {
			if c := strings.Index(line, " #"); c >= 0 {
				line = line[:c]
			}
			if strings.TrimSpace(line) == "" || strings.HasPrefix(strings.TrimSpace(line), "#") {
				continue
			}
			line = strings.TrimRight(line, " \r\n")
			if k, ok := strings.CutPrefix(line, "kind: "); ok {
				kind = k
			}
			lines = append(lines, line)
		}
		if kind == "" {
			t.Fatalf("%s: a document without a kind:\n%s", path, doc)
		}
		if docs[kind] != nil {
			t.Fatalf("%s: two documents of kind %s", path, kind)
		}
		docs[kind] = lines
	}
	return docs
}

// has reports whether a line, without its indentation, is exactly want.
func (d manifestDoc) has(want string) bool { return d.next(0, want) >= 0 }

// next is the index of the first line from i on that is want, without its
// indentation, or -1.
func (d manifestDoc) next(i int, want string) int {
	for ; i >= 0 && i < len(d); i++ {
		if strings.TrimSpace(d[i]) == want {
			return i
		}
	}
	return -1
}

// within is the value of the first "key: value" line after line i that is
// indented more deeply than it.
func (d manifestDoc) within(i int, key string) string {
	if i < 0 {
		return ""
	}
	// A "- key:" list item's sibling keys sit right of its dash.
	indent := len(d[i]) - len(strings.TrimLeft(d[i], " "))
	for _, line := range d[i+1:] {
		if len(line)-len(strings.TrimLeft(line, " ")) <= indent {
			break
		}
		if v, ok := strings.CutPrefix(strings.TrimLeft(line, " -"), key+": "); ok {
			return strings.Trim(v, `"`)
		}
	}
	return ""
}

// envVar is one entry of the Deployment's env: a literal value, or a key of
// a Secret.
type envVar struct{ value, secretName, secretKey string }

// deploymentEnv is the container's environment by variable name.
func deploymentEnv(dep manifestDoc) map[string]envVar {
	env := map[string]envVar{}
	for i, line := range dep {
		name, ok := strings.CutPrefix(strings.TrimSpace(line), "- name: ")
		if !ok || !regexp.MustCompile(`^[A-Z_][A-Z0-9_]*$`).MatchString(name) {
			continue // a container or port name
		}
		v := envVar{value: dep.within(i, "value")}
		if ref := dep.next(i, "secretKeyRef:"); ref > i && ref <= i+3 {
			if next := nextEnvName(dep, i); next < 0 || ref < next {
				v.secretName, v.secretKey = dep.within(ref, "name"), dep.within(ref, "key")
			}
		}
		env[name] = v
	}
	return env
}

// nextEnvName is the index of the list item after line i, or -1.
func nextEnvName(dep manifestDoc, i int) int {
	for j := i + 1; j < len(dep); j++ {
		if strings.HasPrefix(strings.TrimSpace(dep[j]), "- name: ") {
			return j
		}
	}
	return -1
}

// manifestArgs is the container's args, appended to the image's entrypoint.
func manifestArgs(t *testing.T, dep manifestDoc) []string {
	t.Helper()
	var args []string
	for _, line := range dep {
		if a, ok := strings.CutPrefix(strings.TrimSpace(line), "args: "); ok {
			if err := json.Unmarshal([]byte(a), &args); err != nil {
				t.Fatalf("args %s: want a one-line JSON list: %v", a, err)
			}
		}
	}
	return args
}

// readmeSection is the README's text under the heading (a whole line, such
// as "### On Kubernetes"), up to the next heading.
func readmeSection(t *testing.T, heading string) string {
	t.Helper()
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, after, ok := strings.Cut(string(b), "\n"+heading+"\n")
	if !ok {
		t.Fatalf("README.md has no %q section", heading)
	}
	if end := regexp.MustCompile(`(?m)^#{1,3} `).FindStringIndex(after); end != nil {
		after = after[:end[0]]
	}
	return after
}

// shellCommands is the commands of a text's ```sh blocks, continuation
// lines joined.
func shellCommands(text string) []string {
	var cmds []string
	inBlock, cur := false, ""
	for line := range strings.Lines(text) {
		line = strings.TrimRight(line, "\r\n")
		switch {
		case strings.HasPrefix(line, "```sh"):
			inBlock = true
		case strings.HasPrefix(line, "```"):
			inBlock = false
		case inBlock && strings.HasSuffix(line, "\\"):
			cur += strings.TrimSuffix(line, "\\") + " "
		case inBlock && strings.TrimSpace(line) != "" && !strings.HasPrefix(strings.TrimSpace(line), "#"):
			cmds = append(cmds, strings.Join(strings.Fields(cur+line), " "))
			cur = ""
		}
	}
	return cmds
}

// placeholder matches values a person is meant to replace: a manifest
// holding one either fails oddly or, for a credential, overwrites a real one.
var placeholder = regexp.MustCompile(`(?i)replace|change[-_ ]?me|todo|fixme|xxxx|example\.(com|org|net)|<[^>]*>|\.\.\.|\byour[-_]`)

// TestKubernetesManifest checks the facts a deployment depends on: two
// stateless replicas that require confirmation of destructive calls, probes
// on the right endpoints, the credentials from the Secret the README's
// commands create (by the keys they create), a non-root read-only
// container, and a Service reaching the port the image exposes. The
// manifest holds no Secret and nothing to fill in: applying it again must
// never overwrite the real Secret with placeholders.
func TestKubernetesManifest(t *testing.T) {
	docs := readManifest(t, manifestFile)
	dep, svc := docs["Deployment"], docs["Service"]
	if dep == nil || svc == nil || len(docs) != 2 {
		t.Fatalf("want a Deployment and a Service and nothing else (a Secret here would overwrite the real one on every apply); have %v", slices.Sorted(maps.Keys(docs)))
	}
	for kind, doc := range docs {
		for _, line := range doc {
			// The image is wherever the reader pushed it; a wrong one
			// fails to pull and overwrites nothing.
			if placeholder.MatchString(line) && !strings.HasPrefix(strings.TrimSpace(line), "image: ") {
				t.Errorf("%s %s: %q looks like a placeholder; values to fill in belong in the Secret the README creates", manifestFile, kind, strings.TrimSpace(line))
			}
		}
	}
	for _, want := range []string{"replicas: 2", `args: ["--stateless"]`, "runAsNonRoot: true", "readOnlyRootFilesystem: true", "allowPrivilegeEscalation: false"} {
		if !dep.has(want) {
			t.Errorf("the Deployment lacks %q", want)
		}
	}
	if p := dep.within(dep.next(0, "readinessProbe:"), "path"); p != "/readyz" {
		t.Errorf("readiness probe path %q, want /readyz", p)
	}
	if p := dep.within(dep.next(0, "livenessProbe:"), "path"); p != "/healthz" {
		t.Errorf("liveness probe path %q, want /healthz", p)
	}
	if dep.next(0, "resources:") < 0 || dep.within(dep.next(0, "requests:"), "memory") == "" || dep.within(dep.next(0, "limits:"), "memory") == "" {
		t.Error("the Deployment sets no memory request and limit")
	}
	if uid := dep.within(dep.next(0, "securityContext:"), "runAsUser"); uid != "65532" {
		t.Errorf("runAsUser %q, want the image's 65532", uid)
	}

	// The README creates the Secret, then applies the manifest (and only
	// the manifest).
	cmds := shellCommands(readmeSection(t, "### On Kubernetes"))
	create, apply := -1, -1
	for i, c := range cmds {
		if strings.HasPrefix(c, "kubectl create secret generic ") && create < 0 {
			create = i
		}
		if strings.HasPrefix(c, "kubectl apply") {
			if strings.Contains(c, "example") || strings.Contains(c, "secret") {
				t.Errorf("the README applies %q: the example Secret holds placeholders", c)
			}
			if c == "kubectl apply -f "+manifestFile {
				apply = i
			}
		}
	}
	if create < 0 || apply < create {
		t.Fatalf("the README's Kubernetes commands %q: want `kubectl create secret generic …` and then `kubectl apply -f %s`", cmds, manifestFile)
	}
	secretName := strings.Fields(cmds[create])[4]
	created := map[string]string{}
	for _, m := range regexp.MustCompile(`--from-literal=([A-Za-z0-9._-]+)=(\S+)`).FindAllStringSubmatch(cmds[create], -1) {
		created[m[1]] = m[2]
	}
	if tok := created["http-token"]; !strings.HasPrefix(tok, `"$(`) {
		t.Errorf("the README's http-token is %q: want one generated on the spot, \"$(openssl rand -hex 32)\" or \"$(kibana-mcp token)\"", tok)
	}

	env := deploymentEnv(dep)
	for _, name := range []string{"KIBANA_URL", "KIBANA_API_KEY", "KIBANA_MCP_HTTP_TOKEN"} {
		v := env[name]
		if v.secretKey == "" {
			t.Errorf("%s does not come from a secretKeyRef", name)
			continue
		}
		if v.secretName != secretName || created[v.secretKey] == "" {
			t.Errorf("%s comes from secret %q key %q, which the README's `kubectl create secret generic %s` does not create", name, v.secretName, v.secretKey, secretName)
		}
	}
	if v := env["KIBANA_MCP_CONFIRM_DESTRUCTIVE"]; v.value != "require" {
		t.Errorf("KIBANA_MCP_CONFIRM_DESTRUCTIVE is %+v in the Deployment, want the literal require", v)
	}

	port := dep.within(dep.next(0, "- name: http"), "containerPort")
	if port != "8080" || !svc.has("type: ClusterIP") || !svc.has("port: 80") || !svc.has("targetPort: http") {
		t.Errorf("the Service does not route port 80 to the container's 8080 (containerPort %q)", port)
	}
	if sel := svc.within(svc.next(0, "selector:"), "app.kubernetes.io/name"); sel == "" || !dep.has("app.kubernetes.io/name: "+sel) {
		t.Errorf("the Service selects %q, which the pods are not labelled with", sel)
	}

	// The variables and flags the manifest uses must be ones the server has.
	known := serverSettings(t, buildBinary(t))
	for name := range env {
		if !known[name] {
			t.Errorf("env %s is not a variable kibana-mcp reads", name)
		}
	}
	for _, a := range manifestArgs(t, dep) {
		if !known[strings.SplitN(a, "=", 2)[0]] {
			t.Errorf("%s is not a flag kibana-mcp has", a)
		}
	}
}

// TestDeployDirectoryHoldsNoSecret: `kubectl apply -f deploy/` applies every
// .yaml, .yml and .json file there, so none may hold a Secret. The example
// Secret lives beside them under a name kubectl skips, says at its top not
// to apply it, and has the shape the Deployment reads.
func TestDeployDirectoryHoldsNoSecret(t *testing.T) {
	entries, err := os.ReadDir("deploy")
	if err != nil {
		t.Fatal(err)
	}
	secretKind := regexp.MustCompile(`(?m)^\s*kind:\s*["']?Secret\b`)
	for _, e := range entries {
		switch filepath.Ext(e.Name()) {
		case ".yaml", ".yml", ".json":
		default:
			continue
		}
		b, err := os.ReadFile(filepath.Join("deploy", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if secretKind.Match(b) {
			t.Errorf("deploy/%s holds a Secret: `kubectl apply -f deploy/` would write it over the real one", e.Name())
		}
	}

	b, err := os.ReadFile(secretExampleFile)
	if err != nil {
		t.Fatal(err)
	}
	first, _, _ := strings.Cut(string(b), "\n")
	if !strings.HasPrefix(first, "#") || !strings.Contains(strings.ToUpper(first), "DO NOT APPLY") {
		t.Errorf("%s begins %q: its first line must say not to apply it", secretExampleFile, first)
	}
	if !strings.Contains(string(b), "kubectl create secret generic") {
		t.Errorf("%s does not say how to create the real Secret", secretExampleFile)
	}
	secret := readManifest(t, secretExampleFile)["Secret"]
	if secret == nil {
		t.Fatalf("%s holds no Secret", secretExampleFile)
	}
	name := secret.within(secret.next(0, "metadata:"), "name")
	keys := map[string]string{}
	for _, line := range secret[secret.next(0, "stringData:")+1:] {
		k, v, ok := strings.Cut(strings.TrimSpace(line), ": ")
		if !ok || !strings.HasPrefix(line, "  ") {
			break
		}
		keys[k] = strings.Trim(v, `"`)
	}
	for _, k := range []string{"kibana-api-key", "http-token"} {
		if !placeholder.MatchString(keys[k]) {
			t.Errorf("%s: %s = %q: an example must hold a placeholder, never a credential", secretExampleFile, k, keys[k])
		}
	}
	for env, v := range deploymentEnv(readManifest(t, manifestFile)["Deployment"]) {
		if v.secretKey != "" && (v.secretName != name || keys[v.secretKey] == "") {
			t.Errorf("%s comes from secret %q key %q, which the example Secret %q lacks", env, v.secretName, v.secretKey, name)
		}
	}
}

// TestDeployedConfigurationsParse reads the configuration a container of the
// image and a pod of the manifest start with through the server's own
// ParseConfig: streamable HTTP on 0.0.0.0:8080, stateless, destructive calls
// requiring confirmation, and a token. The example Secret's placeholder
// token must not be accepted.
func TestDeployedConfigurationsParse(t *testing.T) {
	df := readDockerfile(t)
	entry := imageEntrypoint(t, df)
	token := rand.Text() + rand.Text() // 52 random characters
	secrets := map[string]string{"kibana-url": "https://kibana.internal:5601", "kibana-api-key": "a-kibana-api-key", "http-token": token}

	parse := func(what string, args []string, env map[string]string) *app.Config {
		t.Helper()
		cfg, err := app.ParseConfig(args, func(k string) string { return env[k] }, io.Discard)
		if err != nil {
			t.Errorf("%s: %q with %v: %v", what, args, env, err)
			return nil
		}
		if cfg.Transport != "http" || cfg.Addr != "0.0.0.0:8080" || !cfg.HTTP.Stateless || cfg.HTTP.Token != token {
			t.Errorf("%s: transport %s on %s, stateless %v, token set %v: want http on 0.0.0.0:8080, stateless, the Secret's token",
				what, cfg.Transport, cfg.Addr, cfg.HTTP.Stateless, cfg.HTTP.Token == token)
		}
		if mode := fmt.Sprint(cfg.Serve.Confirm); mode != "require" {
			t.Errorf("%s: confirm-destructive %s, want require", what, mode)
		}
		return cfg
	}

	// docker run as the README shows it.
	run := imageEnv(t, df)
	run["KIBANA_URL"], run["KIBANA_API_KEY"], run["KIBANA_MCP_HTTP_TOKEN"] = secrets["kibana-url"], secrets["kibana-api-key"], token
	parse("docker run", entry[1:], run)

	// A pod: the image's environment, then the Deployment's, the Secret's
	// keys filled in; the manifest's args after the entrypoint's.
	dep := readManifest(t, manifestFile)["Deployment"]
	pod := imageEnv(t, df)
	for name, v := range deploymentEnv(dep) {
		pod[name] = v.value
		if v.secretKey != "" {
			pod[name] = secrets[v.secretKey]
		}
	}
	args := append(slices.Clone(entry[1:]), manifestArgs(t, dep)...)
	parse("the Kubernetes pod", args, pod)

	// The example Secret applied as is must not start a server open to the
	// network with a published token.
	pod["KIBANA_MCP_HTTP_TOKEN"] = ""
	for _, line := range readManifest(t, secretExampleFile)["Secret"] {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "http-token: "); ok {
			pod["KIBANA_MCP_HTTP_TOKEN"] = strings.Trim(v, `"`)
		}
	}
	if _, err := app.ParseConfig(args, func(k string) string { return pod[k] }, io.Discard); err == nil {
		t.Errorf("the pod starts with the example Secret's http-token %q", pod["KIBANA_MCP_HTTP_TOKEN"])
	}
}

// TestReadmeDeploySaysWhatTheImageSets: the README's container section names
// every setting the image's ENV lines make, with its value.
func TestReadmeDeploySaysWhatTheImageSets(t *testing.T) {
	section := readmeSection(t, "### In a container")
	for k, v := range imageEnv(t, readDockerfile(t)) {
		if !strings.Contains(section, "`"+k+"="+v+"`") {
			t.Errorf("the README's \"In a container\" section does not say the image sets `%s=%s`", k, v)
		}
	}
}
