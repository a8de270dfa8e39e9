package workflow

import (
	"context"
	"path"
	"strings"
	"testing/fstest"

	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/auth"
	"github.com/tongban/tongban/internal/catalog"
	"github.com/tongban/tongban/internal/store"
)

// Limits of a published catalog.
const (
	maxCatalogFiles = 200
	maxCatalogBytes = 4 << 20
)

// CatalogFS turns published files into a file system for the loader,
// refusing names that could escape it.
func CatalogFS(files map[string]string) (fstest.MapFS, error) {
	if len(files) == 0 {
		return nil, apperr.New(apperr.Invalid, "catalog.empty", "没有上传任何目录文件", "no catalog files were sent")
	}
	if len(files) > maxCatalogFiles {
		return nil, apperr.Newf(apperr.Invalid, "catalog.too_many", "目录文件不能超过 %d 个", "at most %d catalog files", maxCatalogFiles)
	}
	fsys := fstest.MapFS{}
	total := 0
	for name, content := range files {
		clean := path.Clean(name)
		if name == "" || clean != name || strings.HasPrefix(name, "/") || strings.HasPrefix(clean, "..") || strings.Contains(name, "\\") ||
			!(strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml")) {
			return nil, apperr.Newf(apperr.Invalid, "catalog.file_name", "文件名“%s”无效：须为相对路径的 .yaml 文件", "file name %q is invalid: a relative path to a .yaml file", name)
		}
		total += len(content)
		fsys[name] = &fstest.MapFile{Data: []byte(content), Mode: 0o444}
	}
	if total > maxCatalogBytes {
		return nil, apperr.New(apperr.TooLarge, "catalog.too_large", "目录文件合计不能超过 4 MB", "catalog files must total at most 4 MB")
	}
	return fsys, nil
}

// PublishCatalog validates the files as a whole catalog, merges it over the
// catalog in force (old versions stay for the projects that use them),
// stores it and puts it in force. A bad catalog changes nothing.
func (s *Service) PublishCatalog(ctx context.Context, p auth.Principal, files map[string]string) (*catalog.Catalog, error) {
	if !p.Has(auth.SystemAdmin) {
		return nil, apperr.New(apperr.Forbidden, "catalog.admin_only", "只有系统管理员可以发布审批目录", "only the system administrator publishes catalogs")
	}
	fsys, err := CatalogFS(files)
	if err != nil {
		return nil, err
	}
	next, err := catalog.Load(fsys, ".")
	if err != nil {
		return nil, err
	}
	if _, err := catalog.Merge(s.Catalog(), next); err != nil {
		return nil, err
	}
	if err := s.db.Write(ctx, func(tx *store.Tx) error { return store.InsertCatalogUpload(ctx, tx, files, p.UserID, s.now()) }); err != nil {
		return nil, err
	}
	return s.catalogs.Reload(fsys, ".")
}
