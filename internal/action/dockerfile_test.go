package action

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"
)

// repoFile reads a file at the repository root (two levels up from this package).
func repoFile(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", name))
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	return string(data)
}

// dockerStage is one FROM … stage of a Dockerfile: its instructions, continuation lines
// joined, comments dropped.
type dockerStage struct {
	from  string
	instr []string
}

func parseDockerfile(text string) []dockerStage {
	var stages []dockerStage
	var cur strings.Builder
	flush := func() {
		line := strings.TrimSpace(cur.String())
		cur.Reset()
		if line == "" {
			return
		}
		if strings.HasPrefix(strings.ToUpper(line), "FROM ") {
			stages = append(stages, dockerStage{from: strings.TrimSpace(line[5:])})
			return
		}
		if len(stages) > 0 {
			stages[len(stages)-1].instr = append(stages[len(stages)-1].instr, line)
		}
	}
	for _, l := range strings.Split(text, "\n") {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "#") {
			continue
		}
		if c, ok := strings.CutSuffix(t, "\\"); ok {
			cur.WriteString(c + " ")
			continue
		}
		cur.WriteString(t)
		flush()
	}
	flush()
	return stages
}

func instructions(s dockerStage, keyword string) []string {
	var out []string
	for _, in := range s.instr {
		if k, rest, _ := strings.Cut(in, " "); strings.EqualFold(k, keyword) {
			out = append(out, strings.TrimSpace(rest))
		}
	}
	return out
}

// TestDockerfile checks what GitHub and the issue ask of the container: multi-stage, a
// static binary, a final stage of scratch with CA certificates only, root (no USER), no
// WORKDIR (the runner mounts the workspace as the working directory), and an exec-form
// ENTRYPOINT with an absolute path.
func TestDockerfile(t *testing.T) {
	stages := parseDockerfile(repoFile(t, "Dockerfile"))
	if len(stages) < 2 {
		t.Fatalf("%d stages, want a multi-stage build", len(stages))
	}
	build, final := stages[0], stages[len(stages)-1]
	if final.from != "scratch" {
		t.Errorf("final stage FROM %q, want scratch", final.from)
	}
	for _, s := range stages {
		if u := instructions(s, "USER"); len(u) > 0 {
			t.Errorf("stage FROM %q sets USER %q: container actions must run as root to read the workspace", s.from, u)
		}
	}
	if w := instructions(final, "WORKDIR"); len(w) > 0 {
		t.Errorf("final stage sets WORKDIR %q: the runner sets the working directory", w)
	}
	if e := instructions(final, "ENTRYPOINT"); len(e) != 1 || e[0] != `["/itpsync"]` {
		t.Errorf(`final ENTRYPOINT = %q, want exactly ["/itpsync"] (exec form; action.yml passes args [action])`, e)
	}
	if c := instructions(final, "CMD"); len(c) > 0 {
		t.Errorf("final stage sets CMD %q: action.yml's args are the only arguments", c)
	}
	var copies []string
	for _, c := range instructions(final, "COPY") {
		if !strings.HasPrefix(c, "--from=") {
			t.Errorf("final stage COPY %q does not come from the build stage", c)
		}
		f := strings.Fields(c)
		copies = append(copies, f[len(f)-1])
	}
	sort.Strings(copies)
	if d := cmp.Diff([]string{"/etc/ssl/certs/ca-certificates.crt", "/itpsync"}, copies); d != "" {
		t.Errorf("final stage holds other files than the binary and the CA bundle (-want +got):\n%s", d)
	}
	var gobuild string
	for _, r := range instructions(build, "RUN") {
		if strings.Contains(r, "go build") {
			gobuild = r
		}
	}
	for _, want := range []string{"CGO_ENABLED=0", "-trimpath", "-o /out/itpsync", "internal/cli.Version="} {
		if !strings.Contains(gobuild, want) {
			t.Errorf("the build's RUN lacks %q: %q", want, gobuild)
		}
	}
	if !regexp.MustCompile(`^golang:1\.\d+`).MatchString(build.from) {
		t.Errorf("build stage FROM %q, want a golang image", build.from)
	}
}

