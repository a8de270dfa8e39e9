package httpapi

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/tongban/tongban/internal/approval"
	"github.com/tongban/tongban/internal/auth"
	"github.com/tongban/tongban/internal/prereview"
	"github.com/tongban/tongban/internal/store"
	"github.com/tongban/tongban/internal/workflow"
)

type createProjectIn struct {
	Body struct {
		Code           string           `json:"code" maxLength:"32" doc:"National investment project code, e.g. 2024-350211-47-03-012345"`
		Name           string           `json:"name" maxLength:"200"`
		FlowID         string           `json:"flow_id" maxLength:"64"`
		District       string           `json:"district" maxLength:"6" doc:"Administrative division code, e.g. 350211 集美区"`
		Address        string           `json:"address,omitempty" maxLength:"200"`
		Investment     float64          `json:"investment" doc:"万元"`
		LandArea       float64          `json:"land_area" doc:"m²"`
		FloorArea      float64          `json:"floor_area" doc:"m²"`
		EnterpriseName string           `json:"enterprise_name,omitempty" maxLength:"200"`
		Agents         []approval.Agent `json:"agents,omitempty" maxItems:"10"`
		Answers        map[string]any   `json:"answers,omitempty" doc:"Situation (情形) answers by situation id"`
	}
}

type projectOut struct{ Body ProjectDTO }

func (s *Server) createProject(ctx context.Context, p auth.Principal, in *createProjectIn) (*projectOut, error) {
	b := in.Body
	pr, err := s.svc.CreateProject(ctx, p, workflow.ProjectInput{Code: b.Code, Name: b.Name, FlowID: b.FlowID, District: b.District, Address: b.Address,
		Investment: b.Investment, LandArea: b.LandArea, FloorArea: b.FloorArea, EnterpriseName: b.EnterpriseName, Agents: b.Agents, Answers: b.Answers})
	if err != nil {
		return nil, err
	}
	return &projectOut{Body: projectDTO(pr)}, nil
}

type listProjectsIn struct {
	State  string `query:"state" enum:"active,completed,stopped,withdrawn,"`
	Q      string `query:"q" maxLength:"100" doc:"Matches name or project code"`
	Limit  int    `query:"limit" minimum:"1" maximum:"200" default:"20"`
	Offset int    `query:"offset" minimum:"0" maximum:"100000" default:"0"`
}

type listProjectsOut struct {
	Body struct {
		Items []ProjectDTO `json:"items"`
		Total int          `json:"total"`
	}
}

func (s *Server) listProjects(ctx context.Context, p auth.Principal, in *listProjectsIn) (*listProjectsOut, error) {
	items, total, err := s.svc.ListProjects(ctx, p, store.ProjectFilter{State: in.State, Query: in.Q, Limit: in.Limit, Offset: in.Offset})
	if err != nil {
		return nil, err
	}
	out := &listProjectsOut{}
	out.Body.Items = []ProjectDTO{}
	for _, pr := range items {
		out.Body.Items = append(out.Body.Items, projectDTO(pr))
	}
	out.Body.Total = total
	return out, nil
}

type idIn struct {
	ID string `path:"id" maxLength:"26"`
}

// RequirementDTO is one material the current stage needs.
type RequirementDTO struct {
	Code                 string       `json:"code"`
	Name                 string       `json:"name"`
	Required             bool         `json:"required"`
	RongqueAllowed       bool         `json:"rongque_allowed"`
	SealRequired         bool         `json:"seal_required"`
	StraddleSealRequired bool         `json:"straddle_seal_required"`
	Formats              []string     `json:"formats"`
	MaxSizeMB            int          `json:"max_size_mb"`
	Items                []string     `json:"items"`
	Uploaded             *MaterialDTO `json:"uploaded,omitempty"`
	// Finding: missing_material or rongque_allowed while a required
	// material is not on file (prereview.CompletenessFinding).
	Finding *prereview.Finding `json:"finding,omitempty"`
}

