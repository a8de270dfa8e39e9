package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/tongban/tongban/internal/apperr"
)

// Problem is an RFC 9457 problem details body, with the message in the
// requested language and the other language beside it.
type Problem struct {
	Type     string                  `json:"type" doc:"URI reference naming the error code"`
	Title    string                  `json:"title" doc:"Short summary in the requested language"`
	Status   int                     `json:"status"`
	Detail   string                  `json:"detail" doc:"Message in the requested language (zh-CN by default)"`
	DetailEN string                  `json:"detail_en,omitempty" doc:"The same message in English"`
	DetailZH string                  `json:"detail_zh,omitempty" doc:"The same message in Simplified Chinese"`
	Code     string                  `json:"code" doc:"Stable error code: invalid, not_found, conflict, forbidden, unauthenticated, too_large, internal"`
	Key      string                  `json:"key,omitempty" doc:"Finer message key, e.g. task.illegal_transition"`
	Instance string                  `json:"instance,omitempty"`
	Fields   map[string]FieldProblem `json:"fields,omitempty" doc:"Field errors by field path"`
}

// FieldProblem is what is wrong with one field.
type FieldProblem struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	MessageEN string `json:"message_en,omitempty"`
}

// Error implements error.
func (p *Problem) Error() string { return p.Detail }

// GetStatus implements huma.StatusError.
func (p *Problem) GetStatus() int { return p.Status }

// ContentType makes huma send application/problem+json.
func (p *Problem) ContentType(ct string) string {
	if ct == "application/json" {
		return "application/problem+json"
	}
	return ct
}

var statusOf = map[apperr.Code]int{
	apperr.Invalid:         http.StatusBadRequest,
	apperr.NotFound:        http.StatusNotFound,
	apperr.Conflict:        http.StatusConflict,
	apperr.Forbidden:       http.StatusForbidden,
	apperr.Unauthenticated: http.StatusUnauthorized,
	apperr.TooLarge:        http.StatusRequestEntityTooLarge,
	apperr.Internal:        http.StatusInternalServerError,
}

var titles = map[apperr.Code][2]string{
	apperr.Invalid:         {"请求有误", "Invalid request"},
	apperr.NotFound:        {"未找到", "Not found"},
	apperr.Conflict:        {"状态冲突", "Conflict"},
	apperr.Forbidden:       {"无权操作", "Forbidden"},
	apperr.Unauthenticated: {"未登录", "Unauthenticated"},
	apperr.TooLarge:        {"内容过大", "Too large"},
	apperr.Internal:        {"系统错误", "Internal error"},
}

type ctxKey int

const (
	keyLang ctxKey = iota
	keyPrincipal
	keyLogger
)

func langOf(ctx context.Context) string {
	if l, ok := ctx.Value(keyLang).(string); ok {
		return l
	}
	return "zh"
}

// pickLang reads ?lang= or Accept-Language: English when asked first, else Chinese.
func pickLang(r *http.Request) string {
	if l := r.URL.Query().Get("lang"); l != "" {
		if strings.HasPrefix(l, "en") {
			return "en"
		}
		return "zh"
	}
	al := strings.ToLower(strings.TrimSpace(r.Header.Get("Accept-Language")))
	if strings.HasPrefix(al, "en") {
		return "en"
	}
	return "zh"
}

// toProblem converts any error into a problem; the one place that decides
// what a client sees. Causes of internal errors are logged, never sent.
func toProblem(ctx context.Context, log *slog.Logger, err error) *Problem {
	var p *Problem
	if errors.As(err, &p) {
		return p
	}
	ae := apperr.As(err)
	lang := langOf(ctx)
	st := statusOf[ae.Code]
	if st == 0 {
		st = http.StatusInternalServerError
	}
	if st >= 500 && log != nil {
		log.ErrorContext(ctx, "request failed", "err", err.Error())
	}
	t := titles[ae.Code]
	pr := &Problem{Type: "urn:tongban:error:" + string(ae.Code), Status: st, Code: string(ae.Code), Key: ae.Key,
		Detail: ae.Message(lang), DetailEN: ae.EN, DetailZH: ae.ZH, Title: t[0]}
	if lang == "en" {
		pr.Title = t[1]
	}
	for k, f := range ae.Fields {
		if pr.Fields == nil {
			pr.Fields = map[string]FieldProblem{}
		}
		msg := f.ZH
		if lang == "en" {
			msg = f.EN
		}
		pr.Fields[k] = FieldProblem{Code: f.Code, Message: msg, MessageEN: f.EN}
	}
	return pr
}

// writeProblem writes an error response outside huma (middleware, raw routes).
func writeProblem(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	p := toProblem(r.Context(), log, err)
	p.Instance = r.URL.Path
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

// hookHumaErrors makes huma's own errors (validation, body too large,
// malformed JSON) problems in the same bilingual shape. huma exposes this
// only as a package variable; it is set once, before any API is built.
func hookHumaErrors() {
	huma.NewErrorWithContext = func(hctx huma.Context, status int, msg string, errs ...error) huma.StatusError {
		lang := "zh"
		if hctx != nil {
			lang = langOf(hctx.Context())
		}
		code := apperr.Invalid
		zh, en := "请求内容有误："+msg, msg
		switch {
		case status == http.StatusRequestEntityTooLarge:
			code, zh = apperr.TooLarge, "请求内容超过大小限制"
		case status == http.StatusNotFound:
			code, zh = apperr.NotFound, "请求的地址不存在"
		case status >= 500:
			code, zh, en = apperr.Internal, "系统内部错误，请稍后重试", "internal error"
		case status == http.StatusUnprocessableEntity:
			zh = "请求内容未通过校验"
		}
		if status == http.StatusUnprocessableEntity || status == http.StatusBadRequest {
			status = http.StatusBadRequest
		}
		t := titles[code]
		p := &Problem{Type: "urn:tongban:error:" + string(code), Status: status, Code: string(code), Key: "request.invalid",
			Title: t[0], Detail: zh, DetailZH: zh, DetailEN: en}
		if lang == "en" {
			p.Title, p.Detail = t[1], en
		}
		for _, e := range errs {
			if e == nil {
				continue
			}
			loc, m := "body", e.Error()
			var d huma.ErrorDetailer
			if errors.As(e, &d) {
				dd := d.ErrorDetail()
				loc, m = dd.Location, dd.Message
			}
			if p.Fields == nil {
				p.Fields = map[string]FieldProblem{}
			}
			p.Fields[loc] = FieldProblem{Code: "invalid", Message: fieldZH(m, lang), MessageEN: m}
		}
		return p
	}
}

// fieldZH gives huma's English validation messages a Chinese lead-in; the
// English detail stays beside it.
func fieldZH(m, lang string) string {
	if lang == "en" {
		return m
	}
	switch {
	case strings.Contains(m, "unexpected property"):
		return "不允许的字段（" + m + "）"
	case strings.Contains(m, "expected"):
		return "类型或格式不符（" + m + "）"
	case strings.Contains(m, "required"):
		return "缺少必填项（" + m + "）"
	}
	return "取值无效（" + m + "）"
}

func writeJSON(w io.Writer, v any) error { return json.NewEncoder(w).Encode(v) }
