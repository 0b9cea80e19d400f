package render

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/itpsync/itpsync/internal/itp"
	"github.com/itpsync/itpsync/internal/plan"
)

func TestParseFormat(t *testing.T) {
	for _, s := range []string{"text", "Markdown", " json "} {
		if _, err := ParseFormat(s); err != nil {
			t.Errorf("ParseFormat(%q): %v", s, err)
		}
	}
	_, err := ParseFormat("html")
	if want := `unknown output format "html": want one of json, markdown, text`; err == nil || err.Error() != want {
		t.Errorf("ParseFormat(html) error = %v, want %q", err, want)
	}
	if err := Plan(&bytes.Buffer{}, Format("yaml"), emptyPlan(t), Options{}); err == nil {
		t.Errorf("Plan with an unknown format: no error")
	}
}

// A plan of 3,000 zone changes is cut under the budget, says so, and still lists or counts
// every address.
func TestMarkdownHugePlanIsCut(t *testing.T) {
	p := hugePlan(t, 3000)
	for _, render := range []func(*bytes.Buffer) error{
		func(b *bytes.Buffer) error { return Plan(b, Markdown, p, Options{Footer: "FOOTER-LINE"}) },
		func(b *bytes.Buffer) error { return Drift(b, Markdown, p, Options{Footer: "FOOTER-LINE"}) },
	} {
		var b bytes.Buffer
		if err := render(&b); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		if b.Len() > DefaultMaxBytes {
			t.Errorf("body is %d bytes, over %d", b.Len(), DefaultMaxBytes)
		}
		for _, want := range []string{"| 0 | 3000 | 0 |", "FOOTER-LINE", p.Fingerprint, "the full "} {
			if !strings.Contains(out, want) {
				t.Errorf("cut body lacks %q", want)
			}
		}
		m := regexp.MustCompile(`… (\d+) objects not listed to stay under GitHub's comment limit`).FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("no cut sentence in:\n%s", out[len(out)-2000:])
		}
		unlisted, _ := strconv.Atoi(m[1])
		listed := 0
		for _, c := range p.Changes {
			if strings.Contains(out, "`"+c.Address+"`") || strings.Contains(out, "<code>"+c.Address+"</code>") {
				listed++
			}
		}
		if listed+unlisted != len(p.Changes) || listed == 0 {
			t.Errorf("listed %d + counted %d != %d changes", listed, unlisted, len(p.Changes))
		}
	}
}

// Between "everything fits" and "only counts fit", details are folded: unmanaged YAML
// first, then per-object diffs, with a sentence for each.
func TestMarkdownFoldingOrder(t *testing.T) {
	p := fullPlan(t)
	var full bytes.Buffer
	if err := Plan(&full, Markdown, p, Options{MaxBytes: 1 << 20}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		max                 int
		wantYAML, wantDiffs bool
		wantNote            string
	}{
		{full.Len(), true, true, ""},
		{full.Len() - 600, false, true, "ready-to-paste YAML of 2 unmanaged objects cut"},
		{full.Len() - 1500, false, true, "objects' details cut to stay under GitHub's comment limit; [the full plan is in the job summary](https://example.com/run)"},
	}
	for _, tt := range tests {
		var b bytes.Buffer
		if err := Plan(&b, Markdown, p, Options{MaxBytes: tt.max, DetailsURL: "https://example.com/run"}); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		if b.Len() > tt.max {
			t.Errorf("max %d: body is %d bytes", tt.max, b.Len())
		}
		if got := strings.Contains(out, "```yaml"); got != tt.wantYAML {
			t.Errorf("max %d: YAML shown %v, want %v", tt.max, got, tt.wantYAML)
		}
		if got := strings.Contains(out, "```diff"); got != tt.wantDiffs {
			t.Errorf("max %d: diffs shown %v, want %v", tt.max, got, tt.wantDiffs)
		}
		if tt.wantNote != "" && !strings.Contains(out, tt.wantNote) {
			t.Errorf("max %d: no note %q", tt.max, tt.wantNote)
		}
		// Callouts and every address survive folding.
		if !strings.Contains(out, "[!CAUTION]") {
			t.Errorf("max %d: callouts lost", tt.max)
		}
		for _, c := range p.Changes {
			if !strings.Contains(out, c.Address) {
				t.Errorf("max %d: %s not listed", tt.max, c.Address)
			}
		}
	}
}

