import ELF

/// One result of checking a loader: a stable kebab-case `code` for scripts and tests, a
/// severity, and a sentence a firmware engineer can act on, with evidence where it applies.
public struct Finding: Equatable, Sendable, Codable {
    public enum Severity: String, Sendable, Codable, Comparable {
        case error, warning, note

        private var rank: Int {
            switch self {
            case .error: 0
            case .warning: 1
            case .note: 2
            }
        }

        public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
    }

    public var code: String
    public var severity: Severity
    public var message: String
    public var address: UInt32?
    public var fileOffset: Int?

    public init(code: String, severity: Severity, message: String, address: UInt32? = nil, fileOffset: Int? = nil) {
        self.code = code
        self.severity = severity
        self.message = message
        self.address = address
        self.fileOffset = fileOffset
    }

    /// `loader.stldr: error: [storageinfo-layout] StorageInfo is 136 bytes … (file offset 0x1A40)`
    public func rendered(file: String) -> String {
        var evidence: [String] = []
        if let address { evidence.append("address \(hexAddress(address))") }
        if let fileOffset { evidence.append("file offset \(hex(fileOffset))") }
        let suffix = evidence.isEmpty ? "" : " (" + evidence.joined(separator: ", ") + ")"
        return "\(file): \(severity.rawValue): [\(code)] \(message)\(suffix)"
    }
}
