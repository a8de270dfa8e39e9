package auth

import "slices"

// Principal is the identity an authenticated request acts as.
type Principal struct {
	UserID         string
	Username       string
	DisplayName    string
	Roles          []Role
	DeptCode       string // officers: the department they work in
	EnterpriseUSCC string // applicants: the enterprise they act for
}

// Has reports whether p holds role.
func (p Principal) Has(role Role) bool {
	return slices.Contains(p.Roles, role)
}

// HasAny reports whether p holds at least one of roles.
func (p Principal) HasAny(roles ...Role) bool {
	return slices.ContainsFunc(roles, p.Has)
}

// IsOfficer reports whether p works cases inside a department.
func (p Principal) IsOfficer() bool {
	return IsOfficerAny(p.Roles)
}

// IsAdmin reports whether p is one of the three administrators.
func (p Principal) IsAdmin() bool {
	return slices.ContainsFunc(p.Roles, IsAdmin)
}
