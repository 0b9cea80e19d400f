package demo

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRenderMarkdown(t *testing.T) {
	for _, tc := range []struct {
		name, md string
		color    bool
		want     string
	}{
		{"heading and bold", "### itpsync plan — demo\n\n**Plan: 1 to add.**", false,
			"itpsync plan — demo\n\nPlan: 1 to add."},
		{"heading in colour", "## Title", true, ansiBold + "Title" + ansiReset},
		{"details become indented sections", "<details><summary><code>+ create</code> <code>network_zones.a</code> A</summary>\n\n```diff\n+ name: \"A\"\n```\n\n</details>\nafter", false,
			"▸ + create network_zones.a A\n\n    + name: \"A\"\n\nafter"},
		{"diff coloured only with colour", "```diff\n+ a\n- b\n~ c\n  d\n```", true,
			"  " + ansiGreen + "+ a" + ansiReset + "\n  " + ansiRed + "- b" + ansiReset + "\n  " + ansiYellow + "~ c" + ansiReset + "\n    d"},
		{"yaml not coloured", "```yaml\n- a\n```", true, "  - a"},
		{"hidden comments dropped", "<!-- itpsync:meta {\"a\":1} -->\ntext", false, "text"},
		{"alerts", "> [!CAUTION]\n> **1 risk.** Review:\n> - `a`: b", false, "┃ CAUTION\n┃ 1 risk. Review:\n┃ - a: b"},
		{"table aligned, empty header dropped", "| | |\n|---|---|\n| User | jane |\n| Risk before | NONE |", false,
			"User         jane\nRisk before  NONE"},
		{"table with header", "| To add | To change |\n| ---: | ---: |\n| 1 | 22 |", false, "To add  To change\n1       22"},
		{"escaped pipe in a cell", "| a | x \\| y |", false, "a  x | y"},
		{"entities and escapes", "usage BLOCKLIST -&gt; POLICY, user\\_risks", false, "usage BLOCKLIST -> POLICY, user_risks"},
		{"code span keeps its text", "`a_b**c**`", false, "a_b**c**"},
		{"link", "Drift issue [#2](https://github.com/o/r/issues/2): opened.", false, "Drift issue #2 (https://github.com/o/r/issues/2): opened."},
		{"unknown tags removed", "a<br>b <sub>c</sub>", false, "a b c"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := strings.TrimRight(renderMarkdown(tc.md, tc.color), "\n")
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("renderMarkdown(%q) (-want +got):\n%s", tc.md, d)
			}
		})
	}
}

func TestGroupLines(t *testing.T) {
	log := "x\n::group::Apply\n::stop-commands::abc\nEnvironment: demo\n  applied  + a\n\n::abc::\n::endgroup::\n::group::Other\nno\n::endgroup::\n"
	if d := cmp.Diff([]string{"Environment: demo", "  applied  + a"}, groupLines(log, "Apply")); d != "" {
		t.Errorf("groupLines (-want +got):\n%s", d)
	}
}

func TestErrorAnnotations(t *testing.T) {
	log := "::add-mask::x\n::error::plan: boom%0Aline 2\n::error title=t::second\n"
	if got, want := errorAnnotations(log), "plan: boom\nline 2; second"; got != want {
		t.Errorf("errorAnnotations = %q, want %q", got, want)
	}
	if got := withoutMasks(log); strings.Contains(got, "add-mask") {
		t.Errorf("withoutMasks kept the mask line: %q", got)
	}
}
