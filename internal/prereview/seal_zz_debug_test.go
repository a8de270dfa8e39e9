package prereview

import (
	"context"
	"image/png"
	"os"
	"testing"

	"github.com/tongban/tongban/internal/prereview/corpus"
)

func TestZZSealMiss(t *testing.T) {
	if os.Getenv("SEAL_MISS") == "" {
		t.Skip()
	}
	dir := "/tmp/helper-pr-seal/c2"
	cases, _ := corpus.Load(dir)
	for _, k := range []struct{ i, page int }{{30, 5}, {118, 1}} {
		c := cases[k.i]
		data, _ := os.ReadFile(dir + "/" + c.File)
		doc, _ := Open(context.Background(), c.File, data, DefaultLimits())
		img, pi, err := doc.Page(context.Background(), k.page)
		if err != nil {
			t.Fatal(err)
		}
		f, _ := os.Create("/tmp/helper-pr-seal/miss/" + c.Name + ".png")
		png.Encode(f, img)
		f.Close()
		t.Logf("%s p%d %v dpi %v scan %+v boxes %+v", c.Name, k.page, img.Bounds(), pi.DPI, c.Scan, c.Expect.SealBoxes[k.page])
		m := newRedMask(img)
		m.suppressRules()
		m.cluster()
		for _, fit := range m.sealFits() {
			t.Logf("  fit %v cover %.3f out %.3f corners %.3f int %.3f near %v ok %v", fit.r, fit.cover, fit.outside, fit.corners, fit.interior, fit.nearEdge, fit.ok())
		}
		for _, cl := range m.clusters {
			if cl.r.Dx() > 20 || cl.r.Dy() > 20 {
				t.Logf("  cluster %v n %d", cl.r, cl.n)
			}
		}
		doc.Close()
	}
}
