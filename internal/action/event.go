package action

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/google/go-github/v62/github"
)

// Events the action understands, as GITHUB_EVENT_NAME spells them.
const (
	EventPullRequest       = "pull_request"
	EventPullRequestTarget = "pull_request_target"
	EventPush              = "push"
	EventSchedule          = "schedule"
	EventWorkflowDispatch  = "workflow_dispatch"
	EventRepoDispatch      = "repository_dispatch"
)

// ghContext is the workflow run's GITHUB_* context.
type ghContext struct {
	EventName   string
	EventPath   string
	Repository  string // owner/name
	Workspace   string
	SHA         string
	ServerURL   string
	APIURL      string
	RunID       string
	Actor       string
	OutputPath  string
	SummaryPath string
}

func readContext(getenv func(string) string) ghContext {
	return ghContext{
		EventName:   getenv("GITHUB_EVENT_NAME"),
		EventPath:   getenv("GITHUB_EVENT_PATH"),
		Repository:  getenv("GITHUB_REPOSITORY"),
		Workspace:   getenv("GITHUB_WORKSPACE"),
		SHA:         getenv("GITHUB_SHA"),
		ServerURL:   strings.TrimRight(getenv("GITHUB_SERVER_URL"), "/"),
		APIURL:      getenv("GITHUB_API_URL"),
		RunID:       getenv("GITHUB_RUN_ID"),
		Actor:       getenv("GITHUB_ACTOR"),
		OutputPath:  getenv("GITHUB_OUTPUT"),
		SummaryPath: getenv("GITHUB_STEP_SUMMARY"),
	}
}

// RunURL is the link to this workflow run, or "" when the context lacks a part of it.
func (c ghContext) RunURL() string {
	if c.ServerURL == "" || c.Repository == "" || c.RunID == "" {
		return ""
	}
	return fmt.Sprintf("%s/%s/actions/runs/%s", c.ServerURL, c.Repository, c.RunID)
}

// event is the decoded GITHUB_EVENT_PATH payload: exactly one of the typed events is set
// (none for schedule, whose payload holds only the cron string).
type event struct {
	Name string

	PR           *github.PullRequestEvent
	Push         *github.PushEvent
	Dispatch     *github.WorkflowDispatchEvent
	RepoDispatch *github.RepositoryDispatchEvent

	// Params are the dispatch's inputs or client_payload, as strings.
	Params map[string]string
}

// readEvent decodes the event file for the events whose payload the action reads. A
// missing file, invalid JSON or a pull request without a number is an error that says
// which file and what is wrong.
func readEvent(c ghContext) (*event, error) {
	ev := &event{Name: c.EventName}
	var target any
	switch c.EventName {
	case "":
		return nil, errors.New("GITHUB_EVENT_NAME is not set: run the action in a GitHub Actions workflow, or set command and the GITHUB_* variables")
	case EventPullRequest, EventPullRequestTarget:
		ev.PR = &github.PullRequestEvent{}
		target = ev.PR
	case EventPush:
		ev.Push = &github.PushEvent{}
		target = ev.Push
	case EventWorkflowDispatch:
		ev.Dispatch = &github.WorkflowDispatchEvent{}
		target = ev.Dispatch
	case EventRepoDispatch:
		ev.RepoDispatch = &github.RepositoryDispatchEvent{}
		target = ev.RepoDispatch
	default:
		return ev, nil // schedule and others: the payload is not needed
	}
	if c.EventPath == "" {
		return nil, fmt.Errorf("read the %s event: GITHUB_EVENT_PATH is not set", c.EventName)
	}
	data, err := os.ReadFile(c.EventPath)
	if err != nil {
		return nil, fmt.Errorf("read the %s event: %w", c.EventName, err)
	}
	if err := json.Unmarshal(data, target); err != nil {
		return nil, fmt.Errorf("read the %s event %q: invalid JSON: %w", c.EventName, c.EventPath, err)
	}
	switch {
	case ev.PR != nil:
		if ev.prNumber() <= 0 {
			return nil, fmt.Errorf("read the %s event %q: no pull request number (want \"number\" or \"pull_request.number\")", c.EventName, c.EventPath)
		}
	case ev.Dispatch != nil:
		ev.Params, err = stringParams(ev.Dispatch.Inputs)
		if err != nil {
			return nil, fmt.Errorf("read the %s event %q: inputs: %w", c.EventName, c.EventPath, err)
		}
	case ev.RepoDispatch != nil:
		ev.Params, err = stringParams(ev.RepoDispatch.ClientPayload)
		if err != nil {
			return nil, fmt.Errorf("read the %s event %q: client_payload: %w", c.EventName, c.EventPath, err)
		}
	}
	return ev, nil
}

// stringParams reads a JSON object of scalars (workflow_dispatch inputs are strings;
// a client_payload may hold booleans and numbers) as strings; nested values are skipped.
func stringParams(raw json.RawMessage) (map[string]string, error) {
	out := map[string]string{}
	if len(raw) == 0 || string(raw) == "null" {
		return out, nil
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, errors.New("want a JSON object")
	}
	for k, v := range m {
		switch v := v.(type) {
		case string:
			out[k] = strings.TrimSpace(v)
		case bool:
			out[k] = fmt.Sprint(v)
		case float64:
			out[k] = fmt.Sprint(v)
		}
	}
	return out, nil
}

