package tenant

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"strings"

	"github.com/itpsync/itpsync/internal/itp"
)

// The SDK's response models are stricter than what the API returns, so answers are decoded
// here from JSON instead:
//   - zones and rules are oneOf wrappers that fail on shapes the server really sends
//     (DYNAMIC locations:null, V2 asns objects, rules with conditions:null);
//   - EntityRiskScorePolicyRuleCondition requires "level", and the catch-all rule has none;
//   - workflow ids are int32 in the SDK but the provider writes and reads strings;
//   - the user risk answer is a oneOf on riskLevel (NONE has no reason).
// Requests still go through the typed SDK calls.

// flexString decodes a JSON string or number (workflow ids) into a string.
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		*f = ""
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexString(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("workflow id: %w", err)
	}
	*f = flexString(n.String())
	return nil
}

type wireAddr struct {
	Type  string `json:"type"`
	Value string `json:"value"`
}

type wireLocation struct {
	Country string  `json:"country"`
	Region  *string `json:"region"`
}

type wireIncExc struct {
	Include []string `json:"include"`
	Exclude []string `json:"exclude"`
}

type wireZone struct {
	ID          string          `json:"id"`
	Name        string          `json:"name"`
	Type        string          `json:"type"`
	Status      string          `json:"status"`
	Usage       string          `json:"usage"`
	System      bool            `json:"system"`
	LastUpdated string          `json:"lastUpdated"`
	Gateways    []wireAddr      `json:"gateways"`
	Proxies     []wireAddr      `json:"proxies"`
	ProxyType   *string         `json:"proxyType"`
	Locations   json.RawMessage `json:"locations"` // DYNAMIC: array; DYNAMIC_V2: {include,exclude}
	ASNs        json.RawMessage `json:"asns"`      // DYNAMIC: array; DYNAMIC_V2: {include,exclude}
	Categories  *wireIncExc     `json:"ipServiceCategories"`
}

func isNull(m json.RawMessage) bool {
	t := bytes.TrimSpace(m)
	return len(t) == 0 || bytes.Equal(t, []byte("null"))
}

func locationCode(l wireLocation) string {
	if l.Region != nil && *l.Region != "" {
		return *l.Region
	}
	return l.Country
}

func locationCodes(ls []wireLocation) []string {
	var out []string
	for _, l := range ls {
		if c := locationCode(l); c != "" {
			out = append(out, c)
		}
	}
	return out
}

func addrValues(as []wireAddr) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.Value)
	}
	return out
}

// zone converts an API zone into its normalised itp form.
func (w wireZone) zone() (itp.Zone, error) {
	z := itp.Zone{
		Key:  itp.Slug(w.Name),
		Meta: itp.Meta{ID: w.ID, LastUpdated: w.LastUpdated, System: w.System},
		Name: w.Name, Type: w.Type, Status: w.Status, Usage: w.Usage,
	}
	switch w.Type {
	case itp.ZoneIP:
		z.Gateways, z.Proxies = addrValues(w.Gateways), addrValues(w.Proxies)
	case itp.ZoneDynamic:
		if w.ProxyType != nil {
			z.DynamicProxyType = *w.ProxyType
		}
		if !isNull(w.Locations) {
			var ls []wireLocation
			if err := json.Unmarshal(w.Locations, &ls); err != nil {
				return z, fmt.Errorf("zone %q: locations: %w", w.Name, err)
			}
			z.DynamicLocations = locationCodes(ls)
		}
		if !isNull(w.ASNs) {
			if err := json.Unmarshal(w.ASNs, &z.ASNs); err != nil {
				return z, fmt.Errorf("zone %q: asns: %w", w.Name, err)
			}
		}
	case itp.ZoneDynamicV2:
		if !isNull(w.Locations) {
			var ls struct{ Include, Exclude []wireLocation }
			if err := json.Unmarshal(w.Locations, &ls); err != nil {
				return z, fmt.Errorf("zone %q: locations: %w", w.Name, err)
			}
			z.DynamicLocations, z.DynamicLocationsExclude = locationCodes(ls.Include), locationCodes(ls.Exclude)
		}
		if !isNull(w.ASNs) {
			var a wireIncExc
			if err := json.Unmarshal(w.ASNs, &a); err != nil {
				return z, fmt.Errorf("zone %q: asns: %w", w.Name, err)
			}
			z.ASNs = a.Include // asns.exclude is not part of the definitions
		}
		if w.Categories != nil {
			z.IPServiceCategoriesInclude, z.IPServiceCategoriesExclude = w.Categories.Include, w.Categories.Exclude
		}
	}
	z.Normalize()
	return z, nil
}

