package spec

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// refPattern finds ${...} references; only ${var.NAME} is supported.
var (
	refPattern  = regexp.MustCompile(`\$\{([^}]*)\}`)
	varNameExpr = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`)
)

// kindVar is the diagnostic kind of variable errors; Load names the environments they
// occur in.
const kindVar = "var"

// kindRef is the kind of a malformed reference, which no environment can fix.
const kindRef = "reference"

// subst returns the scalar's value with every ${var.NAME} replaced by the selected
// environment's value. Each bad reference is reported at its own column.
func (r *reader) subst(n *yaml.Node) (string, bool) {
	s := n.Value
	if !strings.Contains(s, "${") {
		return s, true
	}
	var b strings.Builder
	ok, last := true, 0
	for _, m := range refPattern.FindAllStringSubmatchIndex(s, -1) {
		b.WriteString(s[last:m[0]])
		last = m[1]
		ref, inner := s[m[0]:m[1]], s[m[2]:m[3]]
		name, isVar := strings.CutPrefix(inner, "var.")
		switch {
		case !isVar || !varNameExpr.MatchString(name):
			r.refError(n, m[0], ref, kindRef, "unsupported reference %q; write ${var.NAME}", ref)
			ok = false
		case r.noEnv:
			r.refError(n, m[0], ref, kindVar, "variable %q is used but there is no environments section to define it", name)
			ok = false
		default:
			v, found := r.vars[name]
			if !found {
				r.refError(n, m[0], ref, kindVar, "undefined variable %q", name)
				ok = false
			}
			b.WriteString(v)
		}
	}
	b.WriteString(s[last:])
	return b.String(), ok
}

// refError reports a problem with the reference at byte offset off of n's value. The column
// is exact for single-line plain and quoted scalars (escapes aside); other styles point at
// the value.
func (r *reader) refError(n *yaml.Node, off int, ref, kind, format string, args ...any) {
	p := r.at(n)
	if !strings.ContainsAny(n.Value[:off], "\n") {
		switch n.Style {
		case 0, yaml.TaggedStyle:
			p.Col += utf8.RuneCountInString(n.Value[:off])
		case yaml.DoubleQuotedStyle, yaml.SingleQuotedStyle:
			p.Col += 1 + utf8.RuneCountInString(n.Value[:off])
		}
	}
	r.diags.Errorf(p, kind, format, args...)
	r.diags[len(r.diags)-1].Len = utf8.RuneCountInString(ref)
}
