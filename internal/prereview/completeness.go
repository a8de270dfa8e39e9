package prereview

// CompletenessFinding says what a stage still lacks of one material of
// its catalog requirements (for the project's situation): nil when the
// material is on file or not required; missing_material (error) when it
// must be uploaded before the stage is submitted; rongque_allowed
// (warning) when the stage may be submitted without it under 容缺受理, the
// applicant signing the commitment to supply it within the item's period
// (not open to an enterprise on the credit blacklist).
func CompletenessFinding(name string, required, uploaded, rongqueAllowed bool) *Finding {
	if uploaded || !required {
		return nil
	}
	if rongqueAllowed {
		return &Finding{Code: CodeRongqueAllowed, Severity: Warning,
			Message:  "“" + name + "”尚未上传，可容缺：可以先提交申报，提交时须签署容缺承诺书，并在承诺期限内补交（失信主体不适用）",
			MessageE: "“" + name + "” is not uploaded and may follow (容缺): the stage can be submitted now if you sign the commitment to supply it within the period (not open to enterprises on the credit blacklist)"}
	}
	return &Finding{Code: CodeMissingMaterial, Severity: Error,
		Message:  "缺少“" + name + "”：此材料必须上传后才能提交申报",
		MessageE: "“" + name + "” is missing: it must be uploaded before the stage can be submitted"}
}
