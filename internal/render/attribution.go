package render

import (
	"strings"

	"github.com/itpsync/itpsync/internal/plan"
)

// The System Log attribution of a drifted object: "Last changed by Jane Admin
// (jane@acme.com) on 2026-12-03 14:02 UTC from 203.0.113.5 (Lisbon, Portugal) —
// zone.update". Every part comes from the org, so markdown escapes each one: an admin's
// display name can hold markdown, HTML or an @mention.

// attributionTime is the minute of the change in UTC: the System Log's milliseconds do
// not help a reader.
const attributionTime = "2006-01-02 15:04 UTC"

// attributionText is the attribution as one plain line for the terminal.
func attributionText(a *plan.Attribution) string {
	var b strings.Builder
	b.WriteString("last changed by " + clean(a.Actor))
	if a.ActorLogin != "" {
		b.WriteString(" (" + clean(a.ActorLogin) + ")")
	}
	b.WriteString(" on " + a.Published.UTC().Format(attributionTime))
	if where := attributionWhere(a); where != "" {
		b.WriteString(" from " + clean(where))
	}
	if a.EventType != "" {
		b.WriteString(" — " + clean(a.EventType))
	}
	return b.String()
}

// attributionMD is the attribution as a markdown paragraph.
func attributionMD(a *plan.Attribution) string {
	var b strings.Builder
	actor := strings.TrimSpace(a.Actor)
	if actor == "" {
		actor = "an unnamed actor"
	}
	b.WriteString("Last changed by **" + mdText(actor) + "**")
	if a.ActorLogin != "" {
		b.WriteString(" (" + codeSpan(a.ActorLogin) + ")")
	}
	b.WriteString(" on " + a.Published.UTC().Format(attributionTime))
	if where := attributionWhere(a); where != "" {
		b.WriteString(" from " + mdText(where))
	}
	if a.EventType != "" {
		b.WriteString(" — " + codeSpan(a.EventType))
	}
	return b.String() + "\n\n"
}

// attributionWhere is "203.0.113.5 (Lisbon, Portugal)", either part alone, or "".
func attributionWhere(a *plan.Attribution) string {
	switch {
	case a.ClientIP != "" && a.Location != "":
		return a.ClientIP + " (" + a.Location + ")"
	case a.ClientIP != "":
		return a.ClientIP
	}
	return a.Location
}
