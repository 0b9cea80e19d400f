package notify

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/itpsync/itpsync/internal/notify/githubfake"
)

// testToken is what the fake requires; no error text may contain it.
const testToken = "ghs_TESTtoken0123456789abcdefSECRET"

func newTestClient(t *testing.T, opts ...githubfake.Option) (*Client, *githubfake.Server) {
	t.Helper()
	fake := githubfake.New(t, "acme", "okta-config", opts...)
	fake.SetToken(testToken)
	c, err := New(testToken, fake.URL(), "acme/okta-config", nil)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c, fake
}

// noToken fails the test when err's text holds the token.
func noToken(t *testing.T, err error) {
	t.Helper()
	if err != nil && strings.Contains(err.Error(), testToken) {
		t.Errorf("error text contains the token: %v", err)
	}
}

var prodPlan = Marker{Kind: KindPlan, Environment: "production"}

func TestUpsertCommentSticky(t *testing.T) {
	ctx := context.Background()
	c, fake := newTestClient(t)
	fake.AddPull(githubfake.Pull{Number: 7, HeadSHA: "abc123"})

	steps := []struct {
		name       string
		meta       Meta
		body       string
		wantAction string
		wantWrites int // total writes after the step
	}{
		{"first call creates", Meta{"head": "abc123"}, "Plan: 1 to add.\n", ActionCreated, 1},
		{"new body edits", Meta{"head": "def456"}, "Plan: 2 to add.\n", ActionUpdated, 2},
		{"identical body writes nothing", Meta{"head": "def456"}, "Plan: 2 to add.\n", ActionUnchanged, 2},
		{"new meta alone edits", Meta{"head": "fff000"}, "Plan: 2 to add.\n", ActionUpdated, 3},
		{"CRLF from the caller is the same body", Meta{"head": "fff000"}, "Plan: 2 to add.\r\n", ActionUnchanged, 3},
	}
	var id int64
	for _, st := range steps {
		res, err := c.UpsertComment(ctx, 7, prodPlan, st.meta, st.body)
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if res.Action != st.wantAction {
			t.Errorf("%s: action = %q, want %q", st.name, res.Action, st.wantAction)
		}
		if id == 0 {
			id = res.ID
		}
		if res.ID != id || !strings.Contains(res.URL, "/pull/7#issuecomment-") {
			t.Errorf("%s: result %+v, want comment %d with its html_url", st.name, res, id)
		}
		if got := fake.Writes(); got != st.wantWrites {
			t.Errorf("%s: writes = %d, want %d", st.name, got, st.wantWrites)
		}
	}
	comments := fake.Comments(7)
	if len(comments) != 1 {
		t.Fatalf("comments = %d, want 1", len(comments))
	}
	want := prodPlan.String() + "\n" + `<!-- itpsync:meta {"head":"fff000"} -->` + "\nPlan: 2 to add.\n"
	if diff := cmp.Diff(want, comments[0].Body); diff != "" {
		t.Errorf("stored body (-want +got):\n%s", diff)
	}
	got, err := c.FindComment(ctx, 7, prodPlan)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&Comment{ID: id, URL: comments[0].HTMLURL, Body: want, Meta: Meta{"head": "fff000"}}, got); diff != "" {
		t.Errorf("FindComment (-want +got):\n%s", diff)
	}
}

