package spec

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse feeds arbitrary bytes to Parse as one file, next to a fixed environments file
// so that variable substitution is exercised too: Parse must never panic, and every
// diagnostic must point into a file.
func FuzzParse(f *testing.F) {
	for _, pattern := range []string{"testdata/ok/*.yaml", "testdata/ok/*/*.y*ml", "testdata/err/*.yaml", "testdata/err/*/*.yaml", "../../policies/*.yaml"} {
		paths, err := filepath.Glob(pattern)
		if err != nil {
			f.Fatal(err)
		}
		for _, p := range paths {
			src, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(src, false)
		}
	}
	envs := []byte("environments:\n  a: {vars: {x: \"1\", y: \"10.0.0.0/8\"}}\n  b: {vars: {x: abc}}\n")
	f.Fuzz(func(t *testing.T, src []byte, withEnvs bool) {
		files := map[string][]byte{"fuzz.yaml": src}
		if withEnvs {
			files["env.yaml"] = envs
		}
		d, diags := Parse(files)
		for _, dg := range diags {
			if dg.Pos.File == "" || dg.Pos.Line < 1 || dg.Pos.Col < 1 {
				t.Fatalf("diagnostic without a valid position: %+v", dg)
			}
		}
		if diags.HasErrors() {
			return
		}
		for _, env := range append(d.envNames(), "") {
			_, _ = d.Resolve(env)
		}
	})
}
