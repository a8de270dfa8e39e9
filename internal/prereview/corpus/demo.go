package corpus

import (
	"fmt"
	"math/rand/v2"
)

// MaterialWriter renders stand-ins for uploaded materials, for the demo
// data: born-digital PDFs in Chinese about one enterprise (its name, credit
// code and legal representative), bearing the seals the material needs, so
// that their pre-review passes as a real applicant's would.
type MaterialWriter struct{ song, sans []byte }

// NewMaterialWriter reads the CJK fonts (scripts/pdftools.sh installs
// them), keeping the characters the corpus draws and those of text: the
// names and the like that MaterialSpecs will carry.
func NewMaterialWriter(text string) (*MaterialWriter, error) {
	song, sans, err := readFonts(text)
	if err != nil {
		return nil, err
	}
	return &MaterialWriter{song: song, sans: sans}, nil
}

// MaterialSpec is one material to render.
type MaterialSpec struct {
	EnterpriseName string
	USCC           string
	LegalRep       string // "": a generated name
	// City and District the enterprise is in (厦门, 思明: without 市 and
	// 区; "": generated), which the authority addressed and the address
	// follow.
	City, District string
	// Seal: the enterprise's seal on the last page (an application or
	// commitment form); Perforation: a contract of two or three pages with
	// a perforation seal (骑缝章) across the right edge of every page.
	Seal, Perforation bool
	Seed              uint64 // one seed, one document
}

// Render draws the material as a PDF.
func (w *MaterialWriter) Render(s MaterialSpec) ([]byte, error) {
	if s.EnterpriseName == "" || s.USCC == "" {
		return nil, fmt.Errorf("corpus: a material needs the enterprise's name and credit code")
	}
	r := rand.New(rand.NewPCG(s.Seed, 0x7b))
	co := newCompany(r)
	co.Name, co.USCC = s.EnterpriseName, s.USCC
	if s.LegalRep != "" {
		co.Legal = s.LegalRep
	}
	if s.City != "" {
		co.City, co.District = s.City, s.District
		if co.District == "" {
			co.District = pick(r, districts)
		}
		co.Address = fmt.Sprintf("%s市%s区%s路%d号", co.City, co.District, pick(r, roads), 1+r.IntN(300))
	}
	g := &gen{r: r, co: co, fonts: w}
	var (
		dr  *drawn
		err error
	)
	if s.Perforation {
		dr, err = contract(g, flaws{perforation: "right", pages: 2 + r.IntN(2), noSeal: !s.Seal})
	} else {
		dr, err = application(g, flaws{pages: 1, noSeal: !s.Seal})
	}
	if err != nil {
		return nil, err
	}
	return dr.d.output()
}
