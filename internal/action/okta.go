package action

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/itpsync/itpsync/internal/engine"
	"github.com/itpsync/itpsync/internal/tenant"
)

// errNoOktaCredentials is the error of a run that needs the org and has no credentials.
var errNoOktaCredentials = errors.New("missing Okta credentials: set the okta_api_token input, or okta_client_id with okta_private_key " +
	"(from repository or environment secrets); pull requests from forks get no secrets and are only validated")

// oktaOrg is the org client of a run, with what the action needs beyond engine.Org.
type oktaOrg struct {
	*tenant.Client
	x *run
}

// connect builds the Okta client from the inputs. The org URL is checked against the
// environment's org_url (check) before the client exists, so no API call can reach the
// wrong org. It makes no request itself.
func (x *run) connect(check func(orgURL string) error) (*oktaOrg, error) {
	if !x.in.hasOktaCredentials() {
		return nil, errNoOktaCredentials
	}
	if x.in.OktaOrgURL == "" {
		return nil, errors.New("input \"okta_org_url\" is empty: set it to your org's URL, e.g. https://acme.okta.com")
	}
	if check != nil {
		if err := check(x.in.OktaOrgURL); err != nil {
			return nil, err
		}
	}
	c, err := tenant.New(tenant.Config{
		OrgURL:       x.in.OktaOrgURL,
		APIToken:     x.in.OktaAPIToken,
		ClientID:     x.in.OktaClientID,
		PrivateKey:   x.in.OktaPrivateKey,
		PrivateKeyID: x.in.OktaPrivateKeyID,
		HTTPClient:   x.oktaHTTPClient(),
		Logf:         func(format string, args ...any) { x.logf(format, args...) },
	})
	if err != nil {
		return nil, fmt.Errorf("connect to Okta: %w", err)
	}
	return &oktaOrg{Client: c, x: x}, nil
}

// maskToken masks the OAuth access token the client holds, if any. Call it after the first
// request and again after the first write (which gets a token with the manage scopes).
func (o *oktaOrg) maskToken() {
	if tok := o.AccessToken(); tok != "" {
		o.x.mask(tok)
	}
}

var _ engine.Org = (*oktaOrg)(nil)

// oktaHTTPClient is Env.HTTPClient (or a default one) whose transport masks every OAuth
// access token the moment Okta hands it out, before any code could print it.
func (x *run) oktaHTTPClient() *http.Client {
	hc := &http.Client{}
	base := http.DefaultTransport
	if x.env.HTTPClient != nil {
		*hc = *x.env.HTTPClient
		if x.env.HTTPClient.Transport != nil {
			base = x.env.HTTPClient.Transport
		}
	}
	hc.Transport = tokenMasker{base: base, mask: x.mask}
	return hc
}

// tokenMasker masks the access_token of token endpoint responses.
type tokenMasker struct {
	base http.RoundTripper
	mask func(string)
}

func (t tokenMasker) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(req)
	if err != nil || resp == nil || resp.Body == nil || !strings.HasSuffix(req.URL.Path, "/v1/token") {
		return resp, err
	}
	body, rerr := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if rerr != nil {
		return resp, nil // the reader above sees the short body and reports it
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if json.Unmarshal(body, &tok) == nil && tok.AccessToken != "" {
		t.mask(tok.AccessToken)
	}
	return resp, nil
}
