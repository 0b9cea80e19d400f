package render

import (
	"encoding/json"
	"io"

	"github.com/itpsync/itpsync/internal/plan"
)

// The JSON views are the plan's own encoding (which plan.Change round-trips, so a saved
// plan can be applied) with a few derived fields for scripts; all names are snake_case.

type jsonPlanView struct {
	*plan.Plan
	Summary    string `json:"summary"`
	HasChanges bool   `json:"has_changes"`
}

type jsonDriftView struct {
	*plan.Plan
	Summary string `json:"summary"`
	Drifted bool   `json:"drifted"`
}

type jsonResultView struct {
	FormatVersion int    `json:"format_version"`
	Summary       string `json:"summary"`
	Failed        bool   `json:"failed"`
	*plan.Result
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	// Plans carry org text; HTML escaping keeps them inert if a JSON file is ever shown in
	// a browser.
	enc.SetEscapeHTML(true)
	return enc.Encode(v)
}

func jsonPlan(w io.Writer, p *plan.Plan) error {
	return writeJSON(w, jsonPlanView{p, p.Summary(), p.HasChanges()})
}

func jsonDrift(w io.Writer, p *plan.Plan) error {
	return writeJSON(w, jsonDriftView{p, driftSummary(p), p.HasChanges()})
}

func jsonResult(w io.Writer, r *plan.Result) error {
	return writeJSON(w, jsonResultView{plan.FormatVersion, resultSummary(r), r.Failed(), r})
}
