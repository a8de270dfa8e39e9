// Command prcorpus writes the material pre-review test corpus (issue 5)
// into a directory: n generated documents with their expected findings in
// cases.json, and the hand-made edge cases with edge-cases.json.
//
//	prcorpus [-n 200] [-seed 1] [-edge=true] DIR
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"github.com/tongban/tongban/internal/prereview/corpus"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is the command: exit status 0 when the corpus was written, 1 when it
// could not be, 2 for bad usage.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("prcorpus", flag.ContinueOnError)
	fs.SetOutput(stderr)
	n := fs.Int("n", 200, "number of generated documents")
	seed := fs.Int64("seed", 1, "random seed: the same seed writes the same files")
	edge := fs.Bool("edge", true, "also write the edge cases (encrypted, truncated, polyglot, 50 000 × 50 000 pixels, empty, 2000 pages, …)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: prcorpus [-n 200] [-seed 1] [-edge=true] DIR")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 || *n < 0 {
		fs.Usage()
		return 2
	}
	dir := fs.Arg(0)
	start := time.Now()
	cases, err := corpus.GenerateContext(ctx, dir, *n, *seed)
	if err != nil {
		fmt.Fprintln(stderr, "prcorpus:", err)
		return 1
	}
	gen := time.Since(start)
	var edges []corpus.Case
	if *edge {
		if edges, err = corpus.EdgeCases(dir); err != nil {
			fmt.Fprintln(stderr, "prcorpus:", err)
			return 1
		}
	}
	s := corpus.Summarize(append(cases, edges...))
	fmt.Fprintf(stdout, "%d documents in %s (%.1fs), %d edge cases\n", len(cases), dir, gen.Seconds(), len(edges))
	fmt.Fprintln(stdout, s)
	return 0
}
