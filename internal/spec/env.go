package spec

import (
	"net/netip"
	"net/url"
	"strconv"
	"strings"

	"github.com/itpsync/itpsync/internal/diag"
	"gopkg.in/yaml.v3"
)

var (
	envKeys     = []string{"org_url", "vars"}
	optionKeys  = []string{"unmanaged"}
	unmanagedOK = []string{UnmanagedReport, UnmanagedDelete, UnmanagedIgnore}
)

// environments reads the environments section of one file into d.
func (r *reader) environments(d *Definitions, n *yaml.Node, top *topState) {
	for _, e := range r.entries(n, "environments") {
		name := e.key.Value
		if prev, dup := top.envs[name]; dup {
			r.errorf(e.key, "duplicate", "environment %q is already defined at %s", name, prev)
			continue
		}
		top.envs[name] = r.at(e.key)
		address := sectionEnvironments + "." + name
		r.record(address, e.key)
		env := Environment{Name: name, Vars: map[string]string{}}
		fields, ok := r.mapping(e.val, "environment", envKeys)
		if ok {
			if f, ok := fields["org_url"]; ok {
				r.record(address+".org_url", f.val)
				if s, ok := r.literal(f.val, "org_url"); ok {
					env.OrgURL = s
					r.checkOrgURL(f.val, s)
				}
			}
			if f, ok := fields["vars"]; ok {
				r.envVars(f.val, env.Vars)
			}
		}
		d.Environments[name] = env
	}
}

// literal reads a string that is never substituted (environment values themselves).
func (r *reader) literal(n *yaml.Node, name string) (string, bool) {
	n = deref(n)
	if n.Kind != yaml.ScalarNode || n.ShortTag() == "!!null" || n.ShortTag() == "!!binary" {
		r.errorf(n, "type", "expected a string for %s, found %s", name, describe(n))
		return "", false
	}
	return n.Value, true
}

func (r *reader) envVars(n *yaml.Node, vars map[string]string) {
	for _, v := range r.entries(n, "vars") {
		if !varNameExpr.MatchString(v.key.Value) {
			r.errorf(v.key, kindVar, "invalid variable name %q; use letters, digits, _ and -, starting with a letter or _", v.key.Value)
			continue
		}
		if s, ok := r.literal(v.val, "variable "+strconv.Quote(v.key.Value)); ok {
			vars[v.key.Value] = s
		}
	}
}

// checkOrgURL accepts https URLs, and http only for loopback hosts (a local emulator). The
// value is echoed with any password in it redacted: diagnostics reach PR annotations.
func (r *reader) checkOrgURL(n *yaml.Node, s string) {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		r.errorf(n, "url", "org_url %q must be an https URL such as \"https://acme.okta.com\"", redactURL(s, u))
		return
	}
	if u.User != nil || strings.Trim(u.Path, "/") != "" || u.RawQuery != "" || u.Fragment != "" {
		r.errorf(n, "url", "org_url %q must be only a scheme and host, such as \"https://%s\"", redactURL(s, u), u.Host)
		return
	}
	if u.Scheme == "http" && !isLoopbackHost(u.Hostname()) {
		r.errorf(n, "url", "org_url %q must be an https URL; http is allowed only for loopback addresses (127.0.0.0/8, ::1, localhost)", s)
	}
}

// redactURL is s for a message, its password replaced when it has one.
func redactURL(s string, u *url.URL) string {
	if u != nil && u.User != nil {
		return u.Redacted()
	}
	if i := strings.Index(s, "@"); i >= 0 {
		// Unparsable, with what may be credentials before the host: keep the host only.
		return "…" + s[i:]
	}
	return s
}

func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.Zone() == "" && a.Unmap().IsLoopback()
}

// options reads the options section.
func (r *reader) options(d *Definitions, key, n *yaml.Node) {
	r.record(sectionOptions, key)
	fields, ok := r.mapping(n, "options", optionKeys)
	if !ok {
		return
	}
	if f, ok := fields["unmanaged"]; ok {
		r.record(sectionOptions+".unmanaged", f.val)
		if s, ok := r.literal(f.val, "unmanaged"); ok {
			if !contains(unmanagedOK, s) {
				r.errorf(f.val, "enum", "invalid unmanaged %q for options; valid values are %s", s, quoteList(unmanagedOK))
				return
			}
			d.Options.Unmanaged = s
		}
	}
}

// posOf is a small convenience for cross-file references in messages.
func posOf(file string, n *yaml.Node) diag.Pos {
	return diag.Pos{File: file, Line: max(n.Line, 1), Col: max(n.Column, 1)}
}
