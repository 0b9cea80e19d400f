package tenant

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/okta/okta-sdk-golang/v6/okta"
)

// LogsScope is the OAuth scope of the System Log. Only LastChanges asks for it, so a run
// that does not attribute drift never requests it.
const LogsScope = "okta.logs.read"

// LogChange is the last change the org's System Log records for one object: who, when,
// what and from where.
type LogChange struct {
	// Actor is the actor's displayName, ActorLogin its alternateId (a login, or the
	// client id of an OAuth service app).
	Actor, ActorLogin string
	// EventType is Okta's event type ("zone.update"), Message its displayMessage.
	EventType, Message string
	Published          time.Time
	// ClientIP is client.ipAddress; Location is "city, country" from the client's
	// geographicalContext, "" when Okta gave none.
	ClientIP, Location string
}

// Limits of one System Log query.
const (
	// logFilterIDs bounds the target.id terms of one filter: 20 terms keep the URL near
	// 1.5 KB, far under any proxy's limit.
	logFilterIDs = 20
	// logPageLimit is the largest page Okta returns.
	logPageLimit = 1000
	// logMaxPages bounds the pages followed for one chunk while some of its objects have
	// no change yet: attribution is a courtesy and must not eat the rate limit.
	logMaxPages = 3
)

// changeEvents are the System Log event types that change an object of the six kinds.
// Other events can target the same objects (policy evaluations name the rule) and would
// make a sign-in look like a change.
var changeEvents = map[string]bool{
	"zone.create": true, "zone.update": true, "zone.activate": true, "zone.deactivate": true, "zone.delete": true,
	"zone.make_blacklist": true, "zone.remove_blacklist": true,
	"policy.rule.add": true, "policy.rule.update": true, "policy.rule.activate": true,
	"policy.rule.deactivate": true, "policy.rule.delete": true,
	"security.events.provider.create": true, "security.events.provider.update": true,
	"security.events.provider.activate": true, "security.events.provider.deactivate": true,
	"security.events.provider.delete": true,
	"user.risk.change":                true,
}

// LastChanges asks the System Log for the most recent successful change of each object in
// ids published since since: one GET /api/v1/logs per 20 ids (a target.id filter, newest
// first), more only when a page fills up before every object of it is found. Objects
// without a change in the window are absent from the map. Without the okta.logs.read scope
// or the admin role to read the log the error satisfies IsForbidden.
func (c *Client) LastChanges(ctx context.Context, ids []string, since time.Time) (map[string]LogChange, error) {
	ids = slices.Clone(ids)
	ids = slices.DeleteFunc(ids, func(s string) bool { return s == "" })
	slices.Sort(ids)
	ids = slices.Compact(ids)
	out := map[string]LogChange{}
	if len(ids) == 0 {
		return out, nil
	}
	api, err := c.logsAPI()
	if err != nil {
		return nil, err
	}
	for chunk := range slices.Chunk(ids, logFilterIDs) {
		if err := c.lastChangesOf(ctx, api, chunk, since, out); err != nil {
			return nil, fmt.Errorf("read the System Log: %w", err)
		}
	}
	return out, nil
}

