package workflow

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/approval"
	"github.com/tongban/tongban/internal/auth"
	"github.com/tongban/tongban/internal/blob"
	"github.com/tongban/tongban/internal/calendar"
	"github.com/tongban/tongban/internal/catalog"
	"github.com/tongban/tongban/internal/ident"
	"github.com/tongban/tongban/internal/store"
)

// ProjectInput is what an applicant fills in to open a project.
type ProjectInput struct {
	Code           string
	Name           string
	FlowID         string
	District       string
	Address        string
	Investment     float64
	LandArea       float64
	FloorArea      float64
	EnterpriseName string
	Agents         []approval.Agent
	Answers        map[string]any
}

func facts(p approval.Project) catalog.ProjectFacts {
	return catalog.ProjectFacts{Type: p.Type, District: p.District, Investment: p.Investment, LandArea: p.LandArea,
		FloorArea: p.FloorArea, GovernmentInvested: p.GovernmentInvested}
}

// CreateProject opens a project for the applicant's enterprise under the
// latest version of the chosen flow; stage 1 opens for submission.
func (s *Service) CreateProject(ctx context.Context, p auth.Principal, in ProjectInput) (approval.Project, error) {
	if !p.Has(auth.Applicant) || p.EnterpriseUSCC == "" {
		return approval.Project{}, apperr.New(apperr.Forbidden, "project.applicant_only", "只有企业申请人可以申报项目", "only an enterprise applicant may open a project")
	}
	cat := s.Catalog()
	flow, err := cat.LatestFlow(in.FlowID)
	if err != nil {
		return approval.Project{}, apperr.Newf(apperr.Invalid, "project.flow", "审批流程“%s”不存在", "no approval flow %q", in.FlowID).
			WithField("flow_id", "invalid", "请选择审批流程", "choose an approval flow")
	}
	now := s.now()
	pr := approval.Project{
		ID: store.NewID(), Code: strings.TrimSpace(in.Code), Name: strings.TrimSpace(in.Name), FlowID: flow.ID, FlowVersion: flow.Version,
		Type: flow.ProjectType, District: in.District, Address: strings.TrimSpace(in.Address), Investment: in.Investment,
		LandArea: in.LandArea, FloorArea: in.FloorArea, GovernmentInvested: flow.GovernmentInvested,
		EnterpriseUSCC: ident.NormalizeUSCC(p.EnterpriseUSCC), EnterpriseName: strings.TrimSpace(in.EnterpriseName),
		Agents: in.Agents, Answers: in.Answers, State: approval.ProjectActive, CurrentStage: 1, CreatedBy: p.UserID,
		CreatedAt: now, UpdatedAt: now,
	}
	if pr.Agents == nil {
		pr.Agents = []approval.Agent{}
	}
	if pr.Answers == nil {
		pr.Answers = map[string]any{}
	}
	if err := approval.ValidateProject(pr); err != nil {
		return pr, err
	}
	if _, err := cat.MatchAll(flow.ID, flow.Version, facts(pr), pr.Answers); err != nil {
		return pr, err // answers checked against the questionnaire
	}
	err = s.db.Write(ctx, func(tx *store.Tx) error {
		if ent, err := store.GetEnterprise(ctx, tx, pr.EnterpriseUSCC); err == nil && pr.EnterpriseName == "" {
			pr.EnterpriseName = ent.Name
		}
		if err := store.InsertProject(ctx, tx, pr); err != nil {
			return err
		}
		for n := 1; n <= 4; n++ {
			fs, err := flow.StageOf(n)
			if err != nil {
				return err
			}
			st := approval.Stage{ID: store.NewID(), ProjectID: pr.ID, Number: n, Name: fs.Name, LeadDept: fs.LeadDepartment,
				State: approval.StagePending, LimitDays: fs.LimitDays, Reasons: []string{}}
			if n == 1 {
				st.State = approval.StageOpen
			}
			if err := store.InsertStage(ctx, tx, st); err != nil {
				return err
			}
		}
		id, name, role := actorFields(p)
		return s.appendEvent(ctx, tx, store.Event{ProjectID: pr.ID, Kind: "project_created", ActorID: id, ActorName: name, ActorRole: role,
			To: string(approval.ProjectActive), At: now, Data: map[string]any{"flow": flow.ID, "flow_version": flow.Version, "code": pr.Code}})
	})
	pr.Version = 1
	return pr, err
}

// Requirement is one material a stage needs, with what is on file.
type Requirement struct {
	Material catalog.Material
	Items    []string // item codes that ask for it
	Required bool
	Uploaded *store.Material // latest version, if any
}

