package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/itpsync/itpsync/internal/oktaemu"
)

// runEmulator serves an in-memory Okta org until ctx is cancelled, for local runs of
// plan/apply and for end-to-end tests.
func runEmulator(ctx context.Context, env *Env, args []string) int {
	fs := newFlags(env, "emulator", "")
	listen := fs.String("listen", "127.0.0.1:8080", "address to listen on (host:port; port 0 picks a free one)")
	token := fs.String("token", "", "API token the emulator accepts as \"SSWS <token>\" (required)")
	seedPath := fs.String("seed", "", "JSON file with the org's users, groups, zones and providers")
	latency := fs.Duration("latency", 0, "latency added to every API response, e.g. 200ms")
	pageSize := fs.Int("page-size", 200, "default page size of zone, user and group lists")
	if done, code := parseFlags(fs, args); done {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(env.Stderr, "itpsync emulator: unexpected argument %s\n", argText(fs.Arg(0)))
		return ExitUsage
	}
	if *token == "" {
		fmt.Fprintln(env.Stderr, "itpsync emulator: --token is required")
		return ExitUsage
	}
	if *pageSize <= 0 {
		fmt.Fprintf(env.Stderr, "itpsync emulator: --page-size must be positive, got %d\n", *pageSize)
		return ExitUsage
	}
	opts := oktaemu.Options{Token: *token, Latency: *latency, PageSize: *pageSize}
	if *seedPath != "" {
		seed, err := oktaemu.LoadSeed(*seedPath)
		if err != nil {
			fmt.Fprintf(env.Stderr, "itpsync emulator: %v\n", err)
			return ExitError
		}
		opts.Seed = seed
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Fprintf(env.Stderr, "itpsync emulator: listen on %q: %v\n", *listen, err)
		return ExitError
	}
	srv := &http.Server{Handler: oktaemu.New(opts), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(env.Stdout, "listening on http://%s\n", ln.Addr())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		fmt.Fprintf(env.Stderr, "itpsync emulator: serve: %v\n", err)
		return ExitError
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		fmt.Fprintf(env.Stderr, "itpsync emulator: shut down: %v\n", err)
		return ExitError
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintf(env.Stderr, "itpsync emulator: serve: %v\n", err)
		return ExitError
	}
	return ExitOK
}
