//go:build linux

package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

// openPTY opens a pseudo-terminal with the standard library only: the master from
// /dev/ptmx, unlocked, and the slave /dev/pts/N. It skips the test where there is none.
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal here: %v", err)
	}
	t.Cleanup(func() { m.Close() })
	var unlock int32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, m.Fd(), syscall.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); e != 0 {
		t.Skipf("unlock the pseudo-terminal: %v", e)
	}
	var n uint32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, m.Fd(), syscall.TIOCGPTN, uintptr(unsafe.Pointer(&n))); e != 0 {
		t.Skipf("number of the pseudo-terminal: %v", e)
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("open the pseudo-terminal's slave: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return m, s
}

// TestApplyConfirmAtTerminal runs apply with a real terminal as its standard input: the
// typed answer decides, and only `yes` writes to the org.
func TestApplyConfirmAtTerminal(t *testing.T) {
	tests := []struct {
		typed     string
		interrupt bool // cancel the context (main's SIGINT) once the question is asked
		code      int
		writes    bool
		stderr    string
	}{
		{typed: "yes\n", code: ExitOK, writes: true, stderr: "Only 'yes' will be accepted"},
		{typed: "  yes  \n", code: ExitOK, writes: true},
		{typed: "no\n", code: ExitError, stderr: "cancelled; nothing was changed"},
		{typed: "y\n", code: ExitError, stderr: "cancelled; nothing was changed"},
		{typed: "YES\n", code: ExitError, stderr: "cancelled; nothing was changed"},
		{typed: "\n", code: ExitError, stderr: "cancelled; nothing was changed"},
		{typed: "\x04", code: ExitError, stderr: "cancelled; nothing was changed"},              // Ctrl-D: end of input
		{typed: "", interrupt: true, code: ExitError, stderr: "cancelled; nothing was changed"}, // Ctrl-C at the prompt
	}
	for _, tt := range tests {
		t.Run(strings.TrimSpace(fmt.Sprintf("%q", tt.typed)), func(t *testing.T) {
			o := newEmuOrg(t)
			master, slave := openPTY(t)
			// The terminal's line discipline holds the typed line until apply reads it.
			if _, err := master.Write([]byte(tt.typed)); err != nil {
				t.Fatal(err)
			}
			// Drain the echo, so that the terminal never blocks on a full buffer.
			go func() {
				buf := make([]byte, 1024)
				for {
					if _, err := master.Read(buf); err != nil {
						return
					}
				}
			}()
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			var out bytes.Buffer
			errb := &promptWatch{}
			if tt.interrupt {
				errb.onPrompt = cancel
			}
			env := map[string]string{"OKTA_ORG_URL": o.url, "OKTA_API_TOKEN": orgTestToken}
			code := Run(ctx, []string{"apply", seedPolicies, "--environment", "demo"}, slave, &out, errb, func(k string) string { return env[k] })
			if code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.code, out.String(), errb.String())
			}
			if got := o.writes() > 0; got != tt.writes {
				t.Errorf("wrote to the org: %v, want %v (%v)", got, tt.writes, o.emu.Requests().ByRoute)
			}
			wantAll(t, "stderr", errb.String(), tt.stderr)
			// The plan was shown before the question.
			wantAll(t, "stdout", out.String(), "to add")
			if strings.Contains(out.String()+errb.String(), orgTestToken) {
				t.Error("the API token appears in the output")
			}
		})
	}
}

// promptWatch is a stderr that calls onPrompt when apply asks its question.
type promptWatch struct {
	bytes.Buffer
	onPrompt func()
}

func (w *promptWatch) Write(p []byte) (int, error) {
	n, err := w.Buffer.Write(p)
	if w.onPrompt != nil && strings.Contains(w.Buffer.String(), "Enter a value:") {
		w.onPrompt()
		w.onPrompt = nil
	}
	return n, err
}
