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

// Meta keys of the plan comment.
const (
	metaFingerprint = "fingerprint"
	metaHead        = "head"
	metaEntries     = "changes"
	metaStatus      = "status"
	metaCommit      = "commit"
)

// pullRequest is the plan of a pull request: validate, plan, one sticky comment per pull
// request and environment, the full plan in the job summary.
func (x *run) pullRequest(ctx context.Context) int {
	pr, head := x.ev.prNumber(), x.ev.headSHA()
	fork := x.ev.isFork(x.gh.Repository)
	l, err := x.load()
	if err != nil {
		return x.fail(err)
	}
	if l.invalid != nil {
		x.out.set("result", ResultInvalid)
		md := x.invalidMarkdown(l)
		x.summary(md)
		if !fork {
			body := md + "\n" + x.footer("", "head", head)
			if err := x.prComment(ctx, pr, notify.Meta{metaHead: head, metaStatus: ResultInvalid}, body); err != nil {
				x.warnf("%v", err)
			}
		}
		x.errorf("the definitions are invalid: %s; see the annotations", plural(len(l.diags.Errors()), "error"))
		return ExitFailed
	}
	if fork {
		return x.forkNoPlan(l, head, fmt.Sprintf("this pull request comes from the fork %q, and GitHub gives runs for fork pull requests "+
			"neither secrets nor a token that can comment", x.ev.PR.GetPullRequest().GetHead().GetRepo().GetFullName()),
			"To get a plan, a maintainer pushes its commits to a branch of this repository and opens a pull request from there")
	}
	if !x.in.hasOktaCredentials() {
		return x.noCredentials(ctx, l, pr, head)
	}
	org, err := x.connect(l.defs.CheckOrg)
	if err != nil {
		return x.fail(err)
	}
	p, err := engine.Plan(ctx, org, l.defs, plan.ModePlan)
	org.maskToken()
	if err != nil {
		body := fmt.Sprintf("### ❌ itpsync plan%s\n\nThe plan failed, so there is no plan to review for this commit: %s\n\n%s",
			x.envHeading(), mdText(err.Error()), x.footer("", "head", head))
		if cerr := x.prComment(ctx, pr, notify.Meta{metaHead: head, metaStatus: ResultError}, body); cerr != nil {
			x.warnf("%v", cerr)
		}
		return x.fail(fmt.Errorf("plan: %w", err))
	}
	return x.reportPlan(ctx, p, pr, "head", head)
}

// reportPlan writes the plan to the outputs, the log, the comment and the summary. sha is
// the pull request's head (label "head") or the commit planned (label "commit").
func (x *run) reportPlan(ctx context.Context, p *plan.Plan, pr int, label, sha string) int {
	if tooLarge, err := x.out.setPlan(p); err != nil {
		return x.fail(err)
	} else if tooLarge {
		x.warnf("the plan is too large for the plan_json output (over %d bytes); it is left empty", maxPlanJSONOutputSize)
	}
	x.out.set("result", ResultPlanned)
	if len(p.Changes) == 0 {
		x.out.set("result", ResultNoChanges)
	}
	x.logText("Plan", func(b *strings.Builder) error { return render.Plan(b, render.Text, p, render.Options{}) })

	meta := notify.Meta{metaFingerprint: p.Fingerprint, metaHead: sha, metaStatus: "planned"}
	if enc := encodeEntries(planEntries(p)); enc != "" {
		meta[metaEntries] = enc
	}
	foot := x.footer(p.Fingerprint, label, sha)
	budget := commentBudget - len(meta[metaEntries]) - len(foot)
	body := x.markdown("plan", planMD(p), render.Options{MaxBytes: budget, Footer: foot, DetailsURL: x.gh.RunURL()})
	code := ExitOK
	if pr > 0 {
		if err := x.prComment(ctx, pr, meta, body); err != nil {
			x.errorf("%v", err)
			code = ExitFailed
		}
	}
	x.summary(x.markdown("plan", planMD(p), render.Options{MaxBytes: summaryBudget, Footer: foot}))
	return code
}

// planOnly is the plan command outside a pull request (a dispatch): outputs and summary,
// no comment.
func (x *run) planOnly(ctx context.Context) int {
	l, code := x.loadValid("")
	if l == nil {
		return code
	}
	org, err := x.connect(l.defs.CheckOrg)
	if err != nil {
		return x.fail(err)
	}
	p, err := engine.Plan(ctx, org, l.defs, plan.ModePlan)
	org.maskToken()
	if err != nil {
		return x.fail(fmt.Errorf("plan: %w", err))
	}
	return x.reportPlan(ctx, p, 0, "commit", x.gh.SHA)
}

// forkNoPlan ends a pull request run that cannot plan: the definitions were validated
// (annotations are out), the summary says why there is no plan, and the run succeeds.
// remedy says how to get a plan. A merge without a reviewed plan is refused at apply, so
// the message says that too.
func (x *run) forkNoPlan(l *loaded, head, why, remedy string) int {
	x.out.set("result", ResultForkNoPlan)
	msg := fmt.Sprintf("No plan: %s. The definitions are valid. Merged as it is, it would be refused at apply, "+
		"since no plan was reviewed for it. %s.", why, remedy)
	x.r.Annotate("notice", "", 0, 0, "itpsync: no plan", msg)
	x.summary(fmt.Sprintf("## itpsync: validated, not planned%s\n\n%s\n\n%s\n%s\n", x.envHeading(), mdText(msg),
		x.diagnosticsMarkdown(l.diags), x.footer("", "head", head)))
	return ExitOK
}

// noCredentials handles a same-repository pull request without Okta credentials: with a
// read-only token (Dependabot, or any run GitHub gives no secrets) it is validated like a
// fork; with a token that can write it is a configuration error, said on the comment too.
func (x *run) noCredentials(ctx context.Context, l *loaded, pr int, head string) int {
	body := fmt.Sprintf("### ⚠️ itpsync plan%s\n\nThe definitions are valid, but this run has no Okta credentials, so there is no plan. "+
		"Pass `okta_api_token`, or `okta_client_id` with `okta_private_key`, from secrets.\n\n%s", x.envHeading(), x.footer("", "head", head))
	err := x.prComment(ctx, pr, notify.Meta{metaHead: head, metaStatus: "no-credentials"}, body)
	if err != nil && isPermission(err) {
		return x.forkNoPlan(l, head, "this run has no Okta credentials and a read-only token, which is what GitHub gives runs "+
			"without access to secrets (Dependabot pull requests, for example)",
			"To get a plan, give this workflow the Okta credentials (for Dependabot, as Dependabot secrets) and re-run it")
	}
	if err != nil {
		x.errorf("%v", err)
	}
	return x.fail(errNoOktaCredentials)
}

// prComment is upsertComment for a pull request run. It leaves a comment that records an
// apply (a commit in its meta) as it is: the pull request was merged and applied, and a
// plan run that finishes late (or is re-run) must not overwrite the outcome.
func (x *run) prComment(ctx context.Context, pr int, meta notify.Meta, body string) error {
	gc, err := x.github()
	if err != nil {
		return err
	}
	old, err := gc.FindComment(ctx, pr, x.marker())
	if err != nil {
		return err
	}
	if old != nil && old.Meta[metaCommit] != "" {
		x.out.set("comment_url", old.URL)
		x.logf("pull request #%d: its comment records the apply of commit %s (%s); the plan is not posted over it",
			pr, shortSHA(old.Meta[metaCommit]), old.Meta[metaStatus])
		return nil
	}
	return x.upsertComment(ctx, pr, meta, body)
}
