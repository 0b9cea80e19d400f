package action

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/itpsync/itpsync/internal/notify"
	"github.com/itpsync/itpsync/internal/plan"
	"github.com/itpsync/itpsync/internal/render"
)

// Markdown budgets: a comment holds the marker, the meta line and a status section besides
// the rendered plan; the job summary may hold up to notify.MaxSummaryBytes.
const (
	commentBudget = render.DefaultMaxBytes
	summaryBudget = notify.MaxSummaryBytes - 64<<10
)

// renderFunc renders one report (render.Plan, Drift or Result) as markdown.
type renderFunc func(b *strings.Builder, o render.Options) error

// markdown renders with f; when the renderer fails it says so in the text rather than
// losing the report (the log has the text form).
func (x *run) markdown(what string, f renderFunc, o render.Options) string {
	var b strings.Builder
	if err := f(&b, o); err != nil {
		x.warnf("render the %s as markdown: %v", what, err)
		return fmt.Sprintf("_itpsync could not render the %s as markdown (%s); the step log has it as text._\n",
			what, mdText(err.Error()))
	}
	return b.String()
}

func planMD(p *plan.Plan) renderFunc {
	p = withoutFingerprint(p)
	return func(b *strings.Builder, o render.Options) error { return render.Plan(b, render.Markdown, p, o) }
}

// driftMD renders a drift report without the plan fingerprint: it means nothing to the
// reader of a drift issue (the digest decides whether the drift changed).
func driftMD(p *plan.Plan) renderFunc {
	p = withoutFingerprint(p)
	return func(b *strings.Builder, o render.Options) error { return render.Drift(b, render.Markdown, p, o) }
}

func resultMD(r *plan.Result) renderFunc {
	if r != nil {
		c := *r
		c.Plan = withoutFingerprint(r.Plan)
		r = &c
	}
	return func(b *strings.Builder, o render.Options) error { return render.Result(b, render.Markdown, r, o) }
}

// logText writes the text form of a report to the log, commands stopped (it holds org
// and definitions text).
func (x *run) logText(title string, f func(b *strings.Builder) error) {
	var b strings.Builder
	if err := f(&b); err != nil {
		x.warnf("render the %s as text: %v", title, err)
		return
	}
	x.r.Group(title)
	x.untrusted(b.String())
	x.r.EndGroup()
}

// footer is the one line that ends a comment, a summary and every apply report, kept
// whatever is cut: "Plan fingerprint `sha256:…` for head `abc…` · environment `x` ·
// itpsync v1". label names what sha is ("head" of the pull request, "commit" of the push).
// It holds no run link, so an unchanged plan gives an unchanged comment that is not edited.
func (x *run) footer(fingerprint, label, sha string) string {
	var parts []string
	switch {
	case fingerprint != "" && sha != "":
		parts = append(parts, fmt.Sprintf("Plan fingerprint `%s` for %s `%s`", fingerprint, label, shortSHA(sha)))
	case fingerprint != "":
		parts = append(parts, fmt.Sprintf("Plan fingerprint `%s`", fingerprint))
	case sha != "" && label != "":
		parts = append(parts, fmt.Sprintf("%s%s `%s`", strings.ToUpper(label[:1]), label[1:], shortSHA(sha)))
	}
	if x.in.Environment != "" {
		parts = append(parts, "environment `"+mdCode(x.in.Environment)+"`")
	} else {
		parts = append(parts, "default environment")
	}
	v := x.env.Version
	if v == "" {
		v = "dev"
	}
	parts = append(parts, "itpsync "+mdText(v))
	return notify.FooterMarker + "\n<sub>" + strings.Join(parts, " · ") + "</sub>"
}

// withoutFingerprint is p for the markdown renderer: the footer line carries the
// fingerprint, once.
func withoutFingerprint(p *plan.Plan) *plan.Plan {
	if p == nil {
		return nil
	}
	c := *p
	c.Fingerprint = ""
	return &c
}

func shortSHA(s string) string {
	if len(s) > 12 {
		return s[:12]
	}
	return s
}

// marker is the plan comment's marker for the run's environment.
func (x *run) marker() notify.Marker {
	return notify.Marker{Kind: notify.KindPlan, Environment: x.in.Environment}
}

// upsertComment keeps the one plan comment of pull request pr; it sets comment_url.
func (x *run) upsertComment(ctx context.Context, pr int, meta notify.Meta, body string) error {
	gc, err := x.github()
	if err != nil {
		return err
	}
	for k, v := range meta {
		meta[k] = x.scrub.clean(v)
	}
	res, err := gc.UpsertComment(ctx, pr, x.marker(), meta, x.scrub.clean(body))
	if err != nil {
		return err
	}
	x.out.set("comment_url", res.URL)
	x.logf("pull request #%d: comment %s (%s)", pr, res.Action, res.URL)
	return nil
}

// isPermission reports whether err is the token lacking a permission.
func isPermission(err error) bool {
	var pe *notify.PermissionError
	return errors.As(err, &pe)
}

func (x *run) envHeading() string {
	if x.in.Environment == "" {
		return ""
	}
	return " — " + mdText(x.in.Environment)
}
