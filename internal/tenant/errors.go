package tenant

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/okta/okta-sdk-golang/v6/okta"
)

// oktaError is Okta's error envelope.
type oktaError struct {
	ErrorCode    string `json:"errorCode"`
	ErrorSummary string `json:"errorSummary"`
	ErrorID      string `json:"errorId"`
	ErrorCauses  []struct {
		ErrorSummary string `json:"errorSummary"`
	} `json:"errorCauses"`
}

// parseOktaError decodes an error body; nil when it is not Okta's envelope.
func parseOktaError(b []byte) *oktaError {
	var e oktaError
	if json.Unmarshal(b, &e) != nil || (e.ErrorCode == "" && e.ErrorSummary == "") {
		return nil
	}
	return &e
}

// String renders "E0000001 Api validation failed: gateways (gateways: invalid CIDR)".
func (e *oktaError) String() string {
	s := strings.TrimSpace(e.ErrorCode + " " + e.ErrorSummary)
	var causes []string
	for _, c := range e.ErrorCauses {
		if c.ErrorSummary != "" {
			causes = append(causes, c.ErrorSummary)
		}
	}
	if len(causes) > 0 {
		s += " (" + strings.Join(causes, "; ") + ")"
	}
	return s
}

// APIError is a failed call: which call, what Okta answered.
type APIError struct {
	// Endpoint is the method and path, e.g. "POST /api/v1/zones".
	Endpoint string
	// Status is the HTTP status (0 when no answer was received).
	Status int
	// Code, Summary and Causes come from Okta's error body.
	Code    string
	Summary string
	Causes  []string
	// Detail is the reason when there is no Okta error body (e.g. a transport failure).
	Detail string
}

func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString(e.Endpoint)
	b.WriteString(": ")
	if e.Status != 0 {
		fmt.Fprintf(&b, "%d ", e.Status)
	}
	if e.Code != "" || e.Summary != "" {
		b.WriteString(strings.TrimSpace(e.Code + " " + e.Summary))
		if len(e.Causes) > 0 {
			b.WriteString(" (" + strings.Join(e.Causes, "; ") + ")")
		}
	} else {
		b.WriteString(e.Detail)
	}
	return strings.TrimSpace(b.String())
}

// IsNotFound reports whether err is a 404 from Okta.
func IsNotFound(err error) bool {
	var e *APIError
	return errors.As(err, &e) && e.Status == http.StatusNotFound
}

// sdkCall is one typed SDK call; it gets a context carrying the call record.
type sdkCall func(ctx context.Context) (*okta.APIResponse, error)

// result is the raw answer of a successful call, decoded by the caller: the SDK's models
// are stricter than what the API returns (see wire.go), so bodies are read as JSON.
type result struct {
	endpoint string // "GET /api/v1/zones", for errors about the answer
	body     []byte
	header   http.Header
	status   int
}

// call runs fn and turns whatever went wrong into an error that names the endpoint and
// carries Okta's errorSummary and errorCauses. A 2xx answer that the SDK failed to decode
// into its model is a success: the body is returned for our own decoding.
func (c *Client) call(ctx context.Context, fn sdkCall) (result, error) {
	select {
	case c.slots <- struct{}{}:
		defer func() { <-c.slots }()
	case <-ctx.Done():
		return result{}, ctx.Err()
	}
	rec := &callRecord{}
	resp, err := fn(context.WithValue(ctx, callRecordKey{}, rec))
	endpoint, terr := rec.get()
	var tooLarge *bodyTooLargeError
	if errors.As(terr, &tooLarge) {
		return result{}, tooLarge // the SDK saw a cut body; say why rather than "bad JSON"
	}
	if resp != nil && resp.Response != nil {
		if endpoint == "" && resp.Request != nil {
			endpoint = resp.Request.Method + " " + resp.Request.URL.Path
		}
		body := responseBody(resp, err)
		if resp.StatusCode < 300 {
			if err != nil {
				c.logf("tenant: %s: the SDK model did not decode the answer (%s); using the JSON body", endpoint, c.redact(err.Error()))
			}
			return result{endpoint: endpoint, body: body, header: resp.Header, status: resp.StatusCode}, nil
		}
		return result{}, c.apiError(endpoint, resp.StatusCode, body, resp.Status)
	}
	if terr != nil {
		return result{}, errors.New(c.redact(terr.Error()))
	}
	if err == nil {
		return result{}, &APIError{Endpoint: endpoint, Detail: "no response"}
	}
	msg := err.Error()
	if c.tr != nil {
		if te := c.tokenError(); te != "" {
			// The SDK fetches tokens outside our call record and reports only "Empty
			// access token"; the transport kept the token endpoint's own answer.
			msg = "OAuth token request failed: " + te
			if strings.Contains(te, "invalid_scope") {
				msg += " (grant the scope to the service app under Okta API Scopes; this run requested: " + strings.Join(c.scopesInUse(), " ") + ")"
			}
			if endpoint == "" {
				endpoint = "POST /oauth2/v1/token"
			}
		}
	}
	if endpoint == "" {
		endpoint = "request"
	}
	return result{}, &APIError{Endpoint: endpoint, Detail: c.redact(msg)}
}

// responseBody returns the body of an answer: the SDK keeps it in the error for failures
// and restores resp.Body after reading it.
func responseBody(resp *okta.APIResponse, err error) []byte {
	var ge *okta.GenericOpenAPIError
	if errors.As(err, &ge) && len(ge.Body()) > 0 {
		return ge.Body()
	}
	if resp.Body == nil {
		return nil
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body = io.NopCloser(bytes.NewReader(b))
	return b
}

func (c *Client) apiError(endpoint string, status int, body []byte, statusText string) error {
	e := &APIError{Endpoint: endpoint, Status: status}
	if oe := parseOktaError(body); oe != nil {
		e.Code, e.Summary = oe.ErrorCode, c.redact(oe.ErrorSummary)
		for _, cause := range oe.ErrorCauses {
			if cause.ErrorSummary != "" {
				e.Causes = append(e.Causes, c.redact(cause.ErrorSummary))
			}
		}
	} else {
		e.Detail = strings.TrimSpace(strings.TrimPrefix(statusText, fmt.Sprint(status)))
	}
	if status == http.StatusUnauthorized {
		e.Detail += " (check the API token or the OAuth client and key)"
		if e.Code != "" {
			e.Causes = append(e.Causes, "check the API token or the OAuth client and key")
		}
	}
	if status == http.StatusForbidden && c.cfg.oauthMode() {
		e.Causes = append(e.Causes, "the OAuth client may lack a scope or admin role; it requested: "+strings.Join(c.scopesInUse(), " "))
	}
	return e
}

func (c *Client) tokenError() string {
	c.tr.mu.Lock()
	defer c.tr.mu.Unlock()
	return c.tr.tokenErr
}

// redact removes every secret of the configuration from s.
func (c *Client) redact(s string) string {
	for _, secret := range c.secrets() {
		if len(secret) >= 4 {
			s = strings.ReplaceAll(s, secret, "[REDACTED]")
		}
	}
	return s
}

func (c *Client) secrets() []string {
	out := []string{c.cfg.APIToken, c.cfg.PrivateKey}
	if c.tr != nil {
		c.tr.mu.Lock()
		out = append(out, c.tr.token)
		c.tr.mu.Unlock()
	}
	return out
}
