package httpapi

import (
	"context"
	"encoding/json"
	"time"

	"github.com/tongban/tongban/internal/approval"
	"github.com/tongban/tongban/internal/auth"
	"github.com/tongban/tongban/internal/calendar"
	"github.com/tongban/tongban/internal/sign"
	"github.com/tongban/tongban/internal/store"
	"github.com/tongban/tongban/internal/workflow"
)

// ProjectDTO is a project as the API shows it.
type ProjectDTO struct {
	ID                 string           `json:"id"`
	Code               string           `json:"code" doc:"National investment project code (项目代码)"`
	Name               string           `json:"name"`
	FlowID             string           `json:"flow_id"`
	FlowVersion        int              `json:"flow_version"`
	Type               string           `json:"type"`
	District           string           `json:"district"`
	DistrictName       string           `json:"district_name"`
	Address            string           `json:"address"`
	Investment         float64          `json:"investment" doc:"Total investment in 万元"`
	LandArea           float64          `json:"land_area" doc:"m²"`
	FloorArea          float64          `json:"floor_area" doc:"m²"`
	GovernmentInvested bool             `json:"government_invested"`
	EnterpriseUSCC     string           `json:"enterprise_uscc"`
	EnterpriseName     string           `json:"enterprise_name"`
	Agents             []approval.Agent `json:"agents"`
	Answers            map[string]any   `json:"answers"`
	State              string           `json:"state"`
	CurrentStage       int              `json:"current_stage"`
	CreatedAt          time.Time        `json:"created_at"`
	UpdatedAt          time.Time        `json:"updated_at"`
	Version            int64            `json:"version"`
}

func projectDTO(p approval.Project) ProjectDTO {
	return ProjectDTO{ID: p.ID, Code: p.Code, Name: p.Name, FlowID: p.FlowID, FlowVersion: p.FlowVersion, Type: p.Type, District: p.District,
		DistrictName: approval.Districts[p.District], Address: p.Address, Investment: p.Investment, LandArea: p.LandArea, FloorArea: p.FloorArea,
		GovernmentInvested: p.GovernmentInvested, EnterpriseUSCC: p.EnterpriseUSCC, EnterpriseName: p.EnterpriseName, Agents: p.Agents,
		Answers: p.Answers, State: string(p.State), CurrentStage: p.CurrentStage, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt, Version: p.Version}
}

// StageDTO is a stage as the API shows it.
type StageDTO struct {
	ID          string     `json:"id"`
	Number      int        `json:"number"`
	Name        string     `json:"name"`
	LeadDept    string     `json:"lead_dept"`
	State       string     `json:"state"`
	StateName   string     `json:"state_name"`
	Round       int        `json:"round"`
	LimitDays   int        `json:"limit_days"`
	SubmittedAt *time.Time `json:"submitted_at,omitempty"`
	ConcludedAt *time.Time `json:"concluded_at,omitempty"`
	Reasons     []string   `json:"reasons"`
	Clock       *ClockDTO  `json:"clock,omitempty" doc:"The stage's overall limit in working days from the latest submission, while in review and once concluded"`
	Version     int64      `json:"version"`
}

func (s *Server) stageDTO(st approval.Stage) StageDTO {
	d := StageDTO{ID: st.ID, Number: st.Number, Name: st.Name, LeadDept: st.LeadDept, State: string(st.State), StateName: workflow.StageStateZH(st.State),
		Round: st.Round, LimitDays: st.LimitDays, SubmittedAt: st.SubmittedAt, ConcludedAt: st.ConcludedAt, Reasons: st.Reasons, Version: st.Version}
	// The clock runs while the stage is in review and stands still at its
	// conclusion; an open, withdrawn or pending stage has none.
	concluded := (st.State == approval.StageCompleted || st.State == approval.StageStopped) && st.ConcludedAt != nil
	if c, ok := s.svc.StageClock(st); ok && (st.State == approval.StageInReview || concluded) {
		d.Clock = clockDTO(c, s.svc.Calendar(), s.svc.Now(), st.ConcludedAt)
	}
	return d
}

// ClockDTO is a task's deadline clock.
type ClockDTO struct {
	Unit      string `json:"unit" doc:"WD working days, ND natural days"`
	Limit     int    `json:"limit"`
	Started   string `json:"started"`
	Due       string `json:"due"`
	WarnFrom  string `json:"warn_from"`
	Paused    bool   `json:"paused"`
	State     string `json:"state" enum:"normal,warning,overdue"`
	StateName string `json:"state_name"`
	Remaining int    `json:"remaining" doc:"Days left in the clock's unit; negative when overdue"`
}

