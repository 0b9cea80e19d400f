package notify

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/google/go-github/v62/github"
)

// DriftLabel labels every drift issue; issues are listed by it.
const DriftLabel = "itp-drift"

// DriftReport is the outcome of one scheduled drift check of an environment.
type DriftReport struct {
	Environment string
	Drifted     bool
	Title       string // default "ITP drift: <env or default>"
	Body        string // markdown, the full report
	Digest      string // hash of the drift content: a new digest means the drift changed
	RunURL      string // the workflow run, linked from comments
	// Summary says in one line what drifted (counts, a few addresses); the comments on a
	// change or a return quote it, so the notification says what happened.
	Summary string
}

// IssueResult says what SyncDriftIssue did. Number and URL name the drift
// issue whenever one exists, also for "none" (a closed issue left closed).
type IssueResult struct {
	Number int
	URL    string
	Action string // "opened", "updated", "reopened", "closed", "unchanged" or "none"
}

// Drift issue actions (besides ActionUpdated and ActionUnchanged).
const (
	ActionOpened   = "opened"
	ActionReopened = "reopened"
	ActionClosed   = "closed"
	ActionNone     = "none"
)

// SyncDriftIssue keeps one issue per environment in step with the drift:
//
//	drifted, no issue            → open it
//	drifted, open, same digest   → nothing (no nightly noise)
//	drifted, open, new digest    → comment "the drift changed", update the body
//	drifted, closed              → comment "drift returned", reopen with the new body
//	in sync, open                → comment "the org matches the definitions again", close
//	in sync, closed or no issue  → nothing
//
// The issue is found by its exact marker line among open AND closed issues
// carrying DriftLabel (never the search API, whose index lags), so an issue a
// person closed while drift persisted is reopened, not duplicated. If several
// match, the most recently updated is used. Comments go before the body or
// state change so a failure half-way is repeated by the next run rather than
// lost.
func (c *Client) SyncDriftIssue(ctx context.Context, r DriftReport) (IssueResult, error) {
	res, err := c.syncDriftIssue(ctx, r)
	if err != nil {
		return IssueResult{}, c.scrub(fmt.Errorf("sync the drift issue of %s: %w", envName(r.Environment), err))
	}
	return res, nil
}

func envName(env string) string {
	if env == "" {
		return "the default environment"
	}
	return fmt.Sprintf("environment %q", env)
}

func (c *Client) syncDriftIssue(ctx context.Context, r DriftReport) (IssueResult, error) {
	m := Marker{Kind: KindDrift, Environment: r.Environment}
	is, err := c.findDriftIssue(ctx, m)
	if err != nil {
		return IssueResult{}, err
	}
	res := IssueResult{Action: ActionNone}
	if is != nil {
		res.Number, res.URL = is.GetNumber(), is.GetHTMLURL()
	}
	if !r.Drifted {
		if is == nil || is.GetState() != "open" {
			return res, nil
		}
		msg := "The org matches the definitions again, so this issue is closed." + runLink(r.RunURL)
		if err := c.issueComment(ctx, is.GetNumber(), msg); err != nil {
			return IssueResult{}, err
		}
		if err := c.editIssue(ctx, is.GetNumber(), &github.IssueRequest{
			State: github.String("closed"), StateReason: github.String("completed"),
		}); err != nil {
			return IssueResult{}, err
		}
		res.Action = ActionClosed
		return res, nil
	}

	digest := r.Digest
	if digest == "" {
		sum := sha256.Sum256([]byte(r.Body))
		digest = "sha256:" + hex.EncodeToString(sum[:])
	}
	title := r.Title
	if title == "" {
		title = "ITP drift: " + defaultName(r.Environment)
	}
	body := compose(m, Meta{"digest": digest}, r.Body)
	if is == nil {
		return c.openDriftIssue(ctx, title, body)
	}
	old := parseMeta(is.GetBody())["digest"]
	req := &github.IssueRequest{Body: &body}
	if title != is.GetTitle() {
		req.Title = &title
	}
	switch {
	case is.GetState() != "open":
		msg := "The drift returned, so this issue is reopened" + summarySuffix(r.Summary) +
			". Its description shows the current report." + runLink(r.RunURL)
		if err := c.issueComment(ctx, is.GetNumber(), msg); err != nil {
			return IssueResult{}, err
		}
		req.State = github.String("open")
		res.Action = ActionReopened
	case old == digest:
		res.Action = ActionUnchanged
		return res, nil
	default:
		msg := fmt.Sprintf("The drift changed (digest `%s` → `%s`)%s. The description now shows the current report "+
			"and its edit history keeps the previous one.%s", shortDigest(old), shortDigest(digest), summarySuffix(r.Summary), runLink(r.RunURL))
		if err := c.issueComment(ctx, is.GetNumber(), msg); err != nil {
			return IssueResult{}, err
		}
		res.Action = ActionUpdated
	}
	if err := c.editIssue(ctx, is.GetNumber(), req); err != nil {
		return IssueResult{}, err
	}
	return res, nil
}

