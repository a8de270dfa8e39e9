package httpapi

import (
	"context"
	"strconv"

	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/approval"
	"github.com/tongban/tongban/internal/auth"
	"github.com/tongban/tongban/internal/calendar"
	"github.com/tongban/tongban/internal/catalog"
)

type flowsOut struct {
	Body struct {
		Items []catalog.Flow `json:"items"`
	}
}

func (s *Server) listFlows(ctx context.Context, _ auth.Principal, _ *empty) (*flowsOut, error) {
	out := &flowsOut{}
	out.Body.Items = nonNil(s.svc.Catalog().Flows())
	return out, nil
}

type flowIn struct {
	ID      string `path:"id" maxLength:"64"`
	Version int    `query:"version" minimum:"0" doc:"0 or absent: the latest version"`
}

type flowOut struct{ Body catalog.Flow }

func (s *Server) getFlow(ctx context.Context, _ auth.Principal, in *flowIn) (*flowOut, error) {
	cat := s.svc.Catalog()
	var f catalog.Flow
	var err error
	if in.Version > 0 {
		f, err = cat.Flow(in.ID, in.Version)
	} else {
		f, err = cat.LatestFlow(in.ID)
	}
	if err != nil {
		return nil, err
	}
	return &flowOut{Body: f}, nil
}

type itemsOut struct {
	Body struct {
		Items []catalog.Item `json:"items"`
	}
}

func (s *Server) listItems(ctx context.Context, _ auth.Principal, _ *empty) (*itemsOut, error) {
	out := &itemsOut{}
	out.Body.Items = nonNil(s.svc.Catalog().Items())
	return out, nil
}

type departmentsOut struct {
	Body struct {
		Items []catalog.Department `json:"items"`
	}
}

func (s *Server) listDepartments(ctx context.Context, _ auth.Principal, _ *empty) (*departmentsOut, error) {
	out := &departmentsOut{}
	out.Body.Items = nonNil(s.svc.Catalog().Departments())
	return out, nil
}

type situationsOut struct {
	Body struct {
		Items []catalog.Question `json:"items"`
	}
}

func (s *Server) listSituations(ctx context.Context, _ auth.Principal, _ *empty) (*situationsOut, error) {
	out := &situationsOut{}
	out.Body.Items = nonNil(s.svc.Catalog().Questions())
	return out, nil
}

type previewIn struct {
	Body struct {
		FlowID     string         `json:"flow_id" maxLength:"64"`
		District   string         `json:"district,omitempty" maxLength:"6"`
		Investment float64        `json:"investment" doc:"万元"`
		LandArea   float64        `json:"land_area"`
		FloorArea  float64        `json:"floor_area"`
		Answers    map[string]any `json:"answers,omitempty"`
	}
}

type previewStage struct {
	Number int           `json:"number"`
	Name   string        `json:"name"`
	Items  []ItemNeedDTO `json:"items"`
}

type previewOut struct {
	Body struct {
		FlowID      string         `json:"flow_id"`
		FlowVersion int            `json:"flow_version"`
		Stages      []previewStage `json:"stages"`
	}
}

func itemNeedDTO(it catalog.MatchedItem) ItemNeedDTO {
	return ItemNeedDTO{Code: it.Item.Code, Name: it.Item.Name, Department: it.Item.Department, DepartmentName: it.DepartmentName,
		Reason: it.Reason.ZH, ReasonEN: it.Reason.EN, Rule: it.Reason.Rule,
		Limit: it.Item.CommittedLimit, Unit: string(it.Item.Unit)}
}

// preview answers the questionnaire live: which items the project would
// need in each stage, and why.
func (s *Server) preview(ctx context.Context, _ auth.Principal, in *previewIn) (*previewOut, error) {
	cat := s.svc.Catalog()
	f, err := cat.LatestFlow(in.Body.FlowID)
	if err != nil {
		return nil, err
	}
	facts := catalog.ProjectFacts{Type: f.ProjectType, District: in.Body.District, Investment: in.Body.Investment, LandArea: in.Body.LandArea,
		FloorArea: in.Body.FloorArea, GovernmentInvested: f.GovernmentInvested}
	answers := in.Body.Answers
	if answers == nil {
		answers = map[string]any{}
	}
	all, err := cat.MatchAll(f.ID, f.Version, facts, answers)
	if err != nil {
		return nil, err
	}
	out := &previewOut{}
	out.Body.FlowID, out.Body.FlowVersion = f.ID, f.Version
	out.Body.Stages = []previewStage{}
	for _, sm := range all {
		ps := previewStage{Number: sm.Stage.Number, Name: sm.Stage.Name, Items: []ItemNeedDTO{}}
		for _, it := range sm.Items {
			ps.Items = append(ps.Items, itemNeedDTO(it))
		}
		out.Body.Stages = append(out.Body.Stages, ps)
	}
	return out, nil
}

