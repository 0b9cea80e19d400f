package plan

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/itpsync/itpsync/internal/itp"
)

// A saved plan (plan --out FILE) is read back by apply FILE, so the JSON encoding must
// round-trip: Change.Before/After are decoded into the itp type of the change's Kind, and
// field values back into string, bool, int or []string.

// MarshalJSON encodes the change; Before and After are written as their itp objects.
func (c Change) MarshalJSON() ([]byte, error) {
	type plain Change // no methods: avoids recursion
	return json.Marshal(plain(c))
}

// UnmarshalJSON decodes a change, Before and After into the itp type of its Kind.
func (c *Change) UnmarshalJSON(data []byte) error {
	type plain Change
	var raw struct {
		plain
		Before json.RawMessage `json:"before"`
		After  json.RawMessage `json:"after"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	*c = Change(raw.plain)
	var err error
	if c.Before, err = decodeObject(c.Kind, raw.Before); err != nil {
		return fmt.Errorf("decode %s before: %w", c.Address, err)
	}
	if c.After, err = decodeObject(c.Kind, raw.After); err != nil {
		return fmt.Errorf("decode %s after: %w", c.Address, err)
	}
	return nil
}

// decodeObject decodes one itp object of the given kind; nil for an absent or null value.
func decodeObject(kind string, data json.RawMessage) (any, error) {
	if len(data) == 0 || bytes.Equal(data, []byte("null")) {
		return nil, nil
	}
	var v any
	switch kind {
	case itp.KindZone:
		v = &itp.Zone{}
	case itp.KindEntityRiskRule:
		v = &itp.EntityRiskRule{}
	case itp.KindPostAuthRule:
		v = &itp.PostAuthRule{}
	case itp.KindSessionViolation:
		v = &itp.SessionViolationRule{}
	case itp.KindProvider:
		v = &itp.Provider{}
	case itp.KindUserRisk:
		v = &itp.UserRisk{}
	default:
		return nil, fmt.Errorf("unknown kind %q", kind)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return nil, err
	}
	return v, nil
}

// UnmarshalJSON decodes a field change, its values back into string, bool, int or
// []string.
func (f *FieldChange) UnmarshalJSON(data []byte) error {
	var raw struct {
		Path   string          `json:"path"`
		Before json.RawMessage `json:"before"`
		After  json.RawMessage `json:"after"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	f.Path = raw.Path
	var err error
	if f.Before, err = decodeValue(raw.Before); err != nil {
		return fmt.Errorf("decode field %q before: %w", raw.Path, err)
	}
	if f.After, err = decodeValue(raw.After); err != nil {
		return fmt.Errorf("decode field %q after: %w", raw.Path, err)
	}
	return nil
}

func decodeValue(data json.RawMessage) (any, error) {
	data = bytes.TrimSpace(data)
	if len(data) == 0 || bytes.Equal(data, []byte("null")) {
		return nil, nil
	}
	switch data[0] {
	case '"':
		var s string
		err := json.Unmarshal(data, &s)
		return s, err
	case 't', 'f':
		var b bool
		err := json.Unmarshal(data, &b)
		return b, err
	case '[':
		var l []string
		err := json.Unmarshal(data, &l)
		return l, err
	default:
		var n int
		if err := json.Unmarshal(data, &n); err != nil {
			return nil, fmt.Errorf("want a string, bool, integer or list of strings: %w", err)
		}
		return n, nil
	}
}
