package auth

import (
	"fmt"
	"slices"
	"strings"

	"github.com/tongban/tongban/internal/apperr"
)

// Role is what an account may do. An account holds one or more roles,
// subject to ValidateRoles.
type Role string

// The roles. Officers work cases inside a department; the three
// administrators split system power as 等保 2.0 requires (三员分立).
const (
	Applicant       Role = "applicant"  // 申请人: acts for one enterprise
	Clerk           Role = "clerk"      // 窗口受理人员: accepts or refuses at the window
	Reviewer        Role = "reviewer"   // 审查人员: examines (承办/审查)
	Approver        Role = "approver"   // 签发人员: decides and signs (审核/签发)
	LeadCoordinator Role = "lead"       // 牵头部门协调人: coordinates a stage for the lead department
	Supervisor      Role = "supervisor" // 效能监察: oversees deadlines and ratings, read-only on cases
	SystemAdmin     Role = "sysadmin"   // 系统管理员: configuration, catalogs, accounts' existence
	SecurityAdmin   Role = "secadmin"   // 安全管理员: roles, permissions, security policy
	AuditAdmin      Role = "auditadmin" // 审计管理员: reads and keeps the audit records
)

// roleInfo holds the labels of each role, in display order.
var roleInfo = []struct {
	role   Role
	zh, en string
}{
	{Applicant, "申请人", "Applicant"},
	{Clerk, "窗口受理人员", "Intake clerk"},
	{Reviewer, "审查人员", "Reviewer"},
	{Approver, "签发人员", "Approver"},
	{LeadCoordinator, "牵头部门协调人", "Lead-department coordinator"},
	{Supervisor, "效能监察", "Performance supervisor"},
	{SystemAdmin, "系统管理员", "System administrator"},
	{SecurityAdmin, "安全管理员", "Security administrator"},
	{AuditAdmin, "审计管理员", "Audit administrator"},
}

// Roles returns every role in display order.
func Roles() []Role {
	out := make([]Role, len(roleInfo))
	for i, ri := range roleInfo {
		out[i] = ri.role
	}
	return out
}

// Label returns the role's name in the given language ("en…" for English,
// anything else for Chinese); an unknown role is returned as is.
func (r Role) Label(lang string) string {
	for _, ri := range roleInfo {
		if ri.role == r {
			if strings.HasPrefix(lang, "en") {
				return ri.en
			}
			return ri.zh
		}
	}
	return string(r)
}

// Valid reports whether r is one of the defined roles.
func (r Role) Valid() bool {
	for _, ri := range roleInfo {
		if ri.role == r {
			return true
		}
	}
	return false
}

// ParseRole returns the role named s (its code, e.g. "reviewer"; case and
// surrounding spaces are ignored).
func ParseRole(s string) (Role, error) {
	r := Role(strings.ToLower(strings.TrimSpace(s)))
	if !r.Valid() {
		codes := make([]string, len(roleInfo))
		for i, ri := range roleInfo {
			codes[i] = string(ri.role)
		}
		return "", apperr.New(apperr.Invalid, "role.unknown",
			fmt.Sprintf("未知角色“%s”，可选：%s", s, strings.Join(codes, "、")),
			fmt.Sprintf("unknown role %q; choose one of %s", s, strings.Join(codes, ", ")))
	}
	return r, nil
}

// IsOfficer reports whether r works cases inside a department.
func IsOfficer(r Role) bool {
	switch r {
	case Clerk, Reviewer, Approver, LeadCoordinator:
		return true
	}
	return false
}

// IsOfficerAny reports whether any of roles is an officer role.
func IsOfficerAny(roles []Role) bool {
	return slices.ContainsFunc(roles, IsOfficer)
}

// IsAdmin reports whether r is one of the three administrators.
func IsAdmin(r Role) bool {
	switch r {
	case SystemAdmin, SecurityAdmin, AuditAdmin:
		return true
	}
	return false
}

// ValidateRoles checks the roles of one account. The rules:
//
//  1. At least one role, each known, none twice.
//  2. 三员分立: at most one of sysadmin, secadmin, auditadmin (GB/T 22239-2019
//     8.1.4.2: system, security and audit administration by different people).
//  3. An administrator holds no other role. Administrators can change
//     accounts and configuration; letting one also decide or apply for cases
//     would let a person grant themselves what they then use.
//  4. An applicant holds no other role. An applicant acts for an enterprise;
//     an officer or supervisor who is also an applicant could handle or
//     oversee their own case. A person who is both gets two accounts.
//  5. A supervisor is not also an officer: supervision (效能监察) of a case
//     must not be done by one of the people handling it.
//
// Officer roles combine freely (a small department's clerk may also review).
func ValidateRoles(roles []Role) error {
	if len(roles) == 0 {
		return rolesErr("roles.empty", "账号至少需要一个角色", "an account needs at least one role")
	}
	seen := map[Role]bool{}
	for _, r := range roles {
		if !r.Valid() {
			_, err := ParseRole(string(r))
			return err
		}
		if seen[r] {
			return rolesErr("roles.duplicate",
				fmt.Sprintf("角色“%s”重复", r.Label("zh")),
				fmt.Sprintf("the role %q is listed twice", r.Label("en")))
		}
		seen[r] = true
	}
	var admins []Role
	for _, r := range roles {
		if IsAdmin(r) {
			admins = append(admins, r)
		}
	}
	switch {
	case len(admins) > 1:
		return rolesErr("roles.admin_separation",
			fmt.Sprintf("三员分立：系统管理员、安全管理员、审计管理员须由不同账号担任，不能同时拥有“%s”和“%s”", admins[0].Label("zh"), admins[1].Label("zh")),
			fmt.Sprintf("separation of administrators: system, security and audit administrators must be different accounts; %s and %s cannot be combined", admins[0].Label("en"), admins[1].Label("en")))
	case len(admins) == 1 && len(roles) > 1:
		other := firstOther(roles, admins[0])
		return rolesErr("roles.admin_exclusive",
			fmt.Sprintf("管理员账号不能兼任业务角色：“%s”不能与“%s”同时拥有", admins[0].Label("zh"), other.Label("zh")),
			fmt.Sprintf("an administrator account holds no other role: %s cannot be combined with %s", admins[0].Label("en"), other.Label("en")))
	case seen[Applicant] && len(roles) > 1:
		other := firstOther(roles, Applicant)
		return rolesErr("roles.applicant_exclusive",
			fmt.Sprintf("申请人账号不能兼任其他角色（“%s”），请为工作人员另开账号", other.Label("zh")),
			fmt.Sprintf("an applicant account holds no other role (%s); officers need a separate account", other.Label("en")))
	case seen[Supervisor] && IsOfficerAny(roles):
		other := roles[slices.IndexFunc(roles, IsOfficer)]
		return rolesErr("roles.supervisor_exclusive",
			fmt.Sprintf("效能监察人员不能同时是办件人员（“%s”）", other.Label("zh")),
			fmt.Sprintf("a performance supervisor cannot also be an officer (%s)", other.Label("en")))
	}
	return nil
}

// firstOther returns the first role in roles that is not r.
func firstOther(roles []Role, r Role) Role {
	for _, o := range roles {
		if o != r {
			return o
		}
	}
	return r
}

// rolesErr is an Invalid error on the "roles" field.
func rolesErr(key, zh, en string) error {
	return apperr.New(apperr.Invalid, key, zh, en).WithField("roles", "invalid", zh, en)
}
