package blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/tongban/tongban/internal/apperr"
)

// Local is a Store on the local file system. A blob lives at
// dir/ab/cd/<key> where ab and cd are the key's first two byte pairs, so no
// directory grows past 65,536 entries; uploads are written to dir/tmp,
// fsynced and renamed into place, so a crash leaves either the whole blob
// or none (and at worst a stray file in tmp).
type Local struct {
	dir string
	tmp string
}

// Compile-time check that Local implements Store.
var _ Store = (*Local)(nil)

// NewLocal opens (creating if needed) a store rooted at dir. Directories
// are 0700 and files 0600: blobs are applicants' documents, readable by the
// service alone.
func NewLocal(dir string) (*Local, error) {
	if dir == "" {
		return nil, apperr.Wrap(errors.New("empty directory"), "blob: new local store")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, apperr.Wrap(err, "blob: new local store")
	}
	l := &Local{dir: abs, tmp: filepath.Join(abs, "tmp")}
	if err := os.MkdirAll(l.tmp, 0o700); err != nil {
		return nil, apperr.Wrap(err, "blob: new local store")
	}
	return l, nil
}

// path returns where key is stored; key must have passed ValidateKey.
func (l *Local) path(key string) string {
	return filepath.Join(l.dir, key[0:2], key[2:4], key)
}

// Put implements Store.
func (l *Local) Put(ctx context.Context, r io.Reader, limit int64) (obj Object, err error) {
	if limit <= 0 {
		return Object{}, apperr.Wrap(fmt.Errorf("limit %d is not positive", limit), "blob: put")
	}
	if err := ctx.Err(); err != nil {
		return Object{}, apperr.Wrap(err, "blob: put")
	}
	f, err := os.CreateTemp(l.tmp, "put-*")
	if err != nil {
		return Object{}, apperr.Wrap(err, "blob: put")
	}
	tmpName := f.Name()
	closed, placed := false, false
	defer func() {
		if !closed {
			_ = f.Close()
		}
		if !placed {
			_ = os.Remove(tmpName) // never leave a partial or duplicate upload behind
		}
	}()

	h := sha256.New()
	head := &headWriter{max: HeadSize}
	// Reading one byte past limit is how we know the limit was exceeded
	// without trusting a Content-Length.
	n, err := io.Copy(io.MultiWriter(f, h, head), io.LimitReader(ctxReader{ctx, r}, limit+1))
	if err != nil {
		return Object{}, apperr.Wrap(err, "blob: put: receive")
	}
	if n > limit {
		return Object{}, errTooLarge(limit)
	}
	if err := f.Sync(); err != nil {
		return Object{}, apperr.Wrap(err, "blob: put: sync")
	}
	obj = Object{Key: hex.EncodeToString(h.Sum(nil)), Size: n}
	obj.Type, obj.MIME = Detect(head.b)
	if obj.Type == FormatZIP {
		if t, m, ok := refineZip(f, n); ok {
			obj.Type, obj.MIME = t, m
		}
	}
	closed = true
	if err := f.Close(); err != nil {
		return Object{}, apperr.Wrap(err, "blob: put: close")
	}

	final := l.path(obj.Key)
	if _, err := os.Stat(final); err == nil {
		return obj, nil // already stored: content-addressed, so identical
	}
	parent := filepath.Dir(final)
	if err := os.MkdirAll(parent, 0o700); err != nil {
		return Object{}, apperr.Wrap(err, "blob: put: mkdir")
	}
	// Two concurrent Puts of the same content may both get here; rename is
	// atomic, so the loser replaces the file with identical bytes and a
	// reader never sees a partial file.
	if err := os.Rename(tmpName, final); err != nil {
		return Object{}, apperr.Wrap(err, "blob: put: rename")
	}
	placed = true
	if err := syncDir(parent); err != nil {
		return Object{}, apperr.Wrap(err, "blob: put: sync dir")
	}
	return obj, nil
}

// Open implements Store.
func (l *Local) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	if err := ValidateKey(key); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, apperr.Wrap(err, "blob: open")
	}
	f, err := os.Open(l.path(key))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errNotFound()
	}
	if err != nil {
		return nil, apperr.Wrap(err, "blob: open")
	}
	return f, nil
}

// Stat implements Store. It detects the format again from the stored
// bytes rather than keeping it on the side, so a detection improvement
// applies to old blobs too.
func (l *Local) Stat(ctx context.Context, key string) (Object, error) {
	rc, err := l.Open(ctx, key)
	if err != nil {
		return Object{}, err
	}
	f := rc.(*os.File)
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return Object{}, apperr.Wrap(err, "blob: stat")
	}
	head := make([]byte, HeadSize)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return Object{}, apperr.Wrap(err, "blob: stat: read")
	}
	obj := Object{Key: key, Size: fi.Size()}
	obj.Type, obj.MIME = Detect(head[:n])
	if obj.Type == FormatZIP {
		if t, m, ok := refineZip(f, fi.Size()); ok {
			obj.Type, obj.MIME = t, m
		}
	}
	return obj, nil
}

// headWriter keeps the first max bytes written to it.
type headWriter struct {
	b   []byte
	max int
}

// Write implements io.Writer; it never fails so io.MultiWriter goes on.
func (w *headWriter) Write(p []byte) (int, error) {
	if room := w.max - len(w.b); room > 0 {
		w.b = append(w.b, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

// ctxReader stops a long upload when its request is cancelled.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

// Read implements io.Reader.
func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// syncDir makes a rename durable by syncing its directory.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
