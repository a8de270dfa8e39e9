package workflow

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"sync"

	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/approval"
	"github.com/tongban/tongban/internal/auth"
	"github.com/tongban/tongban/internal/cert"
	"github.com/tongban/tongban/internal/jobs"
	"github.com/tongban/tongban/internal/sign"
	"github.com/tongban/tongban/internal/store"
)

// JobCertRender renders an issued certificate's PDF after the approval
// that issued it committed.
const JobCertRender = "cert_render"

// CertArgs are the arguments of JobCertRender.
type CertArgs struct {
	Number string `json:"number"`
}

// certFont is the CJK font certificates are printed with, opened on first
// use (it is tens of megabytes).
type certFont struct {
	once sync.Once
	font *cert.Font
	err  error
}

func (s *Service) font() (*cert.Font, error) {
	s.certFont.once.Do(func() { s.certFont.font, s.certFont.err = cert.OpenFont(s.certFontPath) })
	return s.certFont.font, s.certFont.err
}

// issueCertificate gives the certificate of a task approved just now, if
// its item produces one, in the approval's transaction, and queues its
// PDF.
func (s *Service) issueCertificate(ctx context.Context, tx *store.Tx, p auth.Principal, t approval.Task) error {
	if s.keys == nil {
		return nil
	}
	it, err := s.catalogs.Current().Item(t.ItemCode, t.ItemVersion)
	if err != nil || !cert.Issues(it.Result) {
		return nil //nolint:nilerr // an item unknown to this catalog issues nothing
	}
	pr, err := store.GetProject(ctx, tx, t.ProjectID)
	if err != nil {
		return err
	}
	dept, _ := s.catalogs.Current().Department(t.DeptCode)
	if dept.Code == "" {
		dept.Code, dept.Name = t.DeptCode, t.DeptCode
	}
	id, name, role := actorFields(p)
	r, err := cert.Issue(ctx, tx, s.keys, s.hook, cert.IssueInput{Project: pr, Task: t, Item: it, Issuer: dept, PublicURL: s.publicURL,
		Actor: sign.Actor{ID: id, Name: name, Role: role}, At: s.now()})
	if err != nil {
		return err
	}
	return jobs.Enqueue(ctx, tx, jobs.Spec{Kind: JobCertRender, Args: CertArgs{Number: r.Number}, UniqueKey: "cert:" + r.Number})
}

// HandleCertRender renders a certificate's PDF, stores it and records its
// SM3. Without a usable font it records why on the certificate and stops
// (RenderPendingCertificates queues it again at the next start).
func (s *Service) HandleCertRender(ctx context.Context, tx *store.Tx, j jobs.Job) error {
	var a CertArgs
	if err := json.Unmarshal([]byte(j.Args), &a); err != nil {
		return apperr.Wrap(err, "cert job args")
	}
	f, err := s.font()
	if err != nil {
		s.log.Error("certificate PDF not rendered: no usable font", "number", a.Number, "err", apperr.As(err).EN)
		return cert.RecordRenderError(ctx, tx, a.Number, err)
	}
	_, err = cert.RenderAndRecord(ctx, tx, a.Number, f, func(pdf []byte) (string, error) {
		obj, err := s.blobs.Put(ctx, bytes.NewReader(pdf), int64(len(pdf)))
		return obj.Key, err
	}, s.hook, s.now())
	return err
}

// RenderPendingCertificates queues the PDF of every certificate that has
// none yet (after a start without a font, say).
func (s *Service) RenderPendingCertificates(ctx context.Context) error {
	return s.db.Write(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, `SELECT number FROM certificates WHERE pdf_sm3=''`)
		if err != nil {
			return err
		}
		var numbers []string
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err != nil {
				rows.Close()
				return store.MapError(tx.Dialect(), err)
			}
			numbers = append(numbers, n)
		}
		rows.Close()
		for _, n := range numbers {
			if err := jobs.Enqueue(ctx, tx, jobs.Spec{Kind: JobCertRender, Args: CertArgs{Number: n}, UniqueKey: "cert:" + n}); err != nil {
				return err
			}
		}
		return nil
	})
}

