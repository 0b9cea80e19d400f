package tenant

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/itpsync/itpsync/internal/itp"
	"github.com/itpsync/itpsync/internal/oktaemu"
)

// closedAddr returns a loopback address nothing listens on.
func closedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func TestConnectionRefusedIsSaidPlainly(t *testing.T) {
	addr := closedAddr(t)
	c, err := New(Config{OrgURL: "http://" + addr, APIToken: testToken, MaxWait: 2 * time.Second,
		HTTPClient: &http.Client{Transport: oktaemu.RoutingTransport(addr, nil)}})
	if err != nil {
		t.Fatal(err)
	}
	c.tr.baseDelay = 5 * time.Millisecond
	_, err = c.Read(ctxT(t), ReadOptions{})
	if err == nil {
		t.Fatal("read succeeded with nothing listening")
	}
	msg := err.Error()
	for _, want := range []string{"could not connect to " + addr, "connection refused", "gave up after 5 attempts"} {
		if !strings.Contains(msg, want) {
			t.Errorf("err = %q, want it to contain %q", msg, want)
		}
	}
	if strings.Contains(msg, "no answer within") || strings.Contains(msg, " over 0s") {
		t.Errorf("err = %q, misleading: the connection was refused, nothing timed out", msg)
	}
	assertNoSecret(t, "error", msg, testToken)
	t.Log(msg)
}

// A stalled answer is a timeout and says so (not a refused connection).
func TestStalledAnswerTimesOut(t *testing.T) {
	o := newOrg(t, oktaemu.Options{}, nil)
	o.c.tr.attemptTime = 200 * time.Millisecond
	o.emu.SetFaults(oktaemu.Faults{Seed: 1, StallEvery: 1, Stall: 2 * time.Second})
	_, err := o.c.listZones(ctxT(t), false)
	if err == nil || !strings.Contains(err.Error(), "no answer within 200ms") || !strings.Contains(err.Error(), "GET /api/v1/zones") {
		t.Errorf("err = %v, want a timeout naming the endpoint", err)
	}
	o.emu.SetFaults(oktaemu.Faults{})
	if _, err := o.c.listZones(ctxT(t), false); err != nil {
		t.Errorf("after the stall: %v", err)
	}
}

