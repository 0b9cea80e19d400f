package render

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/itpsync/itpsync/internal/plan"
)

// openLimit: when a report has at most this many diff lines in all, its sections are
// rendered open; otherwise collapsed.
const openLimit = 40

func heading(o Options, def string, env string) string {
	t := o.Title
	if t == "" {
		t = def
	}
	s := "### " + mdText(t)
	if env != "" {
		s += " — " + mdText(env)
	}
	return s + "\n\n"
}

func countsTable(c plan.Counts) string {
	return fmt.Sprintf("| To add | To change | To delete | Unmanaged |\n| ---: | ---: | ---: | ---: |\n| %d | %d | %d | %d |\n\n",
		c.Add, c.Change, c.Delete, c.Unmanaged)
}

// callouts lists every risk, high ones in a CAUTION block and medium ones in a WARNING
// block, first in the report so that no reviewer misses them; capped at a quarter of the
// budget.
func callouts(changes []plan.Change, budget int, where string, drift bool) string {
	var b strings.Builder
	for _, level := range []string{plan.RiskHigh, plan.RiskMedium} {
		n := riskCount(changes, level)
		if n == 0 {
			continue
		}
		kind, what, lead := "CAUTION", "high-risk change", "Review before approving:"
		if drift {
			what, lead = "high-risk difference", "The org is less protected than the definitions:"
		}
		if level == plan.RiskMedium {
			kind, what = "WARNING", strings.Replace(what, "high", "medium", 1)
		}
		if n > 1 {
			what += "s"
		}
		fmt.Fprintf(&b, "> [!%s]\n> **%d %s.** %s\n", kind, n, what, lead)
		shown := 0
		for _, c := range changes {
			for _, r := range c.Risks {
				if r.Level != level {
					continue
				}
				item := fmt.Sprintf("> - %s: %s\n", codeSpan(c.Address), mdText(r.Message))
				if b.Len()+len(item) > budget/4 {
					continue
				}
				b.WriteString(item)
				shown++
			}
		}
		if shown < n {
			fmt.Fprintf(&b, "> - … and %d more; %s.\n", n-shown, where)
		}
		b.WriteString("\n")
	}
	return b.String()
}

func warningsBlock(ws []string) string {
	if len(ws) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("> [!NOTE]\n")
	for i, w := range ws {
		if i == 20 {
			fmt.Fprintf(&b, "> - … and %d more warnings.\n", len(ws)-i)
			break
		}
		fmt.Fprintf(&b, "> - %s\n", mdText(w))
	}
	return b.String() + "\n"
}

func summaryTag(c plan.Change) string {
	s := fmt.Sprintf("<code>%s %s</code> <code>%s</code>", c.Action.Symbol(), c.Action, htmlText(c.Address))
	if c.Name != "" {
		s += " " + htmlText(c.Name)
	}
	if n := len(c.Risks); n > 0 {
		s += fmt.Sprintf(" ⚠️ %d risk", n)
		if n > 1 {
			s += "s"
		}
	}
	return s
}

func compactLine(c plan.Change) string {
	s := fmt.Sprintf("- %s %s", codeSpan(c.Action.Symbol()+" "+string(c.Action)), codeSpan(c.Address))
	if c.Name != "" {
		s += " " + mdText(c.Name)
	}
	return s
}

func detailsOpen(open bool) string {
	if open {
		return "<details open>"
	}
	return "<details>"
}

// changeNotes writes a change's dependencies and note below its diff.
func changeNotes(c plan.Change) string {
	var b strings.Builder
	if len(c.DependsOn) > 0 {
		deps := make([]string, len(c.DependsOn))
		for i, d := range c.DependsOn {
			deps[i] = codeSpan(d)
		}
		fmt.Fprintf(&b, "Applied after %s.\n\n", strings.Join(deps, ", "))
	}
	if c.Note != "" {
		fmt.Fprintf(&b, "Note: %s\n\n", mdText(c.Note))
	}
	return b.String()
}

