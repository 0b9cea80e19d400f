package engine

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/itpsync/itpsync/internal/plan"
	"github.com/itpsync/itpsync/internal/tenant"
)

// LogReader is an Org that can read the org's System Log. It is optional, checked with a
// type assertion, so Org and its fakes stay as they are; *tenant.Client implements it.
type LogReader interface {
	LastChanges(ctx context.Context, ids []string, since time.Time) (map[string]tenant.LogChange, error)
}

// DefaultAttributionWindow is how far back Attribute looks when given no window.
const DefaultAttributionWindow = 7 * 24 * time.Hour

// Attribute names, for each drifted object of a drift report that exists in the org, who
// changed it last according to the System Log within the window (DefaultAttributionWindow
// when window <= 0), from where and how: one System Log query for the whole report. It
// only adds plan.Attribution to the changes and unmanaged objects, which the fingerprint
// ignores. It does nothing for a plan (mode plan), a report without drift or an org that
// cannot read the log. Credentials without okta.logs.read add plan.AttributionUnavailable
// to the warnings and are not an error; any other failure is, and leaves p unattributed.
func Attribute(ctx context.Context, org Org, p *plan.Plan, window time.Duration) error {
	if p == nil || p.Mode != plan.ModeDrift || !p.HasChanges() {
		return nil
	}
	lr, canRead := org.(LogReader)
	if !canRead {
		return nil
	}
	var ids []string
	for _, c := range p.Changes {
		if c.ID != "" {
			ids = append(ids, c.ID)
		}
	}
	for _, u := range p.Unmanaged {
		if u.ID != "" {
			ids = append(ids, u.ID)
		}
	}
	if len(ids) == 0 {
		return nil // only objects missing from the org: nobody to name
	}
	if window <= 0 {
		window = DefaultAttributionWindow
	}
	last, err := lr.LastChanges(ctx, ids, time.Now().Add(-window))
	if tenant.IsForbidden(err) {
		if !slices.Contains(p.Warnings, plan.AttributionUnavailable) {
			p.Warnings = append(p.Warnings, plan.AttributionUnavailable)
			slices.Sort(p.Warnings)
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("attribute the drift: %w", err)
	}
	for i := range p.Changes {
		p.Changes[i].Attribution = attribution(last, p.Changes[i].ID)
	}
	for i := range p.Unmanaged {
		p.Unmanaged[i].Attribution = attribution(last, p.Unmanaged[i].ID)
	}
	return nil
}

// attribution converts the System Log's last change of id; nil when there is none.
func attribution(last map[string]tenant.LogChange, id string) *plan.Attribution {
	ch, found := last[id]
	if id == "" || !found {
		return nil
	}
	return &plan.Attribution{Actor: ch.Actor, ActorLogin: ch.ActorLogin, EventType: ch.EventType, Message: ch.Message,
		Published: ch.Published, ClientIP: ch.ClientIP, Location: ch.Location}
}
