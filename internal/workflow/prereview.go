package workflow

import (
	"context"
	"encoding/json"
	"io"
	"time"

	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/auth"
	"github.com/tongban/tongban/internal/jobs"
	"github.com/tongban/tongban/internal/prereview"
	"github.com/tongban/tongban/internal/store"
)

// JobPrereview runs the complete pre-review of an uploaded material
// version (with OCR) after its upload committed.
const JobPrereview = "prereview"

// PrereviewArgs are JobPrereview's arguments.
type PrereviewArgs struct {
	MaterialID string `json:"material_id"`
}

// Material check states.
const (
	CheckChecking = "checking"
	CheckDone     = "done"
	CheckFailed   = "failed"
)

// fastCheckBudget bounds the checks an upload waits for.
const fastCheckBudget = 20 * time.Second

// enqueuePrereview queues the complete check of a material version, in
// the upload's transaction: it happens even if the server stops right
// after.
func enqueuePrereview(ctx context.Context, tx *store.Tx, materialID string) error {
	return jobs.Enqueue(ctx, tx, jobs.Spec{Kind: JobPrereview, Args: PrereviewArgs{MaterialID: materialID}, UniqueKey: prereviewKey(materialID), MaxAttempts: 3})
}

// prereviewKey is the unique key of a material version's prereview job.
func prereviewKey(materialID string) string { return "prereview:" + materialID }

// materialOptions are the checks a material version needs: its catalog
// definition (formats, seal, perforation seal) and the application it must
// agree with.
func (s *Service) materialOptions(ctx context.Context, tx *store.Tx, m store.Material, ocr bool) (prereview.Options, error) {
	o := prereview.Options{Limits: prereview.DefaultLimits(), OCR: ocr, Now: s.now()}
	pr, err := store.GetProject(ctx, tx, m.ProjectID)
	if err != nil {
		return o, err
	}
	o.Application = prereview.Application{EnterpriseName: pr.EnterpriseName, USCC: pr.EnterpriseUSCC}
	_, reqs, err := s.StageRequirements(ctx, tx, pr, m.Stage)
	if err != nil {
		return o, err
	}
	for _, r := range reqs {
		if r.Material.Code == m.Code {
			o.Formats = r.Material.Formats
			o.RequireSeal = r.Material.SealRequired
			o.RequirePerforation = r.Material.StraddleSealRequired
			if r.Material.MaxSizeMB > 0 {
				o.Limits.MaxBytes = int64(r.Material.MaxSizeMB) << 20
			}
		}
	}
	return o, nil
}

// checkMaterial inspects a stored material version and stores the report;
// ocr runs the text checks too (the job), else they are marked pending.
func (s *Service) checkMaterial(ctx context.Context, m store.Material, ocr bool) (store.MaterialCheck, error) {
	var o prereview.Options
	if err := s.db.Read(ctx, func(tx *store.Tx) (err error) { o, err = s.materialOptions(ctx, tx, m, ocr); return err }); err != nil {
		return store.MaterialCheck{}, err
	}
	rc, err := s.blobs.Open(ctx, m.BlobKey)
	if err != nil {
		return store.MaterialCheck{}, err
	}
	data, err := io.ReadAll(io.LimitReader(rc, o.Limits.MaxBytes+1))
	rc.Close()
	if err != nil {
		return store.MaterialCheck{}, apperr.Wrap(err, "read material")
	}
	rep := prereview.Inspect(ctx, m.FileName, data, o)
	rep.File = m.FileName
	c := store.MaterialCheck{MaterialID: m.ID, Status: CheckDone, OCR: rep.OCR, CheckedAt: s.now()}
	if !ocr && rep.OCR == "skipped" { // pages to read, left for the job
		if ok, _ := prereview.OCRAvailable(); ok {
			c.OCR = "pending"
			rep.OCR = "pending"
			rep.Findings = append(rep.Findings, prereview.Finding{Code: prereview.CodeOCRPending, Severity: prereview.Info,
				Message: "文字识别与信息核对正在进行，几秒后更新", MessageE: "text recognition and the checks of the document's details are running; they appear in a few seconds"})
		}
	}
	for i := range rep.PageInfo {
		rep.PageInfo[i].Text = truncateRunes(rep.PageInfo[i].Text, 4000)
	}
	for _, f := range rep.Findings {
		switch f.Severity {
		case prereview.Error:
			c.Errors++
		case prereview.Warning:
			c.Warnings++
		}
	}
	b, err := json.Marshal(rep)
	if err != nil {
		return c, apperr.Wrap(err, "prereview report")
	}
	c.Report = string(b)
	// A fast pass that had nothing to read (every page has embedded text
	// or is blank, or the file was refused) is the complete check: it
	// replaces what is stored, and the job that would only repeat it is
	// cancelled (a demo start queues hundreds; a fresh scan's OCR would
	// wait behind them).
	complete := ocr || rep.OCR == "not_needed"
	err = s.db.Write(ctx, func(tx *store.Tx) error {
		if err := store.PutMaterialCheck(ctx, tx, c, complete); err != nil {
			return err
		}
		if !ocr && complete {
			return jobs.Cancel(ctx, tx, prereviewKey(m.ID))
		}
		return nil
	})
	return c, err
}

