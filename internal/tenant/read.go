package tenant

import (
	"context"
	"fmt"
	"sync"

	"github.com/itpsync/itpsync/internal/itp"
	"github.com/okta/okta-sdk-golang/v6/okta"
)

// ReadOptions says what Read needs beyond the six kinds' lists.
type ReadOptions struct {
	// Users are the logins or ids whose risk to read (the org has no list of user risks).
	Users []string
	// Groups and ZoneRefs are names to resolve up front so later writes need no lookup.
	Groups, ZoneRefs []string
}

// zonePageLimit is the page size asked of GET /api/v1/zones: the largest list a zone can
// hold (a blocklist's 1000 entries) is also the largest page the list accepts.
const zonePageLimit = 1000

// Read returns the org's whole ITP state, normalised, with references as names. It uses
// list endpoints only (one call per page, per policy and per kind) and runs independent
// kinds concurrently, at most Config.Concurrency at a time.
func (c *Client) Read(ctx context.Context, opts ReadOptions) (*itp.Config, error) {
	var (
		out                       itp.Config
		erRules, paRules, svRules []wireRule
		mu                        sync.Mutex
	)
	if c.cfg.oauthMode() {
		// The SDK fetches a token for every request that finds its cache empty, so
		// concurrent first requests would each ask for one: make one call first.
		if _, err := c.policyID(ctx, false, itp.PolicyEntityRisk); err != nil {
			return nil, fmt.Errorf("read the org: %w", err)
		}
	}
	g, gctx := newGroup(ctx, c.cfg.Concurrency)
	g.Go(func() error {
		zones, err := c.listZones(gctx, false)
		mu.Lock()
		out.Zones = zones
		mu.Unlock()
		return err
	})
	for _, p := range []struct {
		typ  string
		dest *[]wireRule
	}{{itp.PolicyEntityRisk, &erRules}, {itp.PolicyPostAuthSession, &paRules}, {itp.PolicySessionViolation, &svRules}} {
		g.Go(func() error {
			rules, err := c.policyRules(gctx, false, p.typ)
			mu.Lock()
			*p.dest = rules
			mu.Unlock()
			return err
		})
	}
	g.Go(func() error {
		providers, err := c.listProviders(gctx)
		mu.Lock()
		out.Providers = providers
		mu.Unlock()
		return err
	})
	if len(opts.Users) > 0 {
		g.Go(func() error {
			risks, err := c.userRisks(gctx, opts.Users)
			mu.Lock()
			out.UserRisks = risks
			mu.Unlock()
			return err
		})
	}
	if len(opts.Groups) > 0 {
		g.Go(func() error { return c.loadGroups(gctx, false, nil, opts.Groups) })
	}
	if err := g.Wait(); err != nil {
		return nil, fmt.Errorf("read the org: %w", err)
	}

	// Second phase: name the groups and users the rules reference, one search each.
	var groupIDs, userIDs []string
	for _, rules := range [][]wireRule{erRules, paRules} {
		for _, w := range rules {
			ui, ue, gi, ge := w.people()
			userIDs = append(append(userIDs, ui...), ue...)
			groupIDs = append(append(groupIDs, gi...), ge...)
		}
	}
	g, gctx = newGroup(ctx, c.cfg.Concurrency)
	if len(groupIDs) > 0 {
		g.Go(func() error { return c.loadGroups(gctx, false, groupIDs, nil) })
	}
	if len(userIDs) > 0 {
		g.Go(func() error { return c.loadUsers(gctx, false, userIDs) })
	}
	if err := g.Wait(); err != nil {
		return nil, fmt.Errorf("read the org: %w", err)
	}

	for _, w := range erRules {
		if w.catchAll() {
			continue
		}
		out.EntityRiskRules = append(out.EntityRiskRules, c.namedEntityRiskRule(w))
	}
	if w, ok := firstModifiable(paRules); ok {
		r := c.namedPostAuthRule(w)
		out.PostAuthRule = &r
	}
	if w, ok := firstModifiable(svRules); ok {
		r := c.namedSessionViolationRule(w)
		out.SessionViolationRule = &r
	}
	out.Normalize()
	return &out, nil
}

// firstModifiable returns the pre-provisioned rule of a post-auth or session violation
// policy: the first rule that is not the system catch-all.
func firstModifiable(rules []wireRule) (wireRule, bool) {
	for _, w := range rules {
		if !w.catchAll() {
			return w, true
		}
	}
	return wireRule{}, false
}

