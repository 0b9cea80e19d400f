package notify

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// parseOutputFile reads a GITHUB_OUTPUT file the way the runner does:
// "name=value" lines, or "name<<DELIM", value lines, then a line equal to
// DELIM.
func parseOutputFile(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			continue
		}
		if name, delim, ok := strings.Cut(line, "<<"); ok && !strings.Contains(name, "=") {
			var val []string
			closed := false
			for sc.Scan() {
				if sc.Text() == delim {
					closed = true
					break
				}
				val = append(val, sc.Text())
			}
			if !closed {
				t.Fatalf("output %q: delimiter %q never closed", name, delim)
			}
			out[name] = strings.Join(val, "\n")
			continue
		}
		name, val, ok := strings.Cut(line, "=")
		if !ok {
			t.Fatalf("invalid output line %q", line)
		}
		out[name] = val
	}
	return out
}

func TestSetOutput(t *testing.T) {
	path := filepath.Join(t.TempDir(), "output")
	r := &Runner{OutputPath: path}
	values := map[string]string{
		"changes": "true",
		"plan":    "line 1\nline 2\n\nline 4",
		"empty":   "",
		// A value written through a fixed or guessable delimiter would end
		// here and inject "exit_code" and "changes".
		"evil": "x\nghadelimiter_\n_GitHubActionsFileCommandDelimeter_\nEOF\nexit_code=0\nchanges<<EOF\nfalse\nEOF",
	}
	for _, name := range []string{"changes", "plan", "empty", "evil"} {
		if err := r.SetOutput(name, values[name]); err != nil {
			t.Fatal(err)
		}
	}
	if diff := cmp.Diff(values, parseOutputFile(t, path)); diff != "" {
		t.Errorf("outputs read back (-want +got):\n%s", diff)
	}
	b, _ := os.ReadFile(path)
	delims := regexp.MustCompile(`(?m)^\w+<<(ghadelimiter_[0-9a-f]{32})$`).FindAllStringSubmatch(string(b), -1)
	seen := map[string]bool{}
	for _, d := range delims {
		seen[d[1]] = true
	}
	if len(delims) != 4 || len(seen) != 4 {
		t.Errorf("want 4 distinct random delimiters, got %v", delims)
	}
}

// fixedRand yields the given blocks of 16 bytes, in turn.
type fixedRand struct{ blocks [][]byte }

func (f *fixedRand) Read(p []byte) (int, error) {
	if len(f.blocks) == 0 {
		return 0, io.ErrUnexpectedEOF
	}
	n := copy(p, f.blocks[0])
	f.blocks = f.blocks[1:]
	return n, nil
}

func TestSetOutputRegeneratesACollidingDelimiter(t *testing.T) {
	first, second := bytes.Repeat([]byte{0xaa}, 16), bytes.Repeat([]byte{0xbb}, 16)
	path := filepath.Join(t.TempDir(), "output")
	r := &Runner{OutputPath: path, rand: &fixedRand{blocks: [][]byte{first, second}}}
	value := fmt.Sprintf("a\nghadelimiter_%x\nb=injected", first)
	if err := r.SetOutput("v", value); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	if !strings.HasPrefix(string(b), fmt.Sprintf("v<<ghadelimiter_%x\n", second)) {
		t.Errorf("the colliding delimiter was used:\n%s", b)
	}
	if diff := cmp.Diff(map[string]string{"v": value}, parseOutputFile(t, path)); diff != "" {
		t.Errorf("outputs (-want +got):\n%s", diff)
	}

	r.rand = &fixedRand{} // no randomness: refuse rather than write unsafely
	if err := r.SetOutput("v", "x"); err == nil {
		t.Errorf("SetOutput without randomness: no error")
	}
}

func TestSetOutputRefuses(t *testing.T) {
	r := &Runner{OutputPath: filepath.Join(t.TempDir(), "o")}
	for _, tc := range []struct{ name, want string }{
		{"", `set output "": invalid name: want letters, digits, '-' or '_'`},
		{"a=b", `set output "a=b": invalid name: want letters, digits, '-' or '_'`},
		{"a\nb", `set output "a\nb": invalid name: want letters, digits, '-' or '_'`},
	} {
		if err := r.SetOutput(tc.name, "v"); err == nil || err.Error() != tc.want {
			t.Errorf("SetOutput(%q) = %v, want %q", tc.name, err, tc.want)
		}
	}
	if err := (&Runner{}).SetOutput("a", "b"); err == nil || err.Error() != `set output "a": GITHUB_OUTPUT is not set` {
		t.Errorf("no path: %v", err)
	}
}

