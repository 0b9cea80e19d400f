package cli

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/itpsync/itpsync/internal/demo"
)

// runDemo walks the whole loop (pull request plan, merge and apply, console drift, the
// nightly drift issue, a SOAR's user-risk dispatch, the fix) against an in-memory Okta org
// and a local GitHub stand-in, running the real GitHub Action code. It needs no network.
func runDemo(ctx context.Context, env *Env, args []string) int {
	fs := newFlags(env, "demo", "")
	out := fs.String("out", demo.DefaultOut, "folder for everything the action would post, as markdown (created; only this folder is written)")
	policies := fs.String("policies", "policies", "definitions folder (read, never written); it must define an environment \"demo\" without org_url")
	latency := fs.Duration("latency", 0, "latency the Okta emulator adds to every API response, e.g. 50ms")
	noColor := fs.Bool("no-color", false, "no colours (also off when NO_COLOR is set or stdout is not a terminal)")
	if done, code := parseFlags(fs, args); done {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(env.Stderr, "itpsync demo: unexpected argument %s\n", argText(fs.Arg(0)))
		return ExitUsage
	}
	if *latency < 0 {
		fmt.Fprintf(env.Stderr, "itpsync demo: --latency must not be negative, got %s\n", *latency)
		return ExitUsage
	}
	res, err := demo.Run(ctx, demo.Config{
		Out:      env.Stdout,
		Dir:      *out,
		Policies: *policies,
		Latency:  *latency,
		Color:    !*noColor && useColor(env),
	})
	if err != nil {
		fmt.Fprintf(env.Stderr, "itpsync demo: %v\n", err)
		return ExitError
	}
	fmt.Fprintf(env.Stdout, "\nEverything the action would have posted is in %s:\n", res.Dir)
	for _, f := range res.Files {
		fmt.Fprintf(env.Stdout, "  %s\n", filepath.Join(res.Dir, f))
	}
	fmt.Fprintf(env.Stdout, "(the runner's workspace, event files, outputs and logs are in %s)\n", filepath.Join(res.Dir, ".runner"))
	return ExitOK
}
