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
	return func(b *strings.Builder, o render.Options) error { return render.Plan(b, render.Markdown, p, o) }
}

func driftMD(p *plan.Plan) renderFunc {
	return func(b *strings.Builder, o render.Options) error { return render.Drift(b, render.Markdown, p, o) }
}

func resultMD(r *plan.Result) renderFunc {
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

// footer is the comment's last line, kept whatever is cut: the plan's fingerprint and the
// pull request's head commit, visibly. It holds no run link, so an unchanged plan gives
// an unchanged comment that is not edited.
func footer(fingerprint, head string) string {
	var parts []string
	if head != "" {
		parts = append(parts, "head "+"`"+shortSHA(head)+"`")
	}
	if fingerprint != "" {
		parts = append(parts, "plan fingerprint `"+fingerprint+"`")
	}
	return notify.FooterMarker + "\n<sub>itpsync · " + strings.Join(parts, " · ") + "</sub>"
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
