package httpapi

import (
	"context"
	"net/http"
	"strconv"

	"github.com/tongban/tongban/internal/auth"
)

type materialIDIn struct {
	ID string `path:"id" maxLength:"26"`
}

type checkOut struct{ Body CheckDTO }

func (s *Server) recheckMaterial(ctx context.Context, p auth.Principal, in *materialIDIn) (*checkOut, error) {
	c, err := s.svc.RecheckMaterial(ctx, p, in.ID)
	if err != nil {
		return nil, err
	}
	return &checkOut{Body: *checkDTO(c)}, nil
}

// materialPage renders one page of a material version as the PNG the
// pre-review's regions refer to.
func (s *Server) materialPage(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	n, err := strconv.Atoi(r.PathValue("page"))
	if err != nil || n < 1 || n > 100000 {
		return badParam("page", "页码须为正整数", "the page must be a positive whole number")
	}
	png, err := s.svc.MaterialPage(r.Context(), p, r.PathValue("id"), n)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "private, max-age=86400, immutable")
	w.Header().Set("Content-Length", strconv.Itoa(len(png)))
	_, err = w.Write(png)
	return err
}
