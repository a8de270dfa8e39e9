// Temporary: writes a corpus for the seal helper's exploration.
package main

import (
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/tongban/tongban/internal/prereview/corpus"
)

func main() {
	n, _ := strconv.Atoi(os.Args[2])
	seed, _ := strconv.ParseInt(os.Args[3], 10, 64)
	t := time.Now()
	cs, err := corpus.Generate(os.Args[1], n, seed)
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	fmt.Println(len(cs), time.Since(t))
}
