package httpapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/auth"
	"github.com/tongban/tongban/internal/cert"
	"github.com/tongban/tongban/internal/workflow"
)

// CertificateDTO is an issued certificate as its project's readers see it.
type CertificateDTO struct {
	Number       string     `json:"number"`
	Kind         string     `json:"kind" enum:"licence,approval,filing"`
	Title        string     `json:"title"`
	ItemCode     string     `json:"item_code"`
	ItemName     string     `json:"item_name"`
	DeptCode     string     `json:"dept_code"`
	Issuer       string     `json:"issuer"`
	HolderName   string     `json:"holder_name"`
	HolderUSCC   string     `json:"holder_uscc"`
	ProjectName  string     `json:"project_name"`
	ProjectCode  string     `json:"project_code"`
	IssuedAt     time.Time  `json:"issued_at"`
	Status       string     `json:"status" enum:"valid,revoked"`
	RevokedAt    *time.Time `json:"revoked_at,omitempty"`
	RevokeReason string     `json:"revoke_reason,omitempty"`
	RevokedBy    string     `json:"revoked_by,omitempty"`
	PDFReady     bool       `json:"pdf_ready" doc:"false for a few seconds after issue, while the PDF is made"`
	PDFError     string     `json:"pdf_error,omitempty" doc:"Why the PDF could not be made (the operator must act)"`
	PDFURL       string     `json:"pdf_url"`
	VerifyURL    string     `json:"verify_url" doc:"The public verification page the certificate's QR code opens"`
	CanRevoke    bool       `json:"can_revoke" doc:"Whether you may revoke it (an approver of the issuing department)"`
}

func certificateDTO(v workflow.CertificateView) CertificateDTO {
	c := v.Content
	d := CertificateDTO{Number: v.Number, Kind: v.Kind, Title: v.Title, ItemCode: v.ItemCode, ItemName: c.Item.Name, DeptCode: v.DeptCode, Issuer: c.Issuer.Name,
		HolderName: c.Holder.Name, HolderUSCC: c.Holder.ID, ProjectName: c.Project.Name, ProjectCode: c.Project.Code, IssuedAt: v.IssuedAt, Status: cert.StatusValid,
		RevokedAt: v.RevokedAt, RevokeReason: v.RevokeReason, RevokedBy: v.RevokedBy, PDFReady: v.PDFBlob != "", PDFError: v.PDFError,
		PDFURL: "/api/v1/certificates/" + v.Number + "/pdf", VerifyURL: c.VerifyURL, CanRevoke: v.CanRevoke && v.RevokedAt == nil}
	if v.RevokedAt != nil {
		d.Status = cert.StatusRevoked
	}
	return d
}

type projectIDIn struct {
	ID string `path:"id" maxLength:"26"`
}

type certificatesOut struct{ Body []CertificateDTO }

func (s *Server) listCertificates(ctx context.Context, p auth.Principal, in *projectIDIn) (*certificatesOut, error) {
	vs, err := s.svc.ListCertificates(ctx, p, in.ID)
	if err != nil {
		return nil, err
	}
	out := &certificatesOut{Body: make([]CertificateDTO, len(vs))}
	for i, v := range vs {
		out.Body[i] = certificateDTO(v)
	}
	return out, nil
}

func (s *Server) certificatePDF(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	row, rc, err := s.svc.CertificatePDF(r.Context(), p, r.PathValue("number"))
	if err != nil {
		return err
	}
	defer rc.Close()
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename*=UTF-8''%s", url.PathEscape(row.Title+"-"+row.Number+".pdf")))
	w.Header().Set("Cache-Control", "private, max-age=3600")
	if _, err := io.Copy(w, rc); err != nil {
		s.log.WarnContext(r.Context(), "download interrupted", "err", err.Error())
	}
	return nil
}

type revokeCertIn struct {
	Number string `path:"number" maxLength:"40"`
	Body   struct {
		Reason string `json:"reason" maxLength:"2000" doc:"Why (1–500 characters); recorded and signed"`
	}
}

type certificateOut struct{ Body CertificateDTO }

func (s *Server) revokeCertificate(ctx context.Context, p auth.Principal, in *revokeCertIn) (*certificateOut, error) {
	v, err := s.svc.RevokeCertificate(ctx, p, in.Number, in.Body.Reason)
	if err != nil {
		return nil, err
	}
	return &certificateOut{Body: certificateDTO(v)}, nil
}

