package oktaemu

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

const testToken = "test-token-0123456789"

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 2, 18, 8, 28, 53, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// start runs an emulator behind a real HTTP server.
func start(t *testing.T, opts Options) (*Server, *httptest.Server) {
	t.Helper()
	if opts.Token == "" {
		opts.Token = testToken
	}
	s := New(opts)
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return s, ts
}

// response is a decoded HTTP answer.
type response struct {
	status int
	header http.Header
	raw    string
	json   any
}

// obj returns the body as a JSON object (failing the test otherwise).
func (r response) obj(t *testing.T) map[string]any {
	t.Helper()
	m, isObj := r.json.(map[string]any)
	if !isObj {
		t.Fatalf("body is not a JSON object: %s", r.raw)
	}
	return m
}

func (r response) list(t *testing.T) []any {
	t.Helper()
	l, isList := r.json.([]any)
	if !isList {
		t.Fatalf("body is not a JSON array: %s", r.raw)
	}
	return l
}

// send sends one request with the test token; body "" sends none.
func send(t *testing.T, ts *httptest.Server, method, path, body string) response {
	t.Helper()
	return callAuth(t, ts, method, path, body, "SSWS "+testToken)
}

func callAuth(t *testing.T, ts *httptest.Server, method, path, body, auth string) response {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, ts.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Content-Type", "application/json")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	r := response{status: resp.StatusCode, header: resp.Header, raw: string(data)}
	if len(data) > 0 {
		if err := json.Unmarshal(data, &r.json); err != nil {
			t.Fatalf("%s %s: body is not JSON: %v: %s", method, path, err, data)
		}
	}
	return r
}

// path walks a decoded JSON value by keys and indexes ("a.b.0.c").
func path(v any, p string) any {
	for _, k := range strings.Split(p, ".") {
		switch x := v.(type) {
		case map[string]any:
			v = x[k]
		case []any:
			i := 0
			for _, ch := range k {
				i = i*10 + int(ch-'0')
			}
			if i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

// has reports whether the key path exists (even with a null value).
func has(v any, p string) bool {
	keys := strings.Split(p, ".")
	parent := path(v, strings.Join(keys[:len(keys)-1], "."))
	if len(keys) == 1 {
		parent = v
	}
	m, isObj := parent.(map[string]any)
	if !isObj {
		return false
	}
	_, found := m[keys[len(keys)-1]]
	return found
}

// mustJSON re-encodes a decoded value compactly, for comparisons in messages.
func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func keys(v any) []string {
	m, _ := v.(map[string]any)
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func urlQuery(s string) string { return url.QueryEscape(s) }

func jsonUnmarshal(data []byte, v any) error { return json.Unmarshal(data, v) }