// diffBlock is a ```diff fenced block of the lines.
func diffBlock(lines []line) string {
	var body strings.Builder
	for _, l := range lines {
		body.WriteByte(l.op)
		body.WriteByte(' ')
		body.WriteString(l.text)
		body.WriteByte('\n')
	}
	f := fence(body.String())
	return f + "diff\n" + body.String() + f + "\n"
}

func changeDetail(c plan.Change, open bool) string {
	return detailsOpen(open) + "<summary>" + summaryTag(c) + "</summary>\n\n" +
		diffBlock(changeLines(c)) + "\n" + changeNotes(c) + "</details>\n"
}

func unmanagedEntry(u plan.Unmanaged, open bool) mdEntry {
	e := mdEntry{compact: fmt.Sprintf("- %s %s", codeSpan(u.Address), mdText(u.Name)), yaml: true}
	attr := ""
	if u.Attribution != nil {
		attr = attributionMD(u.Attribution)
	}
	if u.YAML != "" {
		f := fence(u.YAML)
		e.detail = detailsOpen(open) + "<summary><code>" + htmlText(u.Address) + "</code> " + htmlText(u.Name) +
			"</summary>\n\n" + attr + f + "yaml\n" + strings.TrimRight(u.YAML, "\n") + "\n" + f + "\n</details>\n"
	} else if attr != "" {
		e.detail = e.compact + "\n\n  " + strings.TrimSuffix(attr, "\n\n") + "\n"
	}
	return e
}

const unmanagedTitle = "#### Unmanaged objects\n\nIn the org but not in the definitions. Paste the YAML into the definitions to adopt an object, or set `options.unmanaged` to `delete` or `ignore`.\n\n"

func totalLines(changes []plan.Change) int {
	n := 0
	for _, c := range changes {
		n += len(changeLines(c)) + 1
	}
	return n
}

func footerText(p *plan.Plan, o Options) string {
	var b strings.Builder
	b.WriteString("---\n")
	if p != nil && p.Fingerprint != "" {
		fmt.Fprintf(&b, "Fingerprint: %s\n", codeSpan(p.Fingerprint))
	}
	if o.Footer != "" {
		if p != nil && p.Fingerprint != "" {
			b.WriteString("\n")
		}
		b.WriteString(o.Footer + "\n")
	}
	return b.String()
}

func markdownPlan(w io.Writer, p *plan.Plan, o Options) error {
	d := &mdDoc{noun: "plan", o: o}
	open := totalLines(p.Changes) <= openLimit
	d.head = heading(o, "itpsync plan", p.Environment) + "**" + p.Summary() + "**\n\n"
	if p.HasChanges() || len(p.Unmanaged) > 0 {
		d.head += countsTable(p.Counts)
	}
	d.head += callouts(p.Changes, d.maxBytes(), d.where(), false) + warningsBlock(p.Warnings)
	return d.writeChanges(w, p, "#### Changes\n\n", changeDetail, open)
}

// writeChanges ends the plan and the drift report: a section titled title with one entry
// per change (its details from detail), the unmanaged objects, the footer; then writes d.
func (d *mdDoc) writeChanges(w io.Writer, p *plan.Plan, title string, detail func(plan.Change, bool) string, open bool) error {
	changes := mdSection{title: title}
	for _, c := range p.Changes {
		changes.entries = append(changes.entries, mdEntry{compact: compactLine(c), detail: detail(c, open)})
	}
	unmanaged := mdSection{title: unmanagedTitle}
	for _, u := range p.Unmanaged {
		unmanaged.entries = append(unmanaged.entries, unmanagedEntry(u, open))
	}
	d.sections = []mdSection{changes, unmanaged}
	d.footer = footerText(p, d.o)
	_, err := io.WriteString(w, d.String())
	return err
}

// driftValue is a field value for a table cell: code, long values shortened (the diff
// below the table has them in full).
func driftValue(v any) string {
	if v == nil {
		return "*(absent)*"
	}
	s := formatValue(v)
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return cell(s)
}

