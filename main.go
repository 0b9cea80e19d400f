// Command itpsync keeps an Okta org's Identity Threat Protection configuration in git.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/itpsync/itpsync/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}
