package action

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/itpsync/itpsync/internal/engine"
	"github.com/itpsync/itpsync/internal/notify"
	"github.com/itpsync/itpsync/internal/plan"
	"github.com/itpsync/itpsync/internal/render"
)

// review is what the push knows of the reviewed plan.
type review struct {
	pr      *notify.PullRequest // nil: no pull request behind the commit
	comment *notify.Comment     // nil: the pull request has no plan comment
}

func (rv review) fingerprint() string {
	if rv.comment == nil {
		return ""
	}
	return rv.comment.Meta[metaFingerprint]
}

// appliedAt reports whether the plan comment records a successful apply of commit sha:
// this run is a re-run of that apply job (or a second workflow applying the same push).
func (rv review) appliedAt(sha string) bool {
	return rv.comment != nil && rv.comment.Meta[metaStatus] == ResultApplied && rv.comment.Meta[metaCommit] == sha
}

// apply is the push to the default branch: apply exactly the plan reviewed on the merged
// pull request, or refuse and say which objects differ.
func (x *run) apply(ctx context.Context) int {
	l, code := x.loadValid("nothing was applied")
	if l == nil {
		return code
	}
	sha := x.gh.SHA
	if x.ev.Push != nil && x.ev.Push.GetAfter() != "" {
		sha = x.ev.Push.GetAfter()
	}
	rv, err := x.findReview(ctx, sha)
	if err != nil {
		return x.fail(err)
	}
	org, err := x.connect(l.defs.CheckOrg)
	if err != nil {
		return x.fail(err)
	}
	// One read of the org serves both the review check and the apply: engine.Apply computes
	// the fresh plan and hands it to decide before its first write, so the plan compared
	// with the reviewed fingerprint is exactly the plan that is written.
	var (
		fresh    *plan.Plan
		stopCode int
	)
	res, err := engine.Apply(ctx, org, l.defs, nil, engine.ApplyOptions{
		Logf: func(format string, args ...any) { x.logf(format, args...) },
		Check: func(p *plan.Plan) error {
			fresh = p
			org.maskToken()
			if code, stop := x.decide(ctx, rv, sha, p); stop {
				stopCode = code
				return errDecided
			}
			return nil
		},
	})
	org.maskToken()
	var verify *engine.VerifyError
	switch {
	case errors.Is(err, errDecided):
		return stopCode
	case err != nil && fresh == nil:
		return x.fail(fmt.Errorf("plan: %w", err))
	case errors.As(err, &verify) && res != nil:
		x.errorf("%v", err)
	case err != nil:
		x.out.set("result", ResultApplyFailed)
		status := fmt.Sprintf("### ❌ itpsync apply%s\n\n%s\n\nThe apply could not start, so nothing was written to the org: %s\n\n",
			x.envHeading(), x.applyContext(rv, sha), mdText(err.Error()))
		x.reportApply(ctx, rv, sha, ResultApplyFailed, status, fresh, ExitFailed)
		return x.fail(fmt.Errorf("apply: %w", err))
	}
	result, code := ResultApplied, ExitOK
	if res.Failed() || verify != nil {
		result, code = ResultApplyFailed, ExitFailed
		x.errorf("the apply failed: %s; fix the cause (see the log), then re-run this job: it applies what is left "+
			"of the reviewed plan and refuses anything else", outcomeCounts(res))
	}
	x.out.set("result", result)
	x.logText("Apply", func(b *strings.Builder) error { return render.Result(b, render.Text, res, render.Options{}) })
	status := x.markdown("apply result", resultMD(res), render.Options{MaxBytes: commentBudget / 2})
	// The context line goes under the renderer's heading.
	if h, rest, ok := strings.Cut(status, "\n\n"); ok && strings.HasPrefix(h, "#") {
		status = h + "\n\n" + x.applyContext(rv, sha) + "\n\n" + rest
	} else {
		status = x.applyContext(rv, sha) + "\n\n" + status
	}
	if result == ResultApplyFailed {
		status = strings.TrimRight(status, "\n") + "\n\n**Next:** fix the cause above, then re-run the apply job: " +
			"it applies what is left of the reviewed plan, and refuses any change that was not reviewed.\n\n"
	}
	return x.reportApply(ctx, rv, sha, result, status, fresh, code)
}

// errDecided stops engine.Apply before its first write when decide has ended the run.
var errDecided = errors.New("the run ended before any write")

