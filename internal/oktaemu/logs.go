package oktaemu

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"
)

const logsPath = "/api/v1/logs"

// Page sizes of GET /api/v1/logs: Okta's default and its largest page.
const (
	logsDefaultLimit = 100
	logsMaxLimit     = 1000
)

// defaultLogWindow is how far back a query without "since" looks, as Okta does.
const defaultLogWindow = 7 * 24 * time.Hour

// logsFilterTerm is one term of the System Log filter: a field, eq and a quoted value.
var logsFilterTerm = regexp.MustCompile(`^\s*\(?\s*([\w.]+)\s+eq\s+"([^"]*)"\s*\)?\s*$`)

// listLogs answers GET /api/v1/logs: the events published in [since, until) that pass the
// filter and the q keywords, sorted by published, paged with limit/after and Link headers.
func (s *Server) listLogs(c *call) reply {
	q := c.r.URL.Query()
	// Without "until" the window ends now, inclusive: an event published this instant is
	// in it.
	until, bounded := s.now().UTC(), false
	if v := q.Get("until"); v != "" {
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return errReply(http.StatusBadRequest, "E0000001", "Api validation failed: until", "until: Invalid date-time format: "+v)
		}
		until, bounded = t, true
	}
	since := until.Add(-defaultLogWindow)
	if v := q.Get("since"); v != "" {
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return errReply(http.StatusBadRequest, "E0000001", "Api validation failed: since", "since: Invalid date-time format: "+v)
		}
		since = t
	}
	order := q.Get("sortOrder")
	if order == "" {
		order = "ASCENDING"
	}
	if order != "ASCENDING" && order != "DESCENDING" {
		return validation("sortOrder", "sortOrder must be ASCENDING or DESCENDING.")
	}
	keep, rep := logFilter(q.Get("filter"))
	if rep != nil {
		return *rep
	}
	words := strings.Fields(strings.ToLower(q.Get("q")))
	var list []logEvent
	for _, e := range s.logs {
		if e.published.Before(since) || (bounded && !e.published.Before(until)) || !keep(e) || !e.hasWords(words) {
			continue
		}
		list = append(list, e)
	}
	// s.logs is in publication order; a stable sort keeps same-instant events in it.
	if order == "DESCENDING" {
		slices.Reverse(list)
	}
	ids := make([]string, len(list))
	for i, e := range list {
		ids[i] = e.uuid
	}
	if n := q.Get("limit"); n != "" {
		var v int
		if _, err := fmt.Sscan(n, &v); err != nil || v <= 0 {
			return validation("limit", "Limit must be a positive integer.")
		}
		if v > logsMaxLimit {
			// Okta caps the page; so does the next link.
			q.Set("limit", fmt.Sprint(logsMaxLimit))
			c.r.URL.RawQuery = q.Encode()
		}
	}
	from, to, header, prep := page(c, logsPath, ids, logsDefaultLimit)
	if prep != nil {
		return *prep
	}
	out := make([]obj, 0, to-from)
	for _, e := range list[from:to] {
		out = append(out, e.json())
	}
	return reply{status: http.StatusOK, body: out, header: header}
}

// logFilter parses the subset of the System Log filter grammar itpsync and tests use:
// eq terms on target.id, eventType, actor.id and actor.alternateId joined with "or".
func logFilter(f string) (func(logEvent) bool, *reply) {
	if strings.TrimSpace(f) == "" {
		return func(logEvent) bool { return true }, nil
	}
	var terms []func(logEvent) bool
	for _, t := range orSep.Split(f, -1) {
		m := logsFilterTerm.FindStringSubmatch(t)
		if m == nil {
			rep := errReply(http.StatusBadRequest, "E0000030", "Bad request. Invalid filter parameter", fmt.Sprintf("Invalid filter expression %q.", t))
			return nil, &rep
		}
		val := m[2]
		switch m[1] {
		case "target.id":
			terms = append(terms, func(e logEvent) bool {
				return slices.ContainsFunc(e.targets, func(a logActor) bool { return a.id == val })
			})
		case "eventType":
			terms = append(terms, func(e logEvent) bool { return e.eventType == val })
		case "actor.id":
			terms = append(terms, func(e logEvent) bool { return e.actor.id == val })
		case "actor.alternateId":
			terms = append(terms, func(e logEvent) bool { return e.actor.alternateID == val })
		default:
			rep := errReply(http.StatusBadRequest, "E0000030", "Bad request. Invalid filter parameter", fmt.Sprintf("Unsupported filter field %q.", m[1]))
			return nil, &rep
		}
	}
	return func(e logEvent) bool {
		for _, t := range terms {
			if t(e) {
				return true
			}
		}
		return false
	}, nil
}

// hasWords reports whether every keyword of q occurs in the event's text fields.
func (e logEvent) hasWords(words []string) bool {
	if len(words) == 0 {
		return true
	}
	text := []string{e.eventType, e.message, e.actor.displayName, e.actor.alternateID, e.ip}
	for _, t := range e.targets {
		text = append(text, t.displayName, t.alternateID, t.id)
	}
	all := strings.ToLower(strings.Join(text, " "))
	for _, w := range words {
		if !strings.Contains(all, w) {
			return false
		}
	}
	return true
}

// json renders the event in the LogEvent shape of the API.
func (e logEvent) json() obj {
	targets := make([]obj, len(e.targets))
	for i, t := range e.targets {
		targets[i] = t.json()
	}
	return obj{
		{"actor", e.actor.json()},
		{"client", obj{
			{"userAgent", obj{{"rawUserAgent", e.userAgent}, {"os", "Unknown"}, {"browser", "UNKNOWN"}}},
			{"zone", "null"},
			{"device", "Unknown"},
			{"id", nil},
			{"ipAddress", e.ip},
			{"geographicalContext", nil},
		}},
		{"device", nil},
		{"authenticationContext", obj{
			{"authenticationProvider", nil}, {"credentialProvider", nil}, {"credentialType", nil},
			{"issuer", nil}, {"interface", nil}, {"authenticationStep", 0}, {"externalSessionId", "unknown"},
		}},
		{"displayMessage", e.message},
		{"eventType", e.eventType},
		{"outcome", obj{{"result", "SUCCESS"}, {"reason", nil}}},
		{"published", e.published.UTC().Format("2006-01-02T15:04:05.000Z")},
		{"securityContext", obj{{"asNumber", nil}, {"asOrg", nil}, {"isp", nil}, {"domain", nil}, {"isProxy", nil}}},
		{"severity", "INFO"},
		{"debugContext", obj{{"debugData", obj{{"requestId", e.requestID}, {"requestUri", e.requestURI}, {"url", e.requestURI}}}}},
		{"legacyEventType", nil},
		{"transaction", obj{{"type", "WEB"}, {"id", e.requestID}, {"detail", obj{}}}},
		{"uuid", e.uuid},
		{"version", "0"},
		{"request", obj{{"ipChain", []obj{{{"ip", e.ip}, {"geographicalContext", nil}, {"version", "V4"}, {"source", nil}}}}}},
		{"target", targets},
	}
}