func TestUpsertCommentPerEnvironment(t *testing.T) {
	ctx := context.Background()
	c, fake := newTestClient(t)
	fake.AddPull(githubfake.Pull{Number: 3, HeadSHA: "abc"})
	for _, env := range []string{"production", "staging", "", "production"} {
		if _, err := c.UpsertComment(ctx, 3, Marker{Kind: KindPlan, Environment: env}, nil, "plan of "+env); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	for _, cm := range fake.Comments(3) {
		got = append(got, strings.SplitN(cm.Body, "\n", 2)[0])
	}
	want := []string{
		`<!-- itpsync:plan env="production" -->`,
		`<!-- itpsync:plan env="staging" -->`,
		`<!-- itpsync:plan env="" -->`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("one comment per environment (-want +got):\n%s", diff)
	}
}

func TestFindCommentIgnoresQuotesAndOthers(t *testing.T) {
	ctx := context.Background()
	c, fake := newTestClient(t)
	fake.AddPull(githubfake.Pull{Number: 1, HeadSHA: "abc"})
	human := githubfake.User{Login: "mallory", Type: "User"}
	line := prodPlan.String()
	// A person pasting the marker line, even on its own line, is not us.
	fake.AddComment(1, human, "Why does the bot write\n"+line+"\n?")
	// Our own account quoting the marker inside other text is no marker.
	fake.AddComment(1, githubfake.BotUser, "The plan comment starts with `"+line+"`.")
	// Another environment's marker, and one whose name extends ours.
	fake.AddComment(1, githubfake.BotUser, `<!-- itpsync:plan env="production-eu" -->`+"\nother")
	fake.AddComment(1, githubfake.BotUser, Marker{Kind: KindDrift, Environment: "production"}.String())

	got, err := c.FindComment(ctx, 1, prodPlan)
	if err != nil || got != nil {
		t.Fatalf("FindComment = %+v, %v; want nil, nil", got, err)
	}
	res, err := c.UpsertComment(ctx, 1, prodPlan, nil, "plan")
	if err != nil || res.Action != ActionCreated {
		t.Fatalf("UpsertComment = %+v, %v; want a new comment", res, err)
	}
	if got := fake.Comments(1)[0].Body; !strings.HasPrefix(got, "Why does") {
		t.Errorf("the person's comment was edited: %q", got)
	}
}

func TestSelfLogin(t *testing.T) {
	ctx := context.Background()
	c, fake := newTestClient(t)
	fake.AddPull(githubfake.Pull{Number: 1, HeadSHA: "abc"})
	alice := githubfake.User{Login: "alice", Type: "User"}
	fake.SetActor(alice) // the workflow uses alice's personal access token
	c.SetSelfLogin("Alice")
	fake.AddComment(1, githubfake.BotUser, prodPlan.String()+"\nsome other bot")
	for _, body := range []string{"one", "two"} {
		if _, err := c.UpsertComment(ctx, 1, prodPlan, nil, body); err != nil {
			t.Fatal(err)
		}
	}
	var mine int
	for _, cm := range fake.Comments(1) {
		if cm.User == alice {
			mine++
		}
	}
	if mine != 1 || len(fake.Comments(1)) != 2 {
		t.Errorf("comments by alice = %d (of %d), want 1 (of 2)", mine, len(fake.Comments(1)))
	}
}

func TestUpsertCommentPaginates(t *testing.T) {
	ctx := context.Background()
	c, fake := newTestClient(t)
	fake.AddPull(githubfake.Pull{Number: 9, HeadSHA: "abc"})
	reviewer := githubfake.User{Login: "reviewer", Type: "User"}
	for i := range 120 {
		fake.AddComment(9, reviewer, fmt.Sprintf("comment %d", i))
	}
	if res, err := c.UpsertComment(ctx, 9, prodPlan, nil, "v1"); err != nil || res.Action != ActionCreated {
		t.Fatalf("first upsert = %+v, %v", res, err)
	}
	for i := range 15 {
		fake.AddComment(9, reviewer, fmt.Sprintf("later %d", i))
	}
	// Our comment is the 121st of 136: on page 2 of 100.
	res, err := c.UpsertComment(ctx, 9, prodPlan, nil, "v2")
	if err != nil || res.Action != ActionUpdated {
		t.Fatalf("second upsert = %+v, %v; want updated", res, err)
	}
	var ours, lists int
	for _, cm := range fake.Comments(9) {
		if cm.User == githubfake.BotUser {
			ours++
		}
	}
	for _, call := range fake.Calls() {
		if call == "GET /repos/acme/okta-config/issues/9/comments" {
			lists++
		}
	}
	if ours != 1 || len(fake.Comments(9)) != 136 {
		t.Errorf("bot comments = %d of %d, want 1 of 136", ours, len(fake.Comments(9)))
	}
	if lists != 4 {
		t.Errorf("list calls = %d, want 4 (two pages, twice)", lists)
	}
}

func TestUpsertCommentTruncates(t *testing.T) {
	ctx := context.Background()
	c, fake := newTestClient(t)
	fake.AddPull(githubfake.Pull{Number: 2, HeadSHA: "abc"})
	var b strings.Builder
	b.WriteString("## Plan\n\n<details><summary>Changes</summary>\n\n```diff\n")
	for i := 0; b.Len() < 90000; i++ {
		fmt.Fprintf(&b, "+ zone %05d: 10.0.%d.0/24 ✓\n", i, i%250)
	}
	b.WriteString("```\n</details>\n\n" + FooterMarker + "\n---\n[run](https://example.test/run/1)\n")
	meta := Meta{"fingerprint": "sha256:00ff"}

	res, err := c.UpsertComment(ctx, 2, prodPlan, meta, b.String())
	if err != nil {
		t.Fatalf("UpsertComment: %v", err) // the fake refuses bodies over the limit
	}
	got := fake.Comments(2)[0].Body
	if n := githubChars(got); n >= MaxBodyChars {
		t.Errorf("body is %d characters, want < %d", n, MaxBodyChars)
	}
	for _, want := range []string{
		prodPlan.String() + "\n" + `<!-- itpsync:meta {"fingerprint":"sha256:00ff"} -->` + "\n## Plan\n",
		"+ zone 00000: 10.0.0.0/24 ✓\n",
		"itpsync cut ",
		FooterMarker + "\n---\n[run](https://example.test/run/1)\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("truncated body lacks %q", want)
		}
	}
	if !strings.HasSuffix(got, "[run](https://example.test/run/1)\n") {
		t.Errorf("footer is not last: %q", got[len(got)-200:])
	}
	if n := strings.Count(got, "```"); n%2 != 0 {
		t.Errorf("code fences = %d, want balanced", n)
	}
	if strings.Count(got, "<details>") != strings.Count(got, "</details>") {
		t.Errorf("unbalanced <details> in truncated body")
	}
	// Same input, same cut: the next run writes nothing.
	res2, err := c.UpsertComment(ctx, 2, prodPlan, meta, b.String())
	if err != nil || res2.Action != ActionUnchanged || res2.ID != res.ID {
		t.Errorf("second upsert = %+v, %v; want unchanged", res2, err)
	}
}

