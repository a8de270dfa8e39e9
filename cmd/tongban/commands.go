package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"

	"github.com/tongban/tongban/internal/app"
	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/calendar"
	"github.com/tongban/tongban/internal/config"
	"github.com/tongban/tongban/internal/demo"
	"github.com/tongban/tongban/internal/store"
	"github.com/tongban/tongban/web"
)

func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l}))
}

func parse(fs *flag.FlagSet, args []string, stderr io.Writer) error {
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return err
		}
		return apperr.Newf(apperr.Invalid, "cli.flags", "参数有误：%v", "bad arguments: %v", err)
	}
	return nil
}

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg := config.Default()
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	cfg.Flags(fs)
	if err := parse(fs, args, stderr); err != nil {
		return err
	}
	log := newLogger(stderr, cfg.LogLevel)
	a, err := app.Open(ctx, cfg, app.Options{Logger: log, UI: web.Handler()})
	if err != nil {
		return err
	}
	defer a.Close()
	if cfg.Demo {
		accounts, err := demo.Load(ctx, a.Service, demo.Options{Projects: cfg.DemoProjects})
		if err != nil {
			return err
		}
		demo.PrintAccounts(stdout, accounts)
	}
	if err := a.Listen(); err != nil {
		return err
	}
	a.Start(ctx)
	fmt.Fprintf(stdout, "\n通办 Tongban 已启动 / serving at http://%s/\n  API 文档 / API document: http://%s/api/openapi.json\n  数据目录 / data: %s\n", a.Addr(), a.Addr(), cfg.DataDir)
	<-ctx.Done()
	fmt.Fprintln(stdout, "正在停止 / shutting down")
	return nil
}

func cmdMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg := config.Default()
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	cfg.Flags(fs)
	if err := parse(fs, args, stderr); err != nil {
		return err
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return apperr.Wrap(err, "create data directory")
	}
	db, err := store.Open(ctx, cfg.DSN, cfg.DataDir)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "ok: database migrated")
	return nil
}

func cmdDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "seed" {
		return apperr.New(apperr.Invalid, "cli.demo", "用法：tongban demo seed --data DIR --projects N", "usage: tongban demo seed --data DIR --projects N")
	}
	cfg := config.Default()
	fs := flag.NewFlagSet("demo seed", flag.ContinueOnError)
	cfg.Flags(fs)
	n := fs.Int("projects", 50, "number of projects to create")
	seed := fs.Int64("seed", 1, "random seed (same seed, same history)")
	if err := parse(fs, args[1:], stderr); err != nil {
		return err
	}
	if *n < 0 || *n > 1000000 {
		return apperr.New(apperr.Invalid, "cli.projects", "--projects 须在 0 到 1000000 之间", "--projects must be between 0 and 1000000")
	}
	a, err := app.Open(ctx, cfg, app.Options{Logger: newLogger(stderr, "warn")})
	if err != nil {
		return err
	}
	defer a.Close()
	accounts, err := demo.Load(ctx, a.Service, demo.Options{Projects: 0})
	if err != nil {
		return err
	}
	demo.PrintAccounts(stdout, accounts)
	res, err := demo.Seed(ctx, a.Service, demo.SeedOptions{Projects: *n, Seed: *seed, Progress: stdout})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "ok: %d projects, %d tasks, %d events\n", res.Projects, res.Tasks, res.Events)
	return nil
}

func cmdCalendar(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return apperr.New(apperr.Invalid, "cli.calendar", "用法：tongban calendar due|import|show …", "usage: tongban calendar due|import|show …")
	}
	switch args[0] {
	case "due":
		fs := flag.NewFlagSet("calendar due", flag.ContinueOnError)
		from := fs.String("from", "", "start date YYYY-MM-DD (the acceptance day; it does not count)")
		days := fs.Int("days", 0, "number of days")
		unit := fs.String("unit", "WD", "WD working days or ND natural days")
		if err := parse(fs, args[1:], stderr); err != nil {
			return err
		}
		d, err := calendar.ParseDate(*from)
		if err != nil {
			return err
		}
		u, err := calendar.ParseUnit(*unit)
		if err != nil {
			return err
		}
		if *days < 0 || *days > 3650 {
			return apperr.New(apperr.Invalid, "cli.days", "--days 须在 0 到 3650 之间", "--days must be between 0 and 3650")
		}
		cal := calendar.Default()
		due := cal.Due(d, *days, u)
		if !cal.Covers(due) {
			fmt.Fprintf(stderr, "注意：%d 年的节假日安排尚未导入，按周一至周五计算 / note: no holiday data for %d, counting Monday–Friday\n", due.Y, due.Y)
		}
		fmt.Fprintln(stdout, due.String())
		return nil
	case "show":
		if len(args) < 2 {
			return apperr.New(apperr.Invalid, "cli.year", "用法：tongban calendar show YEAR", "usage: tongban calendar show YEAR")
		}
		y, err := strconv.Atoi(args[1])
		if err != nil {
			return apperr.New(apperr.Invalid, "cli.year", "年份须为数字", "the year must be a number")
		}
		yf, ok := calendar.Default().Export(y)
		if !ok {
			return apperr.Newf(apperr.NotFound, "calendar.year", "没有 %d 年的节假日数据", "no holiday data for %d", y)
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(yf)
	case "import":
		cfg := config.Default()
		fs := flag.NewFlagSet("calendar import", flag.ContinueOnError)
		cfg.Flags(fs)
		if len(args) < 2 {
			return apperr.New(apperr.Invalid, "cli.file", "用法：tongban calendar import FILE [--data DIR] [--db DSN]", "usage: tongban calendar import FILE [--data DIR] [--db DSN]")
		}
		file := args[1]
		if err := parse(fs, args[2:], stderr); err != nil {
			return err
		}
		f, err := os.Open(file)
		if err != nil {
			return apperr.Newf(apperr.Invalid, "cli.file", "无法打开文件 %s", "cannot open file %s", file)
		}
		defer f.Close()
		yf, err := calendar.ParseYearFile(file, f)
		if err != nil {
			return err
		}
		if _, err := calendar.Default().WithYear(yf); err != nil {
			return err
		}
		a, err := app.Open(ctx, cfg, app.Options{Logger: newLogger(stderr, "warn")})
		if err != nil {
			return err
		}
		defer a.Close()
		if err := a.Service.ImportCalendarYear(ctx, yf, "cli"); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "ok: %d 年节假日安排已导入 / calendar year %d imported\n", yf.Year, yf.Year)
		return nil
	}
	return apperr.Newf(apperr.Invalid, "cli.calendar", "未知子命令 %q", "unknown subcommand %q", args[0])
}
