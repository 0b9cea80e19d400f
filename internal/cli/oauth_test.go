package cli

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/itpsync/itpsync/internal/oktaemu"
	"github.com/itpsync/itpsync/internal/tenant"
)

// TestOAuthPrivateKeyFile runs plan and apply with OAuth credentials, the key read from
// --private-key-file and from OKTA_PRIVATE_KEY, and checks that the key never shows.
func TestOAuthPrivateKeyFile(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	keyPEM := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	keyFile := filepath.Join(t.TempDir(), "key.pem")
	writeTestFile(t, filepath.Dir(keyFile), "key.pem", keyPEM)

	emu := oktaemu.New(oktaemu.Options{OAuth: &oktaemu.OAuthClient{
		ClientID: "0oaITPSYNC", PublicKey: &key.PublicKey, KeyID: "kid1", Scopes: tenant.ScopesFor(true)}})
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	o := &emuOrg{t: t, emu: emu, url: srv.URL, env: map[string]string{"OKTA_ORG_URL": srv.URL, "OKTA_CLIENT_ID": "0oaITPSYNC", "OKTA_PRIVATE_KEY_ID": "kid1"}}

	o.must(ExitChanges, "plan", seedPolicies, "--environment", "demo", "--private-key-file", keyFile, "--detailed-exitcode")
	o.env["OKTA_PRIVATE_KEY"] = keyPEM
	o.must(ExitOK, "apply", seedPolicies, "--environment", "demo", "--auto-approve")
	o.must(ExitOK, "plan", seedPolicies, "--environment", "demo", "--detailed-exitcode")
	_, errb := o.must(ExitError, "plan", seedPolicies, "--environment", "demo", "--private-key-file", keyFile)
	wantAll(t, "both key sources", errb, "use one")

	if n := emu.Requests().ByRoute["POST /oauth2/v1/token"]; n == 0 {
		t.Errorf("no OAuth token request: %v", emu.Requests().ByRoute)
	}
	body := strings.Split(keyPEM, "\n")[1]
	if strings.Contains(o.all.String(), body[:40]) {
		t.Errorf("the private key appears in the output:\n%s", o.all.String())
	}
}
