// Package notify is everything itpsync says to GitHub: the sticky plan comment
// on a pull request, one drift issue per environment, the pull request behind
// a pushed commit, and the runner plumbing of a workflow step (outputs, job
// summary, masks, annotations).
//
// It takes finished markdown and knows nothing of Okta. REST calls go through
// google/go-github; workflow commands use sethvargo/go-githubactions where it
// is correct (escaping, masks, groups) and own code where it is not (random
// output delimiters, the 1 MiB summary budget).
package notify

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/google/go-github/v62/github"
)

// DefaultAPIURL is GitHub.com's REST API, used when GITHUB_API_URL is empty.
const DefaultAPIURL = "https://api.github.com/"

// Client talks to one repository's issues and pull requests.
type Client struct {
	gh        *github.Client
	owner     string
	repo      string
	token     string
	selfLogin string
}

// New returns a client for repository ("owner/name") at apiURL, the value
// of GITHUB_API_URL: "https://api.github.com" on GitHub.com,
// "https://ghe.example.com/api/v3" on GitHub Enterprise Server. hc may be nil.
func New(token, apiURL, repository string, hc *http.Client) (*Client, error) {
	if token == "" {
		return nil, errors.New("create GitHub client: the token is empty: pass the workflow's GITHUB_TOKEN")
	}
	owner, repo, ok := strings.Cut(repository, "/")
	if !ok || owner == "" || repo == "" || strings.Contains(repo, "/") {
		return nil, fmt.Errorf("create GitHub client: invalid repository %q: want \"owner/name\"", repository)
	}
	if apiURL == "" {
		apiURL = DefaultAPIURL
	}
	base, err := url.Parse(apiURL)
	if err != nil || (base.Scheme != "https" && base.Scheme != "http") || base.Host == "" {
		return nil, fmt.Errorf("create GitHub client: invalid API URL %q: want an http(s) URL such as %q", apiURL, DefaultAPIURL)
	}
	// GITHUB_API_URL already holds the full API root (with /api/v3 on GitHub
	// Enterprise Server); go-github only needs the trailing slash. Its
	// WithEnterpriseURLs would append /api/v3 to any other host, which is
	// wrong for test servers and proxies serving the API at their root.
	if !strings.HasSuffix(base.Path, "/") {
		base.Path += "/"
	}
	if hc == nil {
		hc = &http.Client{Timeout: 60 * time.Second}
	}
	gh := github.NewClient(hc).WithAuthToken(token)
	gh.BaseURL = base
	gh.UserAgent = "itpsync"
	return &Client{gh: gh, owner: owner, repo: repo, token: token}, nil
}

// SetSelfLogin names the account the token acts as (for example the user of
// a personal access token). By default notify recognises its own comments and
// issues as those carrying the marker line and authored by a bot account
// (user.type "Bot", which the workflow token's github-actions[bot] and GitHub
// App tokens are): GET /user is not available to the workflow token, and
// requiring a bot author stops a person's comment that contains the marker
// line from being taken over. With a self login, exactly that login matches.
func (c *Client) SetSelfLogin(login string) { c.selfLogin = login }

// ownedBy reports whether u is the account notify writes as.
func (c *Client) ownedBy(u *github.User) bool {
	if c.selfLogin != "" {
		return strings.EqualFold(u.GetLogin(), c.selfLogin)
	}
	return u.GetType() == "Bot"
}

// access names what a call needs, for the permission error.
type access struct {
	what       string // "write pull request comments"
	permission string // "pull-requests: write"
	write      bool
	hint       string
}

var (
	readComments  = access{what: "read pull request comments", permission: "pull-requests: read"}
	writeComments = access{what: "write pull request comments", permission: "pull-requests: write", write: true,
		hint: "; a pull request from a fork always gets a read-only token, whatever the workflow asks for"}
	readIssues  = access{what: "read issues", permission: "issues: read"}
	writeIssues = access{what: "write issues", permission: "issues: write", write: true}
	readPulls   = access{what: "list the pull requests of a commit", permission: "contents: read"}
)

// PermissionError says the token lacks a permission, and which workflow
// line grants it.
type PermissionError struct {
	What       string // what the token cannot do
	Permission string // the permissions entry that grants it, e.g. "pull-requests: write"
	Status     int
	Message    string // GitHub's message
	Hint       string
	err        error
}

