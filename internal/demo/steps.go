package demo

import (
	"context"
	"fmt"
	"strings"

	"github.com/itpsync/itpsync/internal/notify/githubfake"
)

// stepCount is the number of steps the demo walks.
const stepCount = 6

// walk runs the steps in order; an error says which step failed.
func (w *world) walk(ctx context.Context) error {
	w.out.say("Okta org:  emulator at %s (in memory, made-up API token)", w.emuURL)
	w.out.say("GitHub:    local stand-in for %s/%s at %s", repoOwner, repoName, strings.TrimSuffix(w.gh.URL(), "/"))
	w.out.say("Policies:  %s (copied, never written), environment %q", w.cfg.Policies, environment)
	w.out.say("Output:    %s", w.files.dir)
	steps := []struct {
		title string
		run   func(context.Context) error
	}{
		{"A pull request adds the definitions", w.stepPullRequest},
		{"The pull request is merged", w.stepMerge},
		{"Someone changes the org in the Okta console", w.stepConsole},
		{"The nightly drift check", w.stepDrift},
		{"A SOAR raises a user's risk", w.stepUserRisk},
		{"A pull request restores the org; the next night the drift issue closes", w.stepFix},
	}
	for i, s := range steps {
		w.out.step(i+1, stepCount, s.title)
		if err := s.run(ctx); err != nil {
			return fmt.Errorf("step %d (%s): %w", i+1, strings.ToLower(s.title[:1])+s.title[1:], err)
		}
		if w.out.err != nil {
			return fmt.Errorf("write the progress: %w", w.out.err)
		}
	}
	return nil
}

// stepPullRequest: pull request #1 adds the definitions; the action plans and comments.
func (w *world) stepPullRequest(ctx context.Context) error {
	w.gh.AddPull(githubfake.Pull{Number: 1, Title: "Manage Identity Threat Protection in git", HeadSHA: sha1Head,
		HeadRef: "itp-in-git", User: githubfake.User{Login: "alice", Type: "User"}})
	w.out.say("alice opens pull request #1 with the definitions; the workflow runs on pull_request")
	r, err := w.runAction(ctx, pullRequestEvent(1, "Manage Identity Threat Protection in git", "itp-in-git", sha1Head, sha1Test))
	if err != nil {
		return err
	}
	w.out.done(r.took, "plan: %s — %s", planCounts(r.outputs), w.calls(r))
	c, err := w.comment(1)
	if err != nil {
		return err
	}
	if err := w.save("01-pull-request-comment.md", c.Body); err != nil {
		return err
	}
	if err := w.save("01-job-summary.md", r.summary); err != nil {
		return err
	}
	w.out.say("the sticky comment on pull request #1 (what reviewers see):")
	w.out.markdown("pull request #1 · comment by "+c.User.Login, c.Body)
	return nil
}

// stepMerge: the merge commit is pushed to main; the action applies the reviewed plan.
func (w *world) stepMerge(ctx context.Context) error {
	w.gh.MergePull(1, sha1Merge)
	w.out.say("bob approves and merges pull request #1; the workflow runs on push to main")
	r, err := w.runAction(ctx, pushEvent(1, shaBase, sha1Merge))
	if err != nil {
		return err
	}
	w.lastSHA = sha1Merge
	w.out.done(r.took, "apply: result %s — %s", r.outputs["result"], w.calls(r))
	w.out.say("the fresh plan's fingerprint matched the one reviewed on the comment, so exactly that plan was applied:")
	for _, l := range groupLines(r.log, "Apply") {
		w.out.say("  %s", l)
	}
	c, err := w.comment(1)
	if err != nil {
		return err
	}
	if err := w.save("02-pull-request-comment.md", c.Body); err != nil {
		return err
	}
	if err := w.save("02-job-summary.md", r.summary); err != nil {
		return err
	}
	w.out.say("the comment on pull request #1 now starts with the outcome: %s", outcome(c.Body))
	return nil
}

// stepConsole: out-of-band changes through the org's API.
func (w *world) stepConsole(ctx context.Context) error {
	w.out.say("an administrator changes the org by hand (real HTTP calls to the org's API):")
	changes, err := w.console(ctx)
	if err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString("## Out-of-band changes made in the Okta console\n\n")
	for _, c := range changes {
		w.out.done(c.took, "%s", c.text)
		fmt.Fprintf(&b, "- %s\n", c.text)
	}
	return w.save("03-console-changes.md", b.String())
}

// stepDrift: the nightly schedule finds the drift and opens the drift issue.
func (w *world) stepDrift(ctx context.Context) error {
	w.out.say("the nightly workflow runs on schedule")
	r, err := w.runAction(ctx, scheduleEvent("schedule-night-1", w.lastSHA))
	if err != nil {
		return err
	}
	is, err := w.driftIssue()
	if err != nil {
		return err
	}
	w.out.done(r.took, "drift check: result %s, issue #%d %s — %s", r.outputs["result"], is.Number, is.State, w.calls(r))
	if err := w.save("04-drift-issue.md", "# "+is.Title+"\n\n"+is.Body); err != nil {
		return err
	}
	if err := w.save("04-job-summary.md", r.summary); err != nil {
		return err
	}
	w.out.markdown(fmt.Sprintf("issue #%d · %s", is.Number, is.Title), is.Body)
	return nil
}

