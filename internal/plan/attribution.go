package plan

import "time"

// Attribution is who last changed a drifted object out of band, from the org's System
// Log. It is information for the reader only: the fingerprint, Diff and Validate ignore it,
// so attributing a report never makes a reviewed plan stale.
type Attribution struct {
	// Actor is the actor's display name, ActorLogin its login (or an OAuth client id).
	Actor      string `json:"actor"`
	ActorLogin string `json:"actor_login,omitempty"`
	// EventType is Okta's event type ("zone.update"), Message its display message.
	EventType string    `json:"event_type"`
	Message   string    `json:"message,omitempty"`
	Published time.Time `json:"published"`
	// ClientIP and Location ("city, country") say where the change came from.
	ClientIP string `json:"client_ip,omitempty"`
	Location string `json:"location,omitempty"`
}

// AttributionUnavailable is the warning of a drift report whose credentials may not read
// the System Log.
const AttributionUnavailable = "attribution unavailable: grant okta.logs.read"
