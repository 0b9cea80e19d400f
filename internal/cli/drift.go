package cli

import (
	"context"
	"fmt"

	"github.com/itpsync/itpsync/internal/engine"
	"github.com/itpsync/itpsync/internal/plan"
	"github.com/itpsync/itpsync/internal/render"
)

// runDrift reports how the org differs from the definitions: exit 0 when it matches, 2
// when anything differs (unmanaged objects included when reported), 1 on error, bad usage
// included.
func runDrift(ctx context.Context, env *Env, args []string) int {
	fs := newFlags(env, "drift", "[DIR]")
	of := addOrgFlags(fs)
	attribution := fs.Bool("attribution", true,
		"when the org has drifted, name who last changed each object, from the System Log (one API call; needs okta.logs.read)")
	pos, done, code := parseInterspersed(fs, args)
	if done {
		return usageCode(code)
	}
	dir, ok := oneDir(env, "drift", pos)
	if !ok {
		return ExitError
	}
	format, err := of.outputFormat()
	if err != nil {
		fmt.Fprintf(env.Stderr, "itpsync drift: %v\n", err)
		return ExitError
	}
	r, code, ok := prepare(env, "drift", dir, of)
	if !ok {
		return code
	}
	p, err := engine.Plan(ctx, r.org, r.defs, plan.ModeDrift)
	if err != nil {
		fmt.Fprintf(env.Stderr, "itpsync drift: %v\n", err)
		return ExitError
	}
	if *attribution && p.HasChanges() {
		// Who changed what is worth one call, but never worth failing the report for.
		if err := engine.Attribute(ctx, r.org, p, engine.DefaultAttributionWindow); err != nil {
			fmt.Fprintf(env.Stderr, "itpsync drift: warning: no attribution from the System Log: %v\n", err)
		}
	}
	if err := render.Drift(env.Stdout, format, p, render.Options{Color: useColor(env) && format == render.Text}); err != nil {
		fmt.Fprintf(env.Stderr, "itpsync drift: %v\n", err)
		return ExitError
	}
	if p.HasChanges() {
		return ExitChanges
	}
	return ExitOK
}
