package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/approval"
	"github.com/tongban/tongban/internal/auth"
	"github.com/tongban/tongban/internal/store"
	"github.com/tongban/tongban/internal/workflow"
)

// routesTable is the one route table, top to bottom.
func (s *Server) routesTable() {
	// Accounts and sessions.
	add(s, huma.Operation{OperationID: "login", Method: http.MethodPost, Path: "/api/v1/auth/login", Summary: "登录 Log in", Tags: []string{"auth"}}, nil, s.login)
	add(s, huma.Operation{OperationID: "logout", Method: http.MethodPost, Path: "/api/v1/auth/logout", Summary: "退出 Log out", Tags: []string{"auth"}}, anyone, s.logout)
	add(s, huma.Operation{OperationID: "me", Method: http.MethodGet, Path: "/api/v1/me", Summary: "当前用户 Current user", Tags: []string{"auth"}}, anyone, s.me)
	add(s, huma.Operation{OperationID: "list-notifications", Method: http.MethodGet, Path: "/api/v1/notifications", Summary: "消息 Notifications", Tags: []string{"auth"}}, anyone, s.notifications)
	add(s, huma.Operation{OperationID: "list-users", Method: http.MethodGet, Path: "/api/v1/users", Summary: "账号列表 List accounts", Tags: []string{"admin"}}, userReaders, s.listUsers)
	add(s, huma.Operation{OperationID: "create-user", Method: http.MethodPost, Path: "/api/v1/users", Summary: "创建账号 Create account", Tags: []string{"admin"}, DefaultStatus: 201}, userAdmins, s.createUser)
	add(s, huma.Operation{OperationID: "update-user", Method: http.MethodPatch, Path: "/api/v1/users/{id}", Summary: "停用或启用账号 Disable or enable an account", Tags: []string{"admin"}}, userAdmins, s.updateUser)
	add(s, huma.Operation{OperationID: "reset-password", Method: http.MethodPut, Path: "/api/v1/users/{id}/password", Summary: "重置密码 Reset an account's password", Tags: []string{"admin"}, DefaultStatus: 204}, userAdmins, s.resetPassword)
	add(s, huma.Operation{OperationID: "change-password", Method: http.MethodPut, Path: "/api/v1/me/password", Summary: "修改本人密码 Change my password", Tags: []string{"auth"}, DefaultStatus: 204}, anyone, s.changePassword)

	// Catalog and rules.
	add(s, huma.Operation{OperationID: "list-flows", Method: http.MethodGet, Path: "/api/v1/catalog/flows", Summary: "审批流程 Flows", Tags: []string{"catalog"}}, anyone, s.listFlows)
	add(s, huma.Operation{OperationID: "get-flow", Method: http.MethodGet, Path: "/api/v1/catalog/flows/{id}", Summary: "流程详情 Flow", Tags: []string{"catalog"}}, anyone, s.getFlow)
	add(s, huma.Operation{OperationID: "list-items", Method: http.MethodGet, Path: "/api/v1/catalog/items", Summary: "审批事项 Items", Tags: []string{"catalog"}}, anyone, s.listItems)
	add(s, huma.Operation{OperationID: "list-departments", Method: http.MethodGet, Path: "/api/v1/catalog/departments", Summary: "部门 Departments", Tags: []string{"catalog"}}, anyone, s.listDepartments)
	add(s, huma.Operation{OperationID: "list-situations", Method: http.MethodGet, Path: "/api/v1/catalog/situations", Summary: "情形问卷 Situations", Tags: []string{"catalog"}}, anyone, s.listSituations)
	add(s, huma.Operation{OperationID: "preview-items", Method: http.MethodPost, Path: "/api/v1/catalog/preview", Summary: "按情形预览事项 Items a project would need", Tags: []string{"catalog"}}, anyone, s.preview)
	add(s, huma.Operation{OperationID: "publish-catalog", Method: http.MethodPut, Path: "/api/v1/catalog", Summary: "发布审批目录 Publish a catalog", Tags: []string{"catalog"},
		Description: "The whole catalog as YAML files (departments, items, situations, flows; see docs/catalog.md). It is validated as a whole and merged over the catalog in force: " +
			"published versions never change, new versions are added, projects keep the versions they started under. A bad catalog is refused with every problem (file, line, what is wrong) and changes nothing.",
		MaxBodyBytes: 5 << 20}, sysAdmins, s.publishCatalog)
	add(s, huma.Operation{OperationID: "list-states", Method: http.MethodGet, Path: "/api/v1/catalog/states", Summary: "办件状态码 State codes and transitions", Tags: []string{"catalog"}}, anyone, s.listStates)

	// Working-day calendar.
	add(s, huma.Operation{OperationID: "list-calendar-years", Method: http.MethodGet, Path: "/api/v1/calendar/years", Summary: "工作日历年份 Calendar years", Tags: []string{"calendar"}}, anyone, s.calendarYears)
	add(s, huma.Operation{OperationID: "get-calendar-year", Method: http.MethodGet, Path: "/api/v1/calendar/years/{year}", Summary: "某年节假日 A year's holidays", Tags: []string{"calendar"}}, anyone, s.calendarYear)
	add(s, huma.Operation{OperationID: "put-calendar-year", Method: http.MethodPut, Path: "/api/v1/calendar/years/{year}", Summary: "导入或更正某年节假日 Import a year", Tags: []string{"calendar"}}, sysAdmins, s.putCalendarYear)
	add(s, huma.Operation{OperationID: "calendar-due", Method: http.MethodGet, Path: "/api/v1/calendar/due", Summary: "计算到期日 Due date", Tags: []string{"calendar"}}, anyone, s.calendarDue)

	// Projects, stages and materials.
	add(s, huma.Operation{OperationID: "create-project", Method: http.MethodPost, Path: "/api/v1/projects", Summary: "申报项目 Open a project", Tags: []string{"projects"}, DefaultStatus: 201}, applicants, s.createProject)
	add(s, huma.Operation{OperationID: "list-projects", Method: http.MethodGet, Path: "/api/v1/projects", Summary: "项目列表 Projects in scope", Tags: []string{"projects"}}, projectReaders, s.listProjects)
	add(s, huma.Operation{OperationID: "get-project", Method: http.MethodGet, Path: "/api/v1/projects/{id}", Summary: "项目详情与进度 Project with progress", Tags: []string{"projects"}}, projectReaders, s.getProject)
	add(s, huma.Operation{OperationID: "submit-stage", Method: http.MethodPost, Path: "/api/v1/projects/{id}/stages/{stage}/submit", Summary: "提交阶段申报 Submit a stage", Tags: []string{"projects"}}, applicants, s.submitStage)
	add(s, huma.Operation{OperationID: "withdraw-stage", Method: http.MethodPost, Path: "/api/v1/projects/{id}/stages/{stage}/withdraw", Summary: "撤回阶段申报 Withdraw a stage", Tags: []string{"projects"}}, applicants, s.withdrawStage)
	add(s, huma.Operation{OperationID: "withdraw-project", Method: http.MethodPost, Path: "/api/v1/projects/{id}/withdraw", Summary: "撤回项目申报 Withdraw a project", Tags: []string{"projects"}}, applicants, s.withdrawProject)
	add(s, huma.Operation{OperationID: "get-stage-board", Method: http.MethodGet, Path: "/api/v1/projects/{id}/stages/{stage}/board", Summary: "牵头部门阶段看板 Lead board of a stage", Tags: []string{"stages"}}, leads, s.stageBoard)
	add(s, huma.Operation{OperationID: "chase-stage", Method: http.MethodPost, Path: "/api/v1/projects/{id}/stages/{stage}/chase", Summary: "催办 Chase a stage's departments", Tags: []string{"stages"}}, []auth.Role{auth.LeadCoordinator}, s.chase)
	add(s, huma.Operation{OperationID: "list-lead-stages", Method: http.MethodGet, Path: "/api/v1/lead/stages", Summary: "牵头的在办阶段 Stages my department leads", Tags: []string{"stages"}}, []auth.Role{auth.LeadCoordinator}, s.leadStages)
	s.rawRoute(huma.Operation{OperationID: "upload-material", Method: http.MethodPut, Path: "/api/v1/projects/{id}/stages/{stage}/materials/{code}",
		Summary: "上传材料 Upload a material", Tags: []string{"projects"},
		Description: "The request body is the file itself (any Content-Type), streamed; the file name goes in the X-File-Name header, URL-encoded. " +
			"The type is decided by content. Each upload is a new version.",
		Parameters: pathParams("id", "stage", "code"),
		Responses:  map[string]*huma.Response{"201": {Description: "stored"}, "400": {Description: "problem"}, "413": {Description: "too large"}}}, applicants, s.uploadMaterial)
	s.rawRoute(huma.Operation{OperationID: "download-material", Method: http.MethodGet, Path: "/api/v1/materials/{id}/content",
		Summary: "下载材料 Download a material version", Tags: []string{"projects"}, Parameters: pathParams("id"),
		Responses: map[string]*huma.Response{"200": {Description: "the file"}, "404": {Description: "problem"}}}, projectReaders, s.downloadMaterial)
	add(s, huma.Operation{OperationID: "recheck-material", Method: http.MethodPost, Path: "/api/v1/materials/{id}/recheck", Summary: "重新预审材料 Check a material again", Tags: []string{"projects"},
		Description: "Runs the pre-review of a material version again (issue 5): the fast checks now (type, integrity, pages, resolution, blank pages, seals), the text checks (OCR, fields, consistency) by a job within seconds. " +
			"The applicant or an officer of a department with a task in the project."}, []auth.Role{auth.Applicant, auth.Clerk, auth.Reviewer, auth.Approver}, s.recheckMaterial)
	s.rawRoute(huma.Operation{OperationID: "get-material-page", Method: http.MethodGet, Path: "/api/v1/materials/{id}/pages/{page}",
		Summary: "材料页面图 A page of a material as an image", Tags: []string{"projects"}, Parameters: pathParams("id", "page"),
		Description: "The page as the pre-review saw it (PNG): its findings' regions and seals' boxes are in its pixels. Same scope as download-material.",
		Responses:   map[string]*huma.Response{"200": {Description: "PNG"}, "400": {Description: "problem"}, "404": {Description: "problem"}}}, projectReaders, s.materialPage)

	// Tasks (item instances) and decisions.
	add(s, huma.Operation{OperationID: "list-tasks", Method: http.MethodGet, Path: "/api/v1/tasks", Summary: "待办 To-do list by deadline", Tags: []string{"tasks"}}, officersAndSup, s.listTasks)
	add(s, huma.Operation{OperationID: "get-task", Method: http.MethodGet, Path: "/api/v1/tasks/{id}", Summary: "办件详情 Task", Tags: []string{"tasks"}},
		[]auth.Role{auth.Applicant, auth.Clerk, auth.Reviewer, auth.Approver, auth.LeadCoordinator, auth.Supervisor, auth.AuditAdmin}, s.getTask)
	add(s, huma.Operation{OperationID: "act-on-task", Method: http.MethodPost, Path: "/api/v1/tasks/{id}/actions", Summary: "办理 Act on a task", Tags: []string{"tasks"},
		MaxBodyBytes: 512 << 10}, deciders, s.actOnTask) // room for a 256 KB handwritten signature in base64

	// The tamper-evident ledger (docs/ledger.md): a transparency log's checkpoint, keys and proofs are public.
	add(s, huma.Operation{OperationID: "get-ledger-checkpoint", Method: http.MethodGet, Path: "/api/v1/ledger/checkpoint", Summary: "账本最新检查点 Latest ledger checkpoint", Tags: []string{"ledger"},
		Description: "The latest signed checkpoint of the SM3 Merkle ledger of every event: origin, tree size, root and the signed note (SM2 and Ed25519 signatures). " +
			"Signed every --checkpoint-interval when the ledger grew. Public."}, nil, s.ledgerCheckpoint)
	add(s, huma.Operation{OperationID: "get-ledger-keys", Method: http.MethodGet, Path: "/api/v1/ledger/keys", Summary: "账本签名公钥 Ledger checkpoint keys", Tags: []string{"ledger"},
		Description: "The public keys that sign checkpoints, as signed-note verifier keys (tongban ledger verify --key takes them one a line). Public; compare with the keys published out of band."}, nil, s.ledgerKeys)
	add(s, huma.Operation{OperationID: "get-ledger-consistency", Method: http.MethodGet, Path: "/api/v1/ledger/consistency", Summary: "账本一致性证明 Consistency proof", Tags: []string{"ledger"},
		Description: "RFC 6962 consistency proof that the tree of size `to` extends the tree of size `from` (0 ≤ from ≤ to ≤ the current size): " +
			"a verifier holding an older checkpoint checks with it that the log was only appended to. Public."}, nil, s.ledgerConsistency)
	add(s, huma.Operation{OperationID: "get-project-record", Method: http.MethodGet, Path: "/api/v1/projects/{id}/record", Summary: "下载项目档案（含账本证明） Download a project's verifiable record", Tags: []string{"ledger"},
		Description: "The project's events with the stored fields each ledger leaf is computed from, each with its leaf index and inclusion proof against the latest checkpoint, " +
			"the signed checkpoint and the public keys: `tongban ledger verify --record FILE` checks it offline. Events appended after the checkpoint are marked pending (no proof yet). Same scope as get-project."},
		projectReaders, s.projectRecord)

	// Signatures: handwritten images beside signed decisions, officers' and departments' SM2 keys.
	s.rawRoute(huma.Operation{OperationID: "get-handwriting", Method: http.MethodGet, Path: "/api/v1/events/{id}/handwriting",
		Summary: "手写签名图片 Handwritten signature of a decision", Tags: []string{"tasks"}, Parameters: pathParams("id"),
		Description: "The PNG the officer drew beside a signed decision (visual only; the decision's signature is SM2). Same scope as get-project.",
		Responses:   map[string]*huma.Response{"200": {Description: "PNG"}, "404": {Description: "problem"}}}, projectReaders, s.handwriting)
	add(s, huma.Operation{OperationID: "list-keys", Method: http.MethodGet, Path: "/api/v1/keys", Summary: "签名密钥 Signing keys", Tags: []string{"keys"},
		Description: "An owner's SM2 signing keys, newest first: `owner=me` (an officer's own), `user:<id>` or `dept:<code>` (security and audit administrators). Private keys never leave the server."},
		keyReaders, s.listKeys)
	add(s, huma.Operation{OperationID: "rotate-key", Method: http.MethodPost, Path: "/api/v1/keys/rotate", Summary: "轮换签名密钥 Rotate a signing key", Tags: []string{"keys"},
		Description: "Retires the owner's active key (it still verifies what it signed and signs nothing new) and makes a new one; both are events of the ledger. An officer rotates `me`; the security administrator any owner."},
		keyReaders, s.rotateKey)
	add(s, huma.Operation{OperationID: "revoke-key", Method: http.MethodPost, Path: "/api/v1/keys/{id}/revoke", Summary: "吊销签名密钥 Revoke a signing key", Tags: []string{"keys"},
		Description: "Withdraws a key for good: it signs nothing from now on; its owner gets a new key on next use. A ledger event."},
		[]auth.Role{auth.SecurityAdmin}, s.revokeKey)

	// Electronic certificates (电子证照): issued by approvals, verified by anyone.
	add(s, huma.Operation{OperationID: "list-certificates", Method: http.MethodGet, Path: "/api/v1/projects/{id}/certificates", Summary: "项目的电子证照 A project's certificates", Tags: []string{"certificates"},
		Description: "Certificates (licences, approvals, filing receipts) the project's approvals issued, signed by the issuing department's SM2 key. Same scope as get-project."}, projectReaders, s.listCertificates)
	s.rawRoute(huma.Operation{OperationID: "download-certificate", Method: http.MethodGet, Path: "/api/v1/certificates/{number}/pdf",
		Summary: "下载证照 PDF Download a certificate", Tags: []string{"certificates"}, Parameters: pathParams("number"),
		Description: "The PDF as issued (byte for byte what the public verification checks). 409 while it is being made. Same scope as get-project.",
		Responses:   map[string]*huma.Response{"200": {Description: "PDF"}, "404": {Description: "problem"}, "409": {Description: "not made yet"}}}, projectReaders, s.certificatePDF)
	add(s, huma.Operation{OperationID: "revoke-certificate", Method: http.MethodPost, Path: "/api/v1/certificates/{number}/revoke", Summary: "撤销证照 Revoke a certificate", Tags: []string{"certificates"},
		Description: "Revocation (撤销) by an approver of the issuing department, with a reason: an event of the project's record signed with the officer's SM2 key. Final."},
		[]auth.Role{auth.Approver}, s.revokeCertificate)
	add(s, huma.Operation{OperationID: "verify-certificate", Method: http.MethodGet, Path: "/api/v1/public/certificates/{number}", Summary: "核验证照 Verify a certificate", Tags: []string{"certificates"},
		Description: "Public, no login: whether the certificate exists, its department's signature verifies, its issue is in the tamper-evident ledger (with the inclusion proof and checkpoint), and whether it was revoked."},
		nil, s.verifyCertificate)
	s.rawRoute(huma.Operation{OperationID: "verify-certificate-file", Method: http.MethodPost, Path: "/api/v1/public/certificates/verify",
		Summary: "上传 PDF 核验证照 Verify a certificate file", Tags: []string{"certificates"},
		Description: "Public, no login. multipart/form-data with the PDF in field `file` (20 MB at most): the same checks as verify-certificate, and whether the file is, byte for byte, the one issued.",
		Responses:   map[string]*huma.Response{"200": {Description: "the verdict (VerificationDTO)"}, "400": {Description: "problem"}, "413": {Description: "too large"}}}, nil, s.verifyUpload)

	// Approval map (审批地图): one project's time, and the city's.
	add(s, huma.Operation{OperationID: "get-project-map", Method: http.MethodGet, Path: "/api/v1/projects/{id}/map", Summary: "项目审批地图 A project's approval map", Tags: []string{"map"},
		Description: "Each stage and, for each task of its latest round, the segments of its time rebuilt from its record: waiting (received, not accepted), " +
			"working (per level), paused (补正, 特别程序); the time used against the limit (pauses excluded) and totals per department. Same scope as get-project."}, projectReaders, s.projectMap)
	add(s, huma.Operation{OperationID: "get-duration-stats", Method: http.MethodGet, Path: "/api/v1/stats/durations", Summary: "审批时效统计 Duration statistics", Tags: []string{"map"},
		Description: "Count, average and 90th percentile of the time used per stage, item or department over a period of at most 3 years, slowest first. " +
			"Items and departments: tasks decided (办结) in the period, working time used with pauses excluded; stages: stages completed in the period, submission → completion in working days."}, statsReaders, s.durationStats)
}

