package store

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/tongban/tongban/internal/apperr"
)

// Material is one uploaded version of one required material of a stage.
type Material struct {
	ID         string    `json:"id"`
	ProjectID  string    `json:"project_id"`
	Stage      int       `json:"stage"`
	Code       string    `json:"material_code"`
	Version    int       `json:"version"`
	BlobKey    string    `json:"blob_key"`
	FileName   string    `json:"file_name"`
	Size       int64     `json:"size"`
	Format     string    `json:"format"`
	UploadedBy string    `json:"uploaded_by"`
	UploadedAt time.Time `json:"uploaded_at"`
}

// InsertMaterial stores a new version of a material; the version is the
// next after the highest stored, so every version is kept.
func InsertMaterial(ctx context.Context, tx *Tx, m *Material) error {
	var v int
	if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(version),0) FROM materials WHERE project_id=? AND stage=? AND material_code=?`,
		m.ProjectID, m.Stage, m.Code).Scan(&v); err != nil {
		return err
	}
	m.Version = v + 1
	_, err := tx.Exec(ctx, `INSERT INTO materials (id, project_id, stage, material_code, version, blob_key, file_name, size, format, uploaded_by, uploaded_at)
VALUES (?,?,?,?,?,?,?,?,?,?,?)`, m.ID, m.ProjectID, m.Stage, m.Code, m.Version, m.BlobKey, m.FileName, m.Size, m.Format, m.UploadedBy, ms(m.UploadedAt))
	return err
}

// ListMaterials returns every version of a project's materials for a stage
// (stage 0: all stages), oldest first.
func ListMaterials(ctx context.Context, tx *Tx, projectID string, stage int) ([]Material, error) {
	q := `SELECT id, project_id, stage, material_code, version, blob_key, file_name, size, format, uploaded_by, uploaded_at FROM materials WHERE project_id=?`
	args := []any{projectID}
	if stage > 0 {
		q += ` AND stage=?`
		args = append(args, stage)
	}
	rows, err := tx.Query(ctx, q+` ORDER BY stage, material_code, version`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Material
	for rows.Next() {
		var m Material
		var at int64
		if err := rows.Scan(&m.ID, &m.ProjectID, &m.Stage, &m.Code, &m.Version, &m.BlobKey, &m.FileName, &m.Size, &m.Format, &m.UploadedBy, &at); err != nil {
			return nil, err
		}
		m.UploadedAt = fromMS(at)
		out = append(out, m)
	}
	return out, rows.Err()
}

// GetMaterial loads one material version by id.
func GetMaterial(ctx context.Context, tx *Tx, id string) (Material, error) {
	var m Material
	var at int64
	err := tx.QueryRow(ctx, `SELECT id, project_id, stage, material_code, version, blob_key, file_name, size, format, uploaded_by, uploaded_at FROM materials WHERE id=?`, id).
		Scan(&m.ID, &m.ProjectID, &m.Stage, &m.Code, &m.Version, &m.BlobKey, &m.FileName, &m.Size, &m.Format, &m.UploadedBy, &at)
	if err != nil {
		return m, notFound(err, "material.not_found", "材料不存在", "material not found")
	}
	m.UploadedAt = fromMS(at)
	return m, nil
}

// Notification is an in-app message to a user, a department or an enterprise.
type Notification struct {
	ID        string     `json:"id"`
	Audience  string     `json:"audience"` // "user:<id>", "dept:<code>", "ent:<uscc>"
	Kind      string     `json:"kind"`
	ProjectID string     `json:"project_id,omitempty"`
	TaskID    string     `json:"task_id,omitempty"`
	Title     string     `json:"title"`
	Body      string     `json:"body"`
	CreatedAt time.Time  `json:"created_at"`
	ReadAt    *time.Time `json:"read_at,omitempty"`
}

// InsertNotification stores a message.
func InsertNotification(ctx context.Context, tx *Tx, n Notification) error {
	if n.ID == "" {
		n.ID = NewID()
	}
	_, err := tx.Exec(ctx, `INSERT INTO notifications (id, audience, kind, project_id, task_id, title, body, created_at) VALUES (?,?,?,?,?,?,?,?)`,
		n.ID, n.Audience, n.Kind, n.ProjectID, n.TaskID, n.Title, n.Body, ms(n.CreatedAt))
	return err
}

// ListNotifications returns the newest messages for any of the audiences.
func ListNotifications(ctx context.Context, tx *Tx, audiences []string, limit int) ([]Notification, error) {
	if len(audiences) == 0 {
		return nil, nil
	}
	q := `SELECT id, audience, kind, project_id, task_id, title, body, created_at FROM notifications WHERE audience IN (`
	args := make([]any, 0, len(audiences)+1)
	for i, a := range audiences {
		if i > 0 {
			q += ","
		}
		q += "?"
		args = append(args, a)
	}
	rows, err := tx.Query(ctx, q+`) ORDER BY created_at DESC, id DESC LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Notification
	for rows.Next() {
		var n Notification
		var at int64
		if err := rows.Scan(&n.ID, &n.Audience, &n.Kind, &n.ProjectID, &n.TaskID, &n.Title, &n.Body, &at); err != nil {
			return nil, err
		}
		n.CreatedAt = fromMS(at)
		out = append(out, n)
	}
	return out, rows.Err()
}

