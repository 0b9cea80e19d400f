package oktaemu_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"

	"github.com/itpsync/itpsync/internal/oktaemu"
)

// Example serves an emulated org over HTTP. A client that, like the Okta SDK, forgets the
// port of the org URL reaches it through RoutingTransport.
func Example() {
	emu := oktaemu.New(oktaemu.Options{Token: "secret"})
	ts := httptest.NewServer(emu)
	defer ts.Close()
	u, _ := url.Parse(ts.URL)
	client := &http.Client{Transport: oktaemu.RoutingTransport(u.Host, nil)}

	req, _ := http.NewRequest("GET", "http://my-org.example/api/v1/policies?type=SESSION_VIOLATION_DETECTION", nil)
	req.Header.Set("Authorization", "SSWS secret")
	resp, err := client.Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	fmt.Println(resp.StatusCode, len(resp.Header.Values("Link")))
	fmt.Println(emu.Requests().ByRoute["GET /api/v1/policies"])
	// Output:
	// 200 1
	// 1
}