func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// HandlePrereview runs the complete check of a material version (with OCR);
// register it with jobs.Runner.HandleSlow: it takes seconds and writes with
// its own transaction (tx is nil).
func (s *Service) HandlePrereview(ctx context.Context, _ *store.Tx, j jobs.Job) error {
	var a PrereviewArgs
	if err := json.Unmarshal([]byte(j.Args), &a); err != nil {
		return apperr.Wrap(err, "prereview job args")
	}
	var m store.Material
	if err := s.db.Read(ctx, func(tx *store.Tx) (err error) { m, err = store.GetMaterial(ctx, tx, a.MaterialID); return err }); err != nil {
		return err
	}
	_, err := s.checkMaterial(ctx, m, true)
	return err
}

// RecheckMaterial runs the checks of a material version again, on demand
// (the applicant who uploaded it, or an officer of a department with a
// task in the project): the fast checks now, the text checks by a job.
func (s *Service) RecheckMaterial(ctx context.Context, p auth.Principal, id string) (store.MaterialCheck, error) {
	var m store.Material
	err := s.db.Write(ctx, func(tx *store.Tx) error {
		var err error
		if m, err = store.GetMaterial(ctx, tx, id); err != nil {
			return err
		}
		if _, err := s.loadProjectFor(ctx, tx, p, m.ProjectID); err != nil {
			return apperr.New(apperr.NotFound, "material.not_found", "材料不存在或无权查看", "material not found or not visible to you")
		}
		if !p.HasAny(auth.Applicant, auth.Clerk, auth.Reviewer, auth.Approver) {
			return apperr.New(apperr.Forbidden, "material.recheck_forbidden", "只有申请人和审批人员可以重新检查材料", "only the applicant and officers may check a material again")
		}
		return enqueuePrereview(ctx, tx, m.ID)
	})
	if err != nil {
		return store.MaterialCheck{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, fastCheckBudget)
	defer cancel()
	c, err := s.checkMaterial(ctx, m, false)
	if err != nil {
		return c, err
	}
	// The fast pass keeps a complete check already stored; show what is.
	var out store.MaterialCheck
	err = s.db.Read(ctx, func(tx *store.Tx) error {
		cs, err := store.MaterialChecks(ctx, tx, []string{m.ID})
		out = cs[m.ID]
		return err
	})
	return out, err
}

// MaterialPage renders page n of a material version as a PNG thumbnail
// of the size the checks' regions refer to, for whoever may see it.
func (s *Service) MaterialPage(ctx context.Context, p auth.Principal, id string, n int) ([]byte, error) {
	m, rc, err := s.OpenMaterial(ctx, p, id)
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(rc, 512<<20))
	rc.Close()
	if err != nil {
		return nil, apperr.Wrap(err, "read material")
	}
	ctx, cancel := context.WithTimeout(ctx, fastCheckBudget)
	defer cancel()
	return prereview.Thumbnail(ctx, m.FileName, data, n, prereview.DefaultLimits())
}

// stageChecks returns the checks of the given material versions.
func stageChecks(ctx context.Context, tx *store.Tx, ms []store.Material) (map[string]store.MaterialCheck, error) {
	ids := make([]string, len(ms))
	for i, m := range ms {
		ids[i] = m.ID
	}
	return store.MaterialChecks(ctx, tx, ids)
}

// UploadAndCheck uploads a material version (UploadMaterial) and runs the
// fast checks at once, so that the applicant learns within seconds what is
// wrong; the text checks (OCR) follow by a job. A check that fails to run
// does not fail the upload: the job runs it again.
func (s *Service) UploadAndCheck(ctx context.Context, p auth.Principal, projectID string, stage int, code, fileName string, r io.Reader) (store.Material, *store.MaterialCheck, error) {
	m, err := s.UploadMaterial(ctx, p, projectID, stage, code, fileName, r)
	if err != nil {
		return m, nil, err
	}
	cctx, cancel := context.WithTimeout(ctx, fastCheckBudget)
	defer cancel()
	if _, err := s.checkMaterial(cctx, m, false); err != nil {
		s.log.WarnContext(ctx, "prereview after upload failed; the job will run it", "material", m.ID, "err", err.Error())
		return m, nil, nil
	}
	var c *store.MaterialCheck
	err = s.db.Read(ctx, func(tx *store.Tx) error {
		cs, err := store.MaterialChecks(ctx, tx, []string{m.ID})
		if v, ok := cs[m.ID]; ok {
			c = &v
		}
		return err
	})
	return m, c, err
}
