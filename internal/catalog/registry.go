package catalog

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"sync"
	"sync/atomic"

	"github.com/tongban/tongban/internal/apperr"
)

// Registry holds the catalog in force. Readers take Current without
// locking; a reload builds and validates a whole new catalog first and
// swaps it in only when it is good.
type Registry struct {
	mu  sync.Mutex // serialises Reload and Replace, not readers
	cur atomic.Pointer[Catalog]
}

// NewRegistry returns a registry serving c.
func NewRegistry(c *Catalog) *Registry {
	r := &Registry{}
	r.cur.Store(c)
	return r
}

// Current returns the catalog in force. It never changes under the caller:
// keep the returned pointer for the length of one request.
func (r *Registry) Current() *Catalog { return r.cur.Load() }

// Replace puts c in force as it is, dropping versions it does not hold.
// Use Reload to publish a new catalog while keeping old versions.
func (r *Registry) Replace(c *Catalog) error {
	if c == nil {
		return apperr.New(apperr.Invalid, "catalog.nil", "审批目录为空", "the catalog is nil")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.cur.Store(c)
	return nil
}

// Reload loads dir, merges it over the catalog in force (so every flow and
// item version projects already use stays available) and puts the result in
// force. When anything is wrong, the catalog in force is left as it was and
// the error lists the problems.
func (r *Registry) Reload(fsys fs.FS, dir string) (*Catalog, error) {
	next, err := Load(fsys, dir)
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if cur := r.cur.Load(); cur != nil {
		if next, err = Merge(cur, next); err != nil {
			return nil, err
		}
	}
	r.cur.Store(next)
	return next, nil
}

// Merge returns a catalog holding every item and flow version of old and of
// next. Departments and situations come from next, plus those of old that
// next no longer lists (old versions may still refer to them). A version
// present in both must be identical: a published version never changes, a
// change is published as a new version. A flow version republished as
// written keeps the item versions its unpinned references resolved to when
// it was first loaded. Rules stay compiled as they were.
func Merge(old, next *Catalog) (*Catalog, error) {
	if old == nil || next == nil {
		return nil, apperr.New(apperr.Invalid, "catalog.nil", "审批目录为空", "the catalog is nil")
	}
	var ps problems
	out := &Catalog{deptIdx: map[string]int{}, questionIdx: map[string]int{}, items: map[itemKey]*Item{}, flows: map[itemKey]*Flow{}}
	for _, d := range next.departments {
		out.deptIdx[d.Code] = len(out.departments)
		out.departments = append(out.departments, d)
	}
	for _, d := range old.departments {
		if _, ok := out.deptIdx[d.Code]; !ok {
			out.deptIdx[d.Code] = len(out.departments)
			out.departments = append(out.departments, d)
		}
	}
	for _, q := range next.questions {
		out.questionIdx[q.ID] = len(out.questions)
		out.questions = append(out.questions, q)
	}
	for _, q := range old.questions {
		if _, ok := out.questionIdx[q.ID]; !ok {
			out.questionIdx[q.ID] = len(out.questions)
			out.questions = append(out.questions, q)
		}
	}
	for k, it := range old.items {
		out.items[k] = it
	}
	for k, it := range next.items {
		if prev, ok := out.items[k]; ok && !sameJSON(prev, it) {
			ps.add("catalog", 0, fmt.Sprintf("事项 %s 第%d版与正在使用的版本内容不同；已发布的版本不能修改，请作为新版本发布", k.code, k.version),
				fmt.Sprintf("item %s version %d differs from the version in force; a published version cannot change, publish a new version", k.code, k.version))
			continue
		}
		out.items[k] = it
	}
	for k, f := range old.flows {
		out.flows[k] = f
	}
	for k, f := range next.flows {
		if prev, ok := out.flows[k]; ok && prev.source == f.source {
			continue // republished as written: keep the item versions it was first pinned to
		}
		if _, ok := out.flows[k]; ok {
			ps.add("catalog", 0, fmt.Sprintf("流程 %s 第%d版与正在使用的版本内容不同；已发布的版本不能修改，请作为新版本发布", k.code, k.version),
				fmt.Sprintf("flow %s version %d differs from the version in force; a published version cannot change, publish a new version", k.code, k.version))
			continue
		}
		out.flows[k] = f
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	return out, nil
}

// sameJSON compares two values by their published (JSON) form, which is
// everything an administrator wrote; compiled programs are not part of it.
func sameJSON(a, b any) bool {
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(ja) == string(jb)
}