type wireAction struct {
	Action   string `json:"action"`
	Workflow *struct {
		ID flexString `json:"id"`
	} `json:"workflow"`
}

type wireRule struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Status      string `json:"status"`
	Type        string `json:"type"`
	Priority    *int   `json:"priority"`
	System      bool   `json:"system"`
	LastUpdated string `json:"lastUpdated"`
	Conditions  *struct {
		People *struct {
			Users  *wireIncExc `json:"users"`
			Groups *wireIncExc `json:"groups"`
		} `json:"people"`
		EntityRisk *struct {
			Level string `json:"level"`
		} `json:"entityRisk"`
		RiskScore *struct {
			MinRiskLevel string `json:"minRiskLevel"`
		} `json:"riskScore"`
		Network *struct {
			Connection string   `json:"connection"`
			Include    []string `json:"include"`
			Exclude    []string `json:"exclude"`
		} `json:"network"`
	} `json:"conditions"`
	Actions *struct {
		EntityRisk *struct {
			Actions []wireAction `json:"actions"`
		} `json:"entityRisk"`
		PostAuthSession *struct {
			FailureActions []wireAction `json:"failureActions"`
		} `json:"postAuthSession"`
		SessionViolationDetection *struct {
			PolicyEvaluation *struct {
				Enabled *bool `json:"enabled"`
			} `json:"policyEvaluation"`
		} `json:"sessionViolationDetection"`
	} `json:"actions"`
}

func (w wireRule) priority() int {
	if w.Priority == nil {
		return 0
	}
	return *w.Priority
}

// catchAll reports whether w is the policy's system catch-all rule, which is never managed.
func (w wireRule) catchAll() bool { return w.System || w.priority() == itp.CatchAllPriority }

func (w wireRule) meta() itp.Meta {
	return itp.Meta{ID: w.ID, LastUpdated: w.LastUpdated, System: w.System}
}

func (w wireRule) people() (usersIn, usersEx, groupsIn, groupsEx []string) {
	if w.Conditions == nil || w.Conditions.People == nil {
		return
	}
	if u := w.Conditions.People.Users; u != nil {
		usersIn, usersEx = u.Include, u.Exclude
	}
	if g := w.Conditions.People.Groups; g != nil {
		groupsIn, groupsEx = g.Include, g.Exclude
	}
	return
}

// actions returns whether the rule terminates sessions and its workflow id.
func actionsOf(as []wireAction) (terminate bool, workflow string) {
	for _, a := range as {
		switch a.Action {
		case "TERMINATE_ALL_SESSIONS", "TERMINATE_SESSION":
			terminate = true
		case "RUN_WORKFLOW":
			if a.Workflow != nil {
				workflow = string(a.Workflow.ID)
			}
		}
	}
	return
}

// entityRiskRule converts a rule with ids still in place (resolve.go names them).
func (w wireRule) entityRiskRule() itp.EntityRiskRule {
	r := itp.EntityRiskRule{Key: itp.Slug(w.Name), Meta: w.meta(), Name: w.Name, Status: w.Status, Priority: w.priority()}
	if w.Conditions != nil && w.Conditions.EntityRisk != nil {
		r.RiskLevel = w.Conditions.EntityRisk.Level
	}
	r.UsersIncluded, r.UsersExcluded, r.GroupsIncluded, r.GroupsExcluded = w.people()
	if w.Actions != nil && w.Actions.EntityRisk != nil {
		r.TerminateAllSessions, r.WorkflowID = actionsOf(w.Actions.EntityRisk.Actions)
	}
	return r
}

