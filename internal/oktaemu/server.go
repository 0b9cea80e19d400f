// Package oktaemu is an in-memory Okta org that answers the real Okta management API paths
// of the six Identity Threat Protection kinds (network zones, the three ITP policies and
// their rules, security events providers, user risk) plus the users and groups they refer
// to. It reproduces the server quirks recorded from real orgs closely enough that the
// official okta-sdk-golang client works against it over real HTTP, and it can inject
// latency, errors, dropped connections and rate limiting so callers can test their retries.
package oktaemu

import (
	"context"
	"crypto"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Options configure a Server.
type Options struct {
	// Token is the API token accepted as "Authorization: SSWS <token>". Required unless
	// only OAuth is used.
	Token string
	// PageSize is the page size of the zones, users and groups lists when the request
	// gives no limit (default 200).
	PageSize int
	// Seed is the initial content of the org; nil means DefaultSeed().
	Seed *Seed
	// Latency is added to every API response.
	Latency time.Duration
	// Jitter adds a uniform random delay in [0, Jitter) drawn from the fault RNG.
	Jitter time.Duration
	// Faults are the injected failures; SetFaults changes them at run time.
	Faults Faults
	// RateLimits maps a bucket name ("zones", "policies", "users", "groups", "risk", "ssf",
	// "oauth", "default") to its requests per minute; missing buckets allow 600 a minute.
	RateLimits map[string]int
	// OAuth enables POST /oauth2/v1/token (client credentials with private_key_jwt).
	OAuth *OAuthClient
	// ExemptZone seeds the system zone DefaultExemptIpZone.
	ExemptZone bool
	// Now is the clock (default time.Now).
	Now func() time.Time
	// BaseURL is the absolute base of _links and Link headers; by default it is derived
	// from the request's Host.
	BaseURL string
	// Admin is the actor the System Log names for writes made with Token or through OAuth
	// (default DefaultAdminName, DefaultAdminLogin); AddAdminToken adds other admins.
	Admin Admin
}

// Faults describe injected failures. They apply only to /api/ and /oauth2/ paths.
type Faults struct {
	// Seed seeds the RNG that decides jitter, errors and drops, so runs repeat.
	Seed int64
	// ErrorRate is the share of requests answered 500 E0000009.
	ErrorRate float64
	// DropRate is the share of requests whose connection is closed without a response.
	DropRate float64
	// Burst429 answers the next N requests with 429 E0000047.
	Burst429 int
	// StallEvery stalls every Nth request for Stall before answering it.
	StallEvery int
	Stall      time.Duration
}

// OAuthClient is the service application allowed to get tokens from /oauth2/v1/token.
type OAuthClient struct {
	ClientID string
	// PublicKey verifies the client assertions: *rsa.PublicKey (RS256) or
	// *ecdsa.PublicKey (ES256).
	PublicKey crypto.PublicKey
	// KeyID, when set, must match the assertion's "kid" header if it has one.
	KeyID string
	// Scopes are the scopes granted to the client.
	Scopes []string
}

// RequestCounts counts the API requests the server received, by route template such as
// "PUT /api/v1/zones/{id}".
type RequestCounts struct {
	Total   int            `json:"total"`
	ByRoute map[string]int `json:"by_route"`
}

// Server is the emulated org; it is an http.Handler and safe for concurrent use.
type Server struct {
	opts Options
	now  func() time.Time

	mu     sync.Mutex // guards org, logs and logIDs
	org    *Org
	logs   []logEvent // the System Log, in publication order
	logIDs *rand.Rand

	ctl       sync.Mutex // guards everything below
	faults    Faults
	faultRNG  *rand.Rand
	faultN    int
	counts    RequestCounts
	windows   map[string]*window
	tokens    map[string]grant
	requestID *rand.Rand
	// adminTokens are the extra SSWS tokens of AddAdminToken, with their admins.
	adminTokens map[string]Admin
}

// New returns a server holding a fresh org built from opts.Seed (or DefaultSeed()).
func New(opts Options) *Server {
	if opts.PageSize <= 0 {
		opts.PageSize = 200
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	seed := opts.Seed
	if seed == nil {
		seed = DefaultSeed()
	}
	s := &Server{
		opts:      opts,
		now:       now,
		windows:   map[string]*window{},
		tokens:    map[string]grant{},
		requestID: rand.New(rand.NewPCG(7, 11)),
		logIDs:    rand.New(rand.NewPCG(13, 17)),
	}
	s.org = newOrg(func() time.Time { return s.now() }, opts.ExemptZone)
	if err := s.org.apply(seed); err != nil {
		// A bad seed is a programming error of the caller; LoadSeed validates files.
		panic(fmt.Sprintf("oktaemu: apply seed: %v", err))
	}
	s.setFaultsLocked(opts.Faults)
	s.counts.ByRoute = map[string]int{}
	return s
}

// SetFaults replaces the injected faults; the fault RNG restarts from f.Seed.
func (s *Server) SetFaults(f Faults) {
	s.ctl.Lock()
	defer s.ctl.Unlock()
	s.setFaultsLocked(f)
}

func (s *Server) setFaultsLocked(f Faults) {
	s.faults = f
	s.faultRNG = rand.New(rand.NewPCG(uint64(f.Seed), 0x6f6b7461))
	s.faultN = 0
}

// Requests returns a copy of the request counters.
func (s *Server) Requests() RequestCounts {
	s.ctl.Lock()
	defer s.ctl.Unlock()
	out := RequestCounts{Total: s.counts.Total, ByRoute: make(map[string]int, len(s.counts.ByRoute))}
	for k, v := range s.counts.ByRoute {
		out.ByRoute[k] = v
	}
	return out
}

// ResetRequests sets the request counters back to zero.
func (s *Server) ResetRequests() {
	s.ctl.Lock()
	defer s.ctl.Unlock()
	s.counts = RequestCounts{ByRoute: map[string]int{}}
}

// Seed runs fn on the org under the server's lock, for tests and benchmarks that need a
// state the API cannot reach quickly (a thousand zones, a pre-existing rule priority).
func (s *Server) Seed(fn func(*Org)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fn(s.org)
}

// ServeHTTP answers one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			// A handler bug must not kill the caller's server; answer like Okta's 500.
			writeReply(w, s.internalError())
		}
	}()
	if strings.HasPrefix(r.URL.Path, "/__emulator/") {
		s.serveControls(w, r)
		return
	}
	rt, params, methodOK := match(r.Method, r.URL.Path)
	template := r.Method + " (unmatched)"
	bucket := "default"
	if rt != nil {
		template = r.Method + " " + rt.template
		bucket = rt.bucket
	}
	reqID := s.count(template)
	w.Header().Set("X-Okta-Request-Id", reqID)
	w.Header().Set("Date", s.now().UTC().Format(http.TimeFormat))

	var plan faultPlan
	if strings.HasPrefix(r.URL.Path, "/api/") || strings.HasPrefix(r.URL.Path, "/oauth2/") {
		plan = s.planFaults()
	}
	sleep(r.Context(), plan.delay)
	switch {
	case plan.drop:
		dropConnection(w)
		return
	case plan.burst:
		s.burst429(w, bucket)
		return
	}
	if rep, limited := s.rateLimit(w, bucket); limited {
		writeReply(w, rep)
		return
	}
	if plan.fail500 {
		writeReply(w, s.internalError())
		return
	}
	base := s.baseURL(r)
	if rt == nil {
		if methodOK {
			writeReply(w, errReply(http.StatusMethodNotAllowed, "E0000022", "The endpoint does not support the provided HTTP method"))
			return
		}
		writeReply(w, notFound(r.URL.Path, "Resource"))
		return
	}
	if rt.public {
		writeReply(w, rt.handle(s, &call{r: r, params: params, base: base}))
		return
	}
	if rep, ok := s.authorize(r, rt.scope); !ok {
		writeReply(w, rep)
		return
	}
	c := &call{r: r, params: params, base: base, reqID: reqID}
	if rt.event != nil {
		c.actor = s.actorOf(r)
	}
	if err := c.readBody(); err != nil {
		writeReply(w, *err)
		return
	}
	writeReply(w, s.handleLocked(rt, c))
}

// handleLocked runs a handler under the org lock; the deferred unlock keeps the server
// usable even if a handler bug panics.
func (s *Server) handleLocked(rt *route, c *call) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	if rt.event != nil {
		return s.handleRecorded(rt, c)
	}
	return rt.handle(s, c)
}

// count records one request and returns a fresh request id.
func (s *Server) count(template string) string {
	s.ctl.Lock()
	defer s.ctl.Unlock()
	s.counts.Total++
	s.counts.ByRoute[template]++
	return randomID(s.requestID, "", 20)
}

func (s *Server) baseURL(r *http.Request) string {
	if s.opts.BaseURL != "" {
		return strings.TrimRight(s.opts.BaseURL, "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	host := r.Host
	if host == "" {
		host = r.URL.Host
	}
	return scheme + "://" + host
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