// StageRequirements lists the items and materials a project's stage needs
// under its flow version and answers.
func (s *Service) StageRequirements(ctx context.Context, tx *store.Tx, pr approval.Project, stage int) ([]catalog.MatchedItem, []Requirement, error) {
	items, err := s.Catalog().Match(pr.FlowID, pr.FlowVersion, stage, facts(pr), pr.Answers)
	if err != nil {
		return nil, nil, err
	}
	files, err := store.ListMaterials(ctx, tx, pr.ID, stage)
	if err != nil {
		return nil, nil, err
	}
	latest := map[string]store.Material{}
	for _, f := range files {
		latest[f.Code] = f // ordered by version: the last one wins
	}
	var reqs []Requirement
	idx := map[string]int{}
	for _, it := range items {
		for _, m := range it.Materials {
			i, ok := idx[m.Code]
			if !ok {
				i = len(reqs)
				idx[m.Code] = i
				r := Requirement{Material: m.Material}
				if f, ok := latest[m.Code]; ok {
					f := f
					r.Uploaded = &f
				}
				reqs = append(reqs, r)
			}
			reqs[i].Items = append(reqs[i].Items, it.Item.Code)
			reqs[i].Required = reqs[i].Required || m.Required
			if !m.RongqueAllowed {
				reqs[i].Material.RongqueAllowed = false
			}
		}
	}
	return items, reqs, nil
}

// UploadMaterial streams one file for one material of a stage into the blob
// store and records it as the material's next version.
func (s *Service) UploadMaterial(ctx context.Context, p auth.Principal, projectID string, stage int, code, fileName string, r io.Reader) (store.Material, error) {
	var pr approval.Project
	var req *Requirement
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		if pr, err = s.loadOwnProject(ctx, tx, p, projectID); err != nil {
			return err
		}
		if err := uploadOpen(ctx, tx, pr.ID, stage, code); err != nil {
			return err
		}
		_, reqs, err := s.StageRequirements(ctx, tx, pr, stage)
		if err != nil {
			return err
		}
		for i := range reqs {
			if reqs[i].Material.Code == code {
				req = &reqs[i]
			}
		}
		if req == nil {
			return apperr.Newf(apperr.Invalid, "material.unknown", "本阶段不需要材料“%s”", "stage does not ask for material %q", code)
		}
		return nil
	})
	if err != nil {
		return store.Material{}, err
	}
	limit := int64(req.Material.MaxSizeMB) << 20
	if limit <= 0 {
		limit = 50 << 20
	}
	obj, err := s.blobs.Put(ctx, r, limit)
	if err != nil {
		return store.Material{}, err
	}
	if err := blob.CheckFormat(obj, req.Material.Formats); err != nil {
		return store.Material{}, err // the blob stays, unreferenced: content-addressed and harmless
	}
	now := s.now()
	m := store.Material{ID: store.NewID(), ProjectID: pr.ID, Stage: stage, Code: code, BlobKey: obj.Key, FileName: blob.CleanFileName(fileName),
		Size: obj.Size, Format: obj.Type, UploadedBy: p.UserID, UploadedAt: now}
	err = s.db.Write(ctx, func(tx *store.Tx) error {
		// Again, authoritatively: the stage may have closed while the
		// file streamed in.
		if err := uploadOpen(ctx, tx, pr.ID, stage, code); err != nil {
			return err
		}
		if err := store.InsertMaterial(ctx, tx, &m); err != nil {
			return err
		}
		if err := enqueuePrereview(ctx, tx, m.ID); err != nil {
			return err
		}
		id, name, role := actorFields(p)
		if err := s.appendEvent(ctx, tx, store.Event{ProjectID: pr.ID, Kind: "material_uploaded", ActorID: id, ActorName: name, ActorRole: role, At: now,
			Data: map[string]any{"stage": stage, "material": code, "version": m.Version, "sha256": obj.Key, "size": obj.Size, "format": obj.Type}}); err != nil {
			return err
		}
		return s.supplyRongque(ctx, tx, p, pr.ID, stage)
	})
	return m, err
}

// uploadOpen reports whether material code may be uploaded to a stage now:
// while the stage is open or in review, and after it completed or stopped
// only for a material a task of the stage still owes under 容缺 (the
// approval stands, the material follows by its deadline).
func uploadOpen(ctx context.Context, tx *store.Tx, projectID string, stage int, code string) error {
	st, err := store.GetStage(ctx, tx, projectID, stage)
	if err != nil {
		return err
	}
	switch st.State {
	case approval.StagePending:
	case approval.StageCompleted, approval.StageStopped:
		rows, err := store.ListStageTasks(ctx, tx, st.ID, st.Round)
		if err != nil {
			return err
		}
		for _, r := range rows {
			if r.Rongque.Outstanding() && slices.Contains(r.Rongque.Materials, code) {
				if _, ok := approval.Lookup(r.State, approval.ActSupplyRongque); ok {
					return nil
				}
			}
		}
	default:
		return nil
	}
	return apperr.New(apperr.Conflict, "material.stage_closed", fmt.Sprintf("第%d阶段当前为“%s”，不能上传材料（仅可补交尚欠的容缺材料）", stage, StageStateZH(st.State)),
		fmt.Sprintf("stage %d is %s; no uploads now (only materials still owed under 容缺)", stage, st.State))
}

