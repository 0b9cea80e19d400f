package notify

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Marker kinds: the sticky plan comment on a pull request and the drift issue.
const (
	KindPlan  = "plan"
	KindDrift = "drift"
)

// Marker identifies one sticky comment or drift issue. It is written as a
// hidden HTML comment on a line of its own, e.g.
//
//	<!-- itpsync:plan env="production" -->
//
// and matched by comparing whole lines, so text that merely quotes a marker
// inside other text never matches (the lesson of search-keyed drift bots).
type Marker struct {
	Kind        string // KindPlan or KindDrift
	Environment string // "" for the unnamed environment
}

// String is the marker line.
func (m Marker) String() string {
	return "<!-- itpsync:" + m.Kind + " env=" + commentSafeJSON(m.Environment) + " -->"
}

func (m Marker) validate() error {
	if m.Kind != KindPlan && m.Kind != KindDrift {
		return fmt.Errorf("invalid marker kind %q: want %q or %q", m.Kind, KindDrift, KindPlan)
	}
	return nil
}

// Meta is small metadata stored in a second hidden line under the marker,
// e.g. <!-- itpsync:meta {"fingerprint":"sha256:…","head":"abc123"} -->, so a
// later run can read back what an earlier run recorded (the reviewed plan's
// fingerprint, the drift digest).
type Meta map[string]string

const metaPrefix = "<!-- itpsync:meta "

// line renders the meta line, or "" when there is no metadata. Keys are
// sorted (encoding/json sorts map keys) so equal metadata gives equal text.
func (m Meta) line() string {
	if len(m) == 0 {
		return ""
	}
	return metaPrefix + commentSafeJSON(map[string]string(m)) + " -->"
}

// FooterMarker, on a line of its own in a body, starts the footer: the lines
// from there on are kept when a body must be cut to fit GitHub's limit (for
// example the link to the workflow run and the version line).
const FooterMarker = "<!-- itpsync:footer -->"

// commentSafeJSON encodes v as JSON that cannot end or nest an HTML comment:
// encoding/json already escapes <, > and &, and "--" is written with a JSON
// escape ("-\u002d") which decodes back to the same text.
func commentSafeJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		// Only strings and string maps reach here; they always encode.
		panic(fmt.Sprintf("encode marker value: %v", err))
	}
	return strings.ReplaceAll(string(b), "--", `-\u002d`)
}

// parseMeta reads the meta line of body; nil when there is none or it is not
// valid JSON (a hand-edited comment): callers treat that as "no metadata".
func parseMeta(body string) Meta {
	for _, l := range lines(body) {
		rest, ok := strings.CutPrefix(l, metaPrefix)
		if !ok {
			continue
		}
		js, ok := strings.CutSuffix(rest, " -->")
		if !ok {
			return nil
		}
		var m Meta
		if json.Unmarshal([]byte(js), &m) != nil {
			return nil
		}
		return m
	}
	return nil
}

// hasLine reports whether body has a line equal to line (ignoring a CR
// before the LF).
func hasLine(body, line string) bool {
	for _, l := range lines(body) {
		if l == line {
			return true
		}
	}
	return false
}

func lines(body string) []string {
	ls := strings.Split(body, "\n")
	for i, l := range ls {
		ls[i] = strings.TrimSuffix(l, "\r")
	}
	return ls
}

// compose builds a full body: marker line, meta line (if any), then text,
// cut to fit GitHub's body limit.
func compose(m Marker, meta Meta, text string) string {
	head := m.String() + "\n"
	if ml := meta.line(); ml != "" {
		head += ml + "\n"
	}
	return fitBody(head, normalizeNewlines(text))
}

// normalizeNewlines turns CRLF into LF: GitHub may store either, and a body
// is compared with what a previous run wrote.
func normalizeNewlines(s string) string { return strings.ReplaceAll(s, "\r\n", "\n") }
