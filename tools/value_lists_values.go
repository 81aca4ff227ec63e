package tools

import (
	"encoding/base64"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// What a value of each value list type must look like, so that a file of
// values can be checked before Kibana silently drops the lines its index
// refuses. Ranges are written as Kibana parses them: from-to, or from,to
// for dates; a single value is a range of one.

// valueListValueRule returns why value cannot be stored in a list of type
// typ, or "" when it can.
func valueListValueRule(typ, value string) string {
	switch typ {
	case "ip":
		if _, err := netip.ParseAddr(value); err != nil {
			return "is not an IP address"
		}
	case "ip_range":
		if !validIPRange(value) {
			return "is not an IP address, a CIDR block or a from-to range of IPs"
		}
	case "byte", "short", "integer", "long":
		if lo, hi := intBounds(typ); !validInt(value, lo, hi) {
			return fmt.Sprintf("is not an integer from %d to %d", lo, hi)
		}
	case "half_float", "float", "double":
		if !validFloat(value) {
			return "is not a number"
		}
	case "integer_range", "long_range":
		lo, hi := intBounds(strings.TrimSuffix(typ, "_range"))
		if !validRange(value, "-", func(s string) (float64, bool) { return intValue(s, lo, hi) }) {
			return fmt.Sprintf("is not an integer from %d to %d or a from-to range of them", lo, hi)
		}
	case "float_range", "double_range":
		if !validRange(value, "-", floatValue) {
			return "is not a number or a from-to range of numbers"
		}
	case "date", "date_nanos":
		if !validDate(value) {
			return "is not a date (ISO 8601 or epoch milliseconds)"
		}
	case "date_range":
		if !validRange(value, ",", dateValue) {
			return "is not a date or a from,to range of dates"
		}
	case "boolean":
		if value != "true" && value != "false" {
			return "is not true or false"
		}
	case "binary":
		if _, err := base64.StdEncoding.DecodeString(value); err != nil {
			return "is not base64"
		}
	case "geo_point":
		if !validGeoPoint(value) {
			return "is not a lat,lon point"
		}
	}
	return "" // keyword, text, geo_shape, shape: any text
}

func intBounds(typ string) (int64, int64) {
	switch typ {
	case "byte":
		return -128, 127
	case "short":
		return -32768, 32767
	case "integer":
		return -1 << 31, 1<<31 - 1
	}
	return -1 << 63, 1<<63 - 1
}

func intValue(s string, lo, hi int64) (float64, bool) {
	n, err := strconv.ParseInt(s, 10, 64)
	return float64(n), err == nil && n >= lo && n <= hi
}

func validInt(s string, lo, hi int64) bool { _, ok := intValue(s, lo, hi); return ok }

func floatValue(s string) (float64, bool) {
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil && !strings.ContainsAny(s, "nN") // no NaN, Inf
}

func validFloat(s string) bool { _, ok := floatValue(s); return ok }

// isoDate is strict_date_optional_time, Elasticsearch's default date format
// besides epoch_millis.
var isoDate = lazyRegexp(`^\d{4}(-\d{2}(-\d{2}(T\d{2}(:\d{2}(:\d{2}([.,]\d{1,9})?)?)?(Z|[+-]\d{2}(:?\d{2})?)?)?)?)?$`)

func dateValue(s string) (float64, bool) {
	if isoDate().MatchString(s) {
		return 0, true // ordering of ISO dates is not checked
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return float64(n), err == nil
}

func validDate(s string) bool { _, ok := dateValue(s); return ok }

// validRange accepts one value, or from<sep>to with from not above to.
func validRange(s, sep string, parse func(string) (float64, bool)) bool {
	// A leading minus is a sign, not the separator.
	if i := strings.Index(s[min(1, len(s)):], sep); i >= 0 {
		i += min(1, len(s))
		from, okFrom := parse(s[:i])
		to, okTo := parse(s[i+len(sep):])
		return okFrom && okTo && from <= to
	}
	_, ok := parse(s)
	return ok
}

func validIPRange(s string) bool {
	if strings.Contains(s, "/") {
		_, err := netip.ParsePrefix(s)
		return err == nil
	}
	if from, to, ok := strings.Cut(s, "-"); ok {
		a, errA := netip.ParseAddr(from)
		b, errB := netip.ParseAddr(to)
		return errA == nil && errB == nil && a.Is4() == b.Is4() && a.Compare(b) <= 0
	}
	_, err := netip.ParseAddr(s)
	return err == nil
}

func validGeoPoint(s string) bool {
	lat, lon, ok := strings.Cut(s, ",")
	if !ok {
		return false
	}
	la, errLat := strconv.ParseFloat(strings.TrimSpace(lat), 64)
	lo, errLon := strconv.ParseFloat(strings.TrimSpace(lon), 64)
	return errLat == nil && errLon == nil && la >= -90 && la <= 90 && lo >= -180 && lo <= 180
}
