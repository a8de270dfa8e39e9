package prereview

import (
	"context"
	"fmt"
	"image"
	"testing"
	"time"
)

// BenchmarkOCRPage reads the rendered business licence (landscape A4,
// red seal) at the resolutions a page may be rasterised at: ns/op is the
// wall time of one page, tesseract-cpu-ms/op the CPU time Tesseract used
// (one thread, OMP_THREAD_LIMIT=1). On a busy machine wall time grows,
// Tesseract's CPU time does not.
//
//	go test -run '^$' -bench BenchmarkOCRPage -benchtime 3x ./internal/prereview/
func BenchmarkOCRPage(b *testing.B) {
	needOCR(b)
	pdf := renderLicencePDF(b, defaultLicence(b))
	want := licenceWant(b)
	for _, dpi := range []int{150, 200, 300} {
		for _, scan := range []bool{false, true} {
			img := rasterise(b, pdf, dpi)
			if scan {
				img = degrade(b, img, 0.8, 18, 55, 1)
			}
			b.Run(fmt.Sprintf("dpi=%d/scan=%v", dpi, scan), func(b *testing.B) {
				var cpu time.Duration
				fields := 0
				for b.Loop() {
					r, err := OCRPage(context.Background(), img, OCROptions{DPI: dpi})
					if err != nil {
						b.Fatal(err)
					}
					cpu += r.CPU
					got := ExtractFields(r.Text)
					for k, v := range want {
						if got[k] == v {
							fields++
						}
					}
				}
				b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "tesseract-cpu-ms/op")
				b.ReportMetric(float64(fields)/float64(b.N), "fields-right/op")
				b.ReportMetric(float64(len(want)), "fields")
			})
		}
	}
}

// BenchmarkReadAmountPixels is the Go side of reading a capital amount:
// cutting and matching one 15-character line at 200 dpi.
func BenchmarkReadAmountPixels(b *testing.B) {
	img := rasterise(b, renderAmountPDF(b, ocrFontPath, amountCases[0].capital, amountCases[0].figures), 200)
	grey := toGrey(img, true)
	// The total line: 合同价款（大写）：人民币…, 25 mm from the left,
	// 50 + 5×11 mm from the top (renderAmountPDF).
	px := func(mm float64) int { return int(mm / 25.4 * 200) }
	region := image.Rect(px(80), px(105), px(150), px(113))
	glyphTemplates()
	for b.Loop() {
		segs := readAmountPixels(grey, region)
		if len(segs) == 0 {
			b.Fatal("nothing read")
		}
	}
}

func BenchmarkExtractFields(b *testing.B) {
	text := "统一社会信用代码\n91350200MA2Y3K7Q54\n名\t称\t厦门海沧建设发展有限公司\t注册资本\t人民币壹佰贰拾万元整\n" +
		"类\t型\t有限责任公司(自然人投资或控股)\t成立日期\t2015年03月12日\n法定代表人\t陈明华\t营业期限\t2015年03月12日至2035年03月11日\n" +
		"经营范围\t房屋建筑工程施工，市政公用工程施工，建筑材料销\t住\t所\t厦门市海沧区海沧大道567号\n"
	for b.Loop() {
		ExtractFields(text)
	}
}
