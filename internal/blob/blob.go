// Package blob stores uploaded files by the SHA-256 of their content, so a
// file uploaded twice is stored once and a stored key can never be steered
// by a user-supplied name. Local keeps files on disk; an S3-compatible
// store can implement Store later.
//
// The package also identifies formats by content (Detect, CheckFormat) and
// cleans file names for display (CleanFileName).
package blob

import (
	"context"
	"fmt"
	"io"

	"github.com/tongban/tongban/internal/apperr"
)

// Store keeps immutable blobs addressed by the hex SHA-256 of their
// content.
type Store interface {
	// Put streams r to storage, computing its SHA-256 and detecting its
	// format on the way. It refuses with apperr.TooLarge once more than
	// limit bytes arrive, without holding the file in memory and without
	// leaving a partial file behind. Storing content that is already
	// stored succeeds and returns the same Object.
	Put(ctx context.Context, r io.Reader, limit int64) (Object, error)
	// Open returns the content of key. Keys other than 64 lower-case hex
	// digits are refused (apperr.Invalid); a missing blob is
	// apperr.NotFound.
	Open(ctx context.Context, key string) (io.ReadCloser, error)
	// Stat returns what Put returned for key, with the same errors as Open.
	Stat(ctx context.Context, key string) (Object, error)
}

// Object describes a stored blob.
type Object struct {
	Key  string // lower-case hex SHA-256 of the content
	Size int64  // bytes
	Type string // format name detected from content: FormatPDF, …, FormatUnknown
	MIME string // media type detected from content
}

// KeyLen is the length of a key: a hex SHA-256.
const KeyLen = 64

// ValidateKey refuses anything but 64 lower-case hex digits, so that a key
// taken from a URL can never name a path outside the store ("../", "/",
// "\", NUL, upper-case duplicates of a key).
func ValidateKey(key string) error {
	ok := len(key) == KeyLen
	for i := 0; ok && i < len(key); i++ {
		c := key[i]
		ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')
	}
	if !ok {
		return apperr.New(apperr.Invalid, "blob.key",
			"文件标识无效：应为 64 位小写十六进制字符", "invalid file key: it must be 64 lower-case hexadecimal characters")
	}
	return nil
}

// errNotFound is the error for a missing blob.
func errNotFound() error {
	return apperr.New(apperr.NotFound, "blob.not_found", "文件不存在或已被删除", "the file does not exist or has been deleted")
}

// errTooLarge is the error for content over limit bytes, stating the
// limit in MB as users see it in the guide.
func errTooLarge(limit int64) error {
	mb := formatMB(limit)
	return apperr.New(apperr.TooLarge, "blob.too_large",
		fmt.Sprintf("文件超过大小上限 %s MB，请压缩或拆分后再上传", mb),
		fmt.Sprintf("the file exceeds the size limit of %s MB; please compress or split it and upload again", mb))
}

// formatMB renders n bytes in MiB with at most two decimals ("20", "1.5",
// "0.01"), never "0" for a positive limit.
func formatMB(n int64) string {
	v := float64(n) / (1 << 20)
	if n > 0 && v < 0.01 {
		v = 0.01
	}
	s := fmt.Sprintf("%.2f", v)
	for s[len(s)-1] == '0' {
		s = s[:len(s)-1]
	}
	if s[len(s)-1] == '.' {
		s = s[:len(s)-1]
	}
	return s
}
