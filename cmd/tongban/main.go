// Command tongban is the whole Tongban system in one binary: the API and
// web UI server, the background job runner, and the operator commands.
// This file is wiring only.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/tongban/tongban/internal/apperr"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "tongban:", apperr.Describe(err))
		}
		os.Exit(1)
	}
}

const usage = `tongban — 工程建设项目审批管理系统 (project approval management)

Usage:
  tongban serve    [--data DIR] [--addr HOST:PORT] [--db DSN] [--demo]   run the server
  tongban migrate  [--data DIR] [--db DSN]                               apply database migrations
  tongban demo seed --data DIR --projects N [--db DSN]                   fill a database with demo history
  tongban calendar due --from YYYY-MM-DD --days N [--unit WD|ND]         print a due date
  tongban calendar import FILE [--data DIR] [--db DSN]                   import a year's holiday schedule
  tongban calendar show YEAR                                             print a year's holidays
  tongban ledger verify --record FILE [--checkpoint FILE] [--key FILE]   verify a downloaded project record offline
  tongban ledger verify [--data DIR | --db DSN] [--key FILE]             check the whole ledger in the database
                                                                         (tree, every event, every checkpoint, every signature; "ledger audit" too)
  tongban cert verify FILE.pdf [--data DIR | --db DSN]                   verify a certificate PDF against the database
  tongban cert verify FILE.pdf --offline RECORD.json [--key FILE]        verify it offline against a downloaded project record
  tongban prereview inspect [--require seal,perforation-seal] [--json] FILE...  check materials as the upload does
  tongban version
`

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return flag.ErrHelp
	}
	switch args[0] {
	case "serve":
		return cmdServe(ctx, args[1:], stdout, stderr)
	case "migrate":
		return cmdMigrate(ctx, args[1:], stdout, stderr)
	case "demo":
		return cmdDemo(ctx, args[1:], stdout, stderr)
	case "calendar":
		return cmdCalendar(ctx, args[1:], stdout, stderr)
	case "ledger":
		return cmdLedger(ctx, args[1:], stdout, stderr)
	case "cert":
		return cmdCert(ctx, args[1:], stdout, stderr)
	case "prereview":
		return cmdPrereview(ctx, args[1:], stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "tongban", version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return apperr.Newf(apperr.Invalid, "cli.unknown", "未知命令 %q", "unknown command %q", args[0])
}

var version = "dev"
