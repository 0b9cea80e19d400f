package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// The out-of-band changes of step 3: what an administrator might do in the Okta console.
const (
	vpnZoneName  = "Corporate VPN"
	providerName = "CrowdStrike Threat Intelligence"
	rogueZone    = "Contractor Office"
	rogueCIDR    = "192.0.2.0/24"
	openCIDR     = "0.0.0.0/0"
)

// consoleChange is one change made in the console, said in a line.
type consoleChange struct {
	text string
	took time.Duration
}

// console makes the out-of-band changes through the org's real HTTP API, as the admin
// console does: widen a trusted zone to the whole internet, deactivate a risk signal
// provider, add a zone nobody declared.
func (w *world) console(ctx context.Context) ([]consoleChange, error) {
	var out []consoleChange
	for _, change := range []func(context.Context) (string, error){w.widenZone, w.deactivateProvider, w.addRogueZone} {
		start := time.Now()
		text, err := change(ctx)
		if err != nil {
			return out, err
		}
		if text != "" {
			out = append(out, consoleChange{text: text, took: time.Since(start)})
		}
	}
	return out, nil
}

// widenZone adds 0.0.0.0/0 to the gateways of the trusted zone.
func (w *world) widenZone(ctx context.Context) (string, error) {
	var zones []map[string]any
	if err := w.oktaAPI(ctx, "GET", "/api/v1/zones", nil, &zones); err != nil {
		return "", err
	}
	z := pick(zones, vpnZoneName, func(z map[string]any) bool {
		return z["type"] == "IP" && z["usage"] == "POLICY" && z["system"] != true
	})
	if z == nil {
		return "", nil // the definitions have no IP zone to widen
	}
	gws, _ := z["gateways"].([]any)
	z["gateways"] = append(gws, map[string]any{"type": "CIDR", "value": openCIDR})
	delete(z, "_links")
	id, _ := z["id"].(string)
	if err := w.oktaAPI(ctx, "PUT", "/api/v1/zones/"+id, z, nil); err != nil {
		return "", err
	}
	return fmt.Sprintf("zone %q: added gateway %s (the trusted zone now covers the whole internet)", z["name"], openCIDR), nil
}

// deactivateProvider deactivates the security events provider.
func (w *world) deactivateProvider(ctx context.Context) (string, error) {
	var provs []map[string]any
	if err := w.oktaAPI(ctx, "GET", "/api/v1/security-events-providers", nil, &provs); err != nil {
		return "", err
	}
	p := pick(provs, providerName, func(p map[string]any) bool { return p["status"] == "ACTIVE" })
	if p == nil {
		return "", nil
	}
	id, _ := p["id"].(string)
	if err := w.oktaAPI(ctx, "POST", "/api/v1/security-events-providers/"+id+"/lifecycle/deactivate", nil, nil); err != nil {
		return "", err
	}
	return fmt.Sprintf("security events provider %q: deactivated (Okta stops receiving its risk signals)", p["name"]), nil
}

// addRogueZone creates a zone that is in no definition.
func (w *world) addRogueZone(ctx context.Context) (string, error) {
	body := map[string]any{
		"type": "IP", "name": rogueZone, "status": "ACTIVE", "usage": "POLICY",
		"gateways": []any{map[string]any{"type": "CIDR", "value": rogueCIDR}},
	}
	if err := w.oktaAPI(ctx, "POST", "/api/v1/zones", body, nil); err != nil {
		return "", err
	}
	return fmt.Sprintf("zone %q (%s): created, and declared nowhere", rogueZone, rogueCIDR), nil
}

// pick returns the object named name, else the first that ok accepts, else nil.
func pick(objs []map[string]any, name string, ok func(map[string]any) bool) map[string]any {
	for _, o := range objs {
		if o["name"] == name {
			return o
		}
	}
	for _, o := range objs {
		if ok(o) {
			return o
		}
	}
	return nil
}

// oktaAPI makes one admin API call to the emulated org; out, when not nil, receives the
// decoded JSON answer. Errors name the call, never the token.
func (w *world) oktaAPI(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		data, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("%s %s: encode: %w", method, path, err)
		}
		body = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, w.emuURL+path, body)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	req.Header.Set("Authorization", "SSWS "+w.consoleToken)
	req.Header.Set("X-Forwarded-For", consoleIP)
	req.Header.Set("Accept", "application/json")
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return fmt.Errorf("%s %s: read the answer: %w", method, path, err)
	}
	if resp.StatusCode >= 300 {
		return fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, strings.TrimSpace(string(data)))
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("%s %s: decode the answer: %w", method, path, err)
		}
	}
	return nil
}
