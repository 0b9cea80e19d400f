package tenant

import (
	"context"
	"fmt"

	"github.com/itpsync/itpsync/internal/itp"
	"github.com/okta/okta-sdk-golang/v6/okta"
)

// userRisks reads the risk of each named user: one search for all their ids, then one GET
// each (the org has no list of user risks), concurrently with the client's bound.
func (c *Client) userRisks(ctx context.Context, users []string) ([]itp.UserRisk, error) {
	users = uniqueSorted(users)
	if err := c.loadUsers(ctx, false, users); err != nil {
		return nil, err
	}
	out := make([]itp.UserRisk, len(users))
	g, gctx := newGroup(ctx, c.cfg.Concurrency)
	for i, u := range users {
		g.Go(func() error {
			risk, err := c.getUserRisk(gctx, false, u)
			out[i] = risk
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return out, nil
}

// GetUserRisk returns the risk level of user (a login or an id).
func (c *Client) GetUserRisk(ctx context.Context, user string) (itp.UserRisk, error) {
	return c.getUserRisk(ctx, false, user)
}

func (c *Client) getUserRisk(ctx context.Context, write bool, user string) (itp.UserRisk, error) {
	op := fmt.Sprintf("read risk of user %q", user)
	id, login, err := c.userID(ctx, write, user)
	if err != nil {
		return itp.UserRisk{}, fmt.Errorf("%s: %w", op, err)
	}
	api, err := c.api(write)
	if err != nil {
		return itp.UserRisk{}, err
	}
	r, err := c.call(ctx, func(ctx context.Context) (*okta.APIResponse, error) {
		_, resp, err := api.UserRiskAPI.GetUserRisk(ctx, id).Execute()
		return resp, err
	})
	if err != nil {
		return itp.UserRisk{}, fmt.Errorf("%s: %w", op, err)
	}
	risk, err := userRiskFrom(r, id, login)
	if err != nil {
		return itp.UserRisk{}, fmt.Errorf("%s: %w", op, err)
	}
	c.names.setRisk(id, risk)
	return risk, nil
}

func userRiskFrom(r result, id, login string) (itp.UserRisk, error) {
	var w wireUserRisk
	if err := decodeOne(r, "user risk", &w); err != nil {
		return itp.UserRisk{}, err
	}
	u := itp.UserRisk{Key: itp.Slug(login), Meta: itp.Meta{ID: id}, User: login, RiskLevel: w.RiskLevel, Reason: w.Reason}
	u.Normalize()
	return u, nil
}

// SetUserRisk sets the risk level of user (HIGH or LOW) and returns the level before and
// after. Okta answers the first PUT for a user with 201 and later ones with 200.
//
// The level before is the one this Client last read or wrote for the user (callers such as
// the user-risk command read it just before deciding to write, and a second GET would only
// cost an API call); it is read from the org when this Client has not seen it yet.
func (c *Client) SetUserRisk(ctx context.Context, user, level string) (before, after itp.UserRisk, err error) {
	op := fmt.Sprintf("set risk of user %q to %s", user, level)
	if level != itp.RiskHigh && level != itp.RiskLow {
		return before, after, fmt.Errorf("%s: the API accepts only HIGH or LOW", op)
	}
	id, _, err := c.userID(ctx, true, user)
	if err != nil {
		return before, after, fmt.Errorf("%s: %w", op, err)
	}
	var known bool
	if before, known = c.names.risk(id); !known {
		if before, err = c.getUserRisk(ctx, true, user); err != nil {
			return before, after, err
		}
	}
	api, err := c.api(true)
	if err != nil {
		return before, after, err
	}
	r, err := c.call(ctx, func(ctx context.Context) (*okta.APIResponse, error) {
		_, resp, err := api.UserRiskAPI.UpsertUserRisk(ctx, before.Meta.ID).UserRiskRequest(okta.UserRiskRequest{RiskLevel: okta.PtrString(level)}).Execute()
		return resp, err
	})
	if err != nil {
		return before, after, fmt.Errorf("%s: %w", op, err)
	}
	after, err = userRiskFrom(r, before.Meta.ID, before.User)
	if err != nil {
		return before, after, fmt.Errorf("%s: %w", op, err)
	}
	c.names.setRisk(before.Meta.ID, after)
	return before, after, nil
}
