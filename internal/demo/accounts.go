// Package demo loads the demonstration data: one account per role, officer
// accounts for every catalog department, demo enterprises, and projects
// with a realistic history (Seed).
package demo

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/auth"
	"github.com/tongban/tongban/internal/ident"
	"github.com/tongban/tongban/internal/store"
	"github.com/tongban/tongban/internal/workflow"
)

// Enterprise is a demo applicant enterprise.
type Enterprise struct {
	USCC     string
	Name     string
	Username string // its applicant account
	Display  string
}

// Enterprises are the demo applicants. Their credit codes are built with a
// valid check character; the names are fictitious.
var Enterprises = []Enterprise{
	{USCC: uscc("91350200MA2YA001"), Name: "厦门鹭岛智造科技有限公司", Username: "qiye", Display: "林晓燕（鹭岛智造）"},
	{USCC: uscc("91350200MA2YB002"), Name: "厦门海湾置业有限公司", Username: "qiye2", Display: "陈建国（海湾置业）"},
	{USCC: uscc("91350200MA2YC003"), Name: "厦门翔安城建开发有限公司", Username: "qiye3", Display: "王志强（翔安城建）"},
}

// uscc completes a 16-character stem to an 18-character code: one more
// organisation-code digit, then the GB 32100 check character.
func uscc(stem string) string {
	first17 := stem + "7"
	c, err := ident.USCCCheckChar(first17)
	if err != nil {
		panic("demo: bad credit code stem " + stem)
	}
	return first17 + string(c)
}

// Account is a demo account and its password, printed once at creation.
type Account struct {
	Username string
	Password string
	Role     auth.Role
	Dept     string
	Display  string
	Note     string
}

// Options control Load.
type Options struct {
	Projects int // demo projects with history (Seed) to add on first load
	Seed     int64
}

// LeadDept is the department of the demo lead coordinator: the lead of
// stage 1 in most flows.
const LeadDept = "ZRGH"

// Load creates the demo accounts (and projects) in a database that has no
// accounts yet and returns them with their generated passwords. On a
// database that already has accounts it creates nothing and returns nil:
// passwords are shown only once.
func Load(ctx context.Context, svc *workflow.Service, o Options) ([]Account, error) {
	var n int
	if err := svc.DB().Read(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, `SELECT COUNT(*) FROM users`).Scan(&n)
	}); err != nil {
		return nil, err
	}
	if n > 0 {
		return nil, nil
	}
	main := []Account{
		{Username: Enterprises[0].Username, Role: auth.Applicant, Display: Enterprises[0].Display, Note: Enterprises[0].Name},
		{Username: "shouli", Role: auth.Clerk, Dept: LeadDept, Display: "张敏（受理）"},
		{Username: "shencha", Role: auth.Reviewer, Dept: LeadDept, Display: "李华（审查）"},
		{Username: "qianfa", Role: auth.Approver, Dept: LeadDept, Display: "赵刚（签发）"},
		{Username: "qiantou", Role: auth.LeadCoordinator, Dept: LeadDept, Display: "周洁（牵头协调）"},
		{Username: "jiancha", Role: auth.Supervisor, Display: "孙立（效能监察）"},
		{Username: "xitong", Role: auth.SystemAdmin, Display: "系统管理员"},
		{Username: "anquan", Role: auth.SecurityAdmin, Display: "安全管理员"},
		{Username: "shenji", Role: auth.AuditAdmin, Display: "审计管理员"},
	}
	var out []Account
	for i := range main {
		a := &main[i]
		a.Password = auth.GeneratePassword()
		in := workflow.UserInput{Username: a.Username, DisplayName: a.Display, Password: a.Password, Roles: []auth.Role{a.Role}, DeptCode: a.Dept}
		if a.Role == auth.Applicant {
			in.EnterpriseUSCC, in.EnterpriseName = Enterprises[0].USCC, Enterprises[0].Name
		}
		if _, err := svc.CreateUserAsSystem(ctx, in); err != nil {
			return nil, fmt.Errorf("demo account %s: %w", a.Username, err)
		}
		out = append(out, *a)
	}
	// Every department gets a clerk, reviewer, approver and lead
	// coordinator, and the other enterprises an applicant, all sharing one
	// generated password so the demo can be walked through by clicking.
	shared := auth.GeneratePassword()
	for _, e := range Enterprises[1:] {
		if _, err := svc.CreateUserAsSystem(ctx, workflow.UserInput{Username: e.Username, DisplayName: e.Display, Password: shared,
			Roles: []auth.Role{auth.Applicant}, EnterpriseUSCC: e.USCC, EnterpriseName: e.Name}); err != nil {
			return nil, fmt.Errorf("demo applicant %s: %w", e.Username, err)
		}
		out = append(out, Account{Username: e.Username, Password: shared, Role: auth.Applicant, Display: e.Display, Note: e.Name})
	}
	for _, d := range svc.Catalog().Departments() {
		for _, r := range []auth.Role{auth.Clerk, auth.Reviewer, auth.Approver, auth.LeadCoordinator} {
			u := OfficerUsername(d.Code, r)
			if _, err := svc.CreateUserAsSystem(ctx, workflow.UserInput{Username: u, DisplayName: d.Name + r.Label("zh"), Password: shared,
				Roles: []auth.Role{r}, DeptCode: d.Code}); err != nil {
				return nil, fmt.Errorf("demo officer %s: %w", u, err)
			}
			out = append(out, Account{Username: u, Password: shared, Role: r, Dept: d.Code, Display: d.Name})
		}
	}
	if o.Projects > 0 {
		if _, err := Seed(ctx, svc, SeedOptions{Projects: o.Projects, Seed: o.Seed}); err != nil {
			return out, err
		}
	}
	return out, nil
}

// OfficerUsername is the demo username of a department's officer, e.g. "zrgh-clerk".
func OfficerUsername(dept string, r auth.Role) string {
	return strings.ToLower(dept) + "-" + string(r)
}

// PrintAccounts prints the accounts once: the role accounts in a table and
// the department officers summarised.
func PrintAccounts(w io.Writer, accounts []Account) {
	if accounts == nil {
		fmt.Fprintln(w, "演示账号已在首次启动时创建，密码只显示一次；如已遗忘，请删除数据目录后重新运行。")
		fmt.Fprintln(w, "Demo accounts were created on first start and their passwords shown once; delete the data directory to start afresh.")
		return
	}
	fmt.Fprintln(w, "演示账号（密码仅显示这一次）/ demo accounts (passwords shown only this once):")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  角色 role\t用户名 username\t密码 password\t部门/企业 dept/enterprise")
	var shared string
	depts := 0
	for _, a := range accounts {
		if strings.Contains(a.Username, "-") {
			shared = a.Password
			depts++
			continue
		}
		where := a.Dept
		if a.Note != "" {
			where = a.Note
		}
		fmt.Fprintf(tw, "  %s %s\t%s\t%s\t%s\n", a.Role.Label("zh"), a.Role, a.Username, a.Password, where)
	}
	tw.Flush()
	if depts > 0 {
		fmt.Fprintf(w, "各部门审批人员 / every department's officers (%d accounts): <部门代码>-clerk|reviewer|approver|lead，如 zrgh-clerk、zj-approver；统一密码 shared password: %s\n", depts, shared)
	}
}

var _ = apperr.Invalid
