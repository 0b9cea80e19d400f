package notify

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/itpsync/itpsync/internal/notify/githubfake"
)

const runURL = "https://github.com/acme/okta-config/actions/runs/42"

func drift(env, digest string) DriftReport {
	return DriftReport{
		Environment: env, Drifted: true, Digest: digest, RunURL: runURL,
		Body:    "## Drift\n\nzone `Corp VPN` changed (" + digest + ")\n",
		Summary: "1 different (`network_zones.corp_vpn`).",
	}
}

func inSync(env string) DriftReport { return DriftReport{Environment: env, RunURL: runURL} }

// issueState is what a step checks of the one drift issue.
type issueState struct {
	State    string
	Digest   string
	Comments int
	Last     string // a phrase the last comment contains
}

func TestSyncDriftIssueLifecycle(t *testing.T) {
	ctx := context.Background()
	c, fake := newTestClient(t)

	steps := []struct {
		name       string
		report     DriftReport
		human      func()      // what a person does before the run
		wantAction string      // of SyncDriftIssue
		wantWrites int         // writes made by this step
		want       *issueState // nil: no issue
		wantCalls  []string    // writes made by this step, when checked
	}{
		{name: "in sync, no issue", report: inSync("production"), wantAction: ActionNone},
		{name: "drift opens", report: drift("production", "sha256:aaa"), wantAction: ActionOpened, wantWrites: 2,
			want:      &issueState{State: "open", Digest: "sha256:aaa"},
			wantCalls: []string{"POST /repos/acme/okta-config/labels", "POST /repos/acme/okta-config/issues"}},
		{name: "same drift is silent", report: drift("production", "sha256:aaa"), wantAction: ActionUnchanged,
			want: &issueState{State: "open", Digest: "sha256:aaa"}},
		{name: "changed drift updates and comments once", report: drift("production", "sha256:bbb"),
			wantAction: ActionUpdated, wantWrites: 2,
			want: &issueState{State: "open", Digest: "sha256:bbb", Comments: 1, Last: "The drift changed (digest `sha256:aaa` → `sha256:bbb`): 1 different (`network_zones.corp_vpn`). The description"}},
		{name: "resolved comments and closes", report: inSync("production"), wantAction: ActionClosed, wantWrites: 2,
			want: &issueState{State: "closed", Digest: "sha256:bbb", Comments: 2, Last: "matches the definitions again"}},
		{name: "still in sync is silent", report: inSync("production"), wantAction: ActionNone,
			want: &issueState{State: "closed", Digest: "sha256:bbb", Comments: 2}},
		{name: "drift returns: reopened", report: drift("production", "sha256:ccc"), wantAction: ActionReopened, wantWrites: 2,
			want: &issueState{State: "open", Digest: "sha256:ccc", Comments: 3, Last: "The drift returned, so this issue is reopened: 1 different (`network_zones.corp_vpn`). Its description"}},
		{name: "a person closes it while drift persists: reopened, not duplicated",
			human:  func() { fake.SetIssueState(1, "closed", "not_planned") },
			report: drift("production", "sha256:ccc"), wantAction: ActionReopened, wantWrites: 2,
			want: &issueState{State: "open", Digest: "sha256:ccc", Comments: 4, Last: "The drift returned"}},
	}
	for _, st := range steps {
		if st.human != nil {
			st.human()
		}
		before, calls := fake.Writes(), len(fake.Calls())
		res, err := c.SyncDriftIssue(ctx, st.report)
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if res.Action != st.wantAction {
			t.Errorf("%s: action = %q, want %q", st.name, res.Action, st.wantAction)
		}
		if got := fake.Writes() - before; got != st.wantWrites {
			t.Errorf("%s: writes = %d, want %d", st.name, got, st.wantWrites)
		}
		if st.wantCalls != nil {
			var writes []string
			for _, call := range fake.Calls()[calls:] {
				if !strings.HasPrefix(call, "GET ") {
					writes = append(writes, call)
				}
			}
			if diff := cmp.Diff(st.wantCalls, writes); diff != "" {
				t.Errorf("%s: write calls (-want +got):\n%s", st.name, diff)
			}
		}
		issues := fake.Issues()
		if st.want == nil {
			if len(issues) != 0 {
				t.Errorf("%s: issues = %d, want none", st.name, len(issues))
			}
			continue
		}
		if len(issues) != 1 {
			t.Fatalf("%s: issues = %d, want exactly 1", st.name, len(issues))
		}
		is := issues[0]
		if res.Number != is.Number || res.URL != is.HTMLURL {
			t.Errorf("%s: result %+v does not name issue #%d", st.name, res, is.Number)
		}
		comments := fake.IssueComments(is.Number)
		got := issueState{State: is.State, Digest: parseMeta(is.Body)["digest"], Comments: len(comments)}
		if len(comments) > 0 && strings.Contains(comments[len(comments)-1].Body, st.want.Last) {
			got.Last = st.want.Last
		}
		if diff := cmp.Diff(*st.want, got); diff != "" {
			t.Errorf("%s: issue (-want +got):\n%s", st.name, diff)
		}
		if got.Comments > 0 && !strings.Contains(comments[len(comments)-1].Body, runURL) {
			t.Errorf("%s: last comment does not link the run", st.name)
		}
		if is.Title != "ITP drift: production" || !hasLine(is.Body, `<!-- itpsync:drift env="production" -->`) ||
			!strings.Contains(is.Body, "zone `Corp VPN` changed ("+got.Digest+")") {
			t.Errorf("%s: title %q / body %q", st.name, is.Title, is.Body)
		}
	}
	if is := fake.Issues()[0]; is.StateReason != "reopened" {
		t.Errorf("state_reason = %q, want reopened", is.StateReason)
	}
}

