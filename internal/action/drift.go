package action

import (
	"context"
	"fmt"
	"strings"

	"github.com/itpsync/itpsync/internal/engine"
	"github.com/itpsync/itpsync/internal/notify"
	"github.com/itpsync/itpsync/internal/plan"
	"github.com/itpsync/itpsync/internal/render"
)

// drift is the scheduled check: compare the org with the definitions and keep the
// environment's one drift issue in step (opened, updated on a new drift, closed when the
// org matches again, untouched while nothing changes).
func (x *run) drift(ctx context.Context) int {
	l, code := x.loadValid("no drift check was made")
	if l == nil {
		return code
	}
	gc, err := x.github()
	if err != nil {
		return x.fail(err)
	}
	org, err := x.connect(l.defs.CheckOrg)
	if err != nil {
		return x.fail(err)
	}
	p, err := engine.Plan(ctx, org, l.defs, plan.ModeDrift)
	org.maskToken()
	if err != nil {
		return x.fail(fmt.Errorf("drift check: %w", err))
	}
	x.attribute(ctx, org, p)
	if tooLarge, err := x.out.setPlan(p); err != nil {
		return x.fail(err)
	} else if tooLarge {
		x.warnf("the drift report is too large for the plan_json output; it is left empty")
	}
	drifted := p.HasChanges()
	result := ResultInSync
	if drifted {
		result = ResultDrifted
	}
	x.out.set("result", result)
	x.logText("Drift report", func(b *strings.Builder) error { return render.Drift(b, render.Text, p, render.Options{}) })

	// The issue body holds no run link or time: the digest decides whether it changes.
	// The way to resolve it goes under the footer marker, so a cut body keeps it.
	foot := x.footer("", "", "")
	issueFoot := notify.FooterMarker + "\n" + driftResolve + "\n\n" + strings.TrimPrefix(foot, notify.FooterMarker+"\n")
	body := x.markdown("drift report", driftMD(p), render.Options{DetailsURL: x.gh.RunURL(), Footer: issueFoot})
	res, err := gc.SyncDriftIssue(ctx, notify.DriftReport{
		Environment: x.in.Environment,
		Drifted:     drifted,
		Body:        x.scrub.clean(body),
		Digest:      digest(p),
		RunURL:      x.gh.RunURL(),
		Summary:     x.scrub.clean(driftSummary(p)),
	})
	if err != nil {
		return x.fail(err)
	}
	if res.URL != "" {
		x.out.set("issue_url", res.URL)
	}
	x.logf("drift issue: %s %s", res.Action, res.URL)
	issueLine := ""
	if res.URL != "" {
		issueLine = fmt.Sprintf("Drift issue [#%d](%s): %s.\n\n", res.Number, res.URL, res.Action)
	}
	x.summary(issueLine + x.markdown("drift report", driftMD(p), render.Options{MaxBytes: summaryBudget, Footer: foot}))
	if drifted && x.in.FailOnDrift {
		x.errorf("the org has drifted from the definitions (%s) and fail_on_drift is true", p.Summary())
		return ExitFailed
	}
	return ExitOK
}

// attribute names who last changed each drifted object, from the System Log: one extra
// Okta call, and only when the org drifted. It is a courtesy to the reader, so it never
// fails the run: without okta.logs.read the report says so once, other errors are a
// warning. The attribution does not enter the digest, so it alone never rewrites the issue.
func (x *run) attribute(ctx context.Context, org *oktaOrg, p *plan.Plan) {
	if !p.HasChanges() {
		return
	}
	err := engine.Attribute(ctx, org, p, engine.DefaultAttributionWindow)
	org.maskToken() // with OAuth the System Log is read with a token of its own
	if err != nil {
		x.warnf("the drift report names no one: %v", err)
	}
}

// driftResolve tells the reader of a drift issue what to do about it.
const driftResolve = "**To resolve:** change the org back to match the definitions on the default branch, or adopt " +
	"the change with a pull request that updates the definitions. The next drift check closes this issue when the " +
	"org matches them."

// driftSummary says in one line what drifted, naming the first few objects, for the
// comments on the drift issue.
func driftSummary(p *plan.Plan) string {
	c := p.Counts
	var parts []string
	for _, n := range []struct {
		n    int
		what string
	}{{c.Add, "missing from the org"}, {c.Change, "different"}, {c.Delete + c.Unmanaged, "not in the definitions"}} {
		if n.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n.n, n.what))
		}
	}
	var addrs []string
	for _, ch := range p.Changes {
		addrs = append(addrs, "`"+mdCode(ch.Address)+"`")
	}
	for _, u := range p.Unmanaged {
		addrs = append(addrs, "`"+mdCode(u.Address)+"`")
	}
	const shown = 5
	if len(addrs) > shown {
		addrs = append(addrs[:shown], fmt.Sprintf("and %d more", len(addrs)-shown))
	}
	s := strings.Join(parts, ", ")
	if len(addrs) > 0 {
		s += " (" + strings.Join(addrs, ", ") + ")"
	}
	return s
}
