package githubfake

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-github/v62/github"
)

// recorder keeps the fake's t.Errorf calls instead of failing the test, to
// check that the fake fails loudly.
type recorder struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func client(t *testing.T, s *Server) *github.Client {
	t.Helper()
	c := github.NewClient(nil).WithAuthToken("tok")
	u, err := url.Parse(s.URL())
	if err != nil {
		t.Fatal(err)
	}
	// Not WithEnterpriseURLs: it appends /api/v3/ to a host at its root.
	c.BaseURL = u
	return c
}

func TestUnplannedRequestsFailLoudly(t *testing.T) {
	rec := &recorder{TB: t}
	s := New(rec, "o", "r")
	for _, tc := range []struct{ method, path string }{
		{"GET", "user"},
		{"DELETE", "repos/o/r/issues/comments/1"},
		{"GET", "repos/o/r/issues/1"},
		{"GET", "repos/other/r/issues"},
		{"GET", "search/issues?q=x"},
	} {
		req, _ := http.NewRequest(tc.method, s.URL()+tc.path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s %s: status %d, want 404", tc.method, tc.path, resp.StatusCode)
		}
	}
	if len(rec.errs) != 5 || !strings.Contains(rec.errs[0], "unplanned request GET /user") {
		t.Errorf("fake reported %q, want 5 unplanned requests", rec.errs)
	}
}

func TestCommentPagination(t *testing.T) {
	s := New(t, "o", "r")
	s.AddPull(Pull{Number: 1, HeadSHA: "h"})
	for i := range 65 {
		s.AddComment(1, User{Login: "u", Type: "User"}, fmt.Sprint(i))
	}
	c := client(t, s)
	ctx := context.Background()

	// Default page size 30: pages of 30, 30, 5 with Link headers.
	var sizes []int
	opts := &github.IssueListCommentsOptions{}
	for {
		page, resp, err := c.Issues.ListComments(ctx, "o", "r", 1, opts)
		if err != nil {
			t.Fatal(err)
		}
		sizes = append(sizes, len(page))
		if opts.Page == 0 && (resp.NextPage != 2 || resp.LastPage != 3) {
			t.Errorf("first page: next %d last %d, want 2 and 3", resp.NextPage, resp.LastPage)
		}
		if resp.NextPage == 0 {
			break
		}
		opts.Page = resp.NextPage
	}
	if diff := cmp.Diff([]int{30, 30, 5}, sizes); diff != "" {
		t.Errorf("page sizes (-want +got):\n%s", diff)
	}
	// per_page is capped at 100, like GitHub.
	page, _, err := c.Issues.ListComments(ctx, "o", "r", 1, &github.IssueListCommentsOptions{ListOptions: github.ListOptions{PerPage: 500}})
	if err != nil || len(page) != 65 || page[0].GetBody() != "0" || page[64].GetBody() != "64" {
		t.Errorf("per_page 500: %d comments, %v", len(page), err)
	}
}

