package plan

import "github.com/itpsync/itpsync/internal/itp"

// Strip returns a normalised deep copy of c with every Meta cleared and user risk reasons
// dropped: what the fingerprint and state hash are computed over.
func Strip(c *itp.Config) *itp.Config {
	return nil
}

// Diff lists, sorted, the addresses whose changes (or unmanaged entries) differ between
// two plans: what changed since a plan was reviewed.
func Diff(a, b *Plan) []string {
	return nil
}
