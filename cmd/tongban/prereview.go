package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/prereview"
)

const prereviewUsage = "tongban prereview inspect [--require seal,perforation-seal] [--json] [--no-ocr] [--enterprise NAME] [--uscc CODE] FILE..."

// cmdPrereview inspects files as the upload does: one report per file
// (with --json, one JSON object a line). Exit 0 when every file was
// inspected, whatever it found; 1 on bad usage or an unreadable file.
func cmdPrereview(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "inspect" {
		return apperr.New(apperr.Invalid, "cli.prereview", "用法："+prereviewUsage, "usage: "+prereviewUsage)
	}
	fs := flag.NewFlagSet("prereview inspect", flag.ContinueOnError)
	require := fs.String("require", "", "comma-separated: seal (the last page must bear an official seal), perforation-seal (every page of a multi-page file a slice of the 骑缝章)")
	asJSON := fs.Bool("json", false, "one JSON object per file, one a line")
	noOCR := fs.Bool("no-ocr", false, "skip text recognition (fast checks only)")
	enterprise := fs.String("enterprise", "", "the applicant enterprise's name, to compare with the documents")
	uscc := fs.String("uscc", "", "the applicant's unified social credit code, to compare with the documents")
	today := fs.String("today", "", "the date validity is judged on, YYYY-MM-DD (default today)")
	files, rest := splitFiles(args[1:])
	if err := parse(fs, rest, stderr); err != nil {
		return err
	}
	files = append(files, fs.Args()...)
	if len(files) == 0 {
		return apperr.New(apperr.Invalid, "cli.prereview", "用法："+prereviewUsage, "usage: "+prereviewUsage)
	}
	o := prereview.Options{Limits: prereview.DefaultLimits(), OCR: !*noOCR, Application: prereview.Application{EnterpriseName: *enterprise, USCC: *uscc}}
	for _, r := range strings.Split(*require, ",") {
		switch strings.TrimSpace(r) {
		case "":
		case "seal":
			o.RequireSeal = true
		case "perforation-seal":
			o.RequirePerforation = true
		default:
			return apperr.Newf(apperr.Invalid, "cli.prereview_require", "--require 只能是 seal 或 perforation-seal，不是 %q", "--require takes seal and perforation-seal, not %q", r)
		}
	}
	if *today != "" {
		t, err := time.ParseInLocation("2006-01-02", *today, time.Local)
		if err != nil {
			return apperr.Newf(apperr.Invalid, "cli.prereview_today", "--today 应为 YYYY-MM-DD，不是 %q", "--today must be YYYY-MM-DD, not %q", *today)
		}
		o.Now = t
	}
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	for _, f := range files {
		data, err := readLimited(f, o.Limits.MaxBytes)
		var rep prereview.Report
		if ae := apperr.As(err); err != nil && ae.Code == apperr.TooLarge {
			rep = prereview.Report{File: f, Type: "unknown", Findings: []prereview.Finding{{Code: prereview.CodeTooLarge, Severity: prereview.Error,
				Message: "文件过大，超过上限", MessageE: "the file is larger than the limit"}}, Seals: []prereview.Seal{}, Fields: map[string]string{}}
		} else if err != nil {
			return err
		} else {
			rep = prereview.Inspect(ctx, f, data, o)
		}
		for i := range rep.PageInfo {
			rep.PageInfo[i].Text = "" // the text is long; the fields carry what matters
		}
		if *asJSON {
			if err := enc.Encode(rep); err != nil {
				return err
			}
			continue
		}
		printReport(stdout, rep)
	}
	return nil
}

// splitFiles takes the leading non-flag arguments as files, so that
// "inspect a.pdf b.pdf --json" works as well as "inspect --json a.pdf".
func splitFiles(args []string) (files, rest []string) {
	for i, a := range args {
		if strings.HasPrefix(a, "-") {
			return files, args[i:]
		}
		files = append(files, a)
	}
	return files, nil
}

func printReport(out io.Writer, r prereview.Report) {
	fmt.Fprintf(out, "%s: %s, %d 页 / pages, OCR %s\n", r.File, r.Type, r.Pages, r.OCR)
	for _, s := range r.Seals {
		fmt.Fprintf(out, "  印章 / seal: 第 %d 页 / page %d, %s %v\n", s.Page, s.Page, s.Kind, s.BBox)
	}
	for k, v := range r.Fields {
		fmt.Fprintf(out, "  字段 / field: %s = %s\n", k, v)
	}
	if len(r.Findings) == 0 {
		fmt.Fprintln(out, "  ✓ 未发现问题 / no findings")
	}
	for _, f := range r.Findings {
		page := ""
		if f.Page > 0 {
			page = fmt.Sprintf(" p.%d", f.Page)
		}
		fmt.Fprintf(out, "  %s %s%s: %s / %s\n", f.Severity, f.Code, page, f.Message, f.MessageE)
	}
}
