package demo

import (
	"fmt"
	"html"
	"io"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// ANSI styles, used only when colour is on.
const (
	ansiBold   = "\x1b[1m"
	ansiDim    = "\x1b[2m"
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
	ansiReset  = "\x1b[0m"
)

// printer writes the demo's progress. It keeps the first write error, so a closed
// terminal fails the run instead of going unnoticed.
type printer struct {
	w     io.Writer
	color bool
	err   error
}

func newPrinter(w io.Writer, color bool) *printer { return &printer{w: w, color: color} }

func (p *printer) printf(format string, args ...any) {
	if p.err != nil {
		return
	}
	_, p.err = fmt.Fprintf(p.w, format, args...)
}

func (p *printer) style(code, s string) string {
	if !p.color || s == "" {
		return s
	}
	return code + s + ansiReset
}

// step starts a numbered step.
func (p *printer) step(n, of int, title string) {
	p.printf("\n%s\n", p.style(ansiBold+ansiCyan, fmt.Sprintf("━━ Step %d/%d · %s", n, of, title)))
}

// say writes one line of narration.
func (p *printer) say(format string, args ...any) {
	p.printf("   %s\n", fmt.Sprintf(format, args...))
}

// done writes one line for an action that finished, with its duration.
func (p *printer) done(took time.Duration, format string, args ...any) {
	p.printf("   %s %s %s\n", p.style(ansiGreen, "✓"), fmt.Sprintf(format, args...), p.style(ansiDim, "("+roundDuration(took)+")"))
}

// markdown writes a markdown text rendered for the terminal, in a frame.
func (p *printer) markdown(title, md string) {
	p.printf("   %s\n", p.style(ansiDim, "┌─ "+title))
	for _, l := range strings.Split(strings.TrimRight(renderMarkdown(md, p.color), "\n"), "\n") {
		p.printf("   %s\n", strings.TrimRight(p.style(ansiDim, "│")+" "+l, " "))
	}
	p.printf("   %s\n", p.style(ansiDim, "└─"))
}

func roundDuration(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return d.Round(time.Microsecond).String()
	case d < time.Second:
		return d.Round(time.Millisecond).String()
	}
	return d.Round(10 * time.Millisecond).String()
}

// Inline markdown and HTML of the renderers' output.
var (
	reComment = regexp.MustCompile(`(?s)<!--.*?-->`)
	reSummary = regexp.MustCompile(`(?i)<summary>(.*?)</summary>`)
	reCode    = regexp.MustCompile("(?i)<code>(.*?)</code>|`([^`]+)`")
	reBold    = regexp.MustCompile(`\*\*(.+?)\*\*`)
	reLink    = regexp.MustCompile(`\[([^\]]+)\]\(([^)\s]+)\)`)
	reTag     = regexp.MustCompile(`</?[a-zA-Z][a-zA-Z0-9]*(\s[^>]*)?/?>`)
	reEscape  = regexp.MustCompile(`\\([\\` + "`" + `*_{}\[\]()#+\-.!|<>~])`)
	reAlert   = regexp.MustCompile(`^\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]$`)
	reHeading = regexp.MustCompile(`^(#{1,6})\s+(.*)$`)
)

// renderMarkdown renders the GitHub markdown the action writes for a terminal: headings
// and bold in bold, <details> as indented sections under their summary, alerts as
// labelled quotes, tables aligned, diff blocks coloured. It is not a general markdown
// renderer; what it does not know it shows as text.
func renderMarkdown(md string, color bool) string {
	r := &mdRenderer{color: color}
	lines := strings.Split(reComment.ReplaceAllString(md, ""), "\n")
	for i := 0; i < len(lines); i++ {
		if isTableLine(lines[i]) && r.fence == "" {
			j := i
			for j < len(lines) && isTableLine(lines[j]) {
				j++
			}
			r.table(lines[i:j])
			i = j - 1
			continue
		}
		r.line(lines[i])
	}
	return collapseBlank(r.b.String())
}

type mdRenderer struct {
	b      strings.Builder
	color  bool
	depth  int    // open <details>
	fence  string // the language of the open code block, or ""
	inCode bool
}

func (r *mdRenderer) style(code, s string) string {
	if !r.color || s == "" {
		return s
	}
	return code + s + ansiReset
}

func (r *mdRenderer) emit(s string) {
	r.b.WriteString(strings.Repeat("  ", r.depth) + s + "\n")
}

func (r *mdRenderer) line(l string) {
	trim := strings.TrimSpace(l)
	if r.inCode {
		if strings.HasPrefix(trim, "```") {
			r.inCode, r.fence = false, ""
			return
		}
		r.emit("  " + r.codeLine(l))
		return
	}
	switch {
	case strings.HasPrefix(trim, "```"):
		r.inCode, r.fence = true, strings.TrimPrefix(trim, "```")
		if r.fence == "" {
			r.fence = "text"
		}
	case strings.HasPrefix(strings.ToLower(trim), "<details"):
		summary := "details"
		if m := reSummary.FindStringSubmatch(trim); m != nil {
			summary = m[1]
		}
		r.emit(r.style(ansiBold, "▸ ") + r.inline(summary))
		r.depth++
	case strings.EqualFold(trim, "</details>"):
		r.depth = max(0, r.depth-1)
	case reHeading.MatchString(trim):
		m := reHeading.FindStringSubmatch(trim)
		r.emit("")
		r.emit(r.style(ansiBold, r.inline(m[2])))
	case strings.HasPrefix(trim, ">"):
		q := strings.TrimSpace(strings.TrimPrefix(trim, ">"))
		if m := reAlert.FindStringSubmatch(q); m != nil {
			r.emit(r.alert(m[1]))
			return
		}
		r.emit(r.style(ansiDim, "┃ ") + r.inline(q))
	default:
		r.emit(r.inline(strings.TrimRight(l, " ")))
	}
}

