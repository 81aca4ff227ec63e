package serve

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mark3labs/mcp-go/server"

	"github.com/kibana-mcp/kibana-mcp/kibana"
)

// A confirmation asked of a 2026-07-28 client travels as request state: the
// client echoes it back with the user's answer. The state is the server's
// signature of one call (tool and arguments) for one caller, with an expiry
// and a nonce:
//
//	confirm:v2:<expiry unix>:<nonce>:<caller tag>:<mac>
//
// The caller tag (a keyed hash of who asked) lets an approval presented by
// someone else be refused with a reason instead of mistaken for a new call;
// the nonce lets a used approval be refused the second time.

// approvalTTL is how long a question stays answerable: as long as a direct
// elicitation may wait (confirmTimeout), so both eras give the user the
// same time.
const approvalTTL = confirmTimeout

var (
	errStateMismatch = errors.New("the approval was given for another call")
	errStateExpired  = errors.New("the user's approval has expired (approvals last 10 minutes)")
	errStateUsed     = errors.New("this approval was already used; an approval covers one call")
	errStateCaller   = errors.New("this approval was given to another session or client, not to this one")
)

// processKey signs confirmation states when no shared secret is given; it is
// new in every process, so only this server can produce a state it will
// accept. Made when first needed, not at package initialisation: by then a
// start is building its server while Kibana is asked which it is.
var processKey = sync.OnceValue(func() []byte {
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return k
})

// confirmStates issues and checks the states of one runner.
type confirmStates struct {
	key []byte

	mu   sync.Mutex
	used map[string]time.Time // nonce → expiry, of approvals already honoured
}

// newConfirmStates signs with a key derived from secret, which replicas
// behind a load balancer share so that an approval given to one is accepted
// by the others, or with this process's own key.
func newConfirmStates(secret []byte) *confirmStates {
	if len(secret) > 0 {
		mac := hmac.New(sha256.New, secret)
		mac.Write([]byte("kibana-mcp confirmation state"))
		return &confirmStates{key: mac.Sum(nil), used: map[string]time.Time{}}
	}
	key := processKey()
	return &confirmStates{key: key, used: map[string]time.Time{}}
}

// issue signs a question about one call for caller, answerable until
// approvalTTL from now.
func (c *confirmStates) issue(tool string, args map[string]any, caller string, now time.Time) string {
	nonce := make([]byte, 12)
	rand.Read(nonce)
	expiry := strconv.FormatInt(now.Add(approvalTTL).Unix(), 10)
	tag := c.callerTag(caller)
	n := hex.EncodeToString(nonce)
	return strings.Join([]string{"confirm", "v2", expiry, n, tag, c.mac(tool, args, expiry, n, tag)}, ":")
}

// check accepts a state only if it is this server's signature of this call,
// for this caller, unexpired and unused; accepting it uses it up.
func (c *confirmStates) check(state, tool string, args map[string]any, caller string, now time.Time) error {
	parts := strings.Split(state, ":")
	if len(parts) != 6 || parts[0] != "confirm" || parts[1] != "v2" {
		return errStateMismatch
	}
	expiry, nonce, tag, mac := parts[2], parts[3], parts[4], parts[5]
	if !hmac.Equal([]byte(mac), []byte(c.mac(tool, args, expiry, nonce, tag))) {
		return errStateMismatch
	}
	if !hmac.Equal([]byte(tag), []byte(c.callerTag(caller))) {
		return errStateCaller
	}
	until, err := strconv.ParseInt(expiry, 10, 64)
	if err != nil || !now.Before(time.Unix(until, 0)) {
		return errStateExpired
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for n, exp := range c.used {
		if !now.Before(exp) {
			delete(c.used, n) // expired states fail above; no need to remember them
		}
	}
	if _, seen := c.used[nonce]; seen {
		return errStateUsed
	}
	c.used[nonce] = time.Unix(until, 0)
	return nil
}

// mac signs tool, arguments and the state's own fields. encoding/json
// writes map keys sorted, so equal arguments give equal signatures.
func (c *confirmStates) mac(tool string, args map[string]any, fields ...string) string {
	b, _ := json.Marshal(args)
	m := hmac.New(sha256.New, c.key)
	m.Write([]byte(tool))
	m.Write([]byte{0})
	m.Write(b)
	for _, f := range fields {
		m.Write([]byte{0})
		m.Write([]byte(f))
	}
	return hex.EncodeToString(m.Sum(nil))
}

// callerTag is a short keyed hash of the caller: it tells callers apart
// without saying who they are.
func (c *confirmStates) callerTag(caller string) string {
	m := hmac.New(sha256.New, c.key)
	m.Write([]byte("caller\x00" + caller))
	return hex.EncodeToString(m.Sum(nil)[:8])
}

// callerOf names who makes a call, for binding approvals: the MCP session
// where there is one, else the Kibana credential the call runs with (a
// client's own key, or the server's).
func callerOf(ctx context.Context) string {
	if s := server.ClientSessionFromContext(ctx); s != nil && s.SessionID() != "" {
		return "session " + s.SessionID()
	}
	return fmt.Sprintf("credential %s", kibana.CallerIdentity(ctx))
}