// decide looks at the fresh plan before anything is written and reports whether the run
// ends here (with its exit code): a re-run of an apply that succeeded, nothing to apply, or
// a plan that is not the one reviewed on the pull request.
func (x *run) decide(ctx context.Context, rv review, sha string, fresh *plan.Plan) (int, bool) {
	if tooLarge, err := x.out.setPlan(fresh); err != nil {
		return x.fail(err), true
	} else if tooLarge {
		x.warnf("the plan is too large for the plan_json output; it is left empty")
	}
	x.logText("Plan", func(b *strings.Builder) error { return render.Plan(b, render.Text, fresh, render.Options{}) })
	if rv.appliedAt(sha) {
		return x.alreadyApplied(rv, sha, fresh), true
	}
	if len(fresh.Changes) == 0 {
		x.out.set("result", ResultNoChanges)
		status := fmt.Sprintf("### ✅ itpsync apply%s\n\n%s\n\nThe org already matches the definitions: nothing to apply.\n\n",
			x.envHeading(), x.applyContext(rv, sha))
		return x.reportApply(ctx, rv, sha, ResultNoChanges, status, fresh, ExitOK), true
	}
	if why := x.unreviewed(rv, sha, fresh); why != "" {
		switch {
		case x.retriesFailedApply(rv, sha, fresh):
			x.logf("an earlier apply of commit %s failed part-way; every change left is one of the reviewed plan, unchanged: applying them",
				shortSHA(sha))
		case !x.in.AllowPlanChange:
			return x.refuse(ctx, rv, sha, fresh, why, x.reviewDiff(rv, fresh)), true
		default:
			x.warnf("%s; applying the fresh plan because allow_plan_change is true", why)
		}
	}
	return 0, false
}

// outcomeCounts says how many changes applied, failed and were skipped.
func outcomeCounts(res *plan.Result) string {
	n := map[plan.Status]int{}
	for _, o := range res.Outcomes {
		n[o.Status]++
	}
	s := fmt.Sprintf("%d applied, %d failed, %d skipped", n[plan.Applied], n[plan.Failed], n[plan.Skipped])
	if len(res.NotConverged) > 0 {
		s += fmt.Sprintf(", %s still differing after apply", plural(len(res.NotConverged), "object"))
	}
	return s
}

// applyContext is the line that says which commit and pull request an apply report is
// about, and links the run that wrote it.
func (x *run) applyContext(rv review, sha string) string {
	s := fmt.Sprintf("Commit `%s`", shortSHA(sha))
	if rv.pr != nil {
		s += fmt.Sprintf(", merged from pull request #%d", rv.pr.Number)
	} else {
		s += ", pushed without a pull request"
	}
	if u := x.gh.RunURL(); u != "" {
		s += " · [workflow run](" + u + ")"
	}
	return s + "."
}

// alreadyApplied ends a re-run of an apply that succeeded: the comment keeps the record of
// that apply, and nothing is written to the org a second time. When the org matches the
// definitions that is a success; when changes are pending again (the org was changed back
// since), they are not applied again by this commit: a new reviewed plan is needed.
func (x *run) alreadyApplied(rv review, sha string, fresh *plan.Plan) int {
	done := fmt.Sprintf("An earlier run already applied commit `%s` (the plan comment on pull request #%d records it)",
		shortSHA(sha), rv.pr.Number)
	foot := x.footer(fresh.Fingerprint, "commit", sha)
	if len(fresh.Changes) == 0 {
		x.out.set("result", ResultNoChanges)
		x.logf("commit %s was already applied by an earlier run and the org still matches the definitions: nothing to do", shortSHA(sha))
		x.summary(fmt.Sprintf("### ✅ itpsync apply%s\n\n%s, and the org still matches the definitions: nothing to do. "+
			"The pull request's comment is left as it is.\n\n%s\n", x.envHeading(), done, foot))
		return ExitOK
	}
	x.out.set("result", ResultAlreadyApplied)
	x.errorf("apply refused: commit %s was already applied by an earlier run, and %s are pending again (the org was changed since); "+
		"not applying the same commit twice: merge a pull request (an empty commit is enough) to review and apply the current plan",
		shortSHA(sha), plural(len(fresh.Changes), "change"))
	status := fmt.Sprintf("### ⛔ itpsync apply refused%s\n\n%s. %s are pending again, so the org was changed since; "+
		"a commit is applied once, so nothing was written. Merge a pull request (an empty commit is enough) to review and "+
		"apply the current plan below. The pull request's comment is left as it is.\n\n",
		x.envHeading(), done, plural(len(fresh.Changes), "change"))
	x.summary(status + x.markdown("plan", planMD(fresh), render.Options{MaxBytes: summaryBudget, Footer: foot, Title: "Current plan (not applied)"}))
	return ExitFailed
}

// findReview finds the pull request merged as sha and its plan comment.
func (x *run) findReview(ctx context.Context, sha string) (review, error) {
	gc, err := x.github()
	if err != nil {
		return review{}, err
	}
	var rv review
	if rv.pr, err = gc.PullRequestForCommit(ctx, sha); err != nil || rv.pr == nil {
		return rv, err
	}
	rv.comment, err = gc.FindComment(ctx, rv.pr.Number, x.marker())
	return rv, err
}

// unreviewed says why the fresh plan is not the reviewed one, or "" when it is.
func (x *run) unreviewed(rv review, sha string, fresh *plan.Plan) string {
	switch {
	case rv.pr == nil:
		return fmt.Sprintf("commit %s has no merged pull request, so its changes were never reviewed (a direct push?)", shortSHA(sha))
	case rv.fingerprint() == "":
		return fmt.Sprintf("pull request #%d has no itpsync plan for environment %s, so the changes were never reviewed",
			rv.pr.Number, envLabel(x.in.Environment))
	case rv.fingerprint() != fresh.Fingerprint:
		return fmt.Sprintf("the plan changed since it was reviewed on pull request #%d (fingerprint %s, now %s)",
			rv.pr.Number, rv.fingerprint(), fresh.Fingerprint)
	}
	return ""
}

