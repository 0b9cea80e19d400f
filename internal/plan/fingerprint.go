package plan

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"sort"

	"github.com/itpsync/itpsync/internal/itp"
)

// Strip returns a normalised deep copy of c with every Meta cleared and user risk reasons
// dropped: the org state as the fingerprint and state hash see it. IDs and timestamps do
// not count, and neither does the risk engine's free-text reason.
func Strip(c *itp.Config) *itp.Config {
	out := normalized(c)
	for i := range out.Zones {
		out.Zones[i].Meta = itp.Meta{}
	}
	for i := range out.EntityRiskRules {
		out.EntityRiskRules[i].Meta = itp.Meta{}
	}
	if out.PostAuthRule != nil {
		out.PostAuthRule.Meta = itp.Meta{}
	}
	if out.SessionViolationRule != nil {
		out.SessionViolationRule.Meta = itp.Meta{}
	}
	for i := range out.Providers {
		out.Providers[i].Meta = itp.Meta{}
	}
	for i := range out.UserRisks {
		out.UserRisks[i].Meta = itp.Meta{}
		out.UserRisks[i].Reason = ""
	}
	return out
}

// stripObject returns a copy of one itp object with its Meta cleared (and a user risk's
// reason dropped).
func stripObject(v any) any {
	switch o := v.(type) {
	case *itp.Zone:
		c := *o
		c.Meta = itp.Meta{}
		return &c
	case *itp.EntityRiskRule:
		c := *o
		c.Meta = itp.Meta{}
		return &c
	case *itp.PostAuthRule:
		c := *o
		c.Meta = itp.Meta{}
		return &c
	case *itp.SessionViolationRule:
		c := *o
		c.Meta = itp.Meta{}
		return &c
	case *itp.Provider:
		c := *o
		c.Meta = itp.Meta{}
		return &c
	case *itp.UserRisk:
		c := *o
		c.Meta = itp.Meta{}
		c.Reason = ""
		return &c
	}
	return v
}

// canonicalChange is a change as the fingerprint sees it: no IDs, no Meta, no System Log
// attribution (who changed the org is not what the org is).
func canonicalChange(c Change) Change {
	c.ID = ""
	c.Attribution = nil
	c.Before = stripObject(c.Before)
	c.After = stripObject(c.After)
	return c
}

type canonicalUnmanaged struct {
	Address string `json:"address"`
	Kind    string `json:"kind"`
	Name    string `json:"name"`
}

func hash(v any) (string, error) {
	// encoding/json writes struct fields in declaration order and map keys sorted, so the
	// encoding of these plain values is canonical.
	data, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(data)
	return "sha256:" + hex.EncodeToString(sum[:]), nil
}

// seal sets the plan's StateHash and Fingerprint; actual is the normalised org state the
// plan was computed from.
func (p *Plan) seal(actual *itp.Config) error {
	state := Strip(actual)
	var err error
	if p.StateHash, err = hash(state); err != nil {
		return err
	}
	changes := make([]Change, len(p.Changes))
	for i, c := range p.Changes {
		changes[i] = canonicalChange(c)
	}
	unmanaged := make([]canonicalUnmanaged, len(p.Unmanaged))
	for i, u := range p.Unmanaged {
		unmanaged[i] = canonicalUnmanaged{u.Address, u.Kind, u.Name}
	}
	p.Fingerprint, err = hash(struct {
		Changes   []Change             `json:"changes"`
		Unmanaged []canonicalUnmanaged `json:"unmanaged"`
		State     *itp.Config          `json:"state"`
	}{changes, unmanaged, state})
	return err
}

// Diff lists, sorted, the addresses whose changes (or unmanaged entries) differ between
// two plans: what changed since a plan was reviewed. IDs and Meta do not count. A nil plan
// is an empty one.
func Diff(a, b *Plan) []string {
	ma, mb := planEntries(a), planEntries(b)
	var out []string
	for addr, ea := range ma {
		if eb, ok := mb[addr]; !ok || !bytes.Equal(ea, eb) {
			out = append(out, addr)
		}
	}
	for addr := range mb {
		if _, ok := ma[addr]; !ok {
			out = append(out, addr)
		}
	}
	sort.Strings(out)
	return out
}

// planEntries maps each address of p to the canonical encoding of its entry.
func planEntries(p *Plan) map[string][]byte {
	m := map[string][]byte{}
	if p == nil {
		return m
	}
	for _, c := range p.Changes {
		data, err := json.Marshal(canonicalChange(c))
		if err != nil {
			data = []byte(err.Error())
		}
		m[c.Address] = data
	}
	for _, u := range p.Unmanaged {
		data, _ := json.Marshal(canonicalUnmanaged{u.Address, u.Kind, u.Name})
		m[u.Address] = append([]byte("unmanaged:"), data...)
	}
	return m
}
