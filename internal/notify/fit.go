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
	ls := strings.SplitAfter(main, "\n")
	if ls[len(ls)-1] == "" {
		ls = ls[:len(ls)-1] // text ending in a newline has no empty last line
	}
	total := size(main)
	avail := limit - size(head) - size(footer) - size(note(len(ls), total))
	for range 8 { // closers are short; a second pass settles almost always
		keep, used := 0, 0
		for _, l := range ls {
			if used+size(l) > avail {
				break
			}
			keep++
			used += size(l)
		}
		kept := strings.Join(ls[:keep], "")
		if kept != "" && !strings.HasSuffix(kept, "\n") {
			kept += "\n"
		}
		out := head + kept + closers(kept) + note(len(ls)-keep, total-used) + footer
		over := size(out) - limit
		if over <= 0 {
			return out, true
		}
		if keep == 0 {
			break
		}
		avail = used - over
	}
	// The head and footer alone do not fit (an absurd footer): drop the
	// footer.
	if footer != "" {
		return cutToFit(head, main, limit, size, note)
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

// closers returns the text that closes a code fence and <details> blocks
// left open at the end of kept.
func closers(kept string) string {
	fence, details := "", 0
	for _, l := range strings.Split(kept, "\n") {
		t := strings.TrimLeft(l, " ")
		if fence != "" {
			if strings.HasPrefix(t, fence) && strings.Trim(t, "`~ ") == "" {
				fence = ""
			}
			continue
		}
		if f := fenceOpener(t); f != "" {
			fence = f
			continue
		}
		lt := strings.ToLower(t)
		details += strings.Count(lt, "<details") - strings.Count(lt, "</details>")
	}
	var b strings.Builder
	if fence != "" {
		b.WriteString(fence + "\n")
	}
	for range max(details, 0) {
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
