package tenant

import (
	"context"
	"fmt"

	"github.com/itpsync/itpsync/internal/itp"
	"github.com/okta/okta-sdk-golang/v6/okta"
)

// providerBody builds the typed body: settings are either the SSF well-known URL or an
// issuer with a JWKS URL (snake_case keys on the wire).
func providerBody(p itp.Provider) (okta.SecurityEventsProviderRequest, error) {
	req := okta.SecurityEventsProviderRequest{Name: p.Name, Type: p.Type}
	switch {
	case p.WellKnownURL != "":
		req.Settings.SecurityEventsProviderSettingsSSFCompliant = &okta.SecurityEventsProviderSettingsSSFCompliant{WellKnownUrl: p.WellKnownURL}
	case p.Issuer != "" && p.JWKSURL != "":
		req.Settings.SecurityEventsProviderSettingsNonSSFCompliant = &okta.SecurityEventsProviderSettingsNonSSFCompliant{Issuer: p.Issuer, JwksUrl: p.JWKSURL}
	default:
		return req, fmt.Errorf("settings need well_known_url, or issuer and jwks_url")
	}
	return req, nil
}

// listProviders lists the security events providers (one call; the list has no paging).
func (c *Client) listProviders(ctx context.Context) ([]itp.Provider, error) {
	api, err := c.api(false)
	if err != nil {
		return nil, err
	}
	r, err := c.call(ctx, func(ctx context.Context) (*okta.APIResponse, error) {
		_, resp, err := api.SSFReceiverAPI.ListSecurityEventsProviderInstances(ctx).Execute()
		return resp, err
	})
	if err != nil {
		return nil, fmt.Errorf("list security events providers: %w", err)
	}
	ws, err := decodeList[wireProvider](r, "security events providers", "provider")
	if err != nil {
		return nil, err
	}
	out := make([]itp.Provider, 0, len(ws))
	for _, w := range ws {
		out = append(out, w.provider())
	}
	return out, nil
}

// CreateProvider creates p (Okta creates it ACTIVE) and deactivates it when p is INACTIVE.
// The POST is sent once.
func (c *Client) CreateProvider(ctx context.Context, p itp.Provider) (itp.Provider, error) {
	p.Normalize()
	op := fmt.Sprintf("create security events provider %q", p.Name)
	return c.writeProvider(ctx, op, p, func(ctx context.Context, api *okta.APIClient, body okta.SecurityEventsProviderRequest) (*okta.APIResponse, error) {
		_, resp, err := api.SSFReceiverAPI.CreateSecurityEventsProviderInstance(ctx).Instance(body).Execute()
		return resp, err
	})
}

// UpdateProvider replaces provider id with p, then fixes its status if the answer differs.
func (c *Client) UpdateProvider(ctx context.Context, id string, p itp.Provider) (itp.Provider, error) {
	p.Normalize()
	op := fmt.Sprintf("update security events provider %q", p.Name)
	if id == "" {
		return itp.Provider{}, fmt.Errorf("%s: no provider id", op)
	}
	return c.writeProvider(ctx, op, p, func(ctx context.Context, api *okta.APIClient, body okta.SecurityEventsProviderRequest) (*okta.APIResponse, error) {
		_, resp, err := api.SSFReceiverAPI.ReplaceSecurityEventsProviderInstance(ctx, id).Instance(body).Execute()
		return resp, err
	})
}

// writeProvider sends the body of p once with send (create or replace), then brings the
// answer to p's status. Errors are prefixed with op.
func (c *Client) writeProvider(ctx context.Context, op string, p itp.Provider, send func(context.Context, *okta.APIClient, okta.SecurityEventsProviderRequest) (*okta.APIResponse, error)) (itp.Provider, error) {
	body, err := providerBody(p)
	if err != nil {
		return itp.Provider{}, fmt.Errorf("%s: %w", op, err)
	}
	api, err := c.api(true)
	if err != nil {
		return itp.Provider{}, err
	}
	r, err := c.call(ctx, func(ctx context.Context) (*okta.APIResponse, error) { return send(ctx, api, body) })
	if err != nil {
		return itp.Provider{}, fmt.Errorf("%s: %w", op, err)
	}
	got, err := c.providerStatus(ctx, r, p.IsEnabled)
	if err != nil {
		return itp.Provider{}, fmt.Errorf("%s: %w", op, err)
	}
	return got, nil
}

// providerStatus decodes the provider in r and activates or deactivates it when its status
// is not the wanted one; lifecycle calls answer with the provider.
func (c *Client) providerStatus(ctx context.Context, r result, status string) (itp.Provider, error) {
	var w wireProvider
	if err := decodeOne(r, "security events provider", &w); err != nil {
		return itp.Provider{}, err
	}
	got := w.provider()
	if got.IsEnabled == status || status == "" {
		return got, nil
	}
	api, err := c.api(true)
	if err != nil {
		return itp.Provider{}, err
	}
	r, err = c.call(ctx, func(ctx context.Context) (*okta.APIResponse, error) {
		if status == itp.StatusInactive {
			_, resp, err := api.SSFReceiverAPI.DeactivateSecurityEventsProviderInstance(ctx, w.ID).Execute()
			return resp, err
		}
		_, resp, err := api.SSFReceiverAPI.ActivateSecurityEventsProviderInstance(ctx, w.ID).Execute()
		return resp, err
	})
	if err != nil {
		return itp.Provider{}, fmt.Errorf("written (id %s) but not %s: %w", w.ID, status, err)
	}
	if err := decodeOne(r, "security events provider", &w); err != nil {
		return itp.Provider{}, err
	}
	return w.provider(), nil
}

// DeleteProvider deletes p.
func (c *Client) DeleteProvider(ctx context.Context, p itp.Provider) error {
	op := fmt.Sprintf("delete security events provider %q", p.Name)
	if p.Meta.ID == "" {
		return fmt.Errorf("%s: no provider id", op)
	}
	api, err := c.api(true)
	if err != nil {
		return err
	}
	if _, err := c.call(ctx, func(ctx context.Context) (*okta.APIResponse, error) {
		return api.SSFReceiverAPI.DeleteSecurityEventsProviderInstance(ctx, p.Meta.ID).Execute()
	}); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return nil
}
