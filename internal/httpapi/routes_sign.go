package httpapi

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/auth"
	"github.com/tongban/tongban/internal/sign"
	"github.com/tongban/tongban/internal/workflow"
)

// keyReaders may call the key routes; the service narrows it down (an
// officer their own key, security and audit administrators any).
var keyReaders = []auth.Role{auth.Clerk, auth.Reviewer, auth.Approver, auth.LeadCoordinator, auth.SecurityAdmin, auth.AuditAdmin}

// decodePNGDataURL turns a data:image/png;base64 URL into its bytes; ""
// gives nil.
func decodePNGDataURL(s string) ([]byte, error) {
	if s == "" {
		return nil, nil
	}
	const prefix = "data:image/png;base64,"
	if !strings.HasPrefix(s, prefix) {
		return nil, apperr.New(apperr.Invalid, "task.handwriting", "手写签名应为 data:image/png;base64 格式", "the handwritten signature must be a data:image/png;base64 URL").
			WithField("handwriting", "invalid", "格式不对", "malformed")
	}
	b, err := base64.StdEncoding.DecodeString(s[len(prefix):])
	if err != nil {
		return nil, apperr.New(apperr.Invalid, "task.handwriting", "手写签名的 base64 编码有误", "the handwritten signature's base64 is malformed").
			WithField("handwriting", "invalid", "编码有误", "malformed")
	}
	return b, nil
}

func (s *Server) handwriting(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	rc, err := s.svc.Handwriting(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	defer rc.Close()
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "private, max-age=86400, immutable")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, err = io.Copy(w, rc)
	if err != nil {
		s.log.WarnContext(r.Context(), "download interrupted", "err", err.Error())
	}
	return nil
}

// KeyDTO is a signing key without its private half.
type KeyDTO struct {
	ID           string     `json:"id"`
	Owner        string     `json:"owner" doc:"user:<id> or dept:<code>"`
	OwnerName    string     `json:"owner_name"`
	Alg          string     `json:"alg" enum:"SM2"`
	PublicKey    string     `json:"public_key" doc:"Uncompressed SM2 point, hex"`
	Fingerprint  string     `json:"fingerprint" doc:"First 8 bytes of SM3 of the public key, hex"`
	State        string     `json:"state" enum:"active,retired,revoked"`
	CreatedAt    time.Time  `json:"created_at"`
	RetiredAt    *time.Time `json:"retired_at,omitempty"`
	RevokedAt    *time.Time `json:"revoked_at,omitempty"`
	RevokeReason string     `json:"revoke_reason,omitempty"`
	Signatures   int64      `json:"signatures" doc:"How many signatures it has made"`
}

func keyDTO(k workflow.KeyView) KeyDTO {
	return KeyDTO{ID: k.ID, Owner: string(k.Owner), OwnerName: k.OwnerName, Alg: k.Alg, PublicKey: hex.EncodeToString(k.Public), Fingerprint: sign.Fingerprint(k.Public),
		State: k.State, CreatedAt: k.CreatedAt, RetiredAt: k.RetiredAt, RevokedAt: k.RevokedAt, RevokeReason: k.RevokeReason, Signatures: k.Signatures}
}

func keyDTOs(ks []workflow.KeyView) []KeyDTO {
	out := make([]KeyDTO, len(ks))
	for i, k := range ks {
		out[i] = keyDTO(k)
	}
	return out
}

type listKeysIn struct {
	Owner string `query:"owner" maxLength:"80" required:"true" doc:"me, user:<id> or dept:<code>"`
}

type keysOut struct{ Body []KeyDTO }

func (s *Server) listKeys(ctx context.Context, p auth.Principal, in *listKeysIn) (*keysOut, error) {
	ks, err := s.svc.ListKeys(ctx, p, in.Owner)
	if err != nil {
		return nil, err
	}
	return &keysOut{Body: keyDTOs(ks)}, nil
}

type rotateKeyIn struct {
	Body struct {
		Owner string `json:"owner" maxLength:"80" doc:"me, user:<id> or dept:<code>"`
	}
}

func (s *Server) rotateKey(ctx context.Context, p auth.Principal, in *rotateKeyIn) (*keysOut, error) {
	ks, err := s.svc.RotateKey(ctx, p, in.Body.Owner)
	if err != nil {
		return nil, err
	}
	return &keysOut{Body: keyDTOs(ks)}, nil
}

type revokeKeyIn struct {
	ID   string `path:"id" maxLength:"26"`
	Body struct {
		Reason string `json:"reason" maxLength:"800" doc:"Why (1–200 characters)"`
	}
}

type keyOut struct{ Body KeyDTO }

func (s *Server) revokeKey(ctx context.Context, p auth.Principal, in *revokeKeyIn) (*keyOut, error) {
	k, err := s.svc.RevokeKey(ctx, p, in.ID, in.Body.Reason)
	if err != nil {
		return nil, err
	}
	return &keyOut{Body: keyDTO(k)}, nil
}
