package action

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/itpsync/itpsync/internal/notify/githubfake"
	"github.com/itpsync/itpsync/internal/oktaemu"
	"github.com/itpsync/itpsync/internal/tenant"
)

// Distinctive secrets: every scenario checks that none of them leaves the process except
// in ::add-mask:: lines.
const (
	testOktaToken   = "00OKTAsecretTOKENvalue-5f3e9c1d7b"
	testGitHubToken = "ghs_GITHUBsecretTOKEN_7a1b2c3d4e5f"
	testClientID    = "0oaitpsyncaction"
	owner, repoName = "octo-org", "itp-config"
	repository      = owner + "/" + repoName
)

// harness is one repository with its workspace, a fake GitHub and an emulated Okta org.
type harness struct {
	t    *testing.T
	emu  *oktaemu.Server
	srv  *httptest.Server
	gh   *githubfake.Server
	ws   string
	tmp  string
	vars map[string]string

	// key is the OAuth private key PEM when the org uses OAuth.
	key string
	// tokens captures the OAuth access tokens the emulator hands out.
	mu     sync.Mutex
	tokens []string
	runs   int
	logs   []string
	// rejectZone names a zone whose creation the org answers with a validation error.
	rejectZone string
}

type harnessOpts struct {
	oauth bool
	seed  *oktaemu.Seed
	// ghPrefix serves the fake GitHub API under a path, as GitHub Enterprise Server does.
	ghPrefix string
}

func newHarness(t *testing.T, o harnessOpts) *harness {
	t.Helper()
	h := &harness{t: t, tmp: t.TempDir()}
	opts := oktaemu.Options{Token: testOktaToken, Seed: o.seed}
	if o.oauth {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		der, err := x509.MarshalPKCS8PrivateKey(k)
		if err != nil {
			t.Fatal(err)
		}
		h.key = string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
		opts.OAuth = &oktaemu.OAuthClient{ClientID: testClientID, PublicKey: &k.PublicKey, Scopes: tenant.ScopesFor(true)}
	}
	h.emu = oktaemu.New(opts)
	h.srv = httptest.NewServer(h.emu)
	t.Cleanup(h.srv.Close)
	var ghOpts []githubfake.Option
	if o.ghPrefix != "" {
		ghOpts = append(ghOpts, githubfake.WithPathPrefix(o.ghPrefix))
	}
	h.gh = githubfake.New(t, owner, repoName, ghOpts...)
	h.gh.SetToken(testGitHubToken)
	h.ws = filepath.Join(h.tmp, "workspace")
	h.vars = map[string]string{
		"GITHUB_REPOSITORY":   repository,
		"GITHUB_WORKSPACE":    h.ws,
		"GITHUB_SERVER_URL":   "https://github.com",
		"GITHUB_API_URL":      h.gh.URL(),
		"GITHUB_RUN_ID":       "4242",
		"GITHUB_ACTOR":        "alice",
		"INPUT_COMMAND":       "auto",
		"INPUT_POLICIES_DIR":  "policies",
		"INPUT_OKTA_ORG_URL":  h.srv.URL,
		"INPUT_GITHUB_TOKEN":  testGitHubToken,
		"INPUT_FAIL_ON_DRIFT": "false",
		"INPUT_DRY_RUN":       "false",
	}
	if o.oauth {
		h.vars["INPUT_OKTA_CLIENT_ID"] = testClientID
		h.vars["INPUT_OKTA_PRIVATE_KEY"] = h.key
	} else {
		h.vars["INPUT_OKTA_API_TOKEN"] = testOktaToken
	}
	return h
}

// write puts a definitions file into the workspace's policies directory, replacing all
// others.
func (h *harness) definitions(files map[string]string) {
	h.t.Helper()
	dir := filepath.Join(h.ws, "policies")
	if err := os.RemoveAll(dir); err != nil {
		h.t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		h.t.Fatal(err)
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			h.t.Fatal(err)
		}
	}
}

