package transport

import (
	"container/list"
	"context"
	"crypto/sha256"
	"errors"
	"sync"
	"time"
)

// ErrKeyRefused is what an Options.CheckKey returns when Kibana does not
// accept a client's key (it answered 401). Only this verdict is cached as
// a refusal; any other error is a failure to check, answered with 503 and
// asked again at the next request.
var ErrKeyRefused = errors.New("Kibana does not accept this API key")

// How long a verdict on a client key holds. An accepted key is asked about
// again after five minutes, so that a key revoked in Kibana stops opening
// sessions within that time, while a busy client costs Kibana one read
// every five minutes rather than one per request. A refused key is asked
// about again sooner: it may have been refused during a blip in Kibana's
// security realm, or created a moment after the client started.
const (
	keyAcceptedFor = 5 * time.Minute
	keyRefusedFor  = time.Minute
)

// maxKeyVerdicts bounds the cache: a client sending random keys must not
// grow the server's memory. 10,000 entries of about 100 bytes is 1 MB; a
// team's real keys fit many times over, so evicting the oldest only ever
// costs a random-key sender (and its victims: nobody) one more check.
const maxKeyVerdicts = 10000

// keyCheckTimeout bounds one check. It runs detached from the request that
// started it, since every request waiting for the same key shares it.
const keyCheckTimeout = 15 * time.Second

// maxKeyChecks bounds the checks in flight at once, so that a burst of
// different keys does not become a burst of requests to Kibana.
const maxKeyChecks = 16

// keyChecker verifies client keys with Options.CheckKey once, caches the
// verdict by the key's SHA-256 (never the key itself), and makes
// concurrent first requests with one key share a single check.
type keyChecker struct {
	check func(ctx context.Context, key string) error
	slots chan struct{} // one per check in flight
	now   func() time.Time

	mu       sync.Mutex
	verdicts map[[32]byte]*list.Element // of *keyVerdict, oldest at the front
	order    *list.List
	pending  map[[32]byte]*keyCheck
}

type keyVerdict struct {
	sum     [32]byte
	refused bool
	until   time.Time
}

// keyCheck is one check under way; done is closed when err is set.
type keyCheck struct {
	done chan struct{}
	err  error
}

func newKeyChecker(check func(ctx context.Context, key string) error) *keyChecker {
	return &keyChecker{
		check:    check,
		slots:    make(chan struct{}, maxKeyChecks),
		now:      time.Now,
		verdicts: map[[32]byte]*list.Element{},
		order:    list.New(),
		pending:  map[[32]byte]*keyCheck{},
	}
}

// verify returns nil for an accepted key, ErrKeyRefused for a refused one,
// and another error when the key could not be checked (Kibana unreachable
// or failing, or ctx done first).
func (c *keyChecker) verify(ctx context.Context, key string) error {
	sum := sha256.Sum256([]byte(key))
	c.mu.Lock()
	if el, ok := c.verdicts[sum]; ok {
		v := el.Value.(*keyVerdict)
		if c.now().Before(v.until) {
			c.mu.Unlock()
			if v.refused {
				return ErrKeyRefused
			}
			return nil
		}
		c.order.Remove(el)
		delete(c.verdicts, sum)
	}
	pc, ok := c.pending[sum]
	if !ok {
		pc = &keyCheck{done: make(chan struct{})}
		c.pending[sum] = pc
		go c.run(context.WithoutCancel(ctx), sum, key, pc)
	}
	c.mu.Unlock()
	select {
	case <-pc.done:
		return pc.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// run checks one key for everyone waiting on pc and caches the verdict.
// ctx carries the first request's values but not its cancellation.
func (c *keyChecker) run(ctx context.Context, sum [32]byte, key string, pc *keyCheck) {
	ctx, cancel := context.WithTimeout(ctx, keyCheckTimeout)
	defer cancel()
	select {
	case c.slots <- struct{}{}:
		pc.err = c.check(ctx, key)
		<-c.slots
	case <-ctx.Done():
		pc.err = errors.New("too many API keys being checked at once")
	}
	c.mu.Lock()
	delete(c.pending, sum)
	switch {
	case pc.err == nil:
		c.remember(sum, false, keyAcceptedFor)
	case errors.Is(pc.err, ErrKeyRefused):
		pc.err = ErrKeyRefused
		c.remember(sum, true, keyRefusedFor)
	}
	c.mu.Unlock()
	close(pc.done)
}

// remember caches a verdict, evicting the oldest beyond maxKeyVerdicts.
// c.mu is held.
func (c *keyChecker) remember(sum [32]byte, refused bool, ttl time.Duration) {
	for c.order.Len() >= maxKeyVerdicts {
		oldest := c.order.Front()
		delete(c.verdicts, oldest.Value.(*keyVerdict).sum)
		c.order.Remove(oldest)
	}
	c.verdicts[sum] = c.order.PushBack(&keyVerdict{sum: sum, refused: refused, until: c.now().Add(ttl)})
}

// cached is how many verdicts are held (for tests).
func (c *keyChecker) cached() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}
