package spec

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/itpsync/itpsync/internal/diag"
)

var update = flag.Bool("update", false, "rewrite the testdata/err/*.out golden files")

// loadCase loads one corpus case: a single file (parsed alone) or a directory.
func loadCase(t *testing.T, path string) (*Definitions, diag.List) {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.IsDir() {
		d, diags, err := Load(path)
		if err != nil {
			t.Fatalf("Load(%q): %v", path, err)
		}
		return d, diags
	}
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return Parse(map[string][]byte{filepath.ToSlash(path): src})
}

// corpusCases lists the *.yaml files and the directories of dir.
func corpusCases(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() || strings.HasSuffix(e.Name(), ".yaml") || strings.HasSuffix(e.Name(), ".yml") {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	if len(out) == 0 {
		t.Fatalf("no corpus cases in %s", dir)
	}
	return out
}

func TestCorpusOK(t *testing.T) {
	for _, path := range corpusCases(t, "testdata/ok") {
		t.Run(filepath.Base(path), func(t *testing.T) {
			d, diags := loadCase(t, path)
			if len(diags) > 0 {
				var b strings.Builder
				_ = diags.WriteText(&b, d.Sources)
				t.Errorf("want no diagnostics, got:\n%s", b.String())
			}
			envs := d.envNames()
			if len(envs) == 0 {
				envs = []string{""}
			}
			for _, env := range envs {
				if _, err := d.Resolve(env); err != nil {
					t.Errorf("Resolve(%q): %v", env, err)
				}
			}
		})
	}
}

func TestCorpusErr(t *testing.T) {
	cases := corpusCases(t, "testdata/err")
	if len(cases) < 25 {
		t.Errorf("the error corpus has %d cases, want at least 25", len(cases))
	}
	for _, path := range cases {
		name := strings.TrimSuffix(strings.TrimSuffix(filepath.Base(path), ".yaml"), ".yml")
		t.Run(name, func(t *testing.T) {
			_, diags := loadCase(t, path)
			if len(diags) == 0 {
				t.Fatal("want diagnostics, got none")
			}
			var b strings.Builder
			for _, d := range diags {
				if !d.Pos.IsValid() {
					t.Errorf("diagnostic without a valid position: %s", d)
				}
				b.WriteString(d.String() + "\n")
			}
			golden := filepath.Join("testdata/err", name+".out")
			if *update {
				if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("read golden file (run with -update to create it): %v", err)
			}
			if diff := cmp.Diff(string(want), b.String()); diff != "" {
				t.Errorf("diagnostics differ from %s (-want +got):\n%s", golden, diff)
			}
		})
	}
}
