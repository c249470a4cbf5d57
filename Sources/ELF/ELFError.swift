/// Why a file could not be read as an ELF32 little-endian file.
///
/// Every error names the file, the file offset where the reader was looking and what it
/// expected there, so that a firmware engineer can open the file in a hex editor and see it:
/// `loader.stldr: program header 2 at file offset 0x74 points past the end of the file (0x1A40 + 0x200 > 0x1B00)`.
public struct ELFError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: String, Equatable, Sendable {
        /// The file ends before a structure the header promises.
        case truncated
        /// The file does not start with the ELF magic number.
        case notELF
        /// A valid ELF that this reader does not handle (64-bit, big-endian, extended numbering).
        case unsupported
        /// An offset or size in a table points outside the file or outside its own table.
        case outOfBounds
        /// A field holds a value that contradicts the ELF specification.
        case malformed
    }

    public let file: String
    public let fileOffset: Int
    public let kind: Kind
    /// The sentence after `file: `.
    public let detail: String

    public init(file: String, fileOffset: Int, kind: Kind, detail: String) {
        self.file = file
        self.fileOffset = fileOffset
        self.kind = kind
        self.detail = detail
    }

    public var description: String { "\(file): \(detail)" }
}
