package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"unicode"

	"github.com/itpsync/itpsync/internal/engine"
	"github.com/itpsync/itpsync/internal/plan"
	"github.com/itpsync/itpsync/internal/render"
)

// runApply applies the definitions in DIR, or exactly the plan saved in PLANFILE.
func runApply(ctx context.Context, env *Env, args []string) int {
	fs := newFlags(env, "apply", "[DIR | PLANFILE]")
	of := addOrgFlags(fs)
	auto := fs.Bool("auto-approve", false, "apply without asking for confirmation (required when not at a terminal)")
	defsDir := fs.String("definitions", "", "with a PLANFILE: the definitions directory (default: the one the plan was made from)")
	pos, done, code := parseInterspersed(fs, args)
	if done {
		return code
	}
	target, ok := oneDir(env, "apply", pos)
	if !ok {
		return ExitUsage
	}
	format, err := of.outputFormat()
	if err != nil {
		fmt.Fprintf(env.Stderr, "itpsync apply: %v\n", err)
		return ExitUsage
	}
	var saved *savedPlan
	dir := target
	if st, err := os.Stat(target); err == nil && st.Mode().IsRegular() {
		if saved, err = readPlan(target); err != nil {
			fmt.Fprintf(env.Stderr, "itpsync apply: %v\n", err)
			return ExitError
		}
		if dir, err = of.adoptPlan(env, saved, *defsDir); err != nil {
			fmt.Fprintf(env.Stderr, "itpsync apply: %v\n", err)
			return ExitError
		}
	} else if *defsDir != "" {
		fmt.Fprintln(env.Stderr, "itpsync apply: --definitions goes with a plan file")
		return ExitUsage
	}
	if !*auto && !isTerminal(env.Stdin) {
		fmt.Fprintln(env.Stderr, "itpsync apply: apply needs --auto-approve when not run at a terminal")
		return ExitError
	}
	r, code, ok := prepare(env, "apply", dir, of)
	if !ok {
		return code
	}
	ropts := render.Options{Color: useColor(env) && format == render.Text}
	// With --auto-approve and no plan file, nobody reviews a plan: Apply computes it from
	// its own read, just before the first write, so the org is read once instead of twice.
	var reviewed *plan.Plan
	switch {
	case saved != nil:
		reviewed = saved.Plan
	case !*auto:
		if reviewed, err = engine.Plan(ctx, r.org, r.defs, plan.ModePlan); err != nil {
			fmt.Fprintf(env.Stderr, "itpsync apply: %v\n", err)
			return ExitError
		}
	}
	if reviewed != nil && len(reviewed.Changes) == 0 {
		if err := render.Plan(env.Stdout, format, reviewed, ropts); err != nil {
			fmt.Fprintf(env.Stderr, "itpsync apply: %v\n", err)
			return ExitError
		}
		return ExitOK
	}
	if !*auto {
		if err := render.Plan(env.Stdout, format, reviewed, ropts); err != nil {
			fmt.Fprintf(env.Stderr, "itpsync apply: %v\n", err)
			return ExitError
		}
		if !confirm(ctx, env) {
			fmt.Fprintln(env.Stderr, "itpsync apply: cancelled; nothing was changed")
			return ExitError
		}
	}
	prog := &progress{w: env.Stderr, tty: isTerminal(env.Stderr)}
	res, err := engine.Apply(ctx, r.org, r.defs, reviewed, engine.ApplyOptions{Progress: prog.step})
	prog.done()
	var verr *engine.VerifyError
	if err != nil && !errors.As(err, &verr) {
		fmt.Fprintf(env.Stderr, "itpsync apply: %v\n", err)
		return ExitError
	}
	if rerr := render.Result(env.Stdout, format, res, ropts); rerr != nil {
		fmt.Fprintf(env.Stderr, "itpsync apply: %v\n", rerr)
		return ExitError
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "itpsync apply: %v\n", err)
		return ExitError
	}
	if res.Failed() {
		return ExitError
	}
	return ExitOK
}

// progress shows a running apply. The report printed at the end lists every change once,
// with its outcome; progress must not list them a second time. On a terminal it is one
// status line rewritten in place ("[3/8] + create network_zones.x…") and erased before the
// report, so a long apply against a slow org is visibly moving. Off a terminal (a CI log,
// where stdout and stderr are interleaved) a rewritten line would become one line per
// change, the duplicate list; there it says once that the apply started, and the report
// follows.
type progress struct {
	w       io.Writer
	tty     bool
	started bool
}

func (p *progress) step(s engine.Progress) {
	if !p.started {
		p.started = true
		if !p.tty {
			fmt.Fprintf(p.w, "Applying %s...\n", plural(s.Total, "change"))
			return
		}
	}
	if p.tty && s.Outcome == nil {
		fmt.Fprintf(p.w, "\r\x1b[K[%d/%d] %s %s %s...", s.Index, s.Total, s.Change.Action.Symbol(), s.Change.Action, printable(s.Change.Address))
	}
}

// done erases the status line.
func (p *progress) done() {
	if p.tty && p.started {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}

// printable drops control characters, which a terminal would interpret.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
}

// adoptPlan checks a saved plan against the flags (same org, same environment) and
// returns the definitions directory to use.
func (f *orgFlags) adoptPlan(env *Env, sp *savedPlan, defsDir string) (string, error) {
	f.resolve(env)
	if f.environment != "" && f.environment != sp.Environment {
		return "", fmt.Errorf("the plan was made for environment %q, not %q", sp.Environment, f.environment)
	}
	f.environment = sp.Environment
	if f.orgURL != "" && sp.OrgURL != "" && origin(f.orgURL) != origin(sp.OrgURL) {
		return "", fmt.Errorf("refusing to apply: the plan was made against org %q, not %q", sp.OrgURL, f.orgURL)
	}
	if defsDir != "" {
		return defsDir, nil
	}
	if sp.Definitions == "" {
		return "", errors.New("the plan file does not say which definitions it was made from: pass --definitions DIR")
	}
	return sp.Definitions, nil
}

func origin(s string) string {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil {
		return s
	}
	return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Host)
}

// confirm asks for the typed word yes. An interrupt (ctx cancelled) while waiting is a
// no: main catches SIGINT into ctx, so a blocked read alone would leave Ctrl-C unanswered.
func confirm(ctx context.Context, env *Env) bool {
	fmt.Fprint(env.Stderr, "\nDo you want to apply these changes to the org?\n  Only 'yes' will be accepted.\n\n  Enter a value: ")
	answer := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(env.Stdin).ReadString('\n')
		answer <- line
	}()
	select {
	case line := <-answer:
		return strings.TrimSpace(line) == "yes"
	case <-ctx.Done():
		fmt.Fprintln(env.Stderr)
		return false
	}
}
