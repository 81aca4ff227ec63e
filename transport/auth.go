package transport

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"net/http"
	"strings"

	"github.com/kibana-mcp/kibana-mcp/kibana"
)

// HeaderAPIKey carries a client's own Kibana API key (the encoded key, as
// Kibana shows it at creation) when Options.AllowClientCredentials is set.
const HeaderAPIKey = "Kibana-Api-Key"

// maxAPIKey bounds the header: Kibana's encoded keys are under 200 bytes.
const maxAPIKey = 4096

// ownerKey holds, in a request's context, who the request acts as: the
// SHA-256 of its Kibana key, or "" for the server's own credentials. A
// session may only be used by requests of the owner that opened it.
type ownerKey struct{}

func ownerOf(ctx context.Context) string {
	owner, _ := ctx.Value(ownerKey{}).(string)
	return owner
}

func sameOwner(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// authenticate checks the bearer token and takes the caller's Kibana key
// into the context (kibana.WithAPIKey), where the shared client finds it
// for every Kibana request the call makes. Both headers are then removed:
// nothing further down (tool handlers see request headers) needs a secret.
// It answers 401 or 400 itself and returns nil then.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) *http.Request {
	if s.opts.Token != "" && !s.tokenOK(r) {
		challenge := `Bearer realm="kibana-mcp"`
		if r.Header.Get("Authorization") != "" {
			challenge += `, error="invalid_token"`
		}
		w.Header().Set("WWW-Authenticate", challenge)
		http.Error(w, "kibana-mcp: this endpoint needs the server's token in an Authorization: Bearer header", http.StatusUnauthorized)
		return nil
	}
	key := ""
	if s.opts.AllowClientCredentials {
		key = strings.TrimSpace(r.Header.Get(HeaderAPIKey))
		key = strings.TrimSpace(strings.TrimPrefix(key, "ApiKey "))
		if len(key) > maxAPIKey || strings.ContainsFunc(key, func(c rune) bool { return c <= ' ' || c > '~' }) {
			http.Error(w, "kibana-mcp: the "+HeaderAPIKey+" header must hold one encoded Kibana API key", http.StatusBadRequest)
			return nil
		}
		if key == "" && s.opts.Token == "" {
			// Without a token, the server's own key is for nobody: an
			// anonymous caller must not borrow its privileges.
			w.Header().Set("WWW-Authenticate", `ApiKey realm="kibana-mcp"`)
			http.Error(w, "kibana-mcp: send your own Kibana API key in the "+HeaderAPIKey+" header", http.StatusUnauthorized)
			return nil
		}
		// Without a token the key is the only credential: Kibana must
		// know it before it opens a session or reaches a tool. With a
		// token the caller is already known, and Kibana judges the key
		// at its first call.
		if key != "" && s.opts.Token == "" && s.keys != nil && !s.checkKey(w, r, key) {
			return nil
		}
	}
	r.Header.Del(HeaderAPIKey)
	r.Header.Del("Authorization")
	ctx := r.Context()
	owner := ""
	if key != "" {
		ctx = kibana.WithAPIKey(ctx, key)
		sum := sha256.Sum256([]byte(key))
		owner = string(sum[:])
	}
	return r.WithContext(context.WithValue(ctx, ownerKey{}, owner))
}

// tokenOK compares the bearer token in constant time; hashing first hides
// the token's length too.
func (s *Server) tokenOK(r *http.Request) bool {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return false
	}
	got := sha256.Sum256([]byte(strings.TrimSpace(token)))
	return subtle.ConstantTimeCompare(got[:], s.tokenHash[:]) == 1
}

// checkKey asks Kibana (through the cache) whether it knows key, answering
// 401 for a key it refused and 503 when it could not say, and returns
// whether the request may go on.
func (s *Server) checkKey(w http.ResponseWriter, r *http.Request, key string) bool {
	err := s.keys.verify(r.Context(), key)
	switch {
	case err == nil:
		return true
	case errors.Is(err, ErrKeyRefused):
		w.Header().Set("WWW-Authenticate", `ApiKey realm="kibana-mcp", error="invalid_token"`)
		http.Error(w, "kibana-mcp: Kibana does not accept the API key in the "+HeaderAPIKey+" header", http.StatusUnauthorized)
	case r.Context().Err() != nil:
		// The client went away while waiting; nobody reads an answer.
		http.Error(w, "kibana-mcp: request cancelled", http.StatusServiceUnavailable)
	default:
		s.log.Warn("could not check a client's Kibana API key; answered 503", "err", err)
		w.Header().Set("Retry-After", "5")
		http.Error(w, "kibana-mcp: your Kibana API key could not be checked with Kibana just now; try again shortly", http.StatusServiceUnavailable)
	}
	return false
}