func TestCommentWrites(t *testing.T) {
	s := New(t, "o", "r")
	s.AddPull(Pull{Number: 1, HeadSHA: "h"})
	c := client(t, s)
	ctx := context.Background()
	body := "hello"
	cm, _, err := c.Issues.CreateComment(ctx, "o", "r", 1, &github.IssueComment{Body: &body})
	if err != nil {
		t.Fatal(err)
	}
	if cm.GetUser().GetLogin() != "github-actions[bot]" || cm.GetUser().GetType() != "Bot" ||
		!strings.HasPrefix(cm.GetHTMLURL(), "https://github.com/o/r/pull/1#issuecomment-") || cm.CreatedAt == nil {
		t.Errorf("comment = %v", cm)
	}
	long := strings.Repeat("x", 65537)
	if _, resp, err := c.Issues.EditComment(ctx, "o", "r", cm.GetID(), &github.IssueComment{Body: &long}); err == nil || resp.StatusCode != 422 {
		t.Errorf("a body over 65,536 characters: %v", err)
	}
	if _, _, err := c.Issues.CreateComment(ctx, "o", "r", 99, &github.IssueComment{Body: &body}); err == nil {
		t.Errorf("comment on a missing pull request: no error")
	}
	human := s.AddComment(1, User{Login: "alice", Type: "User"}, "mine")
	if _, resp, err := c.Issues.EditComment(ctx, "o", "r", human.ID, &github.IssueComment{Body: &body}); err == nil || resp.StatusCode != 403 {
		t.Errorf("editing a person's comment: %v", err)
	}
	s.SetReadOnly(true)
	_, _, err = c.Issues.CreateComment(ctx, "o", "r", 1, &github.IssueComment{Body: &body})
	if err == nil || !strings.Contains(err.Error(), "403 Resource not accessible by integration") {
		t.Errorf("read-only: %v", err)
	}
	want := []string{
		"POST /repos/o/r/issues/1/comments",
		"PATCH /repos/o/r/issues/comments/1001",
		"POST /repos/o/r/issues/99/comments",
		"PATCH /repos/o/r/issues/comments/1002",
		"POST /repos/o/r/issues/1/comments",
	}
	if diff := cmp.Diff(want, s.Calls()); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
	if s.Writes() != 5 || len(s.Comments(1)) != 2 {
		t.Errorf("writes %d, comments %d; want 5 and 2", s.Writes(), len(s.Comments(1)))
	}
}

func TestToken(t *testing.T) {
	s := New(t, "o", "r")
	s.SetToken("right")
	s.AddPull(Pull{Number: 1, HeadSHA: "h"})
	for _, tc := range []struct {
		header string
		want   int
	}{
		{"Bearer right", 200}, {"token right", 200}, {"Bearer wrong", 401}, {"", 401},
	} {
		req, _ := http.NewRequest("GET", s.URL()+"repos/o/r/pulls/1", nil)
		if tc.header != "" {
			req.Header.Set("Authorization", tc.header)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("Authorization %q: status %d, want %d", tc.header, resp.StatusCode, tc.want)
		}
	}
}

func TestPullShapes(t *testing.T) {
	s := New(t, "o", "r", WithPathPrefix("/api/v3"))
	s.AddPull(Pull{Number: 2, HeadSHA: "h2", Merged: true, MergeCommitSHA: "m2", HeadRepo: "fork/r"})
	get := func(path string) string {
		resp, err := http.Get(s.URL() + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	list, one := get("repos/o/r/commits/m2/pulls"), get("repos/o/r/pulls/2")
	if strings.Contains(list, `"merged":`) || !strings.Contains(list, `"merged_at":"`) {
		t.Errorf("list shape has merged or lacks merged_at: %s", list)
	}
	var pr struct {
		Merged bool
		Head   struct{ Repo struct{ Fork bool } }
	}
	if err := json.Unmarshal([]byte(one), &pr); err != nil || !pr.Merged || !pr.Head.Repo.Fork {
		t.Errorf("GET pulls/2 = %s (%v)", one, err)
	}
	if !strings.HasSuffix(s.URL(), "/api/v3/") {
		t.Errorf("URL() = %q", s.URL())
	}
}

func TestIssueListFilters(t *testing.T) {
	s := New(t, "o", "r")
	s.AddIssue(Issue{Title: "a", Labels: []string{"itp-drift"}})
	s.AddIssue(Issue{Title: "b", Labels: []string{"ITP-Drift", "x"}, State: "closed"})
	s.AddIssue(Issue{Title: "c"})
	s.AddPull(Pull{Number: 9, HeadSHA: "h", Labels: []string{"itp-drift"}})
	c := client(t, s)
	for _, tc := range []struct {
		opts github.IssueListByRepoOptions
		want []string
	}{
		{github.IssueListByRepoOptions{}, []string{"Pull request 9", "c", "a"}},
		{github.IssueListByRepoOptions{State: "all", Labels: []string{"itp-drift"}}, []string{"Pull request 9", "b", "a"}},
		{github.IssueListByRepoOptions{State: "closed"}, []string{"b"}},
		{github.IssueListByRepoOptions{State: "all", Labels: []string{"itp-drift", "x"}, Direction: "asc"}, []string{"b"}},
	} {
		issues, _, err := c.Issues.ListByRepo(context.Background(), "o", "r", &tc.opts)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, is := range issues {
			got = append(got, is.GetTitle())
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%+v (-want +got):\n%s", tc.opts, diff)
		}
	}
}

func TestFail(t *testing.T) {
	s := New(t, "o", "r")
	s.AddPull(Pull{Number: 1, HeadSHA: "h"})
	s.Fail("GET", "/repos/o/r/pulls/1", 502, http.Header{"X-Test": {"1"}}, `{"message":"Bad Gateway"}`)
	c := client(t, s)
	_, resp, err := c.PullRequests.Get(context.Background(), "o", "r", 1)
	if err == nil || resp.StatusCode != 502 || resp.Header.Get("X-Test") != "1" {
		t.Errorf("first call: %v", err)
	}
	if _, _, err := c.PullRequests.Get(context.Background(), "o", "r", 1); err != nil {
		t.Errorf("a failure is used once: %v", err)
	}
}

// sharedDir is <repo root>/../shared, the team's reference material, which a
// fresh clone does not have.
func sharedDir(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("no go.mod above the test directory")
		}
		dir = parent
	}
	shared := filepath.Join(filepath.Dir(dir), "shared")
	if _, err := os.Stat(shared); err != nil {
		t.Skipf("reference material %s absent (only on the team's machines): %v", shared, err)
	}
	return shared
}

// The pull request JSON the fake sends uses the field names and JSON types
// of a real pull request object (from a recorded webhook payload).
func TestPullShapeMatchesRealPayload(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(sharedDir(t), "github-payloads", "pull_request_closed.json"))
	if err != nil {
		t.Skipf("payload unavailable: %v", err)
	}
	var payload struct {
		PullRequest map[string]any `json:"pull_request"`
	}
	if err := json.Unmarshal(b, &payload); err != nil {
		t.Fatal(err)
	}
	s := New(t, "o", "r")
	s.AddPull(Pull{Number: 2, HeadSHA: "h2", Merged: true, MergeCommitSHA: "m2"})
	resp, err := http.Get(s.URL() + "repos/o/r/pulls/2")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var fake map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&fake); err != nil {
		t.Fatal(err)
	}
	compareShapes(t, "pull_request", fake, payload.PullRequest)
}

func compareShapes(t *testing.T, path string, fake, real map[string]any) {
	t.Helper()
	for k, fv := range fake {
		rv, ok := real[k]
		if !ok {
			t.Errorf("%s.%s: the fake sends a field GitHub does not", path, k)
			continue
		}
		if fv == nil || rv == nil {
			continue // null where the other has a value: both are valid states
		}
		if fmt.Sprintf("%T", fv) != fmt.Sprintf("%T", rv) {
			t.Errorf("%s.%s: fake %T, GitHub %T", path, k, fv, rv)
			continue
		}
		if fm, ok := fv.(map[string]any); ok {
			compareShapes(t, path+"."+k, fm, rv.(map[string]any))
		}
	}
}

func TestMergePull(t *testing.T) {
	rec := &recorder{TB: t}
	s := New(rec, "o", "r")
	s.AddPull(Pull{Number: 3, HeadSHA: "h3"})
	c := client(t, s)
	ctx := context.Background()
	if prs, _, err := c.PullRequests.ListPullRequestsWithCommit(ctx, "o", "r", "m3", nil); err != nil || len(prs) != 0 {
		t.Fatalf("before the merge: %d pull requests for m3 (%v)", len(prs), err)
	}
	s.MergePull(3, "m3")
	prs, _, err := c.PullRequests.ListPullRequestsWithCommit(ctx, "o", "r", "m3", nil)
	if err != nil || len(prs) != 1 || prs[0].GetNumber() != 3 || prs[0].GetState() != "closed" || prs[0].MergedAt == nil {
		t.Fatalf("after the merge: %+v (%v)", prs, err)
	}
	s.MergePull(3, "m4")
	s.MergePull(9, "m9")
	if len(rec.errs) != 2 {
		t.Errorf("merging a merged or missing pull request reported %q, want 2 errors", rec.errs)
	}
}
