import ELF

/// Why a file could not be read as a loader at all (as opposed to a loader with findings).
public enum LoaderFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file could not be opened or read, and why.
    case unreadable(path: String, reason: String)
    /// The file is not a well-formed ELF32 little-endian file.
    case elf(ELFError)
    /// The PT_LOAD headers claim more file bytes than any target RAM could take: repeated
    /// or overlapping file ranges that would multiply the file in host memory.
    case segmentsTooLarge(file: String, total: UInt64, limit: UInt64)

    public var description: String {
        switch self {
        case let .unreadable(path, reason): "\(path): cannot read the file: \(reason)"
        case .elf(let error): error.description
        case let .segmentsTooLarge(file, total, limit):
            "\(file): the PT_LOAD segments hold \(total) bytes of file data in all, more than \(limit): no target RAM takes that (headers repeating the same file bytes?)"
        }
    }
}
