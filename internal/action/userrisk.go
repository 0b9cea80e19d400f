package action

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/itpsync/itpsync/internal/engine"
	"github.com/itpsync/itpsync/internal/itp"
	"github.com/itpsync/itpsync/internal/spec"
)

// userRisk sets one user's risk level as an audited operation: the job summary is the
// audit record (who, what, before, after, why, when, where), written whatever happens.
func (x *run) userRisk(ctx context.Context) int {
	in := x.in
	var missing []string
	for _, f := range []struct{ name, v string }{{"user", in.User}, {"risk_level", in.RiskLevel}, {"reason", in.Reason}} {
		if f.v == "" {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return x.fail(fmt.Errorf("user-risk: missing %s: set the input(s), or the dispatch's inputs / client_payload", strings.Join(missing, ", ")))
	}
	if in.RiskLevel != itp.RiskHigh && in.RiskLevel != itp.RiskLow {
		return x.fail(fmt.Errorf("user-risk: invalid risk_level %q: want HIGH or LOW (the API cannot set others)", in.RiskLevel))
	}
	check, err := x.orgCheck()
	if err != nil {
		return x.fail(err)
	}
	org, err := x.connect(check)
	if err != nil {
		return x.fail(err)
	}
	at := x.env.Now().UTC()
	rc, err := engine.SetUserRisk(ctx, org, in.User, in.RiskLevel, in.Reason, in.DryRun)
	org.maskToken()
	result := ResultRiskUnchanged
	switch {
	case err != nil:
		result = ResultError
	case in.DryRun:
		result = ResultDryRun
	case rc.Changed:
		result = ResultRiskSet
	}
	x.out.set("result", result)
	x.summary(x.auditRecord(rc, result, at, err))
	if err != nil {
		return x.fail(err)
	}
	// The log keeps the audit record too (the summary is not searchable).
	x.logf("user-risk: %s: %s → %s (%s), triggered by %s, reason %q", rc.User, rc.Before, rc.After, result,
		x.ev.sender(x.gh.Actor), x.in.Reason)
	return ExitOK
}

// orgCheck returns the environment's org check for user-risk. The definitions may be
// invalid (incident response must not wait for a YAML fix), so only their environments are
// used; a repository without definitions can run user-risk without an environment.
func (x *run) orgCheck() (func(string) error, error) {
	dir := x.policiesDir()
	sd, _, err := spec.Load(dir)
	if err != nil {
		if _, statErr := os.Stat(dir); errors.Is(statErr, fs.ErrNotExist) && x.in.Environment == "" {
			x.logf("no definitions in %q: no environment org_url to check", x.relPath(dir))
			return nil, nil
		}
		return nil, fmt.Errorf("user-risk: read the environments to check the org: %w", err)
	}
	return func(orgURL string) error { return sd.CheckOrgURL(x.in.Environment, orgURL) }, nil
}

// auditRecord is the job summary of a user-risk run.
func (x *run) auditRecord(rc *engine.RiskChange, result string, at time.Time, err error) string {
	before, after := "unknown", "unknown"
	if rc != nil {
		before, after = rc.Before, rc.After
	}
	dry := "no"
	if x.in.DryRun {
		dry = "yes — nothing was changed"
	}
	outcome := result
	if err != nil {
		outcome = "failed: " + err.Error()
	}
	rows := [][2]string{
		{"Triggered by", x.ev.sender(x.gh.Actor)},
		{"Event", x.gh.EventName},
		{"Environment", strings.Trim(envLabel(x.in.Environment), `"`)},
		{"User", x.in.User},
		{"Risk before", before},
		{"Risk after", after},
		{"Requested level", x.in.RiskLevel},
		{"Reason", x.in.Reason},
		{"Time (UTC)", at.Format(time.RFC3339)},
		{"Dry run", dry},
		{"Outcome", outcome},
		{"Workflow run", x.gh.RunURL()},
	}
	// Identifiers are code spans: copied exactly (no zero-width space after an @, which
	// keeps a login in text from mentioning anyone), and never a mention either.
	code := map[string]bool{"Triggered by": true, "User": true, "Risk before": true, "Risk after": true, "Requested level": true}
	var b strings.Builder
	fmt.Fprintf(&b, "## itpsync user-risk%s\n\n| | |\n|---|---|\n", x.envHeading())
	for _, r := range rows {
		v := mdText(r[1])
		switch {
		case r[1] == "":
			v = "—"
		case r[0] == "Workflow run":
			v = "[" + mdText(x.gh.RunID) + "](" + r[1] + ")"
		case code[r[0]]:
			v = "`" + mdCode(r[1]) + "`"
		}
		fmt.Fprintf(&b, "| %s | %s |\n", r[0], v)
	}
	return b.String()
}
