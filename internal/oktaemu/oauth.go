package oktaemu

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"slices"
	"strings"
	"time"
)

const assertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// oauthError is the OAuth 2.0 error body (not Okta's E-code envelope).
func oauthError(status int, code, desc string) reply {
	return reply{status: status, body: obj{{"error", code}, {"error_description", desc}}}
}

// token implements the client credentials grant with a private_key_jwt client assertion.
// It issues plain Bearer tokens and never asks for DPoP.
func (s *Server) token(c *call) reply {
	if s.opts.OAuth == nil {
		return oauthError(http.StatusUnauthorized, "invalid_client", "No client is configured for OAuth 2.0.")
	}
	if err := c.r.ParseForm(); err != nil {
		return oauthError(http.StatusBadRequest, "invalid_request", "The request body is not a valid form.")
	}
	f := c.r.PostForm
	if f.Get("grant_type") != "client_credentials" {
		return oauthError(http.StatusBadRequest, "unsupported_grant_type", "The authorization grant type is not supported by the authorization server.")
	}
	if f.Get("client_assertion_type") != assertionType || f.Get("client_assertion") == "" {
		return oauthError(http.StatusUnauthorized, "invalid_client", "A client_assertion of type jwt-bearer is required.")
	}
	if err := s.verifyAssertion(f.Get("client_assertion")); err != nil {
		return oauthError(http.StatusUnauthorized, "invalid_client", "The client_assertion is invalid: "+err.Error()+".")
	}
	scopes := strings.Fields(f.Get("scope"))
	if len(scopes) == 0 {
		return oauthError(http.StatusBadRequest, "invalid_scope", "The authorization server requires at least one scope.")
	}
	for _, sc := range scopes {
		if !slices.Contains(s.opts.OAuth.Scopes, sc) {
			return oauthError(http.StatusBadRequest, "invalid_scope", fmt.Sprintf("The requested scope is invalid, unknown, or malformed: %s.", sc))
		}
	}
	// Access tokens come from crypto/rand: unlike ids they must not be guessable.
	tok := rand.Text() + rand.Text()
	s.ctl.Lock()
	s.tokens[tok] = grant{scopes: scopes, expires: s.now().Add(time.Hour)}
	s.ctl.Unlock()
	return ok(obj{{"token_type", "Bearer"}, {"expires_in", 3600}, {"access_token", tok}, {"scope", strings.Join(scopes, " ")}})
}

// verifyAssertion checks the JWT's signature against the client's public key (RS256 or
// ES256) and its iss, sub, aud and exp claims. Errors never quote the assertion.
func (s *Server) verifyAssertion(jwt string) error {
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		return fmt.Errorf("not a signed JWT")
	}
	var hdr struct {
		Alg string `json:"alg"`
		Kid string `json:"kid"`
	}
	if err := decodeSegment(parts[0], &hdr); err != nil {
		return fmt.Errorf("bad header")
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return fmt.Errorf("bad signature encoding")
	}
	cl := s.opts.OAuth
	if cl.KeyID != "" && hdr.Kid != "" && hdr.Kid != cl.KeyID {
		return fmt.Errorf("unknown key id")
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	switch key := cl.PublicKey.(type) {
	case *rsa.PublicKey:
		if hdr.Alg != "RS256" {
			return fmt.Errorf("algorithm %q does not match the RSA key", hdr.Alg)
		}
		if rsa.VerifyPKCS1v15(key, crypto.SHA256, digest[:], sig) != nil {
			return fmt.Errorf("signature does not verify")
		}
	case *ecdsa.PublicKey:
		if hdr.Alg != "ES256" || len(sig) != 64 {
			return fmt.Errorf("algorithm %q does not match the EC key", hdr.Alg)
		}
		r, sv := new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])
		if !ecdsa.Verify(key, digest[:], r, sv) {
			return fmt.Errorf("signature does not verify")
		}
	default:
		return fmt.Errorf("the client has no supported public key")
	}
	var claims struct {
		Iss string          `json:"iss"`
		Sub string          `json:"sub"`
		Aud json.RawMessage `json:"aud"`
		Exp json.Number     `json:"exp"`
	}
	if err := decodeSegment(parts[1], &claims); err != nil {
		return fmt.Errorf("bad claims")
	}
	if claims.Iss != cl.ClientID || claims.Sub != cl.ClientID {
		return fmt.Errorf("iss and sub must be the client id")
	}
	var auds []string
	var one string
	if json.Unmarshal(claims.Aud, &one) == nil {
		auds = []string{one}
	} else if json.Unmarshal(claims.Aud, &auds) != nil {
		return fmt.Errorf("bad aud claim")
	}
	if !slices.ContainsFunc(auds, func(a string) bool { return strings.HasSuffix(a, "/oauth2/v1/token") }) {
		return fmt.Errorf("aud must be the token endpoint")
	}
	exp, err := claims.Exp.Int64()
	if err != nil || !s.now().Before(time.Unix(exp, 0)) {
		return fmt.Errorf("the assertion has expired")
	}
	return nil
}

func decodeSegment(seg string, v any) error {
	data, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		return err
	}
	return json.Unmarshal(data, v)
}
