package tenant

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Stats counts the HTTP requests a Client sent.
type Stats struct {
	// Calls is every request sent, retries and OAuth token requests included.
	Calls int
	// Retries is the part of Calls that repeated an earlier attempt.
	Retries int
	// ByEndpoint counts Calls by method and path template, e.g. "GET /api/v1/zones" or
	// "PUT /api/v1/zones/{id}".
	ByEndpoint map[string]int
	// Waited is the total time spent waiting for rate-limit resets and retry backoff.
	Waited time.Duration
}

// callRecord travels in the context of one SDK call; the transport fills it because the
// SDK flattens transport errors into plain strings (GenericOpenAPIError{error: err.Error()}),
// which would lose the endpoint and the reason for giving up.
type callRecord struct {
	mu       sync.Mutex
	endpoint string
	err      error
}

type callRecordKey struct{}

func recordFrom(ctx context.Context) *callRecord {
	r, _ := ctx.Value(callRecordKey{}).(*callRecord)
	return r
}

func (r *callRecord) set(endpoint string, err error) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.endpoint = endpoint
	if err != nil {
		r.err = err
	}
}

func (r *callRecord) get() (string, error) {
	if r == nil {
		return "", nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.endpoint, r.err
}

// giveUpError says a call was retried until the bound and why the last attempt failed.
// It deliberately wraps nothing: the SDK retries forever on errors that unwrap to io.EOF.
type giveUpError struct {
	endpoint string
	attempts int
	elapsed  time.Duration
	last     string
}

func (e *giveUpError) Error() string {
	return fmt.Sprintf("%s: gave up after %d attempts over %s: %s", e.endpoint, e.attempts, roundElapsed(e.elapsed), e.last)
}

// roundElapsed keeps a short wait readable without rounding it to "0s".
func roundElapsed(d time.Duration) time.Duration {
	switch {
	case d < time.Second:
		return d.Round(time.Millisecond)
	case d < time.Minute:
		return d.Round(100 * time.Millisecond)
	}
	return d.Round(time.Second)
}

// notRetriedError says a request that creates something failed in a way that may have
// reached Okta, so it was not repeated.
type notRetriedError struct {
	endpoint string
	cause    string
}

func (e *notRetriedError) Error() string {
	return fmt.Sprintf("%s: %s; not retried because the request may have reached Okta (a retry could create it twice): check the org before running again", e.endpoint, e.cause)
}

// maxBody bounds the body of one answer: a zones page at the 1,000 limit is a few MB, so
// anything near this is a broken server or proxy that would otherwise exhaust memory.
const maxBody = 128 << 20

// bodyTooLargeError says an answer was cut at the limit.
type bodyTooLargeError struct {
	endpoint string
	limit    int64
}

func (e *bodyTooLargeError) Error() string {
	size := fmt.Sprintf("%d bytes", e.limit)
	if e.limit >= 1<<20 {
		size = fmt.Sprintf("%d MiB", e.limit>>20)
	}
	return fmt.Sprintf("%s: the answer is larger than %s; stopped reading it", e.endpoint, size)
}

// limitedBody fails reads past limit and records that in the call, because the SDK only
// keeps the (cut) body and would report bad JSON.
type limitedBody struct {
	io.ReadCloser
	left int64
	err  *bodyTooLargeError
	rec  *callRecord
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		b.rec.set(b.err.endpoint, b.err)
		return 0, b.err
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.ReadCloser.Read(p)
	b.left -= int64(n)
	if b.left <= 0 && err == nil {
		// One more byte would tell a body of exactly the limit from a longer one; treating
		// both as too large keeps this simple and the limit is far above real answers.
		b.rec.set(b.err.endpoint, b.err)
		return n, b.err
	}
	return n, err
}

// bucket is what the last response said about one rate-limit bucket.
type bucket struct {
	limit, remaining int
	reset            time.Time // local clock
}

// transport sends every request of a Client: it keeps each rate-limit bucket above the
// reserve left to the org's users, waits out 429s, retries what is safe to repeat, and counts.
type transport struct {
	base        http.RoundTripper
	reserve     float64
	maxWait     time.Duration
	maxAttempts int
	maxBody     int64         // bound on one answer's body; tests shrink it
	baseDelay   time.Duration // first backoff step; tests shrink it
	attemptTime time.Duration // bound on one attempt (stalled connections)
	logf        func(format string, args ...any)

	mu       sync.Mutex
	buckets  map[string]*bucket
	stats    Stats
	token    string
	tokenErr string
}

func newTransport(base http.RoundTripper, cfg Config) *transport {
	if base == nil {
		base = http.DefaultTransport
	}
	logf := cfg.Logf
	if logf == nil {
		logf = func(string, ...any) {}
	}
	return &transport{
		base:        base,
		reserve:     cfg.Reserve,
		maxWait:     cfg.MaxWait,
		maxAttempts: 5,
		maxBody:     maxBody,
		baseDelay:   500 * time.Millisecond,
		attemptTime: 60 * time.Second,
		logf:        logf,
		buckets:     map[string]*bucket{},
		stats:       Stats{ByEndpoint: map[string]int{}},
	}
}

// idempotent reports whether a request may be sent again after it possibly reached Okta:
// reads, full replacements, deletes and lifecycle calls are; creates and token requests
// (a client assertion's jti must not be reused) are not.
func idempotent(method, path string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete:
		return true
	case http.MethodPost:
		return strings.HasSuffix(path, "/lifecycle/activate") || strings.HasSuffix(path, "/lifecycle/deactivate")
	}
	return false
}