// StateDTO is one national state code with the actions allowed from it.
type StateDTO struct {
	Code    int      `json:"code"`
	Name    string   `json:"name"`
	NameEN  string   `json:"name_en"`
	Actions []string `json:"actions"`
}

type statesOut struct {
	Body struct {
		Items []StateDTO `json:"items"`
	}
}

func (s *Server) listStates(ctx context.Context, _ auth.Principal, _ *empty) (*statesOut, error) {
	out := &statesOut{}
	for _, st := range approval.States() {
		d := StateDTO{Code: int(st), Name: st.ZH(), NameEN: st.EN(), Actions: []string{}}
		for _, a := range approval.Allowed(st) {
			d.Actions = append(d.Actions, string(a))
		}
		out.Body.Items = append(out.Body.Items, d)
	}
	return out, nil
}

// --- calendar -------------------------------------------------------------

type yearsOut struct {
	Body struct {
		Years []int `json:"years"`
	}
}

func (s *Server) calendarYears(ctx context.Context, _ auth.Principal, _ *empty) (*yearsOut, error) {
	out := &yearsOut{}
	out.Body.Years = nonNil(s.svc.Calendar().Years())
	return out, nil
}

type yearIn struct {
	Year int `path:"year" minimum:"2000" maximum:"2100"`
}

type yearOut struct{ Body calendar.YearFile }

func (s *Server) calendarYear(ctx context.Context, _ auth.Principal, in *yearIn) (*yearOut, error) {
	yf, ok := s.svc.Calendar().Export(in.Year)
	if !ok {
		return nil, apperr.Newf(apperr.NotFound, "calendar.year", "没有 %d 年的节假日数据", "no holiday data for %d", in.Year)
	}
	return &yearOut{Body: yf}, nil
}

type putYearIn struct {
	Year int `path:"year" minimum:"2000" maximum:"2100"`
	Body calendar.YearFile
}

func (s *Server) putCalendarYear(ctx context.Context, p auth.Principal, in *putYearIn) (*yearOut, error) {
	if in.Body.Year != in.Year {
		return nil, badParam("year", "路径中的年份与文件中的年份不一致", "the year in the path and in the body differ")
	}
	if err := s.svc.ImportCalendarYear(ctx, in.Body, p.UserID); err != nil {
		return nil, err
	}
	yf, _ := s.svc.Calendar().Export(in.Year)
	return &yearOut{Body: yf}, nil
}

type dueIn struct {
	From string `query:"from" required:"true" pattern:"^\\d{4}-\\d{2}-\\d{2}$" doc:"The acceptance day (it does not count)"`
	Days int    `query:"days" minimum:"0" maximum:"3650"`
	Unit string `query:"unit" enum:"WD,ND" default:"WD"`
}

type dueOut struct {
	Body struct {
		Due     string `json:"due"`
		Covered bool   `json:"covered" doc:"false when the due date's year has no holiday data (Monday–Friday assumed)"`
	}
}

func (s *Server) calendarDue(ctx context.Context, _ auth.Principal, in *dueIn) (*dueOut, error) {
	d, err := calendar.ParseDate(in.From)
	if err != nil {
		return nil, err
	}
	u, err := calendar.ParseUnit(in.Unit)
	if err != nil {
		return nil, err
	}
	cal := s.svc.Calendar()
	due := cal.Due(d, in.Days, u)
	out := &dueOut{}
	out.Body.Due, out.Body.Covered = due.String(), cal.Covers(due)
	return out, nil
}

var _ = strconv.Itoa

type publishIn struct {
	Body struct {
		Files map[string]string `json:"files" doc:"File name (relative .yaml path) → content"`
	}
}

type publishOut struct {
	Body struct {
		Flows       int `json:"flows"`
		Items       int `json:"items"`
		Departments int `json:"departments"`
	}
}

func (s *Server) publishCatalog(ctx context.Context, p auth.Principal, in *publishIn) (*publishOut, error) {
	c, err := s.svc.PublishCatalog(ctx, p, in.Body.Files)
	if err != nil {
		return nil, err
	}
	out := &publishOut{}
	out.Body.Flows, out.Body.Items, out.Body.Departments = len(c.Flows()), len(c.Items()), len(c.Departments())
	return out, nil
}
