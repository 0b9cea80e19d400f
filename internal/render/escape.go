package render

import (
	"html"
	"strings"
)

// Text from the org (names, Okta errors) and from the definitions reaches GitHub markdown.
// It must not inject HTML or markdown, nor mention anyone: @ is followed by a zero-width
// joiner outside code, and code is fenced with more backticks than it contains.

const zwj = "\u200d"

// mdEscaper escapes markdown punctuation that could start formatting, links, tables or
// HTML; & < > become entities.
var mdEscaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`, "|", `\|`,
	"~", `\~`, "#", `\#`, "!", `\!`, "&", "&amp;", "<", "&lt;", ">", "&gt;",
	"@", "@"+zwj, "\r", " ", "\n", " ",
)

// mdText escapes s for markdown prose (and table cells).
func mdText(s string) string { return mdEscaper.Replace(s) }

// htmlText escapes s for the inside of an HTML element such as <summary> or <code>.
func htmlText(s string) string {
	s = html.EscapeString(s)
	// Backticks and pipes are inert in an HTML block, but entities keep them so wherever
	// GitHub puts the text.
	s = strings.NewReplacer("@", "@"+zwj, "`", "&#96;", "|", "&#124;", "[", "&#91;", "]", "&#93;", "\n", " ", "\r", " ").Replace(s)
	return s
}

// maxBacktickRun is the length of the longest run of backticks in s.
func maxBacktickRun(s string) int {
	best, run := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == '`' {
			run++
			best = max(best, run)
		} else {
			run = 0
		}
	}
	return best
}

// fence returns a code fence longer than any backtick run in body.
func fence(body string) string {
	return strings.Repeat("`", max(3, maxBacktickRun(body)+1))
}

// codeSpan writes s as inline code that its own backticks cannot close; mentions do not
// fire inside code. Newlines become spaces.
func codeSpan(s string) string {
	s = strings.NewReplacer("\n", " ", "\r", " ").Replace(s)
	ticks := strings.Repeat("`", maxBacktickRun(s)+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return ticks + s + ticks
}

// cell escapes s for a table cell as inline code, pipes escaped (GitHub splits cells on |
// even inside code).
func cell(s string) string {
	return strings.ReplaceAll(codeSpan(s), "|", `\|`)
}
