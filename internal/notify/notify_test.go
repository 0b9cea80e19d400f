package notify

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/itpsync/itpsync/internal/notify/githubfake"
)

func TestNewValidates(t *testing.T) {
	for _, tc := range []struct {
		token, api, repo string
		want             string
	}{
		{"", "", "a/b", "create GitHub client: the token is empty: pass the workflow's GITHUB_TOKEN"},
		{testToken, "", "ab", `create GitHub client: invalid repository "ab": want "owner/name"`},
		{testToken, "", "a/b/c", `create GitHub client: invalid repository "a/b/c": want "owner/name"`},
		{testToken, "", "/b", `create GitHub client: invalid repository "/b": want "owner/name"`},
		{testToken, "ghe.example.com", "a/b", `create GitHub client: invalid API URL "ghe.example.com": want an http(s) URL such as "https://api.github.com/"`},
		{testToken, "ftp://x/", "a/b", `create GitHub client: invalid API URL "ftp://x/": want an http(s) URL such as "https://api.github.com/"`},
	} {
		_, err := New(tc.token, tc.api, tc.repo, nil)
		if err == nil || err.Error() != tc.want {
			t.Errorf("New(%q, %q) error = %v, want %q", tc.api, tc.repo, err, tc.want)
		}
		noToken(t, err)
	}
}