func pathParams(names ...string) []*huma.Param {
	out := make([]*huma.Param, len(names))
	for i, n := range names {
		out[i] = &huma.Param{Name: n, In: "path", Required: true, Schema: &huma.Schema{Type: "string"}}
	}
	return out
}

// --- auth -----------------------------------------------------------------

type loginIn struct {
	Body struct {
		Username string `json:"username" minLength:"1" maxLength:"64"`
		Password string `json:"password" minLength:"1" maxLength:"256"`
	}
}

type meBody struct {
	User           UserDTO `json:"user"`
	EnterpriseName string  `json:"enterprise_name,omitempty" doc:"The applicant's enterprise, as registered"`
	CSRFToken      string  `json:"csrf_token" doc:"Send it as X-CSRF-Token on unsafe requests"`
}

type loginOut struct {
	SetCookie http.Cookie `header:"Set-Cookie"`
	Body      meBody
}

func (s *Server) login(ctx context.Context, _ auth.Principal, in *loginIn) (*loginOut, error) {
	res, err := s.svc.Login(ctx, in.Body.Username, in.Body.Password)
	if err != nil {
		return nil, err
	}
	ent, err := s.svc.EnterpriseName(ctx, res.User.EnterpriseUSCC)
	if err != nil {
		return nil, err
	}
	return &loginOut{SetCookie: http.Cookie{Name: SessionCookie, Value: res.Token, Path: "/", HttpOnly: true, Secure: s.opts.SecureCookie,
		SameSite: http.SameSiteLaxMode, MaxAge: int(workflow.SessionMax / time.Second)}, Body: meBody{User: userDTO(res.User), EnterpriseName: ent, CSRFToken: res.CSRF}}, nil
}

