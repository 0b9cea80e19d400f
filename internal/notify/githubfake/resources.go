package githubfake

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The JSON shapes below carry the fields GitHub returns that clients read;
// GitHub sends many more.

func (s *Server) userJSON(u User) map[string]any {
	return map[string]any{"login": u.Login, "type": u.Type, "id": len(u.Login) + 1}
}

func ts(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(time.RFC3339)
}

func (s *Server) apiURL(format string, args ...any) string {
	return s.base + s.prefix + "/repos/" + s.owner + "/" + s.repo + "/" + fmt.Sprintf(format, args...)
}

func (s *Server) commentJSON(c *Comment) map[string]any {
	return map[string]any{
		"id": c.ID, "node_id": "IC_" + strconv.FormatInt(c.ID, 10), "body": c.Body,
		"user": s.userJSON(c.User), "html_url": c.HTMLURL,
		"url":                s.apiURL("issues/comments/%d", c.ID),
		"issue_url":          s.apiURL("issues/%d", c.IssueNumber),
		"created_at":         ts(c.CreatedAt),
		"updated_at":         ts(c.UpdatedAt),
		"author_association": "NONE",
	}
}

func (s *Server) issueJSON(is *Issue) map[string]any {
	labels := []map[string]any{}
	for _, l := range is.Labels {
		labels = append(labels, map[string]any{"name": l})
	}
	n := 0
	for _, c := range s.comments {
		if c.IssueNumber == is.Number {
			n++
		}
	}
	m := map[string]any{
		"id": 500000 + is.Number, "number": is.Number, "title": is.Title, "body": is.Body,
		"state": is.State, "labels": labels, "user": s.userJSON(is.User),
		"html_url": is.HTMLURL, "url": s.apiURL("issues/%d", is.Number), "comments": n,
		"created_at": ts(is.CreatedAt), "updated_at": ts(is.UpdatedAt), "closed_at": ts(is.ClosedAt),
	}
	if is.StateReason != "" {
		m["state_reason"] = is.StateReason
	}
	if is.IsPull {
		m["pull_request"] = map[string]any{
			"url":      s.apiURL("pulls/%d", is.Number),
			"html_url": is.HTMLURL,
		}
	}
	return m
}

// pullJSON renders a pull request. The list endpoints return the "simple"
// shape without "merged" (only "merged_at"); GET pulls/{n} adds it, as GitHub does.
func (s *Server) pullJSON(p *Pull, full bool) map[string]any {
	is := s.issues[p.Number]
	var mergedAt any
	if p.Merged {
		mergedAt = ts(is.UpdatedAt)
	}
	var mcs any
	if p.MergeCommitSHA != "" {
		mcs = p.MergeCommitSHA
	}
	m := map[string]any{
		"id": 900000 + p.Number, "number": p.Number, "title": p.Title, "body": p.Body,
		"state": is.State, "html_url": is.HTMLURL, "url": s.apiURL("pulls/%d", p.Number),
		"user": s.userJSON(is.User), "merged_at": mergedAt, "merge_commit_sha": mcs,
		"head": map[string]any{"sha": p.HeadSHA, "ref": p.HeadRef,
			"repo": map[string]any{"full_name": p.HeadRepo, "fork": p.HeadRepo != p.BaseRepo}},
		"base": map[string]any{"ref": p.BaseRef,
			"repo": map[string]any{"full_name": p.BaseRepo, "fork": false}},
		"created_at": ts(is.CreatedAt), "updated_at": ts(is.UpdatedAt), "closed_at": ts(is.ClosedAt),
	}
	if full {
		m["merged"] = p.Merged
	}
	return m
}

func (s *Server) issueArg(w http.ResponseWriter, arg string) (*Issue, bool) {
	n, err := strconv.Atoi(arg)
	is := s.issues[n]
	if err != nil || is == nil {
		writeError(w, http.StatusNotFound, "Not Found")
		return nil, false
	}
	return is, true
}

