package action

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/itpsync/itpsync/internal/diag"
	"github.com/itpsync/itpsync/internal/engine"
)

// maxAnnotations is how many annotations of one level GitHub displays for a step (about
// ten); the rest are counted in a notice.
const maxAnnotations = 10

// loaded is the outcome of loading the definitions.
type loaded struct {
	defs *engine.Definitions // nil when invalid
	// invalid holds the errors (and warnings) of invalid definitions.
	invalid *engine.InvalidError
	diags   diag.List // every diagnostic, for annotations and the summary
}

// policiesDir is the definitions directory: policies_dir relative to the workspace.
func (x *run) policiesDir() string {
	if filepath.IsAbs(x.in.PoliciesDir) || x.gh.Workspace == "" {
		return x.in.PoliciesDir
	}
	return filepath.Join(x.gh.Workspace, x.in.PoliciesDir)
}

// load reads and resolves the definitions for the environment and reports every
// diagnostic as an annotation, in the log, and (when invalid) in the summary. err is for
// problems that are not diagnostics (no directory, no file, an unknown environment).
func (x *run) load() (*loaded, error) {
	dir := x.policiesDir()
	x.r.Group("Validate " + x.relPath(dir))
	defer x.r.EndGroup()
	defs, err := engine.Load(dir, x.in.Environment)
	l := &loaded{defs: defs}
	var inv *engine.InvalidError
	switch {
	case errors.As(err, &inv) && len(inv.Diags) > 0:
		l.invalid, l.diags = inv, inv.Diags
	case err != nil:
		return nil, fmt.Errorf("load the definitions in %q: %w", x.relPath(dir), err)
	default:
		l.diags = defs.Diags
	}
	x.annotate(l.diags)
	if len(l.diags) > 0 {
		var b strings.Builder
		var src diag.Sources
		if l.invalid != nil {
			src = l.invalid.Sources
		} else {
			src = defs.Spec.Sources
		}
		rel := x.relDiags(l.diags)
		relSrc := diag.Sources{}
		for name, text := range src {
			relSrc[x.relPath(name)] = text
		}
		if err := rel.WriteText(&b, relSrc); err == nil {
			x.untrusted(b.String())
		}
	}
	errs := len(l.diags.Errors())
	x.logf("%s, %s", plural(errs, "error"), plural(len(l.diags)-errs, "warning"))
	return l, nil
}

// relPath makes a path relative to the workspace, as annotations want it.
func (x *run) relPath(p string) string {
	if x.gh.Workspace == "" {
		return filepath.ToSlash(p)
	}
	rel, err := filepath.Rel(x.gh.Workspace, p)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return filepath.ToSlash(p)
	}
	return filepath.ToSlash(rel)
}

// relDiags returns the diagnostics with workspace-relative files, errors first, each
// group sorted by position.
func (x *run) relDiags(l diag.List) diag.List {
	out := make(diag.List, len(l))
	copy(out, l)
	for i := range out {
		out[i].Pos.File = x.relPath(out[i].Pos.File)
	}
	out.Sort()
	errs, warns := out.Errors(), diag.List{}
	for _, d := range out {
		if d.Severity != diag.Error {
			warns = append(warns, d)
		}
	}
	return append(errs, warns...)
}

// annotate turns diagnostics into annotations: errors first, at most maxAnnotations of each
// level, then a notice counting the rest (GitHub would drop them silently).
func (x *run) annotate(l diag.List) {
	shown := map[diag.Severity]int{}
	hidden := map[diag.Severity]int{}
	for _, d := range x.relDiags(l) {
		if shown[d.Severity] >= maxAnnotations {
			hidden[d.Severity]++
			continue
		}
		shown[d.Severity]++
		level := "error"
		if d.Severity != diag.Error {
			level = "warning"
		}
		x.r.Annotate(level, d.Pos.File, d.Pos.Line, d.Pos.Col, "itpsync: "+d.Kind, x.scrub.clean(d.Message))
	}
	if n, m := hidden[diag.Error], hidden[diag.Warning]; n+m > 0 {
		x.r.Annotate("notice", "", 0, 0, "itpsync", fmt.Sprintf(
			"%s and %s more are not shown as annotations (GitHub displays about %d per level); the log and the job summary list them all",
			plural(n, "error"), plural(m, "warning"), maxAnnotations))
	}
}

// diagnosticsMarkdown lists diagnostics as a table, errors first.
func (x *run) diagnosticsMarkdown(l diag.List) string {
	if len(l) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("| | File | Line | Problem |\n|---|---|---|---|\n")
	for _, d := range x.relDiags(l) {
		icon := "❌"
		if d.Severity != diag.Error {
			icon = "⚠️"
		}
		fmt.Fprintf(&b, "| %s | `%s` | %d:%d | %s [%s] |\n", icon, mdCode(d.Pos.File), d.Pos.Line, d.Pos.Col, mdText(d.Message), mdText(d.Kind))
	}
	return b.String()
}

// validate is the validate command: definitions checked, nothing else.
func (x *run) validate(_ context.Context) int {
	l, code := x.loadValid("")
	if l == nil {
		return code
	}
	x.out.set("result", ResultValid)
	x.summary(fmt.Sprintf("## itpsync: definitions valid\n\n`%s` is valid for environment %s.\n\n%s",
		mdCode(x.in.PoliciesDir), envLabel(x.in.Environment), x.diagnosticsMarkdown(l.diags)))
	return ExitOK
}

// loadValid loads the definitions for a command that needs them valid. When they cannot
// be loaded or are invalid it reports that (result invalid, the summary saying why, and
// the error annotation "the definitions are invalid: "+notDone unless notDone is "") and
// returns nil with the run's exit code.
func (x *run) loadValid(notDone string) (*loaded, int) {
	l, err := x.load()
	if err != nil {
		return nil, x.fail(err)
	}
	if l.invalid != nil {
		x.out.set("result", ResultInvalid)
		x.summary(x.invalidMarkdown(l))
		if notDone != "" {
			x.errorf("the definitions are invalid: %s", notDone)
		}
		return nil, ExitFailed
	}
	return l, ExitOK
}

// invalidMarkdown says the definitions are invalid and lists why.
func (x *run) invalidMarkdown(l *loaded) string {
	errs := len(l.diags.Errors())
	return fmt.Sprintf("## ❌ itpsync: invalid definitions\n\n`%s` has %s (%s); nothing was planned. "+
		"Each problem is also an annotation on the file.\n\n%s",
		mdCode(x.in.PoliciesDir), plural(errs, "error"), plural(len(l.diags)-errs, "warning"), x.diagnosticsMarkdown(l.diags))
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// mdText escapes text for a markdown table cell or paragraph: no HTML, no table breaks,
// no mentions or links that ping people.
func mdText(s string) string {
	r := strings.NewReplacer(
		"\\", "\\\\", "|", "\\|", "<", "&lt;", ">", "&gt;", "\r", " ", "\n", " ",
		"*", "\\*", "_", "\\_", "`", "\\`", "[", "\\[", "]", "\\]", "@", "@\u200b",
	)
	return r.Replace(s)
}

// mdCode makes s safe inside a `code span` of a table cell.
func mdCode(s string) string {
	return strings.NewReplacer("`", "'", "|", "\\|", "\n", " ", "\r", " ").Replace(s)
}