// TaskDTO is a task as the API shows it.
type TaskDTO struct {
	ID              string               `json:"id"`
	ProjectID       string               `json:"project_id"`
	ProjectCode     string               `json:"project_code" doc:"The project's code (项目代码), for lists"`
	ProjectName     string               `json:"project_name"`
	Stage           int                  `json:"stage"`
	Round           int                  `json:"round"`
	ItemCode        string               `json:"item_code"`
	ItemVersion     int                  `json:"item_version"`
	ItemName        string               `json:"item_name"`
	DeptCode        string               `json:"dept_code"`
	State           int                  `json:"state" doc:"National item-instance state code (办件状态)"`
	StateName       string               `json:"state_name"`
	Level           int                  `json:"level"`
	LevelName       string               `json:"level_name"`
	LevelRole       string               `json:"level_role"`
	Levels          []approval.Level     `json:"levels"`
	Cosign          *approval.Cosign     `json:"cosign,omitempty"`
	Opinions        []approval.Opinion   `json:"opinions"`
	Accepted        bool                 `json:"accepted"`
	AllowRongque    bool                 `json:"allow_rongque"`
	AllowCommitment bool                 `json:"allow_commitment"`
	Commitment      bool                 `json:"commitment"`
	Rongque         *approval.Rongque    `json:"rongque,omitempty"`
	Correction      *approval.Correction `json:"correction,omitempty"`
	Clock           *ClockDTO            `json:"clock,omitempty"`
	Assignee        string               `json:"assignee"`
	AssigneeName    string               `json:"assignee_name,omitempty" doc:"Display name of the officer who last acted"`
	Result          string               `json:"result"`
	Actions         []string             `json:"actions" doc:"Actions the state table allows now (guards and roles still apply)"`
	CreatedAt       time.Time            `json:"created_at"`
	UpdatedAt       time.Time            `json:"updated_at"`
	ConcludedAt     *time.Time           `json:"concluded_at,omitempty"`
	Version         int64                `json:"version"`
}

func taskDTO(r store.TaskRow, cal *calendar.Calendar, now time.Time) TaskDTO {
	t := r.Task
	lv := t.CurrentLevel()
	d := TaskDTO{ID: t.ID, ProjectID: t.ProjectID, Stage: t.Stage, Round: r.Round, ItemCode: t.ItemCode, ItemVersion: t.ItemVersion, ItemName: t.ItemName,
		DeptCode: t.DeptCode, State: int(t.State), StateName: t.State.ZH(), Level: t.Level, LevelName: lv.Name, LevelRole: string(lv.Role),
		Levels: t.Levels, Cosign: t.Cosign, Opinions: t.Opinions, Accepted: t.Accepted, AllowRongque: t.AllowRongque,
		AllowCommitment: t.AllowCommitment, Commitment: t.Commitment, Rongque: t.Rongque, Correction: t.Correction, Assignee: t.Assignee,
		Result: t.Result, CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt, ConcludedAt: t.ConcludedAt, Version: t.Version}
	if d.Opinions == nil {
		d.Opinions = []approval.Opinion{}
	}
	if d.Levels == nil {
		d.Levels = []approval.Level{}
	}
	for _, a := range approval.Allowed(t.State) {
		d.Actions = append(d.Actions, string(a))
	}
	if d.Actions == nil {
		d.Actions = []string{}
	}
	if t.Clock != nil {
		d.Clock = clockDTO(*t.Clock, cal, now, t.ConcludedAt)
	}
	return d
}

// clockDTO shows a clock as it stands now, or as it stood at the
// conclusion of what it timed.
func clockDTO(c calendar.Clock, cal *calendar.Calendar, now time.Time, concluded *time.Time) *ClockDTO {
	at := now
	if concluded != nil {
		at = *concluded
	}
	st := c.State(cal, at)
	return &ClockDTO{Unit: string(c.Unit), Limit: c.Limit, Started: c.StartDate().String(), Due: c.DueDate().String(),
		WarnFrom: c.WarnDate().String(), Paused: c.Paused(), State: string(st), StateName: st.ZH(), Remaining: c.Remaining(cal, at)}
}

// EventDTO is one entry of a project's record; a signed decision carries
// the verdict on its signature, checked on this read.
type EventDTO struct {
	store.Event
	Signature      *SignatureDTO `json:"signature,omitempty" doc:"Set on signed decisions: the SM2 signature as verified on this read"`
	HandwritingURL string        `json:"handwriting_url,omitempty" doc:"The officer's handwritten signature image kept beside the decision (visual only)"`
}

// SignatureDTO is the verdict on an event's signature.
type SignatureDTO struct {
	Alg         string `json:"alg" enum:"SM2-SM3"`
	KeyID       string `json:"key_id"`
	SignerID    string `json:"signer_id"`
	SignerName  string `json:"signer_name"`
	Status      string `json:"status" enum:"valid,invalid,key_unknown" doc:"valid: the officer's key signed the event exactly as stored; invalid: the event no longer matches what was signed; key_unknown: the signature names a key that is not the stored one"`
	Fingerprint string `json:"fingerprint" doc:"First 8 bytes of SM3 of the public key, hex"`
}

