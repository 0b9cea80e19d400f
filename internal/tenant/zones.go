package tenant

import (
	"context"
	"fmt"
	"strings"

	"github.com/itpsync/itpsync/internal/itp"
	"github.com/okta/okta-sdk-golang/v6/okta"
)

// zoneAddresses encodes gateways or proxies: a CIDR as CIDR, anything else (a range or a
// single address, which Okta stores as "a-a") as RANGE.
func zoneAddresses(values []string) []okta.NetworkZoneAddress {
	if len(values) == 0 {
		return nil
	}
	out := make([]okta.NetworkZoneAddress, 0, len(values))
	for _, v := range values {
		typ := "RANGE"
		if strings.Contains(v, "/") {
			typ = "CIDR"
		}
		out = append(out, okta.NetworkZoneAddress{Type: okta.PtrString(typ), Value: okta.PtrString(v)})
	}
	return out
}

// zoneLocations encodes "US" as {country:US} and "AF-BGL" as {country:AF, region:AF-BGL}.
func zoneLocations(codes []string) []okta.NetworkZoneLocation {
	if len(codes) == 0 {
		return nil
	}
	out := make([]okta.NetworkZoneLocation, 0, len(codes))
	for _, code := range codes {
		country, _, hasRegion := strings.Cut(code, "-")
		l := okta.NetworkZoneLocation{Country: okta.PtrString(country)}
		if hasRegion {
			l.Region = okta.PtrString(code)
		}
		out = append(out, l)
	}
	return out
}

// zoneBody builds the typed request body of z. put adds what the system zones demand on a
// replace: useAsExemptList for DefaultExemptIpZone, system:true for BlockedIpZone.
func zoneBody(z itp.Zone, put bool) (okta.ListNetworkZones200ResponseInner, error) {
	base := okta.NetworkZone{
		Name:   z.Name,
		Type:   z.Type,
		Status: okta.PtrString(z.Status),
		Usage:  okta.PtrString(z.Usage),
	}
	switch z.Type {
	case itp.ZoneIP:
		if put && z.Name == itp.ZoneBlockedIP {
			base.System = okta.PtrBool(true)
		}
		ip := &okta.IPNetworkZone{NetworkZone: base, Gateways: zoneAddresses(z.Gateways), Proxies: zoneAddresses(z.Proxies)}
		if put && (z.SetUsageAsExemptList || z.Name == itp.ZoneExemptIP) {
			ip.UseAsExemptList = okta.PtrBool(true)
		}
		return okta.IPNetworkZoneAsListNetworkZones200ResponseInner(ip), nil
	case itp.ZoneDynamic:
		d := &okta.DynamicNetworkZone{
			NetworkZone: base,
			// proxyType is always sent, "" when unset, as the API echoes it.
			ProxyType: okta.PtrString(z.DynamicProxyType),
			Locations: zoneLocations(z.DynamicLocations),
			Asns:      z.ASNs,
		}
		return okta.DynamicNetworkZoneAsListNetworkZones200ResponseInner(d), nil
	case itp.ZoneDynamicV2:
		e := &okta.EnhancedDynamicNetworkZone{NetworkZone: base}
		if len(z.DynamicLocations)+len(z.DynamicLocationsExclude) > 0 {
			e.Locations = &okta.EnhancedDynamicNetworkZoneAllOfLocations{Include: zoneLocations(z.DynamicLocations), Exclude: zoneLocations(z.DynamicLocationsExclude)}
		}
		if len(z.IPServiceCategoriesInclude)+len(z.IPServiceCategoriesExclude) > 0 {
			e.IpServiceCategories = &okta.EnhancedDynamicNetworkZoneAllOfIpServiceCategories{Include: z.IPServiceCategoriesInclude, Exclude: z.IPServiceCategoriesExclude}
		}
		if len(z.ASNs) > 0 {
			e.Asns = &okta.EnhancedDynamicNetworkZoneAllOfAsns{Include: z.ASNs}
		}
		return okta.EnhancedDynamicNetworkZoneAsListNetworkZones200ResponseInner(e), nil
	}
	return okta.ListNetworkZones200ResponseInner{}, fmt.Errorf("unknown zone type %q (want IP, DYNAMIC or DYNAMIC_V2)", z.Type)
}

func (c *Client) zoneFrom(r result, what string) (itp.Zone, error) {
	var w wireZone
	if err := decodeOne(r, what, &w); err != nil {
		return itp.Zone{}, err
	}
	z, err := w.zone()
	if err != nil {
		return z, fmt.Errorf("%s: %w", r.endpoint, err)
	}
	c.names.addZone(z.Meta.ID, z.Name)
	return z, nil
}

