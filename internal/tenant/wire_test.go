package tenant

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/itpsync/itpsync/internal/itp"
)

// The fixtures are API answers in the shapes Okta really sends (nulls, a-a ranges,
// reordered locations, V2 empty lists, conditions:null, numeric workflow ids).
func TestWireZonesNormalise(t *testing.T) {
	b, err := os.ReadFile("testdata/zones.json")
	if err != nil {
		t.Fatal(err)
	}
	var ws []wireZone
	if err := json.Unmarshal(b, &ws); err != nil {
		t.Fatal(err)
	}
	var got []itp.Zone
	for _, w := range ws {
		z, err := w.zone()
		if err != nil {
			t.Fatal(err)
		}
		z.Meta = itp.Meta{}
		got = append(got, z)
	}
	want := []itp.Zone{
		{Key: "blockedipzone", Name: "BlockedIpZone", Type: "IP", Status: "ACTIVE", Usage: "BLOCKLIST"},
		{Key: "mixed", Name: "Mixed", Type: "IP", Status: "ACTIVE", Usage: "POLICY", Gateways: []string{"1.2.3.4/24", "192.168.1.1"}},
		{Key: "geo", Name: "Geo", Type: "DYNAMIC", Status: "INACTIVE", Usage: "POLICY", DynamicLocations: []string{"AF-BGL", "US"}},
		{Key: "tor", Name: "Tor", Type: "DYNAMIC", Status: "ACTIVE", Usage: "BLOCKLIST", DynamicProxyType: "TorAnonymizer"},
		{Key: "v2", Name: "V2", Type: "DYNAMIC_V2", Status: "ACTIVE", Usage: "POLICY", DynamicLocationsExclude: []string{"BE-VAN"}, IPServiceCategoriesInclude: []string{"ALL_IP_SERVICES"}},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("zones (-want +got):\n%s", d)
	}
}

func TestWireRulesNormalise(t *testing.T) {
	b, err := os.ReadFile("testdata/rules.json")
	if err != nil {
		t.Fatal(err)
	}
	var ws []wireRule
	if err := json.Unmarshal(b, &ws); err != nil {
		t.Fatal(err)
	}
	if len(ws) != 2 || ws[0].catchAll() || !ws[1].catchAll() {
		t.Fatalf("catch-all detection wrong: %+v", ws)
	}
	got := ws[0].entityRiskRule()
	got.Normalize()
	want := itp.EntityRiskRule{Key: "high", Meta: itp.Meta{ID: "rulTESThighrisk001d7"}, Name: "High", RiskLevel: "HIGH", Priority: 1, Status: "ACTIVE",
		TerminateAllSessions: true, WorkflowID: "123", UsersExcluded: []string{"00uTESTuser0000001d7"}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("rule (-want +got):\n%s", d)
	}
}

func TestConfigValidation(t *testing.T) {
	cases := []struct {
		name string
		cfg  Config
		want string // substring of the error, "" for success
	}{
		{"no org", Config{APIToken: "x"}, "--org-url/OKTA_ORG_URL"},
		{"no credentials", Config{OrgURL: "https://acme.okta.com"}, "--api-token/OKTA_API_TOKEN"},
		{"key without client", Config{OrgURL: "https://acme.okta.com", PrivateKey: "k"}, "--client-id/OKTA_CLIENT_ID"},
		{"client without key", Config{OrgURL: "https://acme.okta.com", ClientID: "0oa"}, "--private-key/OKTA_PRIVATE_KEY"},
		{"http remote", Config{OrgURL: "http://acme.okta.com", APIToken: "x"}, "http is only allowed for loopback hosts"},
		{"path", Config{OrgURL: "https://acme.okta.com/admin", APIToken: "x"}, "give only the scheme and host"},
		{"http loopback", Config{OrgURL: "http://127.0.0.1:8080", APIToken: "x"}, ""},
		{"http localhost", Config{OrgURL: "http://localhost:8080", APIToken: "x"}, ""},
		{"https", Config{OrgURL: "https://acme.okta.com/", APIToken: "x"}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.cfg)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("err = %v", err)
			case tc.want != "" && (err == nil || !contains(err.Error(), tc.want)):
				t.Errorf("err = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// TestPagerStopsAtMaxPages: a server that keeps sending new cursors is followed for
// maxPages-1 further pages, then refused.
func TestPagerStopsAtMaxPages(t *testing.T) {
	var p pager
	for i := 1; i <= maxPages; i++ {
		r := result{endpoint: "GET /api/v1/zones", header: http.Header{"Link": {fmt.Sprintf(`<https://x/api/v1/zones?after=c%d>; rel="next"`, i)}}}
		after, err := p.next(r)
		if i < maxPages {
			if err != nil || after != fmt.Sprintf("c%d", i) {
				t.Fatalf("page %d: next = %q, %v; want cursor c%d", i, after, err, i)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("more than %d pages", maxPages)) {
			t.Fatalf("page %d: next = %q, %v; want the page limit error", i, after, err)
		}
	}
}
