package corpus_test

import (
	"testing"

	"github.com/tongban/tongban/internal/prereview"
	"github.com/tongban/tongban/internal/prereview/corpus"
)

// TestCodes: the codes and kinds the corpus writes are prereview's.
func TestCodes(t *testing.T) {
	for _, tc := range []struct{ corpus, prereview string }{
		{corpus.KindRound, prereview.SealRound},
		{corpus.KindOval, prereview.SealOval},
		{corpus.KindPerforation, prereview.SealPerforation},
	} {
		if tc.corpus != tc.prereview {
			t.Errorf("kind %q, prereview says %q", tc.corpus, tc.prereview)
		}
	}
	known := map[string]bool{}
	for _, c := range []string{prereview.CodeUnsupportedType, prereview.CodeCorruptFile, prereview.CodeEncryptedPDF,
		prereview.CodeTooLarge, prereview.CodeBlankPage, prereview.CodeLowResolution, prereview.CodeSealMissing,
		prereview.CodePerforationSealMissing, prereview.CodeUSCCInvalid, prereview.CodeExpired, prereview.CodeNameMismatch,
		prereview.CodeUSCCMismatch} {
		known[c] = true
	}
	for _, c := range corpus.Codes() {
		if !known[c] {
			t.Errorf("the corpus expects %q, which prereview does not define", c)
		}
	}
}
