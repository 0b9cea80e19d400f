package oktaemu

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

type user struct {
	id, status                string
	created, updated, changed time.Time
	firstName, lastName       string
	login, email              string
	riskLevel                 string // "" when never set by an admin
}

type group struct {
	id, typ, name, description string
	created, updated           time.Time
}

func (o *Org) user(idOrLogin string) *user {
	for _, u := range o.users {
		if u.id == idOrLogin || strings.EqualFold(u.login, idOrLogin) {
			return u
		}
	}
	return nil
}

func (o *Org) group(id string) *group {
	for _, g := range o.groups {
		if g.id == id {
			return g
		}
	}
	return nil
}

func (s *Server) userJSON(c *call, u *user) obj {
	self := c.base + users + "/" + u.id
	post := func(op string) obj { return obj{{"href", self + "/lifecycle/" + op}, {"method", "POST"}} }
	var links obj
	schema := obj{{"href", c.base + "/api/v1/meta/schemas/user/" + s.org.schemaID}}
	typ := obj{{"href", c.base + "/api/v1/meta/types/user/" + s.org.userTypeID}}
	switch u.status {
	case "DEPROVISIONED":
		links = obj{{"schema", schema}, {"activate", post("activate")}, {"self", obj{{"href", self}}}, {"type", typ}}
	case "STAGED":
		links = obj{{"schema", schema}, {"activate", post("activate")}, {"self", obj{{"href", self}}}, {"type", typ}, {"deactivate", post("deactivate")}}
	default:
		links = obj{{"suspend", post("suspend")}, {"schema", schema}, {"resetPassword", post("reset_password")}}
		if u.status == "PROVISIONED" {
			links = append(links, field{"reactivate", post("reactivate")})
		} else {
			links = append(links, field{"expirePassword", post("expire_password")})
		}
		links = append(links, field{"self", obj{{"href", self}}}, field{"resetFactors", post("reset_factors")},
			field{"type", typ}, field{"deactivate", post("deactivate")})
	}
	return obj{
		{"id", u.id}, {"status", u.status}, {"created", timestamp(u.created)}, {"activated", timestamp(u.created)},
		{"statusChanged", timestamp(u.changed)}, {"lastLogin", nil}, {"lastUpdated", timestamp(u.updated)},
		{"passwordChanged", nil}, {"realmId", s.org.realmID}, {"type", obj{{"id", s.org.userTypeID}}},
		{"profile", obj{{"firstName", u.firstName}, {"lastName", u.lastName}, {"mobilePhone", nil},
			{"secondEmail", nil}, {"login", u.login}, {"email", u.email}}},
		{"credentials", obj{{"provider", obj{{"type", "OKTA"}, {"name", "OKTA"}}}}},
		{"_links", links},
	}
}

func (s *Server) groupJSON(c *call, g *group) obj {
	self := c.base + groups + "/" + g.id
	return obj{
		{"id", g.id}, {"created", timestamp(g.created)}, {"lastUpdated", timestamp(g.updated)},
		{"lastMembershipUpdated", timestamp(g.updated)}, {"objectClass", []string{"okta:user_group"}},
		{"type", g.typ}, {"profile", obj{{"name", g.name}, {"description", g.description}}},
		{"_links", obj{{"users", obj{{"href", self + "/users"}}}, {"apps", obj{{"href", self + "/apps"}}}}},
	}
}

// orSep and andSep split filter and search expressions into terms; compiled once, not on
// every list request.
var (
	orSep  = regexp.MustCompile(`(?i)\s+or\s+`)
	andSep = regexp.MustCompile(`(?i)\s+and\s+`)
)

var scimTerm = regexp.MustCompile(`^\s*([\w.]+)\s+eq\s+(?:"([^"]*)"|(true|false))\s*$`)

// scimMatcher parses "attr eq "v"" terms joined by "or" (and "and" inside a term) into a
// matcher over an item's attributes; attrs lists the attributes the endpoint supports.
func scimMatcher(param, expr string, attrs func(string) (func(any) string, bool)) (func(any) bool, *reply) {
	var disj [][]func(any) bool
	for _, d := range orSep.Split(expr, -1) {
		var conj []func(any) bool
		for _, t := range andSep.Split(d, -1) {
			m := scimTerm.FindStringSubmatch(t)
			if m == nil {
				rep := validation(param, fmt.Sprintf("Invalid search expression %q.", t))
				return nil, &rep
			}
			get, known := attrs(m[1])
			if !known {
				rep := validation(param, fmt.Sprintf("Unsupported attribute %q.", m[1]))
				return nil, &rep
			}
			want := m[2] + m[3]
			conj = append(conj, func(x any) bool { return strings.EqualFold(get(x), want) })
		}
		disj = append(disj, conj)
	}
	return func(x any) bool {
		for _, conj := range disj {
			all := true
			for _, f := range conj {
				all = all && f(x)
			}
			if all {
				return true
			}
		}
		return false
	}, nil
}

