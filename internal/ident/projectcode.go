package ident

import (
	"fmt"
	"strconv"
	"unicode/utf8"
)

// Investment project types, the fourth segment of a project code.
const (
	ProjectTypeApproval     = "01" // 审批: government-invested projects
	ProjectTypeVerification = "02" // 核准: enterprise projects on the verification list
	ProjectTypeFiling       = "03" // 备案: other enterprise projects
)

// ProjectCodeLen is the length of a project code with its dashes.
const ProjectCodeLen = 24

// ValidateProjectCode checks the shape of a national investment project
// code (投资项目代码), YYYY-AAAAAA-BB-CC-NNNNNN, e.g. 2024-350211-47-03-012345:
// the year the code was issued (2014–2099), the 6-digit administrative
// division of the issuing platform, the 2-digit industry code, the project
// type (01 审批, 02 核准, 03 备案) and a 6-digit serial number.
//
// The code is issued by the national investment project online approval
// and supervision platform (全国投资项目在线审批监管平台), which alone knows
// whether it exists; we keep it exactly as given and only check its shape,
// so a typo is caught at the form rather than by the provincial exchange.
func ValidateProjectCode(code string) error {
	if code == "" {
		return invalid("project_code.required", "请填写投资项目代码", "the investment project code is required")
	}
	const shapeZH, shapeEN = "格式应为“年份-行政区划-行业-类型-流水号”，如 2024-350211-47-03-012345", "the shape is YYYY-AAAAAA-BB-CC-NNNNNN, e.g. 2024-350211-47-03-012345"
	if n := utf8.RuneCountInString(code); n != ProjectCodeLen {
		return invalid("project_code.length",
			fmt.Sprintf("投资项目代码应为 24 位（含短横线），实际为 %d 位；%s", n, shapeZH),
			fmt.Sprintf("an investment project code must be 24 characters including dashes, got %d; %s", n, shapeEN))
	}
	pos := 0
	for _, r := range code {
		pos++
		dash := pos == 5 || pos == 12 || pos == 15 || pos == 18
		switch {
		case dash && r != '-':
			return invalid("project_code.char",
				fmt.Sprintf("投资项目代码第 %d 位应为短横线“-”，实际为%s；%s", pos, showChar(r), shapeZH),
				fmt.Sprintf("investment project code: position %d must be a dash '-', got %q; %s", pos, r, shapeEN))
		case !dash && (r < '0' || r > '9'):
			return invalid("project_code.char",
				fmt.Sprintf("投资项目代码第 %d 位含有非法字符%s（除短横线外只能是数字）；%s", pos, showChar(r), shapeZH),
				fmt.Sprintf("investment project code: illegal character %q at position %d (only digits apart from the dashes); %s", r, pos, shapeEN))
		}
	}
	// All 24 runes are ASCII now, so byte offsets equal positions.
	if year, _ := strconv.Atoi(code[0:4]); year < 2014 || year > 2099 {
		return invalid("project_code.year",
			fmt.Sprintf("投资项目代码的赋码年份 %d 不在 2014–2099 之间", year),
			fmt.Sprintf("investment project code: the year %d is not between 2014 and 2099", year))
	}
	switch typ := code[15:17]; typ {
	case ProjectTypeApproval, ProjectTypeVerification, ProjectTypeFiling:
	default:
		return invalid("project_code.type",
			fmt.Sprintf("投资项目代码第 16–17 位的项目类型“%s”无效，应为 01（审批）、02（核准）或 03（备案）", typ),
			fmt.Sprintf("investment project code: the project type %q at positions 16–17 is invalid; it must be 01 (approval), 02 (verification) or 03 (filing)", typ))
	}
	return nil
}
