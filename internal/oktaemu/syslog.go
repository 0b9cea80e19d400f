package oktaemu

import (
	"crypto/sha256"
	"encoding/hex"
	"net"
	"net/http"
	"strings"
	"time"
)

// Admin is who the System Log names as the actor of the writes made with one credential.
type Admin struct {
	// ID is the admin's user id; by default it is derived from Login.
	ID string
	// DisplayName is the actor's displayName (default "Okta Admin").
	DisplayName string
	// Login is the actor's alternateId (default "admin@example.com").
	Login string
}

// Defaults of Options.Admin.
const (
	DefaultAdminName  = "Okta Admin"
	DefaultAdminLogin = "admin@example.com"
)

// withDefaults fills the empty fields of a.
func (a Admin) withDefaults() Admin {
	if a.DisplayName == "" {
		a.DisplayName = DefaultAdminName
	}
	if a.Login == "" {
		a.Login = DefaultAdminLogin
	}
	if a.ID == "" {
		sum := sha256.Sum256([]byte(strings.ToLower(a.Login)))
		a.ID = "00u" + hex.EncodeToString(sum[:])[:17]
	}
	return a
}

// AddAdminToken makes the server accept token as a further SSWS API token whose writes the
// System Log attributes to admin: the token of an administrator working in the console,
// distinct from the one itpsync uses, so tests can make out-of-band changes.
func (s *Server) AddAdminToken(token string, admin Admin) {
	s.ctl.Lock()
	defer s.ctl.Unlock()
	if s.adminTokens == nil {
		s.adminTokens = map[string]Admin{}
	}
	s.adminTokens[token] = admin.withDefaults()
}

// adminToken returns the admin of an extra SSWS token.
func (s *Server) adminToken(cred string) (Admin, bool) {
	if cred == "" {
		return Admin{}, false
	}
	s.ctl.Lock()
	defer s.ctl.Unlock()
	a, found := s.adminTokens[cred]
	return a, found
}

// logActor is the actor or a target of a System Log event.
type logActor struct {
	id, typ, alternateID, displayName string
}

func (a logActor) json() obj {
	return obj{{"id", a.id}, {"type", a.typ}, {"alternateId", a.alternateID}, {"displayName", a.displayName}, {"detailEntry", nil}}
}

// actorOf says who makes request r, which authorize has already accepted: the admin of its
// SSWS token, or the OAuth service app (named after Options.Admin).
func (s *Server) actorOf(r *http.Request) logActor {
	scheme, cred, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	cred = strings.TrimSpace(cred)
	if scheme == "SSWS" {
		if a, found := s.adminToken(cred); found {
			return logActor{id: a.ID, typ: "User", alternateID: a.Login, displayName: a.DisplayName}
		}
	}
	a := s.opts.Admin.withDefaults()
	if scheme == "Bearer" && s.opts.OAuth != nil {
		id := s.opts.OAuth.ClientID
		return logActor{id: id, typ: "PublicClientApp", alternateID: id, displayName: a.DisplayName}
	}
	return logActor{id: a.ID, typ: "User", alternateID: a.Login, displayName: a.DisplayName}
}

// clientIP is the request's client address: the first X-Forwarded-For hop when a proxy
// (or a test) set one, else the remote address.
func clientIP(r *http.Request) string {
	if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
		first, _, _ := strings.Cut(xff, ",")
		if ip := net.ParseIP(strings.TrimSpace(first)); ip != nil {
			return ip.String()
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// logEvent is one System Log event.
type logEvent struct {
	uuid, eventType, message string
	published                time.Time
	actor                    logActor
	ip, userAgent, requestID string
	requestURI               string
	targets                  []logActor
}

// eventSpec says which event a write route records and what kind of object it targets.
type eventSpec struct {
	eventType, message string
	target             string // "zone", "rule", "provider", "risk"
}

// Target kinds of eventSpec.
const (
	targetZone     = "zone"
	targetRule     = "rule"
	targetProvider = "provider"
	targetRisk     = "risk"
)

// logTargets returns the targets of an event about the object of kind named by params (or,
// on create, by the id in the reply body); nil when the object does not exist.
func (o *Org) logTargets(kind string, params map[string]string, rep *reply) []logActor {
	id := func(key string) string {
		if v := params[key]; v != "" {
			return v
		}
		if rep != nil {
			if b, isObj := rep.body.(obj); isObj {
				for _, f := range b {
					if f.k == "id" {
						s, _ := f.v.(string)
						return s
					}
				}
			}
		}
		return ""
	}
	switch kind {
	case targetZone:
		if z := o.zone(id("id")); z != nil {
			return []logActor{{id: z.id, typ: "NetworkZone", alternateID: z.name, displayName: z.name}}
		}
	case targetProvider:
		if p := o.provider(id("id")); p != nil {
			return []logActor{{id: p.id, typ: "SecurityEventsProvider", alternateID: p.name, displayName: p.name}}
		}
	case targetRule:
		p := o.policy(params["id"])
		if p == nil {
			return nil
		}
		if r := p.rule(id("ruleId")); r != nil {
			return []logActor{
				{id: r.id, typ: "PolicyRule", alternateID: "unknown", displayName: r.name},
				{id: p.id, typ: "PolicyEntity", alternateID: "unknown", displayName: p.name},
			}
		}
	case targetRisk:
		if u := o.user(params["id"]); u != nil {
			return []logActor{{id: u.id, typ: "User", alternateID: u.login, displayName: strings.TrimSpace(u.firstName + " " + u.lastName)}}
		}
	}
	return nil
}

// handleRecorded runs a write handler and records its System Log event when it succeeds.
// The targets are looked up before the write too, so a delete still names its object.
// Called with s.mu held.
func (s *Server) handleRecorded(rt *route, c *call) reply {
	before := s.org.logTargets(rt.event.target, c.params, nil)
	rep := rt.handle(s, c)
	if rep.status < 200 || rep.status >= 300 {
		return rep
	}
	targets := s.org.logTargets(rt.event.target, c.params, &rep)
	if targets == nil {
		targets = before
	}
	if targets == nil {
		return rep // nothing to name; a real org would not log a no-op either
	}
	s.logs = append(s.logs, logEvent{
		uuid:       s.newUUID(),
		eventType:  rt.event.eventType,
		message:    rt.event.message,
		published:  s.now().UTC(),
		actor:      c.actor,
		ip:         clientIP(c.r),
		userAgent:  c.r.UserAgent(),
		requestID:  c.reqID,
		requestURI: c.r.URL.RequestURI(),
		targets:    targets,
	})
	return rep
}

// newUUID returns a UUID-shaped id from its own seeded RNG: runs repeat, and drawing it
// does not shift the ids of the objects created after it.
func (s *Server) newUUID() string {
	const hexDigits = "0123456789abcdef"
	b := make([]byte, 0, 36)
	for i := range 32 {
		if i == 8 || i == 12 || i == 16 || i == 20 {
			b = append(b, '-')
		}
		b = append(b, hexDigits[s.logIDs.IntN(16)])
	}
	return string(b)
}
