/// How much a finding matters to the download.
public enum Severity: String, Codable, Sendable, Comparable, CaseIterable {
    case note, warning, error

    private var rank: Int {
        switch self {
        case .note: 0
        case .warning: 1
        case .error: 2
        }
    }

    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}

/// A root cause named by a diagnosis rule, with the evidence that shows it.
public struct SessionFinding: Codable, Sendable, Equatable {
    /// Stable, kebab-case; CI scripts key on it (`return-value`, `memory-mapped-active`, …).
    public var code: String
    public var severity: Severity
    /// One line a firmware engineer understands.
    public var message: String
    /// The loader call the finding is about ("Write#3"), when there is one.
    public var call: String?
    /// What the simulator saw: events, addresses, bytes.
    public var evidence: [String]

    public init(code: String, severity: Severity, message: String, call: String? = nil, evidence: [String] = []) {
        self.code = code
        self.severity = severity
        self.message = message
        self.call = call
        self.evidence = evidence
    }
}