func defaultName(env string) string {
	if env == "" {
		return "default"
	}
	return env
}

// summarySuffix is ": summary" for a comment sentence, or "" without a summary.
func summarySuffix(summary string) string {
	summary = strings.TrimRight(strings.TrimSpace(summary), ".")
	if summary == "" {
		return ""
	}
	return ": " + summary
}

func runLink(u string) string {
	if u == "" {
		return ""
	}
	return fmt.Sprintf("\n\n[Workflow run](%s)", u)
}

func shortDigest(d string) string {
	if d == "" {
		return "none"
	}
	if len(d) > 19 {
		return d[:19] + "…"
	}
	return d
}

// findDriftIssue lists the issues labelled DriftLabel in any state, newest
// update first, and returns the first one carrying the marker line written
// by notify's account.
func (c *Client) findDriftIssue(ctx context.Context, m Marker) (*github.Issue, error) {
	line := m.String()
	opts := &github.IssueListByRepoOptions{
		State: "all", Labels: []string{DriftLabel}, Sort: "updated", Direction: "desc",
		ListOptions: github.ListOptions{PerPage: 100},
	}
	var found *github.Issue
	for {
		page, resp, err := c.gh.Issues.ListByRepo(ctx, c.owner, c.repo, opts)
		if err != nil {
			return nil, fmt.Errorf("list drift issues: %w", explain(err, readIssues))
		}
		for _, is := range page {
			if is.IsPullRequest() || !c.ownedBy(is.GetUser()) || !hasLine(is.GetBody(), line) {
				continue
			}
			// Compare rather than trust the order, which a concurrent
			// update could shuffle between pages.
			if found == nil || is.GetUpdatedAt().After(found.GetUpdatedAt().Time) {
				found = is
			}
		}
		if resp.NextPage == 0 {
			return found, nil
		}
		opts.Page = resp.NextPage
	}
}

func (c *Client) openDriftIssue(ctx context.Context, title, body string) (IssueResult, error) {
	if err := c.ensureDriftLabel(ctx); err != nil {
		return IssueResult{}, err
	}
	is, _, err := c.gh.Issues.Create(ctx, c.owner, c.repo, &github.IssueRequest{
		Title: &title, Body: &body, Labels: &[]string{DriftLabel},
	})
	if err != nil {
		return IssueResult{}, fmt.Errorf("open the issue: %w", explain(err, writeIssues))
	}
	return IssueResult{Number: is.GetNumber(), URL: is.GetHTMLURL(), Action: ActionOpened}, nil
}

// ensureDriftLabel creates DriftLabel when the repository lacks it. It runs
// only before opening an issue, so a quiet night makes no request for it.
func (c *Client) ensureDriftLabel(ctx context.Context) error {
	_, resp, err := c.gh.Issues.GetLabel(ctx, c.owner, c.repo, DriftLabel)
	if err == nil {
		return nil
	}
	if resp == nil || resp.StatusCode != http.StatusNotFound {
		return fmt.Errorf("get label %q: %w", DriftLabel, explain(err, readIssues))
	}
	_, _, err = c.gh.Issues.CreateLabel(ctx, c.owner, c.repo, &github.Label{
		Name:        github.String(DriftLabel),
		Color:       github.String("d93f0b"),
		Description: github.String("Okta ITP configuration changed outside itpsync"),
	})
	if err != nil && !alreadyExists(err) {
		return fmt.Errorf("create label %q: %w", DriftLabel, explain(err, writeIssues))
	}
	return nil
}

// alreadyExists reports a 422 "already_exists": another run created the
// label in the meantime, which is what we wanted.
func alreadyExists(err error) bool {
	var er *github.ErrorResponse
	if !errors.As(err, &er) || er.Response == nil || er.Response.StatusCode != http.StatusUnprocessableEntity {
		return false
	}
	for _, e := range er.Errors {
		if e.Code == "already_exists" {
			return true
		}
	}
	return false
}

func (c *Client) issueComment(ctx context.Context, number int, body string) error {
	body = fitBody("", body)
	if _, _, err := c.gh.Issues.CreateComment(ctx, c.owner, c.repo, number, &github.IssueComment{Body: &body}); err != nil {
		return fmt.Errorf("comment on issue #%d: %w", number, explain(err, writeIssues))
	}
	return nil
}

func (c *Client) editIssue(ctx context.Context, number int, req *github.IssueRequest) error {
	if _, _, err := c.gh.Issues.Edit(ctx, c.owner, c.repo, number, req); err != nil {
		return fmt.Errorf("edit issue #%d: %w", number, explain(err, writeIssues))
	}
	return nil
}
