package main

import (
	"debug/elf"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
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
	var entry []string
	if e := find(final, "ENTRYPOINT"); len(e) != 1 || json.Unmarshal([]byte(e[0]), &entry) != nil {
		t.Fatalf("ENTRYPOINT %q: want one, in exec (JSON) form so signals reach the server", e)
	}
	if len(entry) == 0 || entry[0] != copied || !strings.Contains(strings.Join(entry, " "), "--transport http --addr 0.0.0.0:8080") {
		t.Errorf("ENTRYPOINT %q: want %s --transport http --addr 0.0.0.0:8080", entry, copied)
	}
	if e := find(final, "EXPOSE"); len(e) != 1 || e[0] != "8080" {
		t.Errorf("EXPOSE %q, want 8080", e)
	}
	env := map[string]string{}
	for _, e := range find(final, "ENV") {
		for _, w := range shellWords(t, e, nil) {
			k, v, _ := strings.Cut(w, "=")
			env[k] = v
		}
	}
	if env["KIBANA_MCP_STATELESS"] != "true" {
		t.Errorf("ENV KIBANA_MCP_STATELESS=%q, want true", env["KIBANA_MCP_STATELESS"])
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

// manifestDoc is one document of deploy/kubernetes.yaml, as lines.
type manifestDoc []string

// readManifest splits the manifest into documents by kind. Line checks are
// enough for a file this small and keep a YAML parser out of go.mod.
func readManifest(t *testing.T) map[string]manifestDoc {
	t.Helper()
	b, err := os.ReadFile("deploy/kubernetes.yaml")
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
			t.Fatalf("a manifest document without a kind:\n%s", doc)
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

// TestKubernetesManifest checks the facts a deployment depends on: two
// stateless replicas, probes on the right endpoints, the credentials from
// the Secret (by keys the Secret has), a non-root read-only container, and
// a Service reaching the port the image exposes.
func TestKubernetesManifest(t *testing.T) {
	docs := readManifest(t)
	dep, secret, svc := docs["Deployment"], docs["Secret"], docs["Service"]
	if dep == nil || secret == nil || svc == nil {
		t.Fatalf("want a Secret, a Deployment and a Service; have %v", slices.Sorted(func(yield func(string) bool) {
			for k := range docs {
				yield(k)
			}
		}))
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

	secretName := secret.within(secret.next(0, "metadata:"), "name")
	keys := map[string]string{}
	for _, line := range secret[secret.next(0, "stringData:")+1:] {
		k, v, ok := strings.Cut(strings.TrimSpace(line), ": ")
		if !ok || !strings.HasPrefix(line, "  ") {
			break
		}
		keys[k] = strings.Trim(v, `"`)
	}
	for _, k := range []string{"kibana-api-key", "http-token"} {
		if !strings.Contains(keys[k], "REPLACE") {
			t.Errorf("secret %s = %q: the checked-in manifest must hold a placeholder", k, keys[k])
		}
	}
	for _, name := range []string{"KIBANA_URL", "KIBANA_API_KEY", "KIBANA_MCP_HTTP_TOKEN"} {
		i := dep.next(0, "- name: "+name)
		ref := dep.next(i, "secretKeyRef:")
		if i < 0 || ref < 0 || ref > i+3 {
			t.Errorf("%s does not come from a secretKeyRef", name)
			continue
		}
		if n, k := dep.within(ref, "name"), dep.within(ref, "key"); n != secretName || keys[k] == "" {
			t.Errorf("%s comes from secret %q key %q, which the Secret %q does not have", name, n, k, secretName)
		}
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
	for _, line := range dep {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "- name: KIBANA"); ok && !known["KIBANA"+v] {
			t.Errorf("env KIBANA%s is not a variable kibana-mcp reads", v)
		}
	}
	if !known["--stateless"] {
		t.Error("--stateless is not a flag kibana-mcp has")
	}
}