func (w wireRule) postAuthRule() itp.PostAuthRule {
	r := itp.PostAuthRule{Meta: w.meta(), Priority: w.priority(), Name: w.Name, Status: w.Status}
	_, r.UsersExcluded, r.GroupsIncluded, r.GroupsExcluded = w.people()
	if w.Actions != nil && w.Actions.PostAuthSession != nil {
		r.TerminateSession, r.WorkflowID = actionsOf(w.Actions.PostAuthSession.FailureActions)
	}
	return r
}

func (w wireRule) sessionViolationRule() itp.SessionViolationRule {
	r := itp.SessionViolationRule{Meta: w.meta(), Priority: w.priority(), Name: w.Name, Status: w.Status}
	if c := w.Conditions; c != nil {
		if c.RiskScore != nil {
			r.MinRiskLevel = c.RiskScore.MinRiskLevel
		}
		if c.Network != nil {
			r.NetworkConnection = c.Network.Connection
			r.NetworkIncludes, r.NetworkExcludes = c.Network.Include, c.Network.Exclude
		}
	}
	if a := w.Actions; a != nil && a.SessionViolationDetection != nil && a.SessionViolationDetection.PolicyEvaluation != nil {
		if e := a.SessionViolationDetection.PolicyEvaluation.Enabled; e != nil {
			r.PolicyEvaluationEnabled = *e
		}
	}
	return r
}

type wirePolicy struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Type   string `json:"type"`
	System bool   `json:"system"`
}

type wireProvider struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Type        string `json:"type"`
	Status      string `json:"status"`
	LastUpdated string `json:"lastUpdated"`
	Settings    struct {
		WellKnownURL *string `json:"well_known_url"`
		Issuer       string  `json:"issuer"`
		JWKSURL      string  `json:"jwks_url"`
	} `json:"settings"`
}

func (w wireProvider) provider() itp.Provider {
	p := itp.Provider{
		Key:  itp.Slug(w.Name),
		Meta: itp.Meta{ID: w.ID, LastUpdated: w.LastUpdated},
		Name: w.Name, Type: w.Type, IsEnabled: w.Status,
		Issuer: w.Settings.Issuer, JWKSURL: w.Settings.JWKSURL,
	}
	if w.Settings.WellKnownURL != nil {
		p.WellKnownURL = *w.Settings.WellKnownURL
	}
	p.Normalize()
	return p
}

type wireUserRisk struct {
	RiskLevel string `json:"riskLevel"`
	Reason    string `json:"reason"`
}

type wireUser struct {
	ID      string `json:"id"`
	Profile struct {
		Login string `json:"login"`
	} `json:"profile"`
}

type wireGroup struct {
	ID      string `json:"id"`
	Profile struct {
		Name string `json:"name"`
	} `json:"profile"`
}

// decode unmarshals a successful answer; an error names the call and what in the answer
// was wrong, in JSON terms rather than Go types.
func decode(r result, what string, v any) error {
	if len(bytes.TrimSpace(r.body)) == 0 {
		return fmt.Errorf("%s: decode %s: empty answer (HTTP %d)", r.endpoint, what, r.status)
	}
	if err := json.Unmarshal(r.body, v); err != nil {
		return fmt.Errorf("%s: decode %s: %s", r.endpoint, what, jsonProblem(err))
	}
	return nil
}

// jsonProblem describes a decoding error by JSON path and kinds: "field settings: got an
// array, want an object" instead of the Go struct type of the model.
func jsonProblem(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		where := "the answer"
		if te.Field != "" {
			where = "field " + te.Field
		}
		return fmt.Sprintf("%s: got a JSON %s, want %s", where, te.Value, jsonKind(te.Type))
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("not JSON at byte %d: %s", se.Offset, se.Error())
	}
	return err.Error()
}

func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return "a number"
	}
	return t.Kind().String()
}

// required is implemented by the wire types: the name of the first field a usable object
// must have and lacks ("" when complete).
type required interface{ missing() string }