func (s *Server) listComments(w http.ResponseWriter, r *http.Request, args []string) {
	is, ok := s.issueArg(w, args[0])
	if !ok {
		return
	}
	var list []*Comment
	for _, c := range s.comments {
		if c.IssueNumber == is.Number {
			list = append(list, c)
		}
	}
	lo, hi, ok := s.page(w, r, len(list))
	if !ok {
		return
	}
	out := []map[string]any{}
	for _, c := range list[lo:hi] {
		out = append(out, s.commentJSON(c))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) createComment(w http.ResponseWriter, r *http.Request, args []string) {
	is, ok := s.issueArg(w, args[0])
	if !ok {
		return
	}
	body, ok := commentBody(w, r)
	if !ok {
		return
	}
	writeJSON(w, http.StatusCreated, s.commentJSON(s.addComment(is, s.actor, body)))
}

// commentBody decodes the body of a comment create or edit and answers 422 as GitHub does
// when it is missing, empty or too long.
func commentBody(w http.ResponseWriter, r *http.Request) (string, bool) {
	var req struct{ Body *string }
	if !decode(w, r, &req) {
		return "", false
	}
	if req.Body == nil || *req.Body == "" {
		writeValidation(w, "IssueComment", "body", "missing_field", "body is missing")
		return "", false
	}
	if tooLong(*req.Body) {
		writeValidation(w, "IssueComment", "body", "custom", "body is too long (maximum is 65536 characters)")
		return "", false
	}
	return *req.Body, true
}

func (s *Server) editComment(w http.ResponseWriter, r *http.Request, args []string) {
	id, _ := strconv.ParseInt(args[0], 10, 64)
	i := slices.IndexFunc(s.comments, func(c *Comment) bool { return c.ID == id })
	if i < 0 {
		writeError(w, http.StatusNotFound, "Not Found")
		return
	}
	body, ok := commentBody(w, r)
	if !ok {
		return
	}
	c := s.comments[i]
	if c.User != s.actor {
		// GitHub lets a token edit only its own comments (without admin rights).
		writeError(w, http.StatusForbidden, "Resource not accessible by integration")
		return
	}
	c.Body, c.UpdatedAt = body, s.tick()
	writeJSON(w, http.StatusOK, s.commentJSON(c))
}

func (s *Server) listIssues(w http.ResponseWriter, r *http.Request, _ []string) {
	q := r.URL.Query()
	state := cmpOr(q.Get("state"), "open")
	if state != "open" && state != "closed" && state != "all" {
		writeValidation(w, "Issue", "state", "invalid", "invalid state")
		return
	}
	var labels []string
	if q.Get("labels") != "" {
		labels = strings.Split(q.Get("labels"), ",")
	}
	var list []*Issue
	for _, is := range s.issues {
		if state != "all" && is.State != state {
			continue
		}
		if c := q.Get("creator"); c != "" && !strings.EqualFold(c, is.User.Login) {
			continue
		}
		if !slices.ContainsFunc(labels, func(l string) bool { return !hasLabel(is.Labels, l) }) {
			list = append(list, is)
		}
	}
	key := func(is *Issue) time.Time { return is.CreatedAt }
	if q.Get("sort") == "updated" {
		key = func(is *Issue) time.Time { return is.UpdatedAt }
	}
	slices.SortFunc(list, func(a, b *Issue) int {
		if c := key(a).Compare(key(b)); c != 0 {
			return c
		}
		return cmp.Compare(a.Number, b.Number)
	})
	if q.Get("direction") != "asc" {
		slices.Reverse(list)
	}
	lo, hi, ok := s.page(w, r, len(list))
	if !ok {
		return
	}
	out := []map[string]any{}
	for _, is := range list[lo:hi] {
		out = append(out, s.issueJSON(is))
	}
	writeJSON(w, http.StatusOK, out)
}

type issueRequest struct {
	Title       *string
	Body        *string
	State       *string
	StateReason *string `json:"state_reason"`
	Labels      *[]string
}

func (s *Server) createIssue(w http.ResponseWriter, r *http.Request, _ []string) {
	var req issueRequest
	if !decode(w, r, &req) {
		return
	}
	if req.Title == nil || *req.Title == "" {
		writeValidation(w, "Issue", "title", "missing_field", "title is missing")
		return
	}
	if req.Body != nil && tooLong(*req.Body) {
		writeValidation(w, "Issue", "body", "custom", "body is too long (maximum is 65536 characters)")
		return
	}
	is := &Issue{Number: s.freeNumber(), Title: *req.Title, State: "open", User: s.actor}
	if req.Body != nil {
		is.Body = *req.Body
	}
	if req.Labels != nil {
		for _, l := range *req.Labels {
			s.ensureLabel(l)
			is.Labels = append(is.Labels, l)
		}
	}
	is.HTMLURL = s.htmlURL("issues", is.Number)
	is.CreatedAt, is.UpdatedAt = s.tick(), s.now
	s.issues[is.Number] = is
	writeJSON(w, http.StatusCreated, s.issueJSON(is))
}

func (s *Server) editIssue(w http.ResponseWriter, r *http.Request, args []string) {
	is, ok := s.issueArg(w, args[0])
	if !ok {
		return
	}
	var req issueRequest
	if !decode(w, r, &req) {
		return
	}
	if req.Body != nil && tooLong(*req.Body) {
		writeValidation(w, "Issue", "body", "custom", "body is too long (maximum is 65536 characters)")
		return
	}
	if req.State != nil && *req.State != "open" && *req.State != "closed" {
		writeValidation(w, "Issue", "state", "invalid", "state is not included in the list")
		return
	}
	if req.Title != nil {
		is.Title = *req.Title
	}
	if req.Body != nil {
		is.Body = *req.Body
	}
	if req.Labels != nil {
		is.Labels = nil
		for _, l := range *req.Labels {
			s.ensureLabel(l)
			is.Labels = append(is.Labels, l)
		}
	}
	if req.State != nil && *req.State != is.State {
		reason := ""
		if req.StateReason != nil {
			reason = *req.StateReason
		}
		s.setState(is, *req.State, reason)
	}
	is.UpdatedAt = s.tick()
	writeJSON(w, http.StatusOK, s.issueJSON(is))
}

func (s *Server) listPullsForCommit(w http.ResponseWriter, r *http.Request, args []string) {
	sha := args[0]
	var list []*Pull
	for _, p := range s.pulls {
		if p.HeadSHA == sha || p.MergeCommitSHA == sha || slices.Contains(p.Commits, sha) {
			list = append(list, p)
		}
	}
	slices.SortFunc(list, func(a, b *Pull) int { return b.Number - a.Number })
	lo, hi, ok := s.page(w, r, len(list))
	if !ok {
		return
	}
	out := []map[string]any{}
	for _, p := range list[lo:hi] {
		out = append(out, s.pullJSON(p, false))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) getPull(w http.ResponseWriter, _ *http.Request, args []string) {
	n, _ := strconv.Atoi(args[0])
	p := s.pulls[n]
	if p == nil {
		writeError(w, http.StatusNotFound, "Not Found")
		return
	}
	writeJSON(w, http.StatusOK, s.pullJSON(p, true))
}

func (s *Server) getLabel(w http.ResponseWriter, _ *http.Request, args []string) {
	name, ok := s.labels[strings.ToLower(args[0])]
	if !ok {
		writeError(w, http.StatusNotFound, "Not Found")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"name": name, "color": "d93f0b"})
}

func (s *Server) createLabel(w http.ResponseWriter, r *http.Request, _ []string) {
	var req struct {
		Name        *string
		Color       *string
		Description *string
	}
	if !decode(w, r, &req) {
		return
	}
	if req.Name == nil || *req.Name == "" {
		writeValidation(w, "Label", "name", "missing_field", "name is missing")
		return
	}
	if _, dup := s.labels[strings.ToLower(*req.Name)]; dup {
		writeValidation(w, "Label", "name", "already_exists", "")
		return
	}
	s.ensureLabel(*req.Name)
	writeJSON(w, http.StatusCreated, map[string]any{"name": *req.Name, "color": req.Color})
}

// ensureLabel adds a label if missing: GitHub creates unknown labels named
// when an issue is created or edited.
func (s *Server) ensureLabel(name string) {
	if _, ok := s.labels[strings.ToLower(name)]; !ok {
		s.labels[strings.ToLower(name)] = name
	}
}
