package operation

import "testing"

func TestCompareVersions(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"8.15.2", "9.1.0", -1}, {"9.1.0", "9.1", 0}, {"9.10.0", "9.2.0", 1},
		{"9.2.0-SNAPSHOT", "9.2.0", 0}, {"9.x", "8.0.0", -1},
	} {
		if got := CompareVersions(tc.a, tc.b); got != tc.want {
			t.Errorf("CompareVersions(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
	if ShortVersion("9.1.0") != "9.1" || ShortVersion("8.15.2") != "8.15.2" {
		t.Error("ShortVersion")
	}
}

func TestUnavailable(t *testing.T) {
	a := Availability{Since: "9.1.0", Feature: "siem|securitySolutionCases", Serverless: true}
	for _, tc := range []struct {
		k    KibanaInfo
		kind string
	}{
		{KibanaInfo{}, ""},
		{KibanaInfo{Version: "9.x"}, ""},
		{KibanaInfo{Version: "8.15.2"}, ReasonVersion},
		{KibanaInfo{Version: "9.1.0"}, ""},
		{KibanaInfo{Version: "9.3.0", Features: map[string]bool{"fleetv2": true}}, ReasonFeature},
		{KibanaInfo{Version: "9.3.0", Features: map[string]bool{"siemV3": true}}, ""},
		{KibanaInfo{Version: "9.3.0", Features: map[string]bool{"securitySolutionCasesV2": true}}, ""},
		{KibanaInfo{Version: "8.0.0", Serverless: true}, ""},
	} {
		kind, why, _ := a.Unavailable(tc.k)
		if kind != tc.kind {
			t.Errorf("%+v: kind %q (%s), want %q", tc.k, kind, why, tc.kind)
		}
	}
	snooze := Availability{Since: "8.19.0|9.1.0"}
	for v, want := range map[string]bool{"8.18.1": false, "8.19.0": true, "9.0.3": false, "9.1.0": true, "10.0.0": true, "7.17.0": false} {
		if _, why, ok := snooze.Unavailable(KibanaInfo{Version: v}); ok != want {
			t.Errorf("snooze on %s: %v (%s)", v, ok, why)
		}
	}
	legacy := Availability{Until: "9.0.0"}
	if _, why, ok := legacy.Unavailable(KibanaInfo{Version: "9.0.0"}); ok || why != "removed in 9.0" {
		t.Errorf("legacy on 9.0: %v %q", ok, why)
	}
	if kind, _, _ := legacy.Unavailable(KibanaInfo{Version: "9.0.0", Serverless: true}); kind != ReasonServerless {
		t.Errorf("legacy on serverless: %q", kind)
	}
}

func TestParseVersion(t *testing.T) {
	for v, want := range map[string][3]int{"9.1.0": {9, 1, 0}, "v8.15": {8, 15, 0}, " 9 ": {9, 0, 0}, "9.2.0-SNAPSHOT": {9, 2, 0}, "9.1.3+build": {9, 1, 3}, "007.1": {7, 1, 0}} {
		if got, ok := parseVersion(v); !ok || got != want {
			t.Errorf("parseVersion(%q) = %v, %v; want %v", v, got, ok, want)
		}
	}
	for _, v := range []string{"", "v", "9.", ".9", "9..1", "9.1.0.1", "nine", "9.x", "9.-1", "1e3"} {
		if got, ok := parseVersion(v); ok {
			t.Errorf("parseVersion(%q) = %v, read as a version", v, got)
		}
	}
	if testing.AllocsPerRun(10, func() { parseVersion(""); parseVersion("9.1.0") }) != 0 {
		t.Error("parseVersion allocates")
	}
}