// CertificateView is a certificate with what the reader may do with it.
type CertificateView struct {
	cert.Row
	Content   cert.Content
	CanRevoke bool
}

func (s *Service) canRevokeCert(p auth.Principal, r cert.Row) bool {
	return p.Has(auth.Approver) && p.DeptCode == r.DeptCode
}

// ListCertificates returns a project's certificates, for whoever may see
// the project.
func (s *Service) ListCertificates(ctx context.Context, p auth.Principal, projectID string) ([]CertificateView, error) {
	var out []CertificateView
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		if _, err := s.loadProjectFor(ctx, tx, p, projectID); err != nil {
			return err
		}
		rows, err := cert.List(ctx, tx, projectID)
		for _, r := range rows {
			c, _ := r.Parsed()
			out = append(out, CertificateView{Row: r, Content: c, CanRevoke: s.canRevokeCert(p, r)})
		}
		return err
	})
	return out, err
}

// CertificatePDF opens a certificate's PDF for whoever may see its project.
func (s *Service) CertificatePDF(ctx context.Context, p auth.Principal, number string) (cert.Row, io.ReadCloser, error) {
	var r cert.Row
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		if r, err = cert.Get(ctx, tx, number); err != nil {
			return err
		}
		_, err = s.loadProjectFor(ctx, tx, p, r.ProjectID)
		if apperr.Is(err, apperr.NotFound) {
			return apperr.New(apperr.NotFound, "cert.not_found", "证照不存在或无权查看", "certificate not found or not visible to you")
		}
		return err
	})
	if err != nil {
		return r, nil, err
	}
	if r.PDFBlob == "" {
		if r.PDFError != "" {
			return r, nil, apperr.New(apperr.Conflict, "cert.pdf_failed", "证照文件生成失败："+r.PDFError, "the certificate's PDF could not be made: "+r.PDFError)
		}
		return r, nil, apperr.New(apperr.Conflict, "cert.pdf_pending", "证照文件正在生成，请稍候", "the certificate's PDF is being made; try again in a moment")
	}
	rc, err := s.blobs.Open(ctx, r.PDFBlob)
	return r, rc, err
}

// RevokeCertificate revokes a certificate (撤销): an approver of the
// issuing department, with a reason, signed with the officer's key.
func (s *Service) RevokeCertificate(ctx context.Context, p auth.Principal, number, reason string) (CertificateView, error) {
	if err := s.requireKeys(); err != nil {
		return CertificateView{}, err
	}
	var out CertificateView
	err := s.db.Write(ctx, func(tx *store.Tx) error {
		r, err := cert.Get(ctx, tx, number)
		if err != nil {
			return err
		}
		if _, err := s.loadProjectFor(ctx, tx, p, r.ProjectID); err != nil {
			return apperr.New(apperr.NotFound, "cert.not_found", "证照不存在或无权查看", "certificate not found or not visible to you")
		}
		if !s.canRevokeCert(p, r) {
			return apperr.New(apperr.Forbidden, "cert.revoke_forbidden", "只有签发部门的签发人员可以撤销证照", "only an approver of the issuing department may revoke a certificate")
		}
		id, name, role := actorFields(p)
		if r, err = cert.Revoke(ctx, tx, s.keys, s.hook, number, reason, sign.Actor{ID: id, Name: name, Role: role}, s.now()); err != nil {
			return err
		}
		c, _ := r.Parsed()
		out = CertificateView{Row: r, Content: c, CanRevoke: false}
		return nil
	})
	return out, err
}

// VerifyCertificate is the public check of a certificate by number or by
// file (cert.Verify).
func (s *Service) VerifyCertificate(ctx context.Context, number string, file []byte) (cert.Verification, error) {
	var v cert.Verification
	err := s.db.Read(ctx, func(tx *store.Tx) (err error) {
		v, err = cert.Verify(ctx, tx, number, file)
		return err
	})
	return v, err
}
