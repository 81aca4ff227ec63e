package resources

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/kibana-mcp/kibana-mcp/kibana"
)

const (
	// listedCases bounds the cases resources/list shows: enough to pick the
	// current work from, small enough for a client's resource picker.
	listedCases = 20
	// listTimeout bounds the Kibana call behind resources/list, which a
	// client may send on connecting: a slow Kibana must not hold it up.
	listTimeout = 5 * time.Second
)

// AddListHook makes resources/list also show the most recently updated open
// cases of the configured space as kibana://cases/{id}, when get_case (to
// read them) and find_cases (to find them) are served. mcp-go lists only
// resources registered up front, so the cases are appended to its answer
// after the fact. A Kibana failure is logged at warn and leaves the list as
// it was. Pass h to server.WithHooks.
func AddListHook(h *server.Hooks, client *kibana.Client, served func(tool string) bool, log *slog.Logger) {
	served = orAll(served)
	if !served("get_case") || !served("find_cases") {
		return
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	h.AddAfterListResources(func(ctx context.Context, _ any, req *mcp.ListResourcesRequest, result *mcp.ListResourcesResult) {
		// Later pages continue mcp-go's own list; the cases went on the first.
		if req.Params.Cursor != "" {
			return
		}
		cases, err := recentOpenCases(ctx, client)
		if err != nil {
			log.Warn("listing open cases as resources", "error", err)
			return
		}
		result.Resources = append(result.Resources, cases...)
	})
}

// recentOpenCases are the open cases with the latest activity, newest first.
// Kibana leaves updated_at null until a case is first changed and sorts
// nulls last, so a case opened a minute ago would rank below one updated
// last month: the last activity is updated_at, else created_at. The top
// cases by that are among the top by updatedAt plus the top by createdAt,
// so two pages of listedCases suffice.
func recentOpenCases(ctx context.Context, client *kibana.Client) ([]mcp.Resource, error) {
	ctx, cancel := context.WithTimeout(ctx, listTimeout)
	defer cancel()
	var cases []listedCase
	for _, sortField := range []string{"updatedAt", "createdAt"} {
		body, err := call(ctx, client, "find_cases", map[string]any{
			"status": "open", "sortField": sortField, "sortOrder": "desc", "perPage": float64(listedCases),
		})
		if err != nil {
			return nil, err
		}
		var page struct{ Cases []listedCase }
		if err := json.Unmarshal(body, &page); err != nil {
			return nil, err
		}
		for _, c := range page.Cases {
			if !slices.ContainsFunc(cases, func(seen listedCase) bool { return seen.ID == c.ID }) {
				cases = append(cases, c)
			}
		}
	}
	slices.SortStableFunc(cases, func(a, b listedCase) int { return b.lastActivity().Compare(a.lastActivity()) })
	out := make([]mcp.Resource, 0, listedCases)
	for _, c := range cases[:min(len(cases), listedCases)] {
		out = append(out, mcp.Resource{
			URI:         "kibana://cases/" + uriEscape(c.ID),
			Name:        c.Title,
			Description: "Open case, severity " + c.Severity,
			MIMEType:    jsonMediaType,
		})
	}
	return out, nil
}

type listedCase struct {
	ID, Title, Severity string
	CreatedAt           string `json:"created_at"`
	UpdatedAt           string `json:"updated_at"`
}

// lastActivity is when the case last changed; the zero time, sorting last,
// if Kibana gave no time it could read.
func (c listedCase) lastActivity() time.Time {
	at := c.UpdatedAt
	if at == "" {
		at = c.CreatedAt
	}
	t, _ := time.Parse(time.RFC3339Nano, at)
	return t
}

// uriEscape percent-encodes all but RFC 3986's unreserved characters, as a
// URI template's {var} expansion does, so the URI matches CaseURI again and
// reads back the same id.
func uriEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-._~", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}