// Error names the missing permission and the workflow line that grants it.
func (e *PermissionError) Error() string {
	return fmt.Sprintf("the workflow token cannot %s: add %q under \"permissions:\" in the workflow, "+
		"or in the job when it sets its own; GitHub answered %d %q%s",
		e.What, e.Permission, e.Status, e.Message, e.Hint)
}

// Unwrap returns the go-github error.
func (e *PermissionError) Unwrap() error { return e.err }

// RateLimitError says GitHub's primary or secondary rate limit stopped a call.
type RateLimitError struct {
	Secondary  bool
	Reset      time.Time     // when the primary limit resets, if known
	RetryAfter time.Duration // how long to wait, if GitHub said
	err        error
}

// Error says which limit was hit and when to retry.
func (e *RateLimitError) Error() string {
	kind := "rate limit"
	if e.Secondary {
		kind = "secondary rate limit (too many writes in a short time)"
	}
	switch {
	case !e.Reset.IsZero():
		return fmt.Sprintf("GitHub API %s exceeded: it resets at %s", kind, e.Reset.UTC().Format(time.RFC3339))
	case e.RetryAfter > 0:
		return fmt.Sprintf("GitHub API %s exceeded: retry after %s", kind, e.RetryAfter)
	}
	return fmt.Sprintf("GitHub API %s exceeded: retry later", kind)
}

// Unwrap returns the go-github error.
func (e *RateLimitError) Unwrap() error { return e.err }

// explain turns a go-github error into one that says what to do: a missing
// permission, a rate limit, a rejected token. Other errors pass through.
func explain(err error, a access) error {
	var rl *github.RateLimitError
	if errors.As(err, &rl) {
		return &RateLimitError{Reset: rl.Rate.Reset.Time, err: err}
	}
	var ab *github.AbuseRateLimitError
	if errors.As(err, &ab) {
		return &RateLimitError{Secondary: true, RetryAfter: ab.GetRetryAfter(), err: err}
	}
	var er *github.ErrorResponse
	if !errors.As(err, &er) || er.Response == nil {
		return err
	}
	status, h := er.Response.StatusCode, er.Response.Header
	switch {
	case status == http.StatusTooManyRequests || (status == http.StatusForbidden &&
		strings.Contains(strings.ToLower(er.Message), "rate limit")):
		return rateLimitFromHeaders(h, err)
	case status == http.StatusUnauthorized:
		return fmt.Errorf("GitHub rejected the token (401 %q): pass the workflow's GITHUB_TOKEN or a valid token: %w", er.Message, err)
	case status == http.StatusForbidden || (status == http.StatusNotFound && a.write):
		pe := &PermissionError{What: a.what, Permission: a.permission, Status: status, Message: er.Message, Hint: a.hint, err: err}
		if status == http.StatusNotFound {
			pe.Hint = "; or the issue or pull request does not exist" + a.hint
		}
		return pe
	}
	return err
}

func rateLimitFromHeaders(h http.Header, err error) error {
	e := &RateLimitError{Secondary: h.Get("X-Ratelimit-Remaining") != "0", err: err}
	if s, perr := strconv.Atoi(h.Get("Retry-After")); perr == nil && s > 0 {
		e.RetryAfter = time.Duration(s) * time.Second
	}
	if s, perr := strconv.ParseInt(h.Get("X-Ratelimit-Reset"), 10, 64); perr == nil && s > 0 && h.Get("X-Ratelimit-Remaining") == "0" {
		e.Reset = time.Unix(s, 0)
	}
	return e
}

// scrub makes sure the token never leaves in an error text, whatever a
// server or a library put in it.
func (c *Client) scrub(err error) error {
	if err == nil || c.token == "" || !strings.Contains(err.Error(), c.token) {
		return err
	}
	return &scrubbedError{msg: strings.ReplaceAll(err.Error(), c.token, "***"), err: err}
}

// scrubbedError hides the token in its text yet keeps the chain, so
// errors.As still finds a PermissionError or RateLimitError (whose own
// texts never hold the token).
type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return e.err }
