package render

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"

	"github.com/itpsync/itpsync/internal/plan"
)

// ANSI colours, only written when Options.Color is set.
const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
)

// clean makes org text safe for a terminal: control characters (an ANSI escape in a zone
// name, say) are written as Go escapes instead of being interpreted.
func clean(s string) string {
	if strings.IndexFunc(s, unicode.IsControl) < 0 {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if unicode.IsControl(r) {
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// textWriter writes text output, remembering the first write error.
type textWriter struct {
	w     io.Writer
	color bool
	err   error
}

func (t *textWriter) printf(format string, args ...any) {
	if t.err == nil {
		_, t.err = fmt.Fprintf(t.w, format, args...)
	}
}

// paint wraps s in colour when colours are on.
func (t *textWriter) paint(code, s string) string {
	if !t.color {
		return s
	}
	return code + s + ansiReset
}

func (t *textWriter) opColor(op byte) string {
	switch op {
	case '+':
		return ansiGreen
	case '-':
		return ansiRed
	case '~':
		return ansiYellow
	}
	return ""
}

// change writes one change: its heading, field lines, note and risks.
func (t *textWriter) change(c plan.Change) {
	head := describe(c)
	if c.Name != "" {
		head += " " + strconv.Quote(c.Name)
	}
	if c.ID != "" {
		head += " (" + c.ID + ")"
	}
	t.printf("  %s\n", t.paint(ansiBold+t.opColor(c.Action.Symbol()[0]), clean(head)))
	for _, l := range changeLines(c) {
		t.printf("      %s\n", t.paint(t.opColor(l.op), string(l.op)+" "+clean(l.text)))
	}
	for _, d := range c.DependsOn {
		t.printf("      after %s\n", clean(d))
	}
	if c.Note != "" {
		t.printf("      note: %s\n", clean(c.Note))
	}
	for _, r := range c.Risks {
		t.printf("      %s %s\n", t.paint(ansiBold+ansiRed, "! "+r.Level+" risk:"), clean(r.Message))
	}
	t.printf("\n")
}

func (t *textWriter) warnings(ws []string) {
	if len(ws) == 0 {
		return
	}
	t.printf("Warnings:\n")
	for _, w := range ws {
		t.printf("  %s %s\n", t.paint(ansiYellow, "!"), clean(w))
	}
	t.printf("\n")
}

func (t *textWriter) unmanaged(us []plan.Unmanaged, yaml bool) {
	if len(us) == 0 {
		return
	}
	t.printf("Objects in the org that are not in the definitions (unmanaged):\n")
	for _, u := range us {
		t.printf("  ? %s %q", clean(u.Address), u.Name)
		if u.ID != "" {
			t.printf(" (%s)", clean(u.ID))
		}
		t.printf("\n")
		if u.Attribution != nil {
			t.printf("      %s\n", attributionText(u.Attribution))
		}
		if yaml && u.YAML != "" {
			for _, l := range strings.Split(strings.TrimRight(u.YAML, "\n"), "\n") {
				t.printf("      %s\n", clean(l))
			}
		}
	}
	t.printf("\n")
}

func (t *textWriter) footer(p *plan.Plan, o Options) {
	if p.Fingerprint != "" {
		t.printf("Fingerprint: %s\n", p.Fingerprint)
	}
	if o.Footer != "" {
		t.printf("%s\n", clean(o.Footer))
	}
}

func textPlan(w io.Writer, p *plan.Plan, o Options) error {
	t := &textWriter{w: w, color: o.Color}
	if p.Environment != "" {
		t.printf("Environment: %s\n\n", clean(p.Environment))
	}
	if len(p.Changes) > 0 {
		t.printf("itpsync will perform these actions (+ create, ~ update, - delete):\n\n")
	}
	for _, c := range p.Changes {
		t.change(c)
	}
	t.unmanaged(p.Unmanaged, true)
	t.warnings(p.Warnings)
	t.printf("%s\n", t.paint(ansiBold, p.Summary()))
	t.footer(p, o)
	return t.err
}

func textDrift(w io.Writer, p *plan.Plan, o Options) error {
	t := &textWriter{w: w, color: o.Color}
	if p.Environment != "" {
		t.printf("Environment: %s\n\n", clean(p.Environment))
	}
	t.printf("%s\n\n", t.paint(ansiBold, driftSummary(p)))
	for _, c := range p.Changes {
		t.printf("  %s %s %q\n", t.paint(t.opColor(c.Action.Symbol()[0]), c.Action.Symbol()), clean(c.Address), c.Name)
		switch c.Action {
		case plan.Create:
			t.printf("      missing from the org\n")
		case plan.Delete:
			t.printf("      in the org, not in the definitions (apply deletes it)\n")
		default:
			for _, f := range c.Fields {
				if isLong(f.Before) || isLong(f.After) {
					t.printf("      %s (- in the org, + in the definitions)\n", clean(f.Path))
					for _, l := range fieldLines(f)[1:] {
						t.printf("      %s\n", t.paint(t.opColor(l.op), string(l.op)+" "+clean(l.text)))
					}
					continue
				}
				t.printf("      %s\n", clean(f.Path))
				t.printf("        in the org:         %s\n", clean(formatValue(f.Before)))
				t.printf("        in the definitions: %s\n", clean(formatValue(f.After)))
			}
		}
		if c.Note != "" {
			t.printf("      note: %s\n", clean(c.Note))
		}
		if c.Attribution != nil {
			t.printf("      %s\n", attributionText(c.Attribution))
		}
		for _, r := range c.Risks {
			t.printf("      %s %s\n", t.paint(ansiBold+ansiRed, "! "+r.Level+" risk:"), clean(r.Message))
		}
		t.printf("\n")
	}
	t.unmanaged(p.Unmanaged, true)
	t.warnings(p.Warnings)
	t.footer(p, o)
	return t.err
}

func statusColor(s plan.Status) string {
	switch s {
	case plan.Applied:
		return ansiGreen
	case plan.Failed:
		return ansiRed
	}
	return ansiYellow
}

func textResult(w io.Writer, r *plan.Result, o Options) error {
	t := &textWriter{w: w, color: o.Color}
	if r.Plan != nil && r.Plan.Environment != "" {
		t.printf("Environment: %s\n\n", clean(r.Plan.Environment))
	}
	for _, oc := range r.Outcomes {
		t.printf("  %-8s %s %s", t.paint(statusColor(oc.Status), string(oc.Status)), oc.Action.Symbol(), clean(oc.Address))
		switch {
		case oc.Error != "":
			t.printf(": %s", clean(oc.Error))
		case oc.Reason != "":
			t.printf(": %s", clean(oc.Reason))
		}
		t.printf("\n")
	}
	if len(r.Outcomes) > 0 {
		t.printf("\n")
	}
	if len(r.NotConverged) > 0 {
		t.printf("%s\n\n", t.paint(ansiBold+ansiRed, "The org still differs from the definitions after apply:"))
		for _, c := range r.NotConverged {
			t.change(c)
		}
	}
	t.printf("%s %s\n", t.paint(ansiBold, resultSummary(r)), apiCalls(r.Calls))
	if r.Plan != nil {
		t.footer(r.Plan, o)
	} else if o.Footer != "" {
		t.printf("%s\n", clean(o.Footer))
	}
	return t.err
}
