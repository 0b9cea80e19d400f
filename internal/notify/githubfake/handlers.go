package githubfake

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// maxBody is GitHub's limit on issue and comment bodies, in characters.
const maxBody = 65536

// route is one planned request: a method and a path pattern relative to
// /repos/{owner}/{repo}/, where "*" matches one path segment.
type route struct {
	method  string
	pattern string
	handle  func(s *Server, w http.ResponseWriter, r *http.Request, args []string)
}

var routes = []route{
	{"GET", "issues/*/comments", (*Server).listComments},
	{"POST", "issues/*/comments", (*Server).createComment},
	{"PATCH", "issues/comments/*", (*Server).editComment},
	{"GET", "issues", (*Server).listIssues},
	{"POST", "issues", (*Server).createIssue},
	{"PATCH", "issues/*", (*Server).editIssue},
	{"GET", "commits/*/pulls", (*Server).listPullsForCommit},
	{"GET", "pulls/*", (*Server).getPull},
	{"GET", "labels/*", (*Server).getLabel},
	{"POST", "labels", (*Server).createLabel},
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()

	path := strings.TrimPrefix(r.URL.Path, s.prefix)
	s.calls = append(s.calls, r.Method+" "+path)
	write := r.Method != http.MethodGet && r.Method != http.MethodHead
	if write {
		s.writes++
	}
	if f, ok := s.takeFailure(r.Method, path); ok {
		for k, vs := range f.header {
			w.Header()[k] = vs
		}
		writeJSONText(w, f.status, f.body)
		return
	}
	if s.prefix != "" && !strings.HasPrefix(r.URL.Path, s.prefix+"/") {
		s.unplanned(w, r)
		return
	}
	if s.token != "" && !s.authorized(r.Header.Get("Authorization")) {
		writeError(w, http.StatusUnauthorized, "Bad credentials")
		return
	}
	base := "/repos/" + s.owner + "/" + s.repo + "/"
	rest, ok := strings.CutPrefix(path, base)
	if !ok {
		s.unplanned(w, r)
		return
	}
	for _, rt := range routes {
		args, ok := match(rt.pattern, rest)
		if !ok || rt.method != r.Method {
			continue
		}
		if write && s.readOnly {
			writeError(w, http.StatusForbidden, "Resource not accessible by integration")
			return
		}
		rt.handle(s, w, r, args)
		return
	}
	s.unplanned(w, r)
}

func (s *Server) takeFailure(method, path string) (failure, bool) {
	for i, f := range s.failures {
		if (f.method == "" || f.method == method) && (f.path == "" || f.path == path) {
			s.failures = slices.Delete(s.failures, i, i+1)
			return f, true
		}
	}
	return failure{}, false
}

func (s *Server) authorized(header string) bool {
	for _, scheme := range []string{"Bearer ", "token "} {
		if tok, ok := strings.CutPrefix(header, scheme); ok && tok == s.token {
			return true
		}
	}
	return false
}

// unplanned fails the test: the fake only answers the calls it was built
// for, so any other call is a bug in the code under test or in the fake.
func (s *Server) unplanned(w http.ResponseWriter, r *http.Request) {
	s.errorf("githubfake: unplanned request %s %s", r.Method, r.URL.RequestURI())
	writeError(w, http.StatusNotFound, "Not Found (githubfake: unplanned request)")
}

func match(pattern, path string) ([]string, bool) {
	ps, xs := strings.Split(pattern, "/"), strings.Split(path, "/")
	if len(ps) != len(xs) {
		return nil, false
	}
	var args []string
	for i, p := range ps {
		switch {
		case p == "*" && xs[i] != "":
			args = append(args, xs[i])
		case p != xs[i]:
			return nil, false
		}
	}
	return args, true
}

// page cuts n items into the page the request asks for and sets GitHub's
// Link header. GitHub's default page size is 30 and its maximum 100.
func (s *Server) page(w http.ResponseWriter, r *http.Request, n int) (lo, hi int, ok bool) {
	q := r.URL.Query()
	per, err := atoiDefault(q.Get("per_page"), 30)
	if err != nil || per < 1 {
		writeError(w, http.StatusUnprocessableEntity, "Invalid per_page")
		return 0, 0, false
	}
	per = min(per, 100)
	pg, err := atoiDefault(q.Get("page"), 1)
	if err != nil || pg < 1 {
		writeError(w, http.StatusUnprocessableEntity, "Invalid page")
		return 0, 0, false
	}
	last := max(1, (n+per-1)/per)
	link := func(p int, rel string) string {
		u := url.URL{Scheme: "http", Host: r.Host, Path: r.URL.Path}
		q2 := r.URL.Query()
		q2.Set("page", strconv.Itoa(p))
		u.RawQuery = q2.Encode()
		return fmt.Sprintf("<%s>; rel=%q", u.String(), rel)
	}
	var links []string
	if pg < last {
		links = append(links, link(pg+1, "next"), link(last, "last"))
	}
	if pg > 1 {
		links = append(links, link(1, "first"), link(min(pg-1, last), "prev"))
	}
	if len(links) > 0 {
		w.Header().Set("Link", strings.Join(links, ", "))
	}
	lo = min(n, (pg-1)*per)
	return lo, min(n, lo+per), true
}

func atoiDefault(v string, def int) (int, error) {
	if v == "" {
		return def, nil
	}
	return strconv.Atoi(v)
}

// decode reads a JSON request body into v, answering 400 on bad JSON.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	b, err := io.ReadAll(r.Body)
	if err == nil {
		err = json.Unmarshal(b, v)
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, "Problems parsing JSON")
		return false
	}
	return true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "githubfake: "+err.Error())
		return
	}
	writeJSONText(w, status, string(b))
}

func writeJSONText(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{
		"message":           msg,
		"documentation_url": "https://docs.github.com/rest",
	})
}

func writeValidation(w http.ResponseWriter, resource, field, code, msg string) {
	writeJSON(w, http.StatusUnprocessableEntity, map[string]any{
		"message": "Validation Failed",
		"errors": []map[string]string{
			{"resource": resource, "field": field, "code": code, "message": msg},
		},
		"documentation_url": "https://docs.github.com/rest",
	})
}

// tooLong reports whether body breaks GitHub's 65,536-character limit
// (counted in UTF-16 code units, the stricter of the plausible counts).
func tooLong(body string) bool {
	n := 0
	for _, r := range body {
		n++
		if r > 0xFFFF {
			n++
		}
	}
	return n > maxBody
}

func hasLabel(labels []string, name string) bool {
	return slices.ContainsFunc(labels, func(l string) bool { return strings.EqualFold(l, name) })
}
