package cli

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/itpsync/itpsync/internal/engine"
	"github.com/itpsync/itpsync/internal/render"
)

// runUserRisk sets one user's risk level, the audited way to lower (or raise) it outside
// the definitions.
func runUserRisk(ctx context.Context, env *Env, args []string) int {
	fs := newFlags(env, "user-risk", "--user LOGIN --level HIGH|LOW --reason TEXT")
	of := addOrgFlags(fs)
	user := fs.String("user", "", "the user's login or ID (required)")
	level := fs.String("level", "", "HIGH or LOW (required)")
	reason := fs.String("reason", "", "why the risk is changed, for the record (required)")
	dryRun := fs.Bool("dry-run", false, "show what would change without changing it")
	if done, code := parseFlags(fs, args); done {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(env.Stderr, "itpsync user-risk: unexpected argument %s\n", argText(fs.Arg(0)))
		return ExitUsage
	}
	if err := refuseUnused(fs, "environment"); err != nil {
		fmt.Fprintf(env.Stderr, "itpsync user-risk: %v: user-risk reads no definitions\n", err)
		return ExitUsage
	}
	format, err := of.outputFormat()
	if err != nil {
		fmt.Fprintf(env.Stderr, "itpsync user-risk: %v\n", err)
		return ExitUsage
	}
	if *user == "" || *level == "" || *reason == "" {
		fmt.Fprintln(env.Stderr, "itpsync user-risk: --user, --level and --reason are required")
		return ExitUsage
	}
	c, err := of.client(env, nil)
	if err != nil {
		fmt.Fprintf(env.Stderr, "itpsync user-risk: %v\n", err)
		return ExitError
	}
	rc, err := engine.SetUserRisk(ctx, c, *user, *level, *reason, *dryRun)
	if err != nil {
		fmt.Fprintf(env.Stderr, "itpsync user-risk: %v\n", err)
		return ExitError
	}
	switch format {
	case render.JSON:
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rc); err != nil {
			fmt.Fprintf(env.Stderr, "itpsync user-risk: %v\n", err)
			return ExitError
		}
	default:
		fmt.Fprint(env.Stdout, riskText(rc, format == render.Markdown))
	}
	return ExitOK
}

// riskText describes a risk change in one or two sentences.
func riskText(rc *engine.RiskChange, md bool) string {
	user := fmt.Sprintf("%q", rc.User)
	if md {
		user = "`" + rc.User + "`"
	}
	var what string
	switch {
	case rc.Before == rc.After && !rc.DryRun:
		what = fmt.Sprintf("User %s already has risk %s; nothing was changed.", user, rc.After)
	case rc.Before == rc.After:
		what = fmt.Sprintf("Dry run: user %s already has risk %s; nothing would change.", user, rc.After)
	case rc.DryRun:
		what = fmt.Sprintf("Dry run: user %s risk would change: %s -> %s.", user, rc.Before, rc.After)
	default:
		what = fmt.Sprintf("User %s risk changed: %s -> %s.", user, rc.Before, rc.After)
	}
	return fmt.Sprintf("%s\nReason: %s\n", what, rc.Reason)
}
