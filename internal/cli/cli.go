// Package cli is itpsync's command line: it parses arguments, runs one subcommand and turns
// its outcome into an exit code. Commands are thin; the work lives in the other packages.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Exit codes shared by every command.
const (
	ExitOK      = 0 // success; for plan/drift with detailed codes: no changes
	ExitError   = 1 // an error, or invalid definitions
	ExitUsage   = 2 // bad usage (validate, and any command before it runs)
	ExitChanges = 2 // plan --detailed-exitcode / drift: there are changes
)

// Env is what a command gets from the process: streams and the environment.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Getenv reads an environment variable; tests replace it.
	Getenv func(string) string
}

// command is one subcommand.
type command struct {
	summary string
	run     func(ctx context.Context, env *Env, args []string) int
}

func commands() map[string]command {
	return map[string]command{
		"validate":  {"check the YAML definitions and report every error with its position", runValidate},
		"plan":      {"show what apply would change in the org", runPlan},
		"apply":     {"make the org match the definitions, or apply a saved plan", runApply},
		"demo":      {"walk the whole loop offline: emulated Okta org, local GitHub, the real Action", runDemo},
		"drift":     {"report how the org differs from the definitions (exit 2 when it does)", runDrift},
		"export":    {"write the org's ITP configuration as definitions", runExport},
		"user-risk": {"set one user's risk level, with a reason (incident response)", runUserRisk},
		"emulator":  {"serve an in-memory Okta org on a local address, for tests and trials", runEmulator},
		"action":    {"run as the GitHub Action (inputs from INPUT_*, context from GITHUB_*)", runAction},
		"version":   {"print the version", runVersion},
	}
}

// Run runs the command named by args[0] and returns the process exit code.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	env := &Env{Stdin: stdin, Stdout: stdout, Stderr: stderr, Getenv: getenv}
	cmds := commands()
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr, cmds)
		if len(args) == 0 {
			return ExitUsage
		}
		return ExitOK
	}
	cmd, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "itpsync: unknown command %q; valid commands are %s\n", args[0], strings.Join(names(cmds), ", "))
		return ExitUsage
	}
	return cmd.run(ctx, env, args[1:])
}

func names(cmds map[string]command) []string {
	out := make([]string, 0, len(cmds))
	for n := range cmds {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func usage(w io.Writer, cmds map[string]command) {
	fmt.Fprintln(w, "itpsync keeps an Okta org's Identity Threat Protection configuration in git.")
	fmt.Fprintln(w, "\nUsage: itpsync <command> [flags] [args]\n\nCommands:")
	for _, n := range names(cmds) {
		fmt.Fprintf(w, "  %-10s %s\n", n, cmds[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'itpsync <command> -h' for a command's flags.")
}

// newFlags returns a flag set that reports errors to env.Stderr instead of exiting.
func newFlags(env *Env, name, argsUsage string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(env.Stderr, "Usage: itpsync %s [flags] %s\n\nFlags:\n", name, argsUsage)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args; it returns (done, code): done is true when the command must stop
// with code (help asked, or a flag error).
func parseFlags(fs *flag.FlagSet, args []string) (bool, int) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return true, ExitOK
		}
		return true, ExitUsage
	}
	return false, 0
}

// Version is set at build time with -ldflags "-X github.com/itpsync/itpsync/internal/cli.Version=…".
var Version = "dev"

func runVersion(_ context.Context, env *Env, args []string) int {
	fs := newFlags(env, "version", "")
	if done, code := parseFlags(fs, args); done {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(env.Stderr, "itpsync version: unexpected argument %s\n", argText(fs.Arg(0)))
		return ExitUsage
	}
	fmt.Fprintf(env.Stdout, "itpsync %s\n", Version)
	return ExitOK
}
