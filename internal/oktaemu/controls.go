package oktaemu

import (
	"encoding/json"
	"net/http"
)

// StateDump is a JSON-able snapshot of the org, each object in its API shape.
type StateDump struct {
	Zones     []json.RawMessage `json:"zones"`
	Policies  []PolicyDump      `json:"policies"`
	Users     []UserDump        `json:"users"`
	Groups    []json.RawMessage `json:"groups"`
	Providers []json.RawMessage `json:"providers"`
}

// PolicyDump is a policy with its rules.
type PolicyDump struct {
	Policy json.RawMessage   `json:"policy"`
	Rules  []json.RawMessage `json:"rules"`
}

// UserDump is a user with its risk.
type UserDump struct {
	User json.RawMessage `json:"user"`
	Risk json.RawMessage `json:"risk"`
}

// State dumps the org; links use Options.BaseURL (or http://localhost).
func (s *Server) State() StateDump {
	base := s.opts.BaseURL
	if base == "" {
		base = "http://localhost"
	}
	return s.state(base)
}

func (s *Server) state(base string) StateDump {
	c := &call{base: base}
	raw := func(v any) json.RawMessage {
		b, err := marshal(v)
		if err != nil {
			return json.RawMessage(`null`)
		}
		return b
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d := StateDump{Zones: []json.RawMessage{}, Policies: []PolicyDump{}, Users: []UserDump{}, Groups: []json.RawMessage{}, Providers: []json.RawMessage{}}
	for _, z := range s.org.zones {
		d.Zones = append(d.Zones, raw(s.zoneJSON(c, z, false)))
	}
	for _, p := range s.org.policies {
		pd := PolicyDump{Policy: raw(s.policyJSON(c, p)), Rules: []json.RawMessage{}}
		for _, r := range p.rules {
			pd.Rules = append(pd.Rules, raw(s.ruleJSON(c, p, r)))
		}
		d.Policies = append(d.Policies, pd)
	}
	for _, u := range s.org.users {
		d.Users = append(d.Users, UserDump{User: raw(s.userJSON(c, u)), Risk: raw(s.riskJSON(c, u))})
	}
	for _, g := range s.org.groups {
		d.Groups = append(d.Groups, raw(s.groupJSON(c, g)))
	}
	for _, p := range s.org.providers {
		d.Providers = append(d.Providers, raw(s.providerJSON(c, p)))
	}
	return d
}

// serveControls answers the test controls under /__emulator/: no auth, not counted, no
// faults.
func (s *Server) serveControls(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/__emulator/requests" && r.Method == http.MethodGet:
		writeReply(w, ok(s.Requests()))
	case r.URL.Path == "/__emulator/requests" && r.Method == http.MethodDelete:
		s.ResetRequests()
		writeReply(w, noContent())
	case r.URL.Path == "/__emulator/state" && r.Method == http.MethodGet:
		writeReply(w, ok(s.state(s.baseURL(r))))
	default:
		writeReply(w, notFound(r.URL.Path, "Resource"))
	}
}
