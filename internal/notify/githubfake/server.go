// Package githubfake is a stateful, strict fake of the GitHub REST API, for tests and for
// the local demo (itpsync demo), which runs the real Action code against it.
//
// It answers exactly the paths google/go-github calls for itpsync's GitHub
// traffic (issue comments, issues, labels, pull requests of a commit) with the
// JSON shapes GitHub returns, keeps the state those calls change, and fails
// loudly (a report to the owner and a 404) on any request it was not built for,
// so a new or misspelt call cannot pass unnoticed. New wraps the server for
// tests (reports fail the test); NewServer needs no testing package. It lives
// in a normal package so the tests of other packages (the Action's end-to-end
// tests) and the demo can import it.
package githubfake

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// BotUser is the author GitHub records for writes made with a workflow's
// GITHUB_TOKEN; the fake uses it for every write unless SetActor says otherwise.
var BotUser = User{Login: "github-actions[bot]", Type: "Bot"}

// User is the author of a comment or an issue.
type User struct {
	Login string
	Type  string // "Bot" or "User"
}

// Comment is an issue or pull request comment as the fake stores it.
type Comment struct {
	ID          int64
	IssueNumber int
	Body        string
	User        User
	HTMLURL     string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Issue is an issue (or the issue side of a pull request) as the fake stores it.
type Issue struct {
	Number      int
	Title       string
	Body        string
	State       string // "open" or "closed"
	StateReason string // "", "completed", "not_planned", "reopened"
	Labels      []string
	User        User
	IsPull      bool // pull requests appear in the issues list, as on GitHub
	HTMLURL     string
	CreatedAt   time.Time
	UpdatedAt   time.Time
	ClosedAt    time.Time
}

// Pull is a pull request seeded with AddPull.
type Pull struct {
	Number         int
	Title          string
	Body           string
	Labels         []string
	HeadSHA        string
	HeadRef        string
	HeadRepo       string // "owner/name"; defaults to the fake's repository
	BaseRef        string // defaults to "main"
	BaseRepo       string // "owner/name"; defaults to the fake's repository
	Merged         bool
	MergeCommitSHA string
	Closed         bool     // closed without merging
	Commits        []string // further commit SHAs associated with the pull request
	User           User     // the author; defaults to a person
}

// Option configures a Server at creation.
type Option func(*Server)

// WithPathPrefix serves the API under a path prefix, as GitHub Enterprise
// Server does ("/api/v3").
func WithPathPrefix(prefix string) Option {
	return func(s *Server) { s.prefix = "/" + strings.Trim(prefix, "/") }
}

// Server is the fake GitHub API. All methods are safe for concurrent use.
type Server struct {
	report func(msg string)
	ln     net.Listener
	hs     *http.Server
	base   string // http://127.0.0.1:port
	owner  string
	repo   string
	prefix string

	mu       sync.Mutex
	token    string
	readOnly bool
	actor    User
	now      time.Time
	nextID   int64
	issues   map[int]*Issue
	pulls    map[int]*Pull
	comments []*Comment
	labels   map[string]string // lower-cased name → name
	calls    []string
	writes   int
	failures []failure
}

type failure struct {
	method string
	path   string
	status int
	header http.Header
	body   string
}

// New starts a fake for the repository owner/repo for a test: an unplanned
// request or a misuse of the fake fails the test (t.Errorf), and t.Cleanup
// closes it.
func New(t testing.TB, owner, repo string, opts ...Option) *Server {
	t.Helper()
	s, err := NewServer(owner, repo, func(msg string) { t.Errorf("%s", msg) }, opts...)
	if err != nil {
		t.Fatalf("githubfake: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// NewServer starts a fake for the repository owner/repo on a free port of
// 127.0.0.1. onUnplanned gets a message for every request the fake was not
// built for and every misuse of its seeding methods (nil ignores them; the
// request still gets a 404). Close stops it.
func NewServer(owner, repo string, onUnplanned func(msg string), opts ...Option) (*Server, error) {
	if onUnplanned == nil {
		onUnplanned = func(string) {}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen on 127.0.0.1: %w", err)
	}
	s := &Server{
		report: onUnplanned,
		ln:     ln,
		base:   "http://" + ln.Addr().String(),
		owner:  owner,
		repo:   repo,
		actor:  BotUser,
		now:    time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		nextID: 1000,
		issues: map[int]*Issue{},
		pulls:  map[int]*Pull{},
		labels: map[string]string{},
	}
	for _, opt := range opts {
		opt(s)
	}
	s.hs = &http.Server{Handler: http.HandlerFunc(s.serveHTTP), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.hs.Serve(ln) }() // Serve returns ErrServerClosed after Close
	return s, nil
}

// Close stops the server and closes its connections; later calls do nothing.
func (s *Server) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.hs.Shutdown(ctx); err != nil {
		_ = s.hs.Close()
	}
}

// URL is the API base URL with a trailing slash, as go-github wants it.
func (s *Server) URL() string { return s.base + s.prefix + "/" }

// errorf reports a misuse of the fake or an unplanned request.
func (s *Server) errorf(format string, args ...any) {
	s.report(fmt.Sprintf(format, args...))
}

// SetToken makes the fake require "Authorization: Bearer <tok>" (or "token
// <tok>") on every request and answer 401 otherwise.
func (s *Server) SetToken(tok string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.token = tok
}

// SetReadOnly makes every write answer 403 "Resource not accessible by
// integration", like the read-only token of a pull request from a fork.
func (s *Server) SetReadOnly(ro bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.readOnly = ro
}

// SetActor sets the author of later writes (default BotUser), e.g. a person
// whose personal access token the workflow uses.
func (s *Server) SetActor(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.actor = u
}

// Fail answers the next request with method and path (as Calls shows it,
// e.g. "/repos/o/r/issues/1/comments"; "" matches any) with status, header
// and a JSON body, to exercise rate limits, permissions and server errors.
// Each Fail is used once.
func (s *Server) Fail(method, path string, status int, header http.Header, body string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = append(s.failures, failure{method: method, path: path, status: status, header: header, body: body})
}

// AddLabel seeds a repository label.
func (s *Server) AddLabel(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ensureLabel(name)
}

// AddPull seeds a pull request; it also takes the issue number, as on GitHub.
func (s *Server) AddPull(pr Pull) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.issues[pr.Number]; dup || pr.Number <= 0 {
		s.errorf("githubfake: AddPull: number %d is invalid or already used", pr.Number)
		return
	}
	full := s.owner + "/" + s.repo
	pr.HeadRepo = cmpOr(pr.HeadRepo, full)
	pr.BaseRepo = cmpOr(pr.BaseRepo, full)
	pr.BaseRef = cmpOr(pr.BaseRef, "main")
	pr.HeadRef = cmpOr(pr.HeadRef, fmt.Sprintf("topic-%d", pr.Number))
	pr.Title = cmpOr(pr.Title, fmt.Sprintf("Pull request %d", pr.Number))
	s.pulls[pr.Number] = &pr
	state := "open"
	if pr.Merged || pr.Closed {
		state = "closed"
	}
	if pr.User == (User{}) {
		pr.User = User{Login: "octocat", Type: "User"}
	}
	t := s.tick()
	s.issues[pr.Number] = &Issue{
		Number: pr.Number, Title: pr.Title, Body: pr.Body, State: state,
		Labels: slices.Clone(pr.Labels), User: pr.User,
		IsPull: true, HTMLURL: s.htmlURL("pull", pr.Number), CreatedAt: t, UpdatedAt: t,
	}
}

// MergePull marks the open pull request number as merged as commit mergeSHA,
// as GitHub does when someone presses the merge button.
func (s *Server) MergePull(number int, mergeSHA string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.pulls[number]
	if !ok || p.Merged || p.Closed || mergeSHA == "" {
		s.errorf("githubfake: MergePull: no open pull request %d, or no merge commit", number)
		return
	}
	p.Merged, p.MergeCommitSHA = true, mergeSHA
	s.setState(s.issues[number], "closed", "")
}

// AddIssue seeds an issue (Number 0 takes the next free number; State ""
// means open; User defaults to a person) and returns it as stored.
func (s *Server) AddIssue(is Issue) Issue {
	s.mu.Lock()
	defer s.mu.Unlock()
	if is.Number == 0 {
		is.Number = s.freeNumber()
	}
	if _, dup := s.issues[is.Number]; dup {
		s.errorf("githubfake: AddIssue: number %d already used", is.Number)
		return Issue{}
	}
	is.State = cmpOr(is.State, "open")
	if is.User == (User{}) {
		is.User = User{Login: "octocat", Type: "User"}
	}
	is.HTMLURL = s.htmlURL("issues", is.Number)
	is.CreatedAt, is.UpdatedAt = s.tick(), s.now
	if is.State == "closed" {
		is.ClosedAt = s.now
	}
	is.Labels = slices.Clone(is.Labels)
	s.issues[is.Number] = &is
	return is
}

// AddComment seeds a comment by user on issue or pull request number.
func (s *Server) AddComment(number int, user User, body string) Comment {
	s.mu.Lock()
	defer s.mu.Unlock()
	is, ok := s.issues[number]
	if !ok {
		s.errorf("githubfake: AddComment: no issue or pull request %d", number)
		return Comment{}
	}
	return *s.addComment(is, user, body)
}

// SetIssueState changes an issue's state as a person would in the UI (for
// example closing a drift issue by hand).
func (s *Server) SetIssueState(number int, state, reason string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	is, ok := s.issues[number]
	if !ok {
		s.errorf("githubfake: SetIssueState: no issue %d", number)
		return
	}
	s.setState(is, state, reason)
}

// Comments returns the comments of pull request (or issue) pr, oldest first.
func (s *Server) Comments(pr int) []Comment { return s.IssueComments(pr) }

// IssueComments returns the comments of issue number, oldest first.
func (s *Server) IssueComments(number int) []Comment {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Comment
	for _, c := range s.comments {
		if c.IssueNumber == number {
			out = append(out, *c)
		}
	}
	return out
}

// Issues returns the issues that are not pull requests, by number.
func (s *Server) Issues() []Issue {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Issue
	for _, is := range s.issues {
		if !is.IsPull {
			c := *is
			c.Labels = slices.Clone(is.Labels)
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b Issue) int { return a.Number - b.Number })
	return out
}

// Labels returns the repository's label names, sorted.
func (s *Server) Labels() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, name := range s.labels {
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}

// Calls returns every request received, as "METHOD /repos/o/r/path" (no
// query, no path prefix), in order.
func (s *Server) Calls() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.calls)
}

