package oktaemu

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
)

// Seed is the initial content of an org beyond what every org has (system zones, the three
// ITP policies and their pre-provisioned rules). It loads from JSON.
type Seed struct {
	Users  []SeedUser  `json:"users"`
	Groups []SeedGroup `json:"groups"`
	// Zones are zone objects as a POST /api/v1/zones would send them.
	Zones []json.RawMessage `json:"zones"`
	// Providers are security events providers as a POST would send them.
	Providers []json.RawMessage `json:"providers"`
}

// SeedUser is a user of the seed; RiskLevel (HIGH or LOW) sets an admin risk override.
type SeedUser struct {
	Login     string `json:"login"`
	Email     string `json:"email"`
	FirstName string `json:"firstName"`
	LastName  string `json:"lastName"`
	Status    string `json:"status,omitempty"`
	RiskLevel string `json:"riskLevel,omitempty"`
}

// SeedGroup is an Okta group of the seed.
type SeedGroup struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
}

// DefaultSeed is two users and the groups Everyone and Break Glass Admins.
func DefaultSeed() *Seed {
	return &Seed{
		Users: []SeedUser{
			{Login: "jane.doe@example.com", Email: "jane.doe@example.com", FirstName: "Jane", LastName: "Doe"},
			{Login: "john.roe@example.com", Email: "john.roe@example.com", FirstName: "John", LastName: "Roe"},
		},
		Groups: []SeedGroup{
			{Name: "Everyone", Description: "All users in your organization"},
			{Name: "Break Glass Admins", Description: "Emergency administrators"},
		},
	}
}

// LoadSeed reads a seed from a JSON file and checks that it applies to a fresh org.
func LoadSeed(path string) (*Seed, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read seed: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var s Seed
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("parse seed %q: %w", path, err)
	}
	if err := newOrg(nil, false).apply(&s); err != nil {
		return nil, fmt.Errorf("check seed %q: %w", path, err)
	}
	return &s, nil
}

// apply adds the seed's content to the org.
func (o *Org) apply(s *Seed) error {
	for i, g := range s.Groups {
		if g.Name == "" {
			return fmt.Errorf("group %d: name is empty", i)
		}
		if _, err := o.AddGroup(g); err != nil {
			return err
		}
	}
	for _, u := range s.Users {
		if _, err := o.AddUser(u); err != nil {
			return err
		}
	}
	for i, z := range s.Zones {
		if _, err := o.AddZone(z); err != nil {
			return fmt.Errorf("zone %d: %w", i, err)
		}
	}
	for i, p := range s.Providers {
		if _, err := o.AddProvider(p); err != nil {
			return fmt.Errorf("provider %d: %w", i, err)
		}
	}
	return nil
}