// Text from the org cannot inject markdown or HTML, mention anyone, or break a fence.
func TestMarkdownEscaping(t *testing.T) {
	hostile := "<img src=x onerror=alert(1)> | @security-team ```` [x](http://evil) **b**"
	d := &itp.Config{}
	a := &itp.Config{Zones: []itp.Zone{{Name: hostile, Type: "IP", Usage: "BLOCKLIST", Gateways: []string{"192.0.2.1"}}}}
	for _, unmanaged := range []string{plan.UnmanagedDelete, plan.UnmanagedReport} {
		p, err := plan.Compute(d, a, plan.Options{Unmanaged: unmanaged, Encode: func(string, any) (string, error) {
			return "name: " + strconv.Quote(hostile) + "\n", nil
		}})
		if err != nil {
			t.Fatal(err)
		}
		p.Warnings = []string{hostile}
		for _, render := range []func(*bytes.Buffer) error{
			func(b *bytes.Buffer) error { return Plan(b, Markdown, p, Options{}) },
			func(b *bytes.Buffer) error { return Drift(b, Markdown, p, Options{}) },
			func(b *bytes.Buffer) error {
				return Result(b, Markdown, &plan.Result{Plan: p, Outcomes: []plan.Outcome{{Address: "x", Action: plan.Delete, Status: plan.Failed, Error: hostile}}}, Options{})
			},
		} {
			var b bytes.Buffer
			if err := render(&b); err != nil {
				t.Fatal(err)
			}
			out := b.String()
			if strings.Contains(outsideCode(out), "<img") {
				t.Errorf("%s: raw HTML from the org:\n%s", unmanaged, out)
			}
			if regexp.MustCompile(`@security-team`).MatchString(outsideCode(out)) {
				t.Errorf("%s: live mention outside code:\n%s", unmanaged, out)
			}
			if strings.Contains(outsideCode(out), "[x](http://evil)") {
				t.Errorf("%s: live link:\n%s", unmanaged, out)
			}
		}
	}
}

// outsideCode drops fenced blocks (whose fence is longer than any backtick run inside).
func outsideCode(s string) string {
	var b strings.Builder
	fenceOpen := ""
	for _, l := range strings.Split(s, "\n") {
		trimmed := strings.TrimRight(l, "abcdefghijklmnopqrstuvwxyz")
		if fenceOpen == "" && strings.HasPrefix(l, "```") && strings.Trim(trimmed, "`") == "" {
			fenceOpen = trimmed
			continue
		}
		if fenceOpen != "" {
			if l == fenceOpen {
				fenceOpen = ""
			}
			continue
		}
		b.WriteString(stripCodeSpans(l) + "\n")
	}
	return b.String()
}

// stripCodeSpans drops inline code: a run of n backticks up to the next run of exactly n.
func stripCodeSpans(l string) string {
	var b strings.Builder
	for i := 0; i < len(l); {
		if l[i] == '\\' && i+1 < len(l) {
			b.WriteString(l[i : i+2])
			i += 2
			continue
		}
		if l[i] != '`' {
			b.WriteByte(l[i])
			i++
			continue
		}
		n := 0
		for i+n < len(l) && l[i+n] == '`' {
			n++
		}
		run := strings.Repeat("`", n)
		end := -1
		for j := i + n; j < len(l); {
			k := strings.Index(l[j:], run)
			if k < 0 {
				break
			}
			k += j
			m := 0
			for k+m < len(l) && l[k+m] == '`' {
				m++
			}
			if m == n {
				end = k
				break
			}
			j = k + m
		}
		if end < 0 {
			b.WriteString(run)
			i += n
			continue
		}
		i = end + n
	}
	return b.String()
}

func TestCodeSpanAndFence(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "`plain`"},
		{"a`b", "``a`b``"},
		{"`x`", "`` `x` ``"},
		{"a\nb", "`a b`"},
	}
	for _, tt := range tests {
		if got := codeSpan(tt.in); got != tt.want {
			t.Errorf("codeSpan(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := fence("x ````` y"); got != "``````" {
		t.Errorf("fence = %q", got)
	}
}

func TestTextCleansControlCharacters(t *testing.T) {
	p := &plan.Plan{Mode: plan.ModePlan, Changes: []plan.Change{{Address: "network_zones.x", Kind: itp.KindZone,
		Name: "evil\x1b[2J", Action: plan.Delete, Note: "note\x1b]0;title\x07"}}, Counts: plan.Counts{Delete: 1}}
	var b bytes.Buffer
	if err := Plan(&b, Text, p, Options{}); err != nil {
		t.Fatal(err)
	}
	if strings.ContainsRune(b.String(), '\x1b') || strings.ContainsRune(b.String(), '\a') {
		t.Errorf("control characters reached the terminal: %q", b.String())
	}
}

func TestLongValueLineDiff(t *testing.T) {
	before := "line one\nline two\nline three\n"
	after := "line one\nline 2\nline three\n"
	got := fieldLines(plan.FieldChange{Path: "settings.issuer", Before: before, After: after})
	want := []line{
		{'~', "settings.issuer:"},
		{' ', "    line one"},
		{'-', "    line two"},
		{'+', "    line 2"},
		{' ', "    line three"},
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(line{})); diff != "" {
		t.Errorf("fieldLines (-want +got):\n%s", diff)
	}
}

func TestJSONPlanRoundTrips(t *testing.T) {
	p := fullPlan(t)
	var b bytes.Buffer
	if err := Plan(&b, JSON, p, Options{}); err != nil {
		t.Fatal(err)
	}
	var back plan.Plan
	if err := json.Unmarshal(b.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(p, &back); diff != "" {
		t.Errorf("render JSON is not a readable plan (-want +got):\n%s", diff)
	}
	var head struct {
		FormatVersion int    `json:"format_version"`
		Summary       string `json:"summary"`
		HasChanges    bool   `json:"has_changes"`
	}
	if err := json.Unmarshal(b.Bytes(), &head); err != nil || head.FormatVersion != 1 || head.Summary != p.Summary() || !head.HasChanges {
		t.Errorf("head %+v, err %v", head, err)
	}
}

func BenchmarkMarkdownHugePlan(b *testing.B) {
	p := hugePlan(b, 3000)
	for b.Loop() {
		if err := Plan(&bytes.Buffer{}, Markdown, p, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
