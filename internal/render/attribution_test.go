package render

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/itpsync/itpsync/internal/plan"
)

// attributedDrift is the full drift fixture with System Log attributions: a console admin
// on the first update, an OAuth service app on the first unmanaged object.
func attributedDrift(t *testing.T) *plan.Plan {
	t.Helper()
	p := computeFixture(t, plan.ModeDrift, plan.UnmanagedReport)
	upd := -1
	for i, c := range p.Changes {
		if c.Action == plan.Update && upd < 0 {
			upd = i
		}
	}
	if upd < 0 || len(p.Unmanaged) == 0 {
		t.Fatal("the drift fixture has no update or no unmanaged object")
	}
	// Only objects the org has can be attributed: an update, not the create before it.
	p.Changes[upd].Attribution = &plan.Attribution{Actor: "Jane Admin", ActorLogin: "jane@acme.com", EventType: "zone.update",
		Message: "Update network zone", Published: time.Date(2026, 12, 3, 14, 2, 41, 123e6, time.UTC),
		ClientIP: "203.0.113.5", Location: "Lisbon, Portugal"}
	p.Unmanaged[0].Attribution = &plan.Attribution{Actor: "Okta Admin", ActorLogin: "0oa1serviceapp", EventType: "zone.create",
		Published: time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC), ClientIP: "198.51.100.7"}
	return p
}

func TestGoldenAttributedDrift(t *testing.T) {
	opts := Options{Footer: "Planned at head `abc1234`.", DetailsURL: "https://github.com/acme/okta/actions/runs/1"}
	for _, f := range []Format{Text, Markdown, JSON} {
		t.Run(string(f), func(t *testing.T) {
			var b bytes.Buffer
			if err := Drift(&b, f, attributedDrift(t), opts); err != nil {
				t.Fatal(err)
			}
			golden(t, "drift_attributed"+map[Format]string{Text: ".txt", Markdown: ".md", JSON: ".json"}[f], b.Bytes())
		})
	}
}

// TestAttributionEscapesOrgText: an admin's display name and login are org text; in
// markdown they must not format, link, inject HTML or mention anyone.
func TestAttributionEscapesOrgText(t *testing.T) {
	p := attributedDrift(t)
	p.Changes[0].Attribution = &plan.Attribution{EventType: "zone.update", Published: time.Date(2026, 12, 3, 14, 2, 0, 0, time.UTC)}
	p.Changes[0].Attribution.Actor = "**Boss** <img src=x onerror=alert(1)> [click](https://evil.example) @octocat"
	p.Changes[0].Attribution.ActorLogin = "`@security-team`"
	p.Changes[0].Attribution.ClientIP = "<b>1.2.3.4</b>"
	var b bytes.Buffer
	if err := Drift(&b, Markdown, p, Options{}); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	for _, bad := range []string{"<img", "**Boss**", "[click](", " @octocat", "<b>"} {
		if strings.Contains(md, bad) {
			t.Errorf("markdown contains %q unescaped", bad)
		}
	}
	if !strings.Contains(md, "Last changed by **\\*\\*Boss\\*\\* &lt;img") || !strings.Contains(md, "(`` `@security-team` ``)") {
		t.Errorf("attribution not rendered escaped:\n%s", md)
	}
	var txt bytes.Buffer
	p.Changes[0].Attribution.Actor = "Eve\x1b[31m"
	if err := Drift(&txt, Text, p, Options{}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(txt.String(), "\x1b[31m") {
		t.Error("text output carries a terminal escape from the org")
	}
}