// event writes the testdata event name, changed by mod, and selects it.
func (h *harness) event(eventName, fixture string, mod func(map[string]any)) {
	h.t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "events", fixture))
	if err != nil {
		h.t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		h.t.Fatal(err)
	}
	if mod != nil {
		mod(m)
	}
	out, err := json.Marshal(m)
	if err != nil {
		h.t.Fatal(err)
	}
	path := filepath.Join(h.tmp, "event.json")
	if err := os.WriteFile(path, out, 0o644); err != nil {
		h.t.Fatal(err)
	}
	h.vars["GITHUB_EVENT_NAME"] = eventName
	h.vars["GITHUB_EVENT_PATH"] = path
}

// result is one run of the action.
type result struct {
	code    int
	stdout  string
	outputs map[string]string
	summary string
}

// run runs the action once with fresh GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files.
func (h *harness) run() result {
	h.t.Helper()
	h.runs++
	dir := filepath.Join(h.tmp, "run", strings.Repeat("r", h.runs))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		h.t.Fatal(err)
	}
	h.vars["GITHUB_OUTPUT"] = filepath.Join(dir, "output")
	h.vars["GITHUB_STEP_SUMMARY"] = filepath.Join(dir, "summary")
	var stdout bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	vars := h.vars
	code := Run(ctx, Env{
		Getenv:     func(k string) string { return vars[k] },
		Stdout:     &stdout,
		HTTPClient: &http.Client{Transport: tokenCapture{h: h, base: oktaemu.RoutingTransport(h.srv.Listener.Addr().String(), nil)}},
		Now:        func() time.Time { return time.Date(2026, 3, 4, 5, 6, 7, 0, time.FixedZone("CET", 3600)) },
	})
	res := result{code: code, stdout: stdout.String(), outputs: readOutputs(h.t, h.vars["GITHUB_OUTPUT"])}
	if b, err := os.ReadFile(h.vars["GITHUB_STEP_SUMMARY"]); err == nil {
		res.summary = string(b)
	}
	for name := range res.outputs {
		if !contains(outputNames, name) {
			h.t.Errorf("output %q is not declared in action.yml (outputNames)", name)
		}
	}
	rawOutput, _ := os.ReadFile(h.vars["GITHUB_OUTPUT"])
	h.logs = append(h.logs, res.stdout)
	h.assertNoSecrets("stdout", withoutMaskLines(res.stdout))
	h.assertNoSecrets("GITHUB_OUTPUT", string(rawOutput))
	h.assertNoSecrets("GITHUB_STEP_SUMMARY", res.summary)
	h.assertNoSecretsInGitHub()
	return res
}

// secrets are every secret the run knew, the OAuth access tokens and each key line.
func (h *harness) secrets() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := []string{testOktaToken, testGitHubToken}
	out = append(out, h.tokens...)
	for _, l := range strings.Split(h.key, "\n") {
		if len(l) > 30 && !strings.HasPrefix(l, "-----") {
			out = append(out, l)
		}
	}
	return out
}

func (h *harness) assertNoSecrets(where, text string) {
	h.t.Helper()
	for _, s := range h.secrets() {
		if strings.Contains(text, s) {
			h.t.Errorf("%s contains the secret %.8s…", where, s)
		}
	}
}

// assertNoSecretsInGitHub checks every comment and issue the fake holds.
func (h *harness) assertNoSecretsInGitHub() {
	h.t.Helper()
	for _, is := range h.gh.Issues() {
		h.assertNoSecrets("issue body", is.Title+is.Body)
		for _, c := range h.gh.IssueComments(is.Number) {
			h.assertNoSecrets("issue comment", c.Body)
		}
	}
	for _, n := range []int{7, 8} {
		for _, c := range h.gh.Comments(n) {
			h.assertNoSecrets("pull request comment", c.Body)
		}
	}
}

// withoutMaskLines drops the ::add-mask:: lines, the only place a secret may appear.
func withoutMaskLines(s string) string {
	var b strings.Builder
	sc := bufio.NewScanner(strings.NewReader(s))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		if !strings.HasPrefix(sc.Text(), "::add-mask::") {
			b.WriteString(sc.Text() + "\n")
		}
	}
	return b.String()
}

