package oktaemu

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

// BenchmarkRequests measures in-process requests per second against an org of 1,000 zones.
func BenchmarkRequests(b *testing.B) {
	s := New(Options{Token: testToken, RateLimits: map[string]int{"zones": 1 << 30}})
	var id string
	s.Seed(func(o *Org) {
		for i := 0; i < 1000; i++ {
			zid, err := o.AddZone([]byte(fmt.Sprintf(`{"name":"zone %d","type":"IP","gateways":[{"type":"CIDR","value":"10.%d.%d.0/24"}]}`, i, i/256, i%256)))
			if err != nil {
				b.Fatal(err)
			}
			id = zid
		}
	})
	client := s.Client()
	do := func(b *testing.B, method, url, body string) {
		var rd io.Reader
		if body != "" {
			rd = strings.NewReader(body)
		}
		req, err := http.NewRequest(method, url, rd)
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("Authorization", "SSWS "+testToken)
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("%s %s = %d", method, url, resp.StatusCode)
		}
	}
	b.Run("GET zones page of 200", func(b *testing.B) {
		for b.Loop() {
			do(b, "GET", "http://emulator.test/api/v1/zones?limit=200", "")
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	})
	b.Run("PUT zone", func(b *testing.B) {
		body := `{"name":"renamed","type":"IP","status":"INACTIVE","gateways":[{"type":"RANGE","value":"10.9.9.9"},{"type":"CIDR","value":"10.8.0.0/16"}]}`
		for b.Loop() {
			do(b, "PUT", "http://emulator.test/api/v1/zones/"+id, body)
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	})
}