// actionYAML is the part of action.yml the action depends on.
type actionYAML struct {
	Inputs map[string]struct {
		Description string  `yaml:"description"`
		Required    bool    `yaml:"required"`
		Default     *string `yaml:"default"`
	} `yaml:"inputs"`
	Outputs map[string]struct {
		Description string `yaml:"description"`
	} `yaml:"outputs"`
	Runs struct {
		Using string   `yaml:"using"`
		Image string   `yaml:"image"`
		Args  []string `yaml:"args"`
	} `yaml:"runs"`
}

// TestActionYAML checks action.yml against the code: the inputs readInputs reads, the
// outputs the action writes, their defaults, and how the runner starts the container.
func TestActionYAML(t *testing.T) {
	var a actionYAML
	if err := yaml.Unmarshal([]byte(repoFile(t, "action.yml")), &a); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	if a.Runs.Using != "docker" || a.Runs.Image != "Dockerfile" || !cmp.Equal(a.Runs.Args, []string{"action"}) {
		t.Errorf("runs = %+v, want using docker, image Dockerfile, args [action]", a.Runs)
	}

	// The inputs readInputs asks for, recorded through getenv.
	read := map[string]bool{}
	if _, err := readInputs(func(k string) string {
		if name, ok := strings.CutPrefix(k, "INPUT_"); ok {
			read[strings.ToLower(name)] = true
		}
		return ""
	}); err != nil {
		t.Fatalf("readInputs with every input empty: %v", err)
	}
	declared := sortedKeys(a.Inputs)
	if d := cmp.Diff(declared, sortedKeys(read)); d != "" {
		t.Errorf("action.yml inputs (-) and the inputs readInputs reads (+) differ:\n%s", d)
	}
	names := append([]string(nil), inputNames...)
	sort.Strings(names)
	if d := cmp.Diff(declared, names); d != "" {
		t.Errorf("action.yml inputs (-) and inputNames (+) differ:\n%s", d)
	}
	outs := append([]string(nil), outputNames...)
	sort.Strings(outs)
	if d := cmp.Diff(sortedKeys(a.Outputs), outs); d != "" {
		t.Errorf("action.yml outputs (-) and outputNames (+) differ:\n%s", d)
	}

	// Defaults: the runner applies them, and the code must mean the same by "".
	wantDefaults := map[string]string{
		"command": "auto", "policies_dir": "policies", "github_token": "${{ github.token }}",
		"fail_on_drift": "false", "allow_plan_change": "false", "dry_run": "false",
	}
	for name, in := range a.Inputs {
		if in.Description == "" {
			t.Errorf("input %q has no description", name)
		}
		if in.Required {
			t.Errorf("input %q is required: the runner does not enforce it, the action checks what each command needs", name)
		}
		got := ""
		if in.Default != nil {
			got = *in.Default
		}
		if got != wantDefaults[name] {
			t.Errorf("input %q default = %q, want %q", name, got, wantDefaults[name])
		}
	}
	empty, err := readInputs(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if empty.Command != CommandAuto || empty.PoliciesDir != "policies" || empty.FailOnDrift || empty.AllowPlanChange || empty.DryRun {
		t.Errorf("empty inputs read as %+v, want the action.yml defaults", empty)
	}
	for name, o := range a.Outputs {
		if o.Description == "" {
			t.Errorf("output %q has no description", name)
		}
	}
	// Every result the code can set is documented in the result output.
	for _, r := range []string{ResultPlanned, ResultNoChanges, ResultApplied, ResultApplyFailed, ResultPlanChanged, ResultAlreadyApplied,
		ResultDrifted, ResultInSync, ResultInvalid, ResultValid, ResultRiskSet, ResultRiskUnchanged, ResultDryRun, ResultForkNoPlan, ResultError} {
		if !regexp.MustCompile(`(^|[\s,])` + regexp.QuoteMeta(r) + `([\s,(]|$)`).MatchString(a.Outputs["result"].Description) {
			t.Errorf("action.yml's result output does not document %q", r)
		}
	}
}