func (c *Client) namedEntityRiskRule(w wireRule) itp.EntityRiskRule {
	r := w.entityRiskRule()
	r.UsersIncluded, r.UsersExcluded = c.userLogins(r.UsersIncluded), c.userLogins(r.UsersExcluded)
	r.GroupsIncluded, r.GroupsExcluded = c.groupNames(r.GroupsIncluded), c.groupNames(r.GroupsExcluded)
	r.Normalize()
	return r
}

func (c *Client) namedPostAuthRule(w wireRule) itp.PostAuthRule {
	r := w.postAuthRule()
	r.UsersExcluded = c.userLogins(r.UsersExcluded)
	r.GroupsIncluded, r.GroupsExcluded = c.groupNames(r.GroupsIncluded), c.groupNames(r.GroupsExcluded)
	r.Normalize()
	return r
}

func (c *Client) namedSessionViolationRule(w wireRule) itp.SessionViolationRule {
	r := w.sessionViolationRule()
	r.NetworkIncludes, r.NetworkExcludes = c.zoneNames(r.NetworkIncludes), c.zoneNames(r.NetworkExcludes)
	r.Normalize()
	return r
}

// listZones lists every zone, following Link rel="next", and refreshes the name cache.
func (c *Client) listZones(ctx context.Context, write bool) ([]itp.Zone, error) {
	api, err := c.api(write)
	if err != nil {
		return nil, err
	}
	var zones []itp.Zone
	var pages pager
	after := ""
	for {
		r, err := c.call(ctx, func(ctx context.Context) (*okta.APIResponse, error) {
			req := api.NetworkZoneAPI.ListNetworkZones(ctx).Limit(zonePageLimit)
			if after != "" {
				req = req.After(after)
			}
			_, resp, err := req.Execute()
			return resp, err
		})
		if err != nil {
			return nil, fmt.Errorf("list network zones: %w", err)
		}
		page, err := decodeList[wireZone](r, "network zones", "zone")
		if err != nil {
			return nil, err
		}
		for _, w := range page {
			z, err := w.zone()
			if err != nil {
				return nil, fmt.Errorf("%s: %w", r.endpoint, err)
			}
			c.names.addZone(z.Meta.ID, z.Name)
			zones = append(zones, z)
		}
		if after, err = pages.next(r); err != nil {
			return nil, err
		}
		if after == "" || len(page) == 0 {
			break
		}
	}
	c.names.mu.Lock()
	c.names.zonesLoaded = true
	c.names.mu.Unlock()
	return zones, nil
}

// policyID returns the id of the org's ITP policy of type typ (cached for the run).
func (c *Client) policyID(ctx context.Context, write bool, typ string) (string, error) {
	c.names.mu.Lock()
	id, ok := c.names.policyID[typ]
	c.names.mu.Unlock()
	if ok {
		return id, nil
	}
	api, err := c.api(write)
	if err != nil {
		return "", err
	}
	r, err := c.call(ctx, func(ctx context.Context) (*okta.APIResponse, error) {
		_, resp, err := api.PolicyAPI.ListPolicies(ctx).Type_(typ).Execute()
		return resp, err
	})
	if err != nil {
		return "", fmt.Errorf("list %s policies: %w", typ, err)
	}
	policies, err := decodeList[wirePolicy](r, typ+" policies", "policy")
	if err != nil {
		return "", err
	}
	for _, p := range policies {
		if p.ID != "" && (p.Type == "" || p.Type == typ) {
			c.names.mu.Lock()
			c.names.policyID[typ] = p.ID
			c.names.mu.Unlock()
			return p.ID, nil
		}
	}
	return "", fmt.Errorf("the org has no %s policy: Identity Threat Protection is not enabled for this org", typ)
}

// policyRules lists the rules of the ITP policy of type typ in one call.
func (c *Client) policyRules(ctx context.Context, write bool, typ string) ([]wireRule, error) {
	pid, err := c.policyID(ctx, write, typ)
	if err != nil {
		return nil, err
	}
	api, err := c.api(write)
	if err != nil {
		return nil, err
	}
	r, err := c.call(ctx, func(ctx context.Context) (*okta.APIResponse, error) {
		_, resp, err := api.PolicyAPI.ListPolicyRules(ctx, pid).Execute()
		return resp, err
	})
	if err != nil {
		return nil, fmt.Errorf("list %s policy rules: %w", typ, err)
	}
	return decodeList[wireRule](r, typ+" policy rules", "rule")
}