// ItemNeedDTO is one item a stage needs and why.
type ItemNeedDTO struct {
	Code           string `json:"code"`
	Name           string `json:"name"`
	Department     string `json:"department"`
	DepartmentName string `json:"department_name"`
	Reason         string `json:"reason" doc:"Why the project needs the item (Chinese)"`
	ReasonEN       string `json:"reason_en"`
	Rule           string `json:"rule,omitempty" doc:"The CEL rule that matched; empty when the flow always needs the item"`
	Limit          int    `json:"limit"`
	Unit           string `json:"unit"`
}

type projectViewOut struct {
	Body struct {
		Project      ProjectDTO       `json:"project"`
		Stages       []StageDTO       `json:"stages"`
		Tasks        []TaskDTO        `json:"tasks"`
		Materials    []MaterialDTO    `json:"materials"`
		Events       []EventDTO       `json:"events"`
		Items        []ItemNeedDTO    `json:"current_items"`
		Requirements []RequirementDTO `json:"current_requirements"`
	}
}

func requirementDTOs(reqs []workflow.Requirement, checks map[string]store.MaterialCheck) []RequirementDTO {
	out := []RequirementDTO{}
	for _, r := range reqs {
		m := r.Material
		d := RequirementDTO{Code: m.Code, Name: m.Name, Required: r.Required, RongqueAllowed: m.RongqueAllowed, SealRequired: m.SealRequired,
			StraddleSealRequired: m.StraddleSealRequired, Formats: nonNil(m.Formats), MaxSizeMB: m.MaxSizeMB, Items: r.Items}
		if r.Uploaded != nil {
			u := materialDTO(*r.Uploaded, checks)
			d.Uploaded = &u
		}
		d.Finding = prereview.CompletenessFinding(m.Name, r.Required, r.Uploaded != nil, m.RongqueAllowed)
		out = append(out, d)
	}
	return out
}

func (s *Server) getProject(ctx context.Context, p auth.Principal, in *idIn) (*projectViewOut, error) {
	v, err := s.svc.GetProject(ctx, p, in.ID)
	if err != nil {
		return nil, err
	}
	out := &projectViewOut{}
	b := &out.Body
	b.Project = projectDTO(v.Project)
	b.Stages = []StageDTO{}
	for _, st := range v.Stages {
		b.Stages = append(b.Stages, s.stageDTO(st))
	}
	now, cal := s.svc.Now(), s.svc.Calendar()
	b.Tasks = []TaskDTO{}
	for _, t := range v.Tasks {
		b.Tasks = append(b.Tasks, taskDTO(t, cal, now))
	}
	if err := s.label(ctx, b.Tasks); err != nil {
		return nil, err
	}
	b.Materials, b.Events = materialDTOs(v.Materials, v.Checks), eventDTOs(v.Events, v.Signatures)
	b.Items = []ItemNeedDTO{}
	for _, it := range v.Items {
		b.Items = append(b.Items, itemNeedDTO(it))
	}
	b.Requirements = requirementDTOs(v.Requirements, v.Checks)
	return out, nil
}

type stageIn struct {
	ID    string `path:"id" maxLength:"26"`
	Stage int    `path:"stage" minimum:"1" maximum:"4"`
}

type submitIn struct {
	ID    string `path:"id" maxLength:"26"`
	Stage int    `path:"stage" minimum:"1" maximum:"4"`
	Body  struct {
		Commitment bool  `json:"commitment,omitempty" doc:"The applicant signs the 容缺/告知承诺 commitment"`
		Version    int64 `json:"version,omitempty" doc:"Stage version seen; guards against double submission"`
	}
}

type submitOut struct {
	Body struct {
		Stage StageDTO  `json:"stage"`
		Tasks []TaskDTO `json:"tasks"`
	}
}

