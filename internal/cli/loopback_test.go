package cli

import (
	"net/http"
	"testing"
)

// roundTripFunc records the request a transport would send.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestLoopbackClient(t *testing.T) {
	for _, u := range []string{"https://acme.okta.com", "https://acme.okta.com:8443", "http://127.0.0.1", "not a url"} {
		if loopbackClient(u) != nil {
			t.Errorf("loopbackClient(%q) re-routes; want nil", u)
		}
	}
	hc := loopbackClient("http://127.0.0.1:8081")
	if hc == nil {
		t.Fatal("loopbackClient(127.0.0.1:8081) = nil")
	}
	rt := hc.Transport.(loopbackRoute)
	var got []string
	rt.base = roundTripFunc(func(r *http.Request) (*http.Response, error) {
		got = append(got, r.URL.Host)
		return &http.Response{StatusCode: 200, Body: http.NoBody}, nil
	})
	for _, u := range []string{"http://127.0.0.1/api/v1/zones", "http://127.0.0.1:8081/api/v1/zones", "https://elsewhere.example.com/x"} {
		req, _ := http.NewRequest("GET", u, nil)
		if _, err := rt.RoundTrip(req); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{"127.0.0.1:8081", "127.0.0.1:8081", "elsewhere.example.com"}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("request %d went to %q, want %q", i, got[i], want[i])
		}
	}
}
