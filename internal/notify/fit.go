package notify

import (
	"fmt"
	"strings"
)

// MaxBodyChars is GitHub's limit on an issue or comment body. A longer body
// is refused with 422 "body is too long", which has failed whole jobs of
// other tools (diggerhq/digger#1645); notify cuts instead.
const MaxBodyChars = 65536

// githubChars measures text the way the body limit is safest counted: in
// UTF-16 code units, which is never less than the number of code points.
func githubChars(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r > 0xFFFF {
			n++
		}
	}
	return n
}

func byteLen(s string) int { return len(s) }

// fitBody returns head+text cut to fewer than MaxBodyChars characters.
func fitBody(head, text string) string {
	note := func(lines, chars int) string {
		return fmt.Sprintf("\n> [!NOTE]\n> itpsync cut %d lines (%d characters) here to keep this text under "+
			"GitHub's 65,536-character limit; the workflow run has the full report.\n", lines, chars)
	}
	if out, ok := cutToFit(head, text, MaxBodyChars-1, githubChars, note); ok {
		return out
	}
	// Only an absurd head (megabytes of meta) gets here: cut mid-line
	// rather than be refused by GitHub.
	return hardCut(head+text, MaxBodyChars-1, githubChars)
}

// cutToFit returns head+text if it measures at most limit. Otherwise it keeps
// head, as many whole leading lines of text as fit, closes a code fence or
// <details> blocks left open by the cut (so the rest of the page renders), adds
// the note saying what was cut, and keeps the footer (the lines from the last
// FooterMarker line on). It reports false when not even head and the note fit.
func cutToFit(head, text string, limit int, size func(string) int, note func(lines, units int) string) (string, bool) {
	if size(head)+size(text) <= limit {
		return head + text, true
	}
	main, footer := splitFooter(text)
	return cutLines(head, main, footer, limit, size, note)
}

// cutLines keeps the longest prefix of main's lines for which head, the
// prefix, its closers, the note and footer fit in limit.
func cutLines(head, main, footer string, limit int, size func(string) int, note func(lines, units int) string) (string, bool) {
	ls := strings.SplitAfter(main, "\n")
	if ls[len(ls)-1] == "" {
		ls = ls[:len(ls)-1] // text ending in a newline has no empty last line
	}
	// used[k] and states[k] describe the first k lines, so each candidate
	// cut is measured in constant time.
	used := make([]int, len(ls)+1)
	states := make([]blockState, len(ls)+1)
	for i, l := range ls {
		used[i+1] = used[i] + size(l)
		states[i+1] = states[i].next(l)
	}
	fixed := size(head) + size(footer)
	// keep < len(ls): head+text did not fit, so some line must go. Only
	// whole lines are kept; the last kept one therefore ends in "\n".
	for keep := len(ls) - 1; keep >= 0; keep-- {
		if fixed+used[keep] > limit {
			continue
		}
		tail := states[keep].closers() + note(len(ls)-keep, used[len(ls)]-used[keep])
		if fixed+used[keep]+size(tail) <= limit {
			return head + strings.Join(ls[:keep], "") + tail + footer, true
		}
	}
	// The head and footer alone do not fit (an absurd footer): cut the
	// footer like the rest.
	if footer != "" {
		return cutLines(head, main+footer, "", limit, size, note)
	}
	return "", false
}

// splitFooter splits text at its last FooterMarker line.
func splitFooter(text string) (main, footer string) {
	i := strings.LastIndex(text, FooterMarker)
	for i >= 0 {
		atStart := i == 0 || text[i-1] == '\n'
		end := i + len(FooterMarker)
		atEnd := end == len(text) || text[end] == '\n' || strings.HasPrefix(text[end:], "\r\n")
		if atStart && atEnd {
			return text[:i], text[i:]
		}
		i = strings.LastIndex(text[:i], FooterMarker)
	}
	return text, ""
}

// blockState is the markdown block state after some lines: an open code
// fence, and how many <details> are open outside fences. A cut closes them
// so the rest of the page (the note, the footer) renders.
type blockState struct {
	fence   string
	details int
}

func (st blockState) next(line string) blockState {
	t := strings.TrimLeft(strings.TrimRight(line, "\r\n"), " ")
	if st.fence != "" {
		if strings.HasPrefix(t, st.fence) && strings.Trim(t, "`~ ") == "" {
			st.fence = ""
		}
		return st
	}
	if f := fenceOpener(t); f != "" {
		st.fence = f
		return st
	}
	lt := strings.ToLower(t)
	st.details += strings.Count(lt, "<details") - strings.Count(lt, "</details>")
	return st
}

func (st blockState) closers() string {
	var b strings.Builder
	if st.fence != "" {
		b.WriteString(st.fence + "\n")
	}
	for range max(st.details, 0) {
		b.WriteString("</details>\n")
	}
	return b.String()
}

// fenceOpener returns the run of backticks or tildes opening a code fence on
// line t, or "".
func fenceOpener(t string) string {
	for _, c := range []string{"`", "~"} {
		n := len(t) - len(strings.TrimLeft(t, c))
		if n >= 3 {
			return strings.Repeat(c, n)
		}
	}
	return ""
}

// hardCut cuts s to at most limit by size, on a rune boundary.
func hardCut(s string, limit int, size func(string) int) string {
	n := 0
	for i, r := range s {
		n += size(string(r))
		if n > limit {
			return s[:i]
		}
	}
	return s
}
