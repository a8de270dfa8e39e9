//go:build !race

package prereview

// ocrRace: the tests run under the race detector, where the pixel loops
// of the OCR fixtures and the amount reader are ten times slower: the OCR
// tests then read fewer pages.
const ocrRace = false
