// Package action runs itpsync as a GitHub Action: it reads the inputs (INPUT_*) and the
// workflow context (GITHUB_*), picks the mode from the event and runs it — plan on a pull
// request with one sticky comment, apply of exactly the reviewed plan on a push to the
// default branch, a drift issue per environment on a schedule, and the audited user-risk
// operation on a dispatch — and reports through the runner: annotations, outputs, the job
// summary.
//
// Secrets are masked before anything else runs, every text written anywhere (log,
// outputs, summary, comment, issue) is scrubbed of them once more, and text that comes
// from the org or from the pull request is echoed with workflow commands stopped.
package action

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/itpsync/itpsync/internal/notify"
)

// Env is what the action gets from its process.
type Env struct {
	// Getenv reads an environment variable (INPUT_*, GITHUB_*); nil means os.Getenv.
	Getenv func(string) string
	// Stdout is the step log, where workflow commands go; nil means os.Stdout.
	Stdout io.Writer
	// HTTPClient, when set, carries the Okta API calls (tests route them to an emulator).
	HTTPClient *http.Client
	// GitHubHTTPClient, when set, carries the GitHub API calls.
	GitHubHTTPClient *http.Client
	// Now is the clock of the audit record; nil means time.Now.
	Now func() time.Time
	// Version is itpsync's version, shown in the footer of comments and summaries; ""
	// means "dev".
	Version string
}

// Exit codes of Run.
const (
	ExitOK     = 0
	ExitFailed = 1
)

// run is one execution of the action.
type run struct {
	env Env
	in  Inputs
	gh  ghContext
	ev  *event
	cmd string
	r   *notify.Runner
	// masker writes ::add-mask:: lines straight to stdout; r writes through the scrubber.
	masker *notify.Runner
	scrub  *scrubber
	maskMu sync.Mutex // mask runs on the Okta transport's goroutines too
	masked map[string]bool
	out    outputs
	gc     *notify.Client // nil until github() is called
}

// Run runs the action and returns the process exit code: 0 on success, 1 on any failure
// (invalid definitions, a refused or failed apply, drift with fail_on_drift, an error).
func Run(ctx context.Context, env Env) int {
	if env.Getenv == nil {
		env.Getenv = os.Getenv
	}
	if env.Stdout == nil {
		env.Stdout = os.Stdout
	}
	if env.Now == nil {
		env.Now = time.Now
	}
	out := &lockedWriter{w: env.Stdout}
	x := &run{env: env, masker: &notify.Runner{Out: out}, masked: map[string]bool{}}
	x.scrub = &scrubber{w: out}
	// First thing: mask every secret input, before any other line is written.
	for _, s := range secretValues(env.Getenv) {
		x.mask(s)
	}
	x.gh = readContext(env.Getenv)
	x.r = &notify.Runner{Out: x.scrub, OutputPath: x.gh.OutputPath, SummaryPath: x.gh.SummaryPath}
	code := x.main(ctx)
	if err := x.writeOutputs(); err != nil {
		x.errorf("%v", err)
		code = ExitFailed
	}
	return code
}

func (x *run) main(ctx context.Context) int {
	var err error
	if x.in, err = readInputs(x.env.Getenv); err != nil {
		return x.fail(err)
	}
	if x.ev, err = readEvent(x.gh); err != nil {
		return x.fail(err)
	}
	if x.cmd, err = chooseCommand(x.in, x.ev); err != nil {
		return x.fail(err)
	}
	if x.in, err = dispatchParams(x.in, x.ev); err != nil {
		return x.fail(err)
	}
	x.logf("itpsync: %s (event %s, environment %s)", x.cmd, x.gh.EventName, envLabel(x.in.Environment))
	switch x.cmd {
	case CommandValidate:
		return x.validate(ctx)
	case CommandPlan:
		if x.ev.PR != nil && x.ev.PR.GetAction() == "closed" {
			// The push to the default branch reports on the comment; a plan now would
			// overwrite the apply's outcome.
			x.logf("pull request #%d was closed: validating only, the plan comment is left as it is", x.ev.prNumber())
			return x.validate(ctx)
		}
		if x.ev.PR != nil {
			return x.pullRequest(ctx)
		}
		return x.planOnly(ctx)
	case CommandApply:
		return x.apply(ctx)
	case CommandDrift:
		return x.drift(ctx)
	case CommandUserRisk:
		return x.userRisk(ctx)
	}
	return x.fail(fmt.Errorf("unknown command %q", x.cmd))
}

