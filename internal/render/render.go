// Package render turns plans, drift reports and apply results into text for a terminal,
// markdown for GitHub (PR comments, issues, job summaries) and JSON for machines. It only
// formats: every decision was made by internal/plan and internal/apply.
package render

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/itpsync/itpsync/internal/plan"
)

// Format is an output format.
type Format string

// Formats.
const (
	Text     Format = "text"
	Markdown Format = "markdown"
	JSON     Format = "json"
)

var formats = map[string]Format{"text": Text, "markdown": Markdown, "json": JSON}

// ParseFormat returns the format named s; its error lists the valid names.
func ParseFormat(s string) (Format, error) {
	if f, ok := formats[strings.ToLower(strings.TrimSpace(s))]; ok {
		return f, nil
	}
	names := make([]string, 0, len(formats))
	for n := range formats {
		names = append(names, n)
	}
	sort.Strings(names)
	return "", fmt.Errorf("unknown output format %q: want one of %s", s, strings.Join(names, ", "))
}

// DefaultMaxBytes is the markdown budget: under GitHub's 65,536-character comment limit with
// room for the caller's marker and framing.
const DefaultMaxBytes = 60000

// Options tune the rendering.
type Options struct {
	// Color turns on ANSI colours in text. Callers decide: stdout is a TTY and NO_COLOR is
	// unset.
	Color bool
	// MaxBytes is the markdown size budget; 0 means DefaultMaxBytes.
	MaxBytes int
	// Title is the heading of a markdown report; a default is used when empty.
	Title string
	// Footer is kept whatever is cut (e.g. the fingerprint and head commit line); markdown
	// is written as given, text as given.
	Footer string
	// DetailsURL is where the full report is (the job summary); linked when details are cut.
	DetailsURL string
}

// Plan writes p in format f.
func Plan(w io.Writer, f Format, p *plan.Plan, o Options) error {
	if p == nil {
		return fmt.Errorf("render plan: no plan")
	}
	var err error
	switch f {
	case Text:
		err = textPlan(w, p, o)
	case Markdown:
		err = markdownPlan(w, p, o)
	case JSON:
		err = jsonPlan(w, p)
	default:
		err = errFormat(f)
	}
	if err != nil {
		return fmt.Errorf("render plan: %w", err)
	}
	return nil
}

// Result writes the report of an apply: each change applied, failed (with Okta's error) or
// skipped (with why), what did not converge, and the API calls made.
func Result(w io.Writer, f Format, r *plan.Result, o Options) error {
	if r == nil {
		return fmt.Errorf("render result: no result")
	}
	var err error
	switch f {
	case Text:
		err = textResult(w, r, o)
	case Markdown:
		err = markdownResult(w, r, o)
	case JSON:
		err = jsonResult(w, r)
	default:
		err = errFormat(f)
	}
	if err != nil {
		return fmt.Errorf("render result: %w", err)
	}
	return nil
}

// Drift writes p (computed in drift mode) as a drift report: for each object, each field's
// value in the org and in the definitions; unmanaged objects with their YAML.
func Drift(w io.Writer, f Format, p *plan.Plan, o Options) error {
	if p == nil {
		return fmt.Errorf("render drift report: no plan")
	}
	var err error
	switch f {
	case Text:
		err = textDrift(w, p, o)
	case Markdown:
		err = markdownDrift(w, p, o)
	case JSON:
		err = jsonDrift(w, p)
	default:
		err = errFormat(f)
	}
	if err != nil {
		return fmt.Errorf("render drift report: %w", err)
	}
	return nil
}

func errFormat(f Format) error {
	_, err := ParseFormat(string(f))
	return err
}
