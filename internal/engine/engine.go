// Package engine ties the pieces of one itpsync run together for one org: it loads and
// resolves the definitions (spec), reads the org (tenant), computes the plan (plan), applies
// it change by change with a stale-plan check before any write and a convergence check
// after, exports an org as definitions and changes one user's risk. The CLI, the GitHub
// Action and the demo all go through it, so they behave the same.
package engine

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/itpsync/itpsync/internal/diag"
	"github.com/itpsync/itpsync/internal/itp"
	"github.com/itpsync/itpsync/internal/plan"
	"github.com/itpsync/itpsync/internal/spec"
	"github.com/itpsync/itpsync/internal/tenant"
)

// Org is what the engine needs of an Okta org. *tenant.Client satisfies it; tests use
// fakes or wrappers that inject failures.
type Org interface {
	Read(ctx context.Context, opts tenant.ReadOptions) (*itp.Config, error)

	CreateZone(ctx context.Context, z itp.Zone) (itp.Zone, error)
	UpdateZone(ctx context.Context, id string, z itp.Zone) (itp.Zone, error)
	DeleteZone(ctx context.Context, z itp.Zone) error

	CreateEntityRiskRule(ctx context.Context, r itp.EntityRiskRule) (itp.EntityRiskRule, error)
	UpdateEntityRiskRule(ctx context.Context, id string, r itp.EntityRiskRule) (itp.EntityRiskRule, error)
	DeleteEntityRiskRule(ctx context.Context, r itp.EntityRiskRule) error

	// The two pre-provisioned rules are found by their policy: no ID is needed.
	UpdatePostAuthRule(ctx context.Context, r itp.PostAuthRule) (itp.PostAuthRule, error)
	UpdateSessionViolationRule(ctx context.Context, r itp.SessionViolationRule) (itp.SessionViolationRule, error)

	CreateProvider(ctx context.Context, p itp.Provider) (itp.Provider, error)
	UpdateProvider(ctx context.Context, id string, p itp.Provider) (itp.Provider, error)
	DeleteProvider(ctx context.Context, p itp.Provider) error

	GetUserRisk(ctx context.Context, user string) (itp.UserRisk, error)
	// SetUserRisk returns the user's risk before and after the PUT.
	SetUserRisk(ctx context.Context, user, level string) (before, after itp.UserRisk, err error)

	Stats() tenant.Stats
}

var _ Org = (*tenant.Client)(nil)

// Definitions are the loaded definitions resolved for one environment.
type Definitions struct {
	// Spec is the parsed definitions (sources for diagnostics, options, environments).
	Spec *spec.Definitions
	// Desired is the normalised configuration of Environment.
	Desired     *itp.Config
	Environment string
	// Diags holds the warnings (lint findings) of the definitions; never errors.
	Diags diag.List
}

// InvalidError is returned by Load when the definitions have errors; Diags holds every
// diagnostic (errors and warnings), sorted, for printing with their source lines.
type InvalidError struct {
	Diags diag.List
	// Sources are the definitions' files, for the source excerpt of each diagnostic.
	Sources diag.Sources
	// Err is the underlying error when the problem is not a diagnostic (an unknown
	// environment); nil otherwise.
	Err error
}

func (e *InvalidError) Error() string {
	if e.Err != nil {
		return e.Err.Error()
	}
	n := len(e.Diags.Errors())
	return fmt.Sprintf("invalid definitions: %d errors: %s", n, e.Diags.Error())
}

func (e *InvalidError) Unwrap() error { return e.Err }

// Load reads the definitions in dir and resolves them for environment ("" when the
// definitions have no environments section). Invalid definitions are an *InvalidError; an
// I/O problem (dir missing, no YAML file) is a plain error.
func Load(dir, environment string) (*Definitions, error) {
	sd, diags, err := spec.Load(dir)
	if err != nil {
		return nil, err
	}
	diags.Sort()
	if diags.HasErrors() {
		return nil, &InvalidError{Diags: diags, Sources: sd.Sources}
	}
	desired, err := sd.Resolve(environment)
	if err != nil {
		var l diag.List
		if errors.As(err, &l) {
			return nil, &InvalidError{Diags: l, Sources: sd.Sources, Err: err}
		}
		return nil, &InvalidError{Sources: sd.Sources, Err: err}
	}
	return &Definitions{Spec: sd, Desired: desired, Environment: environment, Diags: diags}, nil
}