// retriesFailedApply reports whether this run re-runs an apply of commit sha that failed
// part-way, and what is left is part of the reviewed plan: every change of the fresh plan
// is, entry for entry (action, fields and the org object it starts from), one the pull
// request reviewed. The changes that did apply are simply no longer in the plan. Anything
// else (a new change, a change with other values) is refused as usual.
func (x *run) retriesFailedApply(rv review, sha string, fresh *plan.Plan) bool {
	if rv.comment == nil || rv.comment.Meta[metaStatus] != ResultApplyFailed || rv.comment.Meta[metaCommit] != sha ||
		rv.comment.Meta[metaEntries] == "" {
		return false
	}
	reviewed, err := decodeEntries(rv.comment.Meta[metaEntries])
	if err != nil {
		return false
	}
	for addr, e := range planEntries(fresh) {
		if reviewed[addr] != e {
			return false
		}
	}
	return true
}

// reviewDiff lists the objects that differ between the reviewed plan (from the comment's
// meta) and the fresh one; without stored entries, every fresh object is listed.
func (x *run) reviewDiff(rv review, fresh *plan.Plan) []entryDiff {
	now := planEntries(fresh)
	reviewed := map[string]string{}
	if rv.comment != nil && rv.comment.Meta[metaEntries] != "" {
		m, err := decodeEntries(rv.comment.Meta[metaEntries])
		if err != nil {
			x.warnf("read the reviewed plan's changes from the comment on pull request #%d: %v", rv.pr.Number, err)
		} else {
			reviewed = m
		}
	}
	return diffEntries(reviewed, now)
}

// refuse reports a plan that is not the reviewed one: nothing is written to the org.
func (x *run) refuse(ctx context.Context, rv review, sha string, fresh *plan.Plan, why string, diffs []entryDiff) int {
	x.out.set("result", ResultPlanChanged)
	var b strings.Builder
	fmt.Fprintf(&b, "### ⛔ itpsync apply refused%s\n\n%s\n\nNothing was written to the org: %s.\n\n",
		x.envHeading(), x.applyContext(rv, sha), mdText(why))
	if len(diffs) > 0 {
		b.WriteString("Objects that differ from the reviewed plan:\n\n")
		for _, d := range diffs {
			fmt.Fprintf(&b, "- `%s`: %s\n", mdCode(d.Address), mdText(d.Explain()))
		}
		b.WriteString("\n")
	} else if rv.comment != nil {
		b.WriteString("No planned change differs, but the org state the plan was computed from did.\n\n")
	}
	b.WriteString("To apply, merge a pull request (an empty commit is enough) so that the current plan is reviewed; " +
		"or, after checking the current plan below, run the apply with `allow_plan_change: true` " +
		"(the example apply workflow takes it as a `workflow_dispatch` input).\n\n")
	x.errorf("apply refused: %s", why)
	for _, d := range diffs {
		x.logf("  %s: %s", d.Address, d.Explain())
	}
	x.reportApply(ctx, rv, sha, ResultPlanChanged, b.String(), fresh, ExitFailed)
	return ExitFailed
}

// reportApply edits the pull request's plan comment with the outcome (status above the
// plan) and writes the same to the job summary.
func (x *run) reportApply(ctx context.Context, rv review, sha, result, status string, fresh *plan.Plan, code int) int {
	title := map[string]string{
		ResultApplied:     "Applied plan",
		ResultApplyFailed: "Plan of this apply",
		ResultPlanChanged: "Current plan (not applied)",
	}[result]
	if !strings.HasSuffix(status, "\n\n") {
		status = strings.TrimRight(status, "\n") + "\n\n"
	}
	head := ""
	if rv.pr != nil {
		head = rv.pr.HeadSHA
	}
	foot := x.footer(fresh.Fingerprint, "commit", sha)
	x.summary(status + x.markdown("plan", planMD(fresh), render.Options{MaxBytes: summaryBudget, Footer: foot, Title: title}))
	if rv.pr == nil {
		return code
	}
	meta := notify.Meta{metaStatus: result, metaCommit: sha, metaHead: head}
	if rv.comment != nil {
		// Keep what was reviewed, so a re-run of this job still compares with it.
		for _, k := range []string{metaFingerprint, metaEntries, metaHead} {
			if v := rv.comment.Meta[k]; v != "" {
				meta[k] = v
			}
		}
	}
	budget := commentBudget - len(status) - len(meta[metaEntries]) - len(foot)
	body := status + x.markdown("plan", planMD(fresh), render.Options{MaxBytes: max(budget, 4096), Footer: foot, DetailsURL: x.gh.RunURL(), Title: title})
	if err := x.upsertComment(ctx, rv.pr.Number, meta, body); err != nil {
		x.errorf("%v", err)
		return ExitFailed
	}
	return code
}
