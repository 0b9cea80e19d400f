package notify

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func shortNote(lines, units int) string { return fmt.Sprintf("[cut %d/%d]\n", lines, units) }

func TestCutToFit(t *testing.T) {
	for _, tc := range []struct {
		name  string
		head  string
		text  string
		limit int
		want  string
		ok    bool
	}{
		{"fits", "H\n", "a\nb\n", 6, "H\na\nb\n", true},
		{"cut on a line boundary", "H\n", "aaaa\nbbbb\ncccc\ndddd\n", 21, "H\naaaa\n[cut 3/15]\n", true},
		{"code fence closed", "", "```\n" + strings.Repeat("x\n", 10) + "```\n", 25, "```\nx\nx\nx\n```\n[cut 8/18]\n", true},
		{"tilde fence and details closed", "", "<details>\n~~~~\n" + strings.Repeat("1\n", 10) + "~~~~\n</details>\n", 45,
			"<details>\n~~~~\n1\n~~~~\n</details>\n[cut 11/34]\n", true},
		{"closed fence stays closed", "", "```\nx\n```\ntail line\nmore\n", 24, "```\nx\n```\n[cut 2/15]\n", true},
		{"footer kept", "", "a\nb\nc\nd\ne\nf\ng\nh\n" + FooterMarker + "\nF\n", 40, "a\n[cut 7/14]\n" + FooterMarker + "\nF\n", true},
		{"marker inside a line is no footer", "", "a " + FooterMarker + "\nb\nc\n", 20, "[cut 3/30]\n", true},
		{"huge footer cut like the rest", "", "a\nb\nc\n" + FooterMarker + "\n" + strings.Repeat("F", 100) + "\n", 20, "a\nb\nc\n[cut 2/125]\n", true},
		{"not even the note fits", "HEAD\n", "abcdef\n", 8, "", false},
		{"no trailing newline", "", "aaaa\n" + strings.Repeat("b", 19), 20, "aaaa\n[cut 1/19]\n", true},
	} {
		got, ok := cutToFit(tc.head, tc.text, tc.limit, byteLen, shortNote)
		if diff := cmp.Diff(tc.want, got); diff != "" || ok != tc.ok {
			t.Errorf("%s: ok = %v (-want +got):\n%s", tc.name, ok, diff)
		}
		if ok && len(got) > tc.limit {
			t.Errorf("%s: %d bytes over the limit of %d", tc.name, len(got), tc.limit)
		}
	}
}

// Every limit from tiny to larger than the text gives a result within it.
func TestCutToFitAlwaysWithinLimit(t *testing.T) {
	var b strings.Builder
	b.WriteString("<details><summary>s</summary>\n\n```diff\n")
	for i := range 40 {
		fmt.Fprintf(&b, "+ line %d %s\n", i, strings.Repeat("é", i%7))
	}
	b.WriteString("```\n</details>\n" + FooterMarker + "\nfooter\n")
	text := b.String()
	for limit := 0; limit <= len(text)+5; limit++ {
		got, ok := cutToFit("H\n", text, limit, githubChars, shortNote)
		if ok && githubChars(got) > limit {
			t.Fatalf("limit %d: result of %d characters", limit, githubChars(got))
		}
		if !ok && limit > 60 {
			t.Fatalf("limit %d: gave up", limit)
		}
	}
}

func TestFitBodyHardCut(t *testing.T) {
	head := strings.Repeat("h", MaxBodyChars+10) // cannot happen with sane meta
	if got := fitBody(head, "text"); githubChars(got) >= MaxBodyChars {
		t.Errorf("fitBody = %d characters", githubChars(got))
	}
}

func TestGithubChars(t *testing.T) {
	for s, want := range map[string]int{"": 0, "abc": 3, "✓": 1, "é": 1, "😀": 2} {
		if got := githubChars(s); got != want {
			t.Errorf("githubChars(%q) = %d, want %d", s, got, want)
		}
	}
}

func BenchmarkAddSummaryCut(b *testing.B) {
	var sb strings.Builder
	for i := 0; sb.Len() < 2*MaxSummaryBytes; i++ {
		fmt.Fprintf(&sb, "| zone-%06d | updated | `10.0.0.0/8` |\n", i)
	}
	text := sb.String()
	for b.Loop() {
		if _, ok := cutToFit("", text, MaxSummaryBytes, byteLen, shortNote); !ok {
			b.Fatal("no fit")
		}
	}
}

func BenchmarkFitBody(b *testing.B) {
	text := strings.Repeat("+ zone `Corporate VPN` gateway 10.0.0.0/8 → 10.1.0.0/16 ✓\n", 3000)
	for b.Loop() {
		fitBody("<!-- itpsync:plan env=\"production\" -->\n", text)
	}
}
