package render

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/itpsync/itpsync/internal/plan"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run go test -update to create it): %v", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs (-want +got); run go test -update if intended:\n%s", path, diff)
	}
}

func TestGolden(t *testing.T) {
	opts := Options{Footer: "Planned at head `abc1234`.", DetailsURL: "https://github.com/acme/okta/actions/runs/1"}
	cases := []struct {
		name   string
		render func(*bytes.Buffer, Format) error
	}{
		{"plan_full", func(b *bytes.Buffer, f Format) error { return Plan(b, f, fullPlan(t), opts) }},
		{"plan_empty", func(b *bytes.Buffer, f Format) error { return Plan(b, f, emptyPlan(t), opts) }},
		{"drift_full", func(b *bytes.Buffer, f Format) error {
			return Drift(b, f, computeFixture(t, plan.ModeDrift, plan.UnmanagedReport), opts)
		}},
		{"drift_empty", func(b *bytes.Buffer, f Format) error { return Drift(b, f, emptyPlan(t), opts) }},
		{"result_full", func(b *bytes.Buffer, f Format) error { return Result(b, f, fixtureResult(t), opts) }},
		{"result_empty", func(b *bytes.Buffer, f Format) error {
			return Result(b, f, &plan.Result{Plan: emptyPlan(t)}, opts)
		}},
	}
	for _, c := range cases {
		for _, f := range []Format{Text, Markdown, JSON} {
			t.Run(c.name+"_"+string(f), func(t *testing.T) {
				var b bytes.Buffer
				if err := c.render(&b, f); err != nil {
					t.Fatal(err)
				}
				ext := map[Format]string{Text: ".txt", Markdown: ".md", JSON: ".json"}[f]
				golden(t, c.name+ext, b.Bytes())
			})
		}
	}
	t.Run("plan_full_color", func(t *testing.T) {
		var b bytes.Buffer
		o := opts
		o.Color = true
		if err := Plan(&b, Text, fullPlan(t), o); err != nil {
			t.Fatal(err)
		}
		golden(t, "plan_full_color.txt", b.Bytes())
	})
}