// lastChangesOf fills out with the last change of each id of one chunk.
func (c *Client) lastChangesOf(ctx context.Context, api *okta.APIClient, ids []string, since time.Time, out map[string]LogChange) error {
	terms := make([]string, len(ids))
	for i, id := range ids {
		terms[i] = `target.id eq "` + strings.ReplaceAll(id, `"`, ``) + `"`
	}
	filter := strings.Join(terms, " or ")
	missing := len(ids)
	var pages pager
	after := ""
	for page := 1; ; page++ {
		r, err := c.call(ctx, func(ctx context.Context) (*okta.APIResponse, error) {
			req := api.SystemLogAPI.ListLogEvents(ctx).Since(since.UTC().Format(time.RFC3339)).
				Filter(filter).SortOrder("DESCENDING").Limit(logPageLimit)
			if after != "" {
				req = req.After(after)
			}
			_, resp, err := req.Execute()
			return resp, err
		})
		if err != nil {
			return err
		}
		var events []wireLogEvent
		if err := decode(r, "System Log events", &events); err != nil {
			return err
		}
		for _, e := range events {
			if !e.isChange() {
				continue
			}
			for _, t := range e.Target {
				if _, seen := out[t.ID]; seen || !slices.Contains(ids, t.ID) {
					continue
				}
				out[t.ID] = e.change()
				missing--
			}
		}
		if missing == 0 || len(events) == 0 || page >= logMaxPages {
			return nil
		}
		if after, err = pages.next(r); err != nil || after == "" {
			return err
		}
	}
}

// wireLogEvent is the part of a LogEvent that attribution reads. The SDK's okta.LogEvent
// would decode it too, but its nested models (authentication context, security context,
// request chain) hold fields attribution never reads and any of them could fail a strict
// decode; a narrow struct decodes every event Okta may send.
type wireLogEvent struct {
	UUID           string    `json:"uuid"`
	Published      time.Time `json:"published"`
	EventType      string    `json:"eventType"`
	DisplayMessage string    `json:"displayMessage"`
	Actor          struct {
		ID          string `json:"id"`
		Type        string `json:"type"`
		AlternateID string `json:"alternateId"`
		DisplayName string `json:"displayName"`
	} `json:"actor"`
	Client *struct {
		IPAddress           string `json:"ipAddress"`
		GeographicalContext *struct {
			City    string `json:"city"`
			State   string `json:"state"`
			Country string `json:"country"`
		} `json:"geographicalContext"`
	} `json:"client"`
	Outcome *struct {
		Result string `json:"result"`
	} `json:"outcome"`
	Target []struct {
		ID          string `json:"id"`
		Type        string `json:"type"`
		DisplayName string `json:"displayName"`
	} `json:"target"`
}

// isChange reports whether the event is a successful change of one of the six kinds.
func (e wireLogEvent) isChange() bool {
	return changeEvents[e.EventType] && (e.Outcome == nil || e.Outcome.Result == "" || e.Outcome.Result == "SUCCESS")
}

func (e wireLogEvent) change() LogChange {
	ch := LogChange{
		Actor: e.Actor.DisplayName, ActorLogin: e.Actor.AlternateID,
		EventType: e.EventType, Message: e.DisplayMessage, Published: e.Published.UTC(),
	}
	if e.Client != nil {
		ch.ClientIP = e.Client.IPAddress
		if g := e.Client.GeographicalContext; g != nil {
			var parts []string
			for _, p := range []string{g.City, g.Country} {
				if p = strings.TrimSpace(p); p != "" && p != "null" {
					parts = append(parts, p)
				}
			}
			ch.Location = strings.Join(parts, ", ")
		}
	}
	return ch
}

// logsAPI returns the SDK client for the System Log. With OAuth and no explicit Scopes it
// is a client of its own whose token adds okta.logs.read to the run's scopes, so runs that
// never read the log never ask for it; explicit Scopes are used as given.
func (c *Client) logsAPI() (*okta.APIClient, error) {
	if !c.cfg.oauthMode() || c.cfg.Scopes != nil {
		return c.api(false)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.logAPI == nil {
		a, err := c.newSDK(append(ScopesFor(c.wrote), LogsScope))
		if err != nil {
			return nil, err
		}
		c.logAPI = a
	}
	return c.logAPI, nil
}

// IsForbidden reports whether err says the credentials may not make the call: a 403 from
// Okta, or an OAuth token request refused because the app was not granted a scope.
func IsForbidden(err error) bool {
	var e *APIError
	if !errors.As(err, &e) {
		return false
	}
	return e.Status == http.StatusForbidden || strings.Contains(e.Detail, "invalid_scope")
}