func (s *Server) submitStage(ctx context.Context, p auth.Principal, in *submitIn) (*submitOut, error) {
	st, tasks, err := s.svc.SubmitStage(ctx, p, in.ID, in.Stage, workflow.SubmitInput{Commitment: in.Body.Commitment, Version: in.Body.Version})
	if err != nil {
		return nil, err
	}
	out := &submitOut{}
	out.Body.Stage = s.stageDTO(st)
	out.Body.Tasks = []TaskDTO{}
	for _, t := range tasks {
		out.Body.Tasks = append(out.Body.Tasks, taskDTO(t, s.svc.Calendar(), s.svc.Now()))
	}
	return out, s.label(ctx, out.Body.Tasks)
}

type withdrawIn struct {
	ID    string `path:"id" maxLength:"26"`
	Stage int    `path:"stage" minimum:"1" maximum:"4"`
	Body  struct {
		Reason string `json:"reason" maxLength:"500"`
	}
}

func (s *Server) withdrawStage(ctx context.Context, p auth.Principal, in *withdrawIn) (*struct{}, error) {
	return nil, s.svc.WithdrawStage(ctx, p, in.ID, in.Stage, in.Body.Reason)
}

type withdrawProjectIn struct {
	ID   string `path:"id" maxLength:"26"`
	Body struct {
		Reason string `json:"reason" maxLength:"500" doc:"Why the enterprise gives up the project (required)"`
	}
}

func (s *Server) withdrawProject(ctx context.Context, p auth.Principal, in *withdrawProjectIn) (*projectOut, error) {
	pr, err := s.svc.WithdrawProject(ctx, p, in.ID, in.Body.Reason)
	if err != nil {
		return nil, err
	}
	return &projectOut{Body: projectDTO(pr)}, nil
}

type boardOut struct {
	Body struct {
		Project ProjectDTO `json:"project"`
		Stage   StageDTO   `json:"stage"`
		Tasks   []TaskDTO  `json:"tasks"`
	}
}

func (s *Server) stageBoard(ctx context.Context, p auth.Principal, in *stageIn) (*boardOut, error) {
	b, err := s.svc.GetStageBoard(ctx, p, in.ID, in.Stage)
	if err != nil {
		return nil, err
	}
	out := &boardOut{}
	out.Body.Project, out.Body.Stage = projectDTO(b.Project), s.stageDTO(b.Stage)
	out.Body.Tasks = []TaskDTO{}
	for _, t := range b.Tasks {
		out.Body.Tasks = append(out.Body.Tasks, taskDTO(t, s.svc.Calendar(), s.svc.Now()))
	}
	return out, s.label(ctx, out.Body.Tasks)
}

type leadStagesOut struct {
	Body struct {
		Items []struct {
			Project ProjectDTO `json:"project"`
			Stage   StageDTO   `json:"stage"`
			Tasks   []TaskDTO  `json:"tasks"`
		} `json:"items"`
	}
}

func (s *Server) leadStages(ctx context.Context, p auth.Principal, in *limitIn) (*leadStagesOut, error) {
	bs, err := s.svc.LeadStages(ctx, p, in.Limit)
	if err != nil {
		return nil, err
	}
	out := &leadStagesOut{}
	out.Body.Items = out.Body.Items[:0]
	for _, b := range bs {
		var tasks []TaskDTO
		for _, t := range b.Tasks {
			tasks = append(tasks, taskDTO(t, s.svc.Calendar(), s.svc.Now()))
		}
		out.Body.Items = append(out.Body.Items, struct {
			Project ProjectDTO `json:"project"`
			Stage   StageDTO   `json:"stage"`
			Tasks   []TaskDTO  `json:"tasks"`
		}{projectDTO(b.Project), s.stageDTO(b.Stage), nonNil(tasks)})
	}
	lists := make([][]TaskDTO, len(out.Body.Items))
	for i, it := range out.Body.Items {
		lists[i] = it.Tasks
	}
	return out, s.label(ctx, lists...)
}

