package corpus

import "testing"

// BenchmarkDegrade measures spoiling and encoding one A4 page at 150 dpi.
func BenchmarkDegrade(b *testing.B) {
	const w, h = 1240, 1754
	src := &raster{Pix: make([]byte, 3*w*h), W: w, H: h}
	for i := range src.Pix {
		src.Pix[i] = 255
	}
	for y := 100; y < 1600; y += 30 {
		for x := 150; x < 1100; x++ {
			for k := 0; k < 8; k++ {
				if (x/7)%3 != 0 {
					src.Pix[3*((y+k)*w+x)], src.Pix[3*((y+k)*w+x)+1], src.Pix[3*((y+k)*w+x)+2] = 20, 20, 20
				}
			}
		}
	}
	r := newRand(1)
	spec := noisyScan(r, 150)
	b.Run("noisy", func(b *testing.B) {
		for b.Loop() {
			degrade(src, spec, nil, r)
		}
	})
	b.Run("blur", func(b *testing.B) {
		for b.Loop() {
			blur(src, 0.5)
		}
	})
	clean := cleanScan(r, 150)
	b.Run("clean", func(b *testing.B) {
		for b.Loop() {
			degrade(src, clean, nil, r)
		}
	})
	img := degrade(src, spec, nil, r)
	b.Run("jpeg", func(b *testing.B) {
		for b.Loop() {
			encodeJPEG(img, 60, 150)
		}
	})
}
