package cli

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// demoToken matches the demo's random made-up tokens.
var demoToken = regexp.MustCompile(`demo-[0-9a-f]{32}`)

func TestDemoCommand(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	code, stdout, stderr := runCLI(t, "demo", "--out", dir, "--policies", "../../policies", "--no-color", "--latency", "1ms")
	if code != ExitOK {
		t.Fatalf("exit %d, want 0; stderr:\n%s\nstdout:\n%s", code, stderr, stdout)
	}
	for i := 1; i <= 6; i++ {
		if h := "━━ Step " + string(rune('0'+i)) + "/6 · "; !strings.Contains(stdout, h) {
			t.Errorf("stdout lacks the step header %q", h)
		}
	}
	if !strings.Contains(stdout, "Everything the action would have posted is in "+dir) {
		t.Errorf("stdout does not end with the folder:\n%s", stdout)
	}
	n := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if demoToken.Match(b) {
			t.Errorf("%s holds a made-up token", path)
		}
		if strings.HasSuffix(path, ".md") && filepath.Dir(path) == dir {
			n++
			if !strings.Contains(stdout, "  "+path+"\n") {
				t.Errorf("stdout does not list %s", path)
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 8 {
		t.Errorf("%d markdown files in the folder, want at least 8", n)
	}
	if demoToken.MatchString(stdout + stderr) {
		t.Errorf("the output holds a made-up token")
	}
}

func TestDemoUsage(t *testing.T) {
	aFile := filepath.Join(t.TempDir(), "a-file")
	if err := os.WriteFile(aFile, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name       string
		args       []string
		wantCode   int
		wantStderr string
	}{
		{"help names the default folder", []string{"demo", "-h"}, ExitOK, "(default \"itpsync-demo\")"},
		{"argument", []string{"demo", "extra"}, ExitUsage, `unexpected argument "extra"`},
		{"negative latency", []string{"demo", "--latency", "-1s"}, ExitUsage, "--latency must not be negative"},
		{"unknown flag", []string{"demo", "--nope"}, ExitUsage, "flag provided but not defined"},
		{"out folder not writable", []string{"demo", "--out", filepath.Join(aFile, "out"), "--policies", "../../policies"}, ExitError, "itpsync demo: read the output folder"},
		{"no definitions", []string{"demo", "--out", filepath.Join(t.TempDir(), "o"), "--policies", filepath.Join(t.TempDir(), "none")}, ExitError, "pass --policies"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tc.args...)
			if code != tc.wantCode || !strings.Contains(stderr, tc.wantStderr) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, stderr, tc.wantCode, tc.wantStderr)
			}
		})
	}
}
