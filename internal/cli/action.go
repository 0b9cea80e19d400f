package cli

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/itpsync/itpsync/internal/action"
)

// runAction runs itpsync as a GitHub Action: the inputs come from INPUT_* and the context
// from GITHUB_* (see action.yml); the mode is chosen from the event. Exit 0 on success, 1
// on failure, 2 on bad usage.
func runAction(ctx context.Context, env *Env, args []string) int {
	fs := newFlags(env, "action", "")
	if done, code := parseFlags(fs, args); done {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(env.Stderr, "itpsync action: unexpected argument %s: the action reads its inputs from INPUT_* variables\n", argText(fs.Arg(0)))
		return ExitUsage
	}
	getenv := env.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	// An org URL on a loopback address with a port is an emulator: route to its port,
	// which the Okta SDK would drop (the same routing as the other commands).
	orgURL := strings.TrimSpace(getenv("INPUT_OKTA_ORG_URL"))
	return action.Run(ctx, action.Env{Getenv: getenv, Stdout: env.Stdout, HTTPClient: loopbackClient(orgURL), Version: Version})
}