// PutCalendarYear stores an administrator's calendar year (replacing it).
func PutCalendarYear(ctx context.Context, tx *Tx, year int, doc string, by string, now time.Time) error {
	if _, err := tx.Exec(ctx, `DELETE FROM calendar_years WHERE year=?`, year); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `INSERT INTO calendar_years (year, doc, updated_by, updated_at) VALUES (?,?,?,?)`, year, doc, by, ms(now))
	return err
}

// CalendarYears returns the stored calendar years' documents by year.
func CalendarYears(ctx context.Context, tx *Tx) (map[int]string, error) {
	rows, err := tx.Query(ctx, `SELECT year, doc FROM calendar_years ORDER BY year`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int]string{}
	for rows.Next() {
		var y int
		var d string
		if err := rows.Scan(&y, &d); err != nil {
			return nil, err
		}
		out[y] = d
	}
	return out, rows.Err()
}

// InsertCatalogUpload records a published catalog (file name → content).
func InsertCatalogUpload(ctx context.Context, tx *Tx, files map[string]string, by string, now time.Time) error {
	_, err := tx.Exec(ctx, `INSERT INTO catalog_uploads (id, files, uploaded_by, uploaded_at) VALUES (?,?,?,?)`, NewID(), mustJSON(files), by, ms(now))
	return err
}

// CatalogUploads returns the published catalogs, oldest first.
func CatalogUploads(ctx context.Context, tx *Tx) ([]map[string]string, error) {
	rows, err := tx.Query(ctx, `SELECT files FROM catalog_uploads ORDER BY uploaded_at, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []map[string]string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		var m map[string]string
		if err := json.Unmarshal([]byte(s), &m); err != nil {
			return nil, apperr.Wrap(err, "decode catalog upload")
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// MaterialCheck is the stored pre-review of one material version.
type MaterialCheck struct {
	MaterialID string
	Status     string // checking, done, failed
	OCR        string // pending, done, unavailable, skipped, failed
	Report     string // JSON of prereview.Report
	Errors     int
	Warnings   int
	CheckedAt  time.Time
}

// PutMaterialCheck stores a material version's pre-review; replace false
// keeps one already stored (the fast pass after an upload never overwrites
// the complete check a job may have finished first).
func PutMaterialCheck(ctx context.Context, tx *Tx, c MaterialCheck, replace bool) error {
	if !replace {
		_, err := tx.InsertIgnore(ctx, "material_checks", []string{"material_id", "status", "ocr", "report", "errors", "warnings", "checked_at"},
			[]any{c.MaterialID, c.Status, c.OCR, c.Report, c.Errors, c.Warnings, ms(c.CheckedAt)}, []string{"material_id"})
		return err
	}
	res, err := tx.Exec(ctx, `UPDATE material_checks SET status=?, ocr=?, report=?, errors=?, warnings=?, checked_at=? WHERE material_id=?`,
		c.Status, c.OCR, c.Report, c.Errors, c.Warnings, ms(c.CheckedAt), c.MaterialID)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n > 0 {
		return err
	}
	_, err = tx.InsertIgnore(ctx, "material_checks", []string{"material_id", "status", "ocr", "report", "errors", "warnings", "checked_at"},
		[]any{c.MaterialID, c.Status, c.OCR, c.Report, c.Errors, c.Warnings, ms(c.CheckedAt)}, []string{"material_id"})
	return err
}

// MaterialChecks returns the pre-reviews of the given material versions
// (those that have one), by material id.
func MaterialChecks(ctx context.Context, tx *Tx, ids []string) (map[string]MaterialCheck, error) {
	out := map[string]MaterialCheck{}
	for start := 0; start < len(ids); start += 400 {
		chunk := ids[start:min(start+400, len(ids))]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		rows, err := tx.Query(ctx, `SELECT material_id, status, ocr, report, errors, warnings, checked_at FROM material_checks WHERE material_id IN (?`+
			strings.Repeat(",?", len(chunk)-1)+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var c MaterialCheck
			var at int64
			if err := rows.Scan(&c.MaterialID, &c.Status, &c.OCR, &c.Report, &c.Errors, &c.Warnings, &at); err != nil {
				rows.Close()
				return nil, MapError(tx.Dialect(), err)
			}
			c.CheckedAt = fromMS(at)
			out[c.MaterialID] = c
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, MapError(tx.Dialect(), err)
		}
	}
	return out, nil
}
