package cli

import (
	"context"
	"fmt"

	"github.com/itpsync/itpsync/internal/engine"
)

// runExport writes the org's ITP configuration as definitions into --out.
func runExport(ctx context.Context, env *Env, args []string) int {
	fs := newFlags(env, "export", "--out DIR")
	of := addOrgFlags(fs)
	out := fs.String("out", "", "directory to write the definitions to (required)")
	force := fs.Bool("force", false, "overwrite files that already exist in --out")
	if done, code := parseFlags(fs, args); done {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(env.Stderr, "itpsync export: unexpected argument %s (the directory goes in --out)\n", argText(fs.Arg(0)))
		return ExitUsage
	}
	if err := refuseUnused(fs, "environment", "format"); err != nil {
		fmt.Fprintf(env.Stderr, "itpsync export: %v: export writes YAML definitions and reads none\n", err)
		return ExitUsage
	}
	if *out == "" {
		fmt.Fprintln(env.Stderr, "itpsync export: --out DIR is required")
		return ExitUsage
	}
	c, err := of.client(env, nil)
	if err != nil {
		fmt.Fprintf(env.Stderr, "itpsync export: %v\n", err)
		return ExitError
	}
	files, err := engine.Export(ctx, c, *out, engine.ExportOptions{Force: *force})
	if err != nil {
		fmt.Fprintf(env.Stderr, "itpsync export: %v\n", err)
		return ExitError
	}
	for _, f := range files {
		fmt.Fprintf(env.Stdout, "wrote %s\n", f)
	}
	fmt.Fprintf(env.Stderr, "Exported %s (user risk is not exported) with %d API calls; check them with: itpsync validate %s\n",
		plural(len(files), "file"), c.Stats().Calls, *out)
	return ExitOK
}
