package cli

import (
	"context"
	"fmt"
)

// runValidate is replaced by the spec loader's command (issue 2).
func runValidate(_ context.Context, env *Env, _ []string) int {
	fmt.Fprintln(env.Stderr, "itpsync validate: the loader is being built")
	return ExitError
}