// Writes counts the write requests received (POST, PATCH, PUT, DELETE),
// including those refused.
func (s *Server) Writes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.writes
}

// tick advances the fake clock so timestamps are distinct and ordered
// without depending on the wall clock.
func (s *Server) tick() time.Time {
	s.now = s.now.Add(time.Minute)
	return s.now
}

func (s *Server) freeNumber() int {
	n := 1
	for k := range s.issues {
		n = max(n, k+1)
	}
	return n
}

func (s *Server) htmlURL(kind string, number int) string {
	return fmt.Sprintf("https://github.com/%s/%s/%s/%d", s.owner, s.repo, kind, number)
}

func (s *Server) addComment(is *Issue, user User, body string) *Comment {
	s.nextID++
	kind := "issues"
	if is.IsPull {
		kind = "pull"
	}
	t := s.tick()
	c := &Comment{
		ID: s.nextID, IssueNumber: is.Number, Body: body, User: user,
		HTMLURL:   fmt.Sprintf("%s#issuecomment-%d", s.htmlURL(kind, is.Number), s.nextID),
		CreatedAt: t, UpdatedAt: t,
	}
	s.comments = append(s.comments, c)
	is.UpdatedAt = t
	return c
}

func (s *Server) setState(is *Issue, state, reason string) {
	t := s.tick()
	switch state {
	case "closed":
		is.State, is.ClosedAt = "closed", t
		is.StateReason = cmpOr(reason, "completed")
	case "open":
		is.State, is.ClosedAt = "open", time.Time{}
		is.StateReason = cmpOr(reason, "reopened")
	default:
		s.errorf("githubfake: invalid issue state %q", state)
	}
	is.UpdatedAt = t
}

func cmpOr(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
