package tenant

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/itpsync/itpsync/internal/itp"
	"github.com/okta/okta-sdk-golang/v6/okta"
)

// nameCache maps ids to names and back for zones, groups, users and policies. It lives as
// long as the Client (one run), and CreateZone adds to it so later writes in the same run
// can name the zones it created.
type nameCache struct {
	mu          sync.Mutex
	zonesLoaded bool
	zoneByName  map[string]string
	zoneByID    map[string]string
	groupByID   map[string]string
	groupByName map[string][]string
	userByID    map[string]string // id → login
	userByLogin map[string]string // lower-case login → id
	policyID    map[string]string // policy type → id
	riskByID    map[string]itp.UserRisk
}

func newNameCache() *nameCache {
	return &nameCache{
		zoneByName: map[string]string{}, zoneByID: map[string]string{},
		groupByID: map[string]string{}, groupByName: map[string][]string{},
		userByID: map[string]string{}, userByLogin: map[string]string{},
		policyID: map[string]string{}, riskByID: map[string]itp.UserRisk{},
	}
}

// setRisk remembers the risk of user id as last read or written by this Client.
func (n *nameCache) setRisk(id string, r itp.UserRisk) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.riskByID[id] = r
}

// risk returns the risk of user id as last read or written by this Client.
func (n *nameCache) risk(id string) (itp.UserRisk, bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	r, ok := n.riskByID[id]
	return r, ok
}

func (n *nameCache) addZone(id, name string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	for oldName, oldID := range n.zoneByName {
		if oldID == id && oldName != name {
			delete(n.zoneByName, oldName) // renamed
		}
	}
	n.zoneByName[name], n.zoneByID[id] = id, name
}

func (n *nameCache) dropZone(id string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if name, ok := n.zoneByID[id]; ok && n.zoneByName[name] == id {
		delete(n.zoneByName, name)
	}
	delete(n.zoneByID, id)
}

func (n *nameCache) addGroup(id, name string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if _, seen := n.groupByID[id]; !seen {
		n.groupByName[name] = append(n.groupByName[name], id)
	}
	n.groupByID[id] = name
}

func (n *nameCache) addUser(id, login string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.userByID[id], n.userByLogin[strings.ToLower(login)] = login, id
}

// oktaUserID matches an Okta user id (00u…, 20 characters); anything else is a login.
var oktaUserID = regexp.MustCompile(`^00u[0-9A-Za-z]{17}$`)

// searchChunk bounds the number of terms in one search expression (URL length).
const searchChunk = 40