// CheckOrg refuses orgURL when the environment names another org. Call it before any API
// call: staging credentials must never apply production definitions, or the reverse.
func (d *Definitions) CheckOrg(orgURL string) error {
	return d.Spec.CheckOrgURL(d.Environment, orgURL)
}

// Unmanaged returns the definitions' options.unmanaged (report when unset).
func (d *Definitions) Unmanaged() string {
	if d.Spec == nil || d.Spec.Options.Unmanaged == "" {
		return plan.UnmanagedReport
	}
	return d.Spec.Options.Unmanaged
}

// readOptions lists what Read must look up beyond the kinds' lists: the users whose risk
// the definitions declare, the groups and zones the rules name.
func (d *Definitions) readOptions() tenant.ReadOptions {
	var o tenant.ReadOptions
	c := d.Desired
	if c == nil {
		return o
	}
	for _, u := range c.UserRisks {
		o.Users = append(o.Users, u.User)
	}
	for _, r := range c.EntityRiskRules {
		o.Groups = append(append(o.Groups, r.GroupsIncluded...), r.GroupsExcluded...)
	}
	if r := c.PostAuthRule; r != nil {
		o.Groups = append(append(o.Groups, r.GroupsIncluded...), r.GroupsExcluded...)
	}
	if r := c.SessionViolationRule; r != nil {
		o.ZoneRefs = append(append(o.ZoneRefs, r.NetworkIncludes...), r.NetworkExcludes...)
	}
	o.Users, o.Groups, o.ZoneRefs = uniq(o.Users), uniq(o.Groups), uniq(o.ZoneRefs)
	return o
}

func uniq(in []string) []string {
	if len(in) == 0 {
		return nil
	}
	out := append([]string(nil), in...)
	sort.Strings(out)
	n := 0
	for i, s := range out {
		if i == 0 || s != out[n-1] {
			out[n] = s
			n++
		}
	}
	return out[:n]
}

// Plan reads the org and computes the plan (mode plan.ModePlan) or drift report
// (plan.ModeDrift) of the definitions against it.
func Plan(ctx context.Context, org Org, d *Definitions, mode string) (*plan.Plan, error) {
	p, _, err := compute(ctx, org, d, mode)
	return p, err
}

// compute reads the org and computes a plan; it also returns what it read.
func compute(ctx context.Context, org Org, d *Definitions, mode string) (*plan.Plan, *itp.Config, error) {
	if d == nil || d.Desired == nil {
		return nil, nil, errors.New("compute plan: no definitions")
	}
	actual, err := org.Read(ctx, d.readOptions())
	if err != nil {
		return nil, nil, err
	}
	p, err := plan.Compute(d.Desired, actual, plan.Options{
		Unmanaged:   d.Unmanaged(),
		Environment: d.Environment,
		Mode:        mode,
		Encode:      spec.EncodeObject,
	})
	if err != nil {
		return nil, nil, err
	}
	return p, actual, nil
}

// StaleError says that the org (or the definitions) changed since the reviewed plan was
// made; nothing was written.
type StaleError struct {
	// Addresses are the objects whose change differs, sorted.
	Addresses []string
	// Reasons says, by address, what differs ("changed in the org since the plan: status").
	Reasons map[string]string
}

func (e *StaleError) Error() string {
	parts := make([]string, len(e.Addresses))
	for i, a := range e.Addresses {
		parts[i] = a
		if r := e.Reasons[a]; r != "" {
			parts[i] += " (" + r + ")"
		}
	}
	return fmt.Sprintf("the org changed since the plan was made: %s; run plan again", strings.Join(parts, ", "))
}