// prNumber is the pull request's number: the payload's top-level number, else the
// pull_request object's.
func (e *event) prNumber() int {
	if e.PR == nil {
		return 0
	}
	if n := e.PR.GetNumber(); n > 0 {
		return n
	}
	return e.PR.GetPullRequest().GetNumber()
}

// headSHA is the pull request's head commit (not GITHUB_SHA, the test merge commit).
func (e *event) headSHA() string { return e.PR.GetPullRequest().GetHead().GetSHA() }

// isFork reports whether the pull request comes from another repository, whose runs get
// no secrets and a read-only token.
func (e *event) isFork(repository string) bool {
	pr := e.PR.GetPullRequest()
	head := pr.GetHead().GetRepo()
	base := e.PR.GetRepo().GetFullName()
	if base == "" {
		base = pr.GetBase().GetRepo().GetFullName()
	}
	if base == "" {
		base = repository
	}
	if head.GetFullName() != "" && !strings.EqualFold(head.GetFullName(), base) {
		return true
	}
	return head.GetFork() && head.GetFullName() == ""
}

// defaultBranch is repository.default_branch of the payload ("" when absent).
func (e *event) defaultBranch() string {
	switch {
	case e.Push != nil:
		return e.Push.GetRepo().GetDefaultBranch()
	case e.PR != nil:
		return e.PR.GetRepo().GetDefaultBranch()
	case e.Dispatch != nil:
		return e.Dispatch.GetRepo().GetDefaultBranch()
	case e.RepoDispatch != nil:
		return e.RepoDispatch.GetRepo().GetDefaultBranch()
	}
	return ""
}

// sender is who caused the event: the payload's sender, else GITHUB_ACTOR.
func (e *event) sender(actor string) string {
	var login string
	switch {
	case e.Push != nil:
		login = e.Push.GetSender().GetLogin()
	case e.PR != nil:
		login = e.PR.GetSender().GetLogin()
	case e.Dispatch != nil:
		login = e.Dispatch.GetSender().GetLogin()
	case e.RepoDispatch != nil:
		login = e.RepoDispatch.GetSender().GetLogin()
	}
	if login == "" {
		return actor
	}
	return login
}

// chooseCommand resolves CommandAuto from the event; an explicit command is kept.
func chooseCommand(in Inputs, ev *event) (string, error) {
	if in.Command != CommandAuto {
		return in.Command, nil
	}
	switch ev.Name {
	case EventPullRequest, EventPullRequestTarget:
		return CommandPlan, nil
	case EventPush:
		def := ev.defaultBranch()
		if def == "" {
			return "", errors.New("push event: the payload has no repository.default_branch, so apply cannot tell whether this is the default branch; set command")
		}
		if ev.Push.GetRef() == "refs/heads/"+def {
			return CommandApply, nil
		}
		return CommandValidate, nil
	case EventSchedule:
		return CommandDrift, nil
	case EventWorkflowDispatch, EventRepoDispatch:
		cmd := strings.ToLower(ev.Params["command"])
		if cmd == "" {
			where := "inputs.command"
			if ev.Name == EventRepoDispatch {
				where = "client_payload.command"
			}
			return "", fmt.Errorf("%s: command is auto, so the event must say what to run: set the command input or %s to one of %s",
				ev.Name, where, strings.Join(commands[1:], ", "))
		}
		if cmd == CommandAuto || !contains(commands, cmd) {
			return "", fmt.Errorf("%s: unknown command %q: want one of %s", ev.Name, cmd, strings.Join(commands[1:], ", "))
		}
		return cmd, nil
	}
	return "", fmt.Errorf("event %q: command auto handles pull_request, pull_request_target, push, schedule, workflow_dispatch and repository_dispatch; set command for other events", ev.Name)
}

// dispatchParams fills the user-risk fields (and environment) that the inputs left empty
// from the dispatch's inputs or client_payload.
func dispatchParams(in Inputs, ev *event) (Inputs, error) {
	if ev.Params == nil {
		return in, nil
	}
	fill := func(dst *string, key string) {
		if *dst == "" {
			*dst = ev.Params[key]
		}
	}
	fill(&in.User, "user")
	fill(&in.Reason, "reason")
	fill(&in.Environment, "environment")
	if in.RiskLevel == "" {
		in.RiskLevel = strings.ToUpper(ev.Params["risk_level"])
	}
	// The input defaults to "false", so it cannot say "not given": a payload asking for a
	// dry run wins, since it can only make the run safer.
	if v, ok := ev.Params["dry_run"]; ok {
		b, err := parseBool(ev.Name+" dry_run", v)
		if err != nil {
			return in, err
		}
		in.DryRun = in.DryRun || b
	}
	return in, nil
}
