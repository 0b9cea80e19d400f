package notify

import (
	"context"
	"fmt"
	"net/http"

	"github.com/google/go-github/v62/github"
)

// PullRequest is what itpsync needs to know about a pull request.
type PullRequest struct {
	Number         int
	HeadSHA        string
	BaseRef        string
	HTMLURL        string
	Merged         bool
	MergeCommitSHA string
}

func pullRequest(p *github.PullRequest) *PullRequest {
	return &PullRequest{
		Number:  p.GetNumber(),
		HeadSHA: p.GetHead().GetSHA(),
		BaseRef: p.GetBase().GetRef(),
		HTMLURL: p.GetHTMLURL(),
		// The list endpoints omit "merged" and only send "merged_at".
		Merged:         p.GetMerged() || p.MergedAt != nil,
		MergeCommitSHA: p.GetMergeCommitSHA(),
	}
}

// PullRequestForCommit returns the pull request behind commit sha, as the
// apply on a push to the default branch needs it to find the reviewed plan:
// the merged pull request whose merge commit is sha; failing that, an open
// pull request whose head is sha. It returns nil, nil when there is none; it
// never guesses among other associated pull requests, since applying the
// plan of the wrong one would be worse than applying none.
func (c *Client) PullRequestForCommit(ctx context.Context, sha string) (*PullRequest, error) {
	if sha == "" {
		return nil, fmt.Errorf("find the pull request of a commit: empty commit SHA")
	}
	var merged, open *github.PullRequest
	opts := &github.ListOptions{PerPage: 100}
	for {
		page, resp, err := c.gh.PullRequests.ListPullRequestsWithCommit(ctx, c.owner, c.repo, sha, opts)
		if err != nil {
			return nil, c.scrub(fmt.Errorf("find the pull request of commit %q: %w", sha, explain(err, readPulls)))
		}
		for _, p := range page {
			isMerged := p.GetMerged() || p.MergedAt != nil
			switch {
			case isMerged && p.GetMergeCommitSHA() == sha && merged == nil:
				merged = p
			case !isMerged && p.GetState() == "open" && p.GetHead().GetSHA() == sha && open == nil:
				open = p
			}
		}
		if resp.NextPage == 0 {
			break
		}
		opts.Page = resp.NextPage
	}
	switch {
	case merged != nil:
		return pullRequest(merged), nil
	case open != nil:
		return pullRequest(open), nil
	}
	return nil, nil
}

// GetPullRequest returns pull request number, or nil, nil when it does not
// exist.
func (c *Client) GetPullRequest(ctx context.Context, number int) (*PullRequest, error) {
	p, resp, err := c.gh.PullRequests.Get(ctx, c.owner, c.repo, number)
	if err != nil {
		if resp != nil && resp.StatusCode == http.StatusNotFound {
			return nil, nil
		}
		return nil, c.scrub(fmt.Errorf("get pull request #%d: %w", number, explain(err, access{
			what: "read pull requests", permission: "pull-requests: read",
		})))
	}
	return pullRequest(p), nil
}