type empty struct{}

type logoutOut struct {
	SetCookie http.Cookie `header:"Set-Cookie"`
}

type cookieIn struct {
	Session string `cookie:"tb_session"`
}

func (s *Server) logout(ctx context.Context, _ auth.Principal, in *cookieIn) (*logoutOut, error) {
	if err := s.svc.Logout(ctx, in.Session); err != nil {
		return nil, err
	}
	return &logoutOut{SetCookie: http.Cookie{Name: SessionCookie, Value: "", Path: "/", HttpOnly: true, MaxAge: -1}}, nil
}

type meOut struct{ Body meBody }

func (s *Server) me(ctx context.Context, p auth.Principal, in *cookieIn) (*meOut, error) {
	u, csrf, err := s.svc.Authenticate(ctx, in.Session)
	if err != nil {
		return nil, err
	}
	ent, err := s.svc.EnterpriseName(ctx, u.EnterpriseUSCC)
	if err != nil {
		return nil, err
	}
	return &meOut{Body: meBody{User: userDTO(u), EnterpriseName: ent, CSRFToken: csrf}}, nil
}

type limitIn struct {
	Limit int `query:"limit" minimum:"1" maximum:"200" default:"50"`
}

type notificationsOut struct {
	Body struct {
		Items []store.Notification `json:"items"`
	}
}