// garbled answers one method and path prefix with a fixed status and body; everything else
// goes to a default emulator. It returns a Client pointed at it.
func garbled(t *testing.T, method, pathPrefix string, status int, body string, header http.Header) *Client {
	t.Helper()
	emu := oktaemu.New(oktaemu.Options{Token: testToken})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == method && strings.HasPrefix(r.URL.Path, pathPrefix) && !strings.HasPrefix(r.URL.Path+"/", pathPrefix+"x") {
			for k, vs := range header {
				w.Header()[k] = vs
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			io.WriteString(w, body)
			return
		}
		emu.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	c, err := New(Config{OrgURL: srv.URL, APIToken: testToken, MaxWait: 2 * time.Second,
		HTTPClient: &http.Client{Transport: oktaemu.RoutingTransport(srv.Listener.Addr().String(), nil)}})
	if err != nil {
		t.Fatal(err)
	}
	c.tr.baseDelay = time.Millisecond
	return c
}

// Garbage from the API never panics, is never silently taken as an empty org, and the error
// names the call and what was wrong with the answer.
func TestGarbageAnswersAreClearErrors(t *testing.T) {
	const (
		zonesP = "/api/v1/zones"
		polP   = "/api/v1/policies"
		ssfP   = "/api/v1/security-events-providers"
		usersP = "/api/v1/users"
		grpP   = "/api/v1/groups"
	)
	next := http.Header{"Link": {`<http://x/api/v1/zones?after=same&limit=1000>; rel="next"`}}
	cases := []struct {
		name, method, path string
		status             int
		body               string
		header             http.Header
		read               ReadOptions
		want               []string
	}{
		{"zones not JSON", "GET", zonesP, 200, "<html>oops</html>", nil, ReadOptions{}, []string{"GET /api/v1/zones", "decode network zones", "invalid character"}},
		{"zones empty body", "GET", zonesP, 200, "", nil, ReadOptions{}, []string{"GET /api/v1/zones", "empty answer"}},
		{"zones object not list", "GET", zonesP, 200, `{"id":"nzo1"}`, nil, ReadOptions{}, []string{"GET /api/v1/zones", "the answer: got a JSON object, want an array"}},
		{"zones wrong types", "GET", zonesP, 200, `[{"id":5,"name":"a","type":"IP"}]`, nil, ReadOptions{}, []string{"GET /api/v1/zones", "field id: got a JSON number, want a string"}},
		{"zone without id", "GET", zonesP, 200, `[{"name":"a","type":"IP","status":"ACTIVE"}]`, nil, ReadOptions{}, []string{"GET /api/v1/zones", "zone 1", "no id"}},
		{"zone without name", "GET", zonesP, 200, `[{"id":"nzo1","type":"IP","status":"ACTIVE"}]`, nil, ReadOptions{}, []string{"GET /api/v1/zones", "zone 1", "no name"}},
		{"zone null entry", "GET", zonesP, 200, `[null]`, nil, ReadOptions{}, []string{"GET /api/v1/zones", "zone 1"}},
		{"zone bad gateways", "GET", zonesP, 200, `[{"id":"nzo1","name":"a","type":"IP","gateways":"10.0.0.1"}]`, nil, ReadOptions{}, []string{"GET /api/v1/zones", "field gateways: got a JSON string, want an array"}},
		{"zone bad locations", "GET", zonesP, 200, `[{"id":"nzo1","name":"a","type":"DYNAMIC","locations":{"x":1}}]`, nil, ReadOptions{}, []string{"GET /api/v1/zones", `zone "a": locations`}},
		{"zones endless paging", "GET", zonesP, 200, `[{"id":"nzo1","name":"a","type":"IP","status":"ACTIVE"}]`, next, ReadOptions{}, []string{"GET /api/v1/zones", "same page cursor"}},
		{"policies garbage", "GET", polP, 200, `{"policies":[]}`, nil, ReadOptions{}, []string{"GET /api/v1/policies", "decode", "policies: the answer: got a JSON object, want an array"}},
		{"policies without id", "GET", polP, 200, `[{"type":"ENTITY_RISK"}]`, nil, ReadOptions{}, []string{"GET /api/v1/policies", "no id"}},
		{"rules garbage", "GET", polP + "/", 200, `[{"id":"0pr1","priority":"high"}]`, nil, ReadOptions{}, []string{"GET /api/v1/policies/", "/rules", "field priority: got a JSON string, want a number"}},
		{"rule without id", "GET", polP + "/", 200, `[{"name":"r","priority":1}]`, nil, ReadOptions{}, []string{"GET /api/v1/policies/", "/rules", "rule 1", "no id"}},
		{"providers garbage", "GET", ssfP, 200, `[{"id":"sse1","settings":[]}]`, nil, ReadOptions{}, []string{"GET /api/v1/security-events-providers", "field settings: got a JSON array, want an object"}},
		{"provider without name", "GET", ssfP, 200, `[{"id":"sse1","type":"okta"}]`, nil, ReadOptions{}, []string{"GET /api/v1/security-events-providers", "provider 1", "no name"}},
		{"users garbage", "GET", usersP, 200, `true`, nil, ReadOptions{Users: []string{"jane.doe@example.com"}}, []string{"GET /api/v1/users", "got a JSON bool, want an array"}},
		{"user without login", "GET", usersP, 200, `[{"id":"00u1"}]`, nil, ReadOptions{Users: []string{"jane.doe@example.com"}}, []string{"GET /api/v1/users", "user 1", "no login"}},
		{"groups garbage", "GET", grpP, 200, `[{"id":"00g1","profile":"x"}]`, nil, ReadOptions{Groups: []string{"Everyone"}}, []string{"GET /api/v1/groups", "field profile: got a JSON string, want an object"}},
		{"error body not JSON", "GET", zonesP, 400, "<html>bad gateway</html>", nil, ReadOptions{}, []string{"GET /api/v1/zones", "400 Bad Request"}},
		{"error body wrong types", "GET", zonesP, 403, `{"errorCode":1,"errorCauses":"x"}`, nil, ReadOptions{}, []string{"GET /api/v1/zones", "403 Forbidden"}},
		{"5xx body garbage", "GET", zonesP, 503, "\x00\xff", nil, ReadOptions{}, []string{"GET /api/v1/zones", "gave up after", "503"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := garbled(t, tc.method, tc.path, tc.status, tc.body, tc.header)
			cfg, err := c.Read(ctxT(t), tc.read)
			if err == nil {
				t.Fatalf("read succeeded on a garbled answer: %+v", cfg)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("err = %q, want it to contain %q", err, w)
				}
			}
			assertNoSecret(t, "error", err.Error(), testToken)
		})
	}
}

// An answer larger than the bound is cut and reported as such, not as bad JSON.
func TestHugeAnswerIsCut(t *testing.T) {
	big := `[{"id":"nzo1","name":"` + strings.Repeat("a", 1<<20) + `","type":"IP"}]`
	c := garbled(t, "GET", "/api/v1/zones", 200, big, nil)
	c.tr.maxBody = 256 << 10 // far above the emulator's other answers
	_, err := c.Read(ctxT(t), ReadOptions{})
	if err == nil || !strings.Contains(err.Error(), "GET /api/v1/zones: the answer is larger than 262144 bytes") {
		t.Errorf("err = %v, want the cut named with the endpoint", err)
	}
	// Answers under the bound still read.
	c = garbled(t, "GET", "/nothing", 200, "", nil)
	c.tr.maxBody = 256 << 10
	if _, err := c.Read(ctxT(t), ReadOptions{}); err != nil {
		t.Errorf("read under the bound: %v", err)
	}
}