// SubmitInput is an applicant's stage submission.
type SubmitInput struct {
	// Commitment: the applicant signs the 容缺/告知承诺 commitment, allowing
	// 容缺 materials to follow and 告知承诺 items to be decided on the spot.
	Commitment bool
	// Version is the stage version the applicant saw (double submission guard); 0 skips the check.
	Version int64
}

// SubmitStage submits an open stage: the items it needs are matched, one
// task per item is created and routed to its department.
func (s *Service) SubmitStage(ctx context.Context, p auth.Principal, projectID string, number int, in SubmitInput) (approval.Stage, []store.TaskRow, error) {
	var st approval.Stage
	var created []store.TaskRow
	err := s.db.Write(ctx, func(tx *store.Tx) error {
		pr, err := s.loadOwnProject(ctx, tx, p, projectID)
		if err != nil {
			return err
		}
		if pr.State != approval.ProjectActive {
			return apperr.New(apperr.Conflict, "project.not_active", "项目已办结、终止或撤回，不能再申报", "the project is no longer active")
		}
		if st, err = store.GetStage(ctx, tx, pr.ID, number); err != nil {
			return err
		}
		if in.Version != 0 && in.Version != st.Version {
			return apperr.New(apperr.Conflict, "db.stale", "该阶段已被他人修改，请刷新后重试", "the stage changed meanwhile; reload and try again")
		}
		if st.State != approval.StageOpen && st.State != approval.StageWithdrawn {
			return apperr.New(apperr.Conflict, "stage.not_open", fmt.Sprintf("第%d阶段当前为“%s”，不能提交申报（是否重复提交？）", number, StageStateZH(st.State)),
				fmt.Sprintf("stage %d is %s and cannot be submitted (a double submission?)", number, st.State))
		}
		ent, entErr := store.GetEnterprise(ctx, tx, pr.EnterpriseUSCC)
		badCredit := entErr == nil && ent.BadCredit
		items, reqs, err := s.StageRequirements(ctx, tx, pr, number)
		if err != nil {
			return err
		}
		if len(items) == 0 {
			return apperr.Newf(apperr.Invalid, "stage.no_items", "按项目情形，第%d阶段没有需要办理的事项", "no items apply to stage %d for this project", number)
		}
		missing := apperr.New(apperr.Invalid, "stage.materials_missing", "申报材料不齐，不能提交", "required materials are missing")
		var owed []string
		for _, r := range reqs {
			if !r.Required || r.Uploaded != nil {
				continue
			}
			if r.Material.RongqueAllowed && in.Commitment && !badCredit {
				owed = append(owed, r.Material.Code)
				continue
			}
			hint, hintEN := "请上传", "upload it"
			if r.Material.RongqueAllowed {
				hint, hintEN = "请上传，或签署容缺承诺后补交", "upload it, or sign the commitment to supply it later"
			}
			missing.WithField("materials."+r.Material.Code, "required", r.Material.Name+"：缺少，"+hint, r.Material.Code+": missing; "+hintEN)
		}
		if len(missing.Fields) > 0 {
			return missing
		}
		now := s.now()
		st.Round++
		st.State = approval.StageInReview
		st.Commitment = in.Commitment
		st.SubmittedAt = &now
		st.ConcludedAt = nil
		st.Reasons = []string{}
		if err := store.UpdateStage(ctx, tx, &st); err != nil {
			return err
		}
		if pr.CurrentStage != number {
			pr.CurrentStage, pr.UpdatedAt = number, now
			if err := store.UpdateProject(ctx, tx, &pr); err != nil {
				return err
			}
		}
		id, name, role := actorFields(p)
		if err := s.appendEvent(ctx, tx, store.Event{ProjectID: pr.ID, StageID: st.ID, Kind: "stage_submitted", ActorID: id, ActorName: name, ActorRole: role,
			From: "open", To: string(approval.StageInReview), At: now, Data: map[string]any{"stage": number, "round": st.Round, "items": len(items), "owed": owed, "commitment": in.Commitment}}); err != nil {
			return err
		}
		for _, it := range items {
			t := approval.Task{ID: store.NewID(), ProjectID: pr.ID, StageID: st.ID, Stage: number, ItemCode: it.Item.Code, ItemVersion: it.Item.Version,
				ItemName: it.Item.Name, DeptCode: it.Item.Department, Enterprise: pr.EnterpriseUSCC, State: approval.Received,
				Levels: levelsOf(it.Item), Cosign: cosignOf(it.Item), AllowRongque: it.Item.Rongque, AllowCommitment: it.Item.Commitment,
				Commitment: in.Commitment && it.Item.Commitment, BadCredit: badCredit, Limit: it.Item.CommittedLimit, Unit: calendar.Unit(it.Item.Unit),
				Result: it.Item.ResultName, CreatedAt: now, UpdatedAt: now}
			if err := store.InsertTask(ctx, tx, t, st.Round); err != nil {
				return err
			}
			t.Version = 1
			if err := s.appendEvent(ctx, tx, store.Event{ProjectID: pr.ID, StageID: st.ID, TaskID: t.ID, Kind: "task_created", ActorID: id, ActorName: name, ActorRole: role,
				To: strconv.Itoa(int(t.State)), At: now, Data: map[string]any{"item": t.ItemCode, "item_version": t.ItemVersion, "dept": t.DeptCode}}); err != nil {
				return err
			}
			if err := store.InsertNotification(ctx, tx, store.Notification{Audience: "dept:" + t.DeptCode, Kind: "task_new", ProjectID: pr.ID, TaskID: t.ID,
				Title: "新办件：" + t.ItemName, Body: fmt.Sprintf("项目“%s”（%s）提交了第%d阶段申报，请及时受理。", pr.Name, pr.Code, number), CreatedAt: now}); err != nil {
				return err
			}
			created = append(created, store.TaskRow{Task: t, Round: st.Round})
		}
		return nil
	})
	return st, created, err
}

