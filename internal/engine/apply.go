package engine

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/itpsync/itpsync/internal/itp"
	"github.com/itpsync/itpsync/internal/plan"
)

// ApplyOptions tune Apply.
type ApplyOptions struct {
	// Logf receives progress lines (one per change, and the note when a changed plan is
	// applied); may be nil.
	Logf func(format string, args ...any)
	// Progress, when set, is called before each change (Outcome nil) and after it (with its
	// outcome), for a live display that the final report does not repeat.
	Progress func(Progress)
	// AllowPlanChange applies the fresh plan when it differs from the reviewed one, instead
	// of refusing with a *StaleError.
	AllowPlanChange bool
	// Check, when set, is called with the fresh plan after the reviewed-plan check and
	// before the first write; an error stops the apply with nothing written. It lets a
	// caller that holds only a fingerprint of the reviewed plan (the GitHub Action) compare
	// it with the plan about to be applied without reading the org a second time.
	Check func(fresh *plan.Plan) error
}

// Progress is one step of an apply: change Index (from 1) of Total, and its Outcome once
// it is known.
type Progress struct {
	Index, Total int
	Change       plan.Change
	Outcome      *plan.Outcome
}

func (o ApplyOptions) logf(format string, args ...any) {
	if o.Logf != nil {
		o.Logf(format, args...)
	}
}

// VerifyError says that the changes were applied (see the Result) but the org could not be
// read again to check that it converged.
type VerifyError struct{ Err error }

func (e *VerifyError) Error() string {
	return fmt.Sprintf("applied, but could not read the org again to check it converged: %v", e.Err)
}

func (e *VerifyError) Unwrap() error { return e.Err }

// Apply makes the org match the definitions.
//
// A reviewed plan (a plan a person approved, possibly read from a file) is first checked
// with plan.Validate: a corrupted or hand-edited plan is refused before any API call. Apply
// then reads the org and computes a fresh plan. When reviewed is non-nil, every change of
// reviewed must be in the fresh plan unchanged — same action, same fields, and the object
// in the org still what reviewed saw as Before: its whole content (a field outside the
// change counts too, since an update replaces the whole object), its ID and its
// lastUpdated — and the fresh plan must have no other change; if not, Apply returns a
// *StaleError naming the objects and why, and writes nothing (with AllowPlanChange, it
// applies the fresh plan and says so through Logf). Without reviewed, the fresh plan is
// applied: it was computed from the read made just before the first write.
//
// Changes run in plan order. A failed change records Okta's error; every change that
// depends on it, directly or not, is skipped with the reason, and independent changes
// carry on. On cancellation the remaining changes are skipped as "cancelled". Afterwards
// the org is read again (unless there was nothing to write): any change still planned is
// reported as not converged. Result.Calls counts the API calls the whole apply made.
//
// The error is non-nil only when apply could not start (invalid or stale plan, read
// failure), or as a *VerifyError together with the Result when the final read failed.
func Apply(ctx context.Context, org Org, d *Definitions, reviewed *plan.Plan, opts ApplyOptions) (*plan.Result, error) {
	start := org.Stats().Calls
	if reviewed != nil {
		if err := reviewed.Validate(); err != nil {
			return nil, fmt.Errorf("check the reviewed plan: %w", err)
		}
		if reviewed.Mode != plan.ModePlan {
			return nil, fmt.Errorf("the reviewed plan is a %s report, not a plan", reviewed.Mode)
		}
		if d != nil && reviewed.Environment != d.Environment {
			return nil, fmt.Errorf("the plan was made for environment %q, not %q", reviewed.Environment, d.Environment)
		}
	}
	fresh, _, err := compute(ctx, org, d, plan.ModePlan)
	if err != nil {
		return nil, err
	}
	if err := fresh.Validate(); err != nil {
		// Compute never makes such a plan; refuse rather than write from one.
		return nil, fmt.Errorf("check the fresh plan: %w", err)
	}
	if reviewed != nil {
		if serr := staleError(reviewed, fresh); serr != nil {
			if !opts.AllowPlanChange {
				return nil, serr
			}
			opts.logf("%v; applying the fresh plan instead, as allowed", serr)
		}
	}
	if opts.Check != nil {
		if err := opts.Check(fresh); err != nil {
			return nil, err
		}
	}
	res := &plan.Result{Plan: fresh, Outcomes: make([]plan.Outcome, 0, len(fresh.Changes))}
	if len(fresh.Changes) == 0 {
		// Nothing written: the read just made is the convergence check.
		res.Calls = org.Stats().Calls - start
		return res, nil
	}
	run(ctx, org, fresh.Changes, res, opts)

	after, _, err := compute(context.WithoutCancel(ctx), org, d, plan.ModePlan)
	res.Calls = org.Stats().Calls - start
	if err != nil {
		return res, &VerifyError{Err: err}
	}
	res.NotConverged = after.Changes
	return res, nil
}

