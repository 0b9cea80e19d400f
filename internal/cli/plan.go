package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/itpsync/itpsync/internal/engine"
	"github.com/itpsync/itpsync/internal/plan"
	"github.com/itpsync/itpsync/internal/render"
)

// savedPlan is the file `plan --out` writes and `apply FILE` reads: the plan, plus where
// it came from so apply can refuse another org or environment. The plan's own fields are
// at the top level, so the file is also a plain plan JSON.
type savedPlan struct {
	*plan.Plan
	OrgURL string `json:"org_url"`
	// Definitions is the definitions directory the plan was computed from.
	Definitions string `json:"definitions"`
}

// runPlan shows what apply would change in the org.
func runPlan(ctx context.Context, env *Env, args []string) int {
	fs := newFlags(env, "plan", "[DIR]")
	of := addOrgFlags(fs)
	out := fs.String("out", "", "save the plan to FILE for 'itpsync apply FILE'")
	detailed := fs.Bool("detailed-exitcode", false, "exit 0 when there are no changes, 2 when there are, 1 on error")
	pos, done, code := parseInterspersed(fs, args)
	if done {
		return usageCode(code)
	}
	dir, ok := oneDir(env, "plan", pos)
	if !ok {
		return ExitError
	}
	format, err := of.outputFormat()
	if err != nil {
		fmt.Fprintf(env.Stderr, "itpsync plan: %v\n", err)
		return ExitError
	}
	r, code, ok := prepare(env, "plan", dir, of)
	if !ok {
		return code
	}
	p, err := engine.Plan(ctx, r.org, r.defs, plan.ModePlan)
	if err != nil {
		fmt.Fprintf(env.Stderr, "itpsync plan: %v\n", err)
		return ExitError
	}
	if err := render.Plan(env.Stdout, format, p, render.Options{Color: useColor(env) && format == render.Text}); err != nil {
		fmt.Fprintf(env.Stderr, "itpsync plan: %v\n", err)
		return ExitError
	}
	if *out != "" {
		if err := writePlan(*out, savedPlan{Plan: p, OrgURL: of.orgURL, Definitions: dir}); err != nil {
			fmt.Fprintf(env.Stderr, "itpsync plan: %v\n", err)
			return ExitError
		}
		fmt.Fprintf(env.Stderr, "Saved the plan to %s; apply exactly it with: itpsync apply %s\n", *out, *out)
	}
	fmt.Fprintf(env.Stderr, "%d API calls\n", r.org.Stats().Calls)
	if *detailed && p.HasChanges() {
		return ExitChanges
	}
	return ExitOK
}

// usageCode is the exit code of plan and drift for a flag error: 1, since 2 tells scripts
// that there are changes (help asked for stays 0).
func usageCode(code int) int {
	if code == ExitOK {
		return ExitOK
	}
	return ExitError
}

// run is what prepare sets up for a command that talks to an org.
type orgRun struct {
	defs *engine.Definitions
	org  engine.Org
}

// prepare loads the definitions, configures the org and checks that the definitions'
// environment allows it; it prints the problem and returns (nil, code, false) on failure.
// No API call is made.
func prepare(env *Env, name, dir string, of *orgFlags) (*orgRun, int, bool) {
	defs, err := engine.Load(dir, of.environment)
	if err != nil {
		printInvalid(env.Stderr, name, err)
		return nil, ExitError, false
	}
	if len(defs.Diags) > 0 {
		_ = defs.Diags.WriteText(env.Stderr, defs.Spec.Sources)
	}
	c, err := of.client(env, nil)
	if err != nil {
		fmt.Fprintf(env.Stderr, "itpsync %s: %v\n", name, err)
		return nil, ExitError, false
	}
	if err := of.checkOrg(defs); err != nil {
		fmt.Fprintf(env.Stderr, "itpsync %s: %v\n", name, err)
		return nil, ExitError, false
	}
	return &orgRun{defs: defs, org: c}, 0, true
}

// writePlan saves a plan as indented JSON, readable only by the owner: it holds the org's
// configuration (never a secret, but not for everyone either).
func writePlan(path string, sp savedPlan) error {
	data, err := json.MarshalIndent(sp, "", "  ")
	if err != nil {
		return fmt.Errorf("encode plan: %w", err)
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("save plan: %w", err)
		}
	}
	if err := os.WriteFile(path, append(data, '\n'), 0o600); err != nil {
		return fmt.Errorf("save plan: %w", err)
	}
	return nil
}

// maxPlanSize is the largest plan file apply reads: a plan of 5,000 changes is a few MiB.
const maxPlanSize = 64 << 20

// readLimited reads a regular file of at most max bytes.
func readLimited(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("over %d MiB; a plan file may be at most %d MiB", max>>20, max>>20)
	}
	return data, nil
}

// readPlan loads a plan saved by plan --out.
func readPlan(path string) (*savedPlan, error) {
	data, err := readLimited(path, maxPlanSize)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("read plan %q: %w", path, err)
	}
	sp := savedPlan{Plan: &plan.Plan{}}
	if err := json.Unmarshal(data, &sp); err != nil {
		return nil, fmt.Errorf("read plan %q: %w", path, err)
	}
	if sp.FormatVersion != plan.FormatVersion {
		return nil, fmt.Errorf("read plan %q: format version %d, want %d: run plan again with this itpsync", path, sp.FormatVersion, plan.FormatVersion)
	}
	if sp.Mode != plan.ModePlan {
		return nil, fmt.Errorf("read plan %q: it is a %q report, not a plan", path, sp.Mode)
	}
	if err := sp.Plan.Validate(); err != nil {
		return nil, fmt.Errorf("read plan %q: %w", path, err)
	}
	return &sp, nil
}
