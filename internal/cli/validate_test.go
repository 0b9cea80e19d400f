package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = Run(context.Background(), args, strings.NewReader(""), &out, &errOut, func(string) string { return "" })
	return code, out.String(), errOut.String()
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout []string // substrings
		wantStderr []string
	}{
		{
			name:       "seed policies",
			args:       []string{"validate", "../../policies"},
			wantCode:   ExitOK,
			wantStderr: []string{"../../policies: 8 files valid\n"},
		},
		{
			name:     "error corpus file",
			args:     []string{"validate", "../spec/testdata/err/duplicate_across_files"},
			wantCode: ExitError,
			wantStdout: []string{
				"../spec/testdata/err/duplicate_across_files/b.yaml:2:3: network zone \"office\" is already defined at ../spec/testdata/err/duplicate_across_files/a.yaml:2:3 [duplicate]\n" +
					"   2 |   office:\n" +
					"     |   ^~~~~~\n",
			},
			wantStderr: []string{"2 errors, 0 warnings in 2 files\n"},
		},
		{
			name:       "warnings only",
			args:       []string{"validate", "--format", "text", "../spec/testdata/ok/environments", "-format=text"},
			wantCode:   ExitOK,
			wantStderr: []string{"../spec/testdata/ok/environments: 2 files valid\n"},
		},
		{
			name:       "bad flag",
			args:       []string{"validate", "--colour"},
			wantCode:   ExitUsage,
			wantStderr: []string{"flag provided but not defined: -colour"},
		},
		{
			name:       "bad format",
			args:       []string{"validate", "--format", "xml", "../../policies"},
			wantCode:   ExitUsage,
			wantStderr: []string{`unknown format "xml"; valid formats are "json", "text"`},
		},
		{
			name:       "two directories",
			args:       []string{"validate", "a", "b"},
			wantCode:   ExitUsage,
			wantStderr: []string{`want at most one directory, got 2: "a", "b"`},
		},
		{
			name:       "missing directory",
			args:       []string{"validate", "no-such-dir"},
			wantCode:   ExitError,
			wantStderr: []string{"no-such-dir"},
		},
		{
			name:     "help",
			args:     []string{"validate", "-h"},
			wantCode: ExitOK,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tc.args...)
			if code != tc.wantCode {
				t.Errorf("exit code = %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.wantCode, stdout, stderr)
			}
			for _, s := range tc.wantStdout {
				if !strings.Contains(stdout, s) {
					t.Errorf("stdout does not contain %q:\n%s", s, stdout)
				}
			}
			for _, s := range tc.wantStderr {
				if !strings.Contains(stderr, s) {
					t.Errorf("stderr does not contain %q:\n%s", s, stderr)
				}
			}
		})
	}
}

// TestValidateDefaultDir runs validate without DIR from a directory holding policies/.
func TestValidateDefaultDir(t *testing.T) {
	t.Chdir("../..")
	if _, err := os.Stat("policies"); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, "validate")
	if code != ExitOK || stdout != "" || stderr != "policies: 8 files valid\n" {
		t.Errorf("validate = %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

func TestValidateJSON(t *testing.T) {
	code, stdout, _ := runCLI(t, "validate", "--format", "json", "../spec/testdata/err/duplicate_across_files")
	if code != ExitError {
		t.Fatalf("exit code = %d, want %d", code, ExitError)
	}
	var got []struct {
		Position struct {
			File   string `json:"file"`
			Line   int    `json:"line"`
			Column int    `json:"column"`
		} `json:"position"`
		Severity string `json:"severity"`
		Kind     string `json:"kind"`
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, stdout)
	}
	if len(got) == 0 {
		t.Fatal("want diagnostics")
	}
	for _, d := range got {
		if d.Position.File == "" || d.Position.Line < 1 || d.Position.Column < 1 || d.Kind == "" {
			t.Errorf("bad diagnostic %+v", d)
		}
	}

	code, stdout, _ = runCLI(t, "validate", "--format=json", "../../policies")
	if diff := cmp.Diff("[]\n", stdout); code != ExitOK || diff != "" {
		t.Errorf("validate --format=json of the seed = %d (-want +got):\n%s", code, diff)
	}
}

// Every case of the spec's error corpus, validated on its own from the command line: exit 1
// (0 when it holds only warnings) and, in both formats, exactly the diagnostics of its
// golden file, so each error class is shown at its line through the real command.
func TestValidateErrorCorpus(t *testing.T) {
	// Run from the spec package so that paths, also those inside messages, are the golden
	// files' own.
	t.Chdir("../spec")
	const dir = "testdata/err"
	outs, err := filepath.Glob(filepath.Join(dir, "*.out"))
	if err != nil || len(outs) < 25 {
		t.Fatalf("corpus: %d golden files, err %v", len(outs), err)
	}
	for _, out := range outs {
		name := strings.TrimSuffix(filepath.Base(out), ".out")
		t.Run(name, func(t *testing.T) {
			golden, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			want := strings.Split(strings.TrimSpace(string(golden)), "\n")
			target := filepath.Join(dir, name)
			if _, err := os.Stat(target + ".yaml"); err == nil {
				target += ".yaml"
			}
			wantCode := ExitOK
			for _, line := range want {
				if !strings.Contains(line, ": warning: ") {
					wantCode = ExitError
				}
			}
			code, stdout, stderr := runCLI(t, "validate", target)
			if code != wantCode {
				t.Errorf("exit code = %d, want %d\n%s", code, wantCode, stderr)
			}
			for _, line := range want {
				if !strings.Contains(stdout, line+"\n") {
					t.Errorf("text output lacks %q:\n%s", line, stdout)
				}
			}
			code, stdout, _ = runCLI(t, "validate", "--format", "json", target)
			if code != wantCode {
				t.Errorf("json: exit code = %d, want %d", code, wantCode)
			}
			var got []struct {
				Position struct {
					File         string
					Line, Column int
				}
				Severity, Message, Kind string
			}
			if err := json.Unmarshal([]byte(stdout), &got); err != nil {
				t.Fatalf("json output: %v\n%s", err, stdout)
			}
			var lines []string
			for _, d := range got {
				sev := ""
				if d.Severity == "warning" {
					sev = "warning: "
				}
				lines = append(lines, fmt.Sprintf("%s:%d:%d: %s%s [%s]", d.Position.File, d.Position.Line, d.Position.Column, sev, d.Message, d.Kind))
			}
			if diff := cmp.Diff(want, lines); diff != "" {
				t.Errorf("json diagnostics differ from %s (-want +got):\n%s", out, diff)
			}
		})
	}
}
