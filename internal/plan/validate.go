package plan

import (
	"errors"
	"fmt"

	"github.com/itpsync/itpsync/internal/itp"
)

// Validate checks that p is a plan Compute could have made: the format version, a known
// mode, and for every change an address given once, a known kind, an action that kind
// allows (the pre-provisioned rules and user risks are only updated), the objects the
// action needs (After to write, Before to compare and delete) of the kind's type, no user
// risk lowered in a plan, dependencies that come first, and counts that match. A saved
// plan is read from a file someone may have edited or truncated: apply calls Validate
// before anything else, so such a file is refused with every problem named and nothing
// written.
func (p *Plan) Validate() error {
	if p == nil {
		return errors.New("invalid plan: no plan")
	}
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if p.FormatVersion != FormatVersion {
		bad("format_version is %d, want %d: make the plan again with this itpsync", p.FormatVersion, FormatVersion)
	}
	if p.Mode != ModePlan && p.Mode != ModeDrift {
		bad("mode is %q, want %q or %q", p.Mode, ModePlan, ModeDrift)
	}
	seen := map[string]bool{}
	for i, c := range p.Changes {
		where := fmt.Sprintf("change %d (%s)", i+1, c.Address)
		if c.Address == "" {
			where = fmt.Sprintf("change %d", i+1)
			bad("%s: no address", where)
		} else if seen[c.Address] {
			bad("%s: the address appears twice", where)
		}
		for _, dep := range c.DependsOn {
			if !seen[dep] {
				bad("%s: depends on %q, which is not an earlier change of the plan", where, dep)
			}
		}
		seen[c.Address] = true
		if err := c.validate(p.Mode); err != nil {
			bad("%s: %w", where, err)
		}
	}
	if len(errs) == 0 && p.Counts != count(p) {
		bad("counts %+v do not match the changes (%+v)", p.Counts, count(p))
	}
	if len(errs) > 0 {
		return fmt.Errorf("invalid plan: %w", errors.Join(errs...))
	}
	return nil
}

// validate checks one change's kind, action and objects.
func (c *Change) validate(mode string) error {
	if !isKind(c.Kind) {
		return fmt.Errorf("unknown kind %q", c.Kind)
	}
	switch c.Action {
	case Create, Delete:
		if c.Kind == itp.KindPostAuthRule || c.Kind == itp.KindSessionViolation || c.Kind == itp.KindUserRisk {
			return fmt.Errorf("%s can only be updated, not %sd", c.Kind, c.Action)
		}
		if c.Kind == itp.KindZone && itp.IsSystemZoneName(c.Name) {
			return fmt.Errorf("system zone %q can only be updated, not %sd", c.Name, c.Action)
		}
	case Update:
	default:
		return fmt.Errorf("unknown action %q: want create, update or delete", c.Action)
	}
	if c.Action != Delete {
		if c.After == nil {
			return fmt.Errorf("a %s without the object to write (after)", c.Action)
		}
		if err := checkType(c.Kind, c.After); err != nil {
			return fmt.Errorf("after: %w", err)
		}
	} else if c.After != nil {
		return errors.New("a delete with an object to write (after)")
	}
	if c.Action != Create {
		if c.Before == nil {
			return fmt.Errorf("a %s without the org's object it was planned against (before)", c.Action)
		}
		if err := checkType(c.Kind, c.Before); err != nil {
			return fmt.Errorf("before: %w", err)
		}
	} else if c.Before != nil {
		return errors.New("a create with an org object (before)")
	}
	obj := c.After
	if c.Action == Delete {
		obj = c.Before
	}
	if n, ok := matchName(obj); ok && n != c.Name {
		return fmt.Errorf("the object is named %q, not %q: objects are matched by name", n, c.Name)
	}
	if c.Kind == itp.KindUserRisk && mode == ModePlan {
		b, a := c.Before.(*itp.UserRisk), c.After.(*itp.UserRisk)
		if itp.RiskRank(a.RiskLevel) < itp.RiskRank(b.RiskLevel) {
			return fmt.Errorf("lowers the risk of user %q from %s to %s: apply only raises user risk (use the audited user-risk command)", a.User, b.RiskLevel, a.RiskLevel)
		}
	}
	return nil
}

// matchName is the name an object is matched by, for the kinds matched by name (the two
// pre-provisioned rules are found by their policy and may be renamed).
func matchName(v any) (string, bool) {
	switch o := v.(type) {
	case *itp.Zone:
		return o.Name, true
	case *itp.EntityRiskRule:
		return o.Name, true
	case *itp.Provider:
		return o.Name, true
	case *itp.UserRisk:
		return o.User, true
	}
	return "", false
}

func isKind(kind string) bool {
	for _, k := range itp.Kinds {
		if k == kind {
			return true
		}
	}
	return false
}

// checkType reports an object that is not the non-nil itp pointer type of kind.
func checkType(kind string, v any) error {
	var ok bool
	switch kind {
	case itp.KindZone:
		o, is := v.(*itp.Zone)
		ok = is && o != nil
	case itp.KindEntityRiskRule:
		o, is := v.(*itp.EntityRiskRule)
		ok = is && o != nil
	case itp.KindPostAuthRule:
		o, is := v.(*itp.PostAuthRule)
		ok = is && o != nil
	case itp.KindSessionViolation:
		o, is := v.(*itp.SessionViolationRule)
		ok = is && o != nil
	case itp.KindProvider:
		o, is := v.(*itp.Provider)
		ok = is && o != nil
	case itp.KindUserRisk:
		o, is := v.(*itp.UserRisk)
		ok = is && o != nil
	}
	if !ok {
		return fmt.Errorf("holds %T, not a %s object", v, kind)
	}
	return nil
}
