package sandbox

import (
	"crypto/sha256"
	"encoding/hex"
	"hash/fnv"
	"math/rand/v2"
	"time"
)

// seededValueList is a value list of the story. Its id is readable and the
// same in every space, so exception entries and examples can name it.
type seededValueList struct {
	id, typ, name, description string
	daysAgo                    int
	values                     []string
}

// seedValueLists gives each space its data streams and the lists a SOC
// keeps from its incidents: the attackers' addresses from the brute-force
// alerts, hashes of the tools seen in the ransomware and PowerShell
// alerts, the phishing and tunnelling domains, and the scanner ranges whose
// noise exceptions silence.
func (k *Kibana) seedValueLists(sp *space, rng *rand.Rand) {
	now := k.cfg.Now()
	cast := castFor(sp.id, now)
	hash := func(s string) string {
		sum := sha256.Sum256([]byte(sp.id + "/" + s))
		return hex.EncodeToString(sum[:])
	}
	c2 := "185.220.101.34"
	if sp.id == "soc" {
		c2 = "198.51.100.77"
	}
	lists := []seededValueList{
		{"known-bad-ips", "ip", "Known bad IPs", "Attacker addresses from closed incidents", 30,
			append(append([]string{}, cast.attackers...), c2)},
		{"blocked-hashes", "keyword", "Blocked hashes", "SHA-256 of files blocked on endpoints", 21,
			[]string{hash(cast.ransomProc), hash("a.ps1"), hash("stage2.bin")}},
		{"phishing-domains", "keyword", "Phishing domains", "Domains from reported phishing mail", 14,
			[]string{cast.phishDomain, cast.tunnelDomain}},
		{"vuln-scanner-ranges", "ip_range", "Vulnerability scanner ranges", "Authorised scanners; exceptions use it to silence scan noise", 60,
			[]string{cast.subnet + ".250.0/24", cast.subnet + ".251.10-" + cast.subnet + ".251.20"}},
	}
	st := &sp.valueLists
	st.streams = true
	users := []string{"elastic", "aokafor", "mchen"}
	for _, s := range lists {
		at := now.Add(-time.Duration(s.daysAgo)*24*time.Hour - time.Duration(rng.IntN(3600))*time.Second)
		user := users[rng.IntN(len(users))]
		l := st.addList(s.id, s.typ, s.name, s.description, nil, 1, user, stampVL(at), seededItemID(sp.id, s.id, -1))
		for i, v := range s.values {
			added := at.Add(time.Duration(i+1) * time.Hour)
			st.addItem(seededItemID(sp.id, s.id, i), l, v, nil, user, stampVL(added), seededItemID(sp.id, s.id, 1000+i))
		}
	}
}

// seededItemID is the id of the i-th seeded value of a list in a space,
// the same whatever the seed, so examples can name it.
func seededItemID(spaceID, listID string, i int) string {
	h := fnv.New64a()
	h.Write([]byte(spaceID + "/" + listID))
	return uuidFrom(h.Sum64() + uint64(i+2))
}

func stampVL(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }
