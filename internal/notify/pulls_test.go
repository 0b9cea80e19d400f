package notify

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/itpsync/itpsync/internal/notify/githubfake"
)

func TestPullRequestForCommit(t *testing.T) {
	c, fake := newTestClient(t)
	// #10 merged as m10; #11, merged earlier, also contains m10 (a stacked
	// branch); #12 is open with head h12; #13 is closed unmerged with head h13.
	fake.AddPull(githubfake.Pull{Number: 10, HeadSHA: "h10", Merged: true, MergeCommitSHA: "m10"})
	fake.AddPull(githubfake.Pull{Number: 11, HeadSHA: "h11", Merged: true, MergeCommitSHA: "m11", Commits: []string{"m10", "h12"}})
	fake.AddPull(githubfake.Pull{Number: 12, HeadSHA: "h12", BaseRef: "release"})
	fake.AddPull(githubfake.Pull{Number: 13, HeadSHA: "h13", Closed: true})

	for _, tc := range []struct {
		sha  string
		want *PullRequest
	}{
		{"m10", &PullRequest{Number: 10, HeadSHA: "h10", BaseRef: "main", HTMLURL: "https://github.com/acme/okta-config/pull/10", Merged: true, MergeCommitSHA: "m10"}},
		{"m11", &PullRequest{Number: 11, HeadSHA: "h11", BaseRef: "main", HTMLURL: "https://github.com/acme/okta-config/pull/11", Merged: true, MergeCommitSHA: "m11"}},
		{"h12", &PullRequest{Number: 12, HeadSHA: "h12", BaseRef: "release", HTMLURL: "https://github.com/acme/okta-config/pull/12"}},
		{"h10", nil}, // only a head of a merged PR: not its merge commit
		{"h13", nil}, // closed without merging
		{"unknown", nil},
	} {
		got, err := c.PullRequestForCommit(context.Background(), tc.sha)
		if err != nil {
			t.Fatalf("PullRequestForCommit(%q): %v", tc.sha, err)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("PullRequestForCommit(%q) (-want +got):\n%s", tc.sha, diff)
		}
	}
	if _, err := c.PullRequestForCommit(context.Background(), ""); err == nil {
		t.Errorf("empty SHA: no error")
	}
}

func TestGetPullRequest(t *testing.T) {
	c, fake := newTestClient(t)
	fake.AddPull(githubfake.Pull{Number: 5, HeadSHA: "h5", Merged: true, MergeCommitSHA: "m5"})
	got, err := c.GetPullRequest(context.Background(), 5)
	want := &PullRequest{Number: 5, HeadSHA: "h5", BaseRef: "main", HTMLURL: "https://github.com/acme/okta-config/pull/5", Merged: true, MergeCommitSHA: "m5"}
	if err != nil || !cmp.Equal(want, got) {
		t.Errorf("GetPullRequest(5) = %+v, %v; want %+v", got, err, want)
	}
	if got, err := c.GetPullRequest(context.Background(), 6); got != nil || err != nil {
		t.Errorf("GetPullRequest(6) = %+v, %v; want nil, nil", got, err)
	}
}
