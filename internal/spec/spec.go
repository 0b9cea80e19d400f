// Package spec loads, validates and lints the ITP YAML definitions (the format of
// docs/definitions.md) and turns them into the desired itp.Config of one environment.
//
// Every value is read from a yaml.Node so that each diagnostic carries its file, line and
// column, and every problem is collected: a run reports all errors at once. Variables
// (${var.NAME}) are substituted when an environment's configuration is built, so the
// definitions are checked once per environment and a problem found only in some
// environments says which.
package spec

import (
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/itpsync/itpsync/internal/diag"
	"github.com/itpsync/itpsync/internal/itp"
)

// Values of options.unmanaged.
const (
	UnmanagedReport = "report"
	UnmanagedDelete = "delete"
	UnmanagedIgnore = "ignore"
)

// Definitions is the parsed content of a definitions directory.
type Definitions struct {
	// Sources holds each file's text by the name used in positions, for source excerpts.
	Sources diag.Sources
	// Options are the definitions' options, defaults filled in.
	Options Options
	// Environments by name; empty when there is no environments section.
	Environments map[string]Environment
	// FileCount is how many files were read.
	FileCount int

	files     []source
	base      diag.List // diagnostics that do not depend on an environment
	positions map[string]diag.Pos
}

// Options is the `options` section.
type Options struct {
	// Unmanaged is "report" (default), "delete" or "ignore".
	Unmanaged string
}

// Environment is one entry of the `environments` section.
type Environment struct {
	Name string
	// OrgURL, when set, is the only org a run for this environment may touch.
	OrgURL string
	Vars   map[string]string
}

// envNames returns the environment names sorted.
func (d *Definitions) envNames() []string {
	out := make([]string, 0, len(d.Environments))
	for n := range d.Environments {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// environment returns the selected environment's variables, or an error naming the valid
// environments.
func (d *Definitions) environment(env string) (map[string]string, error) {
	if len(d.Environments) == 0 {
		if env == "" {
			return nil, nil
		}
		return nil, fmt.Errorf("unknown environment %q: the definitions have no environments section", env)
	}
	if env == "" {
		return nil, fmt.Errorf("an environment is required; valid environments are %s", quoteList(d.envNames()))
	}
	e, ok := d.Environments[env]
	if !ok {
		return nil, fmt.Errorf("unknown environment %q; valid environments are %s", env, quoteList(d.envNames()))
	}
	return e.Vars, nil
}

// Resolve returns the desired configuration for environment env ("" when the definitions
// have no environments section; an unknown or missing-but-required name is an error that
// lists the valid names): ${var.X} substituted, zone keys in network_includes/excludes
// replaced by that zone's name (other strings are kept: names of org zones such as
// LegacyIpZone, or raw zone IDs), the itp.Config normalised. Invalid definitions are an
// error holding the diagnostics.
func (d *Definitions) Resolve(env string) (*itp.Config, error) {
	if errs := d.base.Errors(); len(errs) > 0 {
		errs.Sort()
		return nil, fmt.Errorf("invalid definitions: %w", errs)
	}
	vars, err := d.environment(env)
	if err != nil {
		return nil, err
	}
	cfg, diags := d.build(vars, len(d.Environments) == 0, nil)
	if errs := diags.Errors(); len(errs) > 0 {
		errs.Sort()
		if env == "" {
			return nil, fmt.Errorf("invalid definitions: %w", errs)
		}
		return nil, fmt.Errorf("invalid definitions for environment %q: %w", env, errs)
	}
	cfg.Normalize()
	return cfg, nil
}

// buildAll builds the configuration of every environment (or the one unnamed environment)
// and merges the diagnostics: one found in every environment is reported once, one found
// in some only names them, and variable errors always name their environment.
func (d *Definitions) buildAll() diag.List {
	if len(d.Environments) == 0 {
		_, diags := d.build(nil, true, d.positions)
		return diags
	}
	type seen struct {
		d    diag.Diagnostic
		envs []string
	}
	var order []string
	byKey := map[string]*seen{}
	names := d.envNames()
	for i, name := range names {
		pos := d.positions
		if i > 0 {
			pos = nil // positions do not depend on the environment
		}
		_, diags := d.build(d.Environments[name].Vars, false, pos)
		for _, dg := range diags {
			k := fmt.Sprintf("%s|%s|%s|%s|%d", dg.Pos, dg.Severity, dg.Kind, dg.Message, dg.Len)
			s, ok := byKey[k]
			if !ok {
				s = &seen{d: dg}
				byKey[k] = s
				order = append(order, k)
			}
			if !contains(s.envs, name) {
				s.envs = append(s.envs, name)
			}
		}
	}
	out := make(diag.List, 0, len(order))
	for _, k := range order {
		s := byKey[k]
		dg := s.d
		switch {
		case dg.Kind == kindVar:
			dg.Message += " " + envSuffix(s.envs)
		case len(s.envs) < len(names):
			dg.Message += " (" + envSuffix(s.envs) + ")"
		}
		out = append(out, dg)
	}
	return out
}

func envSuffix(envs []string) string {
	if len(envs) == 1 {
		return fmt.Sprintf("in environment %q", envs[0])
	}
	q := make([]string, len(envs))
	for i, e := range envs {
		q[i] = fmt.Sprintf("%q", e)
	}
	return "in environments " + strings.Join(q, ", ")
}

// Pos returns the position of an object by address ("network_zones.corporate_vpn",
// "post_auth_session_policy_rule", "user_risks.compromised_user"), or of one of its fields
// ("network_zones.corporate_vpn.gateways", "environments.staging.org_url"); the zero Pos
// when unknown.
func (d *Definitions) Pos(address string) diag.Pos {
	return d.positions[address]
}

// CheckOrgURL refuses a run against an org other than the environment's org_url: scheme and
// host are compared without case, a trailing slash or path is ignored. An environment
// without org_url accepts any org.
func (d *Definitions) CheckOrgURL(env, orgURL string) error {
	if _, err := d.environment(env); err != nil {
		return err
	}
	want := d.Environments[env].OrgURL
	if want == "" {
		return nil
	}
	a, errA := orgOrigin(want)
	b, errB := orgOrigin(orgURL)
	if errA != nil {
		return fmt.Errorf("check org: environment %q: %w", env, errA)
	}
	if errB != nil {
		return fmt.Errorf("check org: %w", errB)
	}
	if a != b {
		return fmt.Errorf("refusing to run: org %q is not environment %q's org_url %q", orgURL, env, want)
	}
	return nil
}

func orgOrigin(s string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || u.Scheme == "" || u.Host == "" {
		return "", fmt.Errorf("org URL %q is not an absolute URL", s)
	}
	scheme, host := strings.ToLower(u.Scheme), strings.ToLower(u.Host)
	// The default port is the same org: https://acme.okta.com:443 is https://acme.okta.com.
	if p := u.Port(); (scheme == "https" && p == "443") || (scheme == "http" && p == "80") {
		host = strings.ToLower(u.Hostname())
		if strings.Contains(host, ":") {
			host = "[" + host + "]"
		}
	}
	return scheme + "://" + host, nil
}