// StaleAddresses lists, sorted, the objects whose change differs between the reviewed
// plan and a fresh one: in one and not the other, or with another action, other fields,
// or another Before (the object changed in the org: content, ID or lastUpdated). Unmanaged
// objects that are only reported do not count: apply does not touch them.
func StaleAddresses(reviewed, fresh *plan.Plan) []string {
	if e := staleError(reviewed, fresh); e != nil {
		return e.Addresses
	}
	return nil
}

// staleError compares the changes of a reviewed plan with a fresh one, object by object,
// and says for each that differs why; nil when they are the same.
func staleError(reviewed, fresh *plan.Plan) *StaleError {
	strip := func(p *plan.Plan) *plan.Plan {
		if p == nil {
			return nil
		}
		return &plan.Plan{Changes: p.Changes}
	}
	why := map[string]string{}
	for _, addr := range plan.Diff(strip(reviewed), strip(fresh)) {
		why[addr] = staleReason(findChange(reviewed, addr), findChange(fresh, addr))
	}
	// Content equal, but the object was replaced or touched since: an update is a full
	// replacement, so a write could undo an edit itpsync does not model.
	if reviewed != nil {
		for _, r := range reviewed.Changes {
			f := findChange(fresh, r.Address)
			if _, ok := why[r.Address]; ok || f == nil {
				continue
			}
			rm, fm := metaOf(r.Before), metaOf(f.Before)
			switch {
			case rm.ID != "" && fm.ID != "" && rm.ID != fm.ID:
				why[r.Address] = fmt.Sprintf("replaced in the org: id %s, the plan saw %s", fm.ID, rm.ID)
			case rm.LastUpdated != "" && fm.LastUpdated != "" && rm.LastUpdated != fm.LastUpdated:
				why[r.Address] = fmt.Sprintf("modified in the org at %s, after the plan's read (%s)", fm.LastUpdated, rm.LastUpdated)
			}
		}
	}
	if len(why) == 0 {
		return nil
	}
	e := &StaleError{Reasons: why}
	for addr := range why {
		e.Addresses = append(e.Addresses, addr)
	}
	sort.Strings(e.Addresses)
	return e
}

// staleReason says why one object's change differs between the reviewed and fresh plans.
func staleReason(r, f *plan.Change) string {
	switch {
	case f == nil:
		return "the plan changes it, but nothing needs changing now"
	case r == nil:
		return fmt.Sprintf("now needs a %s the plan does not have", f.Action)
	case r.Action != f.Action:
		return fmt.Sprintf("now needs a %s, the plan has a %s", f.Action, r.Action)
	case (r.Before == nil) != (f.Before == nil):
		return "created or deleted in the org since the plan"
	}
	if diffs := plan.ObjectDiff(r.Before, f.Before); len(diffs) > 0 {
		paths := make([]string, len(diffs))
		for i, d := range diffs {
			paths[i] = d.Path
		}
		return "changed in the org since the plan: " + strings.Join(paths, ", ")
	}
	return "the definitions changed since the plan"
}

func findChange(p *plan.Plan, addr string) *plan.Change {
	if p == nil {
		return nil
	}
	for i := range p.Changes {
		if p.Changes[i].Address == addr {
			return &p.Changes[i]
		}
	}
	return nil
}

// metaOf returns the org metadata of an itp object (empty for anything else).
func metaOf(v any) itp.Meta {
	switch o := v.(type) {
	case *itp.Zone:
		return o.Meta
	case *itp.EntityRiskRule:
		return o.Meta
	case *itp.PostAuthRule:
		return o.Meta
	case *itp.SessionViolationRule:
		return o.Meta
	case *itp.Provider:
		return o.Meta
	case *itp.UserRisk:
		return o.Meta
	}
	return itp.Meta{}
}

