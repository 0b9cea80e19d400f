package action

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/itpsync/itpsync/internal/plan"
)

// Results, the `result` output: what the run did.
const (
	ResultPlanned         = "planned"
	ResultNoChanges       = "no-changes"
	ResultApplied         = "applied"
	ResultApplyFailed     = "apply-failed"
	ResultPlanChanged     = "plan-changed"
	ResultAlreadyApplied  = "already-applied"
	ResultDrifted         = "drifted"
	ResultInSync          = "in-sync"
	ResultInvalid         = "invalid"
	ResultValid           = "valid"
	ResultRiskSet         = "risk-set"
	ResultRiskUnchanged   = "risk-unchanged"
	ResultDryRun          = "dry-run"
	ResultForkNoPlan      = "fork-no-plan"
	ResultError           = "error"
	maxPlanJSONOutputSize = 256 << 10
)

// outputNames are the step outputs the action writes, as action.yml declares them (a test
// checks both ways, and every scenario checks that nothing else is written).
var outputNames = []string{"has_changes", "to_add", "to_change", "to_delete", "plan_json", "comment_url", "issue_url", "result"}

// outputs collects the step outputs; they are written once, at the end of the run, in a
// fixed order.
type outputs struct {
	values map[string]string
}

func (o *outputs) set(name, value string) {
	if o.values == nil {
		o.values = map[string]string{}
	}
	o.values[name] = value
}

// setPlan sets has_changes, the counts and plan_json from p. plan_json is left empty when
// the plan is larger than a step output should be (GitHub allows 1 MB of outputs per job);
// the caller logs that.
func (o *outputs) setPlan(p *plan.Plan) (tooLarge bool, err error) {
	o.set("has_changes", strconv.FormatBool(p.HasChanges()))
	o.set("to_add", strconv.Itoa(p.Counts.Add))
	o.set("to_change", strconv.Itoa(p.Counts.Change))
	o.set("to_delete", strconv.Itoa(p.Counts.Delete))
	data, err := json.Marshal(p)
	if err != nil {
		return false, fmt.Errorf("encode the plan as JSON: %w", err)
	}
	if len(data) > maxPlanJSONOutputSize {
		o.set("plan_json", "")
		return true, nil
	}
	o.set("plan_json", string(data))
	return false, nil
}

// write sets every collected output through set, sorted by name; it returns the first
// error and still tries the rest.
func (o *outputs) write(set func(name, value string) error) error {
	var first error
	for _, name := range sortedKeys(o.values) {
		if err := set(name, o.values[name]); err != nil && first == nil {
			first = err
		}
	}
	return first
}
