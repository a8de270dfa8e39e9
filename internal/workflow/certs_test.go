package workflow_test

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/auth"
	"github.com/tongban/tongban/internal/cert"
	"github.com/tongban/tongban/internal/ledger"
	"github.com/tongban/tongban/internal/sign"
	"github.com/tongban/tongban/internal/store"
	"github.com/tongban/tongban/internal/store/storetest"
	"github.com/tongban/tongban/internal/workflow"
)

// TestSignedDecisionsAndCertificates takes stage 1 through approval on
// every database and checks: every officer's decision carries a valid SM2
// signature (verified on read); each licence/approval/filing item issued a
// certificate signed by its department, whose PDF the job renders; it
// verifies by number and by file, not when the file is altered; revoking
// it is the issuing department's approver's, signed, and shows; the whole
// store passes the ledger and signature checks.
func TestSignedDecisionsAndCertificates(t *testing.T) {
	if _, err := cert.FindFont(""); err != nil {
		t.Fatalf("certificates need a CJK TrueType font: %v (scripts/pdftools.sh installs it)", apperr.As(err).EN)
	}
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			e := newEnv(t, d)
			e.runner.Handle(workflow.JobCertRender, e.svc.HandleCertRender)
			ctx := context.Background()
			pr, _, tasks := e.submitted(t, "2025-350211-47-03-000321")
			e.approveAll(t, tasks)
			v, err := e.svc.GetProject(ctx, e.app, pr.ID)
			if err != nil {
				t.Fatal(err)
			}
			decisions := 0
			for _, ev := range v.Events {
				officerAct := ev.ActorRole == "clerk" || ev.ActorRole == "reviewer" || ev.ActorRole == "approver"
				sv, signed := v.Signatures[ev.ID]
				switch {
				case officerAct && ev.TaskID != "" && !strings.HasPrefix(ev.Kind, "cert."):
					decisions++
					if !signed || sv.Status != sign.SigValid || sv.Owner != sign.UserOwner(ev.ActorID) {
						t.Errorf("decision %s by %s: %+v", ev.Kind, ev.ActorID, sv)
					}
				case signed:
					t.Errorf("%s by %s is signed: %+v", ev.Kind, ev.ActorRole, sv)
				}
			}
			if decisions < 2*len(tasks) {
				t.Fatalf("%d signed decisions for %d tasks", decisions, len(tasks))
			}
			certs, err := e.svc.ListCertificates(ctx, e.app, pr.ID)
			if err != nil || len(certs) == 0 {
				t.Fatalf("certificates: %d, %v", len(certs), err)
			}
			c := certs[0]
			if c.PDFBlob != "" || c.Content.Holder.ID != usccA || !strings.HasSuffix(c.Content.VerifyURL, "/verify/"+c.Number) {
				t.Fatalf("certificate before rendering: %+v", c)
			}
			if _, _, err := e.svc.CertificatePDF(ctx, e.app, c.Number); apperr.As(err).Key != "cert.pdf_pending" {
				t.Fatalf("PDF before the job: %v", err)
			}
			if n, err := e.runner.RunDue(ctx); err != nil || n < len(certs) {
				t.Fatalf("render jobs: %d, %v", n, err)
			}
			_, rc, err := e.svc.CertificatePDF(ctx, e.app, c.Number)
			if err != nil {
				t.Fatal(err)
			}
			pdf, _ := io.ReadAll(rc)
			rc.Close()
			// Another enterprise's applicant sees none of it.
			stranger := auth.Principal{UserID: "x", Roles: []auth.Role{auth.Applicant}, EnterpriseUSCC: "91350200MA2XXXXX0X"}
			if _, _, err := e.svc.CertificatePDF(ctx, stranger, c.Number); !apperr.Is(err, apperr.NotFound) {
				t.Fatalf("stranger downloads: %v", err)
			}
			if _, err := e.svc.ListCertificates(ctx, stranger, pr.ID); !apperr.Is(err, apperr.NotFound) {
				t.Fatalf("stranger lists: %v", err)
			}
			for _, tc := range []struct {
				name, number string
				file         []byte
				status       string
			}{
				{"by number", c.Number, nil, cert.StatusValid},
				{"by number, lower case", strings.ToLower(c.Number), nil, cert.StatusValid},
				{"by file", "", pdf, cert.StatusValid},
				{"file altered", "", append(append([]byte{}, pdf[:len(pdf)-10]...), []byte("%%EOF\n  \n")...), cert.StatusInvalid},
				{"unknown number", "ZRGH-2020-999999", nil, cert.StatusNotFound},
				{"a text file", "", []byte("not a pdf"), cert.StatusNotFound},
			} {
				got, err := e.svc.VerifyCertificate(ctx, tc.number, tc.file)
				if err != nil || got.Status != tc.status || got.Valid != (tc.status == cert.StatusValid) {
					t.Errorf("%s: %s valid=%v %+v %v", tc.name, got.Status, got.Valid, got.Reasons, err)
				}
			}
			// Revocation: not by the applicant, not by another department,
			// not without a reason; then by the issuing department's approver.
			if _, err := e.svc.RevokeCertificate(ctx, e.app, c.Number, "x"); err == nil {
				t.Fatal("applicant revoked")
			}
			if _, err := e.svc.RevokeCertificate(ctx, officer(c.DeptCode, auth.Reviewer), c.Number, "x"); !apperr.Is(err, apperr.Forbidden) {
				t.Fatalf("reviewer revokes: %v", err)
			}
			approver := officer(c.DeptCode, auth.Approver)
			if _, err := e.svc.RevokeCertificate(ctx, approver, c.Number, "  "); !apperr.Is(err, apperr.Invalid) {
				t.Fatalf("no reason: %v", err)
			}
			rv, err := e.svc.RevokeCertificate(ctx, approver, c.Number, "建设单位申请注销")
			if err != nil || rv.RevokedAt == nil {
				t.Fatalf("revoke: %+v %v", rv, err)
			}
			if _, err := e.svc.RevokeCertificate(ctx, approver, c.Number, "again"); !apperr.Is(err, apperr.Conflict) {
				t.Fatalf("revoke twice: %v", err)
			}
			got, _ := e.svc.VerifyCertificate(ctx, c.Number, nil)
			if got.Status != cert.StatusRevoked || got.Valid {
				t.Fatalf("after revocation: %+v", got)
			}
			v, _ = e.svc.GetProject(ctx, e.app, pr.ID)
			for _, ev := range v.Events {
				if ev.Kind == cert.EventRevoke && v.Signatures[ev.ID].Status != sign.SigValid {
					t.Fatalf("revocation not signed: %+v", v.Signatures[ev.ID])
				}
			}
			// The whole store verifies: ledger, events, signatures, keys.
			if err := e.db.Read(ctx, func(tx *store.Tx) error {
				if _, err := ledger.Audit(ctx, tx, nil); err != nil {
					return err
				}
				if _, err := ledger.CheckEvents(ctx, tx); err != nil {
					return err
				}
				rep, err := sign.CheckStore(ctx, tx)
				if err == nil && rep.Signed < decisions+1 {
					t.Errorf("store check: %+v", rep)
				}
				return err
			}); err != nil {
				t.Fatal(err)
			}
		})
	}
}