// CreateZone creates z and brings it to its status: POST ignores status (the zone comes
// back ACTIVE), so an INACTIVE zone is deactivated next. System zones are never created.
// The POST is sent once: a failure that may have reached Okta is not retried.
func (c *Client) CreateZone(ctx context.Context, z itp.Zone) (itp.Zone, error) {
	z.Normalize()
	op := fmt.Sprintf("create zone %q", z.Name)
	if itp.IsSystemZoneName(z.Name) {
		return itp.Zone{}, fmt.Errorf("%s: %s is a system zone; it exists in every org and can only be updated", op, z.Name)
	}
	body, err := zoneBody(z, false)
	if err != nil {
		return itp.Zone{}, fmt.Errorf("%s: %w", op, err)
	}
	api, err := c.api(true)
	if err != nil {
		return itp.Zone{}, err
	}
	r, err := c.call(ctx, func(ctx context.Context) (*okta.APIResponse, error) {
		_, resp, err := api.NetworkZoneAPI.CreateNetworkZone(ctx).Zone(body).Execute()
		return resp, err
	})
	if err != nil {
		return itp.Zone{}, fmt.Errorf("%s: %w", op, err)
	}
	got, err := c.zoneFrom(r, "created zone")
	if err != nil {
		return itp.Zone{}, fmt.Errorf("%s: %w", op, err)
	}
	if got.Status == z.Status {
		return got, nil
	}
	final, err := c.zoneLifecycle(ctx, got.Meta.ID, z.Status)
	if err != nil {
		return itp.Zone{}, fmt.Errorf("%s: created (id %s) but it is %s, not %s: %w", op, got.Meta.ID, got.Status, z.Status, err)
	}
	return final, nil
}

// UpdateZone replaces zone id with z. PUT honours status; a lifecycle call follows only
// when the answer's status differs. DefaultEnhancedDynamicZone refuses status changes by
// PUT, so its status is set through the lifecycle endpoint before the PUT.
func (c *Client) UpdateZone(ctx context.Context, id string, z itp.Zone) (itp.Zone, error) {
	z.Normalize()
	op := fmt.Sprintf("update zone %q", z.Name)
	if id == "" {
		return itp.Zone{}, fmt.Errorf("%s: no zone id", op)
	}
	body, err := zoneBody(z, true)
	if err != nil {
		return itp.Zone{}, fmt.Errorf("%s: %w", op, err)
	}
	if z.Name == itp.ZoneEnhancedDynamic {
		if _, err := c.zoneLifecycle(ctx, id, z.Status); err != nil {
			return itp.Zone{}, fmt.Errorf("%s: %w", op, err)
		}
	}
	api, err := c.api(true)
	if err != nil {
		return itp.Zone{}, err
	}
	r, err := c.call(ctx, func(ctx context.Context) (*okta.APIResponse, error) {
		_, resp, err := api.NetworkZoneAPI.ReplaceNetworkZone(ctx, id).Zone(body).Execute()
		return resp, err
	})
	if err != nil {
		return itp.Zone{}, fmt.Errorf("%s: %w", op, err)
	}
	got, err := c.zoneFrom(r, "replaced zone")
	if err != nil {
		return itp.Zone{}, fmt.Errorf("%s: %w", op, err)
	}
	if got.Status != z.Status {
		if got, err = c.zoneLifecycle(ctx, id, z.Status); err != nil {
			return itp.Zone{}, fmt.Errorf("%s: %w", op, err)
		}
	}
	return got, nil
}

// DeleteZone deactivates z (Okta refuses to delete an active zone) and deletes it. System
// zones are refused.
func (c *Client) DeleteZone(ctx context.Context, z itp.Zone) error {
	op := fmt.Sprintf("delete zone %q", z.Name)
	if z.Meta.System || itp.IsSystemZoneName(z.Name) {
		return fmt.Errorf("%s: system zones cannot be deleted", op)
	}
	id := z.Meta.ID
	if id == "" {
		ids, err := c.zoneIDs(ctx, []string{z.Name})
		if err != nil {
			return fmt.Errorf("%s: %w", op, err)
		}
		id = ids[0]
	}
	if !strings.EqualFold(z.Status, itp.StatusInactive) {
		if _, err := c.zoneLifecycle(ctx, id, itp.StatusInactive); err != nil {
			return fmt.Errorf("%s: %w", op, err)
		}
	}
	api, err := c.api(true)
	if err != nil {
		return err
	}
	if _, err := c.call(ctx, func(ctx context.Context) (*okta.APIResponse, error) {
		return api.NetworkZoneAPI.DeleteNetworkZone(ctx, id).Execute()
	}); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	c.names.dropZone(id)
	return nil
}

// zoneLifecycle activates or deactivates zone id and returns the zone as it now is.
func (c *Client) zoneLifecycle(ctx context.Context, id, status string) (itp.Zone, error) {
	api, err := c.api(true)
	if err != nil {
		return itp.Zone{}, err
	}
	r, err := c.call(ctx, func(ctx context.Context) (*okta.APIResponse, error) {
		if status == itp.StatusInactive {
			_, resp, err := api.NetworkZoneAPI.DeactivateNetworkZone(ctx, id).Execute()
			return resp, err
		}
		_, resp, err := api.NetworkZoneAPI.ActivateNetworkZone(ctx, id).Execute()
		return resp, err
	})
	if err != nil {
		return itp.Zone{}, err
	}
	return c.zoneFrom(r, "zone")
}
