package spec

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/itpsync/itpsync/internal/diag"
	"gopkg.in/yaml.v3"
)

// reader walks yaml.Node trees of one file at a time and collects diagnostics. Every value
// is read through it so that each diagnostic keeps the file, line and column of the value.
type reader struct {
	diags diag.List
	file  string
	// vars are the selected environment's variables; noEnv is true when the definitions
	// have no environments section, so that any ${var.X} is an error.
	vars  map[string]string
	noEnv bool
	// pos records positions by address (see Definitions.Pos).
	pos map[string]diag.Pos
}

// at returns the position of n in the current file; yaml.v3 counts from 1, but a node it
// made up (an empty document) may have zeros, which diagnostics must never carry.
func (r *reader) at(n *yaml.Node) diag.Pos {
	return diag.Pos{File: r.file, Line: max(n.Line, 1), Col: max(n.Column, 1)}
}

func (r *reader) errorf(n *yaml.Node, kind, format string, args ...any) {
	r.diags.Errorf(r.at(n), kind, format, args...)
	r.diags[len(r.diags)-1].Len = valueLen(n)
}

func (r *reader) warnf(n *yaml.Node, kind, format string, args ...any) {
	r.diags.Warnf(r.at(n), kind, format, args...)
	r.diags[len(r.diags)-1].Len = valueLen(n)
}

// record remembers the position of n under address.
func (r *reader) record(address string, n *yaml.Node) {
	if r.pos != nil {
		if _, ok := r.pos[address]; !ok {
			r.pos[address] = r.at(n)
		}
	}
}

// valueLen is how many columns the underline of n covers: the scalar as written on its
// line, or one column for anything else.
func valueLen(n *yaml.Node) int {
	if n.Kind != yaml.ScalarNode || strings.ContainsAny(n.Value, "\r\n") {
		return 1
	}
	l := utf8.RuneCountInString(n.Value)
	switch n.Style {
	case yaml.DoubleQuotedStyle, yaml.SingleQuotedStyle:
		l += 2
	case yaml.LiteralStyle, yaml.FoldedStyle:
		return 1
	}
	return max(l, 1)
}

// deref follows an alias to the node it names. Cycles cannot occur in a yaml.v3 tree, but
// the depth is bounded anyway because bad input must never hang the loader.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; i < 100 && n != nil && n.Kind == yaml.AliasNode && n.Alias != nil; i++ {
		n = n.Alias
	}
	return n
}

// describe says what a node is, for "expected X, found Y" messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a sequence"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			return "null"
		case "!!bool":
			return fmt.Sprintf("boolean %s", n.Value)
		case "!!int", "!!float":
			return fmt.Sprintf("number %s", n.Value)
		}
		return fmt.Sprintf("string %q", n.Value)
	case yaml.AliasNode:
		return "an alias"
	}
	return "nothing"
}

// field is one key: value entry of a mapping.
type field struct {
	key, val *yaml.Node
	// merged is true for an entry that came from a merge key; an explicit key replaces it.
	merged bool
}

// mapping checks that n is a mapping whose keys are all in valid and appear once, and
// returns its entries by key. what names the object in messages ("network zone").
func (r *reader) mapping(n *yaml.Node, what string, valid []string) (map[string]field, bool) {
	n = deref(n)
	if n.Kind != yaml.MappingNode {
		r.errorf(n, "type", "expected a mapping for %s, found %s", what, describe(n))
		return nil, false
	}
	out := make(map[string]field, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := deref(n.Content[i]), n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			r.errorf(k, "type", "expected a string key in %s, found %s", what, describe(k))
			continue
		}
		if k.ShortTag() == "!!merge" {
			r.merge(out, v, what, valid)
			continue
		}
		if valid != nil && !contains(valid, k.Value) {
			r.unknownKey(k, what, valid)
			continue
		}
		if prev, dup := out[k.Value]; dup && !prev.merged {
			r.errorf(k, "duplicate", "key %q is already defined at %s", k.Value, r.at(prev.key))
			continue
		}
		out[k.Value] = field{key: k, val: v}
	}
	return out, true
}

// merge adds the entries of a YAML merge key (`<<: *defaults`) that the mapping does not
// set itself: an explicit key wins whether it comes before or after the merge key.
func (r *reader) merge(out map[string]field, v *yaml.Node, what string, valid []string) {
	v = deref(v)
	sources := []*yaml.Node{v}
	if v.Kind == yaml.SequenceNode {
		sources = v.Content
	}
	for _, src := range sources {
		src = deref(src)
		if src.Kind != yaml.MappingNode {
			r.errorf(src, "type", "expected a mapping to merge into %s, found %s", what, describe(src))
			continue
		}
		for i := 0; i+1 < len(src.Content); i += 2 {
			k := deref(src.Content[i])
			if k.Kind != yaml.ScalarNode || k.ShortTag() == "!!merge" {
				continue // nested merges are not followed: one level is what people write
			}
			if valid != nil && !contains(valid, k.Value) {
				r.unknownKey(k, what, valid)
				continue
			}
			if _, set := out[k.Value]; !set {
				out[k.Value] = field{key: k, val: src.Content[i+1], merged: true}
			}
		}
	}
}

func (r *reader) unknownKey(k *yaml.Node, what string, valid []string) {
	if s := suggest(k.Value, valid); s != "" {
		r.errorf(k, "key", "unknown key %q in %s; did you mean %q?", k.Value, what, s)
		return
	}
	r.errorf(k, "key", "unknown key %q in %s; valid keys are %s", k.Value, what, quoteList(valid))
}

