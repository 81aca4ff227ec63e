package operation

import (
	"strings"
	"testing"
)

// The credentials the catalogue's inputs carry are hidden in questions,
// nested ones too; names that only look alike are shown.
func TestSecretMembersHidden(t *testing.T) {
	for _, name := range []string{"password", "secrets", "langSmithApiKey", "enrolToken", "api_key",
		"certificate_key", "key_passphrase", "Proxy-Authorization", "private_key", "elastic_agent_cert_key", "replace_token"} {
		if !secretName(name) {
			t.Errorf("%s is not taken for a secret", name)
		}
	}
	for _, name := range []string{"name", "url", "certificate", "certificate_authorities", "proxy_headers", "elastic_agent_cert"} {
		if secretName(name) {
			t.Errorf("%s is taken for a secret", name)
		}
	}
	got := strings.Join(Assignments(map[string]any{
		"certificate_key": "-----BEGIN PRIVATE KEY-----",
		"proxy_headers":   map[string]any{"Proxy-Authorization": "Basic dXNlcjpwdw==", "X-Team": "soc"},
		"ssl":             map[string]any{"key_passphrase": "hunter2", "key": "-----BEGIN EC KEY-----"},
	}), "; ")
	for _, leak := range []string{"BEGIN PRIVATE", "dXNlcjpwdw", "hunter2", "EC KEY"} {
		if strings.Contains(got, leak) {
			t.Errorf("question shows %q: %s", leak, got)
		}
	}
	if !strings.Contains(got, `soc`) {
		t.Errorf("question hides a plain header: %s", got)
	}
}
