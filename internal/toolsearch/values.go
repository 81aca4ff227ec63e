package toolsearch

import (
	"strings"
	"unicode"
)

// A request carries values as well as words: host names (WS-0231,
// srv-db-02), index patterns (logs-endpoint.events.process-*), file paths
// and names (C:\Users\bob\invoice.exe), field names (source.ip), domains
// and quoted names ('trusted admin tools'). Their pieces are not what the
// request asks for: "process" in an index pattern asks for no process,
// and "admin tools" in a list's name for no role. Each is read as the kind
// of thing it is, or not at all.

// hostValue stands for a host's name. It is read for nothing but where
// an act goes ("put the script on web-03"; see placings): "on ws-114"
// mostly only says where to look, and reading it as a host would pull
// the host tools.
const hostValue = "hostvalue"

// fileExtensions mark a value as a file: what an analyst fetches, uploads
// or detonates.
var fileExtensions = setOf("exe", "dll", "elf", "bin", "so", "ps1", "psm1", "bat", "cmd", "vbs", "js", "hta", "sh",
	"py", "jar", "msi", "zip", "7z", "rar", "gz", "tar", "iso", "img", "lnk", "doc", "docx", "xls", "xlsx", "xlsm", "pdf",
	"txt", "log", "csv", "json", "ndjson", "yml", "yaml", "pcap", "pcapng", "dmp", "evtx", "png", "jpg", "eml", "pf", "sys")

// valueKind is the word a value token reads as ("file", "index"), "" to
// drop it, or the token itself when it is no value.
func valueKind(token string) string {
	t := strings.TrimFunc(token, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '*' && r != '\\' && r != '/' && r != '.'
	})
	t = strings.TrimRight(t, ".")
	if t == "" && token != "|" {
		return token
	}
	if token == "|" {
		return "esql" // a piped query: FROM logs-* | STATS count() BY host.name
	}
	if isIPv4(t) {
		return "ip" // what an analyst pivots on: 185.220.101.4
	}
	lower := strings.ToLower(t)
	ext := ""
	if i := strings.LastIndexByte(lower, '.'); i > 0 && i < len(lower)-1 {
		ext = lower[i+1:]
	}
	switch {
	case strings.HasPrefix(lower, "/goto/") || strings.Contains(lower, "/goto/"):
		return "shorturl" // Kibana's short links: /goto/<slug>
	case strings.ContainsAny(t, "\\/") && len(t) > 1:
		// A path: the file it ends with, or a folder.
		if fileExtensions[ext] {
			return "file"
		}
		return "folder"
	case strings.Contains(t, "*"):
		return "pattern" // an index pattern: logs-*
	case ext != "" && isLetters(ext) && strings.IndexFunc(lower, unicode.IsLetter) >= 0:
		switch {
		case fileExtensions[ext]:
			return "file"
		case isIndexName(lower):
			return "index" // logs-endpoint.events.process-default
		}
		return "" // a field (source.ip), a domain (evil.com)
	case isIndexName(lower) && strings.Contains(lower, "."):
		// A backing index or data stream with dots in its dataset:
		// .ds-logs-endpoint.events.process-default-2026.12.07-000001.
		return "index"
	case strings.Contains(t, "-") && strings.IndexFunc(t, unicode.IsDigit) >= 0 && strings.IndexFunc(t, unicode.IsLetter) >= 0:
		if last := t[strings.LastIndexByte(t, '-')+1:]; last != "" && unicode.IsDigit(rune(last[0])) {
			return hostValue // srv-db-02, WS-0231, DESKTOP-7H2K (or a model: gpt-4o)
		}
		return "" // a label: needs-tier2
	}
	return token
}

// isIPv4 reports whether t is a dotted IPv4 address, with or without a
// CIDR suffix.
func isIPv4(t string) bool {
	t, _, _ = strings.Cut(t, "/")
	parts := strings.Split(t, ".")
	if len(parts) != 4 {
		return false
	}
	for _, p := range parts {
		if p == "" || len(p) > 3 || strings.IndexFunc(p, func(r rune) bool { return r < '0' || r > '9' }) >= 0 {
			return false
		}
	}
	return true
}

// isIndexName reports whether a lower-case token is named like an index or
// data stream of Elastic's conventions.
func isIndexName(lower string) bool {
	for _, prefix := range []string{".ds-", "logs-", "metrics-", "traces-", ".alerts-", ".internal.alerts-", "filebeat-", "winlogbeat-", "packetbeat-", "auditbeat-"} {
		if strings.HasPrefix(lower, prefix) {
			return true
		}
	}
	return false
}

// withoutValues rewrites the value tokens of text (see valueKind) and
// drops quoted names: a word between quotes names something the request
// already knows, which the tools do not describe.
func withoutValues(text string) string {
	if out, ok := rewriteValues(text, true); ok {
		return out
	}
	// A quote never closed is an apostrophe, not a name.
	out, _ := rewriteValues(text, false)
	return out
}

// rewriteValues rewrites the values of text, dropping quoted names when
// quotes is set; ok is false when a quote is left open.
func rewriteValues(text string, quotes bool) (string, bool) {
	fields := strings.Fields(text)
	out := make([]string, 0, len(fields))
	quoted := false
	for _, f := range fields {
		opens := strings.HasPrefix(f, "'") || strings.HasPrefix(f, "\"") || strings.HasPrefix(f, "‘") || strings.HasPrefix(f, "“")
		if quotes && !quoted && opens {
			quoted = true
			f = strings.TrimLeft(f, "'\"‘“")
		}
		if quoted {
			if closesQuote(f) {
				quoted = false
				// Keep the punctuation ending a clause after the quote.
				if end := strings.TrimRight(f, ",;?!:."); end != f {
					out = append(out, f[len(end):])
				}
			}
			continue
		}
		if k := valueKind(f); k != f {
			// Keep the punctuation that ends a clause.
			if end := strings.TrimRight(f, ",;?!:"); end != f {
				k += f[len(end):]
			}
			f = k
		}
		if f != "" {
			out = append(out, f)
		}
	}
	return strings.Join(out, " "), !quoted
}

// closesQuote reports whether a token ends a quoted name: a quote at its
// end, before any closing punctuation.
func closesQuote(f string) bool {
	f = strings.TrimRight(f, ",;?!:.)")
	return strings.HasSuffix(f, "'") || strings.HasSuffix(f, "\"") || strings.HasSuffix(f, "’") || strings.HasSuffix(f, "”")
}
