// Package calendar is the working-day calendar of Tongban and the deadline
// clocks counted on it. It is pure Go: no I/O beyond the embedded data, time
// passed in.
//
// # Working days
//
// A working day (工作日) is Monday–Friday, minus the statutory holidays, plus
// the weekend days worked to make up for them (调休上班). The State Council
// General Office publishes each year's schedule in November or December
// (国务院办公厅关于XXXX年部分节假日安排的通知), so the calendar is data: the years
// 2020–2026 are bundled (holidays/*.yaml) and an administrator imports later
// years, or a correction, with WithYear. For a year with no data the calendar
// falls back to Monday–Friday; Covers tells callers so they can warn.
//
// Periods follow the Administrative Licensing Law: the day of acceptance
// does not count, day 1 is the next working day (AddWorkingDays). Natural
// days (ND) are plain calendar days; a natural-day due date on a holiday is
// not moved.
//
// # Year file format
//
// One YAML file per year (JSON is accepted too: it is YAML). The admin API
// takes and returns the same shape as JSON (YearFile).
//
//	year: 2025                       # 2000–2100
//	source: 国务院办公厅关于2025年部分节假日安排的通知   # optional
//	holidays:                        # every date off, one entry per date
//	  - {date: 2025-01-28, name: 春节}
//	  - {date: 2025-01-29, name: 春节}
//	workdays:                        # make-up working days (调休上班)
//	  - {date: 2025-01-26, name: 春节}
//
// Rules, each reported with the file, the entry and its line:
//   - dates are real dates written YYYY-MM-DD, all inside the file's year;
//   - no date is listed twice, and none is both a holiday and a workday;
//   - a holiday needs its festival name (at most 32 characters); a
//     weekend date may be a holiday (it is part of the festival run);
//   - a workday must be a Saturday or Sunday (a weekday already is one);
//   - at least one holiday, at most 60 holidays and 20 workdays;
//   - unknown keys are rejected (a misspelt "holiday:" would otherwise
//     import a year without holidays); an empty file is an error.
//
// Ranges are not supported: one entry per date keeps the file a plain list
// that diffs well and cannot overlap. Importing a year replaces that year
// as a whole, so a published correction is applied by importing the
// corrected file.
//
// # Deadline clocks
//
// A Clock is the deadline of one task, stored as JSON with it. Start fixes
// the due date; Pause and Resume stop it for a correction (补正) or a
// special procedure (特别程序) and move the due date by the days lost; State
// says normal (正常), warning (预警) or overdue (逾期). When the warning
// begins is a WarnRule: "80%" of the limit (the default) or "2d", two days
// (in the clock's unit) before the due date.
package calendar
