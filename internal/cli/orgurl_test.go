package cli

import (
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/itpsync/itpsync/internal/oktaemu"
)

// TestCheckOrgURL covers the org URLs a user can get wrong, and the look-alikes of a
// loopback address that must not be allowed plain http.
func TestCheckOrgURL(t *testing.T) {
	tests := []struct {
		raw       string
		url       string // the URL given to the tenant client, when accepted
		routeHost string // the host the loopback route re-routes, if any
		routeAddr string
		err       string
	}{
		{raw: "https://acme.okta.com", url: "https://acme.okta.com"},
		{raw: " https://acme.okta.com/ ", url: "https://acme.okta.com/"},
		{raw: "HTTPS://ACME.okta.com", url: "HTTPS://ACME.okta.com"},
		{raw: "https://acme.okta.com:443", url: "https://acme.okta.com:443"},
		{raw: "http://127.0.0.1", url: "http://127.0.0.1"},
		{raw: "http://127.0.0.1:8080", url: "http://127.0.0.1:8080", routeHost: "127.0.0.1", routeAddr: "127.0.0.1:8080"},
		{raw: "HTTP://LOCALHOST:8080", url: "HTTP://LOCALHOST:8080", routeHost: "LOCALHOST", routeAddr: "LOCALHOST:8080"},
		{raw: "http://127.9.9.9:1", url: "http://127.9.9.9:1", routeHost: "127.9.9.9", routeAddr: "127.9.9.9:1"},
		{raw: "http://[::1]:8080", url: "http://localhost:8080", routeHost: "localhost", routeAddr: "[::1]:8080"},
		{raw: "http://127.0.0.1.evil.com", err: "insecure Okta org URL"},
		{raw: "http://localhost.evil.com", err: "insecure Okta org URL"},
		{raw: "http://evil.com#@127.0.0.1", err: "give only the scheme and host"},
		{raw: "http://0.0.0.0:8080", err: "insecure Okta org URL"},
		{raw: "http://127.1:8080", err: "insecure Okta org URL"},
		{raw: "http://10.0.0.1", err: "insecure Okta org URL"},
		{raw: "https://acme.okta.com:8443", err: `remove ":8443"`},
		{raw: "http://127.0.0.1:99999", err: `port "99999" is out of range`},
		{raw: "https://acme.okta.com/api/v1", err: "give only the scheme and host, e.g. https://acme.okta.com"},
		{raw: "https://acme.okta.com?x=1", err: "give only the scheme and host"},
		{raw: "https://admin@acme.okta.com", err: "give only the scheme and host"},
		{raw: "https://admin:SECRETpassword@acme.okta.com", err: "https://admin:xxxxx@acme.okta.com"},
		{raw: "https://admin:SECRET password@acme.okta.com", err: "…@acme.okta.com"},
		{raw: "acme.okta.com", err: "want https://<your-org>.okta.com"},
		{raw: "ftp://acme.okta.com", err: "want https://<your-org>.okta.com"},
		{raw: "https://", err: "want https://<your-org>.okta.com"},
		{raw: "https://%zz", err: "want https://<your-org>.okta.com"},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			got, route, err := checkOrgURL(tt.raw)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("checkOrgURL(%q) = %q, %v; want an error containing %q", tt.raw, got, err, tt.err)
				}
				if strings.Contains(err.Error(), "SECRET") {
					t.Errorf("the error shows the password: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("checkOrgURL(%q): %v", tt.raw, err)
			}
			var host, addr string
			if route != nil {
				host, addr = route.host, route.addr
			}
			if diff := cmp.Diff([]string{tt.url, tt.routeHost, tt.routeAddr}, []string{got, host, addr}); diff != "" {
				t.Errorf("checkOrgURL(%q) (-want +got):\n%s", tt.raw, diff)
			}
		})
	}
}

// TestIPv6LoopbackEmulator runs a plan against an emulator listening on [::1], which the
// Okta SDK could not reach before (it drops the brackets with the port).
func TestIPv6LoopbackEmulator(t *testing.T) {
	ln, err := net.Listen("tcp", "[::1]:0")
	if err != nil {
		t.Skipf("no IPv6 loopback here: %v", err)
	}
	srv := &http.Server{Handler: oktaemu.New(oktaemu.Options{Token: orgTestToken})}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	o := newEmuOrg(t)
	o.env["OKTA_ORG_URL"] = "http://" + ln.Addr().String()
	out, _ := o.must(ExitOK, "plan", seedPolicies, "--environment", "demo")
	wantAll(t, "plan", out, "to add")
}