func (r *mdRenderer) alert(kind string) string {
	code := ansiCyan
	switch kind {
	case "CAUTION":
		code = ansiRed
	case "WARNING", "IMPORTANT":
		code = ansiYellow
	}
	return r.style(ansiBold+code, "┃ "+kind)
}

func (r *mdRenderer) codeLine(l string) string {
	if r.fence != "diff" || !r.color {
		return l
	}
	switch {
	case strings.HasPrefix(l, "+"):
		return ansiGreen + l + ansiReset
	case strings.HasPrefix(l, "-"):
		return ansiRed + l + ansiReset
	case strings.HasPrefix(l, "~"), strings.HasPrefix(l, "!"):
		return ansiYellow + l + ansiReset
	}
	return l
}

// inline renders code spans, bold, links, tags, escapes and entities.
func (r *mdRenderer) inline(s string) string {
	// Code spans first: their content is literal.
	var spans []string
	s = reCode.ReplaceAllStringFunc(s, func(m string) string {
		sub := reCode.FindStringSubmatch(m)
		spans = append(spans, html.UnescapeString(sub[1]+sub[2]))
		return fmt.Sprintf("\x00%d\x00", len(spans)-1)
	})
	s = reBold.ReplaceAllStringFunc(s, func(m string) string {
		return r.style(ansiBold, reBold.FindStringSubmatch(m)[1])
	})
	s = reLink.ReplaceAllString(s, "$1 ($2)")
	s = strings.NewReplacer("<br>", " ", "<br/>", " ", "<br />", " ").Replace(s)
	s = reTag.ReplaceAllString(s, "")
	s = reEscape.ReplaceAllString(s, "$1")
	s = html.UnescapeString(s)
	for i, span := range spans {
		s = strings.Replace(s, fmt.Sprintf("\x00%d\x00", i), r.style(ansiCyan, span), 1)
	}
	return s
}

func isTableLine(l string) bool {
	t := strings.TrimSpace(l)
	return len(t) > 1 && strings.HasPrefix(t, "|") && strings.HasSuffix(t, "|")
}

// table aligns a markdown table; the separator row and an empty header are dropped.
func (r *mdRenderer) table(lines []string) {
	var rows [][]string
	for i, l := range lines {
		cells := splitRow(l)
		if i == 1 && isSeparator(cells) {
			continue
		}
		if i == 0 && strings.TrimSpace(strings.Join(cells, "")) == "" {
			continue
		}
		for k, c := range cells {
			cells[k] = r.inline(c)
		}
		rows = append(rows, cells)
	}
	var widths []int
	for _, row := range rows {
		for k, c := range row {
			if k >= len(widths) {
				widths = append(widths, 0)
			}
			widths[k] = max(widths[k], visibleLen(c))
		}
	}
	for _, row := range rows {
		var b strings.Builder
		for k, c := range row {
			b.WriteString(c)
			if k < len(row)-1 {
				b.WriteString(strings.Repeat(" ", widths[k]-visibleLen(c)+2))
			}
		}
		r.emit(strings.TrimRight(b.String(), " "))
	}
}

// splitRow splits a table row on the pipes that are not escaped.
func splitRow(l string) []string {
	t := strings.TrimSpace(l)
	t = strings.TrimSuffix(strings.TrimPrefix(t, "|"), "|")
	var cells []string
	var cur strings.Builder
	for i := 0; i < len(t); i++ {
		switch {
		case t[i] == '\\' && i+1 < len(t) && t[i+1] == '|':
			cur.WriteByte('|')
			i++
		case t[i] == '|':
			cells = append(cells, strings.TrimSpace(cur.String()))
			cur.Reset()
		default:
			cur.WriteByte(t[i])
		}
	}
	return append(cells, strings.TrimSpace(cur.String()))
}

func isSeparator(cells []string) bool {
	for _, c := range cells {
		if strings.Trim(c, ":- ") != "" || !strings.Contains(c, "-") {
			return false
		}
	}
	return true
}

var reANSI = regexp.MustCompile(`\x1b\[[0-9;]*m`)

// visibleLen is the width of s on a terminal, escape codes aside (runes, roughly).
func visibleLen(s string) int { return utf8.RuneCountInString(reANSI.ReplaceAllString(s, "")) }

// collapseBlank keeps at most one blank line in a row and none at the start.
func collapseBlank(s string) string {
	var out []string
	blank := true
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(reANSI.ReplaceAllString(l, "")) == "" {
			if blank {
				continue
			}
			blank = true
			out = append(out, "")
			continue
		}
		blank = false
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}
