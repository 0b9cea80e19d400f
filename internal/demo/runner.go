package demo

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/itpsync/itpsync/internal/action"
	"github.com/itpsync/itpsync/internal/oktaemu"
)

// event is one workflow trigger: what GitHub would put in GITHUB_EVENT_NAME,
// GITHUB_EVENT_PATH and GITHUB_SHA.
type event struct {
	label   string // names the run's files: "pull-request", "push", ...
	name    string
	payload map[string]any // nil: no event file (a schedule's payload is not read)
	sha     string
}

// runResult is one run of the action.
type runResult struct {
	code    int
	log     string // the step log without ::add-mask:: lines
	outputs map[string]string
	summary string
	okta    int // Okta API requests
	oktaW   int // of which writes
	github  int // GitHub API requests
	took    time.Duration
}

// runAction runs the real action once for ev, as a runner would: a fresh
// GITHUB_OUTPUT and GITHUB_STEP_SUMMARY, the event file, the inputs of the workflow.
func (w *world) runAction(ctx context.Context, ev event) (*runResult, error) {
	w.runs++
	dir := filepath.Join(w.files.runner, "runs", fmt.Sprintf("%02d-%s", w.runs, ev.label))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("prepare run %d: %w", w.runs, err)
	}
	vars := w.inputs()
	vars["GITHUB_EVENT_NAME"] = ev.name
	vars["GITHUB_SHA"] = ev.sha
	vars["GITHUB_RUN_ID"] = strconv.Itoa(1000 + w.runs)
	vars["GITHUB_OUTPUT"] = filepath.Join(dir, "output")
	vars["GITHUB_STEP_SUMMARY"] = filepath.Join(dir, "summary.md")
	if ev.payload != nil {
		data, err := json.MarshalIndent(ev.payload, "", "  ")
		if err != nil {
			return nil, fmt.Errorf("encode the %s event: %w", ev.name, err)
		}
		path := filepath.Join(dir, "event.json")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return nil, fmt.Errorf("write the %s event: %w", ev.name, err)
		}
		vars["GITHUB_EVENT_PATH"] = path
	}
	oktaBefore, writesBefore := w.oktaCalls()
	ghBefore := len(w.gh.Calls())
	u, err := url.Parse(w.emuURL)
	if err != nil {
		return nil, err
	}
	var log bytes.Buffer
	start := time.Now()
	code := action.Run(ctx, action.Env{
		Getenv: func(k string) string { return vars[k] },
		Stdout: &log,
		// The Okta SDK drops the org URL's port; the routing transport puts it back.
		HTTPClient: &http.Client{Transport: oktaemu.RoutingTransport(u.Host, nil)},
		Now:        w.cfg.Now,
	})
	res := &runResult{code: code, log: withoutMasks(log.String()), took: time.Since(start)}
	oktaAfter, writesAfter := w.oktaCalls()
	res.okta, res.oktaW, res.github = oktaAfter-oktaBefore, writesAfter-writesBefore, len(w.gh.Calls())-ghBefore
	if err := os.WriteFile(filepath.Join(dir, "log"), []byte(res.log), 0o644); err != nil {
		return nil, fmt.Errorf("write the log of run %d: %w", w.runs, err)
	}
	if b, err := os.ReadFile(vars["GITHUB_STEP_SUMMARY"]); err == nil {
		res.summary = string(b)
	}
	if res.outputs, err = readOutputs(vars["GITHUB_OUTPUT"]); err != nil {
		return nil, err
	}
	if err := w.githubProblem(); err != nil {
		return res, fmt.Errorf("the action made a GitHub call the stand-in does not know: %w", err)
	}
	if code != action.ExitOK {
		return res, fmt.Errorf("the action failed (exit %d): %s", code, errorAnnotations(res.log))
	}
	return res, nil
}

// inputs are the workflow's inputs and the runner's fixed context.
func (w *world) inputs() map[string]string {
	return map[string]string{
		"GITHUB_REPOSITORY":       repoOwner + "/" + repoName,
		"GITHUB_WORKSPACE":        w.files.workspace,
		"GITHUB_SERVER_URL":       "https://github.com",
		"GITHUB_API_URL":          w.gh.URL(),
		"GITHUB_ACTOR":            "alice",
		"INPUT_COMMAND":           "auto",
		"INPUT_POLICIES_DIR":      "policies",
		"INPUT_ENVIRONMENT":       environment,
		"INPUT_OKTA_ORG_URL":      w.emuURL,
		"INPUT_OKTA_API_TOKEN":    w.cfg.OktaToken,
		"INPUT_GITHUB_TOKEN":      w.cfg.GitHubToken,
		"INPUT_FAIL_ON_DRIFT":     "false",
		"INPUT_ALLOW_PLAN_CHANGE": "false",
		"INPUT_DRY_RUN":           "false",
	}
}

// oktaCalls counts the org's API requests so far: all of them, and the writes.
func (w *world) oktaCalls() (total, writes int) {
	rc := w.emu.Requests()
	for route, n := range rc.ByRoute {
		if !strings.HasPrefix(route, "GET ") {
			writes += n
		}
	}
	return rc.Total, writes
}

// withoutMasks drops the ::add-mask:: lines, the one place the runner protocol carries a
// secret: the runner consumes them and never shows them.
func withoutMasks(log string) string {
	var b strings.Builder
	sc := bufio.NewScanner(strings.NewReader(log))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		if !strings.HasPrefix(sc.Text(), "::add-mask::") {
			b.WriteString(sc.Text() + "\n")
		}
	}
	return b.String()
}

// errorAnnotations are the ::error lines of a log, the action's reasons for failing.
func errorAnnotations(log string) string {
	var out []string
	for _, l := range strings.Split(log, "\n") {
		if strings.HasPrefix(l, "::error") {
			if _, msg, ok := strings.Cut(strings.TrimPrefix(l, "::error"), "::"); ok {
				out = append(out, unescapeData(msg))
			}
		}
	}
	if len(out) == 0 {
		return "no error annotation; see the log in " + runnerDir
	}
	return strings.Join(out, "; ")
}

// unescapeData undoes the workflow command escaping of a message.
func unescapeData(s string) string {
	return strings.NewReplacer("%0D", "\r", "%0A", "\n", "%25", "%").Replace(s)
}

// readOutputs parses a GITHUB_OUTPUT file (the heredoc form the action writes).
func readOutputs(path string) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return map[string]string{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the step outputs: %w", err)
	}
	out := map[string]string{}
	lines := strings.Split(string(data), "\n")
	for i := 0; i < len(lines); i++ {
		name, delim, ok := strings.Cut(lines[i], "<<")
		if !ok {
			continue
		}
		var val []string
		for i++; i < len(lines) && lines[i] != delim; i++ {
			val = append(val, lines[i])
		}
		out[name] = strings.Join(val, "\n")
	}
	return out, nil
}
