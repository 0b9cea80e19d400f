package render

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/itpsync/itpsync/internal/plan"
	"github.com/sergi/go-diff/diffmatchpatch"
)

// line is one line of an object's diff: op is '+', '-', '~' or ' ' (context), text is
// already indented below the op.
type line struct {
	op   byte
	text string
}

// longValue is the length above which a string is diffed line by line rather than shown
// as "before -> after".
const longValue = 80

// formatValue writes a field value as in YAML-ish JSON: strings quoted, lists in brackets,
// absent values as null.
func formatValue(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case string:
		return strconv.Quote(v)
	case []string:
		q := make([]string, len(v))
		for i, s := range v {
			q[i] = strconv.Quote(s)
		}
		return "[" + strings.Join(q, ", ") + "]"
	default:
		return fmt.Sprint(v)
	}
}

func isLong(v any) bool {
	s, ok := v.(string)
	return ok && (len(s) > longValue || strings.Contains(s, "\n"))
}

// changeLines is the diff of one change, one entry per line.
func changeLines(c plan.Change) []line {
	var out []line
	for _, f := range c.Fields {
		out = append(out, fieldLines(f)...)
	}
	return out
}

// fieldLines renders one field change: scalars on one line, long strings line by line,
// lists as the elements added and removed.
func fieldLines(f plan.FieldChange) []line {
	switch {
	case f.Before == nil && f.After == nil:
		return nil
	case f.Before == nil:
		return setLines('+', f.Path, f.After)
	case f.After == nil:
		return setLines('-', f.Path, f.Before)
	}
	bl, bok := f.Before.([]string)
	al, aok := f.After.([]string)
	if bok && aok {
		return listLines(f.Path, bl, al)
	}
	if isLong(f.Before) || isLong(f.After) {
		bs, _ := f.Before.(string)
		as, _ := f.After.(string)
		return append([]line{{'~', f.Path + ":"}}, textDiff(bs, as)...)
	}
	return []line{{'~', fmt.Sprintf("%s: %s -> %s", f.Path, formatValue(f.Before), formatValue(f.After))}}
}

// setLines renders a field that is only on one side (op '+' or '-').
func setLines(op byte, path string, v any) []line {
	if l, ok := v.([]string); ok && len(formatValue(l)) > longValue {
		out := []line{{op, path + ":"}}
		for _, s := range l {
			out = append(out, line{op, "    " + strconv.Quote(s)})
		}
		return out
	}
	if s, ok := v.(string); ok && isLong(s) {
		out := []line{{op, path + ":"}}
		for _, l := range strings.Split(s, "\n") {
			out = append(out, line{op, "    " + l})
		}
		return out
	}
	return []line{{op, path + ": " + formatValue(v)}}
}

// listLines shows the elements a list gains and loses; lists are sets once normalised.
func listLines(path string, before, after []string) []line {
	out := []line{{'~', path + ":"}}
	kept := 0
	for _, s := range before {
		if slices.Contains(after, s) {
			kept++
		} else {
			out = append(out, line{'-', "    " + strconv.Quote(s)})
		}
	}
	for _, s := range after {
		if !slices.Contains(before, s) {
			out = append(out, line{'+', "    " + strconv.Quote(s)})
		}
	}
	if kept > 0 {
		out = append(out, line{' ', fmt.Sprintf("    (%d unchanged)", kept)})
	}
	return out
}

// textDiff diffs two long strings line by line.
func textDiff(before, after string) []line {
	dmp := diffmatchpatch.New()
	a, b, lines := dmp.DiffLinesToChars(before, after)
	diffs := dmp.DiffCharsToLines(dmp.DiffMain(a, b, false), lines)
	var out []line
	for _, d := range diffs {
		op := byte(' ')
		switch d.Type {
		case diffmatchpatch.DiffInsert:
			op = '+'
		case diffmatchpatch.DiffDelete:
			op = '-'
		}
		for _, l := range strings.Split(strings.TrimSuffix(d.Text, "\n"), "\n") {
			out = append(out, line{op, "    " + l})
		}
	}
	return out
}

// describe is the one-line heading of a change: "~ update network_zones.x".
func describe(c plan.Change) string {
	return c.Action.Symbol() + " " + string(c.Action) + " " + c.Address
}

// riskCount counts the risks of the given level over the changes.
func riskCount(changes []plan.Change, level string) int {
	n := 0
	for _, c := range changes {
		for _, r := range c.Risks {
			if r.Level == level {
				n++
			}
		}
	}
	return n
}

// driftSummary is the first sentence of a drift report.
func driftSummary(p *plan.Plan) string {
	if !p.HasChanges() {
		return "No drift. The org matches the definitions."
	}
	c := p.Counts
	return fmt.Sprintf("The org has drifted from the definitions: %d missing from the org, %d different, %d not in the definitions.",
		c.Add, c.Change, c.Delete+c.Unmanaged)
}

// resultSummary is the first sentence of an apply report.
func resultSummary(r *plan.Result) string {
	var applied, failed, skipped int
	for _, o := range r.Outcomes {
		switch o.Status {
		case plan.Applied:
			applied++
		case plan.Failed:
			failed++
		case plan.Skipped:
			skipped++
		}
	}
	if len(r.Outcomes) == 0 && len(r.NotConverged) == 0 {
		return "Apply complete: nothing to do. The org matches the definitions."
	}
	word := "complete"
	if r.Failed() {
		word = "failed"
	}
	return fmt.Sprintf("Apply %s: %d applied, %d failed, %d skipped.", word, applied, failed, skipped)
}

// apiCalls is the sentence on API usage.
func apiCalls(n int) string {
	if n == 1 {
		return "1 Okta API call."
	}
	return fmt.Sprintf("%d Okta API calls.", n)
}
