// Package prereview checks uploaded materials the moment they arrive
// (issue 5): file type and integrity, pages, resolution, blank pages,
// official seals and perforation seals (骑缝章), OCR of scans with the
// fields that matter extracted, and consistency with the application.
// Every check produces findings with a stable code, a severity, the page
// and region where it applies, and a message in Chinese and English that
// tells the applicant what to do. A check that could not be performed is
// never passed: it says so.
package prereview

import "image"

// Severity of a finding.
type Severity string

// Severities.
const (
	Error   Severity = "error"   // the material will be sent back: fix it
	Warning Severity = "warning" // likely a problem: check it
	Info    Severity = "info"    // for information (a check not performed, a 容缺 allowance)
)

// Finding codes. Stable: the UI, the catalog and the acceptance checks use
// them.
const (
	CodeUnsupportedType        = "unsupported_type"         // not a type this material takes, or not a document at all
	CodeCorruptFile            = "corrupt_file"             // damaged, truncated, or not what its name says
	CodeEncryptedPDF           = "encrypted_pdf"            // encrypted or password-protected PDF
	CodeTooLarge               = "too_large"                // file, page count or pixel count beyond the limit
	CodeBlankPage              = "blank_page"               // a page with nothing on it
	CodeLowResolution          = "low_resolution"           // a scan under 150 dpi equivalent
	CodeSealMissing            = "seal_missing"             // no official seal where the material needs one
	CodePerforationSealMissing = "perforation_seal_missing" // a page of a multi-page document without its slice of the 骑缝章
	CodeUSCCInvalid            = "uscc_invalid"             // a unified social credit code whose check character is wrong
	CodeExpired                = "expired"                  // a licence or certificate past its validity date
	CodeNameMismatch           = "name_mismatch"            // the enterprise name differs from the application
	CodeUSCCMismatch           = "uscc_mismatch"            // the credit code differs from the application
	CodeMissingMaterial        = "missing_material"         // a required material of the stage is not uploaded
	CodeRongqueAllowed         = "rongque_allowed"          // missing but may be supplied later (容缺) with a signed commitment
	CodeOCRUnavailable         = "ocr_unavailable"          // Tesseract or its Chinese data is not installed: text checks not performed
	CodeOCRPending             = "ocr_pending"              // text checks still running
	CodeTextUnclear            = "text_unclear"             // a code or name read from a scan is one misread away from the application's: check it
	CodeCheckFailed            = "check_failed"             // a check could not be performed (PDF tools missing, a timeout): not passed
)

// Box is a region of a page in pixels of the page image the check looked
// at: [x0, y0, x1, y1], origin top left. Report.Pages gives each page's
// image size so that a client can scale it onto a thumbnail.
type Box [4]int

// Rect converts a Box to an image.Rectangle.
func (b Box) Rect() image.Rectangle { return image.Rect(b[0], b[1], b[2], b[3]) }

// BoxOf converts an image.Rectangle to a Box.
func BoxOf(r image.Rectangle) Box { return Box{r.Min.X, r.Min.Y, r.Max.X, r.Max.Y} }

// Finding is one thing a check found.
type Finding struct {
	Code     string   `json:"code"`
	Severity Severity `json:"severity"`
	Page     int      `json:"page,omitempty"` // 1-based; 0: the whole file
	Region   *Box     `json:"region,omitempty"`
	Message  string   `json:"message"`    // Simplified Chinese: what is wrong and what to do
	MessageE string   `json:"message_en"` // the same in English
}

// Seal kinds.
const (
	SealRound       = "round"
	SealOval        = "oval"
	SealPerforation = "perforation-slice" // a slice of a 骑缝章 at a page edge
)

// Seal is a red official seal (or a slice of one) found on a page.
type Seal struct {
	Page int    `json:"page"` // 1-based
	BBox Box    `json:"bbox"`
	Kind string `json:"kind"`
	Edge string `json:"edge,omitempty"` // for a slice: left, right, top or bottom
}

// PageInfo is what the checks saw of one page.
type PageInfo struct {
	Page   int     `json:"page"`
	Width  int     `json:"width"`  // pixels of the page image the checks used
	Height int     `json:"height"` // pixels
	DPI    float64 `json:"dpi"`    // effective resolution: pixels per inch of the paper (scans), 0 if unknown
	Blank  bool    `json:"blank"`
	Text   string  `json:"text,omitempty"` // OCR or embedded text
}

// Report is the result of inspecting one file; the JSON of the CLI
// (`tongban prereview inspect --json`) is this, one object per line.
type Report struct {
	File     string            `json:"file"`
	Type     string            `json:"type"` // pdf, jpeg, png, tiff, … or unknown
	Pages    int               `json:"pages"`
	Findings []Finding         `json:"findings"`
	Seals    []Seal            `json:"seals"`
	Fields   map[string]string `json:"fields"`
	PageInfo []PageInfo        `json:"page_info,omitempty"`
	OCR      string            `json:"ocr"` // done, failed, unavailable, skipped (not asked for), not_needed (every page has text or is blank), pending (the job will run it)
}
