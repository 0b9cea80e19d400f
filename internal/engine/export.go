package engine

// Export writes the org's ITP configuration as definitions. User risk is NOT exported: the
// org has no list of user risks (only a per-user GET), and most of the levels in an org are
// set by Okta's own risk engine, not by an administrator; writing them into definitions
// would make apply raise them back forever. Declare the users you mean to manage by hand.

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/itpsync/itpsync/internal/itp"
	"github.com/itpsync/itpsync/internal/spec"
	"github.com/itpsync/itpsync/internal/tenant"
)

// ExportOptions tune Export.
type ExportOptions struct {
	// Force overwrites files that already exist in the output directory.
	Force bool
}

// optionsFile is the options.yaml that Export writes.
const optionsFile = `# Written by itpsync export. User risk is not exported: the org's user risk levels are
# mostly set by Okta's risk engine; declare under user_risks only the users you manage.
options:
  unmanaged: report
`

// exportKinds are the kinds Export writes, one file each.
var exportKinds = []string{itp.KindZone, itp.KindEntityRiskRule, itp.KindPostAuthRule, itp.KindSessionViolation, itp.KindProvider}

// Export reads the org (every object, no users) and writes one definitions file per kind
// into outDir (network_zones.yaml, entity_risk_policy_rules.yaml, ...) plus options.yaml,
// and returns the paths written. System zones are included only where they differ from
// their defaults; the two pre-provisioned rules always are. Existing files are refused,
// all before anything is written, unless opts.Force. The output validates and plans clean
// against the org it came from.
func Export(ctx context.Context, org Org, outDir string, opts ...ExportOptions) ([]string, error) {
	var o ExportOptions
	if len(opts) > 0 {
		o = opts[0]
	}
	cfg, err := org.Read(ctx, tenant.ReadOptions{})
	if err != nil {
		return nil, fmt.Errorf("read the org: %w", err)
	}
	cfg = exportable(cfg)
	files := map[string][]byte{}
	for _, kind := range exportKinds {
		data, err := spec.EncodeKind(kind, cfg)
		if err != nil {
			return nil, fmt.Errorf("export %s: %w", kind, err)
		}
		if len(data) > 0 {
			files[kind+".yaml"] = data
		}
	}
	files["options.yaml"] = []byte(optionsFile)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)

	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return nil, fmt.Errorf("create the output folder: %w", err)
	}
	if !o.Force {
		var exist []string
		for _, n := range names {
			p := filepath.Join(outDir, n)
			if _, err := os.Lstat(p); err == nil {
				exist = append(exist, p)
			} else if !errors.Is(err, os.ErrNotExist) {
				return nil, fmt.Errorf("check for existing files: %w", err)
			}
		}
		if len(exist) > 0 {
			return nil, fmt.Errorf("refusing to overwrite %s: use --force to replace them", quoteJoin(exist))
		}
	}
	written := make([]string, 0, len(names))
	for _, n := range names {
		p := filepath.Join(outDir, n)
		if err := os.WriteFile(p, files[n], 0o644); err != nil {
			return written, fmt.Errorf("write %s: %w", n, err)
		}
		written = append(written, p)
	}
	return written, nil
}

// exportable returns the part of cfg that belongs in definitions: IDs and timestamps
// dropped, system zones only when they differ from the defaults every org starts with,
// and no user risks.
func exportable(cfg *itp.Config) *itp.Config {
	out := &itp.Config{}
	for _, z := range cfg.Zones {
		z.Meta = itp.Meta{}
		if isDefaultSystemZone(z) {
			continue
		}
		out.Zones = append(out.Zones, z)
	}
	for _, r := range cfg.EntityRiskRules {
		r.Meta = itp.Meta{}
		out.EntityRiskRules = append(out.EntityRiskRules, r)
	}
	if r := cfg.PostAuthRule; r != nil {
		c := *r
		c.Meta = itp.Meta{}
		out.PostAuthRule = &c
	}
	if r := cfg.SessionViolationRule; r != nil {
		c := *r
		c.Meta = itp.Meta{}
		out.SessionViolationRule = &c
	}
	for _, p := range cfg.Providers {
		p.Meta = itp.Meta{}
		out.Providers = append(out.Providers, p)
	}
	out.Normalize()
	return out
}

// systemZoneDefaults are the system zones as a new org has them.
var systemZoneDefaults = map[string]itp.Zone{
	itp.ZoneLegacyIP:        {Name: itp.ZoneLegacyIP, Type: itp.ZoneIP, Usage: itp.UsagePolicy, Status: itp.StatusActive},
	itp.ZoneBlockedIP:       {Name: itp.ZoneBlockedIP, Type: itp.ZoneIP, Usage: itp.UsageBlocklist, Status: itp.StatusActive},
	itp.ZoneEnhancedDynamic: {Name: itp.ZoneEnhancedDynamic, Type: itp.ZoneDynamicV2, Usage: itp.UsageBlocklist, Status: itp.StatusActive, IPServiceCategoriesInclude: []string{"ALL_ANONYMIZERS"}},
	itp.ZoneExemptIP:        {Name: itp.ZoneExemptIP, Type: itp.ZoneIP, Usage: itp.UsagePolicy, Status: itp.StatusActive},
}

// isDefaultSystemZone reports whether z is a system zone left as every org has it.
func isDefaultSystemZone(z itp.Zone) bool {
	def, ok := systemZoneDefaults[z.Name]
	if !ok {
		return false
	}
	z.Key, z.Meta, z.SetUsageAsExemptList = "", itp.Meta{}, false
	z.Normalize()
	def.Normalize()
	return zoneEqual(z, def)
}

func zoneEqual(a, b itp.Zone) bool {
	return a.Name == b.Name && a.Type == b.Type && a.Status == b.Status && a.Usage == b.Usage &&
		slices.Equal(a.Gateways, b.Gateways) && slices.Equal(a.Proxies, b.Proxies) &&
		a.DynamicProxyType == b.DynamicProxyType &&
		slices.Equal(a.DynamicLocations, b.DynamicLocations) &&
		slices.Equal(a.DynamicLocationsExclude, b.DynamicLocationsExclude) &&
		slices.Equal(a.ASNs, b.ASNs) &&
		slices.Equal(a.IPServiceCategoriesInclude, b.IPServiceCategoriesInclude) &&
		slices.Equal(a.IPServiceCategoriesExclude, b.IPServiceCategoriesExclude)
}

func quoteJoin(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}