func TestAddSummaryBound(t *testing.T) {
	path := filepath.Join(t.TempDir(), "summary")
	r := &Runner{SummaryPath: path}
	if err := r.AddSummary("# itpsync plan\n"); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for i := 0; b.Len() < MaxSummaryBytes; i++ {
		fmt.Fprintf(&b, "| zone-%06d | updated |\n", i)
	}
	if err := r.AddSummary(b.String()); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	if len(got) > MaxSummaryBytes {
		t.Errorf("summary is %d bytes, over %d", len(got), MaxSummaryBytes)
	}
	if len(got) < MaxSummaryBytes-1000 {
		t.Errorf("summary is %d bytes: too much cut", len(got))
	}
	note := regexp.MustCompile(`itpsync cut (\d+) lines \((\d+) bytes\) here to keep the job summary under GitHub's 1 MiB limit`)
	m := note.FindStringSubmatch(string(got))
	if m == nil || !strings.HasPrefix(string(got), "# itpsync plan\n| zone-000000 | updated |\n") {
		t.Fatalf("summary lacks the note or the start: ...%s", got[len(got)-300:])
	}
	lines := strings.Count(string(got), "| updated |\n")
	if want := fmt.Sprint(strings.Count(b.String(), "\n") - lines); m[1] != want {
		t.Errorf("note says %s lines cut, want %s", m[1], want)
	}

}

func TestAddSummaryFull(t *testing.T) {
	path := filepath.Join(t.TempDir(), "summary")
	full := strings.Repeat("x", MaxSummaryBytes-10)
	if err := os.WriteFile(path, []byte(full), 0o644); err != nil {
		t.Fatal(err)
	}
	r := &Runner{SummaryPath: path}
	// Neither the text nor the note saying it was cut fits.
	err := r.AddSummary("a line of fifty bytes, far more than the room left\n")
	if err == nil || err.Error() != "add to the job summary: it is full (1048566 of 1048576 bytes used)" {
		t.Errorf("AddSummary on a full file = %v, want an error", err)
	}
	if got, _ := os.ReadFile(path); len(got) != len(full) {
		t.Errorf("a refused summary still wrote %d bytes", len(got)-len(full))
	}
	if err := r.AddSummary("tiny"); err != nil {
		t.Errorf("5 bytes into 10 bytes of room: %v", err)
	}
}

func TestAddSummaryAppends(t *testing.T) {
	path := filepath.Join(t.TempDir(), "summary")
	r := &Runner{SummaryPath: path}
	for _, s := range []string{"one", "two\n"} {
		if err := r.AddSummary(s); err != nil {
			t.Fatal(err)
		}
	}
	got, _ := os.ReadFile(path)
	if string(got) != "one\ntwo\n" {
		t.Errorf("summary = %q", got)
	}
	if err := (&Runner{}).AddSummary("x"); err == nil {
		t.Errorf("no path: no error")
	}
}

func TestWorkflowCommands(t *testing.T) {
	for _, tc := range []struct {
		name string
		do   func(r *Runner)
		want string
	}{
		{"multi-line mask", func(r *Runner) { r.Mask("line1\r\nline%2\n\n   \nlast") },
			"::add-mask::line1\n::add-mask::line%252\n::add-mask::last\n"},
		{"empty mask", func(r *Runner) { r.Mask("") }, ""},
		{"error annotation", func(r *Runner) {
			r.Annotate("error", "policies/a,b:c.yaml", 3, 5, "zone: bad, really", "50% off\nnext line\r")
		}, "::error col=5,file=policies/a%2Cb%3Ac.yaml,line=3,title=zone%3A bad%2C really::50%25 off%0Anext line%0D\n"},
		{"no position", func(r *Runner) { r.Annotate("notice", "", 0, 7, "", "done") }, "::notice::done\n"},
		{"unknown level", func(r *Runner) { r.Annotate("fatal", "f.yaml", 1, 0, "", "m") }, "::warning file=f.yaml,line=1::m\n"},
		{"group", func(r *Runner) { r.Group("Plan: production\n::x"); r.EndGroup() }, "::group::Plan: production%0A::x\n::endgroup::\n"},
	} {
		var out bytes.Buffer
		tc.do(&Runner{Out: &out})
		if diff := cmp.Diff(tc.want, out.String()); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
}

func TestUntrusted(t *testing.T) {
	var out bytes.Buffer
	r := &Runner{Out: &out}
	text := "zone \"::add-mask::x\"\n::error::fake\n::stop-commands::guess\n::guess::"
	r.Untrusted(text)
	r.Untrusted("second")
	re := regexp.MustCompile(`(?s)^::stop-commands::([0-9a-f]{32})\n(.*?)::([0-9a-f]{32})::\n::stop-commands::([0-9a-f]{32})\nsecond\n::([0-9a-f]{32})::\n$`)
	m := re.FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("output not two guarded blocks:\n%s", out.String())
	}
	if m[1] != m[3] || m[4] != m[5] {
		t.Errorf("unbalanced tokens: %v", m[1:])
	}
	if m[1] == m[4] {
		t.Errorf("token reused: %s", m[1])
	}
	if m[2] != text+"\n" {
		t.Errorf("text = %q, want %q", m[2], text+"\n")
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("stdout closed") }

func TestWriteErrorsDoNotPanic(t *testing.T) {
	r := &Runner{Out: failingWriter{}}
	r.Mask("secret")
	r.Annotate("error", "", 0, 0, "", "x")
	r.Untrusted("x")
	if err := r.Err(); err == nil || err.Error() != "write workflow command: stdout closed" {
		t.Errorf("Err() = %v", err)
	}
}
