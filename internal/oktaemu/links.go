package oktaemu

import (
	"net/http"
	"net/url"
	"strconv"
)

// link is one HAL link with its allowed methods.
func link(href string, allow ...string) obj {
	return obj{{"href", href}, {"hints", obj{{"allow", allow}}}}
}

// lifecycleLinks renders _links of zones, providers and rules: INACTIVE objects emit
// "activate" before "self", ACTIVE ones "deactivate" after it (as recorded).
func lifecycleLinks(self, status string, selfAllow ...string) obj {
	if status == "INACTIVE" {
		return obj{{"activate", link(self+"/lifecycle/activate", "POST")}, {"self", link(self, selfAllow...)}}
	}
	return obj{{"self", link(self, selfAllow...)}, {"deactivate", link(self+"/lifecycle/deactivate", "POST")}}
}

// listPage keeps the items of all that keep accepts, pages them (by id, under path) and
// encodes the page with toJSON: the shape the zones, users and groups lists share.
func listPage[T any](c *call, path string, pageSize int, all []T, keep func(T) bool, id func(T) string, toJSON func(T) obj) reply {
	var list []T
	var ids []string
	for _, x := range all {
		if keep(x) {
			list, ids = append(list, x), append(ids, id(x))
		}
	}
	from, to, header, rep := page(c, path, ids, pageSize)
	if rep != nil {
		return *rep
	}
	out := make([]obj, 0, to-from)
	for _, x := range list[from:to] {
		out = append(out, toJSON(x))
	}
	return reply{status: http.StatusOK, body: out, header: header}
}

// page cuts one page out of ids (already in list order) given the request's limit and
// after cursor, and returns the Link header values: one value per relation.
func page(c *call, path string, ids []string, defaultLimit int) (from, to int, header http.Header, rep *reply) {
	q := c.r.URL.Query()
	limit := defaultLimit
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n == 0 || n < -1 {
			r := validation("limit", "Limit must be a positive integer.")
			return 0, 0, nil, &r
		}
		limit = n
	}
	if limit == -1 {
		limit = len(ids)
	}
	from = 0
	if after := q.Get("after"); after != "" {
		from = len(ids)
		for i, id := range ids {
			if id == after {
				from = i + 1
				break
			}
		}
	}
	to = from + min(limit, len(ids)-from) // no overflow with a huge limit
	header = http.Header{}
	header.Add("Link", "<"+c.base+path+encodeQuery(q)+">; rel=\"self\"")
	if to < len(ids) && to > from {
		next := url.Values{}
		for k, vs := range q {
			next[k] = vs
		}
		next.Set("after", ids[to-1])
		next.Set("limit", strconv.Itoa(limit))
		header.Add("Link", "<"+c.base+path+encodeQuery(next)+">; rel=\"next\"")
	}
	return from, to, header, nil
}

func encodeQuery(q url.Values) string {
	if len(q) == 0 {
		return ""
	}
	return "?" + q.Encode()
}