func eventDTOs(events []store.Event, verdicts map[string]sign.EventVerdict) []EventDTO {
	out := make([]EventDTO, len(events))
	for i, e := range events {
		out[i] = EventDTO{Event: e}
		if v, ok := verdicts[e.ID]; ok {
			sd := &SignatureDTO{Alg: sign.SignatureAlg, KeyID: v.KeyID, Status: v.Status, Fingerprint: v.Fingerprint}
			if v.Owner.Kind() == "user" {
				sd.SignerID = v.Owner.ID()
				if sd.SignerID == e.ActorID {
					sd.SignerName = e.ActorName
				}
			}
			out[i].Signature = sd
		}
		if h, _ := e.Data["handwriting"].(string); h != "" {
			out[i].HandwritingURL = "/api/v1/events/" + e.ID + "/handwriting"
		}
	}
	return out
}

// MaterialDTO is one uploaded file version with its pre-review.
type MaterialDTO struct {
	store.Material
	Check *CheckDTO `json:"check,omitempty" doc:"The pre-review of this version (issue 5): absent until it first ran"`
}

// CheckDTO is the pre-review of a material version: what the applicant saw
// on upload and the officer sees on the task.
type CheckDTO struct {
	Status    string          `json:"status" enum:"checking,done,failed"`
	OCR       string          `json:"ocr" enum:"pending,done,unavailable,skipped,failed" doc:"The text checks: pending while they run (seconds), unavailable when the server has no OCR (not checked, not passed)"`
	Errors    int             `json:"errors"`
	Warnings  int             `json:"warnings"`
	CheckedAt time.Time       `json:"checked_at"`
	Report    json.RawMessage `json:"report" doc:"{file, type, pages, findings: [{code, severity, page, region: [x0,y0,x1,y1], message, message_en}], seals: [{page, bbox, kind, edge}], fields: {…}, page_info: [{page, width, height, dpi, blank}], ocr}; regions are in pixels of page_info's width × height (GET /api/v1/materials/{id}/pages/{n} renders that image)"`
}

func checkDTO(c store.MaterialCheck) *CheckDTO {
	return &CheckDTO{Status: c.Status, OCR: c.OCR, Errors: c.Errors, Warnings: c.Warnings, CheckedAt: c.CheckedAt, Report: json.RawMessage(c.Report)}
}

func materialDTO(m store.Material, checks map[string]store.MaterialCheck) MaterialDTO {
	d := MaterialDTO{Material: m}
	if c, ok := checks[m.ID]; ok {
		d.Check = checkDTO(c)
	}
	return d
}

func materialDTOs(ms []store.Material, checks map[string]store.MaterialCheck) []MaterialDTO {
	out := make([]MaterialDTO, len(ms))
	for i, m := range ms {
		out[i] = materialDTO(m, checks)
	}
	return out
}

// UserDTO is an account without secrets.
type UserDTO struct {
	ID             string      `json:"id"`
	Username       string      `json:"username"`
	DisplayName    string      `json:"display_name"`
	Roles          []auth.Role `json:"roles"`
	DeptCode       string      `json:"dept_code,omitempty"`
	EnterpriseUSCC string      `json:"enterprise_uscc,omitempty"`
	Disabled       bool        `json:"disabled"`
	CreatedAt      time.Time   `json:"created_at"`
	Version        int64       `json:"version"`
}

func userDTO(u store.User) UserDTO {
	return UserDTO{ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Roles: u.Roles, DeptCode: u.DeptCode,
		EnterpriseUSCC: u.EnterpriseUSCC, Disabled: u.Disabled, CreatedAt: u.CreatedAt, Version: u.Version}
}

// label fills in the names a list shows beside ids — AssigneeName,
// ProjectCode and ProjectName — on the tasks of every list, in place, with
// one lookup of the distinct ids.
func (s *Server) label(ctx context.Context, lists ...[]TaskDTO) error {
	var users, projects []string
	seenU, seenP := map[string]bool{}, map[string]bool{}
	for _, l := range lists {
		for _, t := range l {
			if t.Assignee != "" && !seenU[t.Assignee] {
				seenU[t.Assignee] = true
				users = append(users, t.Assignee)
			}
			if !seenP[t.ProjectID] {
				seenP[t.ProjectID] = true
				projects = append(projects, t.ProjectID)
			}
		}
	}
	if len(users)+len(projects) == 0 {
		return nil
	}
	names, labels, err := s.svc.Labels(ctx, users, projects)
	if err != nil {
		return err
	}
	for _, l := range lists {
		for i := range l {
			l[i].AssigneeName = names[l[i].Assignee]
			pl := labels[l[i].ProjectID]
			l[i].ProjectCode, l[i].ProjectName = pl.Code, pl.Name
		}
	}
	return nil
}