// VerificationDTO is the public verdict on a certificate.
type VerificationDTO struct {
	Number       string               `json:"number"`
	Found        bool                 `json:"found"`
	Valid        bool                 `json:"valid" doc:"Found, signature valid, in the ledger, not revoked and, for an upload, the very file issued"`
	Status       string               `json:"status" enum:"valid,revoked,invalid,not_found"`
	Reasons      []cert.Reason        `json:"reasons"`
	Title        string               `json:"title,omitempty"`
	Kind         string               `json:"kind,omitempty"`
	HolderName   string               `json:"holder_name,omitempty"`
	HolderUSCC   string               `json:"holder_uscc,omitempty"`
	ProjectName  string               `json:"project_name,omitempty"`
	ProjectCode  string               `json:"project_code,omitempty"`
	Issuer       string               `json:"issuer,omitempty"`
	IssuedAt     *time.Time           `json:"issued_at,omitempty"`
	RevokedAt    *time.Time           `json:"revoked_at,omitempty"`
	RevokeReason string               `json:"revoke_reason,omitempty"`
	Signature    *cert.SignatureCheck `json:"signature,omitempty"`
	Ledger       *cert.LedgerCheck    `json:"ledger,omitempty"`
	File         *cert.FileCheck      `json:"file,omitempty"`
}

func verificationDTO(v cert.Verification) VerificationDTO {
	d := VerificationDTO{Number: v.Number, Found: v.Found, Valid: v.Valid, Status: v.Status, Reasons: v.Reasons, Signature: v.Signature, Ledger: v.Ledger, File: v.File}
	if d.Reasons == nil {
		d.Reasons = []cert.Reason{}
	}
	if c := v.Content; c != nil {
		t := time.UnixMilli(c.IssuedAt).UTC()
		d.Title, d.Kind, d.HolderName, d.HolderUSCC, d.ProjectName, d.ProjectCode, d.Issuer, d.IssuedAt =
			c.Title, c.Kind, c.Holder.Name, c.Holder.ID, c.Project.Name, c.Project.Code, c.Issuer.Name, &t
	}
	if r := v.Row; r != nil {
		d.RevokedAt, d.RevokeReason = r.RevokedAt, r.RevokeReason
	}
	return d
}

type verifyNumberIn struct {
	Number string `path:"number" maxLength:"80"`
}

type verificationOut struct {
	CacheControl string `header:"Cache-Control"`
	Body         VerificationDTO
}

func (s *Server) verifyCertificate(ctx context.Context, _ auth.Principal, in *verifyNumberIn) (*verificationOut, error) {
	n, ok := cert.NormalizeNumber(in.Number)
	if !ok {
		return nil, apperr.New(apperr.Invalid, "cert.bad_number", "证照编号格式不对（如 ZRGH-2026-000001）", "a certificate number looks like ZRGH-2026-000001").
			WithField("number", "invalid", "格式不对", "malformed")
	}
	v, err := s.svc.VerifyCertificate(ctx, n, nil)
	if err != nil {
		return nil, err
	}
	return &verificationOut{CacheControl: "no-store", Body: verificationDTO(v)}, nil
}

// verifyUpload checks an uploaded PDF (multipart field "file"), public.
func (s *Server) verifyUpload(w http.ResponseWriter, r *http.Request, _ auth.Principal) error {
	r.Body = http.MaxBytesReader(w, r.Body, cert.MaxUpload+64<<10)
	mr, err := r.MultipartReader()
	if err != nil {
		return apperr.New(apperr.Invalid, "cert.upload", "请以 multipart/form-data 上传 PDF（字段名 file）", "upload the PDF as multipart/form-data (field file)")
	}
	var file []byte
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return uploadError(err)
		}
		if part.FormName() != "file" {
			part.Close()
			continue
		}
		file, err = io.ReadAll(io.LimitReader(part, cert.MaxUpload+1))
		part.Close()
		if err != nil {
			return uploadError(err)
		}
		break
	}
	switch {
	case file == nil:
		return apperr.New(apperr.Invalid, "cert.upload", "请上传证照 PDF 文件（字段名 file）", "upload the certificate PDF (field file)").WithField("file", "required", "缺少文件", "missing")
	case len(file) == 0:
		return apperr.New(apperr.Invalid, "cert.upload_empty", "上传的文件是空的", "the uploaded file is empty").WithField("file", "invalid", "空文件", "empty")
	case len(file) > cert.MaxUpload:
		return apperr.New(apperr.TooLarge, "cert.upload_large", "文件过大（上限 20 MB）", "the file is too large (20 MB at most)")
	}
	v, err := s.svc.VerifyCertificate(r.Context(), "", file)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, verificationDTO(v))
}

func uploadError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return apperr.New(apperr.TooLarge, "cert.upload_large", "文件过大（上限 20 MB）", "the file is too large (20 MB at most)")
	}
	return apperr.New(apperr.Invalid, "cert.upload", "上传中断或格式有误", "the upload was interrupted or malformed")
}