func levelsOf(it catalog.Item) []approval.Level {
	out := make([]approval.Level, 0, len(it.Levels))
	for _, l := range it.Levels {
		out = append(out, approval.Level{Name: l.Name, Role: auth.Role(l.Role)})
	}
	return out
}

func cosignOf(it catalog.Item) *approval.Cosign {
	if it.Cosign == nil || len(it.Cosign.Departments) == 0 {
		return nil
	}
	return &approval.Cosign{Mode: approval.CosignMode(it.Cosign.Mode), Departments: slices.Clone(it.Cosign.Departments)}
}

// ProjectStateZH names a project state in Chinese.
func ProjectStateZH(s approval.ProjectState) string {
	switch s {
	case approval.ProjectActive:
		return "在办"
	case approval.ProjectCompleted:
		return "已办结"
	case approval.ProjectStopped:
		return "已终止"
	case approval.ProjectWithdrawn:
		return "已撤回"
	}
	return string(s)
}

// StageStateZH names a stage state in Chinese.
func StageStateZH(s approval.StageState) string {
	switch s {
	case approval.StagePending:
		return "未开始"
	case approval.StageOpen:
		return "待申报"
	case approval.StageInReview:
		return "审批中"
	case approval.StageCompleted:
		return "已完成"
	case approval.StageStopped:
		return "已终止"
	case approval.StageWithdrawn:
		return "已撤回"
	}
	return string(s)
}

// OpenMaterial returns a material version and its content for a person who
// may see its project.
func (s *Service) OpenMaterial(ctx context.Context, p auth.Principal, id string) (store.Material, io.ReadCloser, error) {
	var m store.Material
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		if m, err = store.GetMaterial(ctx, tx, id); err != nil {
			return err
		}
		_, err = s.loadProjectFor(ctx, tx, p, m.ProjectID)
		if apperr.Is(err, apperr.NotFound) {
			return apperr.New(apperr.NotFound, "material.not_found", "材料不存在或无权查看", "material not found or not visible to you")
		}
		return err
	})
	if err != nil {
		return m, nil, err
	}
	rc, err := s.blobs.Open(ctx, m.BlobKey)
	return m, rc, err
}

// supplyRongque marks 容缺 materials as supplied on every task of the stage
// that owed them once all it owed are on file.
func (s *Service) supplyRongque(ctx context.Context, tx *store.Tx, p auth.Principal, projectID string, stage int) error {
	rows, err := store.ListProjectTasks(ctx, tx, projectID)
	if err != nil {
		return err
	}
	files, err := store.ListMaterials(ctx, tx, projectID, stage)
	if err != nil {
		return err
	}
	have := map[string]bool{}
	for _, f := range files {
		have[f.Code] = true
	}
	for _, r := range rows {
		if r.Stage != stage || !r.Rongque.Outstanding() {
			continue
		}
		if _, ok := approval.Lookup(r.State, approval.ActSupplyRongque); !ok {
			continue
		}
		all := true
		for _, c := range r.Rongque.Materials {
			all = all && have[c]
		}
		if all {
			if _, err := s.act(ctx, tx, p, false, r.ID, ActInput{Action: approval.ActSupplyRongque, Opinion: "容缺材料已补齐"}); err != nil {
				return err
			}
		}
	}
	return nil
}
