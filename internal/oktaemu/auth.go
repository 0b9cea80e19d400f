package oktaemu

import (
	"crypto/subtle"
	"net/http"
	"slices"
	"strings"
	"time"
)

// grant is an access token issued by /oauth2/v1/token.
type grant struct {
	scopes  []string
	expires time.Time
}

// authorize checks the Authorization header: an SSWS API token may do everything; a
// bearer token from the token endpoint needs the route's scope (403 E0000006 without it).
func (s *Server) authorize(r *http.Request, scope string) (reply, bool) {
	h := r.Header.Get("Authorization")
	scheme, cred, _ := strings.Cut(h, " ")
	cred = strings.TrimSpace(cred)
	switch scheme {
	case "SSWS":
		if s.opts.Token != "" && subtle.ConstantTimeCompare([]byte(cred), []byte(s.opts.Token)) == 1 {
			return reply{}, true
		}
		if _, found := s.adminToken(cred); found {
			return reply{}, true
		}
	case "Bearer":
		s.ctl.Lock()
		g, found := s.tokens[cred]
		s.ctl.Unlock()
		if !found || !s.now().Before(g.expires) {
			break
		}
		if scope != "" && !slices.Contains(g.scopes, scope) && !impliedBy(g.scopes, scope) {
			return forbidden(), false
		}
		return reply{}, true
	}
	return invalidToken(), false
}

// impliedBy reports whether a granted ".manage" scope covers the ".read" scope asked for.
func impliedBy(granted []string, scope string) bool {
	base, isRead := strings.CutSuffix(scope, ".read")
	return isRead && slices.Contains(granted, base+".manage")
}