func (s *Server) notifications(ctx context.Context, p auth.Principal, in *limitIn) (*notificationsOut, error) {
	items, err := s.svc.Notifications(ctx, p, in.Limit)
	if err != nil {
		return nil, err
	}
	out := &notificationsOut{}
	out.Body.Items = nonNil(items)
	return out, nil
}

type usersOut struct {
	Body struct {
		Items []UserDTO `json:"items"`
	}
}

func (s *Server) listUsers(ctx context.Context, p auth.Principal, _ *empty) (*usersOut, error) {
	us, err := s.svc.ListUsers(ctx, p)
	if err != nil {
		return nil, err
	}
	out := &usersOut{}
	out.Body.Items = []UserDTO{}
	for _, u := range us {
		out.Body.Items = append(out.Body.Items, userDTO(u))
	}
	return out, nil
}

type createUserIn struct {
	Body struct {
		Username       string      `json:"username" maxLength:"64"`
		DisplayName    string      `json:"display_name" maxLength:"100"`
		Password       string      `json:"password" maxLength:"256"`
		Roles          []auth.Role `json:"roles" minItems:"1" maxItems:"4"`
		DeptCode       string      `json:"dept_code,omitempty" maxLength:"32"`
		EnterpriseUSCC string      `json:"enterprise_uscc,omitempty" maxLength:"18"`
		EnterpriseName string      `json:"enterprise_name,omitempty" maxLength:"200"`
	}
}