// run executes the changes in order and appends one outcome per change to res.
func run(ctx context.Context, org Org, changes []plan.Change, res *plan.Result, opts ApplyOptions) {
	// blocked maps the address of a change that did not apply to the reason its
	// dependants are skipped.
	blocked := map[string]string{}
	for i, c := range changes {
		step := Progress{Index: i + 1, Total: len(changes), Change: c}
		if opts.Progress != nil {
			opts.Progress(step)
		}
		o := runOne(ctx, org, c, blocked, opts)
		res.Outcomes = append(res.Outcomes, o)
		if opts.Progress != nil {
			step.Outcome = &o
			opts.Progress(step)
		}
	}
}

// runOne applies one change, unless cancelled or blocked by a dependency, and records in
// blocked why its dependants must be skipped when it did not apply.
func runOne(ctx context.Context, org Org, c plan.Change, blocked map[string]string, opts ApplyOptions) plan.Outcome {
	o := plan.Outcome{Address: c.Address, Action: c.Action}
	if ctx.Err() != nil {
		o.Status, o.Reason = plan.Skipped, "cancelled"
		blocked[c.Address] = fmt.Sprintf("depends on %s, which was cancelled", c.Address)
		opts.logf("%s: skipped (cancelled)", c.Address)
		return o
	}
	if why, ok := blockedBy(c, blocked); ok {
		o.Status, o.Reason = plan.Skipped, why
		blocked[c.Address] = fmt.Sprintf("depends on %s, which was skipped (%s)", c.Address, why)
		opts.logf("%s: skipped: %s", c.Address, why)
		return o
	}
	if err := execute(ctx, org, c); err != nil {
		o.Status, o.Error = plan.Failed, err.Error()
		if ctx.Err() != nil {
			o.Error = fmt.Sprintf("cancelled while in flight, the org may or may not have the change: %v", err)
		}
		blocked[c.Address] = fmt.Sprintf("depends on %s, which failed", c.Address)
		opts.logf("%s: %s failed: %s", c.Address, c.Action, o.Error)
		return o
	}
	o.Status = plan.Applied
	opts.logf("%s: %s applied", c.Address, c.Action)
	return o
}

// blockedBy returns the reason to skip c when one of its dependencies did not apply.
func blockedBy(c plan.Change, blocked map[string]string) (string, bool) {
	for _, dep := range c.DependsOn {
		if why, ok := blocked[dep]; ok {
			return why, true
		}
	}
	return "", false
}

// execute makes the API calls of one change.
func execute(ctx context.Context, org Org, c plan.Change) error {
	var err error
	switch c.Kind {
	case itp.KindZone:
		err = executeZone(ctx, org, c)
	case itp.KindEntityRiskRule:
		err = executeEntityRiskRule(ctx, org, c)
	case itp.KindPostAuthRule:
		var r *itp.PostAuthRule
		if r, err = object[itp.PostAuthRule](c, c.After); err == nil && c.Action == plan.Update {
			_, err = org.UpdatePostAuthRule(ctx, *r)
		} else if err == nil {
			err = fmt.Errorf("%s: the post-auth session rule can only be updated", c.Action)
		}
	case itp.KindSessionViolation:
		var r *itp.SessionViolationRule
		if r, err = object[itp.SessionViolationRule](c, c.After); err == nil && c.Action == plan.Update {
			_, err = org.UpdateSessionViolationRule(ctx, *r)
		} else if err == nil {
			err = fmt.Errorf("%s: the session violation rule can only be updated", c.Action)
		}
	case itp.KindProvider:
		err = executeProvider(ctx, org, c)
	case itp.KindUserRisk:
		err = executeUserRisk(ctx, org, c)
	default:
		err = fmt.Errorf("unknown kind %q", c.Kind)
	}
	return err
}

func executeZone(ctx context.Context, org Org, c plan.Change) error {
	switch c.Action {
	case plan.Create:
		z, err := object[itp.Zone](c, c.After)
		if err != nil {
			return err
		}
		_, err = org.CreateZone(ctx, *z)
		return err
	case plan.Update:
		z, err := object[itp.Zone](c, c.After)
		if err != nil {
			return err
		}
		_, err = org.UpdateZone(ctx, changeID(c, z.Meta), *z)
		return err
	case plan.Delete:
		z, err := object[itp.Zone](c, c.Before)
		if err != nil {
			return err
		}
		return org.DeleteZone(ctx, *z)
	}
	return fmt.Errorf("unknown action %q", c.Action)
}

