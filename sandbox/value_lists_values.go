package sandbox

import (
	"encoding/base64"
	"net/netip"
	"strconv"
	"strings"
)

// Which values each value list type holds, as the items data stream's
// mapping decides: ranges are written from-to (from,to for dates), and a
// single value is a range of one.

// valueListValueOK reports whether value can be stored in a list of type
// typ.
func valueListValueOK(typ, value string) bool {
	switch typ {
	case "ip":
		_, err := netip.ParseAddr(value)
		return err == nil
	case "ip_range":
		_, _, ok := vlIPRange(value)
		return ok
	case "byte", "short", "integer", "long":
		_, ok := vlInt(value, typ)
		return ok
	case "half_float", "float", "double":
		_, ok := vlFloat(value)
		return ok
	case "integer_range", "long_range":
		base := strings.TrimSuffix(typ, "_range")
		return vlRange(value, "-", func(s string) (float64, bool) { return vlInt(s, base) })
	case "float_range", "double_range":
		return vlRange(value, "-", vlFloat)
	case "date", "date_nanos":
		_, ok := vlDate(value)
		return ok
	case "date_range":
		return vlRange(value, ",", vlDate)
	case "boolean":
		return value == "true" || value == "false"
	case "binary":
		_, err := base64.StdEncoding.DecodeString(value)
		return err == nil
	case "geo_point":
		lat, lon, ok := strings.Cut(value, ",")
		la, errLat := strconv.ParseFloat(strings.TrimSpace(lat), 64)
		lo, errLon := strconv.ParseFloat(strings.TrimSpace(lon), 64)
		return ok && errLat == nil && errLon == nil && la >= -90 && la <= 90 && lo >= -180 && lo <= 180
	}
	return true // keyword, text, shapes
}

func vlInt(s, typ string) (float64, bool) {
	bits := map[string]int{"byte": 8, "short": 16, "integer": 32}[typ]
	if bits == 0 {
		bits = 64
	}
	n, err := strconv.ParseInt(s, 10, bits)
	return float64(n), err == nil
}

func vlFloat(s string) (float64, bool) {
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil && !strings.ContainsAny(s, "nN")
}

// vlISODate is strict_date_optional_time, the default date format besides
// epoch milliseconds.
var vlISODate = lazyRegexp(`^\d{4}(-\d{2}(-\d{2}(T\d{2}(:\d{2}(:\d{2}([.,]\d{1,9})?)?)?(Z|[+-]\d{2}(:?\d{2})?)?)?)?)?$`)

func vlDate(s string) (float64, bool) {
	if vlISODate().MatchString(s) {
		return 0, true
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return float64(n), err == nil
}

// vlRange accepts one value, or from<sep>to with from not above to; a
// leading minus is a sign, not the separator.
func vlRange(s, sep string, parse func(string) (float64, bool)) bool {
	skip := min(1, len(s))
	if i := strings.Index(s[skip:], sep); i >= 0 {
		i += skip
		from, okFrom := parse(s[:i])
		to, okTo := parse(s[i+len(sep):])
		return okFrom && okTo && from <= to
	}
	_, ok := parse(s)
	return ok
}

// vlIPRange parses a CIDR block, a from-to range or one address into its
// first and last address.
func vlIPRange(s string) (netip.Addr, netip.Addr, bool) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Addr{}, netip.Addr{}, false
		}
		p = p.Masked()
		return p.Addr(), lastAddr(p), true
	}
	if from, to, ok := strings.Cut(s, "-"); ok {
		a, errA := netip.ParseAddr(from)
		b, errB := netip.ParseAddr(to)
		return a, b, errA == nil && errB == nil && a.Is4() == b.Is4() && a.Compare(b) <= 0
	}
	a, err := netip.ParseAddr(s)
	return a, a, err == nil
}

func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Addr().AsSlice()
	for i := p.Bits(); i < len(b)*8; i++ {
		b[i/8] |= 0x80 >> (i % 8)
	}
	a, _ := netip.AddrFromSlice(b)
	return a
}

// valueListTermMatches reports whether a term query for q finds an item
// of type typ holding stored: for ip, an address equal to q or inside the
// CIDR block q; for ip_range, a range holding the address q; for numbers,
// the same number; otherwise the same text.
func valueListTermMatches(typ, stored, q string) bool {
	switch typ {
	case "ip":
		a, err := netip.ParseAddr(stored)
		if err != nil {
			return false
		}
		if p, err := netip.ParsePrefix(q); err == nil {
			return p.Contains(a)
		}
		b, err := netip.ParseAddr(q)
		return err == nil && a == b
	case "ip_range":
		from, to, ok := vlIPRange(stored)
		a, err := netip.ParseAddr(q)
		if ok && err == nil && a.Is4() == from.Is4() {
			return from.Compare(a) <= 0 && a.Compare(to) <= 0
		}
	case "byte", "short", "integer", "long", "half_float", "float", "double":
		x, errX := strconv.ParseFloat(stored, 64)
		y, errY := strconv.ParseFloat(q, 64)
		if errX == nil && errY == nil {
			return x == y
		}
	}
	return stored == q
}
