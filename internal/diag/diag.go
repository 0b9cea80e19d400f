// Package diag holds source positions and the diagnostics (errors and warnings) that the
// loader and validator collect, and prints them the way actionlint does:
// `path:line:col: message [kind]` followed by the source line and an underline.
package diag

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Pos is a position in a definitions file. Line and Col start at 1.
type Pos struct {
	File string `json:"file"`
	Line int    `json:"line"`
	Col  int    `json:"column"`
}

func (p Pos) String() string { return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col) }

// IsValid reports whether p points into a file.
func (p Pos) IsValid() bool { return p.File != "" && p.Line >= 1 && p.Col >= 1 }

// Severity says whether a diagnostic blocks (error) or only informs (warning).
type Severity string

// Severities.
const (
	Error   Severity = "error"
	Warning Severity = "warning"
)

// Diagnostic is one finding at one position.
type Diagnostic struct {
	Pos      Pos      `json:"position"`
	Severity Severity `json:"severity"`
	// Message is lower case with no final period; user values are quoted.
	Message string `json:"message"`
	// Kind is a short class name shown in brackets: syntax, key, duplicate, enum, ...
	Kind string `json:"kind"`
	// Len is how many columns the underline covers (at least 1).
	Len int `json:"length,omitempty"`
}

// List is a collection of diagnostics.
type List []Diagnostic

// Errorf adds an error at pos.
func (l *List) Errorf(pos Pos, kind, format string, args ...any) {
	*l = append(*l, Diagnostic{Pos: pos, Severity: Error, Kind: kind, Message: fmt.Sprintf(format, args...)})
}

// Warnf adds a warning at pos.
func (l *List) Warnf(pos Pos, kind, format string, args ...any) {
	*l = append(*l, Diagnostic{Pos: pos, Severity: Warning, Kind: kind, Message: fmt.Sprintf(format, args...)})
}

// HasErrors reports whether any diagnostic is an error.
func (l List) HasErrors() bool {
	for _, d := range l {
		if d.Severity == Error {
			return true
		}
	}
	return false
}

// Errors returns only the errors.
func (l List) Errors() List {
	var out List
	for _, d := range l {
		if d.Severity == Error {
			out = append(out, d)
		}
	}
	return out
}

// Sort orders diagnostics by file, line, column, then message, so output is deterministic.
func (l List) Sort() {
	sort.SliceStable(l, func(i, j int) bool {
		a, b := l[i], l[j]
		if a.Pos.File != b.Pos.File {
			return a.Pos.File < b.Pos.File
		}
		if a.Pos.Line != b.Pos.Line {
			return a.Pos.Line < b.Pos.Line
		}
		if a.Pos.Col != b.Pos.Col {
			return a.Pos.Col < b.Pos.Col
		}
		if a.Severity != b.Severity {
			return a.Severity == Error
		}
		return a.Message < b.Message
	})
}

// Error makes a List usable as an error: the first diagnostic and a count of the rest.
func (l List) Error() string {
	errs := l.Errors()
	switch len(errs) {
	case 0:
		return "no errors"
	case 1:
		return errs[0].String()
	}
	return fmt.Sprintf("%s (and %d more errors)", errs[0].String(), len(errs)-1)
}

// String renders d on one line: `path:line:col: message [kind]`; warnings say so.
func (d Diagnostic) String() string {
	prefix := ""
	if d.Severity == Warning {
		prefix = "warning: "
	}
	return fmt.Sprintf("%s: %s%s [%s]", d.Pos, prefix, d.Message, d.Kind)
}

// Sources gives the text of a file by the name used in positions, for the source excerpt.
type Sources map[string][]byte

// lineIn returns line n (from 1) of file without its line ending. The start offsets of
// each file's lines are kept in starts, so many diagnostics in a large file do not split
// it once each.
func (s Sources) lineIn(starts map[string][]int, file string, n int) (string, bool) {
	src, ok := s[file]
	if !ok || n < 1 {
		return "", false
	}
	st, ok := starts[file]
	if !ok {
		st = []int{0}
		for i, c := range src {
			if c == '\n' {
				st = append(st, i+1)
			}
		}
		starts[file] = st
	}
	if n > len(st) {
		return "", false
	}
	end := len(src)
	if n < len(st) {
		end = st[n] - 1
	}
	return strings.TrimRight(string(src[st[n-1]:end]), "\r"), true
}

// maxEcho is the longest source line echoed, in characters: a minified or binary file
// must not flood a terminal or a CI log.
const maxEcho = 200

// echoable returns the source line as it may be printed under a diagnostic at column col:
// control characters (which a terminal would interpret) become U+FFFD, tabs are kept; a
// line longer than maxEcho is cut with an ellipsis, and not shown at all (ok false) when
// the column is beyond the cut.
func echoable(text string, col int) (string, bool) {
	var b strings.Builder
	n := 0
	for _, r := range text {
		if n == maxEcho {
			if col > maxEcho-20 {
				return "", false
			}
			b.WriteString("…")
			break
		}
		if r != '\t' && unicode.IsControl(r) {
			r = utf8.RuneError
		}
		b.WriteRune(r)
		n++
	}
	return b.String(), true
}

// WriteText prints l like actionlint: each diagnostic, then the source line, then a caret
// and tildes under the offending value. Tabs in the source line are kept so the underline
// lines up.
func (l List) WriteText(w io.Writer, src Sources) error {
	starts := map[string][]int{}
	for _, d := range l {
		if _, err := fmt.Fprintln(w, d.String()); err != nil {
			return err
		}
		raw, ok := src.lineIn(starts, d.Pos.File, d.Pos.Line)
		if !ok {
			continue
		}
		text, ok := echoable(raw, d.Pos.Col)
		if !ok {
			continue
		}
		var pad strings.Builder
		for i, r := range []rune(text) {
			if i >= d.Pos.Col-1 {
				break
			}
			if r == '\t' {
				pad.WriteRune('\t')
			} else {
				pad.WriteByte(' ')
			}
		}
		n := d.Len
		if n < 1 {
			n = 1
		}
		n = min(n, maxEcho)
		under := "^" + strings.Repeat("~", n-1)
		if _, err := fmt.Fprintf(w, "%4d | %s\n     | %s%s\n", d.Pos.Line, text, pad.String(), under); err != nil {
			return err
		}
	}
	return nil
}

// WriteJSON prints l as a JSON array (an empty array when there is nothing to say).
func (l List) WriteJSON(w io.Writer) error {
	out := l
	if out == nil {
		out = List{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
