import ELF

extension LoaderFile {
    /// Checks the file against the loader contract (cubeprogrammer-loader.md §6). Findings are
    /// sorted errors first; within a severity they keep rule order.
    public func lint(options: LintOptions = .stm32u5g7) -> [Finding] {
        var findings: [Finding] = []
        findings += ELFRules.check(self)
        findings += StorageInfoRules.check(self)
        findings += EntryPointRules.check(self)
        findings += SegmentRules.check(self, options: options)
        findings += InterruptRules.check(self)
        findings += RunnabilityRules.check(self, options: options)
        return findings.enumerated()
            .sorted { ($0.element.severity, $0.offset) < ($1.element.severity, $1.offset) }
            .map(\.element)
    }
}