// decodeList decodes a list answer and checks that every item has what itpsync needs: an
// item without an id or a name cannot be written back or compared, so it is an error, not
// an object silently skipped or taken as empty.
func decodeList[T required](r result, what, noun string) ([]T, error) {
	var items []T
	if err := decode(r, what, &items); err != nil {
		return nil, err
	}
	for i, it := range items {
		if m := it.missing(); m != "" {
			return nil, fmt.Errorf("%s: decode %s: %s %d of the answer has no %s", r.endpoint, what, noun, i+1, m)
		}
	}
	return items, nil
}

// decodeOne decodes a single-object answer and checks it like decodeList.
func decodeOne[T required](r result, what string, v *T) error {
	if err := decode(r, what, v); err != nil {
		return err
	}
	if m := (*v).missing(); m != "" {
		return fmt.Errorf("%s: decode %s: the answer has no %s", r.endpoint, what, m)
	}
	return nil
}

func (w wireZone) missing() string {
	return firstMissing(field{"id", w.ID}, field{"name", w.Name}, field{"type", w.Type})
}

func (w wireRule) missing() string { return firstMissing(field{"id", w.ID}, field{"name", w.Name}) }

func (w wirePolicy) missing() string { return firstMissing(field{"id", w.ID}) }

func (w wireProvider) missing() string {
	return firstMissing(field{"id", w.ID}, field{"name", w.Name})
}

func (w wireUser) missing() string {
	return firstMissing(field{"id", w.ID}, field{"login (profile.login)", w.Profile.Login})
}

func (w wireUserRisk) missing() string { return firstMissing(field{"riskLevel", w.RiskLevel}) }

func (w wireGroup) missing() string {
	return firstMissing(field{"id", w.ID}, field{"name (profile.name)", w.Profile.Name})
}

// field is one required value of a wire object and the name an error gives it.
type field struct{ name, value string }

// firstMissing returns the name of the first empty field, "" when all are set.
func firstMissing(fields ...field) string {
	for _, f := range fields {
		if f.value == "" {
			return f.name
		}
	}
	return ""
}

// maxPages bounds a paged list: a server that keeps answering "next" would otherwise
// keep the run going forever (1,000 pages of 1,000 zones is far beyond any org).
const maxPages = 1000

// pager follows Link rel="next" cursors and refuses a cursor it has already followed.
// seen holds one cursor per page after the first, so it also counts the pages.
type pager struct {
	seen map[string]bool
}

// next returns the cursor of the next page, "" after the last one, or an error when the
// server loops or pages without end.
func (p *pager) next(r result) (string, error) {
	after, err := nextCursor(r)
	if after == "" || err != nil {
		return "", err
	}
	if p.seen == nil {
		p.seen = map[string]bool{}
	}
	switch {
	case p.seen[after]:
		return "", fmt.Errorf("%s: the answer's Link rel=\"next\" repeats the same page cursor %q; stopped instead of looping", r.endpoint, after)
	case len(p.seen)+1 >= maxPages: // this page is number len(p.seen)+1 after the first
		return "", fmt.Errorf("%s: more than %d pages; stopped instead of paging without end", r.endpoint, maxPages)
	}
	p.seen[after] = true
	return after, nil
}

// nextCursor returns the "after" cursor of the Link rel="next" header, "" on the last page.
// Okta sends one Link header value per relation. A next link without a cursor is an error:
// stopping there would silently drop the remaining pages.
func nextCursor(r result) (string, error) {
	for _, v := range r.header.Values("Link") {
		for _, link := range strings.Split(v, ",") {
			target, params, ok := strings.Cut(link, ";")
			if !ok || !strings.Contains(params, `rel="next"`) {
				continue
			}
			target = strings.Trim(strings.TrimSpace(target), "<>")
			u, err := url.Parse(target)
			if err == nil && u.Query().Get("after") != "" {
				return u.Query().Get("after"), nil
			}
			return "", fmt.Errorf("%s: the answer's Link rel=\"next\" has no after cursor (%q); cannot read the next page", r.endpoint, target)
		}
	}
	return "", nil
}