func userAttr(name string) (func(any) string, bool) {
	get := map[string]func(*user) string{
		"id": func(u *user) string { return u.id }, "status": func(u *user) string { return u.status },
		"profile.login": func(u *user) string { return u.login }, "profile.email": func(u *user) string { return u.email },
		"profile.firstName": func(u *user) string { return u.firstName }, "profile.lastName": func(u *user) string { return u.lastName },
	}[name]
	if get == nil {
		return nil, false
	}
	return func(x any) string { return get(x.(*user)) }, true
}

func groupAttr(name string) (func(any) string, bool) {
	get := map[string]func(*group) string{
		"id": func(g *group) string { return g.id }, "type": func(g *group) string { return g.typ },
		"profile.name": func(g *group) string { return g.name },
	}[name]
	if get == nil {
		return nil, false
	}
	return func(x any) string { return get(x.(*group)) }, true
}

// listFilter combines the search, filter and q parameters of the users and groups lists.
func listFilter(c *call, attrs func(string) (func(any) string, bool), qFields func(any) []string) (func(any) bool, *reply) {
	q := c.r.URL.Query()
	var preds []func(any) bool
	for _, param := range []string{"search", "filter"} {
		if expr := q.Get(param); expr != "" {
			m, rep := scimMatcher(param, expr, attrs)
			if rep != nil {
				return nil, rep
			}
			preds = append(preds, m)
		}
	}
	if prefix := strings.ToLower(q.Get("q")); prefix != "" {
		preds = append(preds, func(x any) bool {
			for _, f := range qFields(x) {
				if strings.HasPrefix(strings.ToLower(f), prefix) {
					return true
				}
			}
			return false
		})
	}
	return func(x any) bool {
		for _, p := range preds {
			if !p(x) {
				return false
			}
		}
		return true
	}, nil
}

func (s *Server) listUsers(c *call) reply {
	keep, rep := listFilter(c, userAttr, func(x any) []string {
		u := x.(*user)
		return []string{u.login, u.email, u.firstName, u.lastName}
	})
	if rep != nil {
		return *rep
	}
	return listPage(c, users, s.opts.PageSize, s.org.users, func(u *user) bool { return keep(u) },
		func(u *user) string { return u.id }, func(u *user) obj { return s.userJSON(c, u) })
}

func (s *Server) getUser(c *call) reply {
	u := s.org.user(c.params["id"])
	if u == nil {
		return notFound(c.params["id"], "User")
	}
	return ok(s.userJSON(c, u))
}

type userBody struct {
	Profile *struct {
		Login     string `json:"login"`
		Email     string `json:"email"`
		FirstName string `json:"firstName"`
		LastName  string `json:"lastName"`
	} `json:"profile"`
	Credentials *struct {
		Password *struct {
			Value string `json:"value"`
		} `json:"password"`
	} `json:"credentials"`
}

// createUser supports just what the recorded tests do: a user created without password
// is PROVISIONED (STAGED with ?activate=false).
func (s *Server) createUser(c *call) reply {
	var b userBody
	if rep := c.decode(&b); rep != nil {
		return *rep
	}
	if b.Profile == nil || b.Profile.Login == "" {
		return validation("login", "The field cannot be left blank.")
	}
	if b.Profile.Email == "" {
		return validation("email", "The field cannot be left blank.")
	}
	if s.org.user(b.Profile.Login) != nil {
		return validation("login", "An object with this field already exists in the current organization")
	}
	status := "PROVISIONED"
	if b.Credentials != nil && b.Credentials.Password != nil && b.Credentials.Password.Value != "" {
		status = "ACTIVE"
	}
	if c.r.URL.Query().Get("activate") == "false" {
		status = "STAGED"
	}
	u := s.org.addUser(SeedUser{Login: b.Profile.Login, Email: b.Profile.Email, FirstName: b.Profile.FirstName, LastName: b.Profile.LastName})
	u.status = status
	return ok(s.userJSON(c, u))
}

// deleteUser deactivates an active user; a second call deletes it (both 204).
func (s *Server) deleteUser(c *call) reply {
	u := s.org.user(c.params["id"])
	if u == nil {
		return notFound(c.params["id"], "User")
	}
	if u.status != "DEPROVISIONED" {
		u.status, u.changed, u.updated = "DEPROVISIONED", s.org.now(), s.org.now()
		return noContent()
	}
	for i, x := range s.org.users {
		if x == u {
			s.org.users = append(s.org.users[:i], s.org.users[i+1:]...)
			break
		}
	}
	return noContent()
}

func (s *Server) listGroups(c *call) reply {
	keep, rep := listFilter(c, groupAttr, func(x any) []string { return []string{x.(*group).name} })
	if rep != nil {
		return *rep
	}
	return listPage(c, groups, s.opts.PageSize, s.org.groups, func(g *group) bool { return keep(g) },
		func(g *group) string { return g.id }, func(g *group) obj { return s.groupJSON(c, g) })
}

func (s *Server) getGroup(c *call) reply {
	g := s.org.group(c.params["id"])
	if g == nil {
		return notFound(c.params["id"], "UserGroup")
	}
	return ok(s.groupJSON(c, g))
}