func TestNewBaseURL(t *testing.T) {
	for _, tc := range []struct{ api, want string }{
		{"", "https://api.github.com/"},
		{"https://api.github.com", "https://api.github.com/"},
		{"https://ghe.example.com/api/v3", "https://ghe.example.com/api/v3/"},
		{"https://ghe.example.com/api/v3/", "https://ghe.example.com/api/v3/"},
	} {
		c, err := New(testToken, tc.api, "a/b", nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := c.gh.BaseURL.String(); got != tc.want {
			t.Errorf("New(%q): base URL %q, want %q", tc.api, got, tc.want)
		}
	}
}

func TestEnterpriseServer(t *testing.T) {
	fake := githubfake.New(t, "acme", "okta-config", githubfake.WithPathPrefix("/api/v3"))
	fake.SetToken(testToken)
	fake.AddPull(githubfake.Pull{Number: 4, HeadSHA: "h4", Merged: true, MergeCommitSHA: "m4"})
	api := strings.TrimSuffix(fake.URL(), "/") // GITHUB_API_URL has no trailing slash
	if !strings.HasSuffix(api, "/api/v3") {
		t.Fatalf("fake URL %q is not under /api/v3", api)
	}
	c, err := New(testToken, api, "acme/okta-config", nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if res, err := c.UpsertComment(ctx, 4, prodPlan, nil, "plan"); err != nil || res.Action != ActionCreated {
		t.Fatalf("UpsertComment = %+v, %v", res, err)
	}
	if pr, err := c.PullRequestForCommit(ctx, "m4"); err != nil || pr == nil || pr.Number != 4 {
		t.Fatalf("PullRequestForCommit = %+v, %v", pr, err)
	}
	if res, err := c.SyncDriftIssue(ctx, drift("production", "d")); err != nil || res.Action != ActionOpened {
		t.Fatalf("SyncDriftIssue = %+v, %v", res, err)
	}
}

func TestPermissionErrors(t *testing.T) {
	ctx := context.Background()
	forbidden := `{"message":"Resource not accessible by integration","documentation_url":"https://docs.github.com/rest"}`
	notFound := `{"message":"Not Found","documentation_url":"https://docs.github.com/rest"}`
	for _, tc := range []struct {
		name  string
		setup func(*githubfake.Server)
		call  func(*Client) error
		want  string
		perm  string
	}{
		{
			name:  "fork pull request: read-only token",
			setup: func(f *githubfake.Server) { f.SetReadOnly(true) },
			call:  func(c *Client) error { _, err := c.UpsertComment(ctx, 1, prodPlan, nil, "x"); return err },
			want: `post the plan comment on pull request #1: the workflow token cannot write pull request comments: ` +
				`add "pull-requests: write" under "permissions:" in the workflow, or in the job when it sets its own; ` +
				`GitHub answered 403 "Resource not accessible by integration"; ` +
				`a pull request from a fork always gets a read-only token, whatever the workflow asks for`,
			perm: "pull-requests: write",
		},
		{
			name: "404 on a comment write",
			setup: func(f *githubfake.Server) {
				f.Fail("POST", "/repos/acme/okta-config/issues/1/comments", 404, nil, notFound)
			},
			call: func(c *Client) error { _, err := c.UpsertComment(ctx, 1, prodPlan, nil, "x"); return err },
			want: `post the plan comment on pull request #1: the workflow token cannot write pull request comments: ` +
				`add "pull-requests: write" under "permissions:" in the workflow, or in the job when it sets its own; ` +
				`GitHub answered 404 "Not Found"; or the issue or pull request does not exist; ` +
				`a pull request from a fork always gets a read-only token, whatever the workflow asks for`,
			perm: "pull-requests: write",
		},
		{
			name:  "drift issue without issues: write",
			setup: func(f *githubfake.Server) { f.SetReadOnly(true) },
			call:  func(c *Client) error { _, err := c.SyncDriftIssue(ctx, drift("production", "d")); return err },
			want: `sync the drift issue of environment "production": create label "itp-drift": the workflow token cannot write issues: ` +
				`add "issues: write" under "permissions:" in the workflow, or in the job when it sets its own; GitHub answered 403 "Resource not accessible by integration"`,
			perm: "issues: write",
		},
		{
			name: "listing issues forbidden",
			setup: func(f *githubfake.Server) {
				f.Fail("GET", "/repos/acme/okta-config/issues", 403, nil, forbidden)
			},
			call: func(c *Client) error { _, err := c.SyncDriftIssue(ctx, inSync("")); return err },
			want: `sync the drift issue of the default environment: list drift issues: the workflow token cannot read issues: ` +
				`add "issues: read" under "permissions:" in the workflow, or in the job when it sets its own; GitHub answered 403 "Resource not accessible by integration"`,
			perm: "issues: read",
		},
		{
			name: "pull requests of a commit without contents: read",
			setup: func(f *githubfake.Server) {
				f.Fail("GET", "/repos/acme/okta-config/commits/abc/pulls", 403, nil, forbidden)
			},
			call: func(c *Client) error { _, err := c.PullRequestForCommit(ctx, "abc"); return err },
			want: `find the pull request of commit "abc": the workflow token cannot list the pull requests of a commit: ` +
				`add "contents: read" under "permissions:" in the workflow, or in the job when it sets its own; GitHub answered 403 "Resource not accessible by integration"`,
			perm: "contents: read",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, fake := newTestClient(t)
			fake.AddPull(githubfake.Pull{Number: 1, HeadSHA: "abc"})
			tc.setup(fake)
			err := tc.call(c)
			if err == nil || err.Error() != tc.want {
				t.Fatalf("error:\n got %v\nwant %s", err, tc.want)
			}
			var pe *PermissionError
			if !errors.As(err, &pe) || pe.Permission != tc.perm {
				t.Errorf("errors.As PermissionError = %+v, want permission %q", pe, tc.perm)
			}
			noToken(t, err)
		})
	}
}

func TestRateLimitErrors(t *testing.T) {
	reset := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	path := "/repos/acme/okta-config/issues/1/comments"
	for _, tc := range []struct {
		name      string
		status    int
		header    http.Header
		body      string
		want      string
		secondary bool
	}{
		{
			name:   "primary limit",
			status: 403,
			header: http.Header{"X-Ratelimit-Remaining": {"0"}, "X-Ratelimit-Limit": {"1000"}, "X-Ratelimit-Reset": {strconv.FormatInt(reset.Unix(), 10)}},
			body:   `{"message":"API rate limit exceeded for installation ID 1."}`,
			want:   "find the plan comment on pull request #1: GitHub API rate limit exceeded: it resets at 2026-03-04T05:06:07Z",
		},
		{
			name:   "primary limit as 429",
			status: 429,
			header: http.Header{"X-Ratelimit-Remaining": {"0"}, "X-Ratelimit-Reset": {strconv.FormatInt(reset.Unix(), 10)}},
			body:   `{"message":"API rate limit exceeded"}`,
			want:   "find the plan comment on pull request #1: GitHub API rate limit exceeded: it resets at 2026-03-04T05:06:07Z",
		},
		{
			name:   "secondary limit",
			status: 403,
			header: http.Header{"Retry-After": {"60"}},
			body:   `{"message":"You have exceeded a secondary rate limit.","documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"}`,
			want: "find the plan comment on pull request #1: GitHub API secondary rate limit (too many writes in a short time) " +
				"exceeded: retry after 1m0s",
			secondary: true,
		},
		{
			name:   "secondary limit as 429",
			status: 429,
			header: http.Header{"Retry-After": {"30"}},
			body:   `{"message":"You have exceeded a secondary rate limit."}`,
			want: "find the plan comment on pull request #1: GitHub API secondary rate limit (too many writes in a short time) " +
				"exceeded: retry after 30s",
			secondary: true,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, fake := newTestClient(t)
			fake.AddPull(githubfake.Pull{Number: 1, HeadSHA: "abc"})
			fake.Fail("GET", path, tc.status, tc.header, tc.body)
			_, err := c.FindComment(context.Background(), 1, prodPlan)
			if err == nil || err.Error() != tc.want {
				t.Fatalf("error:\n got %v\nwant %s", err, tc.want)
			}
			var rl *RateLimitError
			if !errors.As(err, &rl) || rl.Secondary != tc.secondary {
				t.Errorf("RateLimitError = %+v, want secondary %v", rl, tc.secondary)
			}
			noToken(t, err)
		})
	}
}