func quoteSearch(v string) string {
	return `"` + strings.ReplaceAll(strings.ReplaceAll(v, `\`, `\\`), `"`, `\"`) + `"`
}

func chunks(values []string) [][]string {
	var out [][]string
	for len(values) > 0 {
		n := min(len(values), searchChunk)
		out = append(out, values[:n])
		values = values[n:]
	}
	return out
}

func uniqueSorted(values []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, v := range values {
		if v != "" && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	sort.Strings(out)
	return out
}

// loadGroups fetches the groups named by id or by name that the cache does not know yet,
// with one search call per searchChunk values.
func (c *Client) loadGroups(ctx context.Context, write bool, ids, names []string) error {
	c.names.mu.Lock()
	var terms []string
	for _, id := range uniqueSorted(ids) {
		if _, ok := c.names.groupByID[id]; !ok {
			terms = append(terms, "id eq "+quoteSearch(id))
		}
	}
	for _, name := range uniqueSorted(names) {
		if _, ok := c.names.groupByName[name]; !ok {
			terms = append(terms, "profile.name eq "+quoteSearch(name))
		}
	}
	c.names.mu.Unlock()
	list := func(ctx context.Context, api *okta.APIClient, search, after string) (*okta.APIResponse, error) {
		req := api.GroupAPI.ListGroups(ctx).Search(search).Limit(200)
		if after != "" {
			req = req.After(after)
		}
		_, resp, err := req.Execute()
		return resp, err
	}
	return search(ctx, c, write, terms, "groups", "group", list, func(g wireGroup) { c.names.addGroup(g.ID, g.Profile.Name) })
}

// loadUsers fetches the users named by id or login that the cache does not know yet.
func (c *Client) loadUsers(ctx context.Context, write bool, users []string) error {
	c.names.mu.Lock()
	var terms []string
	for _, u := range uniqueSorted(users) {
		if oktaUserID.MatchString(u) {
			if _, ok := c.names.userByID[u]; !ok {
				terms = append(terms, "id eq "+quoteSearch(u))
			}
		} else if _, ok := c.names.userByLogin[strings.ToLower(u)]; !ok {
			terms = append(terms, "profile.login eq "+quoteSearch(u))
		}
	}
	c.names.mu.Unlock()
	list := func(ctx context.Context, api *okta.APIClient, search, after string) (*okta.APIResponse, error) {
		req := api.UserAPI.ListUsers(ctx).Search(search).Limit(200)
		if after != "" {
			req = req.After(after)
		}
		_, resp, err := req.Execute()
		return resp, err
	}
	return search(ctx, c, write, terms, "users", "user", list, func(u wireUser) { c.names.addUser(u.ID, u.Profile.Login) })
}

// searchList is one page of a search list call (groups or users).
type searchList func(ctx context.Context, api *okta.APIClient, search, after string) (*okta.APIResponse, error)

// search runs list once per searchChunk terms (joined with "or"), follows every page, and
// hands each decoded item to add. what and noun name the list in errors ("groups", "group").
func search[T required](ctx context.Context, c *Client, write bool, terms []string, what, noun string, list searchList, add func(T)) error {
	api, err := c.api(write)
	if err != nil {
		return err
	}
	for _, chunk := range chunks(terms) {
		expr := strings.Join(chunk, " or ")
		var pages pager
		after := ""
		for {
			r, err := c.call(ctx, func(ctx context.Context) (*okta.APIResponse, error) {
				return list(ctx, api, expr, after)
			})
			if err != nil {
				return fmt.Errorf("look up %s: %w", what, err)
			}
			items, err := decodeList[T](r, what, noun)
			if err != nil {
				return err
			}
			for _, it := range items {
				add(it)
			}
			if after, err = pages.next(r); err != nil {
				return err
			}
			if after == "" {
				break
			}
		}
	}
	return nil
}

// groupNames turns group ids into names; an id that cannot be resolved stays as it is.
func (c *Client) groupNames(ids []string) []string { return c.names.lookup(c.names.groupByID, ids) }

// userLogins turns user ids into logins; an id that cannot be resolved stays as it is.
func (c *Client) userLogins(ids []string) []string { return c.names.lookup(c.names.userByID, ids) }

// zoneNames turns zone ids into names; an id that cannot be resolved stays as it is.
func (c *Client) zoneNames(ids []string) []string { return c.names.lookup(c.names.zoneByID, ids) }

// lookup maps ids through m (one of the cache's id maps, read under its lock); an id that
// m does not know stays as it is.
func (n *nameCache) lookup(m map[string]string, ids []string) []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if name, ok := m[id]; ok {
			out = append(out, name)
		} else {
			out = append(out, id)
		}
	}
	return out
}

// groupIDs resolves group names for a write. A name that matches no group, or several, is
// an error: writing a guess could exclude or include the wrong people.
func (c *Client) groupIDs(ctx context.Context, names []string) ([]string, error) {
	if len(names) == 0 {
		return []string{}, nil
	}
	if err := c.loadGroups(ctx, true, nil, names); err != nil {
		return nil, err
	}
	c.names.mu.Lock()
	defer c.names.mu.Unlock()
	out := make([]string, 0, len(names))
	for _, name := range uniqueSorted(names) {
		ids := c.names.groupByName[name]
		switch len(ids) {
		case 0:
			return nil, fmt.Errorf("group %q not found in the org", name)
		case 1:
			out = append(out, ids[0])
		default:
			return nil, fmt.Errorf("group name %q is ambiguous: %d groups have it (%s)", name, len(ids), strings.Join(ids, ", "))
		}
	}
	return out, nil
}

// userIDs resolves logins (or ids) for a write.
func (c *Client) userIDs(ctx context.Context, users []string) ([]string, error) {
	if len(users) == 0 {
		return []string{}, nil
	}
	if err := c.loadUsers(ctx, true, users); err != nil {
		return nil, err
	}
	c.names.mu.Lock()
	defer c.names.mu.Unlock()
	out := make([]string, 0, len(users))
	for _, u := range uniqueSorted(users) {
		if oktaUserID.MatchString(u) {
			if _, ok := c.names.userByID[u]; !ok {
				return nil, fmt.Errorf("user %q not found in the org", u)
			}
			out = append(out, u)
			continue
		}
		id, ok := c.names.userByLogin[strings.ToLower(u)]
		if !ok {
			return nil, fmt.Errorf("user %q not found in the org", u)
		}
		out = append(out, id)
	}
	return out, nil
}

// userID resolves one login or id.
func (c *Client) userID(ctx context.Context, write bool, user string) (id, login string, err error) {
	if err := c.loadUsers(ctx, write, []string{user}); err != nil {
		return "", "", err
	}
	c.names.mu.Lock()
	defer c.names.mu.Unlock()
	if oktaUserID.MatchString(user) {
		if login, ok := c.names.userByID[user]; ok {
			return user, login, nil
		}
	} else if id, ok := c.names.userByLogin[strings.ToLower(user)]; ok {
		return id, c.names.userByID[id], nil
	}
	return "", "", fmt.Errorf("user %q not found in the org", user)
}

// zoneIDs resolves zone names for a write, listing the org's zones once if no Read (or
// earlier lookup) has filled the cache. Zones created earlier in the run are in the cache.
func (c *Client) zoneIDs(ctx context.Context, names []string) ([]string, error) {
	if len(names) == 0 {
		return []string{}, nil
	}
	c.names.mu.Lock()
	missing := false
	for _, n := range names {
		if _, ok := c.names.zoneByName[n]; !ok {
			missing = true
		}
	}
	loaded := c.names.zonesLoaded
	c.names.mu.Unlock()
	if missing && !loaded {
		if _, err := c.listZones(ctx, true); err != nil {
			return nil, err
		}
	}
	c.names.mu.Lock()
	defer c.names.mu.Unlock()
	out := make([]string, 0, len(names))
	for _, n := range uniqueSorted(names) {
		id, ok := c.names.zoneByName[n]
		if !ok {
			return nil, fmt.Errorf("network zone %q not found in the org", n)
		}
		out = append(out, id)
	}
	return out, nil
}
