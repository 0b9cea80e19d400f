package tenant

import (
	"strings"
	"testing"
)

// An org URL is refused without echoing a password written into it, and a remote org on a
// port other than 443 is refused rather than silently sent to 443 (the SDK drops ports).
func TestParseOrgURLRefusalsAreSafe(t *testing.T) {
	tests := []struct{ raw, wantIn, secret string }{
		{"https://user:hunter2-secret@acme.okta.com", "give only the scheme and host", "hunter2-secret"},
		{"https://user:hunter2-secret@acme.okta.com/x", "give only the scheme and host", "hunter2-secret"},
		{"https://acme.okta.com:8443", "served on port 443", ""},
		{"http://acme.okta.com", "http is only allowed for loopback", ""},
	}
	for _, tt := range tests {
		_, err := parseOrgURL(tt.raw)
		if err == nil {
			t.Errorf("parseOrgURL(%q) accepted", tt.raw)
			continue
		}
		if !strings.Contains(err.Error(), tt.wantIn) {
			t.Errorf("parseOrgURL(%q) = %v, want it to say %q", tt.raw, err, tt.wantIn)
		}
		if tt.secret != "" && strings.Contains(err.Error(), tt.secret) {
			t.Errorf("parseOrgURL(%q) echoes the password: %v", tt.raw, err)
		}
	}
	for _, ok := range []string{"https://acme.okta.com", "https://acme.okta.com:443/", "http://127.0.0.1:8080", "http://[::1]:9000", "http://localhost"} {
		if _, err := parseOrgURL(ok); err != nil {
			t.Errorf("parseOrgURL(%q) = %v, want accepted", ok, err)
		}
	}
}