// mask hides secret (line by line) from the log and adds it to what every written text
// is scrubbed of.
func (x *run) mask(secret string) {
	x.maskMu.Lock()
	defer x.maskMu.Unlock()
	if strings.TrimSpace(secret) == "" || x.masked[secret] {
		return
	}
	x.masked[secret] = true
	x.masker.Mask(secret)
	x.scrub.add(secret)
}

// fail reports err as an error annotation, sets result error unless a result is already
// set, and returns ExitFailed.
func (x *run) fail(err error) int {
	x.errorf("%v", err)
	if _, ok := x.out.values["result"]; !ok {
		x.out.set("result", ResultError)
	}
	return ExitFailed
}

// errorf writes an error annotation (scrubbed; the data is escaped by go-githubactions, so
// a newline in the message cannot start a workflow command).
func (x *run) errorf(format string, args ...any) {
	x.r.Annotate("error", "", 0, 0, "", x.scrub.clean(fmt.Sprintf(format, args...)))
}

// warnf writes a warning annotation.
func (x *run) warnf(format string, args ...any) {
	x.r.Annotate("warning", "", 0, 0, "", x.scrub.clean(fmt.Sprintf(format, args...)))
}

// logf writes one log line. A line that could read as a workflow command (it holds "::")
// is echoed with commands stopped, since names and errors from the org or the definitions
// are in it.
func (x *run) logf(format string, args ...any) {
	line := strings.TrimRight(fmt.Sprintf(format, args...), "\n")
	if strings.Contains(line, "::") {
		x.r.Untrusted(x.scrub.clean(line))
		return
	}
	fmt.Fprintln(x.scrub, line)
}

// untrusted echoes a block of text from the org or the pull request with commands stopped.
func (x *run) untrusted(text string) {
	if text != "" {
		x.r.Untrusted(x.scrub.clean(text))
	}
}

// summary appends markdown to the job summary; a missing GITHUB_STEP_SUMMARY is a
// warning (a local run), a full one too.
func (x *run) summary(markdown string) {
	if x.gh.SummaryPath == "" {
		return
	}
	if err := x.r.AddSummary(x.scrub.clean(markdown)); err != nil {
		x.warnf("%v", err)
	}
}

func (x *run) writeOutputs() error {
	if x.gh.OutputPath == "" {
		if len(x.out.values) > 0 {
			x.logf("GITHUB_OUTPUT is not set: the step outputs are not written")
		}
		return nil
	}
	return x.out.write(func(name, value string) error {
		return x.r.SetOutput(name, x.scrub.clean(value))
	})
}

// github returns the GitHub client, created on first use.
func (x *run) github() (*notify.Client, error) {
	if x.gc != nil {
		return x.gc, nil
	}
	if x.in.GitHubToken == "" {
		return nil, errors.New("input \"github_token\" is empty: pass the workflow's token (the default ${{ github.token }})")
	}
	if x.gh.Repository == "" {
		return nil, errors.New("GITHUB_REPOSITORY is not set: run the action in a GitHub Actions workflow")
	}
	c, err := notify.New(x.in.GitHubToken, x.gh.APIURL, x.gh.Repository, x.env.GitHubHTTPClient)
	if err != nil {
		return nil, err
	}
	x.gc = c
	return c, nil
}

func envLabel(env string) string {
	if env == "" {
		return "(default)"
	}
	return fmt.Sprintf("%q", env)
}

// scrubber removes secrets from text: a writer for the log and a function for everything
// else. Masking already hides them in the log; this also keeps them out of outputs,
// summaries, comments and issues, whatever a library put in an error.
type scrubber struct {
	w       io.Writer
	mu      sync.Mutex
	secrets []string
}

func (s *scrubber) add(secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, l := range append(strings.Split(secret, "\n"), secret) {
		l = strings.TrimSpace(l)
		if len(l) >= 4 && !contains(s.secrets, l) {
			s.secrets = append(s.secrets, l)
		}
	}
	// Longest first, so a secret containing another is replaced whole.
	for i := 1; i < len(s.secrets); i++ {
		for j := i; j > 0 && len(s.secrets[j]) > len(s.secrets[j-1]); j-- {
			s.secrets[j], s.secrets[j-1] = s.secrets[j-1], s.secrets[j]
		}
	}
}

func (s *scrubber) clean(text string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, sec := range s.secrets {
		if strings.Contains(text, sec) {
			text = strings.ReplaceAll(text, sec, "***")
		}
	}
	return text
}

func (s *scrubber) Write(p []byte) (int, error) {
	if _, err := io.WriteString(s.w, s.clean(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}

// lockedWriter serialises writes to the log: the Okta client logs and masks tokens from
// its own goroutines.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
