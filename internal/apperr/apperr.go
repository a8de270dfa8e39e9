// Package apperr defines the small set of error codes the whole application
// speaks, each carrying a message in Simplified Chinese and in English.
//
// Handlers return errors; one function in httpapi turns them into RFC 9457
// problem details. A client sees Code, Key and the message in its language,
// never err.Error() of a cause.
package apperr

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Code is a stable machine-readable error class; it doubles as a message key.
type Code string

// The error codes. Keep this list short: they map one-to-one to HTTP statuses.
const (
	Invalid         Code = "invalid"         // 400/422: input is wrong
	NotFound        Code = "not_found"       // 404
	Conflict        Code = "conflict"        // 409: state changed meanwhile, or duplicate
	Forbidden       Code = "forbidden"       // 403: authenticated but not allowed
	Unauthenticated Code = "unauthenticated" // 401
	TooLarge        Code = "too_large"       // 413
	Internal        Code = "internal"        // 500: never shows its cause
)

// FieldError describes what is wrong with one input field.
type FieldError struct {
	Code string `json:"code"`
	ZH   string `json:"message"`
	EN   string `json:"message_en"`
}

// Error is an application error with a bilingual, client-safe message.
type Error struct {
	Code   Code
	Key    string // finer key such as "task.illegal_transition"; may be empty
	ZH     string // message in Simplified Chinese
	EN     string // message in English
	Fields map[string]FieldError
	Err    error // cause; logged for Internal, never shown
}

// Error implements error. It is for logs and tests, not for clients.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(string(e.Code))
	if e.Key != "" {
		b.WriteString(" [" + e.Key + "]")
	}
	if e.EN != "" {
		b.WriteString(": " + e.EN)
	}
	if len(e.Fields) > 0 {
		keys := make([]string, 0, len(e.Fields))
		for k := range e.Fields {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			b.WriteString("; " + k + ": " + e.Fields[k].EN)
		}
	}
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Message returns the message in the given language ("en" or anything else
// for Chinese, the default).
func (e *Error) Message(lang string) string {
	if strings.HasPrefix(lang, "en") {
		return e.EN
	}
	return e.ZH
}

// New returns an error with a code and messages in both languages.
func New(code Code, key, zh, en string) *Error {
	return &Error{Code: code, Key: key, ZH: zh, EN: en}
}

// Newf is New with fmt formatting applied to both messages with the same args.
func Newf(code Code, key, zhFormat, enFormat string, args ...any) *Error {
	return &Error{Code: code, Key: key, ZH: fmt.Sprintf(zhFormat, args...), EN: fmt.Sprintf(enFormat, args...)}
}

// WithField adds a field error and returns e for chaining.
func (e *Error) WithField(field, code, zh, en string) *Error {
	if e.Fields == nil {
		e.Fields = map[string]FieldError{}
	}
	e.Fields[field] = FieldError{Code: code, ZH: zh, EN: en}
	return e
}

// Wrap returns an Internal error around cause, with a generic message.
// Use it for failures the user cannot fix (I/O, database down).
func Wrap(cause error, context string) error {
	if cause == nil {
		return nil
	}
	var ae *Error
	if errors.As(cause, &ae) {
		return cause // already classified: keep its code and message
	}
	return &Error{Code: Internal, Key: "internal", ZH: "系统内部错误，请稍后重试", EN: "internal error, please try again later",
		Err: fmt.Errorf("%s: %w", context, cause)}
}

// CodeOf returns the Code of err, Internal for unclassified errors and "" for nil.
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	var ae *Error
	if errors.As(err, &ae) {
		return ae.Code
	}
	return Internal
}

// Is reports whether err carries code.
func Is(err error, code Code) bool { return err != nil && CodeOf(err) == code }

// As returns err as *Error, classifying an unknown error as Internal.
func As(err error) *Error {
	var ae *Error
	if errors.As(err, &ae) {
		return ae
	}
	return &Error{Code: Internal, Key: "internal", ZH: "系统内部错误，请稍后重试", EN: "internal error, please try again later", Err: err}
}

// Describe renders an error for an operator at a terminal: both languages
// for our errors, with the field details, and the wrapped cause when there
// is one (a terminal is not an API response: the operator needs the cause
// of a failed connection or an internal error).
func Describe(err error) string {
	var ae *Error
	if !errors.As(err, &ae) {
		return err.Error()
	}
	s := ae.ZH + " / " + ae.EN
	keys := make([]string, 0, len(ae.Fields))
	for k := range ae.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		f := ae.Fields[k]
		s += fmt.Sprintf("\n  %s: %s / %s", k, f.ZH, f.EN)
	}
	if ae.Err != nil {
		s += "\n  cause: " + ae.Err.Error()
	}
	return s
}