func executeEntityRiskRule(ctx context.Context, org Org, c plan.Change) error {
	switch c.Action {
	case plan.Create:
		r, err := object[itp.EntityRiskRule](c, c.After)
		if err != nil {
			return err
		}
		_, err = org.CreateEntityRiskRule(ctx, *r)
		return err
	case plan.Update:
		r, err := object[itp.EntityRiskRule](c, c.After)
		if err != nil {
			return err
		}
		_, err = org.UpdateEntityRiskRule(ctx, changeID(c, r.Meta), *r)
		return err
	case plan.Delete:
		r, err := object[itp.EntityRiskRule](c, c.Before)
		if err != nil {
			return err
		}
		return org.DeleteEntityRiskRule(ctx, *r)
	}
	return fmt.Errorf("unknown action %q", c.Action)
}

func executeProvider(ctx context.Context, org Org, c plan.Change) error {
	switch c.Action {
	case plan.Create:
		p, err := object[itp.Provider](c, c.After)
		if err != nil {
			return err
		}
		_, err = org.CreateProvider(ctx, *p)
		return err
	case plan.Update:
		p, err := object[itp.Provider](c, c.After)
		if err != nil {
			return err
		}
		_, err = org.UpdateProvider(ctx, changeID(c, p.Meta), *p)
		return err
	case plan.Delete:
		p, err := object[itp.Provider](c, c.Before)
		if err != nil {
			return err
		}
		return org.DeleteProvider(ctx, *p)
	}
	return fmt.Errorf("unknown action %q", c.Action)
}

// executeUserRisk raises a user's risk to the declared level. The plan only holds raises;
// a change that would lower the risk is refused here too, because lowering is an
// incident-response decision made with the audited user-risk command.
func executeUserRisk(ctx context.Context, org Org, c plan.Change) error {
	u, err := object[itp.UserRisk](c, c.After)
	if err != nil {
		return err
	}
	if c.Action != plan.Update {
		return fmt.Errorf("%s: user risk can only be set", c.Action)
	}
	b, err := object[itp.UserRisk](c, c.Before)
	if err != nil {
		return fmt.Errorf("no level read from the org to compare with: %w", err)
	}
	if itp.RiskRank(u.RiskLevel) < itp.RiskRank(b.RiskLevel) {
		return fmt.Errorf("refusing to lower the risk of user %q from %s to %s: use the user-risk command", u.User, b.RiskLevel, u.RiskLevel)
	}
	// Okta's risk engine moves levels by itself: read the level again just before the PUT,
	// so that a user it rated HIGH meanwhile is never set back to LOW.
	cur, err := org.GetUserRisk(ctx, u.User)
	if err != nil {
		return err
	}
	if now := orNone(cur.RiskLevel); now != orNone(b.RiskLevel) {
		if itp.RiskRank(u.RiskLevel) < itp.RiskRank(now) {
			return fmt.Errorf("refusing to lower the risk of user %q: the org now rates it %s (the plan saw %s); nothing written", u.User, now, orNone(b.RiskLevel))
		}
		return fmt.Errorf("the risk of user %q changed in the org since the plan (now %s, the plan saw %s); nothing written: run plan again", u.User, now, orNone(b.RiskLevel))
	}
	_, _, err = org.SetUserRisk(ctx, u.User, u.RiskLevel)
	return err
}

func orNone(level string) string {
	if level = strings.ToUpper(strings.TrimSpace(level)); level == "" {
		return itp.RiskNone
	}
	return level
}

// object returns v as *T, or an error naming the change when the plan holds something
// else (a hand-edited plan file).
func object[T any](c plan.Change, v any) (*T, error) {
	switch o := v.(type) {
	case *T:
		if o != nil {
			return o, nil
		}
	case T:
		return &o, nil
	}
	var zero T
	return nil, fmt.Errorf("%s: the plan holds %T where a %T is expected", c.Address, v, zero)
}

// changeID is the Okta ID to update: the object's own, else the change's.
func changeID(c plan.Change, m itp.Meta) string {
	if m.ID != "" {
		return m.ID
	}
	if c.ID != "" {
		return c.ID
	}
	switch b := c.Before.(type) {
	case *itp.Zone:
		return b.Meta.ID
	case *itp.EntityRiskRule:
		return b.Meta.ID
	case *itp.Provider:
		return b.Meta.ID
	}
	return ""
}