// idParents are the collections whose next path segment is an object id.
var idParents = map[string]bool{"zones": true, "policies": true, "rules": true, "security-events-providers": true, "users": true, "groups": true}

// routeTemplate replaces object ids in an API path by {id}: it names a rate-limit bucket
// and a Stats entry.
func routeTemplate(path string) string {
	parts := strings.Split(path, "/")
	for i := 1; i < len(parts); i++ {
		if idParents[parts[i-1]] && parts[i] != "" {
			parts[i] = "{id}"
		}
	}
	return strings.Join(parts, "/")
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	rec := recordFrom(ctx)
	endpoint := req.Method + " " + req.URL.Path
	rec.set(endpoint, nil)
	body, err := drainRequestBody(req)
	if err != nil {
		return nil, t.fail(rec, endpoint, fmt.Errorf("%s: read request body: %w", endpoint, err))
	}
	route := routeTemplate(req.URL.Path)
	safe := idempotent(req.Method, req.URL.Path)
	start := time.Now()
	for attempt := 1; ; attempt++ {
		if err := t.waitForBucket(ctx, route, endpoint, start); err != nil {
			return nil, t.fail(rec, endpoint, err)
		}
		t.count(req.Method+" "+route, attempt > 1)
		resp, err := t.send(ctx, req, body)
		var delay time.Duration
		var last string
		if err != nil {
			if ctx.Err() != nil {
				return nil, t.fail(rec, endpoint, fmt.Errorf("%s: %w", endpoint, ctx.Err()))
			}
			if !safe && !neverSent(err) {
				return nil, t.fail(rec, endpoint, &notRetriedError{endpoint: endpoint, cause: connError(err)})
			}
			last, delay = connError(err), t.backoff(attempt)
		} else {
			t.observe(route, resp)
			if strings.HasSuffix(req.URL.Path, "/oauth2/v1/token") {
				t.captureToken(resp)
			}
			switch {
			case resp.StatusCode == http.StatusTooManyRequests:
				// A 429 was not processed, so even a create may be sent again.
				last, delay = statusLine(resp), t.resetWait(resp, attempt)
			case resp.StatusCode >= 500 && safe:
				last, delay = statusLine(resp), t.backoff(attempt)
			default:
				resp.Body = &limitedBody{ReadCloser: resp.Body, left: t.maxBody, rec: rec,
					err: &bodyTooLargeError{endpoint: endpoint, limit: t.maxBody}}
				return resp, nil
			}
		}
		elapsed := time.Since(start)
		if attempt >= t.maxAttempts || elapsed+delay > t.maxWait {
			return nil, t.fail(rec, endpoint, &giveUpError{endpoint: endpoint, attempts: attempt, elapsed: elapsed, last: last})
		}
		t.logf("tenant: %s: %s; retrying in %s (attempt %d of %d)", endpoint, last, delay.Round(time.Millisecond), attempt+1, t.maxAttempts)
		if err := t.sleep(ctx, delay); err != nil {
			return nil, t.fail(rec, endpoint, fmt.Errorf("%s: %w", endpoint, err))
		}
	}
}