type userOut struct{ Body UserDTO }

func (s *Server) createUser(ctx context.Context, p auth.Principal, in *createUserIn) (*userOut, error) {
	b := in.Body
	u, err := s.svc.CreateUser(ctx, p, workflow.UserInput{Username: b.Username, DisplayName: b.DisplayName, Password: b.Password, Roles: b.Roles,
		DeptCode: b.DeptCode, EnterpriseUSCC: b.EnterpriseUSCC, EnterpriseName: b.EnterpriseName})
	if err != nil {
		return nil, err
	}
	return &userOut{Body: userDTO(u)}, nil
}

type updateUserIn struct {
	ID   string `path:"id" maxLength:"26"`
	Body struct {
		Disabled bool  `json:"disabled" doc:"true: the account's sessions end and it cannot log in"`
		Version  int64 `json:"version" minimum:"1" doc:"The account version you saw: a concurrent change gives 409"`
	}
}

func (s *Server) updateUser(ctx context.Context, p auth.Principal, in *updateUserIn) (*userOut, error) {
	u, err := s.svc.SetUserDisabled(ctx, p, in.ID, in.Body.Disabled, in.Body.Version)
	if err != nil {
		return nil, err
	}
	return &userOut{Body: userDTO(u)}, nil
}

type resetPasswordIn struct {
	ID   string `path:"id" maxLength:"26"`
	Body struct {
		Password string `json:"new_password" maxLength:"256" doc:"The new password (the password policy applies); the account's sessions end"`
	}
}

func (s *Server) resetPassword(ctx context.Context, p auth.Principal, in *resetPasswordIn) (*struct{}, error) {
	return nil, s.svc.ResetPassword(ctx, p, in.ID, in.Body.Password)
}

type changePasswordIn struct {
	Session string `cookie:"tb_session"`
	Body    struct {
		Current string `json:"current_password" maxLength:"256"`
		New     string `json:"new_password" maxLength:"256"`
	}
}

func (s *Server) changePassword(ctx context.Context, p auth.Principal, in *changePasswordIn) (*struct{}, error) {
	return nil, s.svc.ChangePassword(ctx, p, in.Session, in.Body.Current, in.Body.New)
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func badParam(name, zh, en string) error {
	return apperr.New(apperr.Invalid, "request.param", zh, en).WithField(name, "invalid", zh, en)
}

var _ = approval.Received
