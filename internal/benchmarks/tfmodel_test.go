package benchmarks

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"

	"github.com/itpsync/itpsync/internal/oktaemu"
)

// terraformParallelism is Terraform's default -parallelism: at most ten graph nodes are
// walked at once.
const terraformParallelism = 10

// tfReader models what `terraform plan` (refresh included) asks of Okta for the same org
// managed by the Okta provider (okta-api.md §2.6, §4–§8):
//
//   - data sources okta_entity_risk_policy (list policies), okta_post_auth_session_policy
//     and okta_session_violation_policy (list policies, then list rules);
//   - one GET per managed resource: GET /api/v1/zones/{id} per zone, GET rule per entity
//     risk rule and for the two pre-provisioned rules, GET provider per provider, GET
//     /api/v1/users/{id}/risk per user risk.
//
// Each node's calls are sequential; at most terraformParallelism nodes run at once, and a
// rule is read only after the data source its policy_id comes from. It is a model of the
// provider, not product code: provider configuration calls and Terraform's own CPU time
// are not modelled.
type tfReader struct {
	base   string // http://host of the org
	client *http.Client
}

func newTFReader(o *benchOrg) *tfReader {
	// The provider's HTTP client (go-retryablehttp on a pooled transport) keeps
	// connections alive for its concurrent requests.
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = terraformParallelism
	return &tfReader{
		base:   o.srv.URL,
		client: &http.Client{Transport: oktaemu.RoutingTransport(o.srv.Listener.Addr().String(), tr)},
	}
}

// get sends one authenticated GET and decodes the JSON answer, as the provider's SDK does.
func (r *tfReader) get(ctx context.Context, path string) (any, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.base+path, nil)
	if err != nil {
		return nil, fmt.Errorf("build GET %s: %w", path, err)
	}
	req.Header.Set("Authorization", "SSWS "+benchToken)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Content-Type", "application/json")
	resp, err := r.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("read GET %s: %w", path, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: status %d: %.200s", path, resp.StatusCode, body)
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return nil, fmt.Errorf("decode GET %s: %w", path, err)
	}
	return v, nil
}

// policyDataSource is okta_*_policy: list the policies of typ, take the first; with
// withRule also list its rules and take the first one whose priority is not 99.
func (r *tfReader) policyDataSource(ctx context.Context, typ string, withRule bool) error {
	v, err := r.get(ctx, "/api/v1/policies?type="+typ)
	if err != nil {
		return err
	}
	list, _ := v.([]any)
	if len(list) == 0 {
		return fmt.Errorf("data source %s: no policy", typ)
	}
	p, _ := list[0].(map[string]any)
	id, _ := p["id"].(string)
	if !withRule {
		return nil
	}
	v, err = r.get(ctx, "/api/v1/policies/"+id+"/rules")
	if err != nil {
		return err
	}
	for _, e := range asList(v) {
		if rule, ok := e.(map[string]any); ok && rule["priority"] != float64(99) {
			return nil
		}
	}
	return fmt.Errorf("data source %s: no modifiable rule", typ)
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

// refresh walks the whole configuration once and returns the first error.
func (r *tfReader) refresh(ctx context.Context, st tfState) error {
	sem := make(chan struct{}, terraformParallelism)
	var (
		wg      sync.WaitGroup
		errOnce sync.Once
		first   error
	)
	// node runs f as one graph node once the nodes it depends on are done.
	node := func(f func() error, deps ...<-chan struct{}) <-chan struct{} {
		done := make(chan struct{})
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(done)
			for _, d := range deps {
				<-d
			}
			sem <- struct{}{}
			defer func() { <-sem }()
			if err := f(); err != nil {
				errOnce.Do(func() { first = err })
			}
		}()
		return done
	}
	er := node(func() error { return r.policyDataSource(ctx, "ENTITY_RISK", false) })
	pa := node(func() error { return r.policyDataSource(ctx, "POST_AUTH_SESSION", true) })
	sv := node(func() error { return r.policyDataSource(ctx, "SESSION_VIOLATION_DETECTION", true) })
	getNode := func(path string, deps ...<-chan struct{}) {
		node(func() error { _, err := r.get(ctx, path); return err }, deps...)
	}
	for _, id := range st.ZoneIDs {
		getNode("/api/v1/zones/" + id)
	}
	for _, id := range st.RuleIDs {
		getNode("/api/v1/policies/"+st.ERPolicy+"/rules/"+id, er)
	}
	getNode("/api/v1/policies/"+st.PAPolicy+"/rules/"+st.PARule, pa)
	getNode("/api/v1/policies/"+st.SVPolicy+"/rules/"+st.SVRule, sv)
	for _, id := range st.ProviderIDs {
		getNode("/api/v1/security-events-providers/" + id)
	}
	for _, id := range st.UserIDs {
		getNode("/api/v1/users/" + id + "/risk")
	}
	wg.Wait()
	return first
}

// tfListCalls is the number of data-source calls of one refresh: one for the entity risk
// policy, two each for the post-auth and session violation policies.
const tfListCalls = 1 + 2 + 2
