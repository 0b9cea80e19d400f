package demo

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// policiesDir makes a small definitions folder.
func policiesDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "policies")
	writeFile(t, filepath.Join(dir, "zones.yaml"), "network_zones:\n  a:\n    name: A\n    type: IP\n    gateways: [192.0.2.0/24]\n")
	writeFile(t, filepath.Join(dir, "README.md"), "not a definition")
	return dir
}

func TestPrepareFolderRefusals(t *testing.T) {
	pol := policiesDir(t)
	tmp := t.TempDir()
	foreign := filepath.Join(tmp, "mine")
	writeFile(t, filepath.Join(foreign, "notes.txt"), "keep me")
	aFile := filepath.Join(tmp, "a-file")
	writeFile(t, aFile, "x")

	for _, tc := range []struct {
		name, dir, policies, want string
	}{
		{"foreign folder", foreign, pol, "is not empty and was not made by itpsync demo"},
		{"under a file", filepath.Join(aFile, "out"), pol, "output folder"},
		{"inside the definitions", filepath.Join(pol, "out"), pol, "is inside the definitions folder"},
		{"the definitions themselves", pol, pol, "is inside the definitions folder"},
		{"no definitions", filepath.Join(tmp, "out1"), filepath.Join(tmp, "nope"), "--policies"},
		{"definitions without YAML", filepath.Join(tmp, "out2"), foreign, "has no .yaml or .yml file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := prepareFolder(tc.dir, tc.policies)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("prepareFolder(%q, %q) = %v, want an error with %q", tc.dir, tc.policies, err, tc.want)
			}
		})
	}
	if b, err := os.ReadFile(filepath.Join(foreign, "notes.txt")); err != nil || string(b) != "keep me" {
		t.Errorf("the foreign folder was touched: %q, %v", b, err)
	}
}

func TestPrepareFolderReusesItsOwn(t *testing.T) {
	pol := policiesDir(t)
	dir := filepath.Join(t.TempDir(), "out")
	if _, err := prepareFolder(dir, pol); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "04-drift-issue.md"), "old")
	writeFile(t, filepath.Join(dir, runnerDir, "runs", "01-x", "log"), "old")
	writeFile(t, filepath.Join(dir, "my-notes.txt"), "keep")
	f, err := prepareFolder(dir, pol)
	if err != nil {
		t.Fatalf("a second run in the demo's own folder: %v", err)
	}
	for _, gone := range []string{"04-drift-issue.md", filepath.Join(runnerDir, "runs")} {
		if _, err := os.Stat(filepath.Join(dir, gone)); !os.IsNotExist(err) {
			t.Errorf("%s of the earlier run is still there (%v)", gone, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "my-notes.txt")); err != nil {
		t.Errorf("a file that is not the demo's was removed: %v", err)
	}
	if _, err := os.Stat(filepath.Join(f.workspace, "policies", "zones.yaml")); err != nil {
		t.Errorf("definitions not copied: %v", err)
	}
	if _, err := os.Stat(filepath.Join(f.workspace, "policies", "README.md")); !os.IsNotExist(err) {
		t.Errorf("a file that is not YAML was copied (%v)", err)
	}
}

func TestRunFailsClearly(t *testing.T) {
	aFile := filepath.Join(t.TempDir(), "a-file")
	writeFile(t, aFile, "x")
	invalid := filepath.Join(t.TempDir(), "invalid")
	writeFile(t, filepath.Join(invalid, "env.yaml"), "environments:\n  demo: {}\n")
	writeFile(t, filepath.Join(invalid, "zones.yaml"), "network_zones:\n  a:\n    name: A\n    type: IPX\n")
	for _, tc := range []struct {
		name, dir, policies string
		want                []string
	}{
		{"output folder under a file", filepath.Join(aFile, "out"), policiesDir(t), []string{"output folder"}},
		{"no demo environment", filepath.Join(t.TempDir(), "out"), policiesDir(t),
			[]string{"step 1 (a pull request adds the definitions): the action failed (exit 1)", `unknown environment "demo"`}},
		{"invalid definitions", filepath.Join(t.TempDir(), "out"), invalid,
			[]string{"step 1 (a pull request adds the definitions)", `invalid type "IPX"`, "the definitions are invalid"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Run(context.Background(), Config{Dir: tc.dir, Policies: tc.policies, OktaToken: testOktaToken, GitHubToken: testGitHubToken})
			if err == nil {
				t.Fatal("Run succeeded")
			}
			for _, want := range tc.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q lacks %q", err, want)
				}
			}
			if strings.Contains(err.Error(), testOktaToken) || strings.Contains(err.Error(), testGitHubToken) {
				t.Errorf("error %q holds a token", err)
			}
		})
	}
}

func TestSaveRefusesSecrets(t *testing.T) {
	f, err := prepareFolder(filepath.Join(t.TempDir(), "out"), policiesDir(t))
	if err != nil {
		t.Fatal(err)
	}
	w := &world{files: f, secrets: []string{"tok-123456"}}
	if err := w.save("01-x.md", "has tok-123456 in it"); err == nil || strings.Contains(err.Error(), "tok-123456") {
		t.Errorf("save of a secret = %v, want an error that does not echo it", err)
	}
	if _, err := os.Stat(filepath.Join(f.dir, "01-x.md")); !os.IsNotExist(err) {
		t.Errorf("the file was written (%v)", err)
	}
	writeFile(t, filepath.Join(f.runner, "log"), "leaked tok-123456")
	if err := f.checkNoSecrets(w.secrets); err == nil || strings.Contains(err.Error(), "tok-123456") {
		t.Errorf("checkNoSecrets = %v, want an error naming the file only", err)
	}
}
