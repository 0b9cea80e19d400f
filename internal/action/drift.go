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
	l, err := x.load()
	if err != nil {
		return x.fail(err)
	}
	if l.invalid != nil {
		x.out.set("result", ResultInvalid)
		x.summary(x.invalidMarkdown(l))
		x.errorf("the definitions are invalid: no drift check was made")
		return ExitFailed
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
	body := x.markdown("drift report", driftMD(p), render.Options{DetailsURL: x.gh.RunURL()})
	res, err := gc.SyncDriftIssue(ctx, notify.DriftReport{
		Environment: x.in.Environment,
		Drifted:     drifted,
		Body:        x.scrub.clean(body),
		Digest:      digest(p),
		RunURL:      x.gh.RunURL(),
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
	x.summary(issueLine + x.markdown("drift report", driftMD(p), render.Options{MaxBytes: summaryBudget}))
	if drifted && x.in.FailOnDrift {
		x.errorf("the org has drifted from the definitions (%s) and fail_on_drift is true", p.Summary())
		return ExitFailed
	}
	return ExitOK
}
