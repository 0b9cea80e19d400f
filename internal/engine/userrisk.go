package engine

import (
	"context"
	"fmt"
	"strings"

	"github.com/itpsync/itpsync/internal/itp"
)

// RiskChange is the record of one user-risk dispatch: what the user's risk was, what it
// is now, and why it was changed.
type RiskChange struct {
	User   string `json:"user"`
	Before string `json:"before"`
	After  string `json:"after"`
	Reason string `json:"reason"`
	// Changed is true when a PUT was sent (false when the user was already at the level or
	// the run was a dry run).
	Changed bool `json:"changed"`
	DryRun  bool `json:"dry_run"`
}

// SetUserRisk sets user's risk (login or ID) to level (HIGH or LOW) for the given reason,
// which is required: lowering a risk is an incident-response decision and must say why.
// It reads the current level first and writes only when it differs and dryRun is false.
func SetUserRisk(ctx context.Context, org Org, user, level, reason string, dryRun bool) (*RiskChange, error) {
	user = strings.TrimSpace(user)
	level = strings.ToUpper(strings.TrimSpace(level))
	reason = strings.TrimSpace(reason)
	switch {
	case user == "":
		return nil, fmt.Errorf("set user risk: a user (login or ID) is required")
	case level != itp.RiskHigh && level != itp.RiskLow:
		return nil, fmt.Errorf("set user risk of %q: invalid level %q: want HIGH or LOW (the API cannot set others)", user, level)
	case reason == "":
		return nil, fmt.Errorf("set user risk of %q: a reason is required; it is recorded with the change", user)
	}
	cur, err := org.GetUserRisk(ctx, user)
	if err != nil {
		return nil, fmt.Errorf("set user risk of %q: %w", user, err)
	}
	before := strings.ToUpper(cur.RiskLevel)
	if before == "" {
		before = itp.RiskNone
	}
	rc := &RiskChange{User: user, Before: before, After: before, Reason: reason, DryRun: dryRun}
	if before == level {
		return rc, nil
	}
	if dryRun {
		rc.After = level
		return rc, nil
	}
	_, got, err := org.SetUserRisk(ctx, user, level)
	if err != nil {
		return rc, fmt.Errorf("set user risk of %q to %s: %w", user, level, err)
	}
	rc.Changed = true
	rc.After = strings.ToUpper(got.RiskLevel)
	if rc.After == "" {
		rc.After = level
	}
	return rc, nil
}
