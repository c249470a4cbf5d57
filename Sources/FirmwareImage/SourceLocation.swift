import ELF

/// Where a byte of an image came from: `image.hex:12:10` for text formats, `app.elf (file offset 0x74)`
/// for binary ones. Errors and overlap reports carry one of these per source.
public struct SourceLocation: Equatable, Sendable, CustomStringConvertible {
    public var file: String
    /// 1-based line, for S-record and Intel HEX files.
    public var line: Int?
    /// 1-based column (character) within the line.
    public var column: Int?
    /// Byte offset in the file, for raw binary and ELF files.
    public var fileOffset: Int?

    public init(file: String, line: Int? = nil, column: Int? = nil, fileOffset: Int? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.fileOffset = fileOffset
    }

    public var description: String {
        if let line {
            return column.map { "\(file):\(line):\($0)" } ?? "\(file):\(line)"
        }
        if let fileOffset { return "\(file) (file offset \(hex(fileOffset)))" }
        return file
    }
}
