package notify

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/google/go-github/v62/github"
)

// Comment is a comment notify wrote earlier, found by its marker.
type Comment struct {
	ID   int64
	URL  string
	Body string
	Meta Meta // read back from the meta line; nil when absent
}

// CommentResult says what UpsertComment did.
type CommentResult struct {
	URL    string
	ID     int64
	Action string // "created", "updated" or "unchanged"
}

// Comment actions.
const (
	ActionCreated   = "created"
	ActionUpdated   = "updated"
	ActionUnchanged = "unchanged"
)

// FindComment returns the comment on pull request pr that carries marker m
// on a line of its own and was written by notify's account (see
// SetSelfLogin), or nil when there is none. All pages are read. When several
// match (two runs raced), the newest wins.
func (c *Client) FindComment(ctx context.Context, pr int, m Marker) (*Comment, error) {
	if err := m.validate(); err != nil {
		return nil, fmt.Errorf("find the %s comment: %w", m.Kind, err)
	}
	if pr <= 0 {
		return nil, fmt.Errorf("find the %s comment: invalid pull request number %d", m.Kind, pr)
	}
	found, err := c.findComment(ctx, pr, m)
	if err != nil {
		return nil, c.scrub(fmt.Errorf("find the %s comment on pull request #%d: %w", m.Kind, pr, err))
	}
	if found == nil {
		return nil, nil
	}
	return &Comment{ID: found.GetID(), URL: found.GetHTMLURL(), Body: found.GetBody(), Meta: parseMeta(found.GetBody())}, nil
}

func (c *Client) findComment(ctx context.Context, pr int, m Marker) (*github.IssueComment, error) {
	line := m.String()
	var found *github.IssueComment
	opts := &github.IssueListCommentsOptions{ListOptions: github.ListOptions{PerPage: 100}}
	for {
		page, resp, err := c.gh.Issues.ListComments(ctx, c.owner, c.repo, pr, opts)
		if err != nil {
			return nil, explain(err, readComments)
		}
		for _, cm := range page {
			// Comments come oldest first, so the last match is the newest.
			if c.ownedBy(cm.GetUser()) && hasLine(cm.GetBody(), line) {
				found = cm
			}
		}
		if resp.NextPage == 0 {
			return found, nil
		}
		opts.Page = resp.NextPage
	}
}

// UpsertComment keeps one comment per pull request and marker: it creates
// it, or edits it in place, and writes nothing when the stored body (marker
// and meta included) is already the one it would write. The body is cut to
// GitHub's limit on a line boundary with a note, keeping the marker, the meta
// and the footer (see FooterMarker).
func (c *Client) UpsertComment(ctx context.Context, pr int, m Marker, meta Meta, body string) (CommentResult, error) {
	res, err := c.upsertComment(ctx, pr, m, meta, body)
	if err != nil {
		return CommentResult{}, c.scrub(fmt.Errorf("post the %s comment on pull request #%d: %w", m.Kind, pr, err))
	}
	return res, nil
}

func (c *Client) upsertComment(ctx context.Context, pr int, m Marker, meta Meta, body string) (CommentResult, error) {
	if err := m.validate(); err != nil {
		return CommentResult{}, err
	}
	if pr <= 0 {
		return CommentResult{}, fmt.Errorf("invalid pull request number %d", pr)
	}
	full := compose(m, meta, body)
	old, err := c.findComment(ctx, pr, m)
	if err != nil {
		return CommentResult{}, err
	}
	if old != nil && normalizeNewlines(old.GetBody()) == full {
		return CommentResult{URL: old.GetHTMLURL(), ID: old.GetID(), Action: ActionUnchanged}, nil
	}
	if old != nil {
		ed, resp, err := c.gh.Issues.EditComment(ctx, c.owner, c.repo, old.GetID(), &github.IssueComment{Body: &full})
		if err == nil {
			return CommentResult{URL: ed.GetHTMLURL(), ID: ed.GetID(), Action: ActionUpdated}, nil
		}
		// 404: someone deleted the comment since we listed it. 403: it
		// belongs to another bot (the workflow switched from GITHUB_TOKEN
		// to an App token). Either way post a new one, which becomes the
		// newest match; if the token is the problem, the create fails with
		// the clear permission error.
		if resp == nil || (resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusForbidden) {
			return CommentResult{}, explain(err, writeComments)
		}
	}
	cr, _, err := c.gh.Issues.CreateComment(ctx, c.owner, c.repo, pr, &github.IssueComment{Body: &full})
	if err != nil {
		return CommentResult{}, explain(err, writeComments)
	}
	if cr.GetID() == 0 {
		return CommentResult{}, errors.New("GitHub returned a comment without an id")
	}
	return CommentResult{URL: cr.GetHTMLURL(), ID: cr.GetID(), Action: ActionCreated}, nil
}
