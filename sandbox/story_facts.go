package sandbox

import (
	"fmt"
	"hash/fnv"
	"strings"
	"time"
)

// The story's texts (case descriptions and comments, timeline notes) state
// counts and times of the raw events: how many failed logins, when the one
// that worked came, how many tunnelled DNS queries, when the shadow copies
// were deleted. The events are built later, on first use, from their own
// random draws; so what a text states is decided here, from the alerts
// (seeded first, deterministic from the seed), and the event generator
// places its events by the same functions. A model that checks a case
// against the events with ES|QL finds what the case says.

// alertDraw is a number in [lo, lo+n) drawn from an alert's source event
// id: fixed by the seed, and the same whenever the events are built.
func alertDraw(a storyAlert, salt string, lo, n int) int {
	h := fnv.New32a()
	h.Write([]byte(salt + "/" + a.eventID))
	return lo + int(h.Sum32()%uint32(n))
}

// bruteBurst is how many failed logins come before a brute-force alert.
func bruteBurst(a storyAlert) int { return alertDraw(a, "brute", 18, 15) }

// dnsBurst is how many tunnelled queries surround a DNS tunneling alert
// (besides the alert's own).
func dnsBurst(a storyAlert) int { return alertDraw(a, "dns", 15, 15) }

// ransomStart is when the encryptor starts: 12 to 17 minutes before the
// first ransomware alert. The shadow copies go 30 seconds later.
func ransomStart(first storyAlert) time.Time {
	return first.at.Add(-time.Duration(alertDraw(first, "ransom", 12, 6)) * time.Minute).Truncate(time.Millisecond)
}

// storyFacts are what the texts of a space state about its events.
type storyFacts struct {
	bruteFailures int       // failed logins from the attackers' addresses
	bruteBursts   int       // one before each brute-force alert
	bruteAccounts int       // accounts those failures tried
	bruteSuccess  time.Time // the one successful logon
	successBurst  int       // the failures of the burst right before it
	dnsQueries    int       // TXT queries to the tunnel domain
	dnsBursts     int
	dnsDays       int       // days from the first burst to now, rounded up
	ransomStart   time.Time // the encryptor starts
}

// factsOf computes a space's facts from its alerts, as the generator will
// place the events (events_seed.go).
func factsOf(c alertCast, alerts []storyAlert, now time.Time) storyFacts {
	f := storyFacts{bruteAccounts: len(c.bruteUsers)}
	var firstDNS, firstRansom *storyAlert
	for i, a := range alerts {
		switch a.ruleID {
		case "brute-force-logins":
			f.bruteBursts++
			f.bruteFailures += bruteBurst(a)
			if a.outcome == "success" {
				f.bruteSuccess, f.successBurst = a.at, bruteBurst(a)
			} else {
				f.bruteFailures++ // the alert's own event
			}
		case "dns-tunneling":
			f.dnsBursts++
			f.dnsQueries += dnsBurst(a) + 1
			if firstDNS == nil {
				firstDNS = &alerts[i]
			}
		case "ransomware-behaviour":
			if firstRansom == nil {
				firstRansom = &alerts[i]
			}
		}
	}
	if firstDNS != nil {
		f.dnsDays = int(now.Sub(firstDNS.at)/(24*time.Hour)) + 1
	}
	if firstRansom != nil {
		f.ransomStart = ransomStart(*firstRansom)
	}
	return f
}

// storyText fills a text's {placeholders} with the space's facts and cast.
func storyText(text string, c alertCast, f storyFacts) string {
	if !strings.Contains(text, "{") {
		return text
	}
	clock := func(t time.Time) string { return t.UTC().Format("15:04 UTC on 2 January") }
	return strings.NewReplacer(
		"{brute.failures}", fmt.Sprint(f.bruteFailures),
		"{brute.bursts}", fmt.Sprint(f.bruteBursts),
		"{brute.accounts}", fmt.Sprint(f.bruteAccounts),
		"{brute.sources}", joinAnd(c.attackers),
		"{brute.success}", clock(f.bruteSuccess),
		"{brute.user}", c.bruteUsers[len(c.bruteUsers)-1],
		"{brute.burst}", fmt.Sprint(f.successBurst),
		"{dns.queries}", fmt.Sprint(f.dnsQueries),
		"{dns.bursts}", fmt.Sprint(f.dnsBursts),
		"{dns.days}", fmt.Sprint(f.dnsDays),
		"{dns.domain}", c.tunnelDomain[strings.IndexByte(c.tunnelDomain, '.')+1:],
		"{ransom.start}", clock(f.ransomStart),
		"{ransom.shadows}", clock(f.ransomStart.Add(30*time.Second)),
	).Replace(text)
}

// joinAnd writes a, b and c.
func joinAnd(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}