func driftDetail(c plan.Change, open bool) string {
	var b strings.Builder
	b.WriteString(detailsOpen(open) + "<summary>" + summaryTag(c) + "</summary>\n\n")
	switch c.Action {
	case plan.Create:
		b.WriteString("Missing from the org.\n\n")
	case plan.Delete:
		b.WriteString("In the org, not in the definitions (apply deletes it).\n\n")
	}
	b.WriteString("| Field | In the org | In the definitions |\n| --- | --- | --- |\n")
	var long []line
	for _, f := range c.Fields {
		fmt.Fprintf(&b, "| %s | %s | %s |\n", cell(f.Path), driftValue(f.Before), driftValue(f.After))
		if isLong(f.Before) || isLong(f.After) {
			long = append(long, fieldLines(f)...)
		}
	}
	b.WriteString("\n")
	if len(long) > 0 {
		b.WriteString("`-` in the org, `+` in the definitions:\n\n" + diffBlock(long) + "\n")
	}
	if c.Attribution != nil {
		b.WriteString(attributionMD(c.Attribution))
	}
	b.WriteString(changeNotes(c) + "</details>\n")
	return b.String()
}

func markdownDrift(w io.Writer, p *plan.Plan, o Options) error {
	d := &mdDoc{noun: "report", o: o}
	open := totalLines(p.Changes) <= openLimit
	d.head = heading(o, "itpsync drift report", p.Environment) + "**" + driftSummary(p) + "**\n\n"
	if p.HasChanges() {
		c := p.Counts
		d.head += fmt.Sprintf("| Missing from the org | Different | Not in the definitions |\n| ---: | ---: | ---: |\n| %d | %d | %d |\n\n",
			c.Add, c.Change, c.Delete+c.Unmanaged)
	}
	d.head += callouts(p.Changes, d.maxBytes(), d.where(), true) + warningsBlock(p.Warnings)
	return d.writeChanges(w, p, "#### Differences\n\n", driftDetail, open)
}

var statusMark = map[plan.Status]string{plan.Applied: "✅ applied", plan.Failed: "❌ **failed**", plan.Skipped: "⏭️ skipped"}

// statusOrder puts failures first: they are what the reader needs.
var statusOrder = map[plan.Status]int{plan.Failed: 0, plan.Skipped: 1, plan.Applied: 2}

func markdownResult(w io.Writer, r *plan.Result, o Options) error {
	d := &mdDoc{noun: "report", o: o}
	env := ""
	if r.Plan != nil {
		env = r.Plan.Environment
	}
	d.head = heading(o, "itpsync apply", env) + "**" + resultSummary(r) + "** " + apiCalls(r.Calls) + "\n\n"
	outcomes := make([]plan.Outcome, len(r.Outcomes))
	copy(outcomes, r.Outcomes)
	sort.SliceStable(outcomes, func(i, j int) bool { return statusOrder[outcomes[i].Status] < statusOrder[outcomes[j].Status] })
	sec := mdSection{title: "#### Outcomes\n\n"}
	for _, oc := range outcomes {
		s := fmt.Sprintf("- %s %s %s", statusMark[oc.Status], codeSpan(oc.Action.Symbol()+" "+string(oc.Action)), codeSpan(oc.Address))
		switch {
		case oc.Error != "":
			s += ": " + mdText(oc.Error)
		case oc.Reason != "":
			s += ": " + mdText(oc.Reason)
		}
		sec.entries = append(sec.entries, mdEntry{compact: s})
	}
	nc := mdSection{title: "> [!CAUTION]\n> **The org still differs from the definitions after apply.** The next plan will show these again:\n\n"}
	for _, c := range r.NotConverged {
		nc.entries = append(nc.entries, mdEntry{compact: compactLine(c), detail: changeDetail(c, len(r.NotConverged) <= 5)})
	}
	d.sections = []mdSection{sec, nc}
	d.footer = footerText(r.Plan, o)
	_, err := io.WriteString(w, d.String())
	return err
}