// stepUserRisk: a repository_dispatch raises a user's risk, with an audit record.
func (w *world) stepUserRisk(ctx context.Context) error {
	w.out.say("the SOAR sends repository_dispatch {command: user-risk, user: %s, risk_level: HIGH}", riskUser)
	r, err := w.runAction(ctx, riskEvent(w.lastSHA))
	if err != nil {
		return err
	}
	w.out.done(r.took, "user-risk: result %s — %s", r.outputs["result"], w.calls(r))
	if err := w.save("05-audit-record.md", r.summary); err != nil {
		return err
	}
	w.out.markdown("job summary · the audit record", r.summary)
	return nil
}

// stepFix: a pull request adopts the unmanaged zone (the YAML pasted from the issue),
// its merge restores the rest, and the next night's check closes the drift issue.
func (w *world) stepFix(ctx context.Context) error {
	is, err := w.driftIssue()
	if err != nil {
		return err
	}
	adopted, err := w.adoptUnmanaged(is.Body)
	if err != nil {
		return err
	}
	title := "Restore the org and adopt the console's zone"
	pr := is.Number + 1 // the issue took the number after pull request #1
	w.gh.AddPull(githubfake.Pull{Number: pr, Title: title, HeadSHA: sha2Head, HeadRef: "fix-drift",
		User: githubfake.User{Login: "alice", Type: "User"}})
	if adopted != "" {
		w.out.say("alice pastes the drift issue's YAML for the unmanaged objects into %s and opens pull request #%d", adopted, pr)
	} else {
		w.out.say("alice opens pull request #%d to re-apply the definitions", pr)
	}
	r, err := w.runAction(ctx, pullRequestEvent(pr, title, "fix-drift", sha2Head, sha2Test))
	if err != nil {
		return err
	}
	w.out.done(r.took, "plan on pull request #%d: %s — %s", pr, planCounts(r.outputs), w.calls(r))
	c, err := w.comment(pr)
	if err != nil {
		return err
	}
	if err := w.save("06-fix-pull-request-comment.md", c.Body); err != nil {
		return err
	}

	w.gh.MergePull(pr, sha2Merge)
	r, err = w.runAction(ctx, pushEvent(pr, sha1Merge, sha2Merge))
	if err != nil {
		return err
	}
	w.lastSHA = sha2Merge
	w.out.done(r.took, "merged and applied: result %s — %s", r.outputs["result"], w.calls(r))
	for _, l := range groupLines(r.log, "Apply") {
		w.out.say("  %s", l)
	}
	if c, err = w.comment(pr); err != nil {
		return err
	}
	if err := w.save("06-fix-pull-request-comment-applied.md", c.Body); err != nil {
		return err
	}

	r, err = w.runAction(ctx, scheduleEvent("schedule-night-2", w.lastSHA))
	if err != nil {
		return err
	}
	if is, err = w.driftIssue(); err != nil {
		return err
	}
	w.out.done(r.took, "next night's drift check: result %s, issue #%d %s — %s", r.outputs["result"], is.Number, is.State, w.calls(r))
	if r.outputs["result"] != "in-sync" || is.State != "closed" {
		return fmt.Errorf("the org still differs from the definitions after the fix (result %q, issue %s)", r.outputs["result"], is.State)
	}
	var closing strings.Builder
	for _, ic := range w.gh.IssueComments(is.Number) {
		closing.WriteString(ic.Body + "\n\n---\n\n")
	}
	if err := w.save("06-drift-issue-comments.md", closing.String()); err != nil {
		return err
	}
	return w.save("06-job-summary.md", r.summary)
}

// comment is the last comment on pull request number.
func (w *world) comment(number int) (githubfake.Comment, error) {
	cs := w.gh.Comments(number)
	if len(cs) == 0 {
		return githubfake.Comment{}, fmt.Errorf("the action left no comment on pull request #%d", number)
	}
	return cs[len(cs)-1], nil
}

// driftIssue is the one issue the drift checks keep.
func (w *world) driftIssue() (githubfake.Issue, error) {
	issues := w.gh.Issues()
	if len(issues) != 1 {
		return githubfake.Issue{}, fmt.Errorf("want one drift issue, the repository has %d issues", len(issues))
	}
	return issues[0], nil
}

// save writes a markdown file of the output folder, refusing text that holds a token.
func (w *world) save(name, markdown string) error {
	if w.containsSecret(markdown) {
		return fmt.Errorf("%s would hold a made-up token: not written", name)
	}
	return w.files.write(name, markdown)
}

// calls says how many API calls a run made.
func (w *world) calls(r *runResult) string {
	return fmt.Sprintf("%s (%s), %s", plural(r.okta, "Okta API call"), plural(r.oktaW, "write"), plural(r.github, "GitHub API call"))
}

// outcome is the first paragraph of a comment that is not a heading: the apply's outcome.
func outcome(body string) string {
	for _, p := range strings.Split(reComment.ReplaceAllString(body, ""), "\n\n") {
		p = strings.TrimSpace(p)
		if p != "" && !strings.HasPrefix(p, "#") {
			return strings.TrimSpace(renderMarkdown(p, false))
		}
	}
	return "(empty)"
}

func planCounts(out map[string]string) string {
	return fmt.Sprintf("%s to add, %s to change, %s to delete", orZero(out["to_add"]), orZero(out["to_change"]), orZero(out["to_delete"]))
}

func orZero(s string) string {
	if s == "" {
		return "0"
	}
	return s
}

func plural(n int, noun string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// groupLines returns the lines of the log group named title (::group::title), the
// action's text rendering of a plan or a result.
func groupLines(log, title string) []string {
	var out []string
	in := false
	for _, l := range strings.Split(log, "\n") {
		switch {
		case l == "::group::"+title:
			in = true
		case in && l == "::endgroup::":
			return out
		case in && strings.TrimSpace(l) != "" && !strings.HasPrefix(l, "::"):
			out = append(out, l)
		}
	}
	return out
}