type chaseIn struct {
	ID    string `path:"id" maxLength:"26"`
	Stage int    `path:"stage" minimum:"1" maximum:"4"`
	Body  struct {
		TaskID  string `json:"task_id,omitempty" maxLength:"26" doc:"One task, or all open tasks of the stage when empty"`
		Message string `json:"message,omitempty" maxLength:"500"`
	}
}

func (s *Server) chase(ctx context.Context, p auth.Principal, in *chaseIn) (*struct{}, error) {
	return nil, s.svc.Chase(ctx, p, in.ID, in.Stage, in.Body.TaskID, strings.TrimSpace(in.Body.Message))
}

func (s *Server) uploadMaterial(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	stage, err := strconv.Atoi(r.PathValue("stage"))
	if err != nil || stage < 1 || stage > 4 {
		return badParam("stage", "阶段须为 1–4", "stage must be 1–4")
	}
	name, err := url.PathUnescape(r.Header.Get("X-File-Name"))
	if err != nil {
		return badParam("X-File-Name", "文件名编码有误", "the file name is not valid URL encoding")
	}
	m, c, err := s.svc.UploadAndCheck(r.Context(), p, r.PathValue("id"), stage, r.PathValue("code"), name, r.Body)
	if err != nil {
		return err
	}
	d := MaterialDTO{Material: m}
	if c != nil {
		d.Check = checkDTO(*c)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	return writeJSON(w, d)
}

func (s *Server) downloadMaterial(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	m, rc, err := s.svc.OpenMaterial(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	defer rc.Close()
	w.Header().Set("Content-Type", mimeOf(m.Format))
	w.Header().Set("Content-Length", strconv.FormatInt(m.Size, 10))
	w.Header().Set("Content-Disposition", fmt.Sprintf("inline; filename*=UTF-8''%s", url.PathEscape(m.FileName)))
	w.Header().Set("Cache-Control", "private, max-age=3600")
	// The task page previews PDFs and images in a frame of this site; no
	// other site may frame them.
	w.Header().Set("X-Frame-Options", "SAMEORIGIN")
	w.Header().Set("Content-Security-Policy", "frame-ancestors 'self'")
	_, err = io.Copy(w, rc)
	if err != nil {
		s.log.WarnContext(r.Context(), "download interrupted", "err", err.Error())
	}
	return nil
}

func mimeOf(format string) string {
	switch format {
	case "pdf":
		return "application/pdf"
	case "jpg":
		return "image/jpeg"
	case "png":
		return "image/png"
	}
	return "application/octet-stream"
}

// --- tasks ----------------------------------------------------------------

type listTasksIn struct {
	State      []int  `query:"state" doc:"National state codes to include"`
	Open       string `query:"open" enum:"true,false," doc:"true: in progress only"`
	DueBefore  string `query:"due_before" pattern:"^(\\d{4}-\\d{2}-\\d{2})?$" doc:"YYYY-MM-DD inclusive"`
	ClockState string `query:"clock_state" enum:"normal,warning,overdue,"`
	Dept       string `query:"dept" maxLength:"32" doc:"Supervisors only: one department"`
	ProjectID  string `query:"project_id" maxLength:"26"`
	Limit      int    `query:"limit" minimum:"1" maximum:"1000" default:"50"`
	After      string `query:"after" maxLength:"64" doc:"Cursor from the previous page's next"`
}

type listTasksOut struct {
	Body struct {
		Items []TaskDTO `json:"items"`
		Next  string    `json:"next,omitempty" doc:"Cursor for the next page"`
	}
}

func (s *Server) listTasks(ctx context.Context, p auth.Principal, in *listTasksIn) (*listTasksOut, error) {
	f := store.TaskFilter{DueBefore: in.DueBefore, ClockState: in.ClockState, ProjectID: in.ProjectID, Limit: in.Limit, After: in.After, Dept: in.Dept}
	for _, st := range in.State {
		if !approval.State(st).Valid() {
			return nil, badParam("state", fmt.Sprintf("办件状态码 %d 不存在", st), fmt.Sprintf("no state code %d", st))
		}
		f.States = append(f.States, approval.State(st))
	}
	if in.Open != "" {
		o := in.Open == "true"
		f.Open = &o
	}
	rows, err := s.svc.ListTasks(ctx, p, f)
	if err != nil {
		return nil, err
	}
	out := &listTasksOut{}
	out.Body.Items = []TaskDTO{}
	now, cal := s.svc.Now(), s.svc.Calendar()
	for _, r := range rows {
		out.Body.Items = append(out.Body.Items, taskDTO(r, cal, now))
	}
	if err := s.label(ctx, out.Body.Items); err != nil {
		return nil, err
	}
	if len(rows) == in.Limit {
		out.Body.Next = store.Cursor(rows[len(rows)-1])
	}
	return out, nil
}

type taskViewOut struct {
	Body struct {
		Task         TaskDTO          `json:"task"`
		Project      ProjectDTO       `json:"project"`
		Events       []EventDTO       `json:"events"`
		Requirements []RequirementDTO `json:"requirements"`
		Missing      []string         `json:"missing" doc:"Required materials of this item not uploaded"`
	}
}

func (s *Server) getTask(ctx context.Context, p auth.Principal, in *idIn) (*taskViewOut, error) {
	v, err := s.svc.GetTask(ctx, p, in.ID)
	if err != nil {
		return nil, err
	}
	out := &taskViewOut{}
	one := []TaskDTO{taskDTO(v.Task, s.svc.Calendar(), s.svc.Now())}
	if err := s.label(ctx, one); err != nil {
		return nil, err
	}
	out.Body.Task = one[0]
	out.Body.Project = projectDTO(v.Project)
	out.Body.Events = eventDTOs(v.Events, v.Signatures)
	out.Body.Requirements = requirementDTOs(v.Requirements, v.Checks)
	out.Body.Missing = nonNil(v.Missing)
	return out, nil
}

type actIn struct {
	ID   string `path:"id" maxLength:"26"`
	Body struct {
		Action      string   `json:"action" enum:"accept,accept_rongque,approve_commitment,refuse,request_correction,resubmit,approve,reject,send_back,start_special,end_special,cosign,recall,withdraw,confirm_withdraw,revoke"`
		Opinion     string   `json:"opinion,omitempty" maxLength:"2000"`
		Agree       bool     `json:"agree,omitempty" doc:"For cosign: agree or not"`
		Materials   []string `json:"materials,omitempty" maxItems:"50" doc:"Materials owed (容缺) or to correct (补正)"`
		RongqueDays int      `json:"rongque_days,omitempty" minimum:"0" maximum:"60"`
		Version     int64    `json:"version" minimum:"1" doc:"The task version you saw: a concurrent change gives 409"`
		Handwriting string   `json:"handwriting,omitempty" maxLength:"350000" doc:"The officer's handwritten signature drawn on the page: a data:image/png;base64 URL, at most 256 KB, 2000×1000 px. Visual only: the server signs the decision with the officer's SM2 key"`
	}
}

type taskOut struct{ Body TaskDTO }

func (s *Server) actOnTask(ctx context.Context, p auth.Principal, in *actIn) (*taskOut, error) {
	b := in.Body
	hw, err := decodePNGDataURL(b.Handwriting)
	if err != nil {
		return nil, err
	}
	r, err := s.svc.Act(ctx, p, in.ID, workflow.ActInput{Action: approval.Action(b.Action), Opinion: b.Opinion, Agree: b.Agree, Materials: b.Materials,
		RongqueDays: b.RongqueDays, Version: b.Version, Handwriting: hw})
	if err != nil {
		return nil, err
	}
	one := []TaskDTO{taskDTO(r, s.svc.Calendar(), s.svc.Now())}
	if err := s.label(ctx, one); err != nil {
		return nil, err
	}
	return &taskOut{Body: one[0]}, nil
}
