//go:build race

package prereview

// raceDetector: the tests run under the race detector (slow pixel loops).
const raceDetector = true
