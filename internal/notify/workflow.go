package notify

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/sethvargo/go-githubactions"
)

// MaxSummaryBytes is GitHub's cap on one step's job summary file; above it the
// whole summary is dropped with an error annotation.
const MaxSummaryBytes = 1 << 20

// Runner talks to the Actions runner of the current step: workflow commands
// on Out, outputs and the job summary through their environment files.
//
// Write errors on Out are kept (see Err) rather than returned by every
// command, and never panic as go-githubactions' own writer would.
type Runner struct {
	Out         io.Writer // stdout: workflow commands
	OutputPath  string    // GITHUB_OUTPUT
	SummaryPath string    // GITHUB_STEP_SUMMARY

	// rand is the source of delimiters and stop-commands tokens; nil means
	// crypto/rand. Tests replace it to force collisions.
	rand io.Reader

	mu     sync.Mutex
	outErr error
}

// Err returns the first error writing a workflow command to Out.
func (r *Runner) Err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.outErr
}

// keepErr is an io.Writer over Out that records the first error and reports
// success, because go-githubactions panics on a failed write.
type keepErr struct{ r *Runner }

func (k keepErr) Write(p []byte) (int, error) {
	out := k.r.Out
	if out == nil {
		out = os.Stdout
	}
	if _, err := out.Write(p); err != nil {
		k.r.mu.Lock()
		if k.r.outErr == nil {
			k.r.outErr = fmt.Errorf("write workflow command: %w", err)
		}
		k.r.mu.Unlock()
	}
	return len(p), nil
}

func (r *Runner) action() *githubactions.Action {
	return githubactions.New(githubactions.WithWriter(keepErr{r}))
}

// Mask tells the runner to hide secret in all later log output. A
// multi-line value is masked line by line, since the runner matches masks
// within single log lines.
func (r *Runner) Mask(secret string) {
	a := r.action()
	for _, l := range lines(secret) {
		if strings.TrimSpace(l) != "" {
			a.AddMask(l)
		}
	}
}

// SetOutput sets step output name to value (any text, several lines
// included) by appending to GITHUB_OUTPUT with a random delimiter for this
// write, so a value holding a would-be delimiter line cannot end the value
// early and inject other outputs (go-githubactions uses a fixed delimiter).
func (r *Runner) SetOutput(name, value string) error {
	if name == "" || strings.ContainsAny(name, "\r\n=<") {
		return fmt.Errorf("set output %q: invalid name: want letters, digits, '-' or '_'", name)
	}
	if r.OutputPath == "" {
		return fmt.Errorf("set output %q: GITHUB_OUTPUT is not set", name)
	}
	var delim string
	for range 8 {
		tok, err := r.token()
		if err != nil {
			return fmt.Errorf("set output %q: %w", name, err)
		}
		if d := "ghadelimiter_" + tok; !strings.Contains(value, d) {
			delim = d
			break
		}
	}
	if delim == "" {
		return fmt.Errorf("set output %q: the value contains every delimiter tried", name)
	}
	rec := name + "<<" + delim + "\n" + value + "\n" + delim + "\n"
	if err := appendFile(r.OutputPath, rec); err != nil {
		return fmt.Errorf("set output %q: %w", name, err)
	}
	return nil
}

// AddSummary appends markdown to the step summary, keeping the file at most
// MaxSummaryBytes: text that would overflow is cut on a line boundary and
// ends with a note saying how much was cut.
func (r *Runner) AddSummary(markdown string) error {
	if r.SummaryPath == "" {
		return errors.New("add to the job summary: GITHUB_STEP_SUMMARY is not set")
	}
	var used int64
	if fi, err := os.Stat(r.SummaryPath); err == nil {
		used = fi.Size()
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("add to the job summary: %w", err)
	}
	if !strings.HasSuffix(markdown, "\n") {
		markdown += "\n"
	}
	note := func(lines, n int) string {
		return fmt.Sprintf("\n> [!NOTE]\n> itpsync cut %d lines (%d bytes) here to keep the job summary under "+
			"GitHub's 1 MiB limit; the step log has the full text.\n", lines, n)
	}
	room := MaxSummaryBytes - int(used)
	text, ok := cutToFit("", markdown, room, byteLen, note)
	if !ok {
		return fmt.Errorf("add to the job summary: it is full (%d of %d bytes used)", used, MaxSummaryBytes)
	}
	if err := appendFile(r.SummaryPath, text); err != nil {
		return fmt.Errorf("add to the job summary: %w", err)
	}
	return nil
}

// Annotate shows msg as an annotation of level "error", "warning" or
// "notice" (anything else becomes "warning") on file:line:col; empty file,
// zero line or col and empty title are left out. go-githubactions does the
// escaping (data: % CR LF; properties also : and ,).
func (r *Runner) Annotate(level, file string, line, col int, title, msg string) {
	if level != "error" && level != "warning" && level != "notice" {
		level = "warning"
	}
	props := githubactions.CommandProperties{}
	if file != "" {
		props["file"] = file
	}
	if line > 0 {
		props["line"] = fmt.Sprint(line)
		if col > 0 {
			props["col"] = fmt.Sprint(col)
		}
	}
	if title != "" {
		props["title"] = title
	}
	r.action().IssueCommand(&githubactions.Command{Name: level, Message: msg, Properties: props})
}

// Untrusted echoes text from the org (names, descriptions, API errors) with
// command processing stopped, so "::add-mask::" or "::error::" inside it is
// printed rather than obeyed. The token is random, so the text cannot
// resume processing by guessing it.
func (r *Runner) Untrusted(text string) {
	var tok string
	for range 8 {
		t, err := r.token()
		if err != nil {
			// Without randomness the guard is unsafe: print nothing.
			r.Annotate("warning", "", 0, 0, "", "untrusted text withheld: "+err.Error())
			return
		}
		if !strings.Contains(text, t) {
			tok = t
			break
		}
	}
	if tok == "" {
		return
	}
	if !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	w := keepErr{r}
	_, _ = io.WriteString(w, "::stop-commands::"+tok+"\n"+text+"::"+tok+"::\n")
}

// Group starts a collapsible section of the log.
func (r *Runner) Group(title string) { r.action().Group(title) }

// EndGroup ends the section Group started.
func (r *Runner) EndGroup() { r.action().EndGroup() }

// token returns 16 random bytes in hex.
func (r *Runner) token() (string, error) {
	src := r.rand
	if src == nil {
		src = rand.Reader
	}
	b := make([]byte, 16)
	if _, err := io.ReadFull(src, b); err != nil {
		return "", fmt.Errorf("read random bytes: %w", err)
	}
	return hex.EncodeToString(b), nil
}

func appendFile(path, text string) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(text); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}
