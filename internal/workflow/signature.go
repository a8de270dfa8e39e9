package workflow

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"io"

	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/auth"
	"github.com/tongban/tongban/internal/sign"
	"github.com/tongban/tongban/internal/store"
)

// Limits of a handwritten signature image.
const (
	HandwritingMaxBytes  = 256 << 10
	HandwritingMaxWidth  = 2000
	HandwritingMaxHeight = 1000
)

// putHandwriting checks a handwritten signature (a PNG within the limits,
// its size read before any pixel is decoded) and stores it; it returns the
// blob key, which the signed decision records.
func (s *Service) putHandwriting(ctx context.Context, b []byte) (string, error) {
	bad := func(zh, en string) error {
		return apperr.New(apperr.Invalid, "task.handwriting", zh, en).WithField("handwriting", "invalid", zh, en)
	}
	if len(b) > HandwritingMaxBytes {
		return "", bad("手写签名图片过大（上限 256 KB）", "the handwritten signature image is too large (256 KB at most)")
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil || format != "png" {
		return "", bad("手写签名应为 PNG 图片", "the handwritten signature must be a PNG image")
	}
	if cfg.Width < 1 || cfg.Height < 1 || cfg.Width > HandwritingMaxWidth || cfg.Height > HandwritingMaxHeight {
		return "", bad("手写签名图片尺寸应不超过 2000×1000 像素", "the handwritten signature image must be at most 2000×1000 pixels")
	}
	if _, err := png.Decode(bytes.NewReader(b)); err != nil {
		return "", bad("手写签名图片已损坏", "the handwritten signature image is damaged")
	}
	obj, err := s.blobs.Put(ctx, bytes.NewReader(b), HandwritingMaxBytes)
	if err != nil {
		return "", err
	}
	return obj.Key, nil
}

// Handwriting returns the handwritten signature image kept beside a
// signed decision, for a person who may see its project.
func (s *Service) Handwriting(ctx context.Context, p auth.Principal, eventID string) (io.ReadCloser, error) {
	var key string
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		e, err := store.GetEvent(ctx, tx, eventID)
		if err != nil {
			return err
		}
		if _, err := s.loadProjectFor(ctx, tx, p, e.ProjectID); err != nil {
			return err
		}
		key, _ = e.Data["handwriting"].(string)
		if key == "" {
			return apperr.New(apperr.NotFound, "event.no_handwriting", "该记录没有手写签名", "this entry has no handwritten signature")
		}
		return nil
	})
	if err != nil {
		if ae := apperr.As(err); ae.Code == apperr.NotFound && ae.Key != "event.no_handwriting" {
			return nil, apperr.New(apperr.NotFound, "event.not_found", "记录不存在或无权查看", "event not found or not visible to you")
		}
		return nil, err
	}
	return s.blobs.Open(ctx, key)
}

// VerifyEvents checks the signature of every signed event in events against
// the stored keys: the verdicts by event id (unsigned events have none).
// Every read that shows decisions calls it.
func (s *Service) verifyEvents(ctx context.Context, tx *store.Tx, events []store.Event) (map[string]sign.EventVerdict, error) {
	var ids []string
	for _, e := range events {
		if sig, ok := e.Data[sign.DataKey].(map[string]any); ok {
			if k, ok := sig["key"].(string); ok {
				ids = append(ids, k)
			}
		}
	}
	out := map[string]sign.EventVerdict{}
	if len(ids) == 0 {
		return out, nil
	}
	keys, err := sign.KeysByID(ctx, tx, ids)
	if err != nil {
		return nil, err
	}
	for _, e := range events {
		if v := sign.VerifyEvent(e, []byte(e.DataText), keys); v.Signed {
			out[e.ID] = v
		}
	}
	return out, nil
}
