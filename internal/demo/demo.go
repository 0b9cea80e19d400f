// Package demo walks a newcomer through itpsync's whole loop in one command, offline: an
// in-memory Okta org (the emulator) served on 127.0.0.1 so the real Okta SDK talks to it
// over HTTP, a local stand-in for the GitHub REST API, and the real GitHub Action code
// (action.Run) driven with the GITHUB_* variables and event files a runner would give it.
//
// Every text the action would post (the pull request comment in each version, the job
// summaries, the drift issue, the user-risk audit record) is also written as markdown into
// the output folder, which is the only place the demo writes to. The tokens are made up
// for the run, and the demo checks that none of them reached its output or its files.
package demo

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/itpsync/itpsync/internal/notify/githubfake"
	"github.com/itpsync/itpsync/internal/oktaemu"
)

// DefaultOut is the default output folder, relative to the working directory.
const DefaultOut = "itpsync-demo"

// The repository the demo pretends to be.
const (
	repoOwner   = "acme"
	repoName    = "itp-config"
	environment = "demo"
)

// Config is one run of the demo.
type Config struct {
	// Out receives the progress, step by step; nil discards it.
	Out io.Writer
	// Dir is the output folder (created if missing; it must be empty or an earlier demo's).
	Dir string
	// Policies is the definitions folder; it is copied, never written.
	Policies string
	// Latency is added by the Okta emulator to every API response.
	Latency time.Duration
	// Color turns on ANSI colours in the terminal rendering of markdown.
	Color bool
	// OktaToken and GitHubToken are the made-up credentials; "" makes random ones.
	OktaToken, GitHubToken string
	// Now is the clock of the audit record; nil means time.Now.
	Now func() time.Time
}

// Result is what a finished demo produced.
type Result struct {
	// Dir is the output folder.
	Dir string
	// Files are the markdown files written, relative to Dir, in the order written.
	Files []string
}

// world is the demo's org, its GitHub and its output folder for one run.
type world struct {
	cfg   Config
	out   *printer
	files *folder

	emu    *oktaemu.Server
	emuURL string
	emuSrv *http.Server
	// consoleToken is the made-up API token of the administrator who changes the org by
	// hand in step 3.
	consoleToken string

	gh         *githubfake.Server
	unplanned  chan string
	runs       int
	lastSHA    string
	secrets    []string
	policyHash string
}

// Run runs the whole demo. It returns an error naming the step that failed.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	if cfg.Out == nil {
		cfg.Out = io.Discard
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Dir == "" {
		cfg.Dir = DefaultOut
	}
	if cfg.Policies == "" {
		cfg.Policies = "policies"
	}
	var err error
	var consoleToken string
	for _, tok := range []*string{&cfg.OktaToken, &cfg.GitHubToken, &consoleToken} {
		if *tok == "" {
			if *tok, err = madeUpToken(); err != nil {
				return nil, err
			}
		}
	}
	w := &world{cfg: cfg, out: newPrinter(cfg.Out, cfg.Color), consoleToken: consoleToken,
		secrets: []string{cfg.OktaToken, cfg.GitHubToken, consoleToken}}
	if w.policyHash, err = hashTree(cfg.Policies); err != nil {
		return nil, err
	}
	if w.files, err = prepareFolder(cfg.Dir, cfg.Policies); err != nil {
		return nil, err
	}
	if err := w.start(); err != nil {
		return nil, err
	}
	defer w.stop()
	if err := w.walk(ctx); err != nil {
		return nil, err
	}
	if err := w.finalChecks(); err != nil {
		return nil, err
	}
	return &Result{Dir: w.files.dir, Files: w.files.written}, nil
}

// The actors the emulated System Log names: itpsync's own service account, and the
// administrator who changes the org in the console (from a documentation address).
var (
	itpsyncActor = oktaemu.Admin{DisplayName: "itpsync (GitHub Actions)", Login: "itpsync-bot@acme.example"}
	consoleAdmin = oktaemu.Admin{DisplayName: "Dana Whitfield", Login: "dana.whitfield@acme.example"}
)

// consoleIP is where the console administrator works from.
const consoleIP = "198.51.100.77"

// madeUpToken is a random token for this run only.
func madeUpToken() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("make a demo token: %w", err)
	}
	return "demo-" + hex.EncodeToString(b), nil
}

// start serves the emulated org and the GitHub stand-in on free ports of 127.0.0.1.
func (w *world) start() error {
	// itpsync's token and the console administrator's are distinct, so the System Log (and
	// the drift issue that quotes it) names who made the out-of-band change.
	w.emu = oktaemu.New(oktaemu.Options{Token: w.cfg.OktaToken, Latency: w.cfg.Latency, Admin: itpsyncActor})
	w.emu.AddAdminToken(w.consoleToken, consoleAdmin)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("start the Okta emulator: listen on 127.0.0.1: %w", err)
	}
	w.emuURL = "http://" + ln.Addr().String()
	w.emuSrv = &http.Server{Handler: w.emu, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = w.emuSrv.Serve(ln) }() // returns ErrServerClosed on stop

	w.unplanned = make(chan string, 16)
	w.gh, err = githubfake.NewServer(repoOwner, repoName, func(msg string) {
		select {
		case w.unplanned <- msg:
		default: // the first few say enough
		}
	})
	if err != nil {
		_ = w.emuSrv.Close()
		return fmt.Errorf("start the GitHub stand-in: %w", err)
	}
	w.gh.SetToken(w.cfg.GitHubToken)
	return nil
}

func (w *world) stop() {
	w.gh.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := w.emuSrv.Shutdown(ctx); err != nil {
		_ = w.emuSrv.Close()
	}
}

// githubProblem returns the GitHub stand-in's first complaint (a request it does not
// know), or nil.
func (w *world) githubProblem() error {
	select {
	case msg := <-w.unplanned:
		return errors.New(msg)
	default:
		return nil
	}
}

// finalChecks makes sure the policies were not written and no token leaked into the
// output folder.
func (w *world) finalChecks() error {
	after, err := hashTree(w.cfg.Policies)
	if err != nil {
		return err
	}
	if after != w.policyHash {
		return fmt.Errorf("the definitions in %q changed during the demo", w.cfg.Policies)
	}
	return w.files.checkNoSecrets(w.secrets)
}

// containsSecret reports whether text holds one of the run's tokens.
func (w *world) containsSecret(text string) bool {
	for _, s := range w.secrets {
		if strings.Contains(text, s) {
			return true
		}
	}
	return false
}