func (t *transport) fail(rec *callRecord, endpoint string, err error) error {
	rec.set(endpoint, err)
	return err
}

// send makes one attempt, bounded by attemptTime so that a stalled connection becomes a
// retryable failure instead of hanging the run.
func (t *transport) send(ctx context.Context, req *http.Request, body []byte) (*http.Response, error) {
	actx, cancel := context.WithTimeout(ctx, t.attemptTime)
	r := req.Clone(actx)
	if body != nil {
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		r.ContentLength = int64(len(body))
	}
	resp, err := t.base.RoundTrip(r)
	if err != nil {
		// Ask before cancel(), which would make every failure look like a timeout.
		timedOut := ctx.Err() == nil && errors.Is(actx.Err(), context.DeadlineExceeded)
		cancel()
		if timedOut {
			return nil, fmt.Errorf("no answer within %s", t.attemptTime)
		}
		return nil, err
	}
	resp.Body = &cancelBody{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

type cancelBody struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

// drainRequestBody buffers the body so every attempt can send it again.
func drainRequestBody(req *http.Request) ([]byte, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, nil
	}
	defer req.Body.Close()
	return io.ReadAll(req.Body)
}

// neverSent reports whether a transport error happened before any byte reached the server
// (the connection could not be opened), which makes even a create safe to retry.
func neverSent(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// connError says why no answer came: the host name did not resolve, the connection could
// not be opened (refused, unreachable), or it failed after it was opened.
func connError(err error) string {
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return fmt.Sprintf("could not resolve host %q: %s", dns.Name, dns.Err)
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" && op.Err != nil {
		reason := op.Err
		var sys *os.SyscallError
		if errors.As(reason, &sys) {
			reason = sys.Err // "connection refused", not "connect: connection refused"
		}
		if op.Addr != nil {
			return fmt.Sprintf("could not connect to %s: %s", op.Addr, reason)
		}
		return "could not connect: " + reason.Error()
	}
	return "connection failed: " + plainError(err)
}

// plainError returns the innermost message of a transport error without the request URL.
func plainError(err error) string {
	for {
		u := errors.Unwrap(err)
		if u == nil {
			break
		}
		var op *net.OpError
		if errors.As(err, &op) && op.Err != nil {
			return op.Op + ": " + op.Err.Error()
		}
		err = u
	}
	return err.Error()
}

// statusLine reads (and closes) the body of a failed response into "503 E0000009 summary".
func statusLine(resp *http.Response) string {
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if oe := parseOktaError(b); oe != nil {
		return fmt.Sprintf("%d %s", resp.StatusCode, oe.String())
	}
	return resp.Status
}

func (t *transport) backoff(attempt int) time.Duration {
	d := t.baseDelay * time.Duration(1<<min(attempt-1, 6))
	if d > 15*time.Second {
		d = 15 * time.Second
	}
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}

// resetWait is how long to wait after a 429: until X-Rate-Limit-Reset by the server's own
// clock (Date), so that a skewed local clock does not matter.
func (t *transport) resetWait(resp *http.Response, attempt int) time.Duration {
	reset, err1 := strconv.ParseInt(resp.Header.Get("X-Rate-Limit-Reset"), 10, 64)
	date, err2 := http.ParseTime(resp.Header.Get("Date"))
	if err1 != nil || err2 != nil {
		return t.backoff(attempt)
	}
	d := time.Unix(reset, 0).Sub(date)
	if d < 0 {
		d = 0
	}
	// Date and reset have one-second resolution: add a little so we land after the reset.
	return d + 250*time.Millisecond + time.Duration(rand.Int64N(int64(250*time.Millisecond)))
}

// observe records the rate-limit headers of a response, converting the reset time to the
// local clock with the response's Date header.
func (t *transport) observe(route string, resp *http.Response) {
	limit, err1 := strconv.Atoi(resp.Header.Get("X-Rate-Limit-Limit"))
	remaining, err2 := strconv.Atoi(resp.Header.Get("X-Rate-Limit-Remaining"))
	reset, err3 := strconv.ParseInt(resp.Header.Get("X-Rate-Limit-Reset"), 10, 64)
	if err1 != nil || err2 != nil || err3 != nil || limit <= 0 {
		return
	}
	skew := time.Duration(0)
	if date, err := http.ParseTime(resp.Header.Get("Date")); err == nil {
		skew = time.Until(date) // server ahead of us when positive
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buckets[route] = &bucket{limit: limit, remaining: remaining, reset: time.Unix(reset, 0).Add(-skew)}
}

// waitForBucket waits for the reset of route's bucket when sending now would eat into the
// share reserved for the org's users, and otherwise takes one request from it.
func (t *transport) waitForBucket(ctx context.Context, route, endpoint string, start time.Time) error {
	t.mu.Lock()
	b := t.buckets[route]
	var wait time.Duration
	var left, limit int
	if b != nil {
		floor := int(math.Floor(float64(b.limit) * t.reserve))
		left, limit = b.remaining, b.limit
		if until := time.Until(b.reset); b.remaining <= floor && until > 0 {
			wait = until + 100*time.Millisecond
		} else if until > 0 {
			b.remaining--
		}
	}
	t.mu.Unlock()
	if wait == 0 {
		return nil
	}
	if elapsed := time.Since(start); elapsed+wait > t.maxWait {
		return fmt.Errorf("%s: rate limit: %d of %d requests left until the reset in %s (%.0f%% is kept for the org's users), longer than the %s allowed to wait", endpoint, left, limit, wait.Round(time.Second), t.reserve*100, t.maxWait)
	}
	t.logf("tenant: %s: %d of %d requests left in the rate-limit bucket; waiting %s for its reset", endpoint, left, limit, wait.Round(time.Millisecond))
	if err := t.sleep(ctx, wait); err != nil {
		return fmt.Errorf("%s: %w", endpoint, err)
	}
	t.mu.Lock()
	if t.buckets[route] == b {
		delete(t.buckets, route) // unknown until the next response says otherwise
	}
	t.mu.Unlock()
	return nil
}

func (t *transport) sleep(ctx context.Context, d time.Duration) error {
	t.mu.Lock()
	t.stats.Waited += d
	t.mu.Unlock()
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (t *transport) count(route string, retry bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.stats.Calls++
	if retry {
		t.stats.Retries++
	}
	t.stats.ByEndpoint[route]++
}

// captureToken remembers the access token of a successful token response (so the Action
// can mask it) or a sanitised reason for a failed one (the SDK reports only "Empty access
// token"). The body is restored for the SDK.
func (t *transport) captureToken(resp *http.Response) {
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(b))
	if err != nil {
		return
	}
	var tok struct {
		AccessToken string `json:"access_token"`
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	_ = json.Unmarshal(b, &tok) // a body that is not JSON leaves both empty, reported below
	t.mu.Lock()
	defer t.mu.Unlock()
	if resp.StatusCode < 300 && tok.AccessToken != "" {
		t.token, t.tokenErr = tok.AccessToken, ""
		return
	}
	msg := resp.Status
	if tok.Error != "" {
		msg += " " + tok.Error
	}
	if tok.Description != "" {
		msg += ": " + tok.Description
	}
	t.tokenErr = msg
}

func (t *transport) snapshot() Stats {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := t.stats
	s.ByEndpoint = make(map[string]int, len(t.stats.ByEndpoint))
	for k, v := range t.stats.ByEndpoint {
		s.ByEndpoint[k] = v
	}
	return s
}
