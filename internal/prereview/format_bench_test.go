//go:build unix

package prereview

import (
	"context"
	"image"
	"syscall"
	"testing"
	"time"
)

// cpuTime is the CPU time (user and system) used by this process and by
// its finished children (pdftoppm and friends): on a shared machine it
// tells the work done apart from the time spent waiting for a core.
func cpuTime() time.Duration {
	var self, kids syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &self) != nil || syscall.Getrusage(syscall.RUSAGE_CHILDREN, &kids) != nil {
		return 0
	}
	return time.Duration(self.Utime.Nano() + self.Stime.Nano() + kids.Utime.Nano() + kids.Stime.Nano())
}

// formatPass is the format part of a check without OCR: open, then per
// page raster, blank, resolution and embedded text; what the seal checks
// add is measured by their own benchmarks.
func formatPass(b *testing.B, name string, data []byte) {
	ctx := context.Background()
	doc, fs := Open(ctx, name, data, Limits{})
	if doc == nil {
		b.Fatalf("Open: %+v", fs)
	}
	defer doc.Close()
	for i := 1; i <= doc.Pages; i++ {
		_, pi, err := doc.Page(ctx, i)
		if err != nil {
			b.Fatal(err)
		}
		_ = ResolutionFinding(pi)
		if _, err := doc.Text(ctx, i); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFormat10PageScan150: the target case, a 10-page 150 dpi
// scanned PDF (JPEG pages), checked without OCR. cpu-ms/op counts the
// poppler subprocesses too; the target is under 1000 on one core.
func BenchmarkFormat10PageScan150(b *testing.B) {
	mustPDFTools(b)
	data := scanPDF(b, 10, 150, 75)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	start := cpuTime()
	for b.Loop() {
		formatPass(b, "scan.pdf", data)
	}
	b.ReportMetric(float64(cpuTime()-start)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
}

// BenchmarkInspect10PageScan150 is the target as the upload meets
// it: Inspect without OCR (format, pages, resolution, blank pages, seals
// and perforation seals, embedded text) of a 10-page 150 dpi scanned PDF,
// with seals required. make bench runs it with -cpu 1; the target is
// under 1 s, cpu-ms/op (poppler's subprocesses included) under 1000.
func BenchmarkInspect10PageScan150(b *testing.B) {
	mustPDFTools(b)
	data := scanPDF(b, 10, 150, 75)
	o := Options{RequireSeal: true, RequirePerforation: true}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	start := cpuTime()
	for b.Loop() {
		rep := Inspect(context.Background(), "scan.pdf", data, o)
		if rep.Pages != 10 || len(rep.PageInfo) != 10 {
			b.Fatalf("report: %d pages, %d page infos", rep.Pages, len(rep.PageInfo))
		}
	}
	b.ReportMetric(float64(cpuTime()-start)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
}

// BenchmarkOpen2000Pages: a 2,000-page PDF is refused from its page count,
// without rendering anything.
func BenchmarkOpen2000Pages(b *testing.B) {
	mustPDFTools(b)
	data := pdfBytes(b, make([]pdfPageSpec, 2000), nil)
	b.ResetTimer()
	start := cpuTime()
	for b.Loop() {
		doc, fs := Open(context.Background(), "many.pdf", data, Limits{})
		if doc != nil || len(fs) != 1 || fs[0].Code != CodeTooLarge {
			b.Fatalf("doc %v, findings %+v", doc, fs)
		}
	}
	b.ReportMetric(float64(cpuTime()-start)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
}

// BenchmarkOpenHugeImage: a 50,000 × 50,000 PNG is refused from its
// header: no allocation beyond a few hundred bytes.
func BenchmarkOpenHugeImage(b *testing.B) {
	data := hugePNG(50000, 50000)
	b.ReportAllocs()
	for b.Loop() {
		if doc, _ := Open(context.Background(), "bomb.png", data, Limits{}); doc != nil {
			b.Fatal("decoded")
		}
	}
}

// BenchmarkPageJPEG300: a 300 dpi A4 JPEG decoded and brought to 100 dpi.
func BenchmarkPageJPEG300(b *testing.B) {
	data := jpegBytes(b, scanPage(scanOpts{dpi: 300, seed: 1, noise: 5}), 85, 300)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		doc, _ := Open(context.Background(), "a.jpg", data, Limits{})
		if _, _, err := doc.Page(context.Background(), 1); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkIsBlank on a 100 dpi A4 page of text and on a blank one (the
// slow case: every block is looked at).
func BenchmarkIsBlank(b *testing.B) {
	for _, c := range []struct {
		name string
		img  image.Image
	}{
		{"text", scanPage(scanOpts{dpi: 100, seed: 1, noise: 5})},
		{"blank", scanPage(scanOpts{dpi: 100, seed: 2, noise: 5, blank: true})},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				IsBlank(c.img)
			}
		})
	}
}