// entries returns the key: value pairs of a map section (key → object) in file order.
func (r *reader) entries(n *yaml.Node, what string) []field {
	n = deref(n)
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return nil // an empty section is allowed: it declares nothing
	}
	if n.Kind != yaml.MappingNode {
		r.errorf(n, "type", "expected a mapping of %s, found %s", what, describe(n))
		return nil
	}
	var out []field
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := deref(n.Content[i])
		if k.Kind != yaml.ScalarNode || k.ShortTag() == "!!null" || k.Value == "" {
			r.errorf(k, "type", "expected a non-empty string key in %s, found %s", what, describe(k))
			continue
		}
		out = append(out, field{key: k, val: n.Content[i+1]})
	}
	return out
}

// str reads a string value; other scalars such as numbers and dates are taken as written
// (asns: [2232]), but null and booleans are refused: `name: true` is more likely a slip
// than a name. ${var.X} is substituted. ok is false when the value is not a string or a
// variable is missing.
func (r *reader) str(n *yaml.Node, name string) (string, bool) {
	n = deref(n)
	if n.Kind != yaml.ScalarNode || n.ShortTag() == "!!null" || n.ShortTag() == "!!bool" {
		r.errorf(n, "type", "expected a string for %s, found %s", name, describe(n))
		return "", false
	}
	return r.subst(n)
}

// boolean reads true or false; YAML 1.1 spellings such as yes/no are refused because
// yaml.v3 reads them as strings and a silent misreading would flip a security setting.
func (r *reader) boolean(n *yaml.Node, name string) (bool, bool) {
	n = deref(n)
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!bool" {
		v, err := strconv.ParseBool(n.Value)
		if err == nil {
			return v, true
		}
	}
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!str" && strings.Contains(n.Value, "${") {
		s, ok := r.subst(n)
		if !ok {
			return false, false
		}
		switch s {
		case "true":
			return true, true
		case "false":
			return false, true
		}
		r.errorf(n, "type", "expected true or false for %s, found %q after substitution", name, s)
		return false, false
	}
	r.errorf(n, "type", "expected true or false for %s, found %s", name, describe(n))
	return false, false
}

// integer reads a whole number.
func (r *reader) integer(n *yaml.Node, name string) (int, bool) {
	n = deref(n)
	if n.Kind == yaml.ScalarNode && (n.ShortTag() == "!!int" || (n.ShortTag() == "!!str" && strings.Contains(n.Value, "${"))) {
		s, ok := r.subst(n)
		if !ok {
			return 0, false
		}
		v, err := strconv.Atoi(s)
		if err == nil {
			return v, true
		}
		r.errorf(n, "type", "expected a whole number for %s, found %q", name, s)
		return 0, false
	}
	r.errorf(n, "type", "expected a whole number for %s, found %s", name, describe(n))
	return 0, false
}

// item is one string element of a list, with its node for positions.
type item struct {
	val  string
	node *yaml.Node
}

// list reads a sequence of strings (flow or block); a scalar is not taken as a one-element
// list, so that `gateways: 10.0.0.0/8, 10.1.0.0/16` is caught rather than misread.
func (r *reader) list(n *yaml.Node, name string) ([]item, bool) {
	n = deref(n)
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return nil, true
	}
	if n.Kind != yaml.SequenceNode {
		r.errorf(n, "type", "expected a sequence for %s, found %s", name, describe(n))
		return nil, false
	}
	out := make([]item, 0, len(n.Content))
	ok := true
	for _, c := range n.Content {
		c = deref(c)
		s, good := r.str(c, "an element of "+name)
		if !good {
			ok = false
			continue
		}
		out = append(out, item{val: s, node: c})
	}
	return out, ok
}

func values(items []item) []string {
	if len(items) == 0 {
		return nil
	}
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.val
	}
	return out
}

// enum checks that v is one of valid (compared without case, since normalisation upper-cases
// these fields) and reports the sorted valid values otherwise.
func (r *reader) enum(n *yaml.Node, name, what, v string, valid []string) bool {
	for _, x := range valid {
		if strings.EqualFold(x, v) {
			return true
		}
	}
	r.errorf(n, "enum", "invalid %s %q for %s; valid values are %s", name, v, what, quoteList(valid))
	return false
}

// maxLen reports a value longer than the API accepts.
func (r *reader) maxLen(n *yaml.Node, name, what, v string, limit int) {
	if l := utf8.RuneCountInString(v); l > limit {
		r.errorf(n, "length", "%s is %d characters long; %s %ss are limited to %d", name, l, what, name, limit)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// quoteList returns the values sorted and quoted: `"A", "B"`.
func quoteList(values []string) string {
	s := append([]string(nil), values...)
	sort.Strings(s)
	q := make([]string, len(s))
	for i, v := range s {
		q[i] = strconv.Quote(v)
	}
	return strings.Join(q, ", ")
}

// suggest returns the valid key nearest to s by edit distance when it is close enough to be
// a typo, or "".
func suggest(s string, valid []string) string {
	best, bestD := "", 0
	limit := max(1, min(3, len(s)/3))
	for _, v := range valid {
		d := editDistance(strings.ToLower(s), strings.ToLower(v))
		if d <= limit && (best == "" || d < bestD) {
			best, bestD = v, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b (bytes: keys are ASCII).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