// Garbage in answers to single calls and writes: the error names the object, the call and
// what was wrong.
func TestGarbageWriteAnswersAreClearErrors(t *testing.T) {
	zone := itp.Zone{Name: "Office", Type: itp.ZoneIP, Status: itp.StatusActive, Usage: itp.UsagePolicy, Gateways: []string{"203.0.113.0/24"}}
	provider := itp.Provider{Name: "Acme", Type: "okta", IsEnabled: itp.StatusActive, Issuer: "https://acme.example.com", JWKSURL: "https://acme.example.com/keys"}
	cases := []struct {
		name, method, path, body string
		run                      func(c *Client) error
		want                     []string
	}{
		{"user risk not JSON", "GET", "/api/v1/users/", "nope", func(c *Client) error {
			_, err := c.GetUserRisk(ctxT(t), "jane.doe@example.com")
			return err
		}, []string{`read risk of user "jane.doe@example.com"`, "GET /api/v1/users/", "/risk: decode user risk: not JSON"}},
		{"user risk without level", "GET", "/api/v1/users/", `{"reason":"x"}`, func(c *Client) error {
			_, err := c.GetUserRisk(ctxT(t), "jane.doe@example.com")
			return err
		}, []string{"/risk: decode user risk: the answer has no riskLevel"}},
		{"created zone without id", "POST", "/api/v1/zones", `{"name":"Office","type":"IP","status":"ACTIVE"}`, func(c *Client) error {
			_, err := c.CreateZone(ctxT(t), zone)
			return err
		}, []string{`create zone "Office"`, "POST /api/v1/zones: decode created zone: the answer has no id"}},
		{"created provider without id", "POST", "/api/v1/security-events-providers", `{"name":"Acme","status":"INACTIVE"}`, func(c *Client) error {
			p := provider
			_, err := c.CreateProvider(ctxT(t), p)
			return err
		}, []string{`create security events provider "Acme"`, "POST /api/v1/security-events-providers: decode security events provider: the answer has no id"}},
		{"created rule garbage", "POST", "/api/v1/policies/", `[]`, func(c *Client) error {
			_, err := c.CreateEntityRiskRule(ctxT(t), itp.EntityRiskRule{Name: "r", RiskLevel: itp.RiskHigh, Priority: 1, Status: itp.StatusActive, TerminateAllSessions: true})
			return err
		}, []string{`create entity risk rule "r"`, "POST /api/v1/policies/", "decode rule: the answer: got a JSON array, want an object"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := garbled(t, tc.method, tc.path, 200, tc.body, nil)
			if strings.HasSuffix(tc.path, "/api/v1/users/") {
				c = garbledSuffix(t, tc.method, "/risk", tc.body)
			}
			err := tc.run(c)
			if err == nil {
				t.Fatal("succeeded on a garbled answer")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("err = %q, want it to contain %q", err, w)
				}
			}
		})
	}
}

// garbledSuffix is garbled for paths that end with suffix.
func garbledSuffix(t *testing.T, method, suffix, body string) *Client {
	t.Helper()
	emu := oktaemu.New(oktaemu.Options{Token: testToken})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == method && strings.HasSuffix(r.URL.Path, suffix) {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, body)
			return
		}
		emu.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	c, err := New(Config{OrgURL: srv.URL, APIToken: testToken,
		HTTPClient: &http.Client{Transport: oktaemu.RoutingTransport(srv.Listener.Addr().String(), nil)}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestNextCursor(t *testing.T) {
	cases := []struct {
		name  string
		links []string
		want  string
		err   string
	}{
		{"last page", []string{`<https://x/api/v1/zones?limit=2>; rel="self"`}, "", ""},
		{"no links", nil, "", ""},
		{"one value per relation", []string{`<https://x/api/v1/zones?limit=2>; rel="self"`, `<https://x/api/v1/zones?after=nzo2&limit=2>; rel="next"`}, "nzo2", ""},
		{"comma-joined", []string{`<https://x/api/v1/zones?limit=2>; rel="self", <https://x/api/v1/zones?limit=2&after=a%2Bb>; rel="next"`}, "a+b", ""},
		{"look-alike parameter", []string{`<https://x/api/v1/users?search=xafter%3D1&after=00u2>; rel="next"`}, "00u2", ""},
		{"next without cursor", []string{`<https://x/api/v1/zones?limit=2>; rel="next"`}, "", `Link rel="next" has no after cursor`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := nextCursor(result{endpoint: "GET /api/v1/zones", header: http.Header{"Link": tc.links}})
			if got != tc.want {
				t.Errorf("cursor = %q, want %q", got, tc.want)
			}
			if (err == nil) != (tc.err == "") || (err != nil && !strings.Contains(err.Error(), tc.err)) {
				t.Errorf("err = %v, want %q", err, tc.err)
			}
		})
	}
}
