package transport

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"
)

// strongToken is a token these tests may use beyond loopback.
const strongToken = "kT9-vQ2_mX7pL4rW8nB3cZ6hJ1sD5fGy"

// TestWeakTokensAreRefusedBeyondLoopback: each kind of weak token is
// refused on a public address with the rule it breaks named, and the error
// holds no more of the token than a placeholder's opening.
func TestWeakTokensAreRefusedBeyondLoopback(t *testing.T) {
	for _, tc := range []struct {
		token, want string
	}{
		{"a", "the HTTP token is 1 character long; beyond loopback it must be at least 32 (run \"kibana-mcp token\" for one)"},
		{"s3cret-token", "is 12 characters long"},
		{"REPLACE-WITH-A-LONG-RANDOM-TOKEN", `looks like a placeholder ("REPLACE-WITH-…"); set a real random one (kibana-mcp token)`},
		{"replace_me_with_something_long_and_random_please", `placeholder ("replace_me_wi…")`},
		{"CHANGE-THIS-BEFORE-DEPLOYING-IT-TO-PRODUCTION", `placeholder ("CHANGE-THIS-…")`},
		{"ChangeMe", `placeholder ("ChangeMe")`}, // the prefix rule wins over the length rule
		{"my-changeme-token-for-the-team-server-2024", `it contains "changeme"`},
		{"an-Example-token-only-good-for-the-docs-123", `it contains "example"`},
		{"put-your-token-here-before-you-deploy-this", `it contains "your-token"`},
		{"xyz-PLACEHOLDER-xyz-PLACEHOLDER-xyz-0123456", `it contains "placeholder"`},
		{"insert-the-token-here-and-then-restart-it", `it contains "token-here"`},
		{strings.Repeat("a", 40), "one character repeated"},
		{strings.Repeat("abc", 14), "3-character pattern repeated"},
		{strings.Repeat("s3cret!", 6), "7-character pattern repeated"},
		{"aaaabbbbccccddddaaaabbbbccccddddeeee", "only 5 different characters"},
		{strings.Repeat("a", 38) + "bcdefg", "only 7 different characters"},
		{"abcdefghijklmnopqrstuvwxyz0123456789", "consecutive characters"},
		{"zyxwvutsrqponmlkjihgfedcba9876543210", "consecutive characters"},
	} {
		err := Options{Transport: "http", Token: tc.token}.Validate("0.0.0.0:8080")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v, want %q", tc.token, err, tc.want)
			continue
		}
		if len(tc.token) > 3 && !strings.Contains(err.Error(), "placeholder") && strings.Contains(err.Error(), tc.token) {
			t.Errorf("%q: the error shows the token: %v", tc.token, err)
		}
		if strings.Contains(err.Error(), "\n") {
			t.Errorf("%q: more than one line: %q", tc.token, err)
		}
	}
}

// TestRandomTokensPass: what `kibana-mcp token` prints, and what the usual
// generators (openssl rand -hex 32, -base64 32) print, is accepted; and
// two tokens are never alike.
func TestRandomTokensPass(t *testing.T) {
	seen := map[string]bool{}
	for range 2000 {
		tok, err := NewToken()
		if err != nil {
			t.Fatal(err)
		}
		if len(tok) < 43 || seen[tok] {
			t.Fatalf("token %d characters long, or repeated", len(tok))
		}
		seen[tok] = true
		if why := weakToken(tok); why != "" {
			t.Errorf("NewToken gave a token refused as %s", why)
		}
		b := make([]byte, 32)
		rand.Read(b)
		for _, other := range []string{hex.EncodeToString(b), base64.StdEncoding.EncodeToString(b)} {
			if why := weakToken(other); why != "" {
				t.Errorf("a random %d-character token was refused: %s", len(other), why)
			}
		}
	}
	if why := weakToken(strongToken); why != "" {
		t.Errorf("strongToken: %s", why)
	}
}

// TestWeakTokenOnLoopbackIsAWarning: on loopback a weak token starts the
// server, with a warning that names the rule, and never the token.
func TestWeakTokenOnLoopbackIsAWarning(t *testing.T) {
	log, logs := testLogger()
	ts := New(Options{Transport: "http", Token: "s3cret-token", Log: log})
	r := serve(t, ts, newMCP(t, ts, newFakeKibana(t, 0).client(t, nil)))
	mustConnect(t, r, map[string]string{"Authorization": "Bearer s3cret-token"})
	r.stop()
	warns := logs.lines("weak HTTP token: accepted on loopback only, the server refuses to start with it on any other address")
	if len(warns) != 1 || warns[0]["level"] != "WARN" || !strings.Contains(warns[0]["reason"].(string), "12 characters long") {
		t.Errorf("warnings: %v\n%s", warns, logs)
	}
	if strings.Contains(logs.String(), "s3cret") {
		t.Errorf("the token reached the log: %s", logs)
	}
	// A strong token draws no such warning.
	log, logs = testLogger()
	ts = New(Options{Transport: "http", Token: strongToken, Log: log})
	serve(t, ts, newMCP(t, ts, newFakeKibana(t, 0).client(t, nil))).stop()
	if strings.Contains(logs.String(), "weak HTTP token") {
		t.Errorf("strong token warned about: %s", logs)
	}
}
