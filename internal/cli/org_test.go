package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/itpsync/itpsync/internal/oktaemu"
)

const (
	orgTestToken = "00CLItestTOKENsecret-9f8e7d6c5b4a3210"
	seedPolicies = "../../policies"
	normalise    = "../engine/testdata/normalise"
)

// emuOrg is an emulator behind a real HTTP server that the CLI reaches with a token from
// the environment, like a user's shell would give it. Every output of every command run
// against it is kept, to check that the token never appears.
type emuOrg struct {
	t   *testing.T
	emu *oktaemu.Server
	url string
	env map[string]string

	mu sync.Mutex
	// failNext makes the next matching request fail with an Okta error (method, path
	// prefix, body substring).
	fail *failRule
	all  strings.Builder
}

type failRule struct{ method, path, body string }

func newEmuOrg(t *testing.T) *emuOrg {
	t.Helper()
	o := &emuOrg{t: t, emu: oktaemu.New(oktaemu.Options{Token: orgTestToken})}
	srv := httptest.NewServer(http.HandlerFunc(o.serve))
	t.Cleanup(srv.Close)
	o.url = srv.URL
	o.env = map[string]string{"OKTA_ORG_URL": srv.URL, "OKTA_API_TOKEN": orgTestToken}
	t.Cleanup(func() {
		if strings.Contains(o.all.String(), orgTestToken) {
			t.Errorf("the API token appears in the output:\n%s", o.all.String())
		}
	})
	return o
}

// serve passes requests to the emulator, failing the one that matches o.fail (once).
func (o *emuOrg) serve(w http.ResponseWriter, r *http.Request) {
	o.mu.Lock()
	f := o.fail
	o.mu.Unlock()
	if f != nil && r.Method == f.method && strings.HasPrefix(r.URL.Path, f.path) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		if strings.Contains(string(body), f.body) {
			o.mu.Lock()
			o.fail = nil
			o.mu.Unlock()
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"errorCode":"E0000001","errorSummary":"Api validation failed: gateways","errorLink":"E0000001","errorId":"oaeTEST","errorCauses":[{"errorSummary":"Invalid gateway (injected)"}]}`)
			return
		}
	}
	o.emu.ServeHTTP(w, r)
}

// run runs the CLI with the org's environment (plus extra variables) and returns the exit
// code and both outputs.
func (o *emuOrg) run(extra map[string]string, args ...string) (int, string, string) {
	o.t.Helper()
	env := map[string]string{}
	for k, v := range o.env {
		env[k] = v
	}
	for k, v := range extra {
		env[k] = v
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var out, errb bytes.Buffer
	code := Run(ctx, args, strings.NewReader(""), &out, &errb, func(k string) string { return env[k] })
	o.mu.Lock()
	// Outputs only: the arguments may hold the token on purpose.
	fmt.Fprintf(&o.all, "$ itpsync %d args\n%s%s", len(args), out.String(), errb.String())
	o.mu.Unlock()
	return code, out.String(), errb.String()
}

// must runs the CLI and fails the test unless it exits with want.
func (o *emuOrg) must(want int, args ...string) (string, string) {
	o.t.Helper()
	code, out, errb := o.run(nil, args...)
	if code != want {
		o.t.Fatalf("itpsync %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), code, want, out, errb)
	}
	return out, errb
}

func (o *emuOrg) writes() int {
	n := 0
	for route, c := range o.emu.Requests().ByRoute {
		if !strings.HasPrefix(route, "GET ") {
			n += c
		}
	}
	return n
}

// consoleDo sends one raw API request as a console administrator would.
func (o *emuOrg) consoleDo(method, path string, body any, out any) {
	o.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, o.url+path, rd)
	req.Header.Set("Authorization", "SSWS "+orgTestToken)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		o.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		o.t.Fatalf("%s %s: %s %s", method, path, resp.Status, data)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			o.t.Fatal(err)
		}
	}
}

// consoleFind returns the object named name of the list at path.
func (o *emuOrg) consoleFind(path, name string) map[string]any {
	o.t.Helper()
	var list []map[string]any
	o.consoleDo("GET", path, nil, &list)
	for _, x := range list {
		if x["name"] == name {
			return x
		}
	}
	o.t.Fatalf("no %q in %s", name, path)
	return nil
}

func wantAll(t *testing.T, what, got string, subs ...string) {
	t.Helper()
	for _, s := range subs {
		if !strings.Contains(got, s) {
			t.Errorf("%s lacks %q:\n%s", what, s, got)
		}
	}
}

func writeTestFile(t *testing.T, dir, name, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