func TestUpsertCommentBadInput(t *testing.T) {
	c, fake := newTestClient(t)
	for _, tc := range []struct {
		pr   int
		m    Marker
		want string
	}{
		{1, Marker{Kind: "apply"}, `post the apply comment on pull request #1: invalid marker kind "apply": want "drift" or "plan"`},
		{0, prodPlan, "post the plan comment on pull request #0: invalid pull request number 0"},
	} {
		_, err := c.UpsertComment(context.Background(), tc.pr, tc.m, nil, "x")
		if err == nil || err.Error() != tc.want {
			t.Errorf("UpsertComment(%d, %+v) error = %v, want %q", tc.pr, tc.m, err, tc.want)
		}
	}
	if n := len(fake.Calls()); n != 0 {
		t.Errorf("bad input made %d requests", n)
	}
}

func TestUpsertCommentOfAnotherBot(t *testing.T) {
	ctx := context.Background()
	c, fake := newTestClient(t)
	fake.AddPull(githubfake.Pull{Number: 1, HeadSHA: "abc"})
	// Written before the workflow switched to GITHUB_TOKEN; we may not edit it.
	fake.AddComment(1, githubfake.User{Login: "itpsync-app[bot]", Type: "Bot"}, prodPlan.String()+"\nold")
	for _, st := range []struct{ body, want string }{
		{"a", ActionCreated}, {"b", ActionUpdated}, {"b", ActionUnchanged},
	} {
		res, err := c.UpsertComment(ctx, 1, prodPlan, nil, st.body)
		if err != nil || res.Action != st.want {
			t.Fatalf("UpsertComment(%q) = %+v, %v; want %s", st.body, res, err, st.want)
		}
	}
	if n := len(fake.Comments(1)); n != 2 {
		t.Errorf("comments = %d, want the old one and ours", n)
	}
}
