package spec

import (
	"strings"

	"github.com/itpsync/itpsync/internal/itp"
	"gopkg.in/yaml.v3"
)

var (
	userRiskKeys = []string{"user", "risk_level"}
	// userRiskLevels are the levels the API can set (PUT /users/{id}/risk takes HIGH or LOW).
	userRiskLevels = []string{itp.RiskHigh, itp.RiskLow}
)

// userRisk reads one user risk assignment.
func (b *builder) userRisk(key, n *yaml.Node) {
	const what = "user risk"
	fields, ok := b.keyedFields(itp.KindUserRisk+"."+key.Value, key, n, what, userRiskKeys, "user", "risk_level")
	if !ok {
		return
	}
	u := itp.UserRisk{Key: key.Value}
	if f, ok := fields["user"]; ok {
		if s, ok := b.str(f.val, "user"); ok {
			if strings.TrimSpace(s) == "" {
				b.errorf(deref(f.val), "required", "user of %s must not be empty", what)
			}
			u.User = s
		}
	}
	u.RiskLevel = b.enumField(fields, "risk_level", what, userRiskLevels)
	b.cfg.UserRisks = append(b.cfg.UserRisks, u)
}
