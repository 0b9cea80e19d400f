package demo

import "fmt"

// Commits of the demo's history: pull request heads and their merge commits.
const (
	sha1Head  = "1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a"
	sha1Test  = "1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b" // the test merge commit of a pull request run
	sha1Merge = "1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c"
	sha2Head  = "2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a"
	sha2Test  = "2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b"
	sha2Merge = "2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c"
	shaBase   = "0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a"
)

// The payloads below carry the fields of GitHub's webhook payloads that the action reads.

func repository() map[string]any {
	return map[string]any{
		"full_name": repoOwner + "/" + repoName, "name": repoName,
		"owner": map[string]any{"login": repoOwner}, "default_branch": "main", "fork": false,
	}
}

func user(login, kind string) map[string]any { return map[string]any{"login": login, "type": kind} }

// pullRequestEvent is a pull_request event ("opened") for pull request number at head.
func pullRequestEvent(number int, title, branch, head, test string) event {
	repo := map[string]any{"full_name": repoOwner + "/" + repoName, "fork": false}
	return event{
		label: fmt.Sprintf("pull-request-%d", number),
		name:  "pull_request",
		sha:   test,
		payload: map[string]any{
			"action": "opened",
			"number": number,
			"pull_request": map[string]any{
				"number": number, "state": "open", "title": title, "draft": false, "merged": false,
				"html_url": fmt.Sprintf("https://github.com/%s/%s/pull/%d", repoOwner, repoName, number),
				"user":     user("alice", "User"),
				"head":     map[string]any{"ref": branch, "sha": head, "repo": repo},
				"base":     map[string]any{"ref": "main", "sha": shaBase, "repo": repo},
			},
			"repository": repository(),
			"sender":     user("alice", "User"),
		},
	}
}

// pushEvent is the push of merge to main (the merge button of pull request number).
func pushEvent(number int, before, merge string) event {
	return event{
		label: fmt.Sprintf("push-merge-%d", number),
		name:  "push",
		sha:   merge,
		payload: map[string]any{
			"ref": "refs/heads/main", "before": before, "after": merge,
			"head_commit": map[string]any{"id": merge, "message": fmt.Sprintf("Merge pull request #%d", number)},
			"commits":     []any{},
			"pusher":      map[string]any{"name": "bob", "email": "bob@example.com"},
			"repository":  repository(),
			"sender":      user("bob", "User"),
		},
	}
}

// scheduleEvent is the nightly cron run; the action does not read its payload.
func scheduleEvent(label, sha string) event {
	return event{label: label, name: "schedule", sha: sha, payload: map[string]any{"schedule": "17 3 * * *"}}
}

// riskEvent is the repository_dispatch a SOAR sends to raise a user's risk.
func riskEvent(sha string) event {
	return event{
		label: "repository-dispatch",
		name:  "repository_dispatch",
		sha:   sha,
		payload: map[string]any{
			"action": "user-risk",
			"branch": "main",
			"client_payload": map[string]any{
				"command":    "user-risk",
				"user":       riskUser,
				"risk_level": "HIGH",
				"reason":     riskReason,
			},
			"repository": repository(),
			"sender":     user("soar-bot", "Bot"),
		},
	}
}

// The user-risk request of step 5.
const (
	riskUser   = "john.roe@example.com"
	riskReason = "SOAR playbook 12: impossible travel followed by an MFA push flood"
)