func TestBadTokenAndScrubbing(t *testing.T) {
	fake := githubfake.New(t, "acme", "okta-config")
	fake.SetToken("the-real-token")
	fake.AddPull(githubfake.Pull{Number: 1, HeadSHA: "abc"})
	c, err := New(testToken, fake.URL(), "acme/okta-config", nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.UpsertComment(context.Background(), 1, prodPlan, nil, "x")
	if err == nil || !strings.Contains(err.Error(), `GitHub rejected the token (401 "Bad credentials")`) {
		t.Errorf("error = %v, want a rejected token", err)
	}
	noToken(t, err)

	// A proxy that echoes the Authorization header in its error message.
	fake.SetToken("")
	fake.Fail("GET", "/repos/acme/okta-config/issues/1/comments", 400, nil,
		`{"message":"bad header: Authorization: Bearer `+testToken+`"}`)
	_, err = c.FindComment(context.Background(), 1, prodPlan)
	if err == nil || !strings.Contains(err.Error(), "Bearer ***") {
		t.Errorf("error = %v, want the token replaced by ***", err)
	}
	noToken(t, err)
}

func TestMarkerLines(t *testing.T) {
	for _, tc := range []struct {
		m    Marker
		want string
	}{
		{Marker{KindPlan, "production"}, `<!-- itpsync:plan env="production" -->`},
		{Marker{KindDrift, ""}, `<!-- itpsync:drift env="" -->`},
		{Marker{KindPlan, "pre-prod"}, `<!-- itpsync:plan env="pre-prod" -->`},
		{Marker{KindPlan, `a"--><script>`}, `<!-- itpsync:plan env="a\"-\u002d\u003e\u003cscript\u003e" -->`},
		{Marker{KindPlan, "two\nlines"}, `<!-- itpsync:plan env="two\nlines" -->`},
	} {
		if got := tc.m.String(); got != tc.want {
			t.Errorf("%+v: %s, want %s", tc.m, got, tc.want)
		}
	}
}

func TestMetaCannotBreakOut(t *testing.T) {
	meta := Meta{"fingerprint": "sha256:--> <b>x</b> ---->", "head": "abc\n-->", "a--b": "--!>"}
	line := meta.line()
	inner := strings.TrimSuffix(strings.TrimPrefix(line, "<!--"), "-->")
	if strings.Contains(inner, "--") || strings.Contains(inner, ">") || strings.Contains(line, "\n") {
		t.Errorf("meta line can end the HTML comment early: %s", line)
	}
	if diff := cmp.Diff(meta, parseMeta("text\n"+line+"\nmore")); diff != "" {
		t.Errorf("parseMeta (-want +got):\n%s", diff)
	}
	if got := (Meta{"b": "2", "a": "1"}).line(); got != `<!-- itpsync:meta {"a":"1","b":"2"} -->` {
		t.Errorf("keys not sorted: %s", got)
	}
	for _, body := range []string{"", "<!-- itpsync:meta {broken -->", "<!-- itpsync:meta {} no end"} {
		if got := parseMeta(body); got != nil {
			t.Errorf("parseMeta(%q) = %v, want nil", body, got)
		}
	}
}
