package engine

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"
)

// console changes the org the way an administrator in the Okta console would: raw API
// calls, outside itpsync.
type console struct {
	t   testing.TB
	url string
}

func (o *testOrg) console(t testing.TB) console { return console{t: t, url: o.url} }

// do sends one request and decodes the JSON answer into out (when non-nil).
func (c console) do(method, path string, body any, out any) {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			c.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.url+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Authorization", "SSWS "+testToken)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		c.t.Fatalf("%s %s: %s: %s", method, path, resp.Status, data)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			c.t.Fatalf("%s %s: decode %s: %v", method, path, data, err)
		}
	}
}

type apiObject = map[string]any

// find returns the object of the list at path whose name is name.
func (c console) find(path, name string) apiObject {
	c.t.Helper()
	var list []apiObject
	c.do("GET", path, nil, &list)
	for _, o := range list {
		if o["name"] == name {
			return o
		}
	}
	c.t.Fatalf("GET %s: no object named %q", path, name)
	return nil
}

// policyID returns the id of the policy of type typ.
func (c console) policyID(typ string) string {
	c.t.Helper()
	var list []apiObject
	c.do("GET", "/api/v1/policies?type="+typ, nil, &list)
	if len(list) == 0 {
		c.t.Fatalf("no %s policy", typ)
	}
	return list[0]["id"].(string)
}
