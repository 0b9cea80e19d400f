package render

import (
	"fmt"
	"strings"
)

// A markdown report must stay under GitHub's comment limit. It is built as a document of
// fixed parts (head: summary, counts, risk callouts; footer) and entries that each have a
// compact form (one list line naming the address) and, optionally, a detail form (a
// collapsible diff, or ready-to-paste YAML). When the whole does not fit, detail is folded
// progressively: YAML first, then per-object diffs beyond the budget, and as a last resort
// entries are only counted. What was cut is said in the report.

// mdEntry is one object of a markdown report.
type mdEntry struct {
	compact string // one line, always fits the list
	detail  string // "" when the entry has no detail form
	yaml    bool   // detail is unmanaged YAML: the first thing cut
}

// mdSection is a titled list of entries.
type mdSection struct {
	title   string
	entries []mdEntry
}

// mdDoc is a markdown report before budgeting.
type mdDoc struct {
	head     string
	sections []mdSection
	footer   string
	noun     string // "plan" or "report", for the cut note
	o        Options
}

// cutReserve is room kept for the notes that say what was cut: up to three sentences.
func (d *mdDoc) cutReserve() int { return 3 * (160 + len(d.where())) }

func (d *mdDoc) maxBytes() int {
	if d.o.MaxBytes > 0 {
		return d.o.MaxBytes
	}
	return DefaultMaxBytes
}

// where says where the uncut report is, linked when the caller gave a URL.
func (d *mdDoc) where() string {
	s := "the full " + d.noun + " is in the job summary"
	if d.o.DetailsURL != "" {
		return "[" + s + "](" + d.o.DetailsURL + ")"
	}
	return s
}

// entry states decided by the budget.
const (
	stateUnlisted = iota
	stateCompact
	stateDetail
)

// String lays the document out within the budget.
func (d *mdDoc) String() string {
	var all []*mdEntry
	for i := range d.sections {
		for j := range d.sections[i].entries {
			all = append(all, &d.sections[i].entries[j])
		}
	}
	state := make([]int, len(all))
	full := 0
	for i, e := range all {
		state[i] = stateCompact
		if e.detail != "" {
			state[i] = stateDetail
		}
		full += entrySize(e, state[i])
	}
	base := len(d.assemble(nil, nil, ""))
	if base+full <= d.maxBytes() {
		return d.assemble(all, state, "")
	}

	budget := d.maxBytes() - base - d.cutReserve()
	compact := 0
	for i, e := range all {
		state[i] = stateCompact
		compact += entrySize(e, stateCompact)
	}
	if compact > budget {
		// Not even one line per object fits: list what fits, count the rest.
		used := 0
		for i, e := range all {
			size := entrySize(e, stateCompact)
			if used+size > budget {
				for k := i; k < len(all); k++ {
					state[k] = stateUnlisted
				}
				break
			}
			used += size
		}
	} else {
		left := budget - compact
		for _, yaml := range []bool{false, true} {
			for i, e := range all {
				if e.yaml != yaml || e.detail == "" {
					continue
				}
				extra := entrySize(e, stateDetail) - entrySize(e, stateCompact)
				if extra > left {
					left = -1 // keep details a prefix: stop at the first that does not fit
					break
				}
				left -= extra
				state[i] = stateDetail
			}
		}
	}
	return d.assemble(all, state, d.cutNote(all, state))
}

func entrySize(e *mdEntry, state int) int {
	switch state {
	case stateDetail:
		return len(e.detail) + 1
	case stateCompact:
		return len(e.compact) + 1
	}
	return 0
}

// cutNote says what the budget cut.
func (d *mdDoc) cutNote(all []*mdEntry, state []int) string {
	var yamlCut, detailCut, unlisted int
	for i, e := range all {
		switch {
		case state[i] == stateUnlisted:
			unlisted++
		case state[i] == stateCompact && e.detail != "" && e.yaml:
			yamlCut++
		case state[i] == stateCompact && e.detail != "":
			detailCut++
		}
	}
	var notes []string
	if unlisted > 0 {
		notes = append(notes, fmt.Sprintf("… %s not listed to stay under GitHub's comment limit (every object is counted in the table above); %s.", objects(unlisted), d.where()))
	}
	if detailCut > 0 {
		notes = append(notes, fmt.Sprintf("… %s details cut to stay under GitHub's comment limit; %s.", possessive(objects(detailCut)), d.where()))
	}
	if yamlCut > 0 {
		notes = append(notes, fmt.Sprintf("… ready-to-paste YAML of %d unmanaged %s cut to stay under GitHub's comment limit; %s.", yamlCut, strings.TrimPrefix(objects(yamlCut), fmt.Sprint(yamlCut, " ")), d.where()))
	}
	return strings.Join(notes, "\n\n")
}

// assemble writes the document with each entry in its state; all nil writes the skeleton.
func (d *mdDoc) assemble(all []*mdEntry, state []int, note string) string {
	var b strings.Builder
	b.WriteString(d.head)
	k := 0
	for _, s := range d.sections {
		if len(s.entries) == 0 {
			continue
		}
		b.WriteString(s.title)
		for range s.entries {
			if all != nil {
				switch state[k] {
				case stateDetail:
					b.WriteString(all[k].detail)
					b.WriteByte('\n')
				case stateCompact:
					b.WriteString(all[k].compact)
					b.WriteByte('\n')
				}
			}
			k++
		}
		b.WriteByte('\n')
	}
	if note != "" {
		b.WriteString(note)
		b.WriteString("\n\n")
	}
	b.WriteString(d.footer)
	return b.String()
}

// objects is "1 object's" style counting: "1 object", "37 objects".
func objects(n int) string {
	if n == 1 {
		return "1 object"
	}
	return fmt.Sprintf("%d objects", n)
}

// possessive: "1 object's", "37 objects'".
func possessive(s string) string {
	if strings.HasSuffix(s, "s") {
		return s + "'"
	}
	return s + "'s"
}
