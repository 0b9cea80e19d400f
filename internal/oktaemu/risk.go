package oktaemu

import (
	"fmt"
	"net/http"
)

// adminOverride is the reason the server gives after an admin set the risk.
const adminOverride = "Admin override risk"

func (s *Server) riskJSON(c *call, u *user) obj {
	self := c.base + users + "/" + u.id
	links := obj{{"user", link(self, "GET")}, {"self", link(self+"/risk", "GET", "PUT")}}
	if u.riskLevel == "" {
		// Never set: the "none" variant has no reason.
		return obj{{"riskLevel", "NONE"}, {"_links", links}}
	}
	return obj{{"riskLevel", u.riskLevel}, {"reason", adminOverride}, {"_links", links}}
}

func (s *Server) getRisk(c *call) reply {
	u := s.org.user(c.params["id"])
	if u == nil {
		return notFound(c.params["id"], "User")
	}
	return ok(s.riskJSON(c, u))
}

// putRisk answers 201 the first time a risk is set on the user and 200 afterwards.
func (s *Server) putRisk(c *call) reply {
	u := s.org.user(c.params["id"])
	if u == nil {
		return notFound(c.params["id"], "User")
	}
	var b struct {
		RiskLevel *string `json:"riskLevel"`
	}
	if rep := c.decode(&b); rep != nil {
		return *rep
	}
	if b.RiskLevel == nil {
		return validation("riskLevel", "The field cannot be left blank.")
	}
	if *b.RiskLevel != "HIGH" && *b.RiskLevel != "LOW" {
		return validation("riskLevel", fmt.Sprintf("Invalid risk level %q; expected HIGH or LOW.", *b.RiskLevel))
	}
	status := http.StatusOK
	if u.riskLevel == "" {
		status = http.StatusCreated
	}
	u.riskLevel = *b.RiskLevel
	return reply{status: status, body: s.riskJSON(c, u)}
}
