package plan

import (
	"errors"

	"github.com/itpsync/itpsync/internal/itp"
)

// Compute returns the plan that takes the org from actual to desired. It never modifies
// its inputs.
func Compute(desired, actual *itp.Config, opts Options) (*Plan, error) {
	return nil, errors.New("compute plan: not implemented yet")
}