func TestSyncDriftIssueClosesAsCompleted(t *testing.T) {
	ctx := context.Background()
	c, fake := newTestClient(t)
	for _, r := range []DriftReport{drift("", "sha256:1"), inSync("")} {
		if _, err := c.SyncDriftIssue(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	is := fake.Issues()[0]
	if is.State != "closed" || is.StateReason != "completed" || is.Title != "ITP drift: default" {
		t.Errorf("issue = %+v, want closed as completed, titled for the default environment", is)
	}
}

func TestSyncDriftIssueEnvironmentsAndLabel(t *testing.T) {
	ctx := context.Background()
	c, fake := newTestClient(t)
	for _, r := range []DriftReport{drift("production", "d1"), drift("staging", "d2"), drift("production", "d1"), drift("staging", "d3")} {
		if _, err := c.SyncDriftIssue(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	var titles []string
	for _, is := range fake.Issues() {
		titles = append(titles, is.Title+" "+strings.Join(is.Labels, ","))
	}
	if diff := cmp.Diff([]string{"ITP drift: production itp-drift", "ITP drift: staging itp-drift"}, titles); diff != "" {
		t.Errorf("issues (-want +got):\n%s", diff)
	}
	var labelPosts int
	for _, call := range fake.Calls() {
		if call == "POST /repos/acme/okta-config/labels" {
			labelPosts++
		}
	}
	if labelPosts != 1 {
		t.Errorf("label created %d times, want once", labelPosts)
	}
}

func TestSyncDriftIssueIgnoresPullsAndPeople(t *testing.T) {
	ctx := context.Background()
	c, fake := newTestClient(t)
	fake.AddLabel(DriftLabel)
	line := Marker{Kind: KindDrift, Environment: "production"}.String()
	// A pull request by the same bot carrying the label and the marker line,
	// and a person's issue quoting the marker line.
	fake.AddPull(githubfake.Pull{Number: 1, HeadSHA: "abc", Labels: []string{DriftLabel}, Body: line + "\nfix drift", User: githubfake.BotUser})
	fake.AddIssue(githubfake.Issue{Title: "bot broken?", Labels: []string{DriftLabel}, Body: "it wrote\n" + line})

	res, err := c.SyncDriftIssue(ctx, drift("production", "x"))
	if err != nil || res.Action != ActionOpened || res.Number != 3 {
		t.Fatalf("SyncDriftIssue = %+v, %v; want issue #3 opened", res, err)
	}
	res, err = c.SyncDriftIssue(ctx, inSync("production"))
	if err != nil || res.Action != ActionClosed || res.Number != 3 {
		t.Fatalf("SyncDriftIssue = %+v, %v; want issue #3 closed", res, err)
	}
	for _, is := range fake.Issues() {
		if is.Number == 2 && (is.State != "open" || len(fake.IssueComments(2)) != 0) {
			t.Errorf("the person's issue was touched: %+v", is)
		}
	}
	if len(fake.IssueComments(1)) != 0 {
		t.Errorf("the pull request got comments")
	}
}

func TestSyncDriftIssuePicksMostRecentOfDuplicates(t *testing.T) {
	ctx := context.Background()
	c, fake := newTestClient(t)
	fake.AddLabel(DriftLabel)
	body := compose(Marker{Kind: KindDrift, Environment: "production"}, Meta{"digest": "d"}, "old")
	old := fake.AddIssue(githubfake.Issue{Title: "old", Labels: []string{DriftLabel}, Body: body, User: githubfake.BotUser, State: "closed"})
	recent := fake.AddIssue(githubfake.Issue{Title: "recent", Labels: []string{DriftLabel}, Body: body, User: githubfake.BotUser, State: "closed"})
	fake.SetIssueState(old.Number, "closed", "completed") // the older issue, touched later: most recently updated
	// 120 unrelated, more recently updated drift issues push both onto page 2.
	for i := range 120 {
		fake.AddIssue(githubfake.Issue{Title: fmt.Sprintf("other %d", i), Labels: []string{DriftLabel}, User: githubfake.BotUser})
	}

	res, err := c.SyncDriftIssue(ctx, drift("production", "d"))
	if err != nil || res.Action != ActionReopened || res.Number != old.Number {
		t.Fatalf("SyncDriftIssue = %+v, %v; want #%d (most recently updated) reopened", res, err, old.Number)
	}
	if len(fake.Issues()) != 122 {
		t.Errorf("issues = %d, want no new one", len(fake.Issues()))
	}
	for _, is := range fake.Issues() {
		if is.Number == recent.Number && is.State != "closed" {
			t.Errorf("the other duplicate was reopened")
		}
	}
}

// notFoundLabels makes GET labels/... answer 404, as if another run had not
// yet created the label when this one looked.
type notFoundLabels struct{ next http.RoundTripper }

func (n notFoundLabels) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method == http.MethodGet && strings.Contains(req.URL.Path, "/labels/") {
		req2 := req.Clone(req.Context())
		req2.URL.Path = strings.Replace(req.URL.Path, "/labels/", "/labels/missing-", 1)
		return n.next.RoundTrip(req2)
	}
	return n.next.RoundTrip(req)
}

func TestSyncDriftIssueLabelRace(t *testing.T) {
	fake := githubfake.New(t, "acme", "okta-config")
	fake.AddLabel(DriftLabel) // created by a concurrent run between our GET and POST
	c, err := New(testToken, fake.URL(), "acme/okta-config", &http.Client{Transport: notFoundLabels{http.DefaultTransport}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.SyncDriftIssue(context.Background(), drift("production", "d"))
	if err != nil || res.Action != ActionOpened {
		t.Fatalf("SyncDriftIssue = %+v, %v; want opened despite 422 already_exists", res, err)
	}
}

func TestSyncDriftIssueBodyLimit(t *testing.T) {
	c, fake := newTestClient(t)
	r := drift("production", "big")
	r.Body = strings.Repeat("| zone | changed |\n", 5000) // 95,000 characters
	if _, err := c.SyncDriftIssue(context.Background(), r); err != nil {
		t.Fatal(err) // the fake refuses bodies over the limit
	}
	body := fake.Issues()[0].Body
	if githubChars(body) >= MaxBodyChars || parseMeta(body)["digest"] != "big" || !strings.Contains(body, "itpsync cut ") {
		t.Errorf("body of %d characters, meta %v", githubChars(body), parseMeta(body))
	}
}