// readOutputs parses a GITHUB_OUTPUT file (heredoc form only, as the action writes it).
func readOutputs(t *testing.T, path string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return map[string]string{}
	}
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	lines := strings.Split(string(data), "\n")
	for i := 0; i < len(lines); i++ {
		if lines[i] == "" {
			continue
		}
		name, delim, ok := strings.Cut(lines[i], "<<")
		if !ok {
			t.Fatalf("GITHUB_OUTPUT line %d is not a heredoc: %q", i+1, lines[i])
		}
		var val []string
		for i++; i < len(lines) && lines[i] != delim; i++ {
			val = append(val, lines[i])
		}
		if i == len(lines) {
			t.Fatalf("GITHUB_OUTPUT: output %q has no closing delimiter", name)
		}
		if _, dup := out[name]; dup {
			t.Errorf("GITHUB_OUTPUT: output %q written twice", name)
		}
		out[name] = strings.Join(val, "\n")
	}
	return out
}

// tokenCapture records the OAuth access tokens the org hands out, so the test knows them.
type tokenCapture struct {
	h    *harness
	base http.RoundTripper
}

func (c tokenCapture) RoundTrip(r *http.Request) (*http.Response, error) {
	if rej := c.h.rejectZone; rej != "" && r.Method == http.MethodPost && r.URL.Path == "/api/v1/zones" && r.Body != nil {
		body, _ := io.ReadAll(r.Body)
		_ = r.Body.Close()
		r.Body = io.NopCloser(bytes.NewReader(body))
		if bytes.Contains(body, []byte(rej)) {
			msg := `{"errorCode":"E0000001","errorSummary":"Api validation failed: gateways","errorId":"oaeTEST","errorCauses":[{"errorSummary":"gateways: The zone is invalid."}]}`
			return &http.Response{StatusCode: http.StatusBadRequest, Status: "400 Bad Request", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
				Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(strings.NewReader(msg)), Request: r}, nil
		}
	}
	resp, err := c.base.RoundTrip(r)
	if err != nil || !strings.HasSuffix(r.URL.Path, "/v1/token") {
		return resp, err
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if json.Unmarshal(body, &tok) == nil && tok.AccessToken != "" {
		c.h.mu.Lock()
		c.h.tokens = append(c.h.tokens, tok.AccessToken)
		c.h.mu.Unlock()
	}
	return resp, nil
}

// oktaWrites counts the write requests the org received (token requests aside).
func (h *harness) oktaWrites() map[string]int {
	out := map[string]int{}
	for route, n := range h.emu.Requests().ByRoute {
		if strings.HasPrefix(route, "GET ") || strings.Contains(route, "/oauth2/") {
			continue
		}
		out[route] = n
	}
	return out
}

// annotations returns the workflow command lines of one kind ("error", "warning", ...).
func annotations(stdout, level string) []string {
	var out []string
	for _, l := range strings.Split(stdout, "\n") {
		if strings.HasPrefix(l, "::"+level+" ") || strings.HasPrefix(l, "::"+level+"::") {
			out = append(out, l)
		}
	}
	return out
}

// oktaAPI calls the emulator's API as an administrator would in the console.
func (h *harness) oktaAPI(method, path, body string) {
	h.t.Helper()
	req, err := http.NewRequest(method, h.srv.URL+path, strings.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	req.Header.Set("Authorization", "SSWS "+testOktaToken)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		b, _ := io.ReadAll(resp.Body)
		h.t.Fatalf("%s %s: %s: %s", method, path, resp.Status, b)
	}
}

// addZone adds an IP zone out of band and returns its ID.
func (h *harness) addZone(name string, gateways ...string) string {
	h.t.Helper()
	var gw []map[string]string
	for _, g := range gateways {
		gw = append(gw, map[string]string{"type": "CIDR", "value": g})
	}
	body, _ := json.Marshal(map[string]any{"type": "IP", "name": name, "status": "ACTIVE", "usage": "POLICY", "gateways": gw})
	var id string
	var err error
	h.emu.Seed(func(o *oktaemu.Org) { id, err = o.AddZone(body) })
	if err != nil {
		h.t.Fatal(err)
	}
	return id
}
